/**
 * @file ForwardAccumulator: forward-mode autodiff with TensorFlow's semantics
 * (`tf.autodiff.ForwardAccumulator`). Given primals and their tangents, it watches the ops that run
 * while `record(fn)` runs and computes, op by op, the tangent (Jacobian-vector product) of every output
 * that depends on a primal; `jvp(y)` looks the tangent of `y` up. It is a recorder like a tape, so it
 * nests with tapes and other accumulators both ways, with TensorFlow's strict nesting: the ops that
 * compute an accumulator's tangents are seen by the recorders entered before it (outer tapes:
 * reverse-over-forward; outer accumulators: higher-order forward derivatives), never by those entered
 * after it. An accumulator active while a tape computes gradients sees the backward pass
 * (forward-over-reverse Hessian-vector products).
 *
 * Tangents are kept as held buffers under the tensors' ids (not handles): the user's tensors can be
 * disposed freely, and `dispose()` gives every buffer back.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { customOperationTangent, operationTangent } from './forward-rule.js';
import type { TangentRecord } from './gradients/index.js';
import { assertTensor, checkUnconnected, describe, isThenable } from './tape-arguments.js';

/** Options of `ForwardAccumulator.jvp`. */
export interface JvpOptions {
  /** What a target without a tangent gets: `'none'` (null, default) or `'zero'` (zeros of its shape). */
  readonly unconnectedGradients?: 'none' | 'zero';
}

const JVP_OPTIONS: tf.OptionSchema<JvpOptions> = {
  unconnectedGradients: { kind: 'oneOf', values: ['none', 'zero'] },
};

/** A tangent as given: a Tensor, or values (a number, a nested array, a typed array) of its primal's dtype. */
export type TangentLike = tf.Tensor | tf.TensorValues;

/** A tangent as the accumulator keeps it: the buffer, and the id, shape and dtype of its tensor. */
interface HeldTangent {
  readonly storage: tf.Storage;
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: tf.DataType;
}

/** What `jvp` returns for a target: one result, or one per element of an array of targets. */
export type JvpResult<T> = T extends tf.Tensor ? tf.Tensor | null : (tf.Tensor | null)[];

/**
 * Computes Jacobian-vector products with forward-mode autodiff, as TensorFlow's ForwardAccumulator.
 * @example
 * const x = tf.tensor([1, 2]);
 * const acc = new ForwardAccumulator(x, tf.tensor([1, 0]));
 * const y = acc.record(() => tf.reduceSum(tf.pow(x, 3)));
 * acc.jvp(y); // 3 (= 3·1² · 1 + 3·2² · 0)
 * acc.dispose();
 */
export class ForwardAccumulator {
  private readonly engine: tf.Engine;
  /** The tangents by tensor id, in an object of its own for the safety net (which must not hold `this`). */
  private readonly held: { tangents: Map<number, HeldTangent> } = { tangents: new Map() };
  private recording = false;
  private disposed = false;

  /**
   * Watches `primals` (a Tensor or an array of them; Variables too) with `tangents` in the same
   * structure, each of its primal's shape and dtype (numbers and nested arrays are converted to it).
   * A primal listed twice is an error; a non-float primal is skipped with a warning, as TensorFlow.
   */
  constructor(primals: tf.Tensor | readonly tf.Tensor[], tangents: TangentLike | readonly TangentLike[]) {
    this.engine = tf.getEngine();
    const [primalList, tangentList] = pairUp(primals, tangents);
    // Everything is checked before anything is held: a bad pair leaves every tensor as it was.
    const seen = new Set<number>();
    const tangentTensors: tf.Tensor[] = [];
    const made: tf.Tensor[] = [];
    try {
      primalList.forEach((primal, i) => {
        const name = Array.isArray(primals) ? `primals[${i}]` : 'primals';
        const tangentName = Array.isArray(primals) ? `tangents[${i}]` : 'tangents';
        assertTensor(primal, 'ForwardAccumulator', name);
        if (seen.has(primal.id)) {
          tf.invalidArgument(
            'ForwardAccumulator',
            name,
            'each primal once (sum the tangents of a tensor listed twice)',
            `tensor id ${primal.id} a second time`,
          );
        }
        seen.add(primal.id);
        const given = tangentList[i];
        let tangent: tf.Tensor;
        if (given instanceof tf.Tensor) {
          assertTensor(given, 'ForwardAccumulator', tangentName);
          tangent = given;
        } else {
          tangent = convertTangent(given, tangentName, primal.dtype);
          made.push(tangent);
        }
        if (tangent.dtype !== primal.dtype) {
          tf.invalidArgument(
            'ForwardAccumulator',
            tangentName,
            `a tangent of its primal's dtype ${primal.dtype}`,
            describe(tangent),
          );
        }
        if (!tf.shapesEqual(tangent.shape, primal.shape)) {
          tf.invalidArgument(
            'ForwardAccumulator',
            tangentName,
            `a tangent of its primal's shape [${primal.shape.join(', ')}]`,
            describe(tangent),
          );
        }
        tangentTensors.push(tangent);
      });
      primalList.forEach((primal, i) => {
        if (primal.dtype !== 'float32') {
          console.warn(
            `ForwardAccumulator: the dtype of the watched primal must be floating (e.g. float32), got ${primal.dtype}; it gets no tangent.`,
          );
          return;
        }
        this.hold(primal.id, tangentTensors[i]!);
      });
    } finally {
      for (const t of made) t.dispose();
    }
    // The release must not reference the accumulator, or it would never be collected: made outside
    // this constructor, whose closures (which use `this`) share one context with anything made here.
    this.engine.safetyNet.addOwner(this, releaser(this.engine, this.held), this.held);
  }

  /**
   * Runs `fn` with this accumulator active (tangents are computed for what it does) and returns its
   * result. A thenable result keeps it active until it settles. It can record again later; it cannot
   * be entered while it records.
   */
  record<T>(fn: () => T): T {
    this.assertNotDisposed('record');
    if (this.recording && this.engine.hasRecorder(this)) {
      throw new tf.FailedPreconditionError(
        'record: this ForwardAccumulator is already recording; an accumulator cannot be entered twice.',
        'record',
      );
    }
    if (typeof fn !== 'function') tf.invalidArgument('record', 'fn', 'a function', describe(fn));
    const engine = this.engine;
    const frame = engine.beginRecordingFrame();
    engine.addRecorder(this, frame);
    this.recording = true;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.recording = false;
      engine.endRecordingFrame(frame);
      throw error;
    }
    if (isThenable(result)) {
      engine.addRecorder(this);
      engine.endRecordingFrame(frame);
      return Promise.resolve(result).finally(() => {
        this.recording = false;
        engine.removeRecorder(this);
      }) as T;
    }
    this.recording = false;
    engine.endRecordingFrame(frame);
    return result;
  }

  /**
   * The tangent computed for `target` (or for each of an array of targets): a new handle the caller
   * owns, the same tensor as far as other accumulators and tapes are concerned. Null for a target
   * that does not depend on the primals (zeros with `unconnectedGradients: 'zero'`). Computes nothing.
   */
  jvp<const T extends tf.Tensor | readonly tf.Tensor[]>(target: T, options: JvpOptions = {}): JvpResult<T> {
    this.assertNotDisposed('jvp');
    const list: readonly unknown[] = Array.isArray(target) ? target : [target];
    list.forEach((t, i) => assertTensor(t, 'jvp', Array.isArray(target) ? `target[${i}]` : 'target'));
    tf.checkOptions('jvp', options, JVP_OPTIONS);
    const unconnected = checkUnconnected('jvp', options.unconnectedGradients);
    const results = (list as readonly tf.Tensor[]).map((t) => {
      const tangent = this.held.tangents.get(t.id);
      if (tangent !== undefined) return this.engine.handleOn(tangent.storage, tangent.id, tangent.shape, tangent.dtype);
      return unconnected === 'zero' ? tf.zerosLike(t) : null;
    });
    return (Array.isArray(target) ? results : results[0]!) as JvpResult<T>;
  }

  /** Whether the accumulator is recording now. */
  get isRecording(): boolean {
    return this.recording && this.engine.hasRecorder(this);
  }

  /** How many tangents the accumulator holds (the primals' and every output's that depends on them). */
  get size(): number {
    return this.held.tangents.size;
  }

  /** Gives back every tangent; the accumulator cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    if (this.recording) {
      this.recording = false;
      this.engine.removeRecorder(this);
    }
    releaseTangents(this.engine, this.held);
    this.engine.safetyNet.removeOwner(this.held);
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- Recorder -------------------------------------------------------------------------------

  /** @internal Variables are watched only as primals, never because an op read them (TensorFlow's rule). */
  recordVariableRead(): void {}

  /** @internal */
  recordOperation(record: tf.OperationRecord): void {
    if (record.output.dtype !== 'float32') return;
    const tangents = this.held.tangents;
    const inputs = record.inputs as Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;
    let any = false;
    for (const name in inputs) {
      const value = inputs[name]!;
      if (value instanceof tf.Tensor) {
        if (tangents.has(value.id)) any = true;
      } else if (value.some((t) => tangents.has(t.id))) any = true;
      if (any) break;
    }
    if (!any) return;
    this.computeTangent(record.output, () => {
      const byName: Record<string, tf.Tensor | null | (tf.Tensor | null)[]> = {};
      const flat: (tf.Tensor | null)[] = [];
      for (const name in inputs) {
        const value = inputs[name]!;
        if (value instanceof tf.Tensor) {
          const t = this.tangentHandle(value);
          byName[name] = t;
          flat.push(t);
        } else {
          const list = value.map((v) => this.tangentHandle(v));
          byName[name] = list;
          flat.push(...list);
        }
      }
      return this.tangentOf(record, byName, flat);
    });
  }

  /** @internal */
  recordCustomOperation(record: tf.CustomOperationRecord): void {
    if (record.output.dtype !== 'float32' || !record.inputs.some((t) => this.held.tangents.has(t.id))) return;
    this.computeTangent(record.output, () =>
      customOperationTangent(
        record,
        record.inputs.map((t) => this.tangentHandle(t)),
      ),
    );
  }

  /**
   * The output tangent of a kernel or view op: its written rule, or the double-vjp trick. A test
   * subclass overrides it to force the trick.
   * @internal
   */
  protected tangentOf(
    record: tf.OperationRecord,
    byName: TangentRecord,
    flat: readonly (tf.Tensor | null)[],
  ): tf.Tensor | null {
    return operationTangent(record, byName, flat);
  }

  // ---- internals ------------------------------------------------------------------------------

  /**
   * Runs `compute` seen only by the recorders entered before this one (TensorFlow's strict nesting;
   * and this one must not see its own work), in a tidy scope, and keeps the result as `output`'s
   * tangent, broadcast to its shape.
   */
  private computeTangent(output: tf.Tensor, compute: () => tf.Tensor | null): void {
    const engine = this.engine;
    const saved = engine.recorders;
    const index = saved.indexOf(this);
    engine.recorders = index < 0 ? saved : saved.slice(0, index);
    try {
      engine.tidy(() => {
        let tangent = compute();
        if (tangent === null) return;
        if (!tf.shapesEqual(tangent.shape, output.shape)) tangent = tf.broadcastTo(tangent, output.shape);
        this.hold(output.id, tangent);
      });
    } finally {
      engine.recorders = saved;
    }
  }

  /** A handle (in the current scope) on the tangent of `t`, with the id the tangent was made with; null if none. */
  private tangentHandle(t: tf.Tensor): tf.Tensor | null {
    const tangent = this.held.tangents.get(t.id);
    return tangent === undefined
      ? null
      : this.engine.handleOn(tangent.storage, tangent.id, tangent.shape, tangent.dtype);
  }

  private hold(id: number, tangent: tf.Tensor): void {
    const previous = this.held.tangents.get(id);
    this.held.tangents.set(id, {
      storage: this.engine.holdStorage(tangent),
      id: tangent.id,
      shape: tangent.shape,
      dtype: tangent.dtype,
    });
    if (previous !== undefined) this.engine.releaseStorage(previous.storage);
  }

  private assertNotDisposed(method: string): void {
    if (this.disposed) throw new tf.FailedPreconditionError(`${method}: this ForwardAccumulator was disposed.`, method);
  }
}

/** What the safety net runs for an accumulator collected without `dispose`. */
function releaser(engine: tf.Engine, held: { tangents: Map<number, HeldTangent> }): () => void {
  return () => releaseTangents(engine, held);
}

function releaseTangents(engine: tf.Engine, held: { tangents: Map<number, HeldTangent> }): void {
  for (const tangent of held.tangents.values()) engine.releaseStorage(tangent.storage);
  held.tangents = new Map();
}

/** The primals and tangents as two lists of the same length, or an InvalidArgumentError. */
function pairUp(
  primals: tf.Tensor | readonly tf.Tensor[],
  tangents: TangentLike | readonly TangentLike[],
): [readonly tf.Tensor[], readonly unknown[]] {
  if (!Array.isArray(primals)) {
    if (!(primals instanceof tf.Tensor)) {
      tf.invalidArgument('ForwardAccumulator', 'primals', 'a Tensor or an array of Tensors', describe(primals));
    }
    return [[primals], [tangents]];
  }
  if (!Array.isArray(tangents) || tangents.length !== primals.length) {
    tf.invalidArgument(
      'ForwardAccumulator',
      'tangents',
      `an array of ${primals.length} tangent(s), one per primal`,
      describe(tangents),
    );
  }
  return [primals as readonly tf.Tensor[], tangents as readonly unknown[]];
}

/** A tangent given as a number or a nested array, as a tensor of its primal's dtype. */
function convertTangent(given: unknown, argument: string, dtype: tf.DataType): tf.Tensor {
  if (typeof given === 'number' || Array.isArray(given) || ArrayBuffer.isView(given)) {
    try {
      return tf.tensor(given as tf.TensorValues, undefined, dtype);
    } catch {
      // Falls through to the message naming the accumulator's argument.
    }
  }
  return tf.invalidArgument(
    'ForwardAccumulator',
    argument,
    'a Tensor, a number or a nested array of numbers',
    describe(given),
  );
}
