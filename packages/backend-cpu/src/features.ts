/**
 * @file What this JavaScript engine offers the CPU backend: WebAssembly SIMD, relaxed SIMD, shared
 * memory and a way to start workers. Each WebAssembly feature is probed by validating a tiny module
 * that uses it (the only reliable test: engines gate features by flags and versions, not by any
 * global). Nothing here is cached: probing costs microseconds and runs once per backend. Also the
 * data-cache sizes the matrix product's blocking is derived from, where the platform tells them.
 */

import { webAssembly } from './wasm/webassembly-api.js';

/** What the environment supports. */
export interface CpuFeatures {
  /** WebAssembly with 128-bit SIMD (Node 16.4+, every current browser). */
  readonly simd: boolean;
  /** Relaxed SIMD (`f32x4.relaxed_madd`): Chrome 114+, Node 20 only with --experimental-wasm-relaxed-simd. */
  readonly relaxedSimd: boolean;
  /** A shared WebAssembly.Memory can be made (in a browser: only on a cross-origin-isolated page). */
  readonly sharedMemory: boolean;
  /** How workers start here, if they can. */
  readonly workers: 'node' | 'web' | undefined;
  /** Logical cores (at least 1). */
  readonly cores: number;
}

// (module (func (result v128) v128.const 0 v128.const 0 <op>)), with <op> spliced in.
function probe(constants: number, op: readonly number[]): boolean {
  const constant = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const body = [0x00, ...Array.from({ length: constants }, () => constant).flat(), ...op, 0x0b];
  const code = [0x01, body.length, ...body];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // type: () -> v128
    0x03,
    0x02,
    0x01,
    0x00, // one function of type 0
    0x0a,
    code.length,
    ...code,
  ];
  try {
    return webAssembly()?.validate(new Uint8Array(bytes)) ?? false;
  } catch {
    return false;
  }
}

interface NodeProcess {
  readonly versions?: { readonly node?: string };
  readonly getBuiltinModule?: (name: string) => unknown;
}

/** Node's `process`, when this is Node (or a runtime that imitates its builtins). */
export function nodeProcess(): NodeProcess | undefined {
  const candidate = (globalThis as { process?: NodeProcess }).process;
  return typeof candidate?.versions?.node === 'string' ? candidate : undefined;
}

function canShareMemory(): boolean {
  const api = webAssembly();
  if (typeof SharedArrayBuffer !== 'function' || api === undefined) return false;
  // A browser page without cross-origin isolation has no SharedArrayBuffer at all, or (older engines)
  // one that cannot be posted to a worker.
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    return new api.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function workerKind(): CpuFeatures['workers'] {
  const node = nodeProcess();
  if (node !== undefined) return typeof node.getBuiltinModule === 'function' ? 'node' : undefined;
  return typeof (globalThis as { Worker?: unknown }).Worker === 'function' ? 'web' : undefined;
}

function coreCount(): number {
  const navigatorCores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  if (typeof navigatorCores === 'number' && navigatorCores > 0) return navigatorCores;
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? 1);
}

/** Probes the environment. */
export function detectFeatures(): CpuFeatures {
  return {
    simd: probe(2, [0xfd, 0xe4, 0x01]), // f32x4.add
    relaxedSimd: probe(3, [0xfd, 0x85, 0x02]), // f32x4.relaxed_madd
    sharedMemory: canShareMemory(),
    workers: workerKind(),
    cores: coreCount(),
  };
}

/** The data caches one core sees, in bytes. */
export interface CacheSizes {
  /** The level-1 data cache. */
  readonly l1Data: number;
  /** The level-2 cache (unified). */
  readonly l2: number;
}

/**
 * What the blocking assumes where the platform does not tell (browsers, macOS, Windows): the smallest
 * caches of current x64 and ARM cores, so blocks never outgrow a real cache.
 */
export const DEFAULT_CACHE_SIZES: CacheSizes = { l1Data: 32768, l2: 262144 };

/** A sysfs cache size ("48K", "2048K", "1M") in bytes; undefined when it is not one. */
export function parseCacheSize(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([KMG]?)\s*$/i.exec(text);
  if (match === null) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase()]!;
  const bytes = Number(match[1]) * unit;
  return bytes > 0 ? bytes : undefined;
}

/**
 * The cache sizes Linux reports for cpu0 (/sys/devices/system/cpu/cpu0/cache/index<i>/{level,type,size}),
 * read through `readText` (a path's text, or undefined when it cannot be read); each size the files
 * do not give keeps its default.
 */
export function cacheSizesFromSysfs(readText: (path: string) => string | undefined): CacheSizes {
  let { l1Data, l2 } = DEFAULT_CACHE_SIZES;
  for (let index = 0; index < 16; index++) {
    const directory = `/sys/devices/system/cpu/cpu0/cache/index${index}`;
    const level = readText(`${directory}/level`)?.trim();
    if (level === undefined) break;
    const type = readText(`${directory}/type`)?.trim();
    const size = parseCacheSize(readText(`${directory}/size`) ?? '');
    if (size === undefined || type === 'Instruction') continue;
    if (level === '1') l1Data = size;
    else if (level === '2') l2 = size;
  }
  return { l1Data, l2 };
}

/** The data-cache sizes of this machine where the platform tells them (Linux under Node), else defaults. */
export function detectCacheSizes(): CacheSizes {
  const fs = nodeProcess()?.getBuiltinModule?.('node:fs') as
    { readFileSync: (path: string, encoding: 'utf8') => string } | undefined;
  if (fs === undefined) return DEFAULT_CACHE_SIZES;
  return cacheSizesFromSysfs((path) => {
    try {
      return fs.readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  });
}
