/**
 * @file Checks that the tape's gradients through the backend match those through the CPU backend:
 * each program builds its inputs from seeded host values, records a loss on a GradientTape and returns
 * the loss and its gradients; it runs on the backend under test and then on a private CPU backend, and
 * every result is compared. The gradient rules are tensor-core ops, so this exercises the kernels the
 * way training does (broadcast gradients summed back, Gather's gradient through UnsortedSegmentSum, ...).
 * A loss weights outputs by fixed values: a plain sum would hide a transposed or mixed-up gradient.
 */

import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core/internal';
import type { KernelName, Tensor } from '@tapeflow/tensor-core/internal';
import type { ConformanceCase, ConformanceEnvironment, ConformanceGroup } from '../case.js';
import { toTensor } from '../case.js';
import { compareValues } from '../compare.js';
import type { Tolerance } from '../compare.js';
import { randomReference } from '../reference/data.js';
import { seedFor, uniformInput } from './inputs.js';

/** Seeded float32 values of `shape` in [min, max), as a tensor on the active backend. */
function input(label: string, shape: number[], min = -1, max = 1): Tensor {
  return toTensor(uniformInput(label, shape, min, max));
}

/** `sum(weights * y)` with fixed weights in [0.5, 1.5) of y's shape. */
function weightedSum(label: string, y: Tensor): Tensor {
  return tf.reduceSum(tf.mul(y, input(`${label}/weights`, y.shape, 0.5, 1.5)));
}

/** Records `loss(...sources)` on a tape and returns [loss, ...gradients with respect to the sources]. */
function lossAndGradients(sources: Tensor[], loss: (...xs: Tensor[]) => Tensor): Tensor[] {
  const tape = new GradientTape();
  // The tape holds the buffers its gradients need: released whatever happens (a kernel the backend
  // lacks may throw in the middle of the recording or of the backward pass).
  try {
    const value = tape.record(() => {
      tape.watch(sources);
      return loss(...sources);
    });
    const gradients = tape.gradient(value, sources);
    return [
      value,
      ...gradients.map((g, i) => {
        if (g === null) throw new Error(`the tape gave no gradient for source ${i}`);
        return g;
      }),
    ];
  } finally {
    tape.dispose();
  }
}

interface GradientProgram {
  readonly name: string;
  /**
   * Every kernel the program reaches on the CPU backend, forward and backward (the gradient rules'
   * kernels too); fairness.test.ts records them and fails when one is left out. The fused Softmax is
   * listed where the CPU reaches it: a backend without it runs the composite, and is not skipped.
   */
  readonly kernels: readonly KernelName[];
  readonly outputs: readonly string[];
  readonly build: () => Tensor[];
}

const PROGRAMS: readonly GradientProgram[] = [
  {
    name: 'a 2-layer MLP with softmax cross-entropy',
    kernels: [
      'MatMul',
      'Add',
      'Relu',
      'OneHot',
      'Max',
      'Exp',
      'Log',
      'Sum',
      'BroadcastTo',
      'Cast',
      'Fill',
      'Greater',
      'Mul',
      'Neg',
      'RealDiv',
      'Sub',
    ],
    outputs: ['loss', 'dW1', 'db1', 'dW2', 'db2'],
    build: () => {
      const x = input('mlp/x', [8, 5], -2, 2);
      const labels = toTensor(randomReference([8], { seed: seedFor('mlp/labels'), min: 0, max: 2, dtype: 'int32' }));
      const sources = [
        input('mlp/w1', [5, 7]),
        input('mlp/b1', [7], -0.1, 0.1),
        input('mlp/w2', [7, 3]),
        input('mlp/b2', [3], -0.1, 0.1),
      ];
      return lossAndGradients(sources, (w1, b1, w2, b2) => {
        const hidden = tf.relu(tf.add(tf.matmul(x, w1), b1));
        const logits = tf.add(tf.matmul(hidden, w2), b2);
        const picked = tf.reduceSum(tf.mul(tf.oneHot(labels, 3), tf.logSoftmax(logits)), -1);
        return tf.neg(tf.reduceMean(picked));
      });
    },
  },
  {
    name: 'broadcasting binary ops (add, sub, mul, div, pow, maximum, minimum) and where',
    kernels: [
      'Add',
      'Sub',
      'Mul',
      'RealDiv',
      'Pow',
      'Maximum',
      'Minimum',
      'Select',
      'Greater',
      'Sum',
      'Abs',
      'BroadcastTo',
      'Cast',
      'Fill',
      'GreaterEqual',
      'Less',
      'LessEqual',
      'Log',
      'Neg',
      'Sign',
      'Square',
    ],
    outputs: ['loss', 'da', 'db', 'dc'],
    build: () =>
      lossAndGradients([input('binary/a', [2, 3]), input('binary/b', [3]), input('binary/c', [2, 1])], (a, b, c) => {
        const ratio = tf.div(tf.sub(tf.mul(a, b), c), tf.add(tf.mul(c, c), 1));
        const extremes = tf.sub(tf.maximum(a, c), tf.minimum(b, c));
        const power = tf.pow(tf.add(tf.abs(a), 0.5), b);
        const branch = tf.where(tf.greater(a, 0.2), tf.mul(a, 2), tf.square(b));
        return weightedSum('binary', tf.add(tf.add(ratio, extremes), tf.add(power, branch)));
      }),
  },
  {
    name: 'reductions over axes (sum, mean with keepDims, max, min) and unary math',
    kernels: [
      'Sum',
      'Max',
      'Min',
      'Tanh',
      'Sigmoid',
      'Exp',
      'Log',
      'Sqrt',
      'Equal',
      'Abs',
      'Add',
      'BroadcastTo',
      'Cast',
      'Fill',
      'Mul',
      'RealDiv',
      'Sign',
      'Square',
      'Sub',
    ],
    outputs: ['loss', 'dx'],
    build: () =>
      lossAndGradients([input('reduce/x', [3, 4, 5])], (x) => {
        const unary = tf.add(
          tf.add(tf.tanh(x), tf.mul(tf.sigmoid(x), tf.exp(tf.mul(x, 0.5)))),
          tf.add(tf.log(tf.add(tf.square(x), 1)), tf.sqrt(tf.add(tf.abs(x), 1))),
        );
        return tf.add(
          tf.add(
            weightedSum('reduce/sum', tf.reduceSum(x, [0, 2])),
            weightedSum('reduce/mean', tf.reduceMean(x, 1, true)),
          ),
          tf.add(
            tf.add(weightedSum('reduce/max', tf.reduceMax(x, 2)), tf.reduceMin(x)),
            weightedSum('reduce/unary', unary),
          ),
        );
      }),
  },
  {
    name: 'gather with repeated indices on two axes (its gradient is UnsortedSegmentSum)',
    kernels: ['Gather', 'UnsortedSegmentSum', 'Mul', 'Sum', 'Add', 'BroadcastTo', 'Fill', 'Transpose'],
    outputs: ['loss', 'dx'],
    build: () =>
      lossAndGradients([input('gather/x', [5, 3])], (x) =>
        tf.add(
          weightedSum('gather/0', tf.gather(x, [4, 0, 4, 4, 2], 0)),
          weightedSum('gather/1', tf.gather(x, [2, 2, 0], 1)),
        ),
      ),
  },
  {
    name: 'slice, concat, transpose and broadcastTo',
    kernels: ['Slice', 'Concat', 'Transpose', 'BroadcastTo', 'Mul', 'Sum', 'Add', 'Fill', 'PadV2'],
    outputs: ['loss', 'dx', 'dy'],
    build: () =>
      lossAndGradients([input('slice/x', [4, 5]), input('slice/y', [4, 2])], (x, y) => {
        const joined = tf.concat([tf.slice(x, [0, 1], [4, 3]), y, x], 1);
        const corner = tf.slice(joined, [3, 9], [1, 1]);
        return tf.add(
          tf.add(weightedSum('slice/joined', joined), tf.reduceSum(corner)),
          weightedSum('slice/t', tf.broadcastTo(tf.transpose(y), [3, 2, 4])),
        );
      }),
  },
  {
    name: 'softmax over a batched, transposed matmul',
    kernels: ['MatMul', 'Max', 'Exp', 'Sum', 'RealDiv', 'Add', 'BroadcastTo', 'Fill', 'Mul', 'Softmax', 'Sub'],
    outputs: ['loss', 'da', 'db'],
    build: () =>
      lossAndGradients([input('softmax/a', [2, 3, 4]), input('softmax/b', [5, 4])], (a, b) => {
        const logits = tf.matmul(a, b, { transposeB: true });
        const gram = tf.matmul(a, a, { transposeB: true });
        return tf.add(
          weightedSum('softmax/last', tf.softmax(logits)),
          weightedSum('softmax/first', tf.softmax(gram, 1)),
        );
      }),
  },
  // Shape ops of issue 12
  {
    name: 'tile, pad (constant, reflect, symmetric), reverse, gatherNd, scatterNd and stridedSlice',
    kernels: [
      'Tile',
      'PadV2',
      'MirrorPad',
      'ReverseV2',
      'GatherNd',
      'ScatterNd',
      'StridedSlice',
      'Slice',
      'Sum',
      'Mul',
      'Add',
      'BroadcastTo',
      'Fill',
    ],
    outputs: ['loss', 'dx', 'dy'],
    build: () =>
      lossAndGradients([input('shape-more/x', [3, 4]), input('shape-more/y', [2, 3])], (x, y) => {
        const rows = tf.gatherNd(x, [[2], [0], [2]]);
        const scattered = tf.scatterNd([[1], [1]], y, [3, 3]);
        const strided = tf.stridedSlice(x, [2, 3], [0, 0], [-1, -2], { beginMask: 0, endMask: 1 });
        return [
          weightedSum('shape-more/tile', tf.tile(x, [2, 3])),
          weightedSum(
            'shape-more/constant',
            tf.pad(
              y,
              [
                [1, 2],
                [0, 1],
              ],
              0.5,
            ),
          ),
          weightedSum(
            'shape-more/reflect',
            tf.pad(
              x,
              [
                [2, 1],
                [3, 3],
              ],
              { mode: 'reflect' },
            ),
          ),
          weightedSum(
            'shape-more/symmetric',
            tf.pad(
              y,
              [
                [2, 0],
                [1, 3],
              ],
              { mode: 'symmetric' },
            ),
          ),
          weightedSum('shape-more/reverse', tf.reverse(x, [0, 1])),
          weightedSum('shape-more/gatherNd', rows),
          weightedSum('shape-more/scatterNd', scattered),
          weightedSum('shape-more/stridedSlice', strided),
        ].reduce((a, b) => tf.add(a, b));
      }),
  },
  // Convolutions (issue 12)
  {
    name: 'conv2d (strides 2, SAME), depthwiseConv2d (dilations 2) and conv2dTranspose, chained',
    kernels: [
      'Conv2D',
      'Conv2DBackpropInput',
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNative',
      'DepthwiseConv2dNativeBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'Mul',
      'Sum',
      'BroadcastTo',
      'Fill',
    ],
    outputs: ['loss', 'dx', 'dfilter', 'ddepthwise', 'dtranspose'],
    build: () =>
      lossAndGradients(
        [
          input('conv/x', [2, 9, 8, 3]),
          input('conv/filter', [3, 3, 3, 4]),
          input('conv/depthwise', [2, 2, 4, 2]),
          input('conv/transpose', [3, 3, 2, 8]),
        ],
        (x, filter, depthwise, transpose) => {
          const y = tf.conv2d(x, filter, 2, 'SAME');
          const z = tf.depthwiseConv2d(y, depthwise, 1, 'SAME', { dilations: 2 });
          return weightedSum('conv/out', tf.conv2dTranspose(z, transpose, [2, 9, 8, 2], 2, 'SAME'));
        },
      ),
  },
];

interface ProgramResult {
  readonly shape: readonly number[];
  readonly values: number[];
}

async function runProgram(program: GradientProgram): Promise<ProgramResult[]> {
  const outputs = tf.tidy(program.build);
  try {
    const values = await Promise.all(outputs.map((t) => t.data()));
    return outputs.map((t, i) => ({ shape: t.shape.slice(), values: Array.from(values[i]!) }));
  } finally {
    for (const t of outputs) t.dispose();
  }
}

/** Gradients chain many float32 ops; compare them ten times looser than single kernels. */
export function gradientTolerance(tolerance: Tolerance): Tolerance {
  return { rtol: Math.max(10 * tolerance.rtol, 1e-4), atol: Math.max(10 * tolerance.atol, 1e-5) };
}

function programCase(program: GradientProgram): ConformanceCase {
  return {
    name: `gradients match the CPU's: ${program.name}`,
    kernels: program.kernels,
    run: async (env: ConformanceEnvironment) => {
      const actual = await runProgram(program);
      const expected = await env.onReference(() => runProgram(program));
      const tolerance = gradientTolerance(env.tolerance);
      const problems: string[] = [];
      expected.forEach((want, i) => {
        const got = actual[i]!;
        const label = program.outputs[i] ?? `output ${i}`;
        if (got.shape.join() !== want.shape.join())
          problems.push(`${label}: shape [${got.shape.join(',')}], the CPU's [${want.shape.join(',')}]`);
        else {
          const mismatch = compareValues(got.values, want.values, { tolerance, shape: want.shape });
          if (mismatch !== null) problems.push(`${label}: ${mismatch}`);
        }
      });
      if (problems.length > 0)
        throw new Error(`${program.name}, compared with the CPU backend:\n  ${problems.join('\n  ')}`);
    },
  };
}

/** The gradient checks. */
export const gradientGroup: ConformanceGroup = {
  name: "the tape's gradients through the backend, against the CPU backend",
  cases: PROGRAMS.map(programCase),
};
