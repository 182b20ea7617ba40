/**
 * @file Writing a model directory atomically. `model.json` is the one switch: each save writes its
 * weights to a new, uniquely named file (`weights-<host>-<pid>-<random>.safetensors`) and a new
 * `model.json` under a unique temporary name, fsyncs both and the directory, then renames the
 * temporary file over `model.json`. Loading reads `model.json` and the file it names, so whatever
 * instant a saving process dies, the directory holds the old model or the new one, never a mix. The
 * rename of a file over a file is atomic on POSIX and on Windows (MoveFileEx), unlike a directory
 * rename over a directory, which is why the switch is a file.
 *
 * Concurrent saves never share a name, so each completes whole and the last rename wins. Leftovers
 * (weights no `model.json` names any more, temporary files of killed saves) are removed by the next
 * save, but only those whose writer cannot be mid-save: this process's own (saves to one directory
 * are queued within a process), another process's once that process is gone (its pid is in the
 * name), and another host's after an hour. No lock file: a lock left by a killed process would have
 * to be broken, and breaking a lock safely needs the same liveness test without the simplicity.
 */

import * as tf from '@tapeflow/tensor-core';
import { displayPath, errorCode, nodeFiles, onFile, readRegularFile } from './files.js';

/** The file that names the current version of a saved model. */
export const MODEL_FILE = 'model.json';
/** The weights file name versions before unique names used; still read, and removed once replaced. */
export const LEGACY_WEIGHTS_FILE = 'weights.safetensors';
/** How long another host's unreferenced files are kept (its process cannot be asked whether it lives). */
export const FOREIGN_GRACE_MS = 60 * 60 * 1000;

const WEIGHTS_NAME = /^weights-([0-9a-f]{8})-(\d+)-([0-9a-f]{12})\.safetensors$/;
const TEMPORARY_NAME = /\.tmp-([0-9a-f]{8})-(\d+)-([0-9a-f]{12})$/;
const LEGACY_LEFTOVERS = new Set([LEGACY_WEIGHTS_FILE, `${LEGACY_WEIGHTS_FILE}.tmp`, `${MODEL_FILE}.tmp`]);

interface Writer {
  readonly host: string;
  readonly pid: number;
}

let writerPromise: Promise<Writer> | null = null;

// Process-wide on purpose, like the file system it describes: which host and process wrote a file.
function writer(): Promise<Writer> {
  writerPromise ??= (async () => {
    const [os, crypto] = await Promise.all([
      import(/* webpackIgnore: true */ /* @vite-ignore */ OS_MODULE),
      import(/* webpackIgnore: true */ /* @vite-ignore */ CRYPTO_MODULE),
    ]);
    const host = (crypto as typeof import('node:crypto'))
      .createHash('sha256')
      .update((os as typeof import('node:os')).hostname())
      .digest('hex')
      .slice(0, 8);
    return { host, pid: process.pid };
  })();
  return writerPromise;
}
const OS_MODULE = 'node:os';
const CRYPTO_MODULE = 'node:crypto';

async function uniqueSuffix(): Promise<string> {
  const { host, pid } = await writer();
  const crypto = (await import(
    /* webpackIgnore: true */ /* @vite-ignore */ CRYPTO_MODULE
  )) as typeof import('node:crypto');
  return `${host}-${pid}-${crypto.randomBytes(6).toString('hex')}`;
}

// Saves to one directory are queued within this process (keyed by its real path), so a save's cleanup
// never runs while another save of this process is between writing its weights and its switch.
const queues = new Map<string, Promise<unknown>>();
// The files this process wrote and has not removed, by directory: its own leftovers are safe to remove.
const written = new Map<string, Set<string>>();

async function queued<T>(key: string, action: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(action, action);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  try {
    return await run;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}

/** Writes `data` to a new file (never an existing one) and flushes it to the disk. */
async function writeNewFile(op: string, path: string, display: string, data: Uint8Array | string): Promise<void> {
  const files = await nodeFiles(op);
  const handle = await onFile(op, display, () => files.open(path, 'wx'));
  try {
    await onFile(op, display, () => handle.writeFile(data));
    await onFile(op, display, () => handle.sync());
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (creations, renames) to the disk; Windows cannot open a directory. */
async function syncDirectory(op: string, dir: string): Promise<void> {
  const files = await nodeFiles(op);
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await files.open(dir, 'r');
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems (and Windows) do not fsync directories; their renames are ordered anyway.
    if (!['EINVAL', 'ENOTSUP', 'EPERM', 'EISDIR', 'EBADF'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** Creates `dir` (and its parents) and returns its real path, with typed errors naming it. */
export async function ensureDirectory(op: string, dir: string): Promise<string> {
  const files = await nodeFiles(op);
  await onFile(op, dir, () => files.mkdir(dir, { recursive: true }));
  const real = await onFile(op, dir, () => files.realpath(dir));
  const stats = await onFile(op, dir, () => files.stat(real));
  if (!stats.isDirectory()) throw new tf.FailedPreconditionError(`${op}: '${dir}' exists and is not a directory.`, op);
  return real;
}

/**
 * Writes a new version of the model in `dir`: `weights`, then `model.json` made by `modelJson` from
 * the weights file's name, switched in with one rename; then removes leftovers. On a failure before
 * the switch, the old version is untouched and this save's files are removed.
 */
export async function writeModelDirectory(
  op: string,
  dir: string,
  weights: Uint8Array,
  modelJson: (weightsFile: string) => string,
): Promise<void> {
  const files = await nodeFiles(op);
  const real = await ensureDirectory(op, dir);
  await queued(real, async () => {
    const own = written.get(real) ?? new Set<string>();
    written.set(real, own);
    const suffix = await uniqueSuffix();
    const weightsFile = `weights-${suffix}.safetensors`;
    const temporary = `${MODEL_FILE}.tmp-${suffix}`;
    const path = (name: string): string => displayPath(dir, name);
    own.add(weightsFile);
    own.add(temporary);
    try {
      await writeNewFile(op, path(weightsFile), path(weightsFile), weights);
      await writeNewFile(op, path(temporary), path(temporary), modelJson(weightsFile));
      // The weights' directory entry must be on the disk before a model.json that names it can be.
      await onFile(op, dir, () => syncDirectory(op, dir));
      await onFile(op, path(MODEL_FILE), () => files.rename(path(temporary), path(MODEL_FILE)));
    } catch (error) {
      await Promise.all(
        [weightsFile, temporary].map((name) => files.rm(path(name), { force: true }).catch(() => undefined)),
      );
      own.delete(weightsFile);
      own.delete(temporary);
      throw error;
    }
    own.delete(temporary);
    await onFile(op, dir, () => syncDirectory(op, dir));
    await removeLeftovers(dir, own);
  });
}

/**
 * Writes `data` over `file` atomically (a unique temporary file, fsynced, renamed over it), for
 * `saveWeights`; removes temporary files of earlier saves of `file` whose process is gone.
 */
export async function writeFileAtomically(op: string, file: string, data: Uint8Array): Promise<void> {
  const files = await nodeFiles(op);
  const temporary = `${file}.tmp-${await uniqueSuffix()}`;
  try {
    await writeNewFile(op, temporary, temporary, data);
    await onFile(op, file, () => files.rename(temporary, file));
  } catch (error) {
    await files.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  const dir = slash < 0 ? '.' : file.slice(0, slash + 1);
  const base = file.slice(slash + 1);
  await onFile(op, dir, () => syncDirectory(op, dir)).catch(() => undefined);
  const entries = await files.readdir(dir).catch(() => [] as string[]);
  const me = await writer();
  for (const name of entries) {
    if (!name.startsWith(`${base}.tmp-`)) continue;
    const owner = TEMPORARY_NAME.exec(name);
    if (owner !== null && owner[1] === me.host && Number(owner[2]) !== me.pid && !isAlive(Number(owner[2]))) {
      await files.rm(displayPath(dir, name), { force: true }).catch(() => undefined);
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 1) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/** Which weights file `model.json` names now, if it can be read; undefined keeps every weights file. */
async function referencedWeights(dir: string): Promise<string | null | undefined> {
  try {
    // Read as loading reads it (a regular file, bounded): a FIFO put there must not hang a save.
    const bytes = await readRegularFile('save', displayPath(dir, MODEL_FILE), MODEL_FILE, 16 * 1024 * 1024);
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { weightsManifest?: { path?: unknown } } | null;
    const path = json?.weightsManifest?.path;
    return typeof path === 'string' ? path : null;
  } catch (error) {
    return error instanceof tf.NotFoundError ? null : undefined;
  }
}

/**
 * Removes the files of earlier saves that no save can still switch to. Whether a file's writer is gone
 * is decided before `model.json` is read: a writer gone then cannot switch to its file afterwards.
 */
async function removeLeftovers(dir: string, own: Set<string>): Promise<void> {
  const files = await nodeFiles('save');
  const me = await writer();
  const entries = await files.readdir(dir).catch(() => [] as string[]);
  const removable: string[] = [];
  for (const name of entries) {
    const owner = WEIGHTS_NAME.exec(name) ?? (name.startsWith(`${MODEL_FILE}.tmp-`) ? TEMPORARY_NAME.exec(name) : null);
    if (owner === null) {
      if (LEGACY_LEFTOVERS.has(name)) removable.push(name);
      continue;
    }
    const [host, pid] = [owner[1]!, Number(owner[2])];
    if (own.has(name)) removable.push(name);
    else if (host === me.host) {
      if (pid !== me.pid && !isAlive(pid)) removable.push(name);
    } else {
      const stats = await files.lstat(displayPath(dir, name)).catch(() => null);
      if (stats !== null && Date.now() - stats.mtimeMs > FOREIGN_GRACE_MS) removable.push(name);
    }
  }
  const keep = await referencedWeights(dir);
  if (keep === undefined) return;
  for (const name of removable) {
    if (name === keep) continue;
    // Another process may remove it first, or (Windows) a reader may hold it open: both are fine.
    await files.rm(displayPath(dir, name), { force: true }).catch(() => undefined);
    own.delete(name);
  }
}
