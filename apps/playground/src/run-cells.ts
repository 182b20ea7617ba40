/**
 * @file Runs notebook cells as the playground's Run button does: cells 1..i of one example in one fresh
 * scope, TypeScript stripped by sucrase (a few hundred KB, types only; esbuild-wasm would bring a 10 MB
 * binary for a job that is only type erasure), with `tf`, the notebook helpers (`show`, `code`, `cell`)
 * and a `log` in scope. Each cell's shown value is printed as the examples print it (../examples'
 * `show`), so the page and `pnpm examples` agree line for line. A run owns what its cells made: the
 * cells' names are gone once it returns (the next Run starts a fresh scope), so it disposes every
 * tensor they made (one async `tf.tidy` around the cells) and every Variable (tidy leaves Variables
 * alone, as TensorFlow's scopes do; the run collects those made while it runs, a Dense layer's
 * weights included, and disposes them at its end).
 */

import { transform } from 'sucrase';
import * as tf from 'tapeflow';
import { splitCellTypeScript } from '../../examples/src/cells.js';
import { cell, code, show } from '../../examples/src/notebook.js';
import type { Shown } from '../../examples/src/notebook.js';

/**
 * What one cell printed: its `log` lines and its shown value, or the error that stopped it.
 * @example const [first] = await runCells(['const x = 1;\nx']); first.lines // ['1']
 */
export interface CellRun {
  /** The printed lines, as the examples print them (the shown value last). */
  readonly lines: string[];
  /** The error's message when this cell threw; the cells after it did not run. */
  error: string | null;
}

/**
 * The JavaScript of cells 1..n as one async function of (tf, __cell, __show, show, code, cell, log).
 * @example compileCells(['const x = new tf.Variable(4);', 'x'])
 */
export function compileCells(texts: readonly string[]): string {
  const body = texts
    .map((text, index) => {
      const { statements, display } = splitCellTypeScript(text);
      const shown = display === null ? '' : `\nawait __show(${index}, (\n${display}\n));`;
      return `__cell(${index});\n${statements}${shown}`;
    })
    .join('\n');
  const source = `(async (tf, __cell, __show, show, code, cell, log) => {\n${body}\n})`;
  return transform(source, { transforms: ['typescript'], disableESTransforms: true }).code;
}

type CellProgram = (
  tf: unknown,
  at: (index: number) => void,
  shown: (index: number, value: unknown) => Promise<void>,
  showHelper: typeof show,
  codeHelper: typeof code,
  cellHelper: typeof cell,
  log: (line: string) => void,
) => Promise<void>;

/** The Variable collectors of the runs going on (one per run; runs may overlap when Run is pressed twice). */
const collectors = new Set<Set<tf.Variable>>();
let watchingVariables = false;

/**
 * Adds every Variable made from now on (by any code: a layer's weights too) to `into`, until the
 * returned function is called. The engine counts each new Variable in `registerVariable`; the hook
 * wraps that one method of the default engine once and passes every call on unchanged.
 */
function collectVariables(into: Set<tf.Variable>): () => void {
  if (!watchingVariables) {
    const engine = tf.getEngine();
    const register = engine.registerVariable.bind(engine);
    engine.registerVariable = (variable: tf.Variable): void => {
      register(variable);
      for (const collector of collectors) collector.add(variable);
    };
    watchingVariables = true;
  }
  collectors.add(into);
  return () => void collectors.delete(into);
}

/**
 * Runs cells 1..n (their TypeScript texts) in one fresh scope on the current backend and returns what
 * each printed. A cell that throws gets the error; the later ones print nothing. Every tensor and
 * Variable the cells made is disposed when the run ends: `tf.memory()` is as it was before.
 * @example const runs = await runCells(cells.map(cellTypeScript));
 */
export async function runCells(texts: readonly string[]): Promise<CellRun[]> {
  const runs: CellRun[] = texts.map(() => ({ lines: [], error: null }));
  let current = 0;
  const variables = new Set<tf.Variable>();
  const stopCollecting = collectVariables(variables);
  try {
    // The program is the user's own cell text, compiled in the page: running it is the point.
    const program = (0, eval)(compileCells(texts)) as CellProgram;
    // The scope's tensors are the cells' values: every one is printed by the time the cells end.
    await tf.tidy(async () => {
      await program(
        tf,
        (index) => void (current = index),
        async (index, value) => {
          const text = await show(value as Shown);
          runs[index]!.lines.push(...text.split('\n'));
        },
        show,
        code,
        cell,
        (line) => void runs[current]!.lines.push(String(line)),
      );
    });
  } catch (error) {
    runs[current]!.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } finally {
    stopCollecting();
    tf.dispose([...variables]);
  }
  return runs;
}
