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

/** The tasks made so far, one per kind and size: each process makes each closure once. */
const made = new Map<string, Task>();

/**
 * A task copying `size` floats each run, into the same preallocated array or a fresh one. The child
 * asks for every task twice (its warm-up pass, then the timed one), and gets the same one: V8 compiles
 * the loop for the arrays its closure holds, and a second closure from the same code ran it 5-10×
 * slower (measured on Node 20: 0.4 ms against 3-6 ms; passing the arrays as arguments was as slow),
 * which would make the bar meaninglessly lax.
 */
export function referenceTask(kind: ReferenceKind, size: number): Task {
  const key = `${kind} ${size}`;
  let task = made.get(key);
  if (task === undefined) made.set(key, (task = kind === 'copy' ? copyTask(size) : freshCopyTask(size)));
  return task;
}

function copyTask(size: number): Task {
  const source = uniform(size, 23);
  const target = new Float32Array(size);
  return {
    run: () => {
      for (let i = 0; i < size; i++) target[i] = source[i]!;
    },
    dispose: () => undefined,
  };
}

function freshCopyTask(size: number): Task {
  const source = uniform(size, 23);
  // The latest copy is held until the next run, as a caller holds what it read.
  const held: { copy?: Float32Array } = {};
  return {
    run: () => void (held.copy = source.slice()),
    dispose: () => void delete held.copy,
  };
}
