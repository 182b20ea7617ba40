/**
 * @file CSVLogger (Keras 3's `keras.callbacks.CSVLogger`): one row per epoch, `epoch` (0-based, as
 * Keras writes it) then the log keys sorted, under a header row, Python csv's `\r\n` line ends. A
 * kill at any instant leaves no half-written row: without `append`, the whole file is rewritten
 * through the same atomic switch `model.save` uses (a temporary file renamed over it); with `append`,
 * each row goes to the end of the file in one `write` of the whole line, opened `O_APPEND`.
 */

import * as tf from '@tapeflow/tensor-core/internal';
import { localPath } from '../saving/path-names.js';
import type { Callback, Logs } from './callbacks.js';

/**
 * The file writers, imported on first use (like `model.save`'s code), so that a web page which never
 * logs to a CSV file does not download them up front.
 */
async function fileWriters(): Promise<
  typeof import('../saving/files.js') & typeof import('../saving/model-directory.js')
> {
  const [files, directory] = await Promise.all([import('../saving/files.js'), import('../saving/model-directory.js')]);
  return { ...files, ...directory };
}

/**
 * Options of `CSVLogger`.
 * @example new tf.callbacks.CSVLogger('training.csv', { separator: ';', append: true })
 */
export interface CSVLoggerOptions {
  /** Between fields; default `','`. */
  readonly separator?: string;
  /** Add to an existing file (its header kept) rather than replace it; default false. */
  readonly append?: boolean;
}

const CSV_RULES: tf.OptionSchema<CSVLoggerOptions> = {
  separator: {
    kind: 'custom',
    check: (v) =>
      typeof v === 'string' && v.length === 1 && !/["\r\n]/.test(v)
        ? undefined
        : 'one character (not a quote or line end)',
  },
  append: { kind: 'boolean' },
};

const LINE_END = '\r\n';

/**
 * Streams each epoch's logs to a CSV file (`tf.keras.callbacks.CSVLogger`; Node only).
 * @example await model.fit(x, y, { epochs: 10, callbacks: [new tf.callbacks.CSVLogger('log.csv')] });
 */
export class CSVLogger implements Callback {
  /** The file written. */
  readonly filename: string;
  /** The field separator. */
  readonly separator: string;
  /** Whether rows are appended to an existing file. */
  readonly append: boolean;
  private keys: string[] | null = null;
  /** Without `append`: every line written so far (the file is rewritten whole each epoch). */
  private lines: string[] = [];
  private writeHeader = true;

  constructor(filename: string, options: CSVLoggerOptions = {}) {
    this.filename = localPath('CSVLogger', 'filename', filename);
    tf.checkOptions('CSVLogger', options, CSV_RULES);
    this.separator = options.separator ?? ',';
    this.append = options.append ?? false;
  }

  async onTrainBegin(): Promise<void> {
    this.keys = null;
    this.lines = [];
    if (!this.append) {
      // Keras opens the file with 'w' here: it starts empty.
      await (await fileWriters()).writeFileAtomically('CSVLogger', this.filename, new Uint8Array());
      this.writeHeader = true;
      return;
    }
    const files = await (await fileWriters()).nodeFiles('CSVLogger');
    const size = await files
      .stat(this.filename)
      .then((stat) => stat.size)
      .catch(() => 0);
    // Keras writes the header only into an empty (or new) file.
    this.writeHeader = size === 0;
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    this.keys ??= Object.keys(logs).sort();
    const rows: string[] = [];
    if (this.writeHeader) {
      rows.push(this.row(['epoch', ...this.keys]));
      this.writeHeader = false;
    }
    rows.push(
      this.row([String(epoch), ...this.keys.map((key) => (Object.hasOwn(logs, key) ? String(logs[key]) : 'NA'))]),
    );
    const text = rows.map((r) => r + LINE_END).join('');
    if (this.append) {
      await this.appendText(text);
      return;
    }
    this.lines.push(text);
    const { writeFileAtomically } = await fileWriters();
    await writeFileAtomically('CSVLogger', this.filename, new TextEncoder().encode(this.lines.join('')));
  }

  private row(fields: readonly string[]): string {
    // Python's csv module quotes a field holding the separator, a quote or a line end.
    return fields
      .map((f) => (f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
      .join(this.separator);
  }

  private async appendText(text: string): Promise<void> {
    const { nodeFiles, onFile } = await fileWriters();
    const files = await nodeFiles('CSVLogger');
    const handle = await onFile('CSVLogger', this.filename, () => files.open(this.filename, 'a'));
    try {
      // One write of whole lines at the end (O_APPEND): a kill leaves the line written or not at all.
      const bytes = new TextEncoder().encode(text);
      const { bytesWritten } = await onFile('CSVLogger', this.filename, () => handle.write(bytes));
      if (bytesWritten !== bytes.length)
        throw new tf.ResourceExhaustedError(
          `CSVLogger: wrote ${bytesWritten} of ${bytes.length} bytes to ${this.filename} (is the disk full?).`,
          'CSVLogger',
        );
      await onFile('CSVLogger', this.filename, () => handle.sync());
    } finally {
      await handle.close();
    }
  }
}
