/**
 * @file Learning-rate schedules (`tf.optimizers.schedules`, Keras' `keras.optimizers.schedules`): a
 * function of the optimizer's step count that any optimizer takes as its `learningRate`. Evaluated in
 * float64 on the host once per step (the rate is a scalar), with Keras' formulas; `getConfig` and
 * `deserialize` let `model.save` / `loadModel` carry a schedule in the optimizer's config.
 */

import * as tf from '@tapeflow/tensor-core/internal';

/** A schedule's hyper-parameters as JSON (numbers, booleans, names, lists of numbers). */
export type ScheduleConfig = { readonly [key: string]: number | boolean | string | readonly number[] };

/**
 * The base of every schedule: `call(step)` is the learning rate at a 0-based step (Keras' `__call__`).
 * @example
 * class Halving extends tf.optimizers.schedules.LearningRateSchedule {
 *   readonly className = 'Halving';
 *   call(step: number): number { return 0.1 / 2 ** Math.floor(step / 100); }
 *   getConfig() { return {}; }
 * }
 */
export abstract class LearningRateSchedule {
  /** Keras' class name, which `model.save` writes. */
  abstract readonly className: string;
  /** The learning rate at `step` (the optimizer's `iterations` before the update). */
  abstract call(step: number): number;
  /** The constructor arguments as JSON (Keras' `get_config`). */
  abstract getConfig(): ScheduleConfig;
}

const positive = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
const nonNegative = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function check(op: string, argument: string, ok: boolean, expected: string, value: unknown): void {
  if (!ok) tf.invalidArgument(op, argument, expected, tf.describeValue(value));
}

/** Options of `ExponentialDecay` after its positional arguments. */
export interface ExponentialDecayOptions {
  /** Decay in whole intervals of `decaySteps` (a step function); default false. */
  readonly staircase?: boolean;
  /** A name, kept in the config. */
  readonly name?: string;
}

/**
 * `initialLearningRate · decayRate^(step / decaySteps)`, the exponent floored when `staircase`
 * (Keras' `ExponentialDecay`).
 * @example new tf.optimizers.SGD(new tf.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.96, { staircase: true }))
 */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** The steps over which the rate is multiplied by `decayRate`. */
  readonly decaySteps: number;
  /** The factor per `decaySteps`. */
  readonly decayRate: number;
  /** Whether the decay happens in whole intervals. */
  readonly staircase: boolean;
  /** The name, if given. */
  readonly name: string | undefined;

  constructor(
    initialLearningRate: number,
    decaySteps: number,
    decayRate: number,
    options: ExponentialDecayOptions = {},
  ) {
    const op = 'ExponentialDecay';
    check(op, 'initialLearningRate', positive(initialLearningRate), 'a finite number > 0', initialLearningRate);
    check(op, 'decaySteps', positive(decaySteps), 'a finite number > 0', decaySteps);
    check(op, 'decayRate', positive(decayRate), 'a finite number > 0', decayRate);
    tf.checkOptions(op, options, { staircase: { kind: 'boolean' }, name: { kind: 'string' } });
    super();
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.decayRate = decayRate;
    this.staircase = options.staircase ?? false;
    this.name = options.name;
  }

  call(step: number): number {
    const exponent = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(exponent) : exponent);
  }

  getConfig(): ScheduleConfig {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      decayRate: this.decayRate,
      staircase: this.staircase,
      ...(this.name === undefined ? {} : { name: this.name }),
    };
  }
}

/** Options of `CosineDecay` after its positional arguments. */
export interface CosineDecayOptions {
  /** The floor, as a fraction of the rate decayed from; default 0. */
  readonly alpha?: number;
  /** A rate warmed up to linearly over `warmupSteps` before the decay (Keras 3); default none. */
  readonly warmupTarget?: number;
  /** Steps of linear warm-up; default 0. */
  readonly warmupSteps?: number;
  /** A name, kept in the config. */
  readonly name?: string;
}

/**
 * Cosine decay (Loshchilov & Hutter's SGDR without restarts; Keras' `CosineDecay`): over `decaySteps`
 * the rate goes from `initialLearningRate` to `alpha · initialLearningRate` along half a cosine, then
 * stays there. With `warmupTarget`, it first rises linearly to it over `warmupSteps` and decays from it.
 * @example new tf.optimizers.schedules.CosineDecay(0.1, 10_000, { alpha: 0.01 })
 */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  /** The rate at step 0. */
  readonly initialLearningRate: number;
  /** The steps the decay lasts. */
  readonly decaySteps: number;
  /** The floor as a fraction. */
  readonly alpha: number;
  /** The warm-up target, if any. */
  readonly warmupTarget: number | undefined;
  /** The warm-up steps. */
  readonly warmupSteps: number;
  /** The name, if given. */
  readonly name: string | undefined;

  constructor(initialLearningRate: number, decaySteps: number, options: CosineDecayOptions = {}) {
    const op = 'CosineDecay';
    check(op, 'initialLearningRate', nonNegative(initialLearningRate), 'a finite number >= 0', initialLearningRate);
    check(op, 'decaySteps', positive(decaySteps), 'a finite number > 0', decaySteps);
    const finiteRule: tf.OptionRule = {
      kind: 'custom',
      check: (v) => (nonNegative(v) ? undefined : 'a finite number >= 0'),
    };
    tf.checkOptions(op, options, {
      alpha: finiteRule,
      warmupTarget: finiteRule,
      warmupSteps: finiteRule,
      name: { kind: 'string' },
    });
    super();
    this.initialLearningRate = initialLearningRate;
    this.decaySteps = decaySteps;
    this.alpha = options.alpha ?? 0;
    this.warmupTarget = options.warmupTarget;
    this.warmupSteps = options.warmupSteps ?? 0;
    this.name = options.name;
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  call(step: number): number {
    if (this.warmupTarget === undefined) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const clipped = Math.min(step, this.decaySteps + this.warmupSteps);
    if (clipped < this.warmupSteps)
      return this.initialLearningRate + ((this.warmupTarget - this.initialLearningRate) * clipped) / this.warmupSteps;
    return this.decay(clipped - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): ScheduleConfig {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      warmupSteps: this.warmupSteps,
      ...(this.warmupTarget === undefined ? {} : { warmupTarget: this.warmupTarget }),
      ...(this.name === undefined ? {} : { name: this.name }),
    };
  }
}

/**
 * A piecewise constant rate (Keras' `PiecewiseConstantDecay`): `values[0]` up to and including step
 * `boundaries[0]`, `values[i]` for `boundaries[i-1] < step <= boundaries[i]`, the last value after
 * the last boundary. `values` has one more entry than `boundaries`, which increase.
 * @example new tf.optimizers.schedules.PiecewiseConstantDecay([1000, 5000], [0.1, 0.01, 0.001])
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  /** The steps where the rate changes, increasing. */
  readonly boundaries: readonly number[];
  /** The rates, one more than the boundaries. */
  readonly values: readonly number[];
  /** The name, if given. */
  readonly name: string | undefined;

  constructor(boundaries: readonly number[], values: readonly number[], options: { readonly name?: string } = {}) {
    const op = 'PiecewiseConstantDecay';
    const isList = (v: unknown): v is number[] =>
      Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    check(op, 'boundaries', isList(boundaries), 'an array of finite numbers', boundaries);
    check(op, 'values', isList(values), 'an array of finite numbers', values);
    if (!boundaries.every((b, i) => i === 0 || b > boundaries[i - 1]!))
      tf.invalidArgument(op, 'boundaries', 'increasing step numbers', `[${boundaries.join(', ')}]`);
    if (values.length !== boundaries.length + 1)
      tf.invalidArgument(
        op,
        'values',
        `${boundaries.length + 1} values (one more than the ${boundaries.length} boundaries)`,
        `${values.length}`,
      );
    if (!values.every((v) => v > 0)) tf.invalidArgument(op, 'values', 'learning rates > 0', `[${values.join(', ')}]`);
    tf.checkOptions(op, options, { name: { kind: 'string' } });
    super();
    this.boundaries = boundaries.slice();
    this.values = values.slice();
    this.name = options.name;
  }

  call(step: number): number {
    const index = this.boundaries.findIndex((boundary) => step <= boundary);
    return this.values[index === -1 ? this.values.length - 1 : index]!;
  }

  getConfig(): ScheduleConfig {
    return {
      boundaries: [...this.boundaries],
      values: [...this.values],
      ...(this.name === undefined ? {} : { name: this.name }),
    };
  }
}

/**
 * A schedule as JSON (`{ className, config }`, Keras' serialized form), as an optimizer's config holds it.
 * @example tf.optimizers.schedules.serialize(new ExponentialDecay(0.1, 100, 0.5))
 */
export function serialize(schedule: LearningRateSchedule): {
  readonly className: string;
  readonly config: ScheduleConfig;
} {
  return { className: schedule.className, config: schedule.getConfig() };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The built-in schedule a saved `{ className, config }` describes; every value is checked by the
 * schedule's constructor. `op` and `argument` name the caller in errors.
 * @example schedules.deserialize({ className: 'CosineDecay', config: { initialLearningRate: 0.1, decaySteps: 100 } })
 */
export function deserialize(value: unknown, op = 'schedules.deserialize', argument = 'schedule'): LearningRateSchedule {
  if (!isObject(value) || typeof value.className !== 'string' || !isObject(value.config))
    return tf.invalidArgument(
      op,
      argument,
      '{ className, config } of a learning-rate schedule',
      tf.describeValue(value),
    );
  const config = value.config;
  const get = (key: string): unknown => (Object.hasOwn(config, key) ? config[key] : undefined);
  const name = get('name') === undefined ? {} : { name: get('name') as string };
  switch (value.className) {
    case 'ExponentialDecay':
      return new ExponentialDecay(
        get('initialLearningRate') as number,
        get('decaySteps') as number,
        get('decayRate') as number,
        {
          ...name,
          ...(get('staircase') === undefined ? {} : { staircase: get('staircase') as boolean }),
        },
      );
    case 'CosineDecay':
      return new CosineDecay(get('initialLearningRate') as number, get('decaySteps') as number, {
        ...name,
        ...(get('alpha') === undefined ? {} : { alpha: get('alpha') as number }),
        ...(get('warmupTarget') === undefined ? {} : { warmupTarget: get('warmupTarget') as number }),
        ...(get('warmupSteps') === undefined ? {} : { warmupSteps: get('warmupSteps') as number }),
      });
    case 'PiecewiseConstantDecay':
      return new PiecewiseConstantDecay(get('boundaries') as number[], get('values') as number[], name);
    default:
      return tf.invalidArgument(
        op,
        `${argument}.className`,
        "one of 'ExponentialDecay', 'CosineDecay', 'PiecewiseConstantDecay'",
        tf.describeValue(value.className),
      );
  }
}
