/**
 * @file What planning a saved layer needs (internal): the plan types, `ConfigReader` (typed values
 * from one layer's config, failing with the layer's place in `model.json` and quoting no raw bytes of
 * the file) and the shape of a layer class entry, shared by layer-table.ts and the layer classes it
 * spreads in from more-layer-classes.ts.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { INITIALIZER_NAMES } from '../initializers.js';
import type { InitializerName } from '../initializers.js';
import type { Layer, LayerConfig, LayerOutput } from '../layer.js';
import * as regularizers from '../regularizers.js';
import { describeFromFile } from './path-names.js';

/**
 * Makes a layer from its saved config (a class's `fromConfig`), for layers of your own.
 * @example const customLayers = { Scale: (config) => new Scale(config) };
 */
export type LayerFactory = (config: LayerConfig) => Layer<LayerOutput>;

/** A dimension in a plan: null where it is not known before building (the batch, or after a custom layer). */
export type PlannedDim = number | null;

/** A weight a layer will make, by its full name (`<layer>/<weight>`), before it exists. */
export interface PlannedWeight {
  readonly name: string;
  readonly shape: readonly PlannedDim[];
  readonly trainable: boolean;
}

/** What a layer will be once built: its weights (null for a custom layer: unknown) and its output. */
export interface LayerPlan {
  readonly className: string;
  readonly name: string | undefined;
  readonly weights: readonly PlannedWeight[] | null;
  /** Output shape with the batch dimension first (null: unknown). */
  readonly output: readonly PlannedDim[] | null;
  /** Scalars held while the model is built on one sample: this layer's output (and its sublayers'). */
  readonly buildScalars: number;
  /** For a Sequential: its layers' plans. */
  readonly layers?: readonly LayerPlan[];
}

/**
 * Scalars a model may hold while it is built (the one-sample input and every layer's output), 2^26:
 * 256 MB of float32. A saved config asking for more is refused before anything is allocated.
 */
export const MAX_BUILD_SCALARS = 2 ** 26;
// eslint-disable-next-line no-control-regex -- a name may hold no control character
const NAME = /^[^\u0000-\u001f\u007f]{1,128}$/;

/** Reads typed values from one layer's config, failing with the layer's place in `model.json`. */
export class ConfigReader {
  constructor(
    readonly config: LayerConfig,
    readonly where: string,
  ) {}

  private typed<T>(key: string, test: (v: unknown) => boolean, expected: string): T | undefined {
    const value = Object.hasOwn(this.config, key) ? this.config[key] : undefined;
    if (value === undefined) return undefined;
    if (!test(value)) tf.invalidArgument(this.where, key, expected, describeFromFile(value));
    return value as T;
  }

  number(key: string): number | undefined {
    return this.typed<number>(key, (v) => typeof v === 'number', 'a number');
  }

  integer(key: string, min: number): number | undefined {
    return this.typed<number>(
      key,
      (v) => Number.isSafeInteger(v) && (v as number) >= min,
      min === 1 ? 'a positive integer' : `an integer >= ${min}`,
    );
  }

  boolean(key: string): boolean | undefined {
    return this.typed<boolean>(key, (v) => typeof v === 'boolean', 'a boolean');
  }

  oneOf<T extends string>(key: string, names: readonly T[]): T | undefined {
    return this.typed<T>(
      key,
      (v) => typeof v === 'string' && (names as readonly string[]).includes(v),
      `one of ${names.map((n) => `'${n}'`).join(', ')}`,
    );
  }

  /** A string of names Tapeflow does not know: read, checked to be a string, then left out. */
  string(key: string): string | undefined {
    return this.typed<string>(key, (v) => typeof v === 'string', 'a string');
  }

  shape(key: string): number[] | undefined {
    return this.typed<number[]>(
      key,
      (v) => Array.isArray(v) && v.length >= 1 && v.length <= 32 && v.every((d) => Number.isSafeInteger(d) && d > 0),
      'a list of 1 to 32 positive integers',
    );
  }

  /** A list of 1 to 32 integers each accepted by `test` (Reshape's target, Permute's dims, axes). */
  integers(key: string, test: (d: number) => boolean, expected: string): number[] | undefined {
    return this.typed<number[]>(
      key,
      (v) => Array.isArray(v) && v.length >= 1 && v.length <= 32 && v.every((d) => Number.isSafeInteger(d) && test(d)),
      expected,
    );
  }

  /** A saved regularizer (`{ className, config }`), or undefined when the key is absent or null. */
  regularizer(key: string): regularizers.Regularizer | undefined {
    const value = Object.hasOwn(this.config, key) ? this.config[key] : undefined;
    if (value === undefined || value === null) return undefined;
    return regularizers.deserialize(value, this.where, key);
  }

  /** name, trainable and inputShape, which every layer takes. */
  common(): { name?: string; trainable?: boolean; inputShape?: readonly number[] } {
    const name = this.typed<string>(
      'name',
      (v) => typeof v === 'string' && NAME.test(v),
      'a name of 1 to 128 printable characters',
    );
    const trainable = this.boolean('trainable');
    const inputShape = this.shape('inputShape');
    return {
      ...(name === undefined ? {} : { name }),
      ...(trainable === undefined ? {} : { trainable }),
      ...(inputShape === undefined ? {} : { inputShape }),
    };
  }
}

/** What resolving an entry may use besides the built-in classes. */
export interface Context {
  readonly customLayers: Readonly<Record<string, LayerFactory>>;
}

/** How a built-in class is planned from its config and made. */
export interface LayerClass {
  /** The plan for an input of shape `input` (batch first; null when not known). */
  plan(r: ConfigReader, config: LayerConfig, input: readonly PlannedDim[] | null, context: Context): LayerPlan;
  make(r: ConfigReader, config: LayerConfig, context: Context): Layer<LayerOutput>;
}

export function product(dims: readonly PlannedDim[]): number {
  return dims.reduce<number>((a, d) => a * (d ?? 1), 1);
}

/** A weightless layer whose output has its input's shape. */
export function sameShape(className: string, make: (r: ConfigReader) => Layer): LayerClass {
  return {
    plan: (r, _config, input) => ({
      className,
      name: r.common().name,
      weights: [],
      output: input,
      buildScalars: input === null ? 0 : product(input.slice(1)),
    }),
    make: (r) => make(r),
  };
}

/** An initializer name Tapeflow knows, else undefined (a user initializer is recorded by name only). */
export const known = (name: string | undefined): InitializerName | undefined =>
  INITIALIZER_NAMES.includes(name as InitializerName) ? (name as InitializerName) : undefined;
