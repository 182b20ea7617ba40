/**
 * @file What a functional Model (`new tf.Model({ inputs, outputs })`) does with its graph, kept out of
 * model.ts: checking the concrete tensors fed to it against its inputs (count, rank, fixed dimensions
 * and dtype, naming the input), arranging data given as a Tensor, an array or a record by input /
 * output name (Keras' `fit(x={'a': ...})`) in graph order, and Keras' functional config
 * (`layers` with `inboundNodes`, `inputLayers`, `outputLayers`) for `model.save`.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { ApplyOptions, ConfigValue, Layer, LayerConfig, LayerOutput } from '../layer.js';
import { attachMask, maskOf } from '../masks.js';
import { SymbolicTensor } from './symbolic-tensor.js';
import type { GraphNode } from './symbolic-tensor.js';
import { nodeInputs, runGraph } from './graph.js';
import type { FunctionalGraph } from './graph.js';

/** The symbolic tensors of a functional model's inputs or outputs: one, an array, or a record by name. */
export type SymbolicStructure = SymbolicTensor | readonly SymbolicTensor[] | Readonly<Record<string, SymbolicTensor>>;

/**
 * The arguments of a functional model (Keras' `keras.Model(inputs, outputs)`): `tf.input` tensors,
 * and symbolic tensors computed from them by layers. A model with several outputs is a
 * `tf.Model<tf.Tensor[]>`: its `apply` and `predict` give one tensor per output, in order.
 * @example
 * const x = tf.input({ shape: [4] });
 * const model = new tf.Model({ inputs: x, outputs: new tf.layers.Dense(1).apply(x) });
 */
export interface FunctionalModelArgs {
  readonly inputs: SymbolicStructure;
  readonly outputs: SymbolicStructure;
  /** Default `functional`, `functional_1`, ... (Keras 3). */
  readonly name?: string;
  readonly trainable?: boolean;
}

/** Whether `new tf.Model(options)` was given `{ inputs, outputs }` (a functional model). */
export function isFunctionalArgs(options: unknown): options is FunctionalModelArgs {
  return (
    typeof options === 'object' &&
    options !== null &&
    !Array.isArray(options) &&
    (Object.hasOwn(options, 'inputs') || Object.hasOwn(options, 'outputs'))
  );
}

/**
 * A functional model's call: the inputs checked against the graph's (`op` names the model), the graph
 * run in `tidy`, and the outputs (one, or an array) returned with the masks they carry.
 */
export function callFunctional(
  op: string,
  graph: FunctionalGraph,
  inputs: tf.Tensor | tf.Tensor[],
  options: ApplyOptions,
): LayerOutput {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  checkFeed(op, graph, list);
  const given = options.mask;
  const masks =
    given === undefined || given === null
      ? null
      : given instanceof tf.Tensor
        ? [given]
        : (given as readonly (tf.Tensor | null)[]);
  const count = graph.outputs.length;
  const masked: number[] = [];
  const kept = tf.tidy(() => {
    const outputs = runGraph(graph, list, options, masks);
    // The outputs' masks survive with them (Keras' functional compute_mask), for the next layer.
    const outputMasks: tf.Tensor[] = [];
    outputs.forEach((t, i) => {
      const mask = maskOf(t);
      if (mask !== null) {
        masked.push(i);
        outputMasks.push(mask);
      }
    });
    return [...outputs, ...outputMasks];
  });
  const outputs = kept.slice(0, count);
  masked.forEach((i, k) => attachMask(outputs[i]!, kept[count + k]!));
  return graph.outputStructure === 'single' ? outputs[0]! : outputs;
}

/**
 * Data for a model with several inputs or outputs: one Tensor (one input), an array in the order of
 * the model's inputs (outputs), or a record keyed by their names (Keras).
 * @example await model.fit({ title: titles, body: bodies }, [priority, department])
 */
export type ModelData = tf.Tensor | readonly tf.Tensor[] | Readonly<Record<string, tf.Tensor>>;

function describe(value: unknown): string {
  if (value instanceof SymbolicTensor) return `${value.toString()} (a symbolic tensor; feed concrete tensors)`;
  if (value instanceof tf.Tensor) return `a Tensor of shape ${tf.formatShape(value.shape)}`;
  return tf.describeValue(value);
}

/**
 * `data` as one tensor per name, in `names` order (what the model's inputs or outputs are called).
 * `argument` names the data in messages (`x`, `y`, `validationData[0]`).
 */
export function arrangeData(
  op: string,
  argument: string,
  data: unknown,
  names: readonly string[],
  kind: 'input' | 'output' = 'input',
): tf.Tensor[] {
  const expected =
    names.length === 1
      ? `a Tensor for the ${kind} '${names[0]!}' (or an array or record of one)`
      : `${names.length} tensors [${names.map((n) => `'${n}'`).join(', ')}], as an array in that order or a record by name`;
  if (data instanceof tf.Tensor) {
    if (names.length !== 1)
      tf.invalidArgument(op, argument, expected, `one Tensor of shape ${tf.formatShape(data.shape)}`);
    return [data];
  }
  if (Array.isArray(data)) {
    if (data.length !== names.length) tf.invalidArgument(op, argument, expected, `an array of ${data.length}`);
    data.forEach((t: unknown, i) => {
      if (!(t instanceof tf.Tensor))
        tf.invalidArgument(op, `${argument}[${i}]`, `a Tensor for '${names[i]!}'`, describe(t));
    });
    return data as tf.Tensor[];
  }
  if (typeof data === 'object' && data !== null && !(data instanceof SymbolicTensor)) {
    const record = data as Record<string, unknown>;
    const unknown = Object.keys(record).filter((k) => !names.includes(k));
    if (unknown.length > 0)
      tf.invalidArgument(
        op,
        argument,
        `keys among [${names.map((n) => `'${n}'`).join(', ')}]`,
        `the unknown key(s) ${unknown.map((k) => `'${k}'`).join(', ')}`,
      );
    return names.map((name) => {
      const value = Object.hasOwn(record, name) ? record[name] : undefined;
      if (!(value instanceof tf.Tensor)) tf.invalidArgument(op, `${argument}.${name}`, 'a Tensor', describe(value));
      return value as tf.Tensor;
    });
  }
  return tf.invalidArgument(op, argument, expected, describe(data));
}

/**
 * Checks concrete tensors fed to the graph's inputs: their number, then each one's rank, fixed
 * dimensions and dtype against its `tf.input`, naming the input.
 */
export function checkFeed(op: string, graph: FunctionalGraph, values: readonly unknown[], argument = 'inputs'): void {
  if (values.length !== graph.inputs.length) {
    tf.invalidArgument(
      op,
      argument,
      `${graph.inputs.length} tensor(s), one per model input [${graph.inputNames.map((n) => `'${n}'`).join(', ')}]`,
      `${values.length}`,
    );
  }
  graph.inputs.forEach((input, i) => {
    const value = values[i];
    const name = graph.inputNames[i]!;
    const at = graph.inputs.length === 1 ? argument : `${argument}[${i}]`;
    if (!(value instanceof tf.Tensor)) tf.invalidArgument(op, at, `a Tensor for the input '${name}'`, describe(value));
    tf.assertLiveTensor(value, op, at);
    const wanted = `[${input.shape.map((d) => (d === null ? 'null' : String(d))).join(',')}]`;
    const fits = value.rank === input.rank && input.shape.every((d, axis) => d === null || d === value.shape[axis]);
    if (!fits)
      tf.invalidArgument(
        op,
        at,
        `a tensor of shape ${wanted} for the input '${name}' (null: any size)`,
        `shape ${tf.formatShape(value.shape)}`,
      );
    if (value.dtype !== input.dtype)
      tf.invalidArgument(op, at, `dtype ${input.dtype} for the input '${name}'`, `dtype ${value.dtype}`);
  });
}

/** Each layer's calls (nodes) in the graph, in graph order: a node's index is its place in its layer's list. */
export function nodesByLayer(graph: FunctionalGraph): Map<Layer<LayerOutput>, GraphNode[]> {
  const byLayer = new Map<Layer<LayerOutput>, GraphNode[]>();
  for (const node of graph.nodes) {
    const list = byLayer.get(node.layer) ?? [];
    list.push(node);
    byLayer.set(node.layer, list);
  }
  return byLayer;
}

/** Where a symbolic tensor comes from, as Keras' `keras_history`: [layer name, node index, tensor index]. */
export function historyOf(
  t: SymbolicTensor,
  graph: FunctionalGraph,
  byLayer: ReadonlyMap<Layer<LayerOutput>, readonly GraphNode[]>,
): [string, number, number] {
  if (t.node === null) return [graph.inputLayers[graph.inputs.indexOf(t)]!.name, 0, 0];
  return [t.node.layer.name, byLayer.get(t.node.layer)!.indexOf(t.node), t.outputIndex];
}

/**
 * Keras' functional config: each layer with its `inboundNodes` (per call, one
 * `[layer, nodeIndex, tensorIndex, kwargs]` per input tensor; the first entry's kwargs hold the call's
 * options, a symbolic one as its `[layer, nodeIndex, tensorIndex]`), then `inputLayers` and
 * `outputLayers` as such triples.
 */
export function functionalConfig(graph: FunctionalGraph, base: LayerConfig): LayerConfig {
  const byLayer = nodesByLayer(graph);
  const history = (t: SymbolicTensor): ConfigValue => historyOf(t, graph, byLayer);
  const layers = graph.layers.map((layer) => {
    const inboundNodes = (byLayer.get(layer) ?? []).map((node) => {
      const kwargs: Record<string, ConfigValue> = {};
      for (const [key, value] of Object.entries(node.options)) {
        if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') kwargs[key] = value;
      }
      for (const [key, t] of Object.entries(node.tensorOptions))
        kwargs[key] = Array.isArray(t) ? t.map(history) : history(t as SymbolicTensor);
      return nodeInputs(node).map((t, i) => [...historyOf(t, graph, byLayer), i === 0 ? kwargs : {}]);
    });
    return { className: layer.className, name: layer.name, config: layer.getConfig(), inboundNodes };
  });
  return {
    ...base,
    layers,
    inputLayers: graph.inputs.map(history),
    outputLayers: graph.outputs.map(history),
    ...(graph.inputStructure === 'record' ? { inputNames: [...graph.inputNames] } : {}),
    ...(graph.outputStructure === 'record' ? { outputNames: [...graph.outputNames] } : {}),
  };
}
