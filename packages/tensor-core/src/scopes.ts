/**
 * @file Tidy scopes: which scope owns a new tensor. Synchronous `tidy` calls nest on a plain stack
 * (the hot path: one array push per tensor). An asynchronous `tidy` keeps its scope open until its
 * Promise settles; tensors made in its continuations (after an `await`) belong to it too.
 *
 * Attributing those continuations needs the async context of the task that made the tensor. Where
 * the platform has `AsyncLocalStorage` (Node), each async scope runs inside its own context, so
 * concurrent async `tidy` calls never mix their tensors. Where it has none (browsers, until TC39
 * AsyncContext ships), a continuation's tensors go to the most recently opened async scope that is
 * still open: nested and sequential async `tidy` calls are exact, but overlapping concurrent ones may
 * take each other's tensors; `Scope.interleaved` detects that case so the engine can say so.
 */

import type { Tensor } from './tensor.js';

/** One tidy scope. */
export interface Scope {
  /** Tensors it owns. */
  readonly tensors: Tensor[];
  /** The scope that receives its returned tensors. */
  readonly parent: Scope | null;
  /** Whether the scope is asynchronous (open until a Promise settles). */
  readonly isAsync: boolean;
  /** Set when the scope has ended. */
  closed: boolean;
}

interface AsyncContextStore<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

type AsyncContextConstructor = new <T>() => AsyncContextStore<T>;

/** Node's AsyncLocalStorage when the platform has it (Node ≥ 20.16's getBuiltinModule), else null. */
function findAsyncLocalStorage(): AsyncContextConstructor | null {
  const processLike = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = processLike?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: AsyncContextConstructor } | undefined;
  return module?.AsyncLocalStorage ?? null;
}

/** Tracks the open scopes and answers "which scope owns a tensor made now?". */
export class ScopeTracker {
  private readonly stack: Scope[] = [];
  private readonly context: AsyncContextStore<Scope> | null;
  /** Open async scopes in opening order (used when there is no async context). */
  private readonly openAsync: Scope[] = [];

  /** `useAsyncContext: false` forces the platform-without-AsyncLocalStorage behaviour (for tests). */
  constructor(options: { readonly useAsyncContext?: boolean } = {}) {
    const AsyncLocalStorage = options.useAsyncContext === false ? null : findAsyncLocalStorage();
    this.context = AsyncLocalStorage === null ? null : new AsyncLocalStorage<Scope>();
  }

  /** Whether concurrent async scopes are kept apart on this platform. */
  get isolatesConcurrentAsyncScopes(): boolean {
    return this.context !== null;
  }

  /** The scope that owns a tensor made now, if any. */
  current(): Scope | null {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined) return top;
    if (this.openAsync.length === 0) return null;
    let scope = this.context !== null ? (this.context.getStore() ?? null) : this.openAsync[this.openAsync.length - 1]!;
    while (scope !== null && scope.closed) scope = scope.parent;
    return scope;
  }

  private failed: Scope | null = null;

  /**
   * Opens a scope and runs `fn` in it; with `isAsync`, `fn`'s continuations stay in it. If `fn`
   * throws, the scope is left for `lastFailed()` so its tensors can be disposed.
   */
  run<T>(isAsync: boolean, fn: () => T): { scope: Scope; result: T } {
    const scope: Scope = { tensors: [], parent: this.current(), isAsync, closed: false };
    this.stack.push(scope);
    try {
      const result = isAsync && this.context !== null ? this.context.run(scope, fn) : fn();
      return { scope, result };
    } catch (error) {
      this.failed = scope;
      throw error;
    } finally {
      this.stack.pop();
    }
  }

  /** The scope whose fn threw last (once). */
  lastFailed(): Scope | null {
    const scope = this.failed;
    this.failed = null;
    return scope;
  }

  /** Marks an async scope open until `settle` (its Promise settled). */
  openUntilSettled(scope: Scope): void {
    this.openAsync.push(scope);
  }

  /**
   * Ends a scope. Returns whether another async scope that opened after it is still open while it
   * ends: without async context, that means the two overlapped and may have mixed tensors.
   */
  close(scope: Scope): boolean {
    scope.closed = true;
    const index = this.openAsync.indexOf(scope);
    if (index === -1) return false;
    const interleaved = index !== this.openAsync.length - 1 && this.context === null;
    this.openAsync.splice(index, 1);
    return interleaved;
  }
}
