/**
 * @file Tensor and Variable: immutable handles on backend buffers with TensorFlow's op methods, and
 * mutable Variables (`assign`, `assignAdd`, `assignSub`). A Variable is a Tensor whose buffer can be
 * replaced; ops read its current value.
 */

import type { DataType, DataTypeMap, TypedArray } from './dtype.js';
import type { Engine, Storage } from './engine.js';
import { getEngine } from './engine.js';
import { FailedPreconditionError, formatShape, invalidArgument } from './errors.js';
import type { DataId } from './kernels.js';
import * as ops from './ops/index.js';
import type { TensorValues } from './ops/creation.js';
import { formatTensor } from './print.js';
import { shapesEqual } from './shape.js';
import { installMathMethods, type TensorMathMethods } from './tensor-math-methods.js';
import { installModelMethods, type TensorModelMethods } from './tensor-model-methods.js';

/** Nested arrays of a tensor's values, as `array()` returns them. */
export type NestedArray<T> = T | NestedArray<T>[];

export type { TensorContainer } from './tensor-container.js';

/** A value an op accepts where a tensor goes: a Tensor or a number (converted to the other operand's dtype). */
export type TensorLike = Tensor | number;

/** Values of dtype `D` as JS scalars. */
export type ScalarOf<D extends DataType> = D extends 'bool' ? boolean : number;

/**
 * The methods of the elementwise math ops (tensor-math-methods.ts) and of issue 12's other ops
 * (tensor-model-methods.ts), merged into the class below.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export interface Tensor<D extends DataType = DataType> extends TensorMathMethods, TensorModelMethods {}

/** An immutable n-dimensional array on a backend. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Tensor<D extends DataType = DataType> {
  /** @internal The engine that owns it. */
  readonly engine: Engine;
  /** Unique id; tapes identify tensors by it. */
  readonly id: number;
  /** Dimensions. */
  readonly shape: number[];
  /** Element type. */
  readonly dtype: D;
  /** Number of elements. */
  readonly size: number;
  /** @internal The buffer it views; replaced on assign (Variables) or when moved between backends. */
  storage: Storage;
  /** @internal */
  isDisposedInternal = false;
  /** @internal Kept past tidy scopes. */
  kept = false;
  /** @internal Its place in the engine's FinalizationRegistry safety net: 0 none, 1 pending, 2 registered. */
  safetyNet = 0;
  /** @internal The number, for a number converted for one op (see Engine.makeTemporary); else null. */
  temporaryValue: number | null = null;

  /** @internal Use the op front-ends (`tf.tensor`, `tf.constant`, ...) to make tensors. */
  constructor(engine: Engine, id: number, shape: number[], dtype: D, storage: Storage) {
    this.engine = engine;
    this.id = id;
    this.shape = shape;
    this.dtype = dtype;
    let size = 1;
    for (let i = 0; i < shape.length; i++) size *= shape[i]!;
    this.size = size;
    this.storage = storage;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The backend buffer (what a kernel sees as `TensorInfo.dataId`). */
  get dataId(): DataId {
    return this.storage.dataId;
  }

  /** Whether `dispose` was called. */
  get isDisposed(): boolean {
    return this.isDisposedInternal;
  }

  private assertReadable(method: string): void {
    if (this.isDisposedInternal) {
      throw new FailedPreconditionError(`${method}: tensor ${this.id} is disposed; its values are gone.`, method);
    }
    if (this.storage.account.removed) {
      throw new FailedPreconditionError(
        `${method}: tensor ${this.id} belongs to the removed backend '${this.storage.backendName}'; its values are gone.`,
        method,
      );
    }
  }

  /** The values, flat, in row-major order. */
  async data(): Promise<DataTypeMap[D]> {
    this.assertReadable('data');
    const { backend, dataId } = this.storage;
    return (await backend.read(dataId)) as DataTypeMap[D];
  }

  /** The values, synchronously; only on backends that read synchronously (e.g. cpu). */
  dataSync(): DataTypeMap[D] {
    this.assertReadable('dataSync');
    const { backend, dataId, backendName } = this.storage;
    if (backend.readSync === undefined) {
      throw new FailedPreconditionError(
        `dataSync: the '${backendName}' backend reads asynchronously; use 'await t.data()' (or 'await t.array()') instead.`,
        'dataSync',
      );
    }
    return backend.readSync(dataId) as DataTypeMap[D];
  }

  /** The values as nested arrays (a number for a scalar). */
  async array(): Promise<NestedArray<ScalarOf<D>>> {
    return toNested(await this.data(), this.shape, this.dtype) as NestedArray<ScalarOf<D>>;
  }

  /** The values as nested arrays, synchronously. */
  arraySync(): NestedArray<ScalarOf<D>> {
    return toNested(this.dataSync(), this.shape, this.dtype) as NestedArray<ScalarOf<D>>;
  }

  /**
   * Shape, dtype and values as NumPy lays them out, e.g.
   * `Tensor(shape=[2], dtype=float32, [-66.16483, -8.044242])`. Needs a synchronous backend; on an
   * asynchronous one use `await tf.format(t)`.
   */
  toString(): string {
    if (this.isDisposedInternal) return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}, <disposed>)`;
    if (this.storage.backend.readSync === undefined) {
      return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}, <values on '${this.storage.backendName}': use await tf.format(t)>)`;
    }
    return formatTensor(this.dataSync(), this.shape, this.dtype);
  }

  /** Writes `toString()` to the console (TensorFlow.js' `t.print()`). */
  print(): void {
    console.log(this.toString());
  }

  /**
   * What Node's `console.log(t)` and `util.inspect(t)` show: the same text as `toString()`, not the
   * engine's fields. Keyed by the registered symbol Node looks up, so no `node:util` import is needed
   * (tensor-core also runs in browsers, where the method is simply never called).
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Releases the handle; the buffer goes when no other handle views it. Safe to call twice. */
  dispose(): void {
    this.engine.disposeTensor(this);
  }

  /** `using t = tf.tensor(...)` disposes at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- op methods (each is the tf.op of the same name with this tensor first) -----------------
  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  pow(exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  }
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  softplus(): Tensor {
    return ops.softplus(this);
  }
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  matmul(b: Tensor, options: ops.MatMulOptions = {}): Tensor {
    return ops.matmul(this, b, options);
  }
  reduceSum(axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceSum(this, axis, keepDims);
  }
  reduceMean(axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceMean(this, axis, keepDims);
  }
  reduceMax(axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceMax(this, axis, keepDims);
  }
  reduceMin(axis?: number | number[], keepDims = false): Tensor {
    return ops.reduceMin(this, axis, keepDims);
  }
  argMax(axis = 0): Tensor {
    return ops.argMax(this, axis);
  }
  argMin(axis = 0): Tensor {
    return ops.argMin(this, axis);
  }
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  expandDims(axis = 0): Tensor {
    return ops.expandDims(this, axis);
  }
  squeeze(axis?: number | number[]): Tensor {
    return ops.squeeze(this, axis);
  }
  slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor {
    return ops.slice(this, begin, size);
  }
  gather(indices: Tensor | ops.IndexValues, axis = 0, options: ops.GatherOptions = {}): Tensor {
    return ops.gather(this, indices, axis, options);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  cast<T extends DataType>(dtype: T): Tensor<T> {
    return ops.cast(this, dtype);
  }
  equal(b: TensorLike): Tensor<'bool'> {
    return ops.equal(this, b);
  }
  notEqual(b: TensorLike): Tensor<'bool'> {
    return ops.notEqual(this, b);
  }
  greater(b: TensorLike): Tensor<'bool'> {
    return ops.greater(this, b);
  }
  greaterEqual(b: TensorLike): Tensor<'bool'> {
    return ops.greaterEqual(this, b);
  }
  less(b: TensorLike): Tensor<'bool'> {
    return ops.less(this, b);
  }
  lessEqual(b: TensorLike): Tensor<'bool'> {
    return ops.lessEqual(this, b);
  }
  clipByValue(clipValueMin: number, clipValueMax: number): Tensor {
    return ops.clipByValue(this, clipValueMin, clipValueMax);
  }
  oneHot(depth: number, options: ops.OneHotOptions = {}): Tensor {
    return ops.oneHot(this, depth, options);
  }
}

/** Options of a Variable. */
export interface VariableOptions {
  /** Whether tapes watch it automatically and optimizers update it; default true. */
  readonly trainable?: boolean;
  /** A name for messages and `watchedVariables()`; default `Variable:N`. */
  readonly name?: string;
  /** Cast the initial value to this dtype. */
  readonly dtype?: DataType;
}

/** A mutable tensor: the state a model trains. Its shape and dtype are fixed at creation. */
export class Variable<D extends DataType = DataType> extends Tensor<D> {
  /** Whether tapes watch it automatically and optimizers update it. */
  trainable: boolean;
  /** Its name. */
  readonly name: string;

  /**
   * A Variable holding `initial` (a Tensor, whose buffer it shares, or anything `tf.constant` takes).
   * @example const w = new tf.Variable(tf.zeros([4, 2]), { name: 'w' });
   */
  constructor(initial: Tensor | TensorValues, options: VariableOptions = {}) {
    const engine = getEngine();
    const value = ops.variableInitialValue(initial, options);
    value.storage.refCount++;
    super(engine, engine.newTensorId(), value.shape.slice(), value.dtype as D, value.storage);
    if (value !== initial) value.dispose();
    this.trainable = options.trainable ?? true;
    this.name = options.name ?? engine.newVariableName();
    engine.registerVariable(this);
  }

  /** Replaces the value; `value` must have the same shape and dtype (the Variable is unchanged otherwise). */
  assign(value: TensorLike): this {
    this.checkAssignable('assign');
    const engine = this.engine;
    const tensor = ops.convertToTensor(value, 'assign', 'value', this.dtype);
    if (!shapesEqual(tensor.shape, this.shape)) {
      if (tensor !== value) tensor.dispose();
      invalidArgument(
        'assign',
        'value',
        `shape ${formatShape(this.shape)} (the shape of Variable '${this.name}')`,
        `shape ${formatShape(tensor.shape)}`,
      );
    }
    if (tensor.dtype !== this.dtype) {
      invalidArgument(
        'assign',
        'value',
        `dtype ${this.dtype} (the dtype of Variable '${this.name}')`,
        `dtype ${tensor.dtype}`,
      );
    }
    if (tensor.isDisposedInternal) {
      throw new FailedPreconditionError(`assign: argument 'value' is a disposed tensor (id ${tensor.id}).`, 'assign');
    }
    engine.assignVariable(this, tensor);
    if (tensor !== value) tensor.dispose();
    return this;
  }

  /** Adds `value` to the Variable in place (`v.assign(v + value)`), unrecorded by tapes. */
  assignAdd(value: TensorLike): this {
    return this.assignComputed('assignAdd', value, ops.add);
  }

  /** Subtracts `value` from the Variable in place (`v.assign(v - value)`), unrecorded by tapes. */
  assignSub(value: TensorLike): this {
    return this.assignComputed('assignSub', value, ops.sub);
  }

  private assignComputed(op: string, value: TensorLike, combine: (a: Tensor, b: TensorLike) => Tensor): this {
    this.checkAssignable(op);
    const engine = this.engine;
    engine.withoutRecording(() =>
      engine.tidy(() => {
        const result = combine(this, value);
        if (!shapesEqual(result.shape, this.shape)) {
          invalidArgument(
            op,
            'value',
            `a value that broadcasts to shape ${formatShape(this.shape)}`,
            `a value giving shape ${formatShape(result.shape)}`,
          );
        }
        engine.assignVariable(this, result);
      }),
    );
    return this;
  }

  private checkAssignable(op: string): void {
    if (this.isDisposedInternal) {
      throw new FailedPreconditionError(`${op}: Variable '${this.name}' is disposed.`, op);
    }
  }

  override toString(): string {
    if (this.isDisposedInternal || this.storage.backend.readSync === undefined) {
      return super.toString().replace(/^Tensor\(/, `Variable(name=${this.name}, `);
    }
    return formatTensor(this.dataSync(), this.shape, this.dtype, 'Variable', `name=${this.name}, `);
  }
}

function toNested(values: TypedArray, shape: readonly number[], dtype: DataType): unknown {
  const read = (i: number): number | boolean => (dtype === 'bool' ? values[i] !== 0 : values[i]!);
  if (shape.length === 0) return read(0);
  const build = (dim: number, offset: number, stride: number): unknown[] => {
    const size = shape[dim]!;
    const inner = stride / Math.max(size, 1);
    const out = new Array<unknown>(size);
    for (let i = 0; i < size; i++) {
      out[i] = dim === shape.length - 1 ? read(offset + i) : build(dim + 1, offset + i * inner, inner);
    }
    return out;
  };
  let total = 1;
  for (const d of shape) total *= d;
  return build(0, 0, total);
}

// The elementwise math methods (sin ... logicalXor) live in tensor-math-methods.ts, installed once here,
// after the class exists.
installMathMethods(Tensor);
installModelMethods(Tensor);
