/**
 * @file The part of the WebAssembly JavaScript API this package uses, typed locally. TypeScript
 * declares `WebAssembly` only in the DOM lib, and this monorepo compiles for ES2022 + Node types;
 * adding DOM here would leak into every package that type-checks this one's sources. So the global
 * is read once, through these declarations, and may be absent (an engine without WebAssembly).
 */

/** `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** `WebAssembly.Module`: compiled code, shareable with workers. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** `WebAssembly.Instance`. */
export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

/** The `WebAssembly` namespace, as far as it is used here. */
export interface WasmApi {
  readonly Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

/** The engine's WebAssembly API, or undefined where there is none. */
export function webAssembly(): WasmApi | undefined {
  // The one untyped step: the global exists at run time on every engine that has WebAssembly.
  const api = (globalThis as { WebAssembly?: unknown }).WebAssembly;
  return typeof api === 'object' && api !== null ? (api as WasmApi) : undefined;
}

/** The engine's WebAssembly API; throws where there is none (callers check features first). */
export function requireWebAssembly(): WasmApi {
  const api = webAssembly();
  if (api === undefined) throw new Error('@tapeflow/backend-cpu: this engine has no WebAssembly');
  return api;
}
