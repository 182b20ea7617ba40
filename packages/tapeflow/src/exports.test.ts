/**
 * @file The umbrella's public surface is chosen, not accumulated: its runtime export list is locked
 * here (a new export is a deliberate diff of this file), backend and library helpers stay in the
 * `@tapeflow/tensor-core/backend` and `/internal` subpaths, and every type a public signature uses
 * can be named by users (scripts/public-types.mjs).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as backend from '@tapeflow/tensor-core/backend';
import * as internal from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import * as tf from './index.js';

/** Every runtime name `import * as tf from 'tapeflow'` gives (compared sorted). Change it on purpose only. */
const UMBRELLA_EXPORTS = [
  'CpuBackend',
  'DEFAULT_ALLOCATION_LIMIT',
  'Dense',
  'Engine',
  'FailedPreconditionError',
  'GradientTape',
  'InternalError',
  'InvalidArgumentError',
  'Layer',
  'Model',
  'NotFoundError',
  'ResourceExhaustedError',
  'Sequential',
  'SymbolicTensor',
  'TapeflowError',
  'Tensor',
  'UnimplementedError',
  'Variable',
  'abs',
  'activations',
  'add',
  'argMax',
  'argMin',
  'broadcastTo',
  'callbacks',
  'cast',
  'checkGradients',
  'clipByValue',
  'concat',
  'constant',
  'conv1d',
  'conv2d',
  'conv2dTranspose',
  'cpuBackend',
  'customGradient',
  'depthwiseConv2d',
  'disableDebugMode',
  'dispose',
  'div',
  'enableDebugMode',
  'equal',
  'exp',
  'expandDims',
  'eye',
  'fill',
  'format',
  'gather',
  'getAllocationLimit',
  'getBackend',
  'getEngine',
  'greater',
  'greaterEqual',
  'initializers',
  'input',
  'keep',
  'layers',
  'leakReport',
  'less',
  'lessEqual',
  'linspace',
  'liveTensors',
  'loadModel',
  'log',
  'logSoftmax',
  'losses',
  'matmul',
  'maximum',
  'memory',
  'metrics',
  'minimum',
  'mul',
  'neg',
  'notEqual',
  'oneHot',
  'ones',
  'onesLike',
  'optimizers',
  'pad',
  'pow',
  'random',
  'range',
  'ready',
  'reduceMax',
  'reduceMean',
  'reduceMin',
  'reduceSum',
  'registerBackend',
  'regularizers',
  'relu',
  'removeBackend',
  'reshape',
  'scalar',
  'setAllocationLimit',
  'setBackend',
  'sigmoid',
  'sign',
  'slice',
  'softmax',
  'softplus',
  'sqrt',
  'square',
  'squeeze',
  'stopGradient',
  'sub',
  'tanh',
  'tensor',
  'tidy',
  'transpose',
  'unsortedSegmentSum',
  'variable',
  'where',
  'zeros',
  'zerosLike',
  // Reductions, scans and linear algebra (issue 12)
  'cumprod',
  'cumsum',
  'reduceAll',
  'reduceAny',
  'reduceLogSumExp',
  'reduceProd',
  'topK',
  'tensordot',
  'dot',
  'outerProduct',
  'norm',
  'einsum',
  // Pooling and tf.nn (group w-poolnn).
  'avgPool2d',
  'maxPool2d',
  'nn',
  // Forward mode and function transforms (issue 13)
  'ForwardAccumulator',
  'grad',
  'grads',
  'hessian',
  'hvp',
  'jvp',
  'valueAndGrad',
  'valueAndGrads',
  'variableGrads',
  'vjp',
  // Shape ops of issue 12
  'clone',
  'gatherNd',
  'identity',
  'reverse',
  'scatterNd',
  'split',
  'stack',
  'stridedSlice',
  'tile',
  'unstack',
  // ---- elementwise math and activations (issue 12) ----
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'asinh',
  'acosh',
  'atanh',
  'floor',
  'ceil',
  'round',
  'reciprocal',
  'rsqrt',
  'log1p',
  'expm1',
  'erf',
  'softsign',
  'elu',
  'selu',
  'relu6',
  'silu',
  'gelu',
  'leakyRelu',
  'prelu',
  'isNan',
  'isInf',
  'isFinite',
  'logicalNot',
  'atan2',
  'floorDiv',
  'floorMod',
  'squaredDifference',
  'divNoNan',
  'logicalAnd',
  'logicalOr',
  'logicalXor',
  // Issue 14 (functional API, group w-func): tf.Model's class under the name its types use.
  'ModelBase',
];

/** Names the umbrella exported before it was curated, which belong to backend or library authors. */
const HELPERS = [
  'allocate',
  'describeKernelFailure',
  'BINARY_KERNELS',
  'makeTypedArray',
  'BACKEND_SPEC_VERSION',
  'invalidArgument',
  'computeStrides',
  'broadcastStrides',
  'sizeFromShape',
  'formatShape',
  'dtypeOfTypedArray',
  'PRIMITIVE_KERNEL_NAMES',
] as const;
const LIBRARY_HELPERS = [
  'checkOptions',
  'describeValue',
  'convertToTensor',
  'assertLiveTensor',
  'collectTensors',
  'formatTensor',
] as const;

describe('the tapeflow umbrella surface', () => {
  it('exports exactly the names users call', () => {
    expect(Object.keys(tf).sort()).toEqual([...UMBRELLA_EXPORTS].sort());
  });

  it('leaves backend helpers to @tapeflow/tensor-core/backend and library helpers to /internal', () => {
    const names: Readonly<Record<string, unknown>> = tf;
    for (const name of HELPERS) {
      expect(names[name], name).toBeUndefined();
      expect((backend as Readonly<Record<string, unknown>>)[name], name).toBeDefined();
    }
    for (const name of LIBRARY_HELPERS) {
      expect(names[name], name).toBeUndefined();
      expect((internal as Readonly<Record<string, unknown>>)[name], name).toBeDefined();
    }
    for (const name of ['GRADIENTS', 'sumToShape']) expect(names[name], name).toBeUndefined();
  });

  it('gives random the generators users call, not the Threefry internals', () => {
    expect(Object.keys(tf.random).sort()).toEqual([
      'normal',
      'setSeed',
      'statelessNormal',
      'statelessUniform',
      'uniform',
    ]);
  });

  it('is one module graph: the subpaths hand out the same classes as the main entry', () => {
    expect(internal.Tensor).toBe(tf.Tensor);
    expect(internal.getEngine()).toBe(tf.getEngine());
    expect(backend.InvalidArgumentError).toBe(tf.InvalidArgumentError);
  });

  it('exports the option types its signatures take (JacobianOptions)', () => {
    const options: tf.JacobianOptions = { unconnectedGradients: 'zero' };
    const x = tf.variable([1, 2]);
    const other = tf.variable([3]);
    const tape = new tf.GradientTape({ persistent: true });
    const y = tape.record(() => tf.square(x));
    const jacobian = tape.jacobian(y, other, options);
    expect(jacobian?.shape).toEqual([2, 1]);
    tf.dispose([x, other, y, jacobian]);
  });

  it('exports every type that a public signature uses', { timeout: 120_000 }, async () => {
    const script = fileURLToPath(new URL('../../../scripts/public-types.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      script,
      fileURLToPath(new URL('./index.ts', import.meta.url)),
    ]);
    const { missing } = JSON.parse(stdout) as { missing: { type: string; usedBy: string }[] };
    expect(missing).toEqual([]);
  });
});
