/**
 * @file Printing tensors as NumPy lays them out: nested brackets, rows on their own lines, float32
 * values in their shortest round-tripping form (`-8.044242`, integral values as `10.`), scientific
 * notation when NumPy would switch to it, `nan`/`inf`, and `...` summaries past 1000 elements.
 */

import type { DataType, TypedArray } from './dtype.js';
import { formatShape } from './errors.js';

const SUMMARY_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** The shortest decimal string that reads back as the same float32 (NumPy's `unique` formatting). */
export function shortestFloat32(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  for (let precision = 1; precision <= 9; precision++) {
    const text = value.toPrecision(precision);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

function splitScientific(text: string): { mantissa: string; exponent: number } {
  const [mantissa, exponent] = Number(text).toExponential().split('e') as [string, string];
  return { mantissa, exponent: Number(exponent) };
}

function scientific(value: number): string {
  if (!Number.isFinite(value)) return shortestFloat32(value);
  const { mantissa, exponent } = splitScientific(shortestFloat32(value));
  const withPoint = mantissa.includes('.') ? mantissa : `${mantissa}.`;
  const sign = exponent < 0 ? '-' : '+';
  return `${withPoint}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function positional(value: number): string {
  const text = shortestFloat32(value);
  if (!Number.isFinite(value)) return text;
  // Number's String() switches to exponent form for tiny or huge values; spell them out.
  const plain = text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text;
  return plain.includes('.') ? plain : `${plain}.`;
}

/** A float32 scalar as Python prints the NumPy scalar: `16.0`, `-8.044242`, `1e-05`. */
export function formatFloatScalar(value: number): string {
  if (!Number.isFinite(value)) return shortestFloat32(value);
  const text = shortestFloat32(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const { mantissa, exponent } = splitScientific(text);
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const plain = text.includes('e') ? value.toFixed(20).replace(/0+$/, '') : text;
  return plain.includes('.') ? plain.replace(/\.$/, '.0') : `${plain}.0`;
}

/** Picks NumPy's notation for a whole float array: scientific when magnitudes are extreme or spread. */
function floatFormatter(values: TypedArray): (value: number) => string {
  let maxAbs = 0;
  let minAbs = Infinity;
  for (let i = 0; i < values.length; i++) {
    const abs = Math.abs(values[i]!);
    if (!Number.isFinite(abs) || abs === 0) continue;
    if (abs > maxAbs) maxAbs = abs;
    if (abs < minAbs) minAbs = abs;
  }
  const useScientific = maxAbs >= 1e8 || (minAbs !== Infinity && (minAbs < 1e-4 || maxAbs / minAbs > 1e3));
  return useScientific ? scientific : positional;
}

function elementFormatter(values: TypedArray, dtype: DataType): (value: number) => string {
  if (dtype === 'bool') return (value) => (value !== 0 ? 'True' : 'False');
  if (dtype === 'int32') return (value) => String(value);
  return floatFormatter(values);
}

/** The values of a tensor laid out as NumPy prints an array's contents. */
export function formatValues(values: TypedArray, shape: readonly number[], dtype: DataType): string {
  if (shape.length === 0) {
    const value = values[0]!;
    if (dtype === 'float32') return formatFloatScalar(value);
    return elementFormatter(values, dtype)(value);
  }
  const format = elementFormatter(values, dtype);
  const summarize = values.length > SUMMARY_THRESHOLD;
  const strides: number[] = [];
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  const render = (dim: number, offset: number): string => {
    const size = shape[dim]!;
    const indices: (number | null)[] = [];
    if (summarize && size > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) indices.push(i);
      indices.push(null);
      for (let i = size - EDGE_ITEMS; i < size; i++) indices.push(i);
    } else {
      for (let i = 0; i < size; i++) indices.push(i);
    }
    if (dim === shape.length - 1) {
      return `[${indices.map((i) => (i === null ? '...' : format(values[offset + i]!))).join(', ')}]`;
    }
    const indent = ' '.repeat(dim + 1);
    const separator = `,${'\n'.repeat(shape.length - dim - 1)}${indent}`;
    return `[${indices.map((i) => (i === null ? '...' : render(dim + 1, offset + i * strides[dim]!))).join(separator)}]`;
  };
  return render(0, 0);
}

/** `Tensor(shape=[2], dtype=float32, [-66.16483, -8.044242])`, values as NumPy prints them. */
export function formatTensor(
  values: TypedArray,
  shape: readonly number[],
  dtype: DataType,
  label = 'Tensor',
  fields = '',
): string {
  const body = formatValues(values, shape, dtype);
  const head = `${label}(${fields}shape=${formatShape(shape)}, dtype=${dtype}, `;
  const indented = body.includes('\n') ? body.replace(/\n(?=.)/g, `\n${' '.repeat(head.length)}`) : body;
  return `${head}${indented})`;
}
