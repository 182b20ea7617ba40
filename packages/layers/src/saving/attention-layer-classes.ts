/**
 * @file The layer classes issue 14's merge and attention group adds to `loadModel`'s table: the merge
 * layers (weightless; planned from their first input's shape) and MultiHeadAttention (its eight
 * weights planned under Keras' names; the key and value sizes are unknown from the query's shape, so
 * those dimensions are left open and checked against the weights file when it is read).
 * layer-table.ts spreads ATTENTION_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { MultiHeadAttention } from '../attention/multi-head-attention.js';
import type { Layer } from '../layer.js';
import { Dot } from '../dot.js';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from '../merge.js';
import { known, product, sameShape } from './config-reader.js';
import type { ConfigReader, LayerClass, PlannedDim, PlannedWeight } from './config-reader.js';

const elementwise = (className: string, make: (r: ConfigReader) => Layer): LayerClass => sameShape(className, make);

function axesOf(r: ConfigReader): number | [number, number] {
  const expected = 'an integer or a list of two integers';
  if (Array.isArray(Object.hasOwn(r.config, 'axes') ? r.config.axes : undefined)) {
    const pair = r.integers('axes', (d) => d >= -32 && d <= 32, expected)!;
    if (pair.length !== 2) tf.invalidArgument(r.where, 'axes', expected, `a list of ${pair.length}`);
    return [pair[0]!, pair[1]!];
  }
  const axis = r.integer('axes', -32);
  if (axis === undefined) tf.invalidArgument(r.where, 'axes', expected, 'nothing');
  return axis;
}

function required(r: ConfigReader, key: string): number {
  const value = r.integer(key, 1);
  if (value === undefined) tf.invalidArgument(r.where, key, 'a positive integer', 'nothing');
  return value;
}

function makeAttention(r: ConfigReader): MultiHeadAttention {
  const numHeads = required(r, 'numHeads');
  const keyDim = required(r, 'keyDim');
  const valueDim = r.integer('valueDim', 1);
  const dropout = r.number('dropout');
  const useBias = r.boolean('useBias');
  const outputShape = r.integer('outputShape', 1);
  const seed = r.integer('seed', -(2 ** 31));
  const kernelInitializer = known(r.string('kernelInitializer'));
  const biasInitializer = known(r.string('biasInitializer'));
  const kernelRegularizer = r.regularizer('kernelRegularizer');
  const biasRegularizer = r.regularizer('biasRegularizer');
  return new MultiHeadAttention({
    ...r.common(),
    numHeads,
    keyDim,
    ...(valueDim === undefined ? {} : { valueDim }),
    ...(dropout === undefined ? {} : { dropout }),
    ...(useBias === undefined ? {} : { useBias }),
    ...(outputShape === undefined ? {} : { outputShape }),
    ...(seed === undefined ? {} : { seed }),
    ...(kernelInitializer === undefined ? {} : { kernelInitializer }),
    ...(biasInitializer === undefined ? {} : { biasInitializer }),
    ...(kernelRegularizer === undefined ? {} : { kernelRegularizer }),
    ...(biasRegularizer === undefined ? {} : { biasRegularizer }),
  });
}

/** Merge layers and MultiHeadAttention, by class name. */
export const ATTENTION_CLASSES: Readonly<Record<string, LayerClass>> = {
  Add: elementwise('Add', (r) => new Add(r.common())),
  Subtract: elementwise('Subtract', (r) => new Subtract(r.common())),
  Multiply: elementwise('Multiply', (r) => new Multiply(r.common())),
  Average: elementwise('Average', (r) => new Average(r.common())),
  Maximum: elementwise('Maximum', (r) => new Maximum(r.common())),
  Minimum: elementwise('Minimum', (r) => new Minimum(r.common())),
  Concatenate: {
    plan(r, _config, input) {
      const axis = r.integer('axis', -32) ?? -1;
      const at = input === null ? -1 : axis < 0 ? axis + input.length : axis;
      const output = input === null ? null : input.map((d, i) => (i === at ? null : d));
      return { className: 'Concatenate', name: r.common().name, weights: [], output, buildScalars: 0 };
    },
    make(r) {
      const axis = r.integer('axis', -32);
      return new Concatenate({ ...r.common(), ...(axis === undefined ? {} : { axis }) });
    },
  },
  Dot: {
    plan: (r) => {
      axesOf(r);
      return { className: 'Dot', name: r.common().name, weights: [], output: null, buildScalars: 0 };
    },
    make(r) {
      const normalize = r.boolean('normalize');
      return new Dot({ ...r.common(), axes: axesOf(r), ...(normalize === undefined ? {} : { normalize }) });
    },
  },
  MultiHeadAttention: {
    plan(r, _config, input) {
      const { name, trainable } = r.common();
      // Made and disposed at once (it has no weights before it is built): checks every option.
      const layer = makeAttention(r);
      const { numHeads, keyDim, valueDim, useBias, outputDim } = layer;
      layer.dispose();
      const queryDim: PlannedDim = input === null ? null : (input[input.length - 1] ?? null);
      const outDim = outputDim ?? queryDim;
      const stem = name === undefined ? '' : `${name}/`;
      const train = trainable ?? true;
      const weights: PlannedWeight[] = [];
      const add = (weight: string, shape: PlannedDim[]): void => {
        weights.push({ name: `${stem}${weight}`, shape, trainable: train });
      };
      for (const [projection, dim, headDim] of [
        ['query', queryDim, keyDim],
        ['key', null, keyDim],
        ['value', null, valueDim],
      ] as const) {
        add(`${projection}/kernel`, [dim, numHeads, headDim]);
        if (useBias) add(`${projection}/bias`, [numHeads, headDim]);
      }
      add('attention_output/kernel', [numHeads, valueDim, outDim]);
      if (useBias) add('attention_output/bias', [outDim]);
      const output = input === null ? null : [...input.slice(0, -1), outDim];
      return {
        className: 'MultiHeadAttention',
        name,
        weights,
        output,
        buildScalars: output === null ? 0 : product(output.slice(1)),
      };
    },
    make: (r) => makeAttention(r),
  },
};
