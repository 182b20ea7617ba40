/**
 * @file Printing an example the way the notebook reads: each cell's Python source at a `>>>` prompt
 * (indented block lines after `...`), then its result with tensors laid out as NumPy prints them and
 * `null` where TensorFlow prints None. Values are read with `await` so this works on any backend.
 */

import * as tf from 'tapeflow';

/**
 * Where an example writes its lines (console.log when run, an array in tests).
 * @example const lines: string[] = []; await run((line) => lines.push(line));
 */
export type Log = (line: string) => void;

/**
 * What a cell shows: a tensor, None (null), or a list of them.
 * @example const shown: Shown = [gradient, null];
 */
export type Shown = tf.Tensor | null | readonly Shown[];

/**
 * A cell result as text: `Tensor(shape=[], dtype=float32, 8.0)`, `null`, or a list of those, one per
 * line when any of them spans several lines (as Python prints a list of tensors).
 * @example await show([grad, null]) // '[Tensor(shape=[], dtype=float32, 8.0), null]'
 */
export async function show(value: Shown): Promise<string> {
  if (value === null) return 'null';
  if (value instanceof tf.Tensor) return tf.format(value);
  const items = await Promise.all(value.map(show));
  if (!items.some((item) => item.includes('\n'))) return `[${items.join(', ')}]`;
  // Inside the list's bracket every continuation line moves right by one column.
  return `[${items.map((item) => item.replaceAll('\n', '\n ')).join(',\n ')}]`;
}

/**
 * Logs Python source as the REPL shows it: a statement after `>>> `, an indented (block) line after `... `.
 * @example code(log, 'with tf.GradientTape() as tape:\n    y = x**2');
 */
export function code(log: Log, source: string): void {
  for (const line of source.split('\n')) log(`${/^\s/.test(line) ? '...' : '>>>'} ${line}`);
}

/**
 * Logs a cell: its source, then the value it displays.
 * @example await cell(log, 'dy_dx', dyDx); // >>> dy_dx / Tensor(shape=[], dtype=float32, 8.0)
 */
export async function cell(log: Log, source: string, value: Shown): Promise<void> {
  code(log, source);
  log(await show(value));
}
