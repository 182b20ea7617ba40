/**
 * @file `layer.apply` on symbolic tensors: the layer is built and its output shapes found by running
 * it once, unrecorded, on zeros standing in for the symbolic inputs (open dimensions tried at two
 * sizes: an output dimension that follows them is open too), then the call is recorded as a graph
 * node and symbolic outputs point back to it.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ApplyOptions, Layer, LayerOutput } from '../layer.js';
import { maskOf } from '../masks.js';
import { SymbolicTensor } from './symbolic-tensor.js';
import type { GraphNode } from './symbolic-tensor.js';

// What an open dimension is probed at: two sizes, so dimensions that follow an open one show it.
const PROBE_SIZES = [2, 3] as const;

function probeTensor(symbolic: SymbolicTensor, size: number): tf.Tensor {
  return tf.zeros(
    symbolic.shape.map((d) => d ?? size),
    symbolic.dtype,
  );
}

/**
 * Records `layer` applied to `inputs` in the functional graph and returns its symbolic outputs.
 * @example applySymbolic(dense, tf.input({ shape: [4] }), {}) // SymbolicTensor [null, units]
 */
export function applySymbolic(
  layer: Layer<LayerOutput>,
  inputs: SymbolicTensor | readonly SymbolicTensor[],
  options: ApplyOptions,
): SymbolicTensor | SymbolicTensor[] {
  const list = Array.isArray(inputs) ? (inputs as readonly SymbolicTensor[]) : [inputs as SymbolicTensor];
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      tf.invalidArgument(
        `${layer.name}.apply`,
        Array.isArray(inputs) ? `inputs[${i}]` : 'inputs',
        'symbolic tensors only (do not mix tf.input tensors with concrete ones)',
        tf.describeValue(t),
      );
    }
  });
  const shapes: (readonly number[])[][] = [];
  const dtypes: tf.DataType[] = [];
  let masked: boolean[] = [];
  let returnedArray = false;
  tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      for (const size of PROBE_SIZES) {
        const probes = list.map((t) => probeTensor(t, size));
        const output = layer.apply(Array.isArray(inputs) ? probes : probes[0]!, options);
        returnedArray = Array.isArray(output);
        const outputs = Array.isArray(output) ? output : [output];
        shapes.push(outputs.map((t) => t.shape.slice()));
        if (dtypes.length === 0) dtypes.push(...outputs.map((t) => t.dtype));
        masked = outputs.map((t) => maskOf(t) !== null);
      }
    }),
  );
  const node: GraphNode = { layer, inputs, options, tensorOptions: {} };
  const [first, second] = shapes as [(readonly number[])[], (readonly number[])[]];
  const outputs = first.map((shape, i) => {
    const other = second[i]!;
    const symbolicShape = shape.map((d, axis) => (axis === 0 || d !== other[axis] ? null : d));
    const name = first.length === 1 ? `${layer.name}/output` : `${layer.name}/output_${i}`;
    return new SymbolicTensor(symbolicShape, dtypes[i]!, name, node, i, masked[i] ?? false);
  });
  return returnedArray ? outputs : outputs[0]!;
}
