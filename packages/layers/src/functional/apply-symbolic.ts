/**
 * @file `layer.apply` on symbolic tensors: the layer is built and its output shapes found by running
 * it once, unrecorded, on zeros standing in for the symbolic inputs (open dimensions tried at two
 * sizes: an output dimension that follows them is open too), then the call is recorded as a graph
 * node and symbolic outputs point back to it. Symbolic tensors among the options (an attention mask)
 * are recorded in the node's `tensorOptions`, probed the same way, and replaced by their concrete
 * values when the graph runs; a mask carried by a symbolic input is probed with an all-true mask.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ApplyOptions, Layer, LayerOutput } from '../layer.js';
import { attachMask, maskOf } from '../masks.js';
import { SymbolicTensor } from './symbolic-tensor.js';
import type { GraphNode } from './symbolic-tensor.js';

// What an open dimension is probed at: two sizes, so dimensions that follow an open one show it.
const PROBE_SIZES = [2, 3] as const;

function probeTensor(symbolic: SymbolicTensor, size: number): tf.Tensor {
  const probe = tf.zeros(
    symbolic.shape.map((d) => d ?? size),
    symbolic.dtype,
  );
  // A timestep mask is [batch, time]: all steps real, so masked code paths run too.
  if (symbolic.hasMask && probe.rank >= 2) attachMask(probe, tf.ones(probe.shape.slice(0, 2), 'bool'));
  return probe;
}

function describeMixed(value: unknown): string {
  return value instanceof tf.Tensor
    ? `a concrete Tensor of shape ${tf.formatShape(value.shape)} (do not mix tf.input tensors with concrete ones)`
    : tf.describeValue(value);
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
  const op = `${layer.name}.apply`;
  const list = Array.isArray(inputs) ? (inputs as readonly SymbolicTensor[]) : [inputs as SymbolicTensor];
  list.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      tf.invalidArgument(
        op,
        Array.isArray(inputs) ? `inputs[${i}]` : 'inputs',
        'symbolic tensors only (all inputs from tf.input and layers applied to them)',
        describeMixed(t),
      );
    }
  });
  // Tensors among the options: symbolic ones are graph edges too; a concrete one cannot be recorded.
  // An array holding one (an RNN's initialState) is recorded as an array of symbolic tensors.
  const tensorOptions: Record<string, SymbolicTensor | readonly SymbolicTensor[]> = {};
  const plainOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const list: readonly unknown[] = Array.isArray(value) ? value : [value];
    list.forEach((item, i) => {
      if (item instanceof tf.Tensor)
        tf.invalidArgument(
          op,
          Array.isArray(value) ? `options.${key}[${i}]` : `options.${key}`,
          'a SymbolicTensor (the inputs are symbolic)',
          describeMixed(item),
        );
    });
    if (value instanceof SymbolicTensor) tensorOptions[key] = value;
    else if (Array.isArray(value) && value.some((v) => v instanceof SymbolicTensor)) {
      value.forEach((v: unknown, i) => {
        if (!(v instanceof SymbolicTensor))
          tf.invalidArgument(
            op,
            `options.${key}[${i}]`,
            'a SymbolicTensor, as the rest of the array',
            describeMixed(v),
          );
      });
      tensorOptions[key] = value as SymbolicTensor[];
    } else plainOptions[key] = value;
  }
  const tensorKeys = Object.keys(tensorOptions);
  const shapes: (readonly number[])[][] = [];
  const dtypes: tf.DataType[] = [];
  let masked: boolean[] = [];
  let returnedArray = false;
  tf.getEngine().withoutRecording(() =>
    tf.tidy(() => {
      for (const size of PROBE_SIZES) {
        const probes = list.map((t) => probeTensor(t, size));
        const probeOptions: Record<string, unknown> = { ...plainOptions };
        for (const key of tensorKeys) {
          const value = tensorOptions[key]!;
          probeOptions[key] = Array.isArray(value)
            ? value.map((t: SymbolicTensor) => probeTensor(t, size))
            : probeTensor(value as SymbolicTensor, size);
        }
        const output = layer.apply(Array.isArray(inputs) ? probes : probes[0]!, probeOptions);
        returnedArray = Array.isArray(output);
        const outputs = Array.isArray(output) ? output : [output];
        shapes.push(outputs.map((t) => t.shape.slice()));
        if (dtypes.length === 0) dtypes.push(...outputs.map((t) => t.dtype));
        masked = outputs.map((t) => maskOf(t) !== null);
      }
    }),
  );
  const node: GraphNode = {
    layer,
    inputs: Array.isArray(inputs) ? [...list] : inputs,
    options: plainOptions,
    tensorOptions,
  };
  const [first, second] = shapes as [(readonly number[])[], (readonly number[])[]];
  const outputs = first.map((shape, i) => {
    const other = second[i]!;
    const symbolicShape = shape.map((d, axis) => (axis === 0 || d !== other[axis] ? null : d));
    const name = first.length === 1 ? `${layer.name}/output` : `${layer.name}/output_${i}`;
    return new SymbolicTensor(symbolicShape, dtypes[i]!, name, node, i, masked[i] ?? false);
  });
  return returnedArray ? outputs : outputs[0]!;
}
