/**
 * @file The playground's cell runner in Node on the CPU: every notebook example's cells, read from the
 * example's source and run as the page runs them, print what the example itself prints (matmul-bias'
 * dl_dw and dl_db depend on an unseeded random draw, so only its other cells are compared); an edited
 * cell runs its new text; an error is reported on the cell that threw; a run leaves `tf.memory()` as
 * it found it (the cells' tensors, Variables and layer weights are disposed when it ends, thrown or not).
 */
import { readFileSync } from 'node:fs';
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { cellTypeScript, parseCells } from '../../examples/src/cells.js';
import type { NotebookCell } from '../../examples/src/cells.js';
import { EXAMPLES } from '../../examples/src/examples/index.js';
import { runCells } from './run-cells.js';

const sourceOf = (name: string): string =>
  readFileSync(new URL(`../../examples/src/examples/${name}.ts`, import.meta.url), 'utf8');

/** Splits an example's printed lines into what each cell printed after its prompt lines. */
function printedPerCell(lines: readonly string[], cells: readonly NotebookCell[]): string[][] {
  const out: string[][] = [];
  let at = 0;
  for (const cell of cells) {
    at += cell.python.split('\n').length;
    const printed: string[] = [];
    while (at < lines.length && !lines[at]!.startsWith('>>> ')) printed.push(...lines[at++]!.split('\n'));
    out.push(printed);
  }
  return out;
}

describe('runCells', () => {
  it('prints, cell by cell, what each notebook example prints when it runs, and leaks no tensor', async () => {
    for (const example of EXAMPLES) {
      const cells = parseCells(sourceOf(example.name));
      const lines: string[] = [];
      tf.dispose(await example.run((line) => lines.push(line)));
      const expected = printedPerCell(lines, cells);
      const before = tf.memory();
      const runs = await runCells(cells.map(cellTypeScript));
      const after = tf.memory();
      expect([after.numTensors, after.numVariables], example.name).toEqual([before.numTensors, before.numVariables]);
      expect(runs.map((run) => run.error)).toEqual(cells.map(() => null));
      runs.forEach((run, index) => {
        if (example.name === 'matmul-bias' && (cells[index]!.python === 'dl_dw' || cells[index]!.python === 'dl_db')) {
          expect(run.lines[0], `${example.name} cell ${index}`).toMatch(/^Tensor\(shape=\[(4,2|2)\], dtype=float32/);
          return;
        }
        expect(run.lines, `${example.name} cell ${index}`).toEqual(expected[index]);
      });
    }
  });

  it('runs edited text: the last expression without a semicolon is shown, log prints', async () => {
    const runs = await runCells([
      'const x = new tf.Variable(3);',
      'const tape = new tf.GradientTape();\nconst y = tape.record(() => x.pow(3));\nlog("cubed");\ntape.gradient(y, x)',
    ]);
    expect(runs).toEqual([
      { lines: [], error: null },
      { lines: ['cubed', 'Tensor(shape=[], dtype=float32, 27.0)'], error: null },
    ]);
  });

  it('reports an error on the cell that threw, TypeScript types stripped', async () => {
    const before = tf.memory().numTensors;
    const runs = await runCells(['const a: tf.Tensor = tf.tensor([1, 2]);', 'a.reshape([3]) as tf.Tensor']);
    expect(runs[0]).toEqual({ lines: [], error: null });
    expect(runs[1]!.error).toMatch(/^InvalidArgumentError: .*reshape/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("disposes what the cells made when a cell throws: tensors, Variables, a Dense layer's weights", async () => {
    const before = tf.memory();
    const runs = await runCells([
      'const v = new tf.Variable([1, 2]);\nconst layer = new tf.layers.Dense(3);\nconst y = layer.apply(tf.ones([1, 2]));',
      'log(y.shape.join("x"));',
      'const w = new tf.Variable(tf.zeros([2]));\nthrow new Error("stop");',
      'v',
    ]);
    expect(runs.map((run) => run.error)).toEqual([null, null, 'Error: stop', null]);
    expect(runs[1]!.lines).toEqual(['1x3']);
    const after = tf.memory();
    expect([after.numTensors, after.numVariables]).toEqual([before.numTensors, before.numVariables]);
  });
});
