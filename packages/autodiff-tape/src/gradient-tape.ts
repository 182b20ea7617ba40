/**
 * @file GradientTape: records the ops that touch watched tensors while `record(fn)` runs, then
 * differentiates a target with respect to sources, as `tf.GradientTape` does in TensorFlow.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { backwardPass, freshHandles } from './backward-pass.js';
import { forwardJacobian } from './forward-jacobian.js';
import type { BackwardPlan } from './backward-pass.js';
import { IdSet } from './id-set.js';
import { TapeLog } from './tape-entry.js';
import {
  assertTensor,
  checkBatchJacobianArguments,
  describe,
  checkOutputGradients,
  checkUnconnected,
  flattenSources,
  identityRows,
  isThenable,
  restructure,
} from './tape-arguments.js';
import type { GradientOptions, GradientResult, GradientTapeOptions, JacobianOptions, Sources } from './tape-types.js';

export type { GradientOptions, GradientResult, GradientTapeOptions, JacobianOptions, Sources } from './tape-types.js';

/**
 * Records operations for automatic differentiation.
 * @example
 * const x = tf.variable(4);
 * const tape = new GradientTape();
 * const y = tape.record(() => x.pow(2));
 * tape.gradient(y, x); // 8
 */
export class GradientTape {
  /** Whether several `gradient` calls are allowed. */
  readonly persistent: boolean;
  /** Whether trainable Variables read by ops are watched automatically. */
  readonly watchAccessedVariables: boolean;
  private readonly engine: tf.Engine;
  /**
   * What the tape holds, in an object of its own so the engine's safety net can release it if the
   * tape is dropped without `dispose` (the release must not reference the tape itself).
   */
  private readonly held: { log: TapeLog };
  /** What the safety net runs if the tape is collected while holding something (not the tape's). */
  private readonly releaseHeld: () => void;
  /** Whether the tape is under the safety net: from its first `record` until it holds nothing. */
  private onSafetyNet = false;
  /** Ids of tensors the tape differentiates through: watched ones and outputs of kept ops. */
  private tracked = new IdSet();
  /** The Variables watched, kept after a non-persistent tape's `gradient` (as TensorFlow does). */
  private watched = new Map<number, tf.Variable>();
  private recording = false;
  /** The engine's recording frame of the running `record` (0 while an async one waits to settle). */
  private frame = 0;
  private used = false;
  private disposed = false;

  constructor(options: GradientTapeOptions = {}) {
    this.persistent = options.persistent ?? false;
    this.watchAccessedVariables = options.watchAccessedVariables ?? true;
    this.engine = tf.getEngine();
    const held = { log: new TapeLog(this.engine) };
    this.held = held;
    this.releaseHeld = () => releaseEntries(held);
  }

  /**
   * Runs `fn` while recording and returns its result. An `fn` returning a Promise (or any thenable)
   * is recorded until it settles. Calling `record` again appends to the same tape.
   */
  record<T>(fn: () => T): T {
    this.assertNotDisposed('record');
    // A tape whose recording frame was ended for it (a stack overflow cut its clean-up short) is not.
    if (this.recording && this.engine.hasRecorder(this)) {
      throw new tf.FailedPreconditionError(
        'record: this tape is already recording; a tape cannot be entered twice (use a second tape to nest).',
        'record',
      );
    }
    if (this.used && !this.persistent) this.clear();
    const engine = this.engine;
    const frame = engine.beginRecordingFrame();
    this.frame = frame;
    this.startRecording();
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.recording = false;
      engine.endRecordingFrame(frame);
      throw error;
    }
    if (isThenable(result)) {
      // Recording outlives the frame: the tape stays listed until the thenable settles.
      this.frame = 0;
      if (this.recording) engine.addRecorder(this);
      engine.endRecordingFrame(frame);
      return Promise.resolve(result).finally(() => this.stopRecordingNow()) as T;
    }
    this.recording = false;
    engine.endRecordingFrame(frame);
    return result;
  }

  /** Runs `fn` with this tape paused (its ops are not recorded). Only inside `record`. */
  stopRecording<T>(fn: () => T): T {
    this.assertNotDisposed('stopRecording');
    if (!this.recording) {
      throw new tf.FailedPreconditionError(
        this.used && !this.persistent
          ? 'stopRecording: this non-persistent tape was already used to compute gradients; it is not recording.'
          : 'stopRecording: this tape is not recording; call stopRecording inside record(fn).',
        'stopRecording',
      );
    }
    this.stopRecordingNow();
    try {
      return fn();
    } finally {
      this.startRecording();
    }
  }

  /** Forgets everything recorded so far and keeps recording. Only inside `record`. */
  reset(): void {
    this.assertNotDisposed('reset');
    if (!this.recording)
      throw new tf.FailedPreconditionError('reset: this tape is not recording; call reset inside record(fn).', 'reset');
    this.clear();
  }

  /**
   * Watches `tensor` (or each of a list) so ops on it are recorded. Non-float tensors cannot carry
   * gradients: they are skipped with a warning, as in TensorFlow.
   */
  watch(tensor: tf.Tensor | readonly tf.Tensor[]): void {
    this.assertNotDisposed('watch');
    const list: readonly unknown[] = Array.isArray(tensor) ? tensor : [tensor];
    // All checked before any is watched: a bad element leaves the tape as it was.
    list.forEach((t, i) =>
      assertTensor(t, 'watch', Array.isArray(tensor) ? `tensor[${i}]` : 'tensor', 'a Tensor or Variable'),
    );
    for (const t of list as readonly tf.Tensor[]) {
      if (t.dtype !== 'float32') {
        console.warn(
          `watch: the dtype of the watched tensor must be floating (e.g. float32), got ${t.dtype}; it gets no gradient.`,
        );
        continue;
      }
      this.tracked.add(t.id);
      if (t instanceof tf.Variable) this.watched.set(t.id, t);
    }
  }

  /**
   * The Variables this tape watches (explicitly or because an op read them), in watch order. Still
   * listed after a non-persistent tape's `gradient`, as in TensorFlow; `reset` forgets them.
   */
  watchedVariables(): tf.Variable[] {
    return [...this.watched.values()];
  }

  /**
   * The gradient of `target` (or the sum of several targets; a non-scalar one counts as the sum of its
   * elements) with respect to `sources`, in the structure of `sources`. Null for a source the target
   * does not depend on (zeros with `unconnectedGradients: 'zero'`).
   */
  gradient<const S extends Sources>(
    target: tf.Tensor | readonly tf.Tensor[],
    sources: S,
    options: GradientOptions = {},
  ): GradientResult<S> {
    this.assertUsable('gradient');
    const targets = Array.isArray(target) ? (target as readonly tf.Tensor[]) : [target as tf.Tensor];
    targets.forEach((t, i) => assertTensor(t, 'gradient', Array.isArray(target) ? `target[${i}]` : 'target'));
    const sourceList = flattenSources(sources, 'gradient');
    const seedsGiven = checkOutputGradients(targets, options.outputGradients);
    const unconnected = checkUnconnected('gradient', options.unconnectedGradients);
    const makeSeeds = (): Map<number, tf.Tensor> => {
      const seeds = new Map<number, tf.Tensor>();
      targets.forEach((t, i) => {
        if (t.dtype !== 'float32' || !this.tracked.has(t.id)) return;
        const seed = seedsGiven?.[i] ?? tf.onesLike(t);
        const previous = seeds.get(t.id);
        seeds.set(t.id, previous === undefined ? seed : tf.add(previous, seed));
      });
      return seeds;
    };
    const results = this.runBackward({ sourceList, batchRank: 0, unconnected, makeSeeds });
    return restructure(sources, results) as GradientResult<S>;
  }

  /**
   * The Jacobian of `target` with respect to each source: shape `target.shape + source.shape`.
   * Vectorised: one backward pass carries all of target's cotangents as a batch (in chunks when the
   * batch would be large), instead of one pass per target element.
   * @example
   * const y = tape.record(() => tf.mul(x, x)); // x: [3]
   * tape.jacobian(y, x); // [3, 3], diag(2x)
   */
  jacobian<const S extends Sources>(target: tf.Tensor, sources: S, options: JacobianOptions = {}): GradientResult<S> {
    this.assertUsable('jacobian');
    assertTensor(target, 'jacobian', 'target');
    const sourceList = flattenSources(sources, 'jacobian');
    const unconnected = checkUnconnected('jacobian', options.unconnectedGradients);
    if (options.mode !== undefined && options.mode !== 'reverse' && options.mode !== 'forward') {
      tf.invalidArgument('jacobian', 'mode', "'reverse' or 'forward'", describe(options.mode));
    }
    if (options.mode === 'forward') {
      const outer = new GradientTape({ persistent: true });
      const results = forwardJacobian(this, outer, target, sourceList, unconnected);
      return restructure(sources, results) as GradientResult<S>;
    }
    const count = target.size;
    const results = this.runBackward({
      sourceList,
      batchRank: 1,
      unconnected,
      makeSeeds: (rows) => {
        const seeds = new Map<number, tf.Tensor>();
        if (target.dtype === 'float32' && this.tracked.has(target.id)) {
          seeds.set(target.id, tf.reshape(identityRows(rows, count), [rows[1] - rows[0], ...target.shape]));
        }
        return seeds;
      },
      count,
      finish: (g, s) => tf.reshape(g, [...target.shape, ...s.shape]),
      zeroShape: (s) => [...target.shape, ...s.shape],
    });
    return restructure(sources, results) as GradientResult<S>;
  }

  /**
   * Per-example Jacobians: for `target` of shape [b, y...] where example i depends only on
   * `source[i]` ([b, x...]), the result has shape [b, y..., x...]. One backward pass per chunk of
   * y's positions covers the whole batch (TensorFlow's batch_jacobian).
   */
  batchJacobian(target: tf.Tensor, source: tf.Tensor, options: JacobianOptions = {}): tf.Tensor | null {
    this.assertUsable('batchJacobian');
    checkBatchJacobianArguments(target, source);
    const unconnected = checkUnconnected('batchJacobian', options.unconnectedGradients);
    const batch = target.shape[0]!;
    const perExample = target.shape.slice(1);
    const count = tf.sizeFromShape(perExample);
    const [result] = this.runBackward({
      sourceList: [source],
      batchRank: 1,
      unconnected,
      makeSeeds: (rows) => {
        const seeds = new Map<number, tf.Tensor>();
        if (target.dtype === 'float32' && this.tracked.has(target.id)) {
          const rowCount = rows[1] - rows[0];
          const oneHot = tf.reshape(identityRows(rows, count), [rowCount, 1, count]);
          seeds.set(
            target.id,
            tf.reshape(tf.broadcastTo(oneHot, [rowCount, batch, count]), [rowCount, ...target.shape]),
          );
        }
        return seeds;
      },
      count,
      finish: (g, s) => {
        // g: [positions, batch, x...] → [batch, positions, x...] → [batch, y..., x...]
        const perm = [1, 0, ...Array.from({ length: s.rank - 1 }, (_, i) => i + 2)];
        return tf.reshape(tf.transpose(g, perm), [batch, ...perExample, ...s.shape.slice(1)]);
      },
      zeroShape: (s) => [batch, ...perExample, ...s.shape.slice(1)],
    });
    return result ?? null;
  }

  /** Releases everything the tape holds; it cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    if (this.recording) this.stopRecordingNow();
    this.release();
    this.watched = new Map();
    this.disposed = true;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * The shared backward machinery (see backward-pass.ts): per source its gradient, zeros or null when
   * unconnected. Releases a non-persistent tape afterwards.
   */
  private runBackward(plan: BackwardPlan): (tf.Tensor | null)[] {
    if (this.recording && !this.persistent) this.stopRecordingNow();
    const firstNewId = this.engine.newTensorId();
    let results: (tf.Tensor | null)[];
    try {
      results = this.engine.tidy(() => backwardPass(this.held.log.entries(), (id) => this.tracked.has(id), plan));
    } finally {
      if (!this.persistent) {
        this.used = true;
        this.release();
      }
    }
    return freshHandles(results, firstNewId);
  }

  // ---- Recorder -------------------------------------------------------------------------------

  /** @internal */
  recordVariableRead(variable: tf.Variable): void {
    if (
      this.watchAccessedVariables &&
      variable.trainable &&
      variable.dtype === 'float32' &&
      !this.tracked.has(variable.id)
    ) {
      this.tracked.add(variable.id);
      this.watched.set(variable.id, variable);
    }
  }

  /** @internal */
  recordOperation(record: tf.OperationRecord): void {
    if (record.output.dtype !== 'float32' || !this.held.log.recordKernel(record, this.tracked)) return;
    this.tracked.addFresh(record.output.id);
  }

  /** @internal */
  recordCustomOperation(record: tf.CustomOperationRecord): void {
    if (!record.inputs.some((t) => this.tracked.has(t.id))) return;
    this.held.log.recordCustom(record);
    this.tracked.addFresh(record.output.id);
  }

  /** Whether the tape still holds recorded ops (for tests and memory checks). */
  get size(): number {
    return this.held.log.size;
  }

  /** Whether the tape is recording now. */
  get isRecording(): boolean {
    return this.recording && this.engine.hasRecorder(this);
  }

  // ---- internals ------------------------------------------------------------------------------

  private startRecording(): void {
    this.recording = true;
    if (!this.onSafetyNet) {
      this.engine.safetyNet.addOwner(this, this.releaseHeld, this.held);
      this.onSafetyNet = true;
    }
    this.engine.addRecorder(this, this.frame);
  }

  private stopRecordingNow(): void {
    this.recording = false;
    this.engine.removeRecorder(this);
  }

  private clear(): void {
    this.release();
    this.watched = new Map();
    this.used = false;
  }

  /**
   * Gives back everything held, and leaves the safety net: a registration lives until the event loop
   * runs, so a synchronous training loop would otherwise keep one per finished tape.
   */
  private release(): void {
    releaseEntries(this.held);
    this.tracked.recycle();
    if (this.onSafetyNet && !this.recording) {
      this.engine.safetyNet.removeOwner(this.held);
      this.onSafetyNet = false;
    }
  }

  private assertUsable(method: string): void {
    this.assertNotDisposed(method);
    if (this.used && !this.persistent) {
      throw new tf.FailedPreconditionError(
        `${method}: a non-persistent GradientTape can only be used to compute one set of gradients (or jacobians); create it with { persistent: true } to call it more than once.`,
        method,
      );
    }
  }

  private assertNotDisposed(method: string): void {
    if (this.disposed) throw new tf.FailedPreconditionError(`${method}: this GradientTape was disposed.`, method);
  }
}

function releaseEntries(held: { log: TapeLog }): void {
  const log = held.log;
  if (log.size === 0) return;
  held.log = new TapeLog(log.engine);
  log.release();
}
