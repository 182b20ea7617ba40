/**
 * @file The memory-speed references of issue 16 (item 4, group w-ew4): tasks that are no library's,
 * run in every library's child process beside the 1M-element rows, so each process states the speed of
 * its own memory. `copy-1M` is a plain JavaScript loop copying a Float32Array into a preallocated one:
 * the bar the elementwise and reduction rows are held to (within 1.5× of it). `copy-fresh-1M` copies
 * into a new Float32Array each run (`slice`), as a read-back (`dataSync`) must: on Linux a fresh block
 * of a few MB comes from the kernel page by page (glibc maps or grows the heap for it and trims it
 * again when it is freed), so it states what the read-back alone costs in each of those rows.
 */

import { uniform } from './data.js';
import type { Task } from './libraries/types.js';

/** The reference tasks: a copy into a preallocated array, and one into a fresh array. */
export type ReferenceKind = 'copy' | 'copy-fresh';

/** A task copying `size` floats each run, into the same preallocated array or a fresh one. */
export function referenceTask(kind: ReferenceKind, size: number): Task {
  const source = uniform(size, 23);
  let target = new Float32Array(size);
  const run =
    kind === 'copy'
      ? () => {
          for (let i = 0; i < size; i++) target[i] = source[i]!;
        }
      : () => {
          target = source.slice();
        };
  return { run, dispose: () => undefined };
}
