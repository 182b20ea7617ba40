/**
 * @file Free functions over the default Engine: backend selection, memory and scopes, as in `tf.*`.
 */

import type { BackendFactory } from './backend.js';
import { getEngine } from './engine.js';
import type { RegisterBackendOptions } from './backend-registry.js';
import type { MemoryInfo } from './engine.js';
import type { LiveTensorInfo } from './debug.js';
import type { Tensor, TensorContainer } from './tensor.js';
import { formatTensor } from './print.js';

/**
 * Registers a backend factory under `name`.
 * @example tf.registerBackend('cpu', cpuBackend, { priority: 1 })
 */
export function registerBackend(name: string, factory: BackendFactory, options: RegisterBackendOptions = {}): boolean {
  return getEngine().registerBackend(name, factory, options);
}

/** Removes a registered backend. */
export function removeBackend(name: string): void {
  getEngine().removeBackend(name);
}

/** Makes `name` the active backend (initialising it). @example await tf.setBackend('webgpu') */
export function setBackend(name: string): Promise<boolean> {
  return getEngine().setBackend(name);
}

/** The active backend's name. */
export function getBackend(): string {
  return getEngine().getBackend();
}

/** Resolves once a backend is active. */
export function ready(): Promise<void> {
  return getEngine().ready();
}

/**
 * Runs `fn`, then disposes every tensor it made except those it returns or `keep`s. An `fn` returning
 * a Promise (or any thenable: an `async` function, down-levelled or not) is supported: its scope stays
 * open until it settles (concurrent calls are kept apart where
 * the platform has AsyncLocalStorage, as Node does; see the docs for browsers).
 * @example const y = tf.tidy(() => x.mul(2).add(1)); // the intermediate x*2 is freed
 * @example const loss = await tf.tidy(async () => { const l = f(x); await l.data(); return l; });
 */
export function tidy<T extends TensorContainer>(fn: () => PromiseLike<T>): Promise<T>;
export function tidy<T extends TensorContainer>(fn: () => T): T;
export function tidy<T extends TensorContainer>(fn: () => T | PromiseLike<T>): T | Promise<T> {
  return getEngine().tidy(fn as () => T);
}

/** Keeps `t` past enclosing `tidy` scopes. */
export function keep<T extends Tensor>(t: T): T {
  return getEngine().keep(t);
}

/** Disposes every tensor in `container` (a tensor, or arrays / objects of them). */
export function dispose(container: TensorContainer): void {
  if (container === null || typeof container !== 'object') return;
  if ('dispose' in container && typeof container.dispose === 'function') {
    (container as Tensor).dispose();
    return;
  }
  for (const item of Object.values(container)) dispose(item as TensorContainer);
}

/** Live tensors, buffers and bytes. @example tf.memory().numTensors */
export function memory(): MemoryInfo {
  return getEngine().memory();
}

/** `t` printed as NumPy lays it out, on any backend (reads asynchronously). */
export async function format(t: Tensor): Promise<string> {
  return formatTensor(await t.data(), t.shape, t.dtype);
}

/**
 * Turns on debug mode: every tensor made from now on remembers where it was created, so
 * `liveTensors()` and `leakReport()` point at the line that leaked it. Costs a stack trace per tensor.
 * @example tf.enableDebugMode(); train(); console.log(tf.leakReport());
 */
export function enableDebugMode(): void {
  getEngine().setDebugMode(true);
}

/** Turns debug mode off. */
export function disableDebugMode(): void {
  getEngine().setDebugMode(false);
}

/** The live tensors made while debug mode was on, each with its creation site. */
export function liveTensors(): LiveTensorInfo[] {
  return getEngine().liveTensors();
}

/**
 * A readable summary of live tensors grouped by the line that created them, largest groups first:
 * `3 × float32 [64,256] at src/train.ts:42:13`. Needs debug mode.
 */
export function leakReport(): string {
  const engine = getEngine();
  if (!engine.debugMode)
    return 'leakReport: debug mode is off; call tf.enableDebugMode() before the code under suspicion.';
  const groups = new Map<string, number>();
  for (const info of engine.liveTensors()) {
    const key = `${info.isVariable ? 'Variable ' : ''}${info.dtype} [${info.shape.join(',')}] at ${info.createdAt ?? 'an unknown site'}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  if (groups.size === 0) return 'No live tensors were created while debug mode was on.';
  return [...groups.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => `${count} × ${key}`)
    .join('\n');
}
