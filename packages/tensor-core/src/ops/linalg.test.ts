/**
 * @file `tensordot`, `dot`, `outerProduct`, `norm` and `einsum` against a naive reference written here
 * (a loop over every assignment of the subscripts, in float64) and hand-worked small cases, as
 * functions and Tensor methods; and their bad input: typed errors naming the op, the argument, the
 * letter and both sizes, leaving no tensor behind.
 */
import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import { uniform } from '../random-api.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectCleanError(fn: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

function expectClose(actual: Tensor, expected: { shape: number[]; values: number[] }): void {
  expect(actual.shape).toEqual(expected.shape);
  const got = values(actual);
  expect(got.length).toBe(expected.values.length);
  got.forEach((v, i) =>
    expect(Math.abs(v - expected.values[i]!)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected.values[i]!))),
  );
}

let seed = 1;
const rand = (shape: number[]): Tensor => uniform(shape, { minval: -1, maxval: 1, seed: seed++ });

/**
 * The naive einsum: `terms` are each operand's labels (one per dim, already expanded), `output` the
 * output's; every assignment of every label is visited and the product of the operands' entries is
 * added to the output entry. Sizes come from the operands; a label of size 1 in one operand and n in
 * another broadcasts (reads index 0 there).
 */
function naiveEinsum(terms: string[][], output: string[], operands: Tensor[]): { shape: number[]; values: number[] } {
  const size = new Map<string, number>();
  terms.forEach((labels, i) =>
    labels.forEach((label, d) => size.set(label, Math.max(size.get(label) ?? 1, operands[i]!.shape[d]!))),
  );
  const labels = [...size.keys()];
  const data = operands.map((t) => Array.from(t.dataSync()));
  const outShape = output.map((label) => size.get(label)!);
  const out = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
  const assignment = new Map<string, number>(labels.map((label) => [label, 0]));
  const total = labels.reduce((n, label) => n * size.get(label)!, 1);
  const offset = (shape: readonly number[], at: (d: number) => number): number =>
    shape.reduce((o, extent, d) => o * extent + (extent === 1 ? 0 : at(d)), 0);
  for (let n = 0; n < total; n++) {
    let rem = n;
    for (let k = labels.length - 1; k >= 0; k--) {
      const extent = size.get(labels[k]!)!;
      assignment.set(labels[k]!, rem % extent);
      rem = Math.floor(rem / extent);
    }
    let product = 1;
    terms.forEach((termLabels, i) => {
      product *= data[i]![offset(operands[i]!.shape, (d) => assignment.get(termLabels[d]!)!)]!;
    });
    const at = offset(outShape, (d) => assignment.get(output[d]!)!);
    out[at] = out[at]! + product;
  }
  return { shape: outShape, values: out };
}

const split = (s: string): string[] => s.split('');

describe('tensordot', () => {
  it('contracts the last N axes of a with the first N of b, or the given axis pairs', () => {
    const a = rand([2, 3, 4]);
    const b = rand([3, 4, 5]);
    expectClose(tf.tensordot(a, b, 2), naiveEinsum([split('ijk'), split('jkl')], split('il'), [a, b]));
    expectClose(
      a.tensordot(b, [
        [1, 2],
        [0, 1],
      ]),
      naiveEinsum([split('ijk'), split('jkl')], split('il'), [a, b]),
    );
    const c = rand([4, 3]);
    expectClose(
      tf.tensordot(a, c, [
        [-1, 1],
        [0, 1],
      ]),
      naiveEinsum([split('ijk'), split('kj')], split('i'), [a, c]),
    );
    expectClose(tf.tensordot(a, c, [2, 0]), naiveEinsum([split('ijk'), split('kl')], split('ijl'), [a, c]));
    // axes 0: the outer product of everything.
    expectClose(
      tf.tensordot(c, tf.tensor([2, 3]), 0),
      naiveEinsum([split('ij'), split('k')], split('ijk'), [c, tf.tensor([2, 3])]),
    );
  });

  it('refuses mismatched dims (naming both), too many axes, unequal lists, mixed dtypes', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([4, 2]);
    const ints = tf.zeros([3], 'int32');
    expectCleanError(
      () => tf.tensordot(a, b, 1),
      InvalidArgumentError,
      /tensordot: argument 'b' expected dimension 0 to match dimension 1 of a.*\[2,3\].*\[4,2\].*3 vs\. 4/,
    );
    expectCleanError(
      () => tf.tensordot(a, b, 3),
      InvalidArgumentError,
      /tensordot: argument 'axes' expected an integer in \[0, 2\]/,
    );
    expectCleanError(
      () => tf.tensordot(a, b, [[0, 1], [1]]),
      InvalidArgumentError,
      /tensordot: argument 'axes' expected two lists of the same length/,
    );
    expectCleanError(
      () => tf.tensordot(a, b, [[2], [0]]),
      InvalidArgumentError,
      /tensordot: argument 'axes\[0\]\[0\]' expected an integer in \[-2, 2\)/,
    );
    expectCleanError(
      () =>
        tf.tensordot(a, b, [
          [0, 0],
          [1, 1],
        ]),
      InvalidArgumentError,
      /distinct axes/,
    );
    expectCleanError(
      () => tf.tensordot(a, ints, 1),
      InvalidArgumentError,
      /tensordot: argument 'b' expected dtype float32/,
    );
    expectCleanError(
      () => tf.tensordot(a, b, 'x' as never),
      InvalidArgumentError,
      /tensordot: argument 'axes' expected a number or a pair/,
    );
  });
});

describe('dot and outerProduct', () => {
  it("follow TensorFlow.js' ranks: vector·vector, matrix·vector, vector·matrix, matrix·matrix", () => {
    const v = tf.tensor([1, 2, 3]);
    const m = tf.tensor([1, 0, 2, -1, 3, 1], [2, 3]);
    expect(tf.dot(v, v).shape).toEqual([]);
    expect(values(tf.dot(v, v))).toEqual([14]);
    expect(values(m.dot(v))).toEqual([7, 8]);
    expect(values(tf.dot(tf.tensor([1, 2]), m))).toEqual([-1, 6, 4]);
    expectClose(tf.dot(m, tf.transpose(m)), naiveEinsum([split('ij'), split('kj')], split('ik'), [m, m]));
    expect(values(tf.outerProduct(tf.tensor([1, 2]), tf.tensor([3, 4, 5])))).toEqual([3, 4, 5, 6, 8, 10]);
    expect(tf.tensor([1, 2]).outerProduct(tf.tensor([3])).shape).toEqual([2, 1]);
  });

  it('refuse other ranks and mismatched inner dims', () => {
    const v = tf.tensor([1, 2, 3]);
    const t3 = tf.zeros([1, 1, 3]);
    const two = tf.zeros([2]);
    const square = tf.zeros([2, 2]);
    const bools = tf.tensor([1, 0], [2], 'bool');
    expectCleanError(
      () => tf.dot(t3, v),
      InvalidArgumentError,
      /dot: argument 'a' expected a tensor of rank 1 or 2, but got shape \[1,1,3\]/,
    );
    expectCleanError(
      () => tf.dot(v, two),
      InvalidArgumentError,
      /dot: argument 'b' expected inner dimensions to match.*3 vs\. 2/,
    );
    expectCleanError(
      () => tf.outerProduct(v, square),
      InvalidArgumentError,
      /outerProduct: argument 'b' expected a tensor of rank 1, but got shape \[2,2\]/,
    );
    expectCleanError(() => tf.outerProduct(bools, v), InvalidArgumentError, /outerProduct/);
  });
});

describe('norm', () => {
  const x = tf.tensor([3, -4, 0, 12, 1, -2], [2, 3]);
  it('gives vector norms over all of x or one axis, and matrix norms over two axes, as TensorFlow', () => {
    expect(values(tf.norm(tf.tensor([3, 4])))).toEqual([5]);
    expect(values(tf.norm(x))[0]).toBeCloseTo(Math.sqrt(9 + 16 + 144 + 1 + 4), 5);
    expect(values(x.norm({ axis: 1, ord: 1 }))).toEqual([7, 15]);
    expect(values(tf.norm(x, { axis: 0, ord: Infinity }))).toEqual([12, 4, 2]);
    expect(values(tf.norm(x, { axis: -1, ord: -Infinity }))).toEqual([0, 1]);
    expect(values(tf.norm(x, { axis: 0, ord: 3 }))[0]).toBeCloseTo(Math.cbrt(27 + 1728), 4);
    expect(values(tf.norm(x, { ord: 0.5, axis: 1 }))[1]).toBeCloseTo((Math.sqrt(12) + 1 + Math.sqrt(2)) ** 2, 3);
    expect(tf.norm(x, { axis: 1, keepDims: true }).shape).toEqual([2, 1]);
    // Matrix norms: 1 is the largest column sum of |x| (15, 5, 2), Infinity the largest row sum (7, 15).
    expect(values(tf.norm(x, { ord: 1, axis: [0, 1] }))).toEqual([15]);
    expect(values(tf.norm(x, { ord: Infinity, axis: [0, 1] }))).toEqual([15]);
    expect(values(tf.norm(x, { ord: -Infinity, axis: [0, 1] }))).toEqual([7]);
    expect(values(tf.norm(x, { ord: 1, axis: [1, 0] }))).toEqual([15]);
    expect(values(tf.norm(x, { ord: 'fro', axis: [0, 1] }))[0]).toBeCloseTo(Math.sqrt(174), 5);
    expect(tf.norm(x, { ord: 'fro', axis: [0, 1], keepDims: true }).shape).toEqual([1, 1]);
    const batch = tf.reshape(tf.range(0, 12), [3, 2, 2]);
    expect(values(tf.norm(batch, { ord: Infinity, axis: [1, 2] }))).toEqual([5, 13, 21]);
  });

  it('refuses orders TensorFlow refuses, bad axes and non-float input; the spectral norm is unimplemented', () => {
    expectCleanError(
      () => tf.norm(x, { ord: 'fro' }),
      InvalidArgumentError,
      /norm: argument 'options.ord' expected a vector norm.*'fro'/,
    );
    expectCleanError(
      () => tf.norm(x, { ord: 0 }),
      InvalidArgumentError,
      /norm: argument 'options.ord' expected .*> 0, but got 0/,
    );
    expectCleanError(
      () => tf.norm(x, { ord: 3, axis: [0, 1] }),
      InvalidArgumentError,
      /norm: argument 'options.ord' expected 'fro', 'euclidean', 1, Infinity or -Infinity/,
    );
    expectCleanError(
      () => tf.norm(x, { ord: 2, axis: [0, 1] }),
      UnimplementedError,
      /norm: argument 'options.ord' 2 over two axes .*singular value decomposition/,
    );
    expectCleanError(
      () => tf.norm(x, { axis: [1, 1] }),
      InvalidArgumentError,
      /norm: argument 'options.axis' expected two distinct axes/,
    );
    expectCleanError(
      () => tf.norm(x, { axis: [0, 1, 2] as never }),
      InvalidArgumentError,
      /norm: argument 'options.axis' expected an integer, a pair/,
    );
    expectCleanError(
      () => tf.norm(x, { axis: 2 }),
      InvalidArgumentError,
      /norm: argument 'options.axis' expected an integer in \[-2, 2\)/,
    );
    expectCleanError(() => tf.norm(x, { ord: 'max' as never }), InvalidArgumentError, /norm: argument 'options.ord'/);
    expectCleanError(() => tf.norm(x, { keepdims: true } as never), InvalidArgumentError, /did you mean 'keepDims'/);
    const ints = tf.tensor([1, 2], [2], 'int32');
    expectCleanError(
      () => tf.norm(ints),
      InvalidArgumentError,
      /norm: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
  });
});

describe('einsum', () => {
  it('matches the naive sum for explicit, implicit, batched, reduced, multi-operand equations', () => {
    const a = rand([2, 3]);
    const b = rand([3, 4]);
    const c = rand([4, 2]);
    const batchA = rand([5, 2, 3]);
    const batchB = rand([5, 3, 4]);
    const cases: [string, Tensor[], string[][], string[]][] = [
      ['ij,jk->ik', [a, b], [split('ij'), split('jk')], split('ik')],
      ['ij,jk', [a, b], [split('ij'), split('jk')], split('ik')],
      ['ij->ji', [a], [split('ij')], split('ji')],
      ['ij->', [a], [split('ij')], []],
      ['ij->j', [a], [split('ij')], split('j')],
      ['ba', [a], [split('ba')], split('ab')],
      ['bij,bjk->bik', [batchA, batchB], [split('bij'), split('bjk')], split('bik')],
      ['bij,bjk->kb', [batchA, batchB], [split('bij'), split('bjk')], split('kb')],
      ['ij,jk,kl->il', [a, b, c], [split('ij'), split('jk'), split('kl')], split('il')],
      ['ij,jk,ki->', [a, b, c], [split('ij'), split('jk'), split('ki')], []],
      ['ij,kl->ijkl', [a, c], [split('ij'), split('kl')], split('ijkl')],
      ['i,i->', [tf.tensor([1, 2, 3]), tf.tensor([4, 5, 6])], [['i'], ['i']], []],
      [' i j , j k -> i k ', [a, b], [split('ij'), split('jk')], split('ik')],
    ];
    for (const [equation, operands, terms, output] of cases) {
      expectClose(tf.einsum(equation, ...operands), naiveEinsum(terms, output, operands));
    }
  });

  it("takes diagonals of repeated letters and broadcasts '...' dims as TensorFlow", () => {
    const m = rand([3, 3]);
    const cube = rand([2, 2, 2]);
    expectClose(
      tf.einsum('ii->i', m),
      naiveEinsum(
        [split('ii').slice(0, 1)],
        ['i'],
        [
          tf.tensor(
            values(m).filter((_, k) => k % 4 === 0),
            [3],
          ),
        ],
      ),
    );
    expect(values(tf.einsum('ii', tf.tensor([1, 2, 3, 4], [2, 2])))).toEqual([5]);
    expect(values(tf.einsum('iii->i', cube))).toEqual([values(cube)[0]!, values(cube)[7]!]);
    const batch = rand([4, 2, 2]);
    const diagonals = tf.einsum('bii->bi', batch);
    expect(diagonals.shape).toEqual([4, 2]);
    expect(values(diagonals)).toEqual(values(batch).filter((_, k) => k % 4 === 0 || k % 4 === 3));
    const x = rand([2, 1, 3, 4]);
    const y = rand([5, 4, 2]);
    expectClose(
      tf.einsum('...ij,...jk->...ik', x, y),
      naiveEinsum([split('abij'), split('bjk')], split('abik'), [x, y]),
    );
    expectClose(tf.einsum('...ij,...jk', x, y), naiveEinsum([split('abij'), split('bjk')], split('abik'), [x, y]));
    const z = rand([3, 2]);
    expectClose(tf.einsum('i...->...i', z), naiveEinsum([split('ia')], split('ai'), [z]));
    const w = rand([4]);
    expectClose(tf.einsum('...i,i->...', x, w), naiveEinsum([split('abcd'), split('d')], split('abc'), [x, w]));
  });

  it('refuses malformed and inconsistent equations, naming the letter and both sizes', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([4, 5]);
    const batch2 = tf.zeros([2, 2, 3]);
    const batch3 = tf.zeros([3, 3, 4]);
    const ints = tf.zeros([3, 2], 'int32');
    expectCleanError(
      () => tf.einsum('ij,jk->ik', a, b),
      InvalidArgumentError,
      /einsum: argument 'operands\[1\]' expected size 3 for 'j' \(its size in operands\[0\], shape \[2,3\]\), but got size 4 \(shape \[4,5\]\)/,
    );
    expectCleanError(
      () => tf.einsum('ii', a),
      InvalidArgumentError,
      /einsum: argument 'operands\[0\]' expected size 2 for 'i'.*but got size 3/,
    );
    expectCleanError(
      () => tf.einsum('ij,jk->ik', a),
      InvalidArgumentError,
      /einsum: argument 'equation' expected 1 comma-separated input term \(one per operand\), but got 2/,
    );
    expectCleanError(
      () => tf.einsum('ijk->i', a),
      InvalidArgumentError,
      /einsum: argument 'operands\[0\]' expected a tensor of rank 3 \(the subscripts 'ijk'\), but got shape \[2,3\]/,
    );
    expectCleanError(
      () => tf.einsum('ij->ii', a),
      InvalidArgumentError,
      /einsum: argument 'equation' expected each output letter once, but got 'i' twice/,
    );
    expectCleanError(
      () => tf.einsum('ij->k', a),
      InvalidArgumentError,
      /einsum: argument 'equation' expected output letters that appear in an input term, but got 'k'/,
    );
    expectCleanError(
      () => tf.einsum('i1->i', a),
      InvalidArgumentError,
      /einsum: argument 'equation' expected subscripts of letters.*'1'/,
    );
    expectCleanError(() => tf.einsum('i..j->i', a), InvalidArgumentError, /at most one '\.\.\.'/);
    expectCleanError(() => tf.einsum('ij->i->j', a), InvalidArgumentError, /at most one '->'/);
    expectCleanError(() => tf.einsum('...ij,...jk', batch2, batch3), InvalidArgumentError, /einsum.*\[2\].*\[3\]/);
    expectCleanError(
      () => tf.einsum(3 as never, a),
      InvalidArgumentError,
      /einsum: argument 'equation' expected a string/,
    );
    expectCleanError(
      () => tf.einsum('ij,jk', a, ints),
      InvalidArgumentError,
      /einsum: argument 'operands\[1\]' expected dtype float32/,
    );
  });
});
