/**
 * @file A functional model's graph (Keras' `Functional`): from the symbolic outputs back to the
 * `tf.input` tensors, the layer calls (nodes) in an order where each runs after what it reads, the
 * layers once each (an `InputLayer` per input first, as Keras lists them), and the checks Keras makes
 * when a model is made: inputs are `tf.input` tensors, every output can be computed from them (else
 * "graph disconnected", naming the input and the layer that needs it), and layer names are unique.
 * `runGraph` runs the nodes on concrete tensors.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { Layer } from '../layer.js';
import type { ApplyOptions, LayerConfig, LayerOutput } from '../layer.js';
import { attachMask } from '../masks.js';
import { SymbolicTensor } from './symbolic-tensor.js';
import type { GraphNode } from './symbolic-tensor.js';

/**
 * The layer standing for one `tf.input` in a functional model's `layers`, summary and config (Keras'
 * `InputLayer`): no weights, its output is what is fed in.
 * @example model.layers[0].className // 'InputLayer'
 */
export class InputLayer extends Layer {
  /** The class name `summary()` and `model.save` use. */
  static readonly className: string = 'InputLayer';
  /** The symbolic tensor it produces. */
  readonly symbolic: SymbolicTensor;

  constructor(symbolic: SymbolicTensor) {
    super({ name: symbolic.name }, 'input_layer');
    this.symbolic = symbolic;
    this.built = true;
  }

  /** What is fed in, unchanged. */
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0]! : inputs;
  }

  /** Keras' InputLayer config: `batchShape` (batch null), `dtype`, `name`. */
  override getConfig(): LayerConfig {
    return { name: this.name, batchShape: [...this.symbolic.shape], dtype: this.symbolic.dtype, sparse: false };
  }
}

const inputLayers = new WeakMap<SymbolicTensor, InputLayer>();

/** The InputLayer of a `tf.input` tensor (made once, shared by every model using that input). */
export function inputLayerOf(symbolic: SymbolicTensor): InputLayer {
  let layer = inputLayers.get(symbolic);
  if (layer === undefined || layer.isDisposed) inputLayers.set(symbolic, (layer = new InputLayer(symbolic)));
  return layer;
}

/** How inputs or outputs were given: one tensor, an array, or a record by name (Keras' dict form). */
export type Structure = 'single' | 'array' | 'record';

/** A checked functional graph. */
export interface FunctionalGraph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** How `inputs` / `outputs` were given (what `call` takes and returns follows it). */
  readonly inputStructure: Structure;
  readonly outputStructure: Structure;
  /** The inputs' names (their InputLayers' names, or the record's keys). */
  readonly inputNames: readonly string[];
  /** The outputs' names: the record's keys, else the producing layer's name (`_<i>` for a repeat). */
  readonly outputNames: readonly string[];
  readonly inputLayers: readonly InputLayer[];
  /** Every layer call, each after the calls it reads from. */
  readonly nodes: readonly GraphNode[];
  /** The InputLayers, then each layer once, in node order. */
  readonly layers: readonly Layer<LayerOutput>[];
}

/** The tensors of a node's call as given (one, or an array). */
export function nodeInputs(node: GraphNode): readonly SymbolicTensor[] {
  return Array.isArray(node.inputs) ? (node.inputs as readonly SymbolicTensor[]) : [node.inputs as SymbolicTensor];
}

/** Every symbolic tensor a node reads: its inputs, then the tensors among its options. */
export function nodeSources(node: GraphNode): readonly SymbolicTensor[] {
  return [...nodeInputs(node), ...Object.values(node.tensorOptions).flat()];
}

function describeGiven(value: unknown): string {
  if (value instanceof SymbolicTensor)
    return value.node === null
      ? value.toString()
      : `${value.toString()}, the output of layer '${value.node.layer.name}' (not a tf.input tensor)`;
  if (value instanceof tf.Tensor) return `a concrete Tensor of shape ${tf.formatShape(value.shape)}`;
  return tf.describeValue(value);
}

function normalize(
  op: string,
  argument: string,
  value: unknown,
): { list: SymbolicTensor[]; structure: Structure; names: (string | null)[] } {
  const expected = 'a SymbolicTensor, an array of them or a record of them by name';
  if (value instanceof SymbolicTensor) return { list: [value], structure: 'single', names: [null] };
  if (Array.isArray(value)) {
    if (value.length === 0) tf.invalidArgument(op, argument, `${expected} (at least one)`, 'an empty array');
    value.forEach((v: unknown, i) => {
      if (!(v instanceof SymbolicTensor))
        tf.invalidArgument(op, `${argument}[${i}]`, 'a SymbolicTensor', describeGiven(v));
    });
    return { list: value as SymbolicTensor[], structure: 'array', names: value.map(() => null) };
  }
  if (typeof value === 'object' && value !== null && !(value instanceof tf.Tensor)) {
    const entries = Object.entries(value);
    if (entries.length === 0) tf.invalidArgument(op, argument, `${expected} (at least one)`, 'an empty object');
    entries.forEach(([key, v]) => {
      if (!(v instanceof SymbolicTensor))
        tf.invalidArgument(op, `${argument}.${key}`, 'a SymbolicTensor', describeGiven(v));
    });
    return {
      list: entries.map(([, v]) => v as SymbolicTensor),
      structure: 'record',
      names: entries.map(([k]) => k),
    };
  }
  return tf.invalidArgument(op, argument, expected, describeGiven(value));
}

/**
 * Checks and orders the graph from `inputs` to `outputs` (as `new tf.Model({ inputs, outputs })` is given).
 * @example const graph = buildGraph('Model', x, dense.apply(x));
 */
export function buildGraph(op: string, inputsValue: unknown, outputsValue: unknown): FunctionalGraph {
  const inputs = normalize(op, 'inputs', inputsValue);
  const outputs = normalize(op, 'outputs', outputsValue);
  inputs.list.forEach((t, i) => {
    if (t.node !== null) {
      tf.invalidArgument(
        op,
        inputs.structure === 'single' ? 'inputs' : `inputs[${i}]`,
        'tf.input tensors (the graph starts at them)',
        describeGiven(t),
      );
    }
    if (inputs.list.indexOf(t) !== i)
      tf.invalidArgument(op, `inputs[${i}]`, 'each input once', `the input '${t.name}' again`);
  });
  const inputSet = new Set(inputs.list);
  const nodes: GraphNode[] = [];
  const state = new Map<GraphNode, 'visiting' | 'done'>();
  // Depth-first from each output, iteratively (a deep graph must not overflow the stack).
  const visit = (start: SymbolicTensor, outputIndex: number): void => {
    const check = (t: SymbolicTensor, consumer: string): GraphNode | null => {
      if (t.node === null) {
        if (!inputSet.has(t)) {
          throw new tf.InvalidArgumentError(
            `${op}: graph disconnected: cannot obtain the value of the input '${t.name}' (${t.toString()}) at ${consumer}; ` +
              `the following inputs were given: [${inputs.list.map((i) => `'${i.name}'`).join(', ')}]. ` +
              `Add '${t.name}' to inputs, or build the outputs from the inputs given.`,
            op,
          );
        }
        return null;
      }
      return t.node;
    };
    const first = check(start, `outputs[${outputIndex}]`);
    if (first === null || state.get(first) === 'done') return;
    const stack: { node: GraphNode; next: number }[] = [{ node: first, next: 0 }];
    state.set(first, 'visiting');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const sources = nodeSources(frame.node);
      if (frame.next < sources.length) {
        const source = sources[frame.next++]!;
        const node = check(source, `layer '${frame.node.layer.name}'`);
        if (node === null) continue;
        const seen = state.get(node);
        if (seen === 'done') continue;
        if (seen === 'visiting') {
          throw new tf.InvalidArgumentError(
            `${op}: the graph has a cycle through layer '${node.layer.name}': a layer cannot read its own output.`,
            op,
          );
        }
        state.set(node, 'visiting');
        stack.push({ node, next: 0 });
      } else {
        state.set(frame.node, 'done');
        nodes.push(frame.node);
        stack.pop();
      }
    }
  };
  outputs.list.forEach((t, i) => visit(t, i));
  const inputLayerList = inputs.list.map(inputLayerOf);
  const layers: Layer<LayerOutput>[] = [...inputLayerList];
  for (const node of nodes) if (!layers.includes(node.layer)) layers.push(node.layer);
  checkUniqueNames(op, layers);
  const outputNames = outputs.names.map((name, i) => {
    if (name !== null) return name;
    const t = outputs.list[i]!;
    return t.node === null ? t.name : t.node.layer.name;
  });
  const dedupedOutputNames = outputNames.map((name, i) =>
    outputNames.indexOf(name) === i ? name : `${name}_${outputNames.slice(0, i).filter((n) => n === name).length}`,
  );
  return {
    inputs: inputs.list,
    outputs: outputs.list,
    inputStructure: inputs.structure,
    outputStructure: outputs.structure,
    inputNames: inputs.names.map((name, i) => name ?? inputs.list[i]!.name),
    outputNames: dedupedOutputNames,
    inputLayers: inputLayerList,
    nodes,
    layers,
  };
}

/** Keras: "All layer names should be unique" in one model; names each repeated name and its count. */
export function checkUniqueNames(op: string, layers: readonly Layer<LayerOutput>[]): void {
  const counts = new Map<string, number>();
  for (const layer of layers) counts.set(layer.name, (counts.get(layer.name) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1);
  if (repeated.length > 0) {
    tf.invalidArgument(
      op,
      'outputs',
      'layers with unique names (Keras requires one name per layer in a model)',
      repeated.map(([name, n]) => `the name '${name}' used by ${n} layers`).join(', '),
    );
  }
}

/** Replaces each SymbolicTensor among a node's options by its concrete value. */
function concreteOptions(node: GraphNode, valueOf: (t: SymbolicTensor) => tf.Tensor, training: boolean | undefined) {
  const options: Record<string, unknown> = { ...node.options };
  for (const [key, t] of Object.entries(node.tensorOptions))
    options[key] = Array.isArray(t) ? t.map(valueOf) : valueOf(t as SymbolicTensor);
  // A training flag fixed when the layer was called in the graph wins (Keras); else the model call's.
  if (node.options.training === undefined && training !== undefined) options.training = training;
  return options as ApplyOptions;
}

/**
 * Runs the graph on concrete `values` (one per input, checked by the caller); returns one tensor per
 * output. Not wrapped in `tidy`: the caller keeps the outputs and drops the rest.
 */
export function runGraph(
  graph: FunctionalGraph,
  values: readonly tf.Tensor[],
  options: ApplyOptions,
  masks: readonly (tf.Tensor | null)[] | null,
): tf.Tensor[] {
  const computed = new Map<GraphNode, readonly tf.Tensor[]>();
  const fed = new Map<SymbolicTensor, tf.Tensor>();
  graph.inputs.forEach((t, i) => {
    const mask = masks?.[i] ?? null;
    let value = values[i]!;
    if (mask !== null) {
      // A fresh handle carries the mask, so the caller's tensor is not marked.
      value = tf.reshape(value, value.shape);
      attachMask(value, mask);
    }
    fed.set(t, value);
  });
  const valueOf = (t: SymbolicTensor): tf.Tensor =>
    t.node === null ? fed.get(t)! : computed.get(t.node)![t.outputIndex]!;
  for (const node of graph.nodes) {
    const given = Array.isArray(node.inputs)
      ? (node.inputs as readonly SymbolicTensor[]).map(valueOf)
      : valueOf(node.inputs as SymbolicTensor);
    const output = node.layer.apply(given, concreteOptions(node, valueOf, options.training));
    computed.set(node, Array.isArray(output) ? output : [output]);
  }
  return graph.outputs.map(valueOf);
}
