/**
 * @file The notebook's cells read back from an example's own source, so the terminal (`pnpm examples`)
 * and the playground show the same TypeScript the examples run: one source, no copy. An example's
 * `run(log)` body is a straight list of statements; each `code(log, '<python>')` or
 * `await cell(log, '<python>', value)` call is a cell marker. A `code` cell owns the statements after
 * it; a `cell` cell owns the statements before it (since the previous marker) and shows `value`.
 * Between a `code` marker and a `cell` marker, the statements up to the first blank line belong to the
 * `code` cell and the rest to the `cell` cell. Statements after the last marker (disposal, the
 * `return`) belong to no cell. No TypeScript compiler is needed: a small scanner that knows strings,
 * template literals and comments finds the statements and the call arguments.
 */

/**
 * One notebook cell: the Python the notebook shows and the TypeScript the example runs for it.
 * @example const [first] = parseCells(source); first.python // 'x = tf.Variable(4.0)'
 */
export interface NotebookCell {
  /** The notebook's Python, as `code`/`cell` log it (several lines for a block). */
  readonly python: string;
  /** The statements the example runs for this cell, dedented; '' when it only shows a value. */
  readonly statements: string;
  /** The expression whose value the cell shows (`cell`'s third argument), or null for a `code` cell. */
  readonly display: string | null;
}

/** Where each character of `source` sits: depth of brackets, and whether it is code (not string/comment). */
interface Scanned {
  /** Bracket depth before the character at each index (strings and comments inherit their start's). */
  readonly depth: Int32Array;
  /** 1 where the character is code, 0 inside a string, template literal or comment. */
  readonly isCode: Uint8Array;
}

function scan(source: string): Scanned {
  const depth = new Int32Array(source.length + 1);
  const isCode = new Uint8Array(source.length);
  let level = 0;
  // Open template literals' brace depths: inside `${ ... }` the text is code again.
  const templates: number[] = [];
  let i = 0;
  const mark = (from: number, to: number, code: 0 | 1): void => {
    for (let k = from; k < to && k < source.length; k++) {
      depth[k] = level;
      isCode[k] = code;
    }
  };
  const skipTemplateText = (): void => {
    // At the character after a backtick or a closing `}` of `${`: runs to the end of the text part.
    const start = i;
    while (i < source.length) {
      const ch = source[i]!;
      if (ch === '\\') i += 2;
      else if (ch === '`') {
        i++;
        mark(start, i, 0);
        return;
      } else if (ch === '$' && source[i + 1] === '{') {
        i += 2;
        mark(start, i, 0);
        templates.push(level);
        level++;
        return;
      } else i++;
    }
    mark(start, i, 0);
  };
  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    if (ch === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      mark(i, stop, 0);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      mark(i, stop, 0);
      i = stop;
    } else if (ch === "'" || ch === '"') {
      const start = i;
      i++;
      while (i < source.length && source[i] !== ch && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      i++;
      mark(start, i, 0);
    } else if (ch === '`') {
      mark(i, i + 1, 0);
      i++;
      skipTemplateText();
    } else if (ch === '}' && templates.length > 0 && templates[templates.length - 1] === level - 1) {
      templates.pop();
      level--;
      mark(i, i + 1, 0);
      i++;
      skipTemplateText();
    } else {
      if (ch === ')' || ch === ']' || ch === '}') level--;
      mark(i, i + 1, 1);
      if (ch === '(' || ch === '[' || ch === '{') level++;
      i++;
    }
  }
  depth[source.length] = level;
  return { depth, isCode };
}

/** The parts of `source` separated by code `separator` characters at `depth` (each part as written). */
function splitAt(source: string, scanned: Scanned, separator: string, depth: number, from = 0, to = source.length) {
  const parts: { text: string; start: number; end: number; closed: boolean }[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (source[i] === separator && scanned.isCode[i] === 1 && scanned.depth[i] === depth) {
      parts.push({ text: source.slice(start, i + 1), start, end: i + 1, closed: true });
      start = i + 1;
    }
  }
  parts.push({ text: source.slice(start, to), start, end: to, closed: false });
  // A comment on the same line after a separator stays with the part it follows.
  for (let k = 1; k < parts.length; k++) {
    const trailing = /^[ \t]*\/\/[^\n]*/.exec(parts[k]!.text);
    if (trailing === null) continue;
    const length = trailing[0].length;
    const before = parts[k - 1]!;
    const part = parts[k]!;
    parts[k - 1] = { ...before, text: before.text + part.text.slice(0, length), end: before.end + length };
    parts[k] = { ...part, text: part.text.slice(length), start: part.start + length };
  }
  return parts;
}

/** Removes the common leading indentation and the blank lines around the text. */
export function dedent(text: string): string {
  const lines = text
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split('\n');
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(cut)).join('\n');
}

/** The value of a string literal written in TypeScript source ('…', "…", or a `…` with no `${`). */
function stringValue(literal: string, where: string): string {
  const text = literal.trim();
  const quote = text[0];
  if ((quote !== "'" && quote !== '"' && quote !== '`') || text[text.length - 1] !== quote || text.length < 2) {
    throw new Error(`${where}: the Python source must be one string literal, got ${text.slice(0, 60)}`);
  }
  const body = text.slice(1, -1);
  if (quote === '`' && body.includes('${')) {
    throw new Error(`${where}: the Python source must not interpolate (\${...}), got ${text.slice(0, 60)}`);
  }
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v' };
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, escape: string) => {
    if (escape.startsWith('u{')) return String.fromCodePoint(parseInt(escape.slice(2, -1), 16));
    if (/^[ux][0-9a-fA-F]/.test(escape)) return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (escape === '\n') return '';
    return escapes[escape] ?? escape;
  });
}

/** Where the code part of `text` starts (after whitespace and comments), or text.length. */
function codeStart(text: string): number {
  const scanned = scan(text);
  for (let i = 0; i < text.length; i++) if (scanned.isCode[i] === 1 && text[i]!.trim() !== '') return i;
  return text.length;
}

const MARKER = /^(?:await\s+)?(code|cell)\s*\(\s*log\s*,/;

/**
 * The cells of an example module, read from its `export async function run(log…)` body.
 * Throws when the body is not a straight list of cells (a marker inside a block or a helper, a
 * Python source that is not one string literal).
 * @example parseCells(xSquaredSource).map((c) => c.python) // ['x = tf.Variable(4.0)', ...]
 */
export function parseCells(source: string): NotebookCell[] {
  const header = /export\s+async\s+function\s+run\s*\(\s*log\b/.exec(source);
  if (header === null) throw new Error('parseCells: no `export async function run(log…)` in the source');
  const scanned = scan(source);
  const parametersOpen = source.indexOf('(', header.index);
  let open = -1;
  for (let i = parametersOpen; i < source.length; i++) {
    if (source[i] === '{' && scanned.isCode[i] === 1 && scanned.depth[i] === scanned.depth[parametersOpen]) {
      open = i;
      break;
    }
  }
  let close = -1;
  for (let i = open + 1; open >= 0 && i < source.length; i++) {
    if (source[i] === '}' && scanned.isCode[i] === 1 && scanned.depth[i] === scanned.depth[open]) {
      close = i;
      break;
    }
  }
  if (open < 0 || close < 0) throw new Error('parseCells: the body of run() is not closed');
  const bodyDepth = scanned.depth[open]! + 1;
  const statements = splitAt(source, scanned, ';', bodyDepth, open + 1, close).filter(
    (part) => part.closed || part.text.trim() !== '',
  );

  // Every code/cell call in the module, outside comments and strings: one in a helper function or a
  // nested block would be missing from the cells.
  let markersInBody = 0;
  for (let i = 0; i < source.length; i++) {
    if (scanned.isCode[i] === 1 && /^(code|cell)\s*\(\s*log\b/.test(source.slice(i, i + 40))) {
      if (i === 0 || !/[\w$.]/.test(source[i - 1]!)) markersInBody++;
    }
  }

  interface Draft {
    kind: 'code' | 'cell';
    python: string;
    statements: string[];
    display: string | null;
  }
  const drafts: Draft[] = [];
  let pending: { text: string; newGroup: boolean }[] = [];
  const give = (cell: Draft | undefined, items: typeof pending): void => {
    if (cell !== undefined) cell.statements.push(...items.map((item) => item.text));
  };
  for (const statement of statements) {
    const begin = codeStart(statement.text);
    const code = statement.text.slice(begin);
    const marker = MARKER.exec(code);
    if (marker === null) {
      if (!statement.closed) throw new Error(`parseCells: a statement without ';' in run(): ${code.slice(0, 60)}`);
      pending.push({ text: statement.text, newGroup: /\n[ \t]*\n/.test(statement.text.slice(0, begin)) });
      continue;
    }
    const kind = marker[1] as 'code' | 'cell';
    const callStart = statement.start + begin + code.indexOf('(');
    const callScan = scanned.depth[callStart]! + 1;
    const callEnd = statement.start + begin + code.lastIndexOf(')');
    const args = splitAt(source, scanned, ',', callScan, callStart + 1, callEnd)
      .map((part) => (part.closed ? part.text.slice(0, -1) : part.text))
      .filter((text, index, all) => index < all.length - 1 || text.trim() !== '');
    const where = `parseCells: ${kind}(log, …)`;
    if (args.length !== (kind === 'code' ? 2 : 3)) {
      throw new Error(`${where} takes ${kind === 'code' ? 2 : 3} arguments, got ${args.length}`);
    }
    const previous = drafts[drafts.length - 1];
    const draft: Draft = {
      kind,
      python: stringValue(args[1]!, where),
      statements: [],
      display: kind === 'cell' ? dedent(args[2]!) : null,
    };
    if (previous?.kind === 'code' && kind === 'cell') {
      const split = pending.findIndex((item) => item.newGroup);
      const cut = split < 0 ? pending.length : split;
      give(previous, pending.slice(0, cut));
      give(draft, pending.slice(cut));
    } else if (previous?.kind === 'code') {
      give(previous, pending);
    } else {
      give(draft, pending);
    }
    pending = [];
    drafts.push(draft);
  }
  const last = drafts[drafts.length - 1];
  if (last?.kind === 'code') {
    const split = pending.findIndex((item) => item.newGroup);
    give(last, pending.slice(0, split < 0 ? pending.length : split));
  }
  if (drafts.length !== markersInBody) {
    throw new Error(
      `parseCells: the module calls code/cell ${markersInBody} times but only ${drafts.length} are top-level statements of run() (not a straight list of cells)`,
    );
  }
  return drafts.map((draft) => ({
    python: draft.python,
    statements: dedent(draft.statements.join('')),
    display: draft.display,
  }));
}

/**
 * A cell as one piece of TypeScript: its statements, then the expression it shows on a line of its own
 * (a REPL shows a last expression written without a semicolon).
 * @example cellTypeScript({ python: 'y', statements: '', display: 'y' }) // 'y'
 */
export function cellTypeScript(cell: NotebookCell): string {
  return [cell.statements, cell.display ?? ''].filter((part) => part !== '').join('\n');
}

/**
 * Splits edited cell text back into statements and the expression it shows: whatever follows the last
 * top-level semicolon (comments aside) is shown; text that ends with a semicolon shows nothing.
 * @example splitCellTypeScript('const a = 1;\na') // { statements: 'const a = 1;', display: 'a' }
 */
export function splitCellTypeScript(text: string): { statements: string; display: string | null } {
  const scanned = scan(text);
  const parts = splitAt(text, scanned, ';', 0);
  const tail = parts[parts.length - 1]!;
  if (codeStart(tail.text) >= tail.text.length) return { statements: text.trim(), display: null };
  return { statements: text.slice(0, tail.start).trim(), display: tail.text.trim() };
}

/**
 * Wraps a log so that after each cell's Python prompt lines (`>>> …`, `... …`) it logs the cell's
 * TypeScript, each line after `ts> `. Cells are matched in order; `unmatched()` tells how many were
 * never printed (0 once the example ran all of them).
 * @example const log = withTypeScript(console.log, parseCells(source)); await example.run(log);
 */
export function withTypeScript(
  log: (line: string) => void,
  cells: readonly NotebookCell[],
): ((line: string) => void) & { readonly unmatched: () => number } {
  let cellIndex = 0;
  let lineIndex = 0;
  const expected = (index: number): string[] =>
    cells[index]!.python.split('\n').map((line) => `${/^\s/.test(line) ? '...' : '>>>'} ${line}`);
  const wrapped = (line: string): void => {
    log(line);
    if (cellIndex >= cells.length) return;
    const prompts = expected(cellIndex);
    if (line !== prompts[lineIndex]) {
      lineIndex = line === prompts[0] ? 1 : 0;
    } else lineIndex++;
    if (lineIndex === prompts.length) {
      const typescript = cellTypeScript(cells[cellIndex]!);
      if (typescript !== '') for (const tsLine of typescript.split('\n')) log(`ts> ${tsLine}`);
      cellIndex++;
      lineIndex = 0;
    }
  };
  return Object.assign(wrapped, { unmatched: () => cells.length - cellIndex });
}

/**
 * The notebook examples' names and titles read from the source of examples/index.ts (its `EXAMPLES`
 * list, before `TRAINING_EXAMPLES`), for a page that cannot import the Node-only training examples.
 * @example parseExampleList(indexSource)[0] // { name: 'x-squared', title: 'The gradient of y = x² at x = 4' }
 */
export function parseExampleList(indexSource: string): { name: string; title: string }[] {
  const start = indexSource.indexOf('export const EXAMPLES');
  const end = indexSource.indexOf('export const TRAINING_EXAMPLES');
  if (start < 0 || end < start) throw new Error('parseExampleList: no EXAMPLES list before TRAINING_EXAMPLES');
  const list = indexSource.slice(start, end);
  return [...list.matchAll(/name:\s*('[^']*'|"[^"]*"),\s*title:\s*('[^']*'|"[^"]*")/g)].map((match) => ({
    name: stringValue(match[1]!, 'parseExampleList'),
    title: stringValue(match[2]!, 'parseExampleList'),
  }));
}
