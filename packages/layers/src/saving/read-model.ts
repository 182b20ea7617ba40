/**
 * @file Reading a saved model's directory without trusting it: `model.json` (a regular file of at
 * most 16 MB, nested at most 64 levels) and the one weights file it names, which must be a plain
 * file name inside the directory (no `..`, no separators, no absolute path; symbolic links are not
 * followed), of which only the header is read here. When a concurrent save switched `model.json` and
 * removed the weights the old one named, the directory is read again: a load sees the old model or the
 * new one.
 */

import * as tf from '@tapeflow/tensor-core';
import type { LayerConfig } from '../layer.js';
import {
  decodeUtf8,
  describeFromFile,
  displayPath,
  nodeFiles,
  onFile,
  openRegularFile,
  parseFileJson,
  readRegularFile,
} from './files.js';
import type { OpenedFile } from './files.js';
import { LEGACY_WEIGHTS_FILE, MODEL_FILE } from './model-directory.js';
import { readSafetensorsHeader } from './safetensors.js';
import type { SafetensorsHeader } from './safetensors.js';

/** `model.json`'s `format` field. */
export const FORMAT = 'tapeflow-layers-model';
/** The `formatVersion` this version writes and reads. */
export const FORMAT_VERSION = 1;
/** The largest `model.json` read (a config is small; a larger one is not a model file). */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;
/** How deep `model.json` may nest objects and arrays (about 20 nested Sequentials). */
export const MAX_JSON_DEPTH = 64;
const WEIGHTS_PATH = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

/** The parts of a parsed `model.json` loading needs, each checked. */
export interface ModelJson {
  readonly modelConfig: { readonly className: string; readonly config: LayerConfig };
  readonly trainingConfig?: {
    readonly loss: string;
    readonly lossOptions?: Readonly<Record<string, unknown>>;
    readonly metrics?: readonly string[];
    readonly optimizer?: { readonly className: string; readonly config: Readonly<Record<string, unknown>> };
    /** Per output of a model with several (issue 14): its loss, the loss's options, weight and metrics. */
    readonly outputs?: readonly {
      readonly name: string;
      readonly loss: string;
      readonly lossOptions?: Readonly<Record<string, unknown>>;
      readonly weight?: number;
      readonly metrics?: readonly string[];
    }[];
  };
  readonly weightsManifest?: { readonly path?: string };
}

/** A model directory, read up to the weights' data: the parsed `model.json` and the open weights file. */
export interface OpenedModel {
  readonly json: ModelJson;
  /** `model.json` as messages name it (the directory as given, then `model.json`). */
  readonly jsonDisplay: string;
  readonly weights: OpenedFile;
  readonly header: SafetensorsHeader;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);
// eslint-disable-next-line no-control-regex -- a plain string holds no control character
const PLAIN_STRING = /^[^\u0000-\u001f\u007f]{0,128}$/;
const plain = (v: unknown): boolean =>
  v === null || typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && PLAIN_STRING.test(v));

/** A saved learning-rate schedule: `{ className, config }` of plain values and short lists of numbers. */
const isSchedule = (v: unknown): boolean =>
  isObject(v) &&
  typeof own(v, 'className') === 'string' &&
  plain(own(v, 'className')) &&
  isObject(own(v, 'config')) &&
  Object.values(own(v, 'config') as Record<string, unknown>).every(
    (x) => plain(x) || (Array.isArray(x) && x.length <= 4096 && x.every((n) => typeof n === 'number')),
  );

/** Checks the shape of a parsed `model.json` (every field loading reads), naming the field at fault. */
export function checkModelJson(op: string, json: unknown, display: string): ModelJson {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new tf.InvalidArgumentError(
      `${op}: ${display}: field '${field}' expected ${expected}, but got ${describeFromFile(value)}.`,
      op,
    );
  };
  if (!isObject(json) || own(json, 'format') !== FORMAT) {
    throw new tf.InvalidArgumentError(
      `${op}: ${display} is not a Tapeflow model file (its "format" is not "${FORMAT}").`,
      op,
    );
  }
  const version = own(json, 'formatVersion');
  if (version !== undefined && version !== FORMAT_VERSION) {
    if (Number.isSafeInteger(version) && (version as number) > FORMAT_VERSION) {
      throw new tf.UnimplementedError(
        `${op}: ${display} has formatVersion ${version as number}; this version of Tapeflow reads version ${FORMAT_VERSION} (upgrade @tapeflow/layers).`,
        op,
      );
    }
    fail('formatVersion', `${FORMAT_VERSION}`, version);
  }
  const modelConfig = own(json, 'modelConfig');
  if (
    !isObject(modelConfig) ||
    typeof own(modelConfig, 'className') !== 'string' ||
    !isObject(own(modelConfig, 'config'))
  ) {
    throw new tf.InvalidArgumentError(`${op}: ${display} has no valid "modelConfig" ({ className, config }).`, op);
  }
  const manifest = own(json, 'weightsManifest');
  if (manifest !== undefined) {
    if (!isObject(manifest)) fail('weightsManifest', 'an object', manifest);
    const path = own(manifest as Record<string, unknown>, 'path');
    if (path !== undefined && (typeof path !== 'string' || !WEIGHTS_PATH.test(path))) {
      fail(
        'weightsManifest.path',
        'a file name inside the model directory (letters, digits, _ . -; no separators, no ..)',
        path,
      );
    }
  }
  const training = own(json, 'trainingConfig');
  if (training !== undefined) {
    if (!isObject(training)) fail('trainingConfig', 'an object', training);
    const t = training as Record<string, unknown>;
    const loss = own(t, 'loss');
    if (typeof loss !== 'string' || !plain(loss)) fail('trainingConfig.loss', 'a loss name', loss);
    const lossOptions = own(t, 'lossOptions');
    if (lossOptions !== undefined && (!isObject(lossOptions) || !Object.values(lossOptions).every(plain)))
      fail('trainingConfig.lossOptions', 'an object of numbers and booleans', lossOptions);
    const metrics = own(t, 'metrics');
    if (metrics !== undefined && (!Array.isArray(metrics) || !metrics.every((m) => typeof m === 'string' && plain(m))))
      fail('trainingConfig.metrics', 'a list of metric names', metrics);
    const outputs = own(t, 'outputs');
    if (outputs !== undefined) {
      const fits = (o: unknown): boolean => {
        if (!isObject(o)) return false;
        const name = own(o, 'name');
        const oLoss = own(o, 'loss');
        const options = own(o, 'lossOptions');
        const weight = own(o, 'weight');
        const list = own(o, 'metrics');
        return (
          typeof name === 'string' &&
          plain(name) &&
          typeof oLoss === 'string' &&
          plain(oLoss) &&
          (options === undefined || (isObject(options) && Object.values(options).every(plain))) &&
          (weight === undefined || (typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) &&
          (list === undefined || (Array.isArray(list) && list.every((m) => typeof m === 'string' && plain(m))))
        );
      };
      if (!Array.isArray(outputs) || outputs.length === 0 || outputs.length > 4096 || !outputs.every(fits))
        fail(
          'trainingConfig.outputs',
          'a list of { name, loss, lossOptions, weight, metrics } (one per model output)',
          outputs,
        );
    }
    const optimizer = own(t, 'optimizer');
    if (optimizer !== undefined) {
      if (
        !isObject(optimizer) ||
        typeof own(optimizer, 'className') !== 'string' ||
        !plain(own(optimizer, 'className'))
      )
        fail('trainingConfig.optimizer', '{ className, config }', optimizer);
      const config = own(optimizer as Record<string, unknown>, 'config');
      if (!isObject(config) || !Object.values(config).every((v) => plain(v) || isSchedule(v)))
        fail(
          'trainingConfig.optimizer.config',
          'an object of numbers, booleans, names and learning-rate schedules ({ className, config })',
          config,
        );
    }
  }
  return json as unknown as ModelJson;
}

/** Reads and checks `dir/model.json`; returns it with its text (to notice a concurrent switch). */
async function readModelJson(op: string, dir: string): Promise<{ json: ModelJson; text: string; display: string }> {
  const display = displayPath(dir, MODEL_FILE);
  const bytes = await readRegularFile(op, display, display, MAX_MODEL_JSON_BYTES);
  const text = decodeUtf8(op, bytes, display);
  return { json: checkModelJson(op, parseFileJson(op, text, display, MAX_JSON_DEPTH), display), text, display };
}

/** Checks that `dir` is a directory, with typed errors naming it. */
export async function checkDirectory(op: string, dir: string): Promise<void> {
  const files = await nodeFiles(op);
  const stats = await onFile(op, dir, () => files.stat(dir));
  if (!stats.isDirectory())
    throw new tf.FailedPreconditionError(
      `${op}: '${dir}' is not a directory (a saved model is a directory holding ${MODEL_FILE}).`,
      op,
    );
}

/** Whether `path` is a directory (false when it does not exist or is anything else). */
export async function isDirectory(op: string, path: string): Promise<boolean> {
  const files = await nodeFiles(op);
  return (await files.stat(path).catch(() => null))?.isDirectory() ?? false;
}

/**
 * Opens a model directory: `model.json` checked, the weights file it names opened (confined to the
 * directory) and its header read and checked against the file's size. The caller closes `weights`.
 */
export async function openModelDirectory(op: string, dir: string): Promise<OpenedModel> {
  await checkDirectory(op, dir);
  let last: { text: string; error: unknown } | null = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    const { json, text, display } = await readModelJson(op, dir);
    if (last !== null && last.text === text) throw last.error;
    const name = json.weightsManifest?.path ?? LEGACY_WEIGHTS_FILE;
    let weights: OpenedFile;
    try {
      weights = await openRegularFile(op, displayPath(dir, name), displayPath(dir, name), Number.MAX_SAFE_INTEGER);
    } catch (error) {
      // A save switched model.json after it was read here and removed the file the old one named.
      if (!(error instanceof tf.NotFoundError)) throw error;
      last = { text, error };
      continue;
    }
    try {
      return { json, jsonDisplay: display, weights, header: await readSafetensorsHeader(op, weights) };
    } catch (error) {
      await weights.handle.close();
      throw error;
    }
  }
  throw last!.error;
}
