/**
 * @file The reference oracle: every case of `__fixtures__/oracle.json` (values and vector-Jacobian
 * products computed by PyTorch autograd in float64, see `__fixtures__/generate_oracle.py` for what each
 * field holds) rebuilt with Tapeflow ops, differentiated by GradientTape with the stored upstream
 * gradients, and compared within float32 tolerance. Second-order cases nest two tapes. Each case also
 * checks that no tensor outlives it. Generated from the gradient table: one test per op with a rule,
 * asserting that some oracle case differentiates through it.
 */
import './test-setup.js';
import { readFileSync } from 'node:fs';
import * as tf from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { opsDifferentiated, uncovered } from './__fixtures__/listing-tape.js';
import { GRADIENTS } from './gradients/index.js';
import { GradientTape } from './index.js';

// ---- the fixture's format ------------------------------------------------------------------------

interface Encoded {
  readonly shape: number[];
  readonly values: number[] | boolean[];
}

interface OracleInput extends Encoded {
  readonly name: string;
  readonly dtype: 'float32' | 'int32' | 'bool';
}

/** Attributes in Tapeflow's names; which ones a case has depends on its `expr`. */
interface Attributes {
  readonly axis?: number | number[] | null;
  readonly keepDims?: boolean;
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  readonly perm?: number[] | null;
  readonly shape?: number[];
  readonly begin?: number[];
  readonly size?: number[];
  readonly indices?: number[];
  readonly indicesShape?: number[];
  readonly tensors?: string[];
  readonly exponent?: number;
  readonly clipValueMin?: number;
  readonly clipValueMax?: number;
  readonly labels?: number[];
  readonly depth?: number;
  readonly segmentIds?: number[];
  readonly numSegments?: number;
  // Reductions, scans and linear algebra (issue 12)
  readonly exclusive?: boolean;
  readonly reverse?: boolean;
  readonly k?: number;
  readonly axes?: number | [number[], number[]];
  /** A norm order: a number, a name, or 'Infinity' / '-Infinity' (JSON has no infinities). */
  readonly ord?: number | string;
  readonly equation?: string;
  // Pooling and tf.nn (group w-poolnn).
  readonly ksize?: number[];
  readonly strides?: number[];
  readonly varianceEpsilon?: number;
  // Shape ops of issue 12
  readonly index?: number;
  readonly sizes?: number | number[];
  readonly multiples?: number[];
  readonly paddings?: [number, number][];
  readonly constantValue?: number;
  readonly mode?: 'reflect' | 'symmetric';
  readonly batchDims?: number;
  readonly end?: number[];
  readonly beginMask?: number;
  readonly endMask?: number;
  readonly shrinkAxisMask?: number;
  readonly approximate?: boolean;
  readonly dilations?: [number, number];
  readonly padding?: 'SAME' | 'VALID';
  readonly stride?: number;
  readonly dilation?: number;
  readonly outputShape?: number[];
  readonly filterShape?: number[];
  readonly inputShape?: number[];
}

interface OracleCase {
  readonly name: string;
  readonly expr: string;
  readonly order: 1 | 2;
  readonly attrs: Attributes;
  readonly inputs: OracleInput[];
  readonly value: Encoded;
  readonly outputGradients: Encoded;
  /** d/dx sum(outputGradients * f(inputs)) for every float input, by name. */
  readonly gradients: Record<string, Encoded>;
  /** Second-order cases: one upstream per float input, for the first gradients. */
  readonly secondOutputGradients?: Record<string, Encoded>;
  /** d/dx_j sum_i sum(secondOutputGradients_i * gradients_i(inputs)), by name. */
  readonly secondGradients?: Record<string, Encoded>;
}

interface Oracle {
  readonly generator: string;
  readonly torchVersion: string;
  readonly cases: OracleCase[];
}

// tsconfig.base.json has no `resolveJsonModule`, so the fixture is read rather than imported.
const oracle = JSON.parse(readFileSync(new URL('./__fixtures__/oracle.json', import.meta.url), 'utf8')) as Oracle;

// ---- Tapeflow's twin of each expression id (the torch side is EXPRESSIONS in the generator) -------

type Inputs = Readonly<Record<string, tf.Tensor>>;
type Build = (t: Inputs, a: Attributes) => tf.Tensor;

function attr<K extends keyof Attributes>(a: Attributes, key: K): NonNullable<Attributes[K]> {
  const v = a[key];
  if (v === undefined || v === null) throw new Error(`oracle case lacks attribute '${key}'`);
  return v;
}

function input(t: Inputs, name: string): tf.Tensor {
  const v = t[name];
  if (v === undefined) throw new Error(`oracle case lacks input '${name}'`);
  return v;
}

/** TensorFlow's SAME / VALID windows of an NHWC input for an HW.. filter: the convolution kernels' attributes. */
function windows(a: Attributes, inputShape: readonly number[], filterShape: readonly number[]): tf.ConvolutionAttrs {
  const strides = attr(a, 'strides');
  const dilations = attr(a, 'dilations');
  const pads = [0, 1].map((axis) => {
    if (attr(a, 'padding') === 'VALID') return 0;
    const size = inputShape[axis + 1]!;
    const effective = (filterShape[axis]! - 1) * dilations[axis]! + 1;
    const out = Math.ceil(size / strides[axis]!);
    return Math.floor(Math.max((out - 1) * strides[axis]! + effective - size, 0) / 2);
  });
  return { strides, dilations, pads };
}

/** An `axis` attribute, where null (the JSON for Python's None) means all axes. */
const axisOf = (a: Attributes): number | number[] | undefined => a.axis ?? undefined;

/** -mean over the batch of sum(oneHot(labels) * logSoftmax(logits)). */
function softmaxCrossEntropy(logits: tf.Tensor, a: Attributes): tf.Tensor {
  const labels = attr(a, 'labels');
  const oneHot = tf.oneHot(tf.tensor(labels, [labels.length], 'int32'), attr(a, 'depth'));
  return tf.neg(tf.reduceMean(tf.reduceSum(tf.mul(oneHot, tf.logSoftmax(logits)), -1)));
}

/** The kernels' windows of a pooling case, resolved as tensor-core resolves maxPool2d's arguments. */
function poolWindows(x: tf.Tensor, a: Attributes): tf.PoolGeometry {
  return tf.poolGeometry('oracle', x.shape, attr(a, 'ksize'), attr(a, 'strides'), attr(a, 'padding'));
}

const EXPRESSIONS: Readonly<Record<string, Build>> = {
  add: (t) => tf.add(input(t, 'a'), input(t, 'b')),
  sub: (t) => tf.sub(input(t, 'a'), input(t, 'b')),
  mul: (t) => tf.mul(input(t, 'a'), input(t, 'b')),
  div: (t) => tf.div(input(t, 'a'), input(t, 'b')),
  pow: (t) => tf.pow(input(t, 'a'), input(t, 'b')),
  powScalar: (t, a) => tf.pow(input(t, 'x'), attr(a, 'exponent')),
  maximum: (t) => tf.maximum(input(t, 'a'), input(t, 'b')),
  minimum: (t) => tf.minimum(input(t, 'a'), input(t, 'b')),
  neg: (t) => tf.neg(input(t, 'x')),
  square: (t) => tf.square(input(t, 'x')),
  sqrt: (t) => tf.sqrt(input(t, 'x')),
  exp: (t) => tf.exp(input(t, 'x')),
  log: (t) => tf.log(input(t, 'x')),
  abs: (t) => tf.abs(input(t, 'x')),
  sign: (t) => tf.sign(input(t, 'x')),
  signTimesX: (t) => tf.mul(tf.sign(input(t, 'x')), input(t, 'x')),
  relu: (t) => tf.relu(input(t, 'x')),
  sigmoid: (t) => tf.sigmoid(input(t, 'x')),
  tanh: (t) => tf.tanh(input(t, 'x')),
  softplus: (t) => tf.softplus(input(t, 'x')),
  softmax: (t, a) => tf.softmax(input(t, 'x'), attr(a, 'axis') as number),
  logSoftmax: (t, a) => tf.logSoftmax(input(t, 'x'), attr(a, 'axis') as number),
  matmul: (t, a) =>
    tf.matmul(input(t, 'a'), input(t, 'b'), { transposeA: attr(a, 'transposeA'), transposeB: attr(a, 'transposeB') }),
  reduceSum: (t, a) => tf.reduceSum(input(t, 'x'), axisOf(a), attr(a, 'keepDims')),
  reduceMean: (t, a) => tf.reduceMean(input(t, 'x'), axisOf(a), attr(a, 'keepDims')),
  reduceMax: (t, a) => tf.reduceMax(input(t, 'x'), axisOf(a), attr(a, 'keepDims')),
  reduceMin: (t, a) => tf.reduceMin(input(t, 'x'), axisOf(a), attr(a, 'keepDims')),
  reshape: (t, a) => tf.reshape(input(t, 'x'), attr(a, 'shape')),
  transpose: (t, a) => tf.transpose(input(t, 'x'), a.perm ?? undefined),
  expandDims: (t, a) => tf.expandDims(input(t, 'x'), attr(a, 'axis') as number),
  squeeze: (t, a) => tf.squeeze(input(t, 'x'), axisOf(a)),
  concat: (t, a) =>
    tf.concat(
      attr(a, 'tensors').map((name) => input(t, name)),
      attr(a, 'axis') as number,
    ),
  slice: (t, a) => tf.slice(input(t, 'x'), attr(a, 'begin'), attr(a, 'size')),
  gather: (t, a) =>
    tf.gather(
      input(t, 'x'),
      tf.tensor(attr(a, 'indices'), attr(a, 'indicesShape'), 'int32'),
      attr(a, 'axis') as number,
    ),
  unsortedSegmentSum: (t, a) => {
    const ids = attr(a, 'segmentIds');
    return tf.unsortedSegmentSum(input(t, 'data'), tf.tensor(ids, [ids.length], 'int32'), attr(a, 'numSegments'));
  },
  castSameDtypeTimesX: (t) => tf.mul(tf.cast(input(t, 'x'), 'float32'), input(t, 'x')),
  broadcastTo: (t, a) => tf.broadcastTo(input(t, 'x'), attr(a, 'shape')),
  where: (t) => tf.where(input(t, 'condition'), input(t, 'a'), input(t, 'b')),
  clipByValue: (t, a) => tf.clipByValue(input(t, 'x'), attr(a, 'clipValueMin'), attr(a, 'clipValueMax')),
  softmaxCrossEntropy: (t, a) => softmaxCrossEntropy(input(t, 'logits'), a),
  mlp: (t, a) => {
    const hidden = tf.relu(tf.add(tf.matmul(input(t, 'x'), input(t, 'w1')), input(t, 'b1')));
    return softmaxCrossEntropy(tf.add(tf.matmul(hidden, input(t, 'w2')), input(t, 'b2')), a);
  },
  matmulChain: (t) => tf.matmul(tf.tanh(tf.matmul(input(t, 'x'), input(t, 'w1'))), input(t, 'w2')),
  matmulSquare: (t) => tf.matmul(input(t, 'x'), input(t, 'x')),
  // Reductions, scans and linear algebra (issue 12)
  reduceProd: (t, a) => tf.reduceProd(input(t, 'x'), axisOf(a), attr(a, 'keepDims')),
  reduceLogSumExp: (t, a) => tf.reduceLogSumExp(input(t, 'x'), axisOf(a), attr(a, 'keepDims')),
  cumsum: (t, a) =>
    tf.cumsum(input(t, 'x'), attr(a, 'axis') as number, {
      exclusive: attr(a, 'exclusive'),
      reverse: attr(a, 'reverse'),
    }),
  cumprod: (t, a) =>
    tf.cumprod(input(t, 'x'), attr(a, 'axis') as number, {
      exclusive: attr(a, 'exclusive'),
      reverse: attr(a, 'reverse'),
    }),
  topKValues: (t, a) => tf.topK(input(t, 'x'), attr(a, 'k')).values,
  tensordot: (t, a) => tf.tensordot(input(t, 'a'), input(t, 'b'), attr(a, 'axes')),
  dot: (t) => tf.dot(input(t, 'a'), input(t, 'b')),
  outerProduct: (t) => tf.outerProduct(input(t, 'a'), input(t, 'b')),
  norm: (t, a) => {
    const ord = attr(a, 'ord');
    const axis = a.axis ?? undefined;
    return tf.norm(input(t, 'x'), {
      ord: ord === 'Infinity' ? Infinity : ord === '-Infinity' ? -Infinity : (ord as tf.NormOrder),
      ...(axis === undefined ? {} : { axis: axis as number | [number, number] }),
      keepDims: attr(a, 'keepDims'),
    });
  },
  einsum: (t, a) => tf.einsum(attr(a, 'equation'), ...attr(a, 'tensors').map((name) => input(t, name))),
  // Pooling and tf.nn (group w-poolnn). The pooling gradients' kernels are called as the rules call them.
  maxPool2d: (t, a) => tf.maxPool2d(input(t, 'x'), attr(a, 'ksize'), attr(a, 'strides'), attr(a, 'padding')),
  avgPool2d: (t, a) => tf.avgPool2d(input(t, 'x'), attr(a, 'ksize'), attr(a, 'strides'), attr(a, 'padding')),
  maxPoolGradTimesX: (t, a) =>
    tf.mul(tf.maxPoolGrad(input(t, 'x'), input(t, 'w'), poolWindows(input(t, 'x'), a)), input(t, 'x')),
  avgPoolGradTimesX: (t, a) =>
    tf.mul(tf.avgPoolGrad(input(t, 'x').shape, input(t, 'w'), poolWindows(input(t, 'x'), a)), input(t, 'x')),
  maxPoolGradGradPlusPool: (t, a) => {
    const windows = poolWindows(input(t, 'x'), a);
    return tf.add(
      tf.maxPoolGradGrad(input(t, 'x'), input(t, 'v'), windows.outputShape, windows),
      tf.maxPool2d(input(t, 'x'), attr(a, 'ksize'), attr(a, 'strides'), attr(a, 'padding')),
    );
  },
  batchNormalization: (t, a) =>
    tf.nn.batchNormalization(
      input(t, 'x'),
      input(t, 'mean'),
      input(t, 'variance'),
      input(t, 'offset'),
      input(t, 'scale'),
      attr(a, 'varianceEpsilon'),
    ),
  momentsMean: (t, a) => tf.nn.moments(input(t, 'x'), attr(a, 'axis'), { keepDims: attr(a, 'keepDims') }).mean,
  momentsVariance: (t, a) => tf.nn.moments(input(t, 'x'), attr(a, 'axis'), { keepDims: attr(a, 'keepDims') }).variance,
  l2Normalize: (t, a) => tf.nn.l2Normalize(input(t, 'x'), axisOf(a)),
  softmaxCrossEntropyWithLogits: (t, a) =>
    tf.nn.softmaxCrossEntropyWithLogits(input(t, 'labels'), input(t, 'logits'), attr(a, 'axis') as number),
  sparseSoftmaxCrossEntropyWithLogits: (t) =>
    tf.nn.sparseSoftmaxCrossEntropyWithLogits(input(t, 'labels'), input(t, 'logits')),
  sigmoidCrossEntropyWithLogits: (t) => tf.nn.sigmoidCrossEntropyWithLogits(input(t, 'labels'), input(t, 'logits')),
  // Shape ops of issue 12
  stack: (t, a) =>
    tf.stack(
      attr(a, 'tensors').map((n) => input(t, n)),
      attr(a, 'axis') as number,
    ),
  unstack: (t, a) => tf.unstack(input(t, 'x'), attr(a, 'axis') as number)[attr(a, 'index')]!,
  split: (t, a) => tf.split(input(t, 'x'), attr(a, 'sizes'), attr(a, 'axis') as number)[attr(a, 'index')]!,
  tile: (t, a) => tf.tile(input(t, 'x'), attr(a, 'multiples')),
  padConstant: (t, a) => tf.pad(input(t, 'x'), attr(a, 'paddings'), attr(a, 'constantValue')),
  padMirror: (t, a) => tf.pad(input(t, 'x'), attr(a, 'paddings'), { mode: attr(a, 'mode') }),
  reverse: (t, a) => tf.reverse(input(t, 'x'), attr(a, 'axis')),
  gatherNd: (t, a) => tf.gatherNd(input(t, 'x'), tf.tensor(attr(a, 'indices'), attr(a, 'indicesShape'), 'int32')),
  scatterNd: (t, a) =>
    tf.scatterNd(
      tf.tensor(attr(a, 'indices'), attr(a, 'indicesShape'), 'int32'),
      input(t, 'updates'),
      attr(a, 'shape'),
    ),
  gatherBatched: (t, a) =>
    tf.gather(
      input(t, 'x'),
      tf.tensor(attr(a, 'indices'), attr(a, 'indicesShape'), 'int32'),
      attr(a, 'axis') as number,
      { batchDims: attr(a, 'batchDims') },
    ),
  stridedSlice: (t, a) =>
    tf.stridedSlice(input(t, 'x'), attr(a, 'begin'), attr(a, 'end'), attr(a, 'strides'), {
      beginMask: attr(a, 'beginMask'),
      endMask: attr(a, 'endMask'),
      shrinkAxisMask: attr(a, 'shrinkAxisMask'),
    }),
  identityTimesClone: (t) => tf.mul(tf.identity(input(t, 'x')), tf.clone(input(t, 'x'))),
  // ---- elementwise math and activations (issue 12) ----
  sin: (t) => tf.sin(input(t, 'x')),
  cos: (t) => tf.cos(input(t, 'x')),
  tan: (t) => tf.tan(input(t, 'x')),
  asin: (t) => tf.asin(input(t, 'x')),
  acos: (t) => tf.acos(input(t, 'x')),
  atan: (t) => tf.atan(input(t, 'x')),
  sinh: (t) => tf.sinh(input(t, 'x')),
  cosh: (t) => tf.cosh(input(t, 'x')),
  asinh: (t) => tf.asinh(input(t, 'x')),
  acosh: (t) => tf.acosh(input(t, 'x')),
  atanh: (t) => tf.atanh(input(t, 'x')),
  reciprocal: (t) => tf.reciprocal(input(t, 'x')),
  rsqrt: (t) => tf.rsqrt(input(t, 'x')),
  log1p: (t) => tf.log1p(input(t, 'x')),
  expm1: (t) => tf.expm1(input(t, 'x')),
  erf: (t) => tf.erf(input(t, 'x')),
  softsign: (t) => tf.softsign(input(t, 'x')),
  elu: (t) => tf.elu(input(t, 'x')),
  selu: (t) => tf.selu(input(t, 'x')),
  relu6: (t) => tf.relu6(input(t, 'x')),
  silu: (t) => tf.silu(input(t, 'x')),
  gelu: (t, a) => tf.gelu(input(t, 'x'), { approximate: attr(a, 'approximate') }),
  leakyRelu: (t) => tf.leakyRelu(input(t, 'x')),
  prelu: (t) => tf.prelu(input(t, 'x'), input(t, 'alpha')),
  atan2: (t) => tf.atan2(input(t, 'a'), input(t, 'b')),
  floorMod: (t) => tf.floorMod(input(t, 'a'), input(t, 'b')),
  squaredDifference: (t) => tf.squaredDifference(input(t, 'a'), input(t, 'b')),
  divNoNan: (t) => tf.divNoNan(input(t, 'a'), input(t, 'b')),
  // Convolutions (issue 12)
  conv2d: (t, a) =>
    tf.conv2d(input(t, 'x'), input(t, 'filter'), attr(a, 'strides'), attr(a, 'padding'), {
      dilations: attr(a, 'dilations'),
    }),
  conv1d: (t, a) =>
    tf.conv1d(input(t, 'x'), input(t, 'filter'), attr(a, 'stride'), attr(a, 'padding'), {
      dilations: attr(a, 'dilation'),
    }),
  depthwiseConv2d: (t, a) =>
    tf.depthwiseConv2d(input(t, 'x'), input(t, 'filter'), attr(a, 'strides'), attr(a, 'padding'), {
      dilations: attr(a, 'dilations'),
    }),
  conv2dTranspose: (t, a) =>
    tf.conv2dTranspose(
      input(t, 'x'),
      input(t, 'filter'),
      attr(a, 'outputShape'),
      attr(a, 'strides'),
      attr(a, 'padding'),
    ),
  conv2dBackpropFilter: (t, a) =>
    tf.convolutionKernel(
      'Conv2DBackpropFilter',
      input(t, 'x'),
      input(t, 'dy'),
      windows(a, input(t, 'x').shape, attr(a, 'filterShape')),
      attr(a, 'filterShape'),
    ),
  depthwiseBackpropInput: (t, a) =>
    tf.convolutionKernel(
      'DepthwiseConv2dNativeBackpropInput',
      input(t, 'dy'),
      input(t, 'filter'),
      windows(a, attr(a, 'inputShape'), input(t, 'filter').shape),
      attr(a, 'inputShape'),
    ),
  depthwiseBackpropFilter: (t, a) =>
    tf.convolutionKernel(
      'DepthwiseConv2dNativeBackpropFilter',
      input(t, 'x'),
      input(t, 'dy'),
      windows(a, input(t, 'x').shape, attr(a, 'filterShape')),
      attr(a, 'filterShape'),
    ),
};

// ---- comparing ------------------------------------------------------------------------------------

// float32 arithmetic against float64 references: a relative term for large values and an absolute
// one for values that cancel to near zero (softmax gradients, sums of mixed signs).
const ABSOLUTE = 1e-4;
const RELATIVE = 1e-3;

/** A description of the worst mismatch between `got` and `expected`, or null when they agree. */
function mismatch(what: string, got: tf.Tensor | null | undefined, expected: Encoded | undefined): string | null {
  if (expected === undefined) return `${what}: no reference value in the oracle`;
  if (got === null || got === undefined)
    return `${what}: expected a tensor of shape [${expected.shape.join(',')}], got ${String(got)}`;
  if (!tf.shapesEqual(got.shape, expected.shape))
    return `${what}: expected shape [${expected.shape.join(',')}], got [${got.shape.join(',')}]`;
  const values = got.dataSync();
  let worst = -1;
  let worstExcess = 0;
  for (let index = 0; index < expected.values.length; index++) {
    const want = Number(expected.values[index]);
    const difference = Math.abs(values[index]! - want) - (ABSOLUTE + RELATIVE * Math.abs(want));
    const excess = Number.isNaN(difference) ? Infinity : difference;
    if (excess > worstExcess) {
      worst = index;
      worstExcess = excess;
    }
  }
  if (worst === -1) return null;
  return (
    `${what}: element ${worst} (flat) expected ${Number(expected.values[worst])}, got ${values[worst]!}` +
    ` (expected [${expected.values.map(Number).join(', ')}], got [${Array.from(values).join(', ')}])`
  );
}

function fromEncoded(e: Encoded, dtype: tf.DataType = 'float32'): tf.Tensor {
  return tf.tensor(e.values, e.shape, dtype);
}

// ---- running a case ---------------------------------------------------------------------------------

/** Runs one case, disposing everything it made; returns the mismatches (empty when all agree). */
function runCase(c: OracleCase): string[] {
  const build = EXPRESSIONS[c.expr];
  if (build === undefined) return [`no Tapeflow expression for id '${c.expr}'`];
  const made: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor | null>(t: T): T => {
    if (t !== null) made.push(t);
    return t;
  };
  const problems: string[] = [];
  const check = (what: string, got: tf.Tensor | null | undefined, expected: Encoded | undefined): void => {
    const problem = mismatch(what, got, expected);
    if (problem !== null) problems.push(problem);
  };
  try {
    const inputs: Record<string, tf.Tensor> = {};
    for (const i of c.inputs) inputs[i.name] = keep(fromEncoded(i, i.dtype));
    const floatNames = c.inputs.filter((i) => i.dtype === 'float32').map((i) => i.name);
    const sources = floatNames.map((name) => input(inputs, name));
    const upstream = keep(fromEncoded(c.outputGradients));
    const forward = (): tf.Tensor => tf.tidy(() => build(inputs, c.attrs));

    if (c.order === 1) {
      const tape = new GradientTape();
      tape.watch(sources);
      const y = keep(tape.record(forward));
      const gradients = tape.gradient(y, sources, { outputGradients: upstream }).map(keep);
      check('value', y, c.value);
      floatNames.forEach((name, i) => check(`gradient of ${name}`, gradients[i], c.gradients[name]));
    } else {
      const upstream2 = floatNames.map((name) => {
        const e = c.secondOutputGradients?.[name];
        if (e === undefined) throw new Error(`second-order case lacks secondOutputGradients.${name}`);
        return keep(fromEncoded(e));
      });
      const outer = new GradientTape();
      const inner = new GradientTape();
      outer.watch(sources);
      const [y, first] = outer.record(() => {
        inner.watch(sources);
        const value = keep(inner.record(forward));
        return [value, inner.gradient(value, sources, { outputGradients: upstream }).map(keep)] as const;
      });
      check('value', y, c.value);
      floatNames.forEach((name, i) => check(`gradient of ${name}`, first[i], c.gradients[name]));
      const connected = first.filter((g): g is tf.Tensor => g !== null);
      if (connected.length !== first.length) {
        outer.dispose();
        problems.push('a first gradient is null, so no second gradient can be taken');
      } else {
        const second = outer.gradient(connected, sources, { outputGradients: upstream2 }).map(keep);
        floatNames.forEach((name, i) => check(`second gradient of ${name}`, second[i], c.secondGradients?.[name]));
      }
    }
  } finally {
    tf.dispose(made);
  }
  return problems;
}

describe('GradientTape against the PyTorch oracle', () => {
  it(`holds at least 60 cases, generated by ${oracle.generator} (torch ${oracle.torchVersion})`, () => {
    expect(oracle.cases.length).toBeGreaterThanOrEqual(60);
    expect(oracle.cases.some((c) => c.order === 2)).toBe(true);
    const unknown = oracle.cases.filter((c) => EXPRESSIONS[c.expr] === undefined).map((c) => c.expr);
    expect(unknown).toEqual([]);
  });

  for (const c of oracle.cases) {
    it(c.name, () => {
      const before = tf.memory().numTensors;
      const problems = runCase(c);
      // Joined into one string so a failure prints every mismatch in full.
      expect(problems.join('\n')).toBe('');
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

// Generated from the table: a new op with a rule and no oracle case fails here, by name.
describe('every gradient rule has a PyTorch oracle case', () => {
  let covered: Set<string>[] | null = null;
  const collect = (): Set<string>[] =>
    (covered ??= oracle.cases.map((c) => {
      const build = EXPRESSIONS[c.expr];
      if (build === undefined) return new Set<string>();
      const inputs: Record<string, tf.Tensor> = {};
      for (const i of c.inputs) inputs[i.name] = fromEncoded(i, i.dtype);
      const sources = c.inputs.filter((i) => i.dtype === 'float32').map((i) => input(inputs, i.name));
      try {
        return opsDifferentiated(() => tf.tidy(() => build(inputs, c.attrs)), sources);
      } finally {
        tf.dispose(Object.values(inputs));
      }
    }));
  for (const [op, definition] of Object.entries(GRADIENTS)) {
    if (definition === null) continue;
    it(op, () => {
      const missing = uncovered(GRADIENTS, collect());
      expect(missing.includes(op), `no case in __fixtures__/oracle.json differentiates through ${op}`).toBe(false);
    });
  }
});
