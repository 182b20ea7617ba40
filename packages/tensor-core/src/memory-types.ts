/**
 * @file The Engine's memory records: a backend buffer shared by tensor handles, and what `memory()`
 * reports.
 */

import type { Backend } from './backend.js';
import type { DataId } from './kernels.js';

/** What one backend holds, for `memory()`; a removed backend's account is closed. */
export interface BackendAccount {
  /** Live bytes on the backend. */
  bytes: number;
  /** Live buffers on the backend. */
  buffers: number;
  /**
   * Set when the backend was removed: it freed its buffers itself, so handles still viewing them
   * release nothing when disposed or collected.
   */
  removed: boolean;
}

/** A backend buffer shared by every tensor handle that views it (a reshape shares its input's). */
export interface Storage {
  readonly backend: Backend;
  readonly backendName: string;
  readonly dataId: DataId;
  readonly bytes: number;
  /** The live-byte account of its backend (see Engine.memory). */
  readonly account: BackendAccount;
  refCount: number;
}

/** What `memory()` reports. */
export interface MemoryInfo {
  /** Live tensor handles (views count once each). */
  readonly numTensors: number;
  /** Live backend buffers. */
  readonly numDataBuffers: number;
  /** Bytes of live backend buffers. */
  readonly numBytes: number;
  /** `numBytes` split by backend name. */
  readonly numBytesByBackend: Readonly<Record<string, number>>;
  /** Live Variables. */
  readonly numVariables: number;
  /**
   * Tensor handles that were garbage-collected without `dispose` and whose buffers the safety net
   * released. A growing count points at a leak in the program: dispose or `tidy` them instead.
   */
  readonly numReclaimed: number;
}
