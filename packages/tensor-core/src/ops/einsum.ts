/**
 * @file `einsum` (TensorFlow's `tf.einsum`): an equation of subscripts, explicit (`'ij,jk->ik'`) or
 * implicit (`'ij,jk'`: the output is every letter used once, in alphabetical order), with `...` for
 * broadcast leading dims and repeated letters in one operand (a diagonal: `'ii->i'`, `'ii'` the trace).
 * It runs as gathers (diagonals), reductions, transposes, reshapes and batched `matmul`s, contracting
 * the operands left to right, so its gradient is theirs. Letters must agree on their size everywhere;
 * only the `...` dims broadcast (size 1 against n), as in TensorFlow.
 */

import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { describeValue } from '../options.js';
import { broadcastShapes, sizeFromShape } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convertToTensor } from './convert.js';
import { range } from './creation.js';
import { matmul } from './matmul.js';
import { reduceSum } from './reduction.js';
import { broadcastTo, gather, reshape, transpose } from './shape-ops.js';

const OP = 'einsum';

/** One input term: its letters, with `...` (if any) at position `ellipsis` among them. */
interface Term {
  readonly letters: string[];
  readonly ellipsis: number | null;
}

function parseTerm(term: string, equation: string, where: string): Term {
  const letters: string[] = [];
  let ellipsis: number | null = null;
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (c === '.') {
      if (term.slice(i, i + 3) !== '...' || ellipsis !== null)
        invalidArgument(
          OP,
          'equation',
          `at most one '...' (three dots) per term`,
          `'${term}' in ${where} of '${equation}'`,
        );
      ellipsis = letters.length;
      i += 2;
    } else if (/^[A-Za-z]$/.test(c)) {
      letters.push(c);
    } else {
      invalidArgument(OP, 'equation', "subscripts of letters, ',', '->' and '...'", `'${c}' in '${equation}'`);
    }
  }
  return { letters, ellipsis };
}

/** An operand as the contraction sees it: a tensor and one label per dim (letters, or '0'..'9'… for `...`). */
interface Labelled {
  readonly tensor: Tensor;
  readonly labels: readonly string[];
}

/** The diagonal over the repeated labels of `operand` (each repeated label kept once, last). */
function takeDiagonals(operand: Labelled): Labelled {
  let { tensor, labels } = operand;
  for (;;) {
    const repeated = labels.find((label, i) => labels.indexOf(label) !== i);
    if (repeated === undefined) return { tensor, labels };
    const at = labels.flatMap((label, i) => (label === repeated ? [i] : []));
    const rest = labels.flatMap((label, i) => (label === repeated ? [] : [i]));
    const n = tensor.shape[at[0]!]!;
    // After moving the repeated dims last and flattening them, entry (i, i, ..., i) is at i·(1 + n + n² ...).
    const step = at.reduce((sum, _, k) => sum + n ** k, 0);
    const moved = transpose(tensor, [...rest, ...at]);
    const flat = reshape(moved, [...rest.map((d) => tensor.shape[d]!), n ** at.length]);
    tensor = gather(flat, range(0, n * step, Math.max(step, 1), 'int32'), rest.length);
    labels = [...rest.map((d) => labels[d]!), repeated];
  }
}

/** Sums `operand` over every label not in `keep`. */
function sumOut(operand: Labelled, keep: ReadonlySet<string>): Labelled {
  const axes = operand.labels.flatMap((label, i) => (keep.has(label) ? [] : [i]));
  if (axes.length === 0) return operand;
  return { tensor: reduceSum(operand.tensor, axes), labels: operand.labels.filter((label) => keep.has(label)) };
}

/** The contraction of two operands whose labels are distinct within each, keeping the labels in `keep`. */
function contract(a: Labelled, b: Labelled, keep: ReadonlySet<string>): Labelled {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const left = sumOut(a, new Set([...keep, ...inB]));
  const right = sumOut(b, new Set([...keep, ...inA]));
  const batch = left.labels.filter((label) => inB.has(label) && keep.has(label));
  const summed = left.labels.filter((label) => inB.has(label) && !keep.has(label));
  const freeA = left.labels.filter((label) => !inB.has(label));
  const freeB = right.labels.filter((label) => !inA.has(label));
  const size = (operand: Labelled, labels: readonly string[]): number[] =>
    labels.map((label) => operand.tensor.shape[operand.labels.indexOf(label)]!);
  const order = (operand: Labelled, labels: readonly string[]): number[] =>
    labels.map((label) => operand.labels.indexOf(label));
  const batchShape = size(left, batch);
  const leftMatrix = reshape(transpose(left.tensor, order(left, [...batch, ...freeA, ...summed])), [
    sizeFromShape(batchShape),
    sizeFromShape(size(left, freeA)),
    sizeFromShape(size(left, summed)),
  ]);
  const rightMatrix = reshape(transpose(right.tensor, order(right, [...batch, ...summed, ...freeB])), [
    sizeFromShape(batchShape),
    sizeFromShape(size(right, summed)),
    sizeFromShape(size(right, freeB)),
  ]);
  const product = matmul(leftMatrix, rightMatrix);
  return {
    tensor: reshape(product, [...batchShape, ...size(left, freeA), ...size(right, freeB)]),
    labels: [...batch, ...freeA, ...freeB],
  };
}

/**
 * Einstein summation (TensorFlow's `tf.einsum`).
 * @example tf.einsum('ij,jk->ik', a, b) // matmul(a, b)
 * @example tf.einsum('bij,bjk', a, b) // batched matmul (implicit output 'bik')
 * @example tf.einsum('...ij->...ji', x) // transpose of the last two dims
 * @example tf.einsum('ii', m) // the trace
 */
export function einsum(equation: string, ...operands: TensorLike[]): Tensor {
  if (typeof equation !== 'string') invalidArgument(OP, 'equation', 'a string', describeValue(equation));
  const compact = equation.replace(/\s+/g, '');
  const arrow = compact.indexOf('->');
  if (arrow !== compact.lastIndexOf('->')) invalidArgument(OP, 'equation', "at most one '->'", `'${equation}'`);
  const inputPart = arrow === -1 ? compact : compact.slice(0, arrow);
  const terms = inputPart.split(',').map((term, i) => parseTerm(term, equation, `term ${i}`));
  if (terms.length !== operands.length) {
    invalidArgument(
      OP,
      'equation',
      `${operands.length} comma-separated input term${operands.length === 1 ? '' : 's'} (one per operand)`,
      `${terms.length} in '${equation}'`,
    );
  }
  const converted: Tensor[] = [];
  try {
    operands.forEach((operand, i) => converted.push(convertToTensor(operand, OP, `operands[${i}]`)));
    const dtype = converted[0]?.dtype;
    converted.forEach((t, i) => {
      if (t.dtype === 'bool') invalidArgument(OP, `operands[${i}]`, 'a float32 or int32 tensor', 'a bool tensor');
      if (t.dtype !== dtype)
        invalidArgument(OP, `operands[${i}]`, `dtype ${dtype!} (the dtype of operands[0])`, `dtype ${t.dtype}`);
    });

    // Ranks, the `...` dims (broadcast together, right-aligned) and each letter's one size.
    const ellipsisShapes = terms.map((term, i) => {
      const t = converted[i]!;
      const subscripts = `'${term.ellipsis === null ? term.letters.join('') : [...term.letters.slice(0, term.ellipsis), '...', ...term.letters.slice(term.ellipsis)].join('')}'`;
      const extra = t.rank - term.letters.length;
      if (term.ellipsis === null ? extra !== 0 : extra < 0) {
        invalidArgument(
          OP,
          `operands[${i}]`,
          `a tensor of rank ${term.ellipsis === null ? term.letters.length : `at least ${term.letters.length}`} (the subscripts ${subscripts})`,
          `shape ${formatShape(t.shape)}`,
        );
      }
      return term.ellipsis === null ? [] : t.shape.slice(term.ellipsis, term.ellipsis + extra);
    });
    const broadcast = ellipsisShapes.reduce((shape, s) => broadcastShapes(OP, shape, s), [] as number[]);
    const ellipsisLabels = broadcast.map((_, d) => String(d));
    const sizes = new Map<string, { size: number; operand: number }>();
    const labelled: Labelled[] = terms.map((term, i) => {
      const t = converted[i]!;
      const mine = ellipsisLabels.slice(broadcast.length - ellipsisShapes[i]!.length);
      const labels =
        term.ellipsis === null
          ? term.letters
          : [...term.letters.slice(0, term.ellipsis), ...mine, ...term.letters.slice(term.ellipsis)];
      labels.forEach((label, d) => {
        if (/^\d+$/.test(label)) return;
        const known = sizes.get(label);
        if (known === undefined) sizes.set(label, { size: t.shape[d]!, operand: i });
        else if (known.size !== t.shape[d]) {
          invalidArgument(
            OP,
            `operands[${i}]`,
            `size ${known.size} for '${label}' (its size in operands[${known.operand}], shape ${formatShape(converted[known.operand]!.shape)})`,
            `size ${t.shape[d]!} (shape ${formatShape(t.shape)})`,
          );
        }
      });
      return { tensor: t, labels };
    });

    // The output's labels: explicit, or the `...` dims and then the letters used once, sorted.
    let outputLabels: string[];
    if (arrow === -1) {
      const counts = new Map<string, number>();
      for (const term of terms) for (const letter of term.letters) counts.set(letter, (counts.get(letter) ?? 0) + 1);
      const once = [...counts].filter(([, count]) => count === 1).map(([letter]) => letter);
      outputLabels = [...ellipsisLabels, ...once.sort()];
    } else {
      const output = parseTerm(compact.slice(arrow + 2), equation, 'the output');
      const repeated = output.letters.find((letter, i) => output.letters.indexOf(letter) !== i);
      if (repeated !== undefined)
        invalidArgument(OP, 'equation', 'each output letter once', `'${repeated}' twice in '${equation}'`);
      const missing = output.letters.find((letter) => !sizes.has(letter));
      if (missing !== undefined)
        invalidArgument(OP, 'equation', 'output letters that appear in an input term', `'${missing}' in '${equation}'`);
      // Without '...' in the output the broadcast dims are summed over (as NumPy does).
      outputLabels =
        output.ellipsis === null
          ? output.letters
          : [...output.letters.slice(0, output.ellipsis), ...ellipsisLabels, ...output.letters.slice(output.ellipsis)];
    }

    return getEngine().tidy(() => {
      // Each operand: diagonals taken, its `...` dims broadcast to the common shape.
      const prepared = labelled.map((operand, i) => {
        let { tensor } = operand;
        const own = ellipsisShapes[i]!;
        if (own.length > 0 && !own.every((d, k) => d === broadcast[broadcast.length - own.length + k])) {
          const start = operand.labels.indexOf(ellipsisLabels[broadcast.length - own.length]!);
          const target = tensor.shape.slice();
          target.splice(start, own.length, ...broadcast.slice(broadcast.length - own.length));
          tensor = broadcastTo(tensor, target);
        }
        return takeDiagonals({ tensor, labels: operand.labels });
      });
      let result = sumOut(prepared[0]!, new Set([...outputLabels, ...prepared.slice(1).flatMap((p) => p.labels)]));
      for (let i = 1; i < prepared.length; i++) {
        const later = prepared.slice(i + 1).flatMap((p) => p.labels);
        result = contract(result, prepared[i]!, new Set([...outputLabels, ...later]));
      }
      result = sumOut(result, new Set(outputLabels));
      // An output label no operand kept (only possible for '...' dims missing everywhere) cannot occur.
      return transpose(
        result.tensor,
        outputLabels.map((label) => result.labels.indexOf(label)),
      );
    });
  } finally {
    converted.forEach((t, i) => {
      if (t !== operands[i]) t.dispose();
    });
  }
}
