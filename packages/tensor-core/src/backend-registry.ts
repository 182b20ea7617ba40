/**
 * @file The backend registry: factories by name with priorities, the backends made from them, and
 * which one is active. An Engine owns one; `registerBackend`, `setBackend`, `getBackend` and `ready`
 * are its public face.
 */

import type { Backend, BackendFactory } from './backend.js';
import { BACKEND_SPEC_VERSION } from './backend.js';
import { FailedPreconditionError, NotFoundError } from './errors.js';

interface RegistryEntry {
  readonly factory: BackendFactory;
  readonly priority: number;
}

/** Options of `registerBackend`. */
export interface RegisterBackendOptions {
  /** Higher wins when no backend was set explicitly; default 1. */
  readonly priority?: number;
}

/** Backend factories, the backends made from them, and the active one. */
export class BackendRegistry {
  private readonly registry = new Map<string, RegistryEntry>();
  private readonly backends = new Map<string, Backend>();
  private readonly pendingBackends = new Map<string, Promise<Backend>>();
  private activeBackend: Backend | null = null;
  private activeBackendName: string | null = null;

  /** The active backend's name, once one is active. */
  get activeName(): string | null {
    return this.activeBackendName;
  }

  /** Registers a backend factory under `name`; false (and a warning) if the name is taken. */
  registerBackend(name: string, factory: BackendFactory, options: RegisterBackendOptions = {}): boolean {
    if (this.registry.has(name)) {
      console.warn(`registerBackend: a backend named '${name}' is already registered; keeping the first.`);
      return false;
    }
    this.registry.set(name, { factory, priority: options.priority ?? 1 });
    return true;
  }

  /** Removes a registered backend, disposing its instance if it was made. */
  removeBackend(name: string): void {
    const backend = this.backends.get(name);
    backend?.dispose?.();
    this.backends.delete(name);
    this.pendingBackends.delete(name);
    this.registry.delete(name);
    if (this.activeBackendName === name) {
      this.activeBackend = null;
      this.activeBackendName = null;
    }
  }

  /** Names of registered backends, highest priority first. */
  registeredBackends(): string[] {
    return [...this.registry.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
  }

  /** Makes `name` the active backend, initialising it if needed; resolves to true on success. */
  async setBackend(name: string): Promise<boolean> {
    const backend = await this.initializeBackend(name);
    this.activeBackend = backend;
    this.activeBackendName = name;
    return true;
  }

  /** The active backend's name, choosing the best synchronously available one if none was set. */
  getBackend(): string {
    void this.backend;
    return this.activeBackendName!;
  }

  /** Resolves once a backend is active (initialising the highest-priority one that works). */
  async ready(): Promise<void> {
    if (this.activeBackend !== null) return;
    const errors: string[] = [];
    for (const name of this.registeredBackends()) {
      try {
        await this.setBackend(name);
        return;
      } catch (error) {
        errors.push(`${name}: ${(error as Error).message}`);
      }
    }
    throw new NotFoundError(
      `ready: no registered backend could be initialised (${errors.join('; ') || 'none registered'}).`,
    );
  }

  /** The initialised backend named `name` (initialising it if its factory is synchronous). */
  findBackend(name: string): Backend | undefined {
    const existing = this.backends.get(name);
    if (existing !== undefined) return existing;
    const entry = this.registry.get(name);
    if (entry === undefined || this.pendingBackends.has(name)) return undefined;
    const made = entry.factory();
    if (made instanceof Promise) {
      // Awaited by `ready()` and `setBackend`, which see its failure.
      void this.trackPending(name, made);
      return undefined;
    }
    return this.adoptBackend(name, made);
  }

  /** The active backend, choosing the highest-priority synchronously available one if none was set. */
  get backend(): Backend {
    if (this.activeBackend !== null) return this.activeBackend;
    for (const name of this.registeredBackends()) {
      let backend: Backend | undefined;
      try {
        backend = this.findBackend(name);
      } catch {
        continue;
      }
      if (backend !== undefined) {
        this.activeBackend = backend;
        this.activeBackendName = name;
        return backend;
      }
    }
    const names = this.registeredBackends();
    throw new NotFoundError(
      names.length === 0
        ? "No backend is registered. Import 'tapeflow' (which registers the CPU backend) or call registerBackend('cpu', cpuBackend) from '@tapeflow/backend-cpu'."
        : `No backend is ready (registered: ${names.join(', ')}); asynchronous backends need 'await setBackend(name)' or 'await ready()' first.`,
    );
  }

  private async initializeBackend(name: string): Promise<Backend> {
    const existing = this.backends.get(name);
    if (existing !== undefined) return existing;
    const pending = this.pendingBackends.get(name);
    if (pending !== undefined) return pending;
    const entry = this.registry.get(name);
    if (entry === undefined) {
      const known = this.registeredBackends();
      throw new NotFoundError(
        `setBackend: no backend named '${name}' is registered (registered: ${known.join(', ') || 'none'}).`,
      );
    }
    const made = entry.factory();
    if (made instanceof Promise) return this.trackPending(name, made);
    return this.adoptBackend(name, made);
  }

  private trackPending(name: string, made: Promise<Backend>): Promise<Backend> {
    const promise = made.then(
      (backend) => {
        this.pendingBackends.delete(name);
        return this.adoptBackend(name, backend);
      },
      (error: unknown) => {
        this.pendingBackends.delete(name);
        throw error;
      },
    );
    this.pendingBackends.set(name, promise);
    return promise;
  }

  private adoptBackend(name: string, backend: Backend): Backend {
    if (backend.specVersion !== BACKEND_SPEC_VERSION) {
      throw new FailedPreconditionError(
        `registerBackend: backend '${name}' implements contract version ${String(backend.specVersion)}, but this @tapeflow/tensor-core implements version ${BACKEND_SPEC_VERSION}.`,
      );
    }
    this.backends.set(name, backend);
    return backend;
  }
}
