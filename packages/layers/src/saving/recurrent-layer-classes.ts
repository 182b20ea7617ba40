/**
 * @file The recurrent layer classes issue 14 adds to `loadModel`'s table (SimpleRNN, LSTM, GRU, group
 * w-rnn): each planned from its saved config without allocating (Keras' weights `kernel`,
 * `recurrent_kernel`, `bias` and the output shape) and made with every saved option. layer-table.ts
 * spreads RECURRENT_CLASSES into its one table.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { ACTIVATION_NAMES } from '../activations.js';
import type { ActivationName } from '../activations.js';
import type { Layer, LayerOutput } from '../layer.js';
import { GRU } from '../recurrent/gru.js';
import { LSTM } from '../recurrent/lstm.js';
import type { GatedRNNOptions } from '../recurrent/rnn-options.js';
import { gateCount } from '../recurrent/cell-spec.js';
import type { CellKind } from '../recurrent/cell-spec.js';
import { SimpleRNN } from '../recurrent/simple-rnn.js';
import { known, product } from './config-reader.js';
import type { ConfigReader, LayerClass, PlannedDim, PlannedWeight } from './config-reader.js';

const ACTIVATIONS = ACTIVATION_NAMES;

function units(r: ConfigReader): number {
  const value = r.integer('units', 1);
  if (value === undefined) tf.invalidArgument(r.where, 'units', 'a positive integer', 'nothing');
  return value;
}

/** Every option the recurrent layers share, read from the config (absent keys stay absent). */
function commonOptions(r: ConfigReader, gated: boolean): GatedRNNOptions {
  const entries: [string, unknown][] = [
    ['activation', r.oneOf<ActivationName>('activation', ACTIVATIONS)],
    ['recurrentActivation', gated ? r.oneOf<ActivationName>('recurrentActivation', ACTIVATIONS) : undefined],
    ['useBias', r.boolean('useBias')],
    // The saved weights replace the initial values; an initializer of the user's own is left out.
    ['kernelInitializer', known(r.string('kernelInitializer'))],
    ['recurrentInitializer', known(r.string('recurrentInitializer'))],
    ['biasInitializer', known(r.string('biasInitializer'))],
    ['kernelRegularizer', r.regularizer('kernelRegularizer')],
    ['recurrentRegularizer', r.regularizer('recurrentRegularizer')],
    ['biasRegularizer', r.regularizer('biasRegularizer')],
    ['dropout', r.number('dropout')],
    ['recurrentDropout', r.number('recurrentDropout')],
    ['seed', r.integer('seed', -(2 ** 31))],
    ['returnSequences', r.boolean('returnSequences')],
    ['returnState', r.boolean('returnState')],
    ['goBackwards', r.boolean('goBackwards')],
  ];
  return {
    ...r.common(),
    ...Object.fromEntries(entries.filter(([, value]) => value !== undefined)),
  };
}

/**
 * The table holds single-output layers' type; a recurrent layer with `returnState` returns an array,
 * which a `Sequential` refuses when it runs (as Keras does), so the saved layer is listed as it is.
 */
function asTableLayer(layer: Layer<LayerOutput>): Layer {
  return layer as Layer;
}

function recurrentClass(className: string, kind: CellKind, make: (r: ConfigReader) => Layer<LayerOutput>): LayerClass {
  return {
    plan(r, _config, input) {
      const { name, trainable } = r.common();
      const size = units(r);
      const useBias = r.boolean('useBias') ?? true;
      const resetAfter = kind === 'gru' ? (r.boolean('resetAfter') ?? true) : false;
      const returnSequences = r.boolean('returnSequences') ?? false;
      if (input !== null && input.length !== 3)
        tf.invalidArgument(
          r.where,
          'inputShape',
          'a shape of rank 3 ([batch, time, features])',
          `[${input.map((d) => d ?? 'null').join(',')}]`,
        );
      const inputDim: PlannedDim = input === null ? null : input[2]!;
      const width = gateCount(kind) * size;
      const stem = name === undefined ? '' : `${name}/`;
      const train = trainable ?? true;
      const weights: PlannedWeight[] = [
        { name: `${stem}kernel`, shape: [inputDim, width], trainable: train },
        { name: `${stem}recurrent_kernel`, shape: [size, width], trainable: train },
      ];
      if (useBias) weights.push({ name: `${stem}bias`, shape: resetAfter ? [2, width] : [width], trainable: train });
      const output: PlannedDim[] | null =
        input === null ? null : returnSequences ? [input[0]!, input[1]!, size] : [input[0]!, size];
      return { className, name, weights, output, buildScalars: output === null ? size : product(output.slice(1)) };
    },
    make: (r) => asTableLayer(make(r)),
  };
}

/** SimpleRNN, LSTM and GRU, by class name. */
export const RECURRENT_CLASSES: Readonly<Record<string, LayerClass>> = {
  SimpleRNN: recurrentClass('SimpleRNN', 'simpleRNN', (r) => new SimpleRNN(units(r), commonOptions(r, false))),
  LSTM: recurrentClass('LSTM', 'lstm', (r) => {
    const unitForgetBias = r.boolean('unitForgetBias');
    return new LSTM(units(r), {
      ...commonOptions(r, true),
      ...(unitForgetBias === undefined ? {} : { unitForgetBias }),
    });
  }),
  GRU: recurrentClass('GRU', 'gru', (r) => {
    const resetAfter = r.boolean('resetAfter');
    return new GRU(units(r), { ...commonOptions(r, true), ...(resetAfter === undefined ? {} : { resetAfter }) });
  }),
};
