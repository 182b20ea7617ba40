/**
 * @file The Optimizer base, after Keras 3's BaseOptimizer: `applyGradients` checks every pair first
 * (all-or-nothing), skips null gradients and non-trainable variables, applies decoupled weight decay,
 * then runs the subclass's `updateStep` per variable inside one `tidy`, hidden from every tape (an
 * update is not part of any loss). Slot variables (momenta, velocities) are made lazily the first
 * time a variable is updated and freed by `dispose()`.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core/internal';
import { halfOpenRule } from '../option-rules.js';
import { LearningRateSchedule, serialize as serializeSchedule } from './schedules.js';
import type { ScheduleConfig } from './schedules.js';

/**
 * Options every optimizer takes (Keras 3's base arguments).
 * @example new tf.optimizers.SGD({ learningRate: 0.1, weightDecay: 1e-4 })
 */
export interface OptimizerOptions {
  /**
   * Step size, or a schedule of it (`tf.optimizers.schedules.ExponentialDecay`, ...). Each optimizer
   * has Keras' default (0.01 for SGD, 0.001 for the others).
   */
  readonly learningRate?: number | LearningRateSchedule;
  /**
   * Decoupled weight decay: before each update, `v -= learningRate · weightDecay · v` (Keras 3 applies
   * it in every optimizer; AdamW defaults it to 0.004). Default none.
   */
  readonly weightDecay?: number;
  /** A name for the slot variables (`<name>/<variable>/<slot>`); default the optimizer's Keras name. */
  readonly name?: string;
}

/** A rule for a finite number >= 0 (epsilon, weight decay). */
export const NON_NEGATIVE_RULE: tf.OptionRule = {
  kind: 'custom',
  check: (value) =>
    typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'a finite number >= 0',
};

/**
 * The rules of the options every optimizer takes; each optimizer's schema spreads them in.
 * @example const SGD_RULES: tf.OptionSchema<SGDOptions> = { ...OPTIMIZER_RULES, momentum: ... };
 */
export const OPTIMIZER_RULES: tf.OptionSchema<OptimizerOptions> = {
  learningRate: {
    kind: 'custom',
    check: (value) =>
      (typeof value === 'number' && Number.isFinite(value) && value > 0) || value instanceof LearningRateSchedule
        ? undefined
        : typeof value === 'number'
          ? 'a finite number > 0'
          : 'a finite number > 0 or a LearningRateSchedule',
  },
  weightDecay: NON_NEGATIVE_RULE,
  name: { kind: 'string' },
};

/** A rule for a decay or momentum coefficient in [0, 1). */
export const UNIT_RULE: tf.OptionRule = halfOpenRule(0, 1);

/**
 * An optimizer's options from Keras' positional form (`new SGD(0.1)`, `new SGD(0.1, { momentum: 0.9 })`:
 * the learning rate first) or the object form (`new SGD({ learningRate: 0.1 })`), checked against
 * `rules` as Keras checks keyword arguments. A rate given both ways is refused, as Python refuses a
 * keyword given twice.
 * @example const options = optimizerOptions('SGD', 0.1, { momentum: 0.9 }, SGD_RULES);
 */
export function optimizerOptions<T extends OptimizerOptions>(
  op: string,
  first: number | LearningRateSchedule | T | undefined,
  second: Omit<T, 'learningRate'> | undefined,
  rules: tf.OptionSchema<T>,
): T {
  if (typeof first === 'number' || first instanceof LearningRateSchedule) {
    tf.checkOptions(op, second, rules);
    if (second !== undefined && Object.hasOwn(second, 'learningRate')) {
      tf.invalidArgument(
        op,
        'options.learningRate',
        'the learning rate once (it was also given first, positionally)',
        tf.describeValue((second as OptimizerOptions).learningRate),
      );
    }
    const options = { ...second, learningRate: first } as T;
    tf.checkOptions(op, options, rules);
    return options;
  }
  const given: unknown = first;
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
    tf.invalidArgument(op, 'learningRate', 'a learning rate (a number) or an options object', tf.describeValue(given));
  }
  if (second !== undefined)
    tf.invalidArgument(
      op,
      'options',
      `nothing after an options object (the positional form is new ${op}(learningRate, options))`,
      tf.describeValue(second),
    );
  tf.checkOptions(op, first, rules);
  return first ?? ({} as T); // every key of an options type is optional, so {} is one
}

/**
 * An optimizer's hyper-parameters as JSON (Keras' `get_config`), which `model.save` writes; a
 * scheduled learning rate is `{ className, config }`.
 */
export type OptimizerConfig = {
  readonly [key: string]: number | boolean | string | { readonly className: string; readonly config: ScheduleConfig };
};

/** A (gradient, variable) pair, the form Keras' `apply_gradients(zip(grads, vars))` takes. */
export type GradientPair = readonly [tf.Tensor | null, tf.Variable];

/**
 * The learning rate and weight decay, checked here too: a user's subclass may call this constructor
 * without the schema check `optimizerOptions` makes for the built-in optimizers.
 */
function checkRate(
  op: string,
  argument: string,
  value: number | undefined,
  fallback: number,
  range: 'positive' | 'non-negative' | 'unit',
): number {
  const v = value ?? fallback;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (range === 'positive' ? v > 0 : range === 'non-negative' ? v >= 0 : v >= 0 && v < 1);
  const expected =
    range === 'positive'
      ? 'a finite number > 0'
      : range === 'non-negative'
        ? 'a finite number >= 0'
        : 'a number in [0, 1)';
  if (!ok) tf.invalidArgument(op, argument, expected, tf.describeValue(v));
  return v;
}

/**
 * The base of every optimizer: subclasses implement `updateStep` with TensorFlow's rule.
 * @example
 * const opt = new tf.optimizers.Adam();
 * const grads = tape.gradient(loss, model.trainableVariables);
 * opt.applyGradients(grads, model.trainableVariables);
 */
export abstract class Optimizer {
  /** Keras' class name (`'SGD'`, `'Adam'`, ...), for `model.save` and messages. */
  abstract readonly className: string;
  /** The prefix of slot variable names. */
  readonly name: string;
  private rate: number | LearningRateSchedule;
  /** Decoupled weight decay, or undefined for none. */
  readonly weightDecay: number | undefined;
  /** Updates applied so far (Keras' `iterations`); Adam's bias correction counts from it. */
  iterations = 0;
  private readonly slots = new Map<tf.Variable, Map<string, tf.Variable>>();
  private readonly warned = new Set<string>();
  private disposed = false;

  constructor(options: OptimizerOptions, defaults: { readonly learningRate: number; readonly name: string }) {
    this.rate =
      options.learningRate instanceof LearningRateSchedule
        ? options.learningRate
        : checkRate(defaults.name, 'learningRate', options.learningRate, defaults.learningRate, 'positive');
    this.weightDecay =
      options.weightDecay === undefined
        ? undefined
        : checkRate(defaults.name, 'weightDecay', options.weightDecay, 0, 'non-negative');
    this.name = options.name ?? defaults.name;
  }

  /**
   * One update of `variable` by `gradient` (TensorFlow's rule), run inside `tidy` with no tape
   * recording; read and make slots with `slot`, write with `assign`.
   */
  protected abstract updateStep(gradient: tf.Tensor, variable: tf.Variable, learningRate: number): void;

  /**
   * Runs once per `applyGradients`, before the variables' updates (Keras' `_backend_update_step`):
   * for state shared by every variable of a step, such as Nadam's momentum-schedule product.
   */
  protected prepareStep(): void {}

  /**
   * The step size of the next update: the number given, or the schedule's value at `iterations`
   * (Keras' `optimizer.learning_rate`). Settable between steps (ReduceLROnPlateau does) unless it is
   * a schedule, as in Keras.
   * @example opt.learningRate = opt.learningRate / 10;
   */
  get learningRate(): number {
    return this.rate instanceof LearningRateSchedule ? this.rate.call(this.iterations) : this.rate;
  }

  set learningRate(value: number) {
    const op = `${this.className}.learningRate`;
    if (this.rate instanceof LearningRateSchedule)
      throw new tf.FailedPreconditionError(
        `${op}: this optimizer's learning rate is a schedule (${this.rate.className}), so it cannot be set (as in Keras).`,
        'learningRate',
      );
    this.rate = checkRate(op, 'learningRate', value, 0, 'positive');
  }

  /** The schedule given as `learningRate`, or null for a fixed rate. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.rate instanceof LearningRateSchedule ? this.rate : null;
  }

  /** The hyper-parameters as JSON; subclasses add theirs. */
  getConfig(): OptimizerConfig {
    return {
      name: this.name,
      learningRate: this.rate instanceof LearningRateSchedule ? serializeSchedule(this.rate) : this.rate,
      ...(this.weightDecay === undefined ? {} : { weightDecay: this.weightDecay }),
    };
  }

  /**
   * Applies one step. `gradients[i]` updates `variables[i]`; a null gradient (a variable the loss does
   * not depend on) is skipped with a one-time warning, and so is a non-trainable variable. Everything
   * is checked before anything changes. Keras' list of (gradient, variable) pairs is accepted too.
   * @example opt.applyGradients(tape.gradient(loss, vars), vars);
   */
  applyGradients(gradients: readonly (tf.Tensor | null)[], variables: readonly tf.Variable[]): void;
  applyGradients(pairs: readonly GradientPair[]): void;
  applyGradients(
    first: readonly (tf.Tensor | null)[] | readonly GradientPair[],
    second?: readonly tf.Variable[],
  ): void {
    this.assertNotDisposed('applyGradients');
    const op = `${this.className}.applyGradients`;
    let gradients: readonly (tf.Tensor | null)[];
    let variables: readonly tf.Variable[];
    if (second === undefined) {
      if (!Array.isArray(first))
        tf.invalidArgument(
          op,
          'gradients',
          'an array of [gradient, variable] pairs (or gradients and variables)',
          tf.describeValue(first),
        );
      const pairs = first as readonly GradientPair[];
      pairs.forEach((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2)
          tf.invalidArgument(op, `pairs[${i}]`, 'a [gradient, variable] pair', tf.describeValue(pair));
      });
      gradients = pairs.map((p) => p[0]);
      variables = pairs.map((p) => p[1]);
    } else {
      gradients = first as readonly (tf.Tensor | null)[];
      variables = second;
      if (!Array.isArray(gradients))
        tf.invalidArgument(op, 'gradients', 'an array of tensors (or nulls)', tf.describeValue(gradients));
      if (!Array.isArray(variables))
        tf.invalidArgument(op, 'variables', 'an array of Variables', tf.describeValue(variables));
      if (gradients.length !== variables.length) {
        tf.invalidArgument(op, 'gradients', `${variables.length} gradient(s), one per variable`, `${gradients.length}`);
      }
    }
    const updates: [tf.Tensor, tf.Variable][] = [];
    variables.forEach((variable, i) => {
      if (!(variable instanceof tf.Variable))
        tf.invalidArgument(op, `variables[${i}]`, 'a Variable', tf.describeValue(variable));
      tf.assertLiveTensor(variable, op, `variables[${i}]`);
      const gradient = gradients[i];
      if (gradient === null || gradient === undefined) return;
      tf.assertLiveTensor(gradient, op, `gradients[${i}]`);
      if (!tf.shapesEqual(gradient.shape, variable.shape) || gradient.dtype !== variable.dtype) {
        tf.invalidArgument(
          op,
          `gradients[${i}]`,
          `shape ${tf.formatShape(variable.shape)} and dtype ${variable.dtype} (those of Variable '${variable.name}')`,
          `shape ${tf.formatShape(gradient.shape)} and dtype ${gradient.dtype}`,
        );
      }
      if (variable.trainable) updates.push([gradient, variable]);
    });
    const missing = variables.filter((v, i) => (gradients[i] ?? null) === null && v.trainable);
    if (updates.length === 0 && variables.length > 0 && missing.length > 0) {
      throw new tf.InvalidArgumentError(
        `${op}: no gradients provided for any variable: [${missing.map((v) => v.name).join(', ')}]. Does the loss depend on them (was it computed inside tape.record)?`,
        op,
      );
    }
    for (const v of missing) {
      if (this.warned.has(v.name)) continue;
      this.warned.add(v.name);
      console.warn(
        `${op}: gradients do not exist for variable '${v.name}' when minimizing the loss; it is left unchanged.`,
      );
    }
    if (updates.length === 0) return;
    const learningRate = this.learningRate;
    tf.getEngine().withoutRecording(() =>
      tf.tidy(() => {
        if (this.weightDecay !== undefined && this.weightDecay > 0) {
          for (const [, variable] of updates)
            variable.assign(tf.sub(variable, tf.mul(variable, learningRate * this.weightDecay)));
        }
        this.prepareStep();
        for (const [gradient, variable] of updates) this.updateStep(gradient, variable, learningRate);
      }),
    );
    this.iterations++;
  }

  /**
   * Records `lossFn` on a GradientTape, then applies the gradients of its result with respect to
   * `variables` (default: the trainable Variables the loss read). Returns the loss, which the caller
   * owns (dispose it).
   * @example const loss = opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x)), model.trainableVariables);
   */
  minimize(lossFn: () => tf.Tensor, variables?: readonly tf.Variable[]): tf.Tensor {
    this.assertNotDisposed('minimize');
    const op = `${this.className}.minimize`;
    if (typeof lossFn !== 'function')
      tf.invalidArgument(op, 'lossFn', 'a function returning the loss', tf.describeValue(lossFn));
    const tape = new GradientTape();
    try {
      const loss = tape.record(() => tf.tidy(lossFn));
      if (!(loss instanceof tf.Tensor) || loss.size !== 1) {
        if (loss instanceof tf.Tensor) loss.dispose();
        return tf.invalidArgument(op, 'lossFn', 'a function returning a scalar Tensor', tf.describeValue(loss));
      }
      const sources = variables ?? tape.watchedVariables().filter((v) => v.trainable);
      const gradients = tape.gradient(loss, [...sources]);
      try {
        this.applyGradients(gradients, sources);
      } catch (error) {
        loss.dispose();
        throw error;
      } finally {
        tf.dispose(gradients);
      }
      return loss;
    } finally {
      tape.dispose();
    }
  }

  /**
   * The slot `name` of `variable` (`initialValue`, default 0, in its shape on first use), e.g. Adam's
   * `'momentum'`. For use in `updateStep`.
   */
  protected slot(variable: tf.Variable, name: string, initialValue = 0): tf.Variable {
    let byName = this.slots.get(variable);
    if (byName === undefined) this.slots.set(variable, (byName = new Map()));
    let slot = byName.get(name);
    if (slot === undefined) {
      slot = tf.getEngine().withoutRecording(
        () =>
          new tf.Variable(initialValue === 0 ? tf.zerosLike(variable) : tf.fill(variable.shape, initialValue), {
            name: `${this.name}/${variable.name}/${name}`,
            trainable: false,
          }),
      );
      byName.set(name, slot);
    }
    return slot;
  }

  /**
   * Every slot variable made so far (Keras' `optimizer.variables`, less the step counter).
   * @example opt.variables.map((v) => v.name) // ['adam/dense/kernel/momentum', ...]
   */
  get variables(): tf.Variable[] {
    return [...this.slots.values()].flatMap((byName) => [...byName.values()]);
  }

  /**
   * Frees every slot variable; the optimizer cannot be used afterwards. Safe to call twice.
   * @example opt.dispose(); tf.memory().numVariables // the slots are gone
   */
  dispose(): void {
    for (const slot of this.variables) slot.dispose();
    this.slots.clear();
    this.disposed = true;
  }

  /** `using opt = new tf.optimizers.Adam()` disposes it at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private assertNotDisposed(method: string): void {
    if (this.disposed)
      throw new tf.FailedPreconditionError(`${this.className}.${method}: this optimizer was disposed.`, method);
  }
}
