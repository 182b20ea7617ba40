/**
 * @file MultiHeadAttention against a PyTorch float64 reference written from its formula
 * (`__fixtures__/attention-oracle.json`, made by generate_attention.py beside it): outputs, attention
 * scores and gradients with respect to query, value, key and every weight, for self-attention,
 * cross-attention with different lengths and an explicit mask, padding masks inherited as from an
 * Embedding(maskZero), and a causal mask. Also Keras' weight names and layouts, dropout, the two
 * `apply` forms, symbolic inputs, config and summary, and bad input.
 */
import '../test-setup.js';
import { readFileSync } from 'node:fs';
import { GradientTape } from '@tapeflow/autodiff-tape';
import * as tf from '@tapeflow/tensor-core';
import { describe, expect, it } from 'vitest';
import { input } from '../functional/input.js';
import { SymbolicTensor } from '../functional/symbolic-tensor.js';
import { attachMask, maskOf } from '../masks.js';
import { Model } from '../model.js';
import { MultiHeadAttention } from './multi-head-attention.js';

interface Flat {
  readonly shape: number[];
  readonly values: (number | boolean)[];
}
interface Case {
  readonly name: string;
  readonly options: { numHeads: number; keyDim: number; valueDim: number; useBias: boolean; outputShape: number };
  readonly causal: boolean;
  readonly inputs: { query: Flat; value: Flat; key?: Flat };
  readonly weights: Record<string, Flat>;
  readonly upstream: Flat;
  readonly output: Flat;
  readonly scores: Flat;
  readonly gradients: Record<string, Flat>;
  readonly queryMask?: Flat;
  readonly valueMask?: Flat;
  readonly attentionMask?: Flat;
}

const oracle = JSON.parse(readFileSync(new URL('./__fixtures__/attention-oracle.json', import.meta.url), 'utf8')) as {
  cases: Case[];
};

const toTensor = (f: Flat): tf.Tensor =>
  typeof f.values[0] === 'boolean' ? tf.tensor(f.values, f.shape, 'bool') : tf.tensor(f.values, f.shape);

function expectClose(actual: tf.Tensor, expected: Flat, tolerance: number, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const got = actual.dataSync();
  const scale = Math.max(1, ...expected.values.map((v) => Math.abs(v as number)));
  let worst = 0;
  expected.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i]! - (v as number)))));
  expect(worst / scale, `${what}: max abs difference ${worst}`).toBeLessThan(tolerance);
}

describe('MultiHeadAttention against PyTorch float64', () => {
  for (const c of oracle.cases) {
    it(c.name, () => {
      const layer = new MultiHeadAttention({ ...c.options, name: 'mha' });
      const query = tf.variable(toTensor(c.inputs.query));
      const value = tf.variable(toTensor(c.inputs.value));
      const key = c.inputs.key === undefined ? undefined : tf.variable(toTensor(c.inputs.key));
      // Build, then load the reference weights by Keras' names.
      tf.dispose(layer.apply(query, value, key));
      const names = layer.variables.map((v) => v.name.replace(/^mha\//, ''));
      expect(names).toEqual(Object.keys(c.weights));
      layer.setWeights(names.map((n) => toTensor(c.weights[n]!)));
      if (c.queryMask !== undefined) attachMask(query, toTensor(c.queryMask));
      if (c.valueMask !== undefined && key === undefined) attachMask(value, toTensor(c.valueMask));
      const options = {
        useCausalMask: c.causal,
        returnAttentionScores: true as const,
        ...(c.attentionMask === undefined ? {} : { attentionMask: toTensor(c.attentionMask) }),
      };
      const tape = new GradientTape();
      const [output, scores] = tape.record(() => layer.apply(query, value, key, options));
      const loss = tape.record(() => tf.reduceSum(tf.mul(output, toTensor(c.upstream))));
      expectClose(output, c.output, 1e-5, 'output');
      expectClose(scores, c.scores, 1e-5, 'scores');
      const sources = [query, value, ...(key === undefined ? [] : [key]), ...layer.variables];
      const grads = tape.gradient(loss, sources) as tf.Tensor[];
      const gradNames = ['query', 'value', ...(key === undefined ? [] : ['key']), ...names];
      gradNames.forEach((n, i) => expectClose(grads[i]!, c.gradients[n]!, 1e-4, `d/d ${n}`));
    });
  }
});

describe('MultiHeadAttention', () => {
  it("has Keras' weights, in Keras' order and layouts, and a parameter count", () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5, name: 'att' });
    const y = layer.apply(tf.ones([4, 6, 8]), tf.ones([4, 7, 10]), tf.ones([4, 7, 9]));
    expect(y.shape).toEqual([4, 6, 8]);
    expect(layer.variables.map((v) => [v.name, v.shape])).toEqual([
      ['att/query/kernel', [8, 2, 3]],
      ['att/query/bias', [2, 3]],
      ['att/key/kernel', [9, 2, 3]],
      ['att/key/bias', [2, 3]],
      ['att/value/kernel', [10, 2, 5]],
      ['att/value/bias', [2, 5]],
      ['att/attention_output/kernel', [2, 5, 8]],
      ['att/attention_output/bias', [8]],
    ]);
    expect(layer.countParams()).toBe(8 * 6 + 6 + 9 * 6 + 6 + 10 * 10 + 10 + 80 + 8);
  });

  it('takes the base form apply([query, value, key?]) and apply(query, value, options)', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, seed: 3 });
    const x = tf.random.normal([2, 3, 4], { seed: 1 });
    const a = layer.apply(x, x, undefined, { useCausalMask: true });
    const b = layer.apply([x, x], { useCausalMask: true } as never) as tf.Tensor;
    const c = layer.apply(x, x, { useCausalMask: true });
    const [, withoutKey] = layer.apply(x, x, { returnAttentionScores: true });
    expect(withoutKey.shape).toEqual([2, 2, 3, 3]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    // The causal mask matters: the first query sees only the first key.
    const [, scores] = layer.apply(x, x, undefined, { useCausalMask: true, returnAttentionScores: true });
    expect((scores.arraySync() as number[][][][])[0]![1]![0]).toEqual([1, 0, 0]);
  });

  it('keeps the query mask on the output', () => {
    const layer = new MultiHeadAttention({ numHeads: 1, keyDim: 2 });
    const x = tf.ones([1, 3, 2]);
    attachMask(x, tf.tensor([[true, true, false]], undefined, 'bool'));
    const y = layer.apply(x, x);
    expect(maskOf(y)!.arraySync()).toEqual([[true, true, false]]);
  });

  it('drops attention probabilities in training only, seeded', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 0.5, seed: 9 });
    const x = tf.random.normal([2, 6, 8], { seed: 2 });
    const [, inference] = layer.apply(x, x, undefined, { returnAttentionScores: true });
    const sums = tf.reduceSum(inference, -1).dataSync();
    sums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    const trained = layer.apply(x, x, undefined, { training: true });
    const plain = layer.apply(x, x);
    expect(Array.from(trained.dataSync())).not.toEqual(Array.from(plain.dataSync()));
  });

  it('applies to symbolic inputs', () => {
    const q = input({ shape: [5, 8] });
    const v = input({ shape: [7, 6] });
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, outputShape: 4 });
    const y = layer.apply(q, v);
    expect(y).toBeInstanceOf(SymbolicTensor);
    expect((y as SymbolicTensor).shape).toEqual([null, 5, 4]);
    const both = layer.apply([q, v], { returnAttentionScores: true }) as SymbolicTensor[];
    expect(both.map((s) => s.shape)).toEqual([
      [null, 5, 4],
      [null, 2, 5, 7],
    ]);
  });

  it('shows in a model summary with its output shape and parameter count', () => {
    class Attend extends Model {
      readonly attention = new MultiHeadAttention({ numHeads: 2, keyDim: 3, name: 'self_attention' });
      call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
        const h = x as tf.Tensor;
        return this.attention.apply(h, h);
      }
    }
    const model = new Attend();
    model.build([null, 5, 8]);
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    // 8·6 + 6 for each of query, key, value; 2·3·8 + 8 for the output projection.
    expect(lines.some((l) => /self_attention \(MultiHeadAttention\).*\(None, 5, 8\).*218/.test(l))).toBe(true);
  });

  it('has a config', () => {
    const layer = new MultiHeadAttention({ numHeads: 4, keyDim: 8, dropout: 0.1, name: 'm', outputShape: [3] });
    expect(layer.getConfig()).toEqual({
      name: 'm',
      trainable: true,
      numHeads: 4,
      keyDim: 8,
      valueDim: 8,
      dropout: 0.1,
      useBias: true,
      outputShape: 3,
      kernelInitializer: 'glorotUniform',
      biasInitializer: 'zeros',
    });
  });

  it('refuses bad options and bad inputs with typed errors naming the argument', () => {
    expect(() => new MultiHeadAttention({ numHeads: 2 } as never)).toThrow(/keyDim.*positive integer.*nothing/);
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 0 })).toThrow(tf.InvalidArgumentError);
    expect(() => new MultiHeadAttention({ numHeads: 1.5, keyDim: 2 })).toThrow(/numHeads/);
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, attentionAxes: [1, 2] })).toThrow(/attentionAxes/);
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2, dropout: 1 })).toThrow(/dropout/);
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, name: 'att' });
    expect(() => layer.apply(tf.ones([2, 4]), tf.ones([2, 4]))).toThrow(/att\.apply.*query.*rank 3.*\[2,4\]/);
    expect(() => layer.apply(tf.ones([2, 3, 4]), tf.ones([3, 3, 4]))).toThrow(/batch size \(2\)/);
    expect(() => layer.apply(tf.ones([2, 3, 4]), tf.ones([2, 5, 4]), tf.ones([2, 4, 4]))).toThrow(
      /key.*value's length \(5\)/,
    );
    tf.dispose(layer.apply(tf.ones([2, 3, 4]), tf.ones([2, 5, 4])));
    expect(() => layer.apply(tf.ones([2, 3, 6]), tf.ones([2, 5, 4]))).toThrow(/query.*last dimension of 4/);
    expect(() =>
      layer.apply(tf.ones([2, 3, 4]), tf.ones([2, 5, 4]), undefined, {
        attentionMask: tf.ones([2, 3, 4], 'bool'),
      }),
    ).toThrow(/attentionMask.*\[2,3,5\].*\[2,3,4\]/);
    // A refused input makes no weight and leaves no tensor; the layer still works afterwards.
    const fresh = new MultiHeadAttention({ numHeads: 2, keyDim: 2 });
    const flat = tf.ones([2, 4]);
    const query = tf.ones([2, 3, 4]);
    const before = tf.memory();
    expect(() => fresh.apply(flat, flat)).toThrow(tf.InvalidArgumentError);
    expect(fresh.built).toBe(false);
    expect(tf.memory().numVariables).toBe(before.numVariables);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    tf.dispose(fresh.apply(query, query));
    const built = tf.memory();
    expect(built.numVariables).toBe(before.numVariables + 8);
    expect(() => fresh.apply(query, query, undefined, { attentionMask: flat })).toThrow(/attentionMask/);
    expect(tf.memory().numTensors).toBe(built.numTensors);
    expect(fresh.apply(query, query).shape).toEqual([2, 3, 4]);
    expect(() => layer.apply(tf.ones([2, 3, 4]), tf.ones([2, 5, 4]), undefined, { causal: true } as never)).toThrow(
      /causal/,
    );
  });
});
