/**
 * @file The cell parser on the examples' own sources: every notebook example parses into as many cells
 * as it logs, `pnpm examples`' wrapper prints each cell's TypeScript right under its Python, and the
 * ownership rules (statements after `code`, before `cell`, blank-line split) hold on real examples.
 */
import { readFileSync } from 'node:fs';
import * as tf from 'tapeflow';
import { describe, expect, it } from 'vitest';
import { cellTypeScript, parseCells, parseExampleList, splitCellTypeScript, withTypeScript } from './cells.js';
import { EXAMPLES } from './examples/index.js';

const sourceOf = (name: string): string => readFileSync(new URL(`./examples/${name}.ts`, import.meta.url), 'utf8');

describe('parseCells on the notebook examples', () => {
  it('prints every cell of every example with its TypeScript under its Python prompt', async () => {
    for (const example of EXAMPLES) {
      const cells = parseCells(sourceOf(example.name));
      const lines: string[] = [];
      const log = withTypeScript((line) => lines.push(line), cells);
      tf.dispose(await example.run(log));
      expect(log.unmatched(), example.name).toBe(0);
      // Each cell's prompt lines come right before its `ts> ` lines.
      let at = 0;
      for (const cell of cells) {
        const prompts = cell.python.split('\n').map((line) => `${/^\s/.test(line) ? '...' : '>>>'} ${line}`);
        const start = lines.indexOf(prompts[0]!, at);
        expect(start, `${example.name}: ${prompts[0]}`).toBeGreaterThanOrEqual(0);
        expect(lines.slice(start, start + prompts.length)).toEqual(prompts);
        const typescript = cellTypeScript(cell)
          .split('\n')
          .map((line) => `ts> ${line}`);
        expect(lines.slice(start + prompts.length, start + prompts.length + typescript.length)).toEqual(typescript);
        at = start + prompts.length + typescript.length;
      }
    }
  });

  it('x-squared: code cells own the statements after them, cell() shows its value', () => {
    expect(parseCells(sourceOf('x-squared'))).toEqual([
      { python: 'x = tf.Variable(4.0)', statements: 'const x = new tf.Variable(4);', display: null },
      {
        python: 'with tf.GradientTape() as tape:\n    y = x**2',
        statements: 'const tape = new tf.GradientTape();\nconst y = tape.record(() => x.pow(2));',
        display: null,
      },
      { python: 'y', statements: '', display: 'y' },
      { python: 'dy_dx = tape.gradient(y, x)', statements: 'const dyDx = tape.gradient(y, x);', display: null },
      { python: 'dy_dx', statements: '', display: 'dyDx' },
    ]);
  });

  it('non-trainable and control-flow: after a blank line, statements before cell() belong to it', () => {
    const nonTrainable = parseCells(sourceOf('non-trainable'));
    expect(nonTrainable[1]).toEqual({
      python: 'x3 = tf.add(x1, x2)\nx3',
      statements: 'const x3 = tf.add(x1, x2);',
      display: 'x3',
    });
    const controlFlow = parseCells(sourceOf('control-flow'));
    expect(controlFlow.map((cell) => cell.display)).toEqual([null, null, 'positive', null, null, 'negative']);
    expect(controlFlow[1]!.statements).toMatch(/^const tape = new tf\.GradientTape\(\);\nconst y = await/);
    expect(controlFlow[1]!.statements).not.toContain('positive');
    expect(controlFlow[2]!.statements).toBe('const positive = tape.gradient(y, [x1, x2]);\ny.dispose();');
  });

  it('reads escapes, multi-line calls and trailing commas, and leaves the epilogue out', () => {
    const cells = parseCells(`
      export async function run(log: Log): Promise<R> {
        code(
          log,
          "a = 'it\\\\'s'\\nb = 2",
        );
        const a = "x;y"; // a; comment
        await cell(log, \`a\`, [a, { b: 1 }]);
        tf.dispose(a);
        return { a };
      }`);
    expect(cells).toEqual([
      { python: "a = 'it\\'s'\nb = 2", statements: 'const a = "x;y"; // a; comment', display: null },
      { python: 'a', statements: '', display: '[a, { b: 1 }]' },
    ]);
  });

  it('rejects a body that is not a straight list of cells', () => {
    const nested = `export async function run(log: Log) {
      code(log, 'a');
      for (const i of [1, 2]) { await cell(log, 'i', i); }
      tf.dispose(i);
    }`;
    expect(() => parseCells(nested)).toThrow(/2 times but only 1 are top-level/);
    const helper = `async function half(log: Log) { await cell(log, 'h', h); }
    export async function run(log: Log) {
      code(log, 'a');
      await half(log);
    }`;
    expect(() => parseCells(helper)).toThrow(/2 times but only 1 are top-level/);
    expect(() => parseCells('export async function run(log: Log) { code(log, NAME); }')).toThrow(
      /one string literal, got NAME/,
    );
    expect(() => parseCells('export function other() {}')).toThrow(/no `export async function run/);
  });
});

describe('splitCellTypeScript', () => {
  it('shows what follows the last top-level semicolon', () => {
    expect(splitCellTypeScript('const a = f(1);\nconst b = [a,\n a];\n[a, b]')).toEqual({
      statements: 'const a = f(1);\nconst b = [a,\n a];',
      display: '[a, b]',
    });
    expect(splitCellTypeScript('const s = "x;y";\ns  // shown')).toEqual({
      statements: 'const s = "x;y";',
      display: 's  // shown',
    });
    expect(splitCellTypeScript('const a = 1;\n// nothing shown; really')).toEqual({
      statements: 'const a = 1;\n// nothing shown; really',
      display: null,
    });
    expect(splitCellTypeScript('y')).toEqual({ statements: '', display: 'y' });
  });
});

describe('parseExampleList', () => {
  it('reads the notebook examples of index.ts, names and titles, in order', () => {
    const source = readFileSync(new URL('./examples/index.ts', import.meta.url), 'utf8');
    expect(parseExampleList(source)).toEqual(EXAMPLES.map(({ name, title }) => ({ name, title })));
  });
});
