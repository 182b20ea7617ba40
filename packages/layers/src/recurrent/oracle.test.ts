/**
 * @file SimpleRNN, LSTM and GRU against PyTorch float64 (`__fixtures__/rnn-oracle.json`, made by
 * generate_rnn.py beside it with weights converted between Keras' and PyTorch's layouts): outputs,
 * final states, and the gradients of a weighted sum of them w.r.t. x, every weight and the initial
 * states, for sequences, last outputs, goBackwards, initial states, masks and GRU reset-before.
 */
import '../test-setup.js';
import { readFileSync } from 'node:fs';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';

interface Flat {
  readonly shape: number[];
  readonly values: number[];
}
interface Case {
  readonly name: string;
  readonly kind: 'simpleRNN' | 'lstm' | 'gru';
  readonly units: number;
  readonly options: {
    readonly returnSequences?: boolean;
    readonly returnState?: boolean;
    readonly goBackwards?: boolean;
    readonly resetAfter?: boolean;
  };
  readonly x: Flat;
  readonly initialState: Flat[] | null;
  readonly mask: Flat | null;
  readonly weights: Record<'kernel' | 'recurrentKernel' | 'bias', Flat>;
  readonly outputWeights: Flat[];
  readonly outputs: Flat[];
  readonly gradients: Record<'x' | 'kernel' | 'recurrentKernel' | 'bias', Flat> & { initialState: Flat[] | null };
}

// tsconfig.base.json has no `resolveJsonModule`, so the fixture is read rather than imported.
const oracle = JSON.parse(readFileSync(new URL('./__fixtures__/rnn-oracle.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const toTensor = (f: Flat): tf.Tensor => tf.tensor(f.values, f.shape);

function expectClose(actual: tf.Tensor | null, expected: Flat, what: string, tolerance = 5e-5): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.shape, what).toEqual(expected.shape);
  const values = Array.from(actual!.dataSync());
  values.forEach((v, i) => {
    const e = expected.values[i]!;
    expect(Math.abs(v - e), `${what}[${i}]: ${v} vs ${e}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(e)));
  });
}

function makeLayer(c: Case): SimpleRNN<boolean> | LSTM<boolean> | GRU<boolean> {
  if (c.kind === 'lstm') return new LSTM(c.units, c.options);
  if (c.kind === 'gru') return new GRU(c.units, c.options);
  return new SimpleRNN(c.units, c.options);
}

describe('recurrent layers against PyTorch float64', () => {
  for (const c of oracle.cases) {
    it(c.name, () => {
      const layer = makeLayer(c);
      const start = tf.memory().numTensors;
      tf.tidy(() => {
        const x = toTensor(c.x);
        layer.apply(x); // builds
        layer.setWeights([toTensor(c.weights.kernel), toTensor(c.weights.recurrentKernel), toTensor(c.weights.bias)]);
        const states = c.initialState?.map(toTensor);
        const mask = c.mask === null ? undefined : tf.cast(toTensor(c.mask), 'bool');
        const tape = new GradientTape({ persistent: true });
        if (states !== undefined) states.forEach((s) => tape.watch(s));
        tape.watch(x);
        let loss: tf.Tensor | undefined;
        const outputs = tape.record(() => {
          const result = layer.apply(x, {
            ...(states === undefined ? {} : { initialState: states }),
            ...(mask === undefined ? {} : { mask }),
          });
          const list = Array.isArray(result) ? result : [result];
          loss = list
            .map((o, k) => tf.reduceSum(tf.mul(o, toTensor(c.outputWeights[k]!))))
            .reduce((a, b) => tf.add(a, b));
          return list;
        });
        expect(outputs.length).toBe(c.outputs.length);
        outputs.forEach((o, k) => expectClose(o, c.outputs[k]!, `outputs[${k}]`));
        const [dx, dKernel, dRecurrent, dBias] = tape.gradient(loss!, [
          x,
          layer.kernel,
          layer.recurrentKernel,
          layer.bias!,
        ]);
        expectClose(dx, c.gradients.x, 'd/dx');
        expectClose(dKernel, c.gradients.kernel, 'd/dkernel');
        expectClose(dRecurrent, c.gradients.recurrentKernel, 'd/drecurrentKernel');
        expectClose(dBias, c.gradients.bias, 'd/dbias');
        if (states !== undefined) {
          const dStates = tape.gradient(loss!, states);
          dStates.forEach((g, k) => expectClose(g, c.gradients.initialState![k]!, `d/dinitialState[${k}]`));
        }
        tape.dispose();
      });
      layer.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }
});
