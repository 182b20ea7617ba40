/**
 * @file `loadModel` for functional models (issue 14): `InputLayer` and `Functional` entries of the
 * layer table. A functional config is a graph written by someone else: before anything is made, every
 * layer entry, every `inboundNodes` reference (a known layer, an existing call of it, a small tensor
 * index), `inputLayers` and `outputLayers` are checked, the calls are ordered so each comes after what
 * it reads (a cycle is an error naming a layer on it, found without recursion, so a hostile file cannot
 * hang or overflow the stack), and the weights and build size are planned. Making the model then
 * replays the calls on `tf.input` tensors and hands them to `new tf.Model({ inputs, outputs })`.
 * layer-table.ts spreads FUNCTIONAL_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import type { Layer, LayerConfig, LayerOutput } from '../layer.js';
import { input } from '../functional/input.js';
import { SymbolicTensor } from '../functional/symbolic-tensor.js';
import { Model } from '../model.js';
import { ConfigReader, MAX_BUILD_SCALARS } from './config-reader.js';
import type { Context, LayerClass, LayerPlan, PlannedDim, PlannedWeight } from './config-reader.js';
import { describeFromFile } from './files.js';
import { makeEntry, planEntry } from './layer-table.js';

/** The most layers, and calls of one layer, a functional config may hold. */
const MAX_LAYERS = 4096;
const MAX_NODES_PER_LAYER = 256;
/** The most outputs one layer call may have (an RNN's states, attention scores). */
const MAX_OUTPUT_INDEX = 64;
const DTYPES = ['float32', 'int32', 'bool'] as const;

/** A reference to a tensor: the layer that made it, which call, which of the call's outputs. */
interface Reference {
  readonly layer: string;
  readonly node: number;
  readonly tensor: number;
}

/** One layer call: the references it reads (in order) and its options, some of which are tensors. */
interface PlannedNode {
  readonly layer: string;
  readonly index: number;
  readonly inputs: readonly Reference[];
  readonly kwargs: Readonly<Record<string, Reference | readonly Reference[] | string | number | boolean>>;
}

/** A layer entry of the config, checked. */
interface Entry {
  readonly className: string;
  readonly name: string;
  readonly raw: { readonly className: string; readonly config: LayerConfig };
  readonly nodes: readonly PlannedNode[];
  readonly where: string;
}

/** The graph a config describes, checked and ordered. */
interface Checked {
  readonly entries: readonly Entry[];
  readonly byName: ReadonlyMap<string, Entry>;
  readonly order: readonly PlannedNode[];
  readonly inputs: readonly Reference[];
  readonly outputs: readonly Reference[];
  readonly inputNames: readonly string[] | null;
  readonly outputNames: readonly string[] | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

function reference(where: string, field: string, value: unknown, allowKwargs: boolean): Reference {
  const ok =
    Array.isArray(value) &&
    (value.length === 3 || (allowKwargs && value.length === 4)) &&
    typeof value[0] === 'string' &&
    Number.isSafeInteger(value[1]) &&
    (value[1] as number) >= 0 &&
    (value[1] as number) < MAX_NODES_PER_LAYER &&
    Number.isSafeInteger(value[2]) &&
    (value[2] as number) >= 0 &&
    (value[2] as number) < MAX_OUTPUT_INDEX;
  if (!ok)
    tf.invalidArgument(
      where,
      field,
      `a tensor reference [layer name, call index < ${MAX_NODES_PER_LAYER}, output index < ${MAX_OUTPUT_INDEX}]`,
      describeFromFile(value),
    );
  const [layer, node, tensor] = value as [string, number, number];
  return { layer, node, tensor };
}

function names(where: string, field: string, value: unknown, count: number): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length !== count || !value.every((n) => typeof n === 'string'))
    tf.invalidArgument(where, field, `a list of ${count} names`, describeFromFile(value));
  return value;
}

/** Checks the whole functional config and orders its calls; nothing is made. */
function check(r: ConfigReader, config: LayerConfig): Checked {
  const where = r.where;
  const list = own(config, 'layers');
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_LAYERS)
    tf.invalidArgument(where, 'layers', `a list of 1 to ${MAX_LAYERS} layer entries`, describeFromFile(list));
  const byName = new Map<string, Entry>();
  const entries = (list as unknown[]).map((item, i): Entry => {
    const at = `${where}.layers[${i}]`;
    if (!isObject(item) || typeof own(item, 'className') !== 'string' || !isObject(own(item, 'config')))
      tf.invalidArgument(at, 'layer', '{ className, name, config, inboundNodes }', describeFromFile(item));
    const entry = item;
    const layerConfig = own(entry, 'config') as Record<string, unknown>;
    const name = own(entry, 'name') ?? own(layerConfig, 'name');
    if (typeof name !== 'string' || name.length === 0 || name.length > 128)
      tf.invalidArgument(at, 'name', 'a layer name of 1 to 128 characters', describeFromFile(name));
    if (own(layerConfig, 'name') !== undefined && own(layerConfig, 'name') !== name)
      tf.invalidArgument(
        at,
        'config.name',
        `the entry's name ${JSON.stringify(name)}`,
        describeFromFile(own(layerConfig, 'name')),
      );
    if (byName.has(name))
      tf.invalidArgument(
        at,
        'name',
        'a name no other layer of the model has',
        `a second layer named ${describeFromFile(name)}`,
      );
    const inbound = own(entry, 'inboundNodes') ?? [];
    if (!Array.isArray(inbound) || inbound.length > MAX_NODES_PER_LAYER)
      tf.invalidArgument(
        at,
        'inboundNodes',
        `a list of at most ${MAX_NODES_PER_LAYER} calls`,
        describeFromFile(inbound),
      );
    const nodes = (inbound as unknown[]).map((call, n): PlannedNode => {
      const field = `inboundNodes[${n}]`;
      if (!Array.isArray(call) || call.length === 0 || call.length > MAX_LAYERS)
        tf.invalidArgument(at, field, 'a non-empty list of tensor references', describeFromFile(call));
      const refs = (call as unknown[]).map((ref, k) => reference(at, `${field}[${k}]`, ref, true));
      const kwargsValue = Array.isArray((call as unknown[])[0]) ? ((call as unknown[][])[0]![3] ?? {}) : {};
      if (!isObject(kwargsValue))
        tf.invalidArgument(at, `${field}[0][3]`, 'an object of call options', describeFromFile(kwargsValue));
      const kwargs: Record<string, Reference | readonly Reference[] | string | number | boolean> = {};
      for (const [key, value] of Object.entries(kwargsValue)) {
        const kwarg = `${field}[0][3].${key}`;
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') kwargs[key] = value;
        // A list of references (an RNN's initialState) starts with a list; one reference with a name.
        else if (
          Array.isArray(value) &&
          value.length > 0 &&
          value.length <= MAX_OUTPUT_INDEX &&
          Array.isArray(value[0])
        )
          kwargs[key] = value.map((item, k) => reference(at, `${kwarg}[${k}]`, item, false));
        else kwargs[key] = reference(at, kwarg, value, false);
      }
      return { layer: name, index: n, inputs: refs, kwargs };
    });
    const checked: Entry = {
      className: own(entry, 'className') as string,
      name: name,
      raw: { className: own(entry, 'className') as string, config: layerConfig as LayerConfig },
      nodes,
      where: at,
    };
    if (checked.className === 'InputLayer' && nodes.length > 0)
      tf.invalidArgument(at, 'inboundNodes', 'none for an InputLayer', `${nodes.length} call(s)`);
    if (checked.className !== 'InputLayer' && nodes.length === 0)
      tf.invalidArgument(at, 'inboundNodes', 'at least one call (a layer the graph does not use is not saved)', 'none');
    byName.set(checked.name, checked);
    return checked;
  });
  // Every reference names a layer of the model and a call it has.
  const resolveRef = (ref: Reference, at: string, field: string): Reference => {
    const target = byName.get(ref.layer);
    if (target === undefined)
      tf.invalidArgument(
        at,
        field,
        'the name of a layer in this model',
        `the unknown layer ${describeFromFile(ref.layer)}`,
      );
    const calls = target.className === 'InputLayer' ? 1 : target.nodes.length;
    if (ref.node >= calls)
      tf.invalidArgument(
        at,
        field,
        `a call index below ${calls} (layer ${describeFromFile(ref.layer)} is called ${calls} time(s))`,
        `${ref.node}`,
      );
    if (target.className === 'InputLayer' && ref.tensor !== 0)
      tf.invalidArgument(at, field, 'output index 0 of an InputLayer', `${ref.tensor}`);
    return ref;
  };
  for (const entry of entries) {
    entry.nodes.forEach((node, n) => {
      node.inputs.forEach((ref, k) => resolveRef(ref, entry.where, `inboundNodes[${n}][${k}]`));
      for (const [key, value] of Object.entries(node.kwargs)) {
        const kwarg = `inboundNodes[${n}][0][3].${key}`;
        if (Array.isArray(value)) value.forEach((ref, k) => resolveRef(ref, entry.where, `${kwarg}[${k}]`));
        else if (typeof value === 'object') resolveRef(value as Reference, entry.where, kwarg);
      }
    });
  }
  const refList = (field: string, allowOnlyInputs: boolean): Reference[] => {
    const value = own(config, field);
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LAYERS)
      tf.invalidArgument(where, field, 'a non-empty list of tensor references', describeFromFile(value));
    return (value as unknown[]).map((item, i) => {
      const ref = resolveRef(reference(where, `${field}[${i}]`, item, false), where, `${field}[${i}]`);
      if (allowOnlyInputs && byName.get(ref.layer)!.className !== 'InputLayer')
        tf.invalidArgument(where, `${field}[${i}]`, 'a reference to an InputLayer', describeFromFile(ref.layer));
      return ref;
    });
  };
  const inputs = refList('inputLayers', true);
  const outputs = refList('outputLayers', false);
  // Kahn's order over the calls: a call is ready once every call it reads from has run.
  const key = (layer: string, node: number): string => `${layer}\u0000${node}`;
  const all = entries.flatMap((e) => e.nodes);
  const waiting = new Map<string, number>();
  const readers = new Map<string, PlannedNode[]>();
  const sources = (node: PlannedNode): Reference[] => [
    ...node.inputs,
    ...Object.values(node.kwargs)
      .filter((v): v is Reference | readonly Reference[] => typeof v === 'object')
      .flat(),
  ];
  for (const node of all) {
    const from = sources(node).filter((ref) => byName.get(ref.layer)!.className !== 'InputLayer');
    waiting.set(key(node.layer, node.index), from.length);
    for (const ref of from) {
      const k = key(ref.layer, ref.node);
      const list = readers.get(k);
      if (list === undefined) readers.set(k, [node]);
      else list.push(node);
    }
  }
  const ready = all.filter((node) => waiting.get(key(node.layer, node.index)) === 0);
  const order: PlannedNode[] = [];
  // Linear in the calls and references: a 16 MB config cannot make this slow.
  for (let next = 0; next < ready.length; next++) {
    const node = ready[next]!;
    order.push(node);
    for (const reader of readers.get(key(node.layer, node.index)) ?? []) {
      const k = key(reader.layer, reader.index);
      const left = waiting.get(k)! - 1;
      waiting.set(k, left);
      if (left === 0) ready.push(reader);
    }
  }
  if (order.length < all.length) {
    const done = new Set(order);
    const stuck = all.find((node) => !done.has(node))!;
    tf.invalidArgument(
      where,
      'layers',
      'an acyclic graph (each call reads only tensors computed before it)',
      `a cycle through layer ${describeFromFile(stuck.layer)}`,
    );
  }
  return {
    entries,
    byName,
    order,
    inputs,
    outputs,
    inputNames: names(where, 'inputNames', own(config, 'inputNames'), inputs.length),
    outputNames: names(where, 'outputNames', own(config, 'outputNames'), outputs.length),
  };
}

function batchShape(r: ConfigReader): PlannedDim[] {
  const value = Object.hasOwn(r.config, 'batchShape') ? r.config.batchShape : undefined;
  const ok =
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= 33 &&
    value[0] === null &&
    value.slice(1).every((d) => d === null || (Number.isSafeInteger(d) && (d as number) > 0));
  if (!ok)
    tf.invalidArgument(
      r.where,
      'batchShape',
      'a shape [null, ...] of positive integers or null (the batch first)',
      describeFromFile(value),
    );
  return value as PlannedDim[];
}

function planFunctional(r: ConfigReader, config: LayerConfig, context: Context): LayerPlan {
  const { name, trainable } = r.common();
  const graph = check(r, config);
  const outputsOf = new Map<string, (readonly PlannedDim[] | null)[]>();
  const plans = new Map<string, LayerPlan>();
  let scalars = 0;
  for (const entry of graph.entries) {
    if (entry.className !== 'InputLayer') continue;
    const plan = planEntry(entry.raw, entry.where, null, context);
    plans.set(entry.name, plan);
    outputsOf.set(`${entry.name}\u00000`, [plan.output]);
  }
  for (const node of graph.order) {
    const entry = graph.byName.get(node.layer)!;
    const shapeOf = (ref: Reference): readonly PlannedDim[] | null =>
      outputsOf.get(`${ref.layer}\u0000${ref.node}`)?.[ref.tensor] ?? null;
    const input = node.inputs.length === 1 ? shapeOf(node.inputs[0]!) : null;
    const plan = planEntry(entry.raw, entry.where, input, context);
    if (!plans.has(entry.name)) plans.set(entry.name, plan);
    outputsOf.set(`${node.layer}\u0000${node.index}`, [plan.output]);
    // Making the model probes each call on two small batches: bound what that holds.
    scalars += plan.buildScalars * 3;
    if (scalars > MAX_BUILD_SCALARS) {
      throw new tf.ResourceExhaustedError(
        `${r.where}: building this model would hold ${scalars} scalars (layer outputs), more than the ${MAX_BUILD_SCALARS} loadModel allows.`,
        'loadModel',
      );
    }
  }
  const layers = graph.entries.map((e) => plans.get(e.name)!);
  const all: PlannedWeight[] | null = layers.some((l) => l.weights === null)
    ? null
    : layers.flatMap((l) => l.weights!.map((w) => ({ ...w, trainable: (trainable ?? true) && w.trainable })));
  const weights = all === null ? null : [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)];
  return { className: 'Functional', name, weights, output: null, buildScalars: scalars, layers };
}

function makeFunctional(r: ConfigReader, config: LayerConfig, context: Context): Layer {
  const graph = check(r, config);
  const made = new Map<string, Layer<LayerOutput>>();
  const values = new Map<string, SymbolicTensor[]>();
  try {
    for (const entry of graph.entries) {
      if (entry.className === 'InputLayer') {
        const reader = new ConfigReader(entry.raw.config, entry.where);
        const shape = batchShape(reader);
        const dtype = reader.oneOf('dtype', DTYPES) ?? 'float32';
        values.set(`${entry.name}\u00000`, [input({ shape: shape.slice(1), dtype, name: entry.name })]);
      } else {
        made.set(entry.name, makeEntry(entry.raw, entry.where, context));
      }
    }
    const valueOf = (ref: Reference, at: string, field: string): SymbolicTensor => {
      const outputs = values.get(`${ref.layer}\u0000${ref.node}`)!;
      const value = outputs[ref.tensor];
      if (value === undefined)
        tf.invalidArgument(
          at,
          field,
          `an output index below ${outputs.length} (layer ${describeFromFile(ref.layer)} call ${ref.node} has ${outputs.length} output(s))`,
          `${ref.tensor}`,
        );
      return value;
    };
    for (const node of graph.order) {
      const entry = graph.byName.get(node.layer)!;
      const layer = made.get(node.layer)!;
      const field = `inboundNodes[${node.index}]`;
      const args = node.inputs.map((ref, k) => valueOf(ref, entry.where, `${field}[${k}]`));
      const options: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node.kwargs)) {
        const kwarg = `${field}[0][3].${key}`;
        options[key] = Array.isArray(value)
          ? value.map((ref, k) => valueOf(ref, entry.where, `${kwarg}[${k}]`))
          : typeof value === 'object'
            ? valueOf(value as Reference, entry.where, kwarg)
            : value;
      }
      const output = layer.apply(args.length === 1 ? args[0]! : args, options);
      values.set(`${node.layer}\u0000${node.index}`, Array.isArray(output) ? output : [output]);
    }
    const inputs = graph.inputs.map((ref, i) => valueOf(ref, r.where, `inputLayers[${i}]`));
    const outputs = graph.outputs.map((ref, i) => valueOf(ref, r.where, `outputLayers[${i}]`));
    const structure = (list: SymbolicTensor[], names: readonly string[] | null) =>
      names !== null ? Object.fromEntries(names.map((n, i) => [n, list[i]!])) : list.length === 1 ? list[0]! : list;
    const { name, trainable } = r.common();
    return new Model({
      inputs: structure(inputs, graph.inputNames),
      outputs: structure(outputs, graph.outputNames),
      ...(name === undefined ? {} : { name }),
      ...(trainable === undefined ? {} : { trainable }),
    });
  } catch (error) {
    for (const layer of made.values()) layer.dispose();
    throw error;
  }
}

/** `InputLayer` and `Functional` (Keras 3's class name of a functional model; `Model` is read too). */
export const FUNCTIONAL_CLASSES: Readonly<Record<string, LayerClass>> = {
  InputLayer: {
    plan: (r) => {
      const shape = batchShape(r);
      r.oneOf('dtype', DTYPES);
      return { className: 'InputLayer', name: r.common().name, weights: [], output: shape, buildScalars: 0 };
    },
    make: (r) =>
      tf.invalidArgument(r.where, 'className', 'an InputLayer inside a functional model only', 'one on its own'),
  },
  Functional: {
    plan: (r, config, _input, context) => planFunctional(r, config, context),
    make: (r, config, context) => makeFunctional(r, config, context),
  },
  Model: {
    plan: (r, config, _input, context) => planFunctional(r, config, context),
    make: (r, config, context) => makeFunctional(r, config, context),
  },
};
