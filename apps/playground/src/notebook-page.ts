/**
 * @file The Notebook page: every cell of the seed GradientTape notebook, read from the examples' own
 * sources (apps/examples/src/examples/*.ts through ../examples/src/cells.ts, the parser `pnpm
 * examples` uses), each with its Python, an editable TypeScript editor (CodeMirror 6), Run (cells
 * 1..i of its example in one fresh scope) and its output; "Run all" and the backend switch on top.
 */

import { javascript } from '@codemirror/lang-javascript';
import { EditorView, basicSetup } from 'codemirror';
import { cellTypeScript, parseCells, parseExampleList } from '../../examples/src/cells.js';
import indexSource from '../../examples/src/examples/index.ts?raw';
import { runCells } from './run-cells.js';
import { backendSwitch, hooks, setUpPage } from './site.js';
import type { BackendName, CellOutput } from './site.js';

const SOURCES = import.meta.glob<string>('../../examples/src/examples/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** One cell on the page. */
interface PageCell {
  readonly example: string;
  readonly index: number;
  readonly python: string;
  readonly editor: EditorView;
  readonly output: HTMLElement;
}

function show(cell: PageCell, lines: readonly string[], error: string | null): void {
  cell.output.textContent = [...lines, ...(error === null ? [] : [error])].join('\n');
  cell.output.classList.toggle('error', error !== null);
}

/** Runs cells 0..upTo of one example (their current text) and shows each one's output. */
async function runExample(cells: readonly PageCell[], upTo: number): Promise<CellOutput[]> {
  const chosen = cells.slice(0, upTo + 1);
  const runs = await runCells(chosen.map((cell) => cell.editor.state.doc.toString()));
  return chosen.map((cell, i) => {
    show(cell, runs[i]!.lines, runs[i]!.error);
    return {
      example: cell.example,
      index: cell.index,
      python: cell.python,
      lines: runs[i]!.lines,
      error: runs[i]!.error,
    };
  });
}

async function main(): Promise<void> {
  const main = setUpPage('Notebook');
  const intro = document.createElement('p');
  intro.innerHTML =
    "The cells of TensorFlow's <em>Introduction to gradients and automatic differentiation</em> notebook, " +
    'in Tapeflow TypeScript. Edit a cell and press Run: the cells of its example up to it run in one fresh ' +
    'scope with <code>tf</code> in scope; a last line without a semicolon is shown.';
  const toolbar = document.createElement('div');
  toolbar.className = 'toolbar';
  const runAllButton = document.createElement('button');
  runAllButton.textContent = 'Run all';
  runAllButton.dataset['runAll'] = '';
  toolbar.append(runAllButton);
  main.append(intro, toolbar);
  const backend = await backendSwitch(toolbar);

  const examples = new Map<string, PageCell[]>();
  for (const { name, title } of parseExampleList(indexSource)) {
    const source = SOURCES[`../../examples/src/examples/${name}.ts`];
    if (source === undefined) throw new Error(`No source for the example ${name}`);
    const section = document.createElement('section');
    section.className = 'example';
    const heading = document.createElement('h2');
    heading.textContent = `${name}: ${title}`;
    section.append(heading);
    const cells: PageCell[] = [];
    parseCells(source).forEach((parsed, index) => {
      const element = document.createElement('div');
      element.className = 'cell';
      element.dataset['cell'] = name;
      element.dataset['index'] = String(index);
      const python = document.createElement('pre');
      python.className = 'python';
      python.textContent = parsed.python
        .split('\n')
        .map((line) => `${/^\s/.test(line) ? '...' : '>>>'} ${line}`)
        .join('\n');
      const editorParent = document.createElement('div');
      editorParent.className = 'editor';
      const bar = document.createElement('div');
      bar.className = 'bar';
      const run = document.createElement('button');
      run.textContent = 'Run';
      bar.append(run);
      const output = document.createElement('pre');
      output.dataset['output'] = '';
      element.append(python, editorParent, bar, output);
      section.append(element);
      const editor = new EditorView({
        doc: cellTypeScript(parsed),
        extensions: [basicSetup, javascript({ typescript: true })],
        parent: editorParent,
      });
      const cell: PageCell = { example: name, index, python: parsed.python, editor, output };
      cells.push(cell);
      run.addEventListener('click', () => void runExample(cells, index));
    });
    examples.set(name, cells);
    main.append(section);
  }

  const runAll = async (name: BackendName): Promise<CellOutput[]> => {
    await backend.use(name);
    const outputs: CellOutput[] = [];
    for (const cells of examples.values()) outputs.push(...(await runExample(cells, cells.length - 1)));
    return outputs;
  };
  runAllButton.addEventListener('click', () => void runAll(tfBackendOf(toolbar)));
  hooks().runAll = runAll;
}

function tfBackendOf(toolbar: HTMLElement): BackendName {
  return (toolbar.querySelector('select')?.value ?? 'cpu') as BackendName;
}

hooks().ready = main();
