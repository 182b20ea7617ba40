/**
 * @file GradientTape: records the ops that touch watched tensors while `record(fn)` runs, then
 * differentiates a target with respect to sources, as `tf.GradientTape` does in TensorFlow.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { backprop } from './backprop.js';
import { InputLog, TapeEntry } from './tape-entry.js';
import {
  assertTensor,
  checkUnconnected,
  flattenSources,
  identityRows,
  isThenable,
  restructure,
} from './tape-arguments.js';

/** Options of a GradientTape. */
export interface GradientTapeOptions {
  /** Allow several `gradient` calls (then call `dispose` when done); default false. */
  readonly persistent?: boolean;
  /** Watch trainable Variables automatically when an op reads them; default true. */
  readonly watchAccessedVariables?: boolean;
}

/** Options of `gradient`. */
export interface GradientOptions {
  /** Gradients of the target(s) to start from (default ones): TensorFlow's `output_gradients`. */
  readonly outputGradients?: tf.Tensor | readonly tf.Tensor[];
  /** What an unconnected source gets: `'none'` (null, default) or `'zero'` (zeros of its shape). */
  readonly unconnectedGradients?: 'none' | 'zero';
}

/**
 * What `gradient` accepts as sources: one tensor, or arrays and records of tensors nested to any
 * depth (TensorFlow's nested structures).
 */
export type Sources = tf.Tensor | readonly Sources[] | { readonly [key: string]: Sources };

/** `gradient`'s result: the structure of the sources, with a Tensor or null in place of each tensor. */
export type GradientResult<S extends Sources> = S extends tf.Tensor
  ? tf.Tensor | null
  : { -readonly [K in keyof S]: S[K] extends Sources ? GradientResult<S[K]> : never };

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
  private readonly held: { entries: TapeEntry[]; log: InputLog } = { entries: [], log: new InputLog() };
  /** What the safety net runs if the tape is collected while holding something (not the tape's). */
  private readonly releaseHeld: () => void;
  /** Whether the tape is under the safety net: from its first `record` until it holds nothing. */
  private onSafetyNet = false;
  /** Ids of tensors the tape differentiates through: watched ones and outputs of kept ops. */
  private tracked = new Set<number>();
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
    const held = this.held;
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
    const seedsGiven =
      options.outputGradients === undefined
        ? undefined
        : Array.isArray(options.outputGradients)
          ? options.outputGradients
          : [options.outputGradients as tf.Tensor];
    if (seedsGiven !== undefined) {
      if (seedsGiven.length !== targets.length) {
        tf.invalidArgument(
          'gradient',
          'outputGradients',
          `${targets.length} tensor(s), one per target`,
          `${seedsGiven.length}`,
        );
      }
      seedsGiven.forEach((g, i) => {
        assertTensor(g, 'gradient', `outputGradients[${i}]`);
        if (!tf.shapesEqual(g.shape, targets[i]!.shape)) {
          tf.invalidArgument(
            'gradient',
            `outputGradients[${i}]`,
            `shape ${tf.formatShape(targets[i]!.shape)} (the target's)`,
            `shape ${tf.formatShape(g.shape)}`,
          );
        }
      });
    }
    const unconnected = checkUnconnected('gradient', options.unconnectedGradients);
    const results = this.runBackward(sourceList, 0, unconnected, () => {
      const seeds = new Map<number, tf.Tensor>();
      targets.forEach((t, i) => {
        if (t.dtype !== 'float32' || !this.tracked.has(t.id)) return;
        const seed = seedsGiven?.[i] ?? tf.onesLike(t);
        const previous = seeds.get(t.id);
        seeds.set(t.id, previous === undefined ? seed : tf.add(previous, seed));
      });
      return seeds;
    });
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
    const count = target.size;
    const results = this.runBackward(
      sourceList,
      1,
      unconnected,
      (rows) => {
        const seeds = new Map<number, tf.Tensor>();
        if (target.dtype === 'float32' && this.tracked.has(target.id)) {
          seeds.set(target.id, tf.reshape(identityRows(rows, count), [rows[1] - rows[0], ...target.shape]));
        }
        return seeds;
      },
      count,
      (g, s) => tf.reshape(g, [...target.shape, ...s.shape]),
      (s) => [...target.shape, ...s.shape],
    );
    return restructure(sources, results) as GradientResult<S>;
  }

  /**
   * Per-example Jacobians: for `target` of shape [b, y...] where example i depends only on
   * `source[i]` ([b, x...]), the result has shape [b, y..., x...]. One backward pass per chunk of
   * y's positions covers the whole batch (TensorFlow's batch_jacobian).
   */
  batchJacobian(target: tf.Tensor, source: tf.Tensor, options: JacobianOptions = {}): tf.Tensor | null {
    this.assertUsable('batchJacobian');
    assertTensor(target, 'batchJacobian', 'target');
    assertTensor(source, 'batchJacobian', 'source');
    if (target.rank < 2)
      tf.invalidArgument(
        'batchJacobian',
        'target',
        'a tensor of rank at least 2 ([batch, ...])',
        `shape ${tf.formatShape(target.shape)}`,
      );
    if (source.rank < 2)
      tf.invalidArgument(
        'batchJacobian',
        'source',
        'a tensor of rank at least 2 ([batch, ...])',
        `shape ${tf.formatShape(source.shape)}`,
      );
    if (target.shape[0] !== source.shape[0]) {
      tf.invalidArgument(
        'batchJacobian',
        'source',
        `the first dimension of target shape ${tf.formatShape(target.shape)} and source shape ${tf.formatShape(source.shape)} to match`,
        `${target.shape[0]!} vs. ${source.shape[0]!}`,
      );
    }
    const unconnected = checkUnconnected('batchJacobian', options.unconnectedGradients);
    const batch = target.shape[0]!;
    const perExample = target.shape.slice(1);
    const count = tf.sizeFromShape(perExample);
    const [result] = this.runBackward(
      [source],
      1,
      unconnected,
      (rows) => {
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
      (g, s) => {
        // g: [positions, batch, x...] → [batch, positions, x...] → [batch, y..., x...]
        const perm = [1, 0, ...Array.from({ length: s.rank - 1 }, (_, i) => i + 2)];
        return tf.reshape(tf.transpose(g, perm), [batch, ...perExample, ...s.shape.slice(1)]);
      },
      (s) => [batch, ...perExample, ...s.shape.slice(1)],
    );
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
   * The shared backward machinery: runs `makeSeeds` (for each chunk of `count` cotangent rows when
   * batched), backpropagates, and returns per source its gradient (assembled by `finish`), zeros of
   * `zeroShape` or null when unconnected. Releases a non-persistent tape afterwards.
   */
  private runBackward(
    sourceList: readonly tf.Tensor[],
    batchRank: number,
    unconnected: 'none' | 'zero',
    makeSeeds: (rows: readonly [number, number]) => Map<number, tf.Tensor>,
    count = 1,
    finish: (gradient: tf.Tensor, source: tf.Tensor) => tf.Tensor = (g) => g,
    zeroShape: (source: tf.Tensor) => number[] = (s) => s.shape,
  ): (tf.Tensor | null)[] {
    if (this.recording && !this.persistent) this.stopRecordingNow();
    const firstNewId = this.engine.newTensorId();
    let results: (tf.Tensor | null)[];
    try {
      results = this.engine.tidy(() => {
        if (batchRank !== 0 && count === 0) {
          // A zero-size target has a Jacobian with no elements: a zero-size tensor, not a missing one.
          return sourceList.map((s) =>
            s.dtype === 'float32' || unconnected === 'zero' ? tf.zeros(zeroShape(s)) : null,
          );
        }
        const chunk = batchRank === 0 ? 1 : Math.max(1, Math.floor(JACOBIAN_CHUNK_ELEMENTS / Math.max(count, 1)));
        const parts: (tf.Tensor | undefined)[][] = sourceList.map(() => []);
        for (let start = 0; start < Math.max(count, batchRank === 0 ? 1 : 0); start += chunk) {
          const rows = [start, Math.min(count, start + chunk)] as const;
          const seeds = makeSeeds(rows);
          const gradients =
            seeds.size === 0 ? seeds : backprop(this.held.entries, seeds, (id) => this.tracked.has(id), batchRank);
          sourceList.forEach((s, i) => parts[i]!.push(s.dtype === 'float32' ? gradients.get(s.id) : undefined));
        }
        return sourceList.map((s, i) => {
          const pieces = parts[i]!;
          if (pieces.length === 0 || pieces.every((p) => p === undefined)) {
            return unconnected === 'zero' ? tf.zeros(zeroShape(s)) : null;
          }
          if (batchRank === 0) return pieces[0]!;
          const filled = pieces.map(
            (p, k) => p ?? tf.zeros([Math.min(count, (k + 1) * chunk) - k * chunk, ...s.shape]),
          );
          return finish(filled.length === 1 ? filled[0]! : tf.concat(filled, 0), s);
        });
      });
    } finally {
      if (!this.persistent) {
        this.used = true;
        this.release();
      }
    }
    // Hand out distinct, fresh handles: a gradient may be a user's tensor (an output gradient passed
    // through) or the same tensor for two sources.
    const seen = new Set<tf.Tensor>();
    return results.map((g) => {
      if (g === null) return null;
      if (g.id < firstNewId || seen.has(g)) return tf.reshape(g, g.shape);
      seen.add(g);
      return g;
    });
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
    if (record.output.dtype !== 'float32' || !this.touchesTracked(record.inputs)) return;
    this.held.entries.push(new TapeEntry(this.engine, this.held.log, record));
    this.tracked.add(record.output.id);
  }

  /** @internal */
  recordCustomOperation(record: tf.CustomOperationRecord): void {
    if (!record.inputs.some((t) => this.tracked.has(t.id))) return;
    this.held.entries.push(new TapeEntry(this.engine, this.held.log, record));
    this.tracked.add(record.output.id);
  }

  /** Whether the tape still holds recorded ops (for tests and memory checks). */
  get size(): number {
    return this.held.entries.length;
  }

  /** Whether the tape is recording now. */
  get isRecording(): boolean {
    return this.recording && this.engine.hasRecorder(this);
  }

  // ---- internals ------------------------------------------------------------------------------

  private touchesTracked(inputs: tf.OperationRecord['inputs']): boolean {
    const values = inputs as Readonly<Record<string, tf.Tensor | readonly tf.Tensor[]>>;
    const tracked = this.tracked;
    for (const name in values) {
      const value = values[name]!;
      if (value instanceof tf.Tensor) {
        if (tracked.has(value.id)) return true;
      } else {
        for (const t of value) if (tracked.has(t.id)) return true;
      }
    }
    return false;
  }

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
    this.tracked = new Set();
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

function releaseEntries(held: { entries: TapeEntry[]; log: InputLog }): void {
  for (const entry of held.entries) entry.dispose();
  held.entries = [];
  held.log = new InputLog();
}

/** Options of `jacobian` and `batchJacobian`. */
export interface JacobianOptions {
  /** What an unconnected source gets: `'none'` (null, default) or `'zero'`. */
  readonly unconnectedGradients?: 'none' | 'zero';
}

/** Cotangent rows per backward pass, in elements of the seed: bounds a jacobian's peak memory. */
const JACOBIAN_CHUNK_ELEMENTS = 1 << 20;
