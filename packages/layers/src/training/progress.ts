/**
 * @file The progress display of `fit` and `evaluate`, after Keras 2's Progbar:
 * ` 37/250 [====>.........................] - ETA: 3s - loss: 0.5025 - accuracy: 0.8553`, redrawn in
 * place with `\r` on a terminal, then `250/250 [==============================] - 9s 36ms/step - ...`.
 *
 * Written by hand rather than with a progress-bar package: this is a library (a dependency would ship
 * to every user, browsers included, for ~100 lines), the format must be Keras' exactly (ETA, per-step
 * time, metrics in Keras' number format), and the behaviour is small and testable with a fake stream:
 * redraw only on a TTY, at most every 50 ms (Keras' interval), nothing when not a TTY at `verbose: 1`
 * or at `verbose: 0`, one line per epoch at `verbose: 2`.
 */

/**
 * Where progress goes: `process.stdout` in Node, or anything with `write` (tests pass a fake).
 * @example const stream: ProgressStream = { write: (s) => chunks.push(s), isTTY: true };
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Keras' `verbose`: 0 silent, 1 a progress bar (on a terminal), 2 one line per epoch.
 * @example await model.fit(x, y, { verbose: 2 })
 */
export type Verbosity = 0 | 1 | 2;

/** `process.stdout` when there is one (Node), else null: the package stays browser-safe. */
export function defaultStream(): ProgressStream | null {
  const stdout = (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
  return stdout ?? null;
}

/** Keras' number format: 4 decimals, or scientific for small magnitudes. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1e-3 || value === 0) return value.toFixed(4);
  // Python's '%.4e' writes at least two exponent digits: 1.2340e-04.
  return value.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Keras' ETA format: `3s`, `1:05`, `1:02:03`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (s >= 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}

function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/step`;
  return `${Math.round(seconds * 1e6)}us/step`;
}

/**
 * One epoch's progress bar (or its one-line summary at verbose 2).
 * @example
 * const bar = new ProgressBar(250, { verbose: 1 });
 * bar.update(37, [['loss', 0.5]]);
 * bar.update(250, [['loss', 0.4]], true);
 */
export class ProgressBar {
  private readonly total: number;
  private readonly stream: ProgressStream | null;
  private readonly live: boolean;
  private readonly summaryOnly: boolean;
  private readonly now: () => number;
  private readonly prefix: string;
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastLength = 0;

  constructor(
    total: number,
    options: {
      readonly verbose: Verbosity;
      readonly stream?: ProgressStream | null;
      readonly prefix?: string;
      readonly now?: () => number;
    },
  ) {
    this.total = total;
    this.stream = options.stream === undefined ? defaultStream() : options.stream;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    this.live = options.verbose === 1 && this.stream?.isTTY === true;
    this.summaryOnly = options.verbose === 2;
    this.prefix = options.prefix ?? '';
    if (this.live && this.prefix !== '') this.stream!.write(`${this.prefix}\n`);
  }

  /** Shows `current` of `total` steps done with the running `values`; `finalize` ends the line. */
  update(current: number, values: readonly (readonly [string, number])[], finalize = false): void {
    if (this.stream === null || (!this.live && !this.summaryOnly)) return;
    const now = this.now();
    if (this.summaryOnly) {
      if (finalize)
        this.stream.write(
          `${this.prefix}${this.prefix === '' ? '' : ' - '}${this.timing(now, current)}${metrics(values)}\n`,
        );
      return;
    }
    if (!finalize && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const width = String(this.total).length;
    const filled = Math.floor((30 * current) / Math.max(this.total, 1));
    const bar =
      current >= this.total
        ? '='.repeat(30)
        : `${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? '>' : ''}`.padEnd(30, '.');
    const elapsed = (now - this.start) / 1000;
    const eta = finalize
      ? this.timing(now, current)
      : `ETA: ${formatDuration(current > 0 ? (elapsed / current) * (this.total - current) : 0)}`;
    const line = `${String(current).padStart(width)}/${this.total} [${bar}] - ${eta}${metrics(values)}`;
    // Pad over a longer previous line: `\r` returns the cursor but does not clear what follows.
    this.stream.write(`\r${line}${' '.repeat(Math.max(this.lastLength - line.length, 0))}${finalize ? '\n' : ''}`);
    this.lastLength = line.length;
  }

  private timing(now: number, steps: number): string {
    const elapsed = (now - this.start) / 1000;
    return `${formatDuration(elapsed)} ${formatPerStep(elapsed / Math.max(steps, 1))}`;
  }
}

function metrics(values: readonly (readonly [string, number])[]): string {
  return values.map(([name, value]) => ` - ${name}: ${formatValue(value)}`).join('');
}
