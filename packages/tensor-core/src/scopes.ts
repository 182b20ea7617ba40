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
 * take each other's tensors; `close` detects that case so the engine can say so.
 *
 * Whether `fn` is asynchronous is known only from its result (a thenable): a down-levelled `async`
 * function or a plain function returning a Promise looks like any other function. Running every
 * `fn` in an async context of its own would cost every synchronous `tidy` that price, and in Node 20
 * would slow every Promise of the program, so the tracker starts doing so at the first asynchronous
 * scope it meets (or at an `fn` declared `async`); the first one met that way is attributed by order,
 * as without AsyncLocalStorage.
 *
 * A stack overflow can interrupt a scope's clean-up (a `catch` or `finally` block overflows too), so
 * each frame, on its way out, also takes down any scope above its own that is still on the stack:
 * the outermost frame that still has room restores the stack.
 */

import type { Tensor } from './tensor.js';

/** One tidy scope. */
export interface Scope {
  /** Tensors it owns. */
  readonly tensors: Tensor[];
  /** The scope that receives its returned tensors. */
  readonly parent: Scope | null;
  /** Its index on the stack of scopes whose `fn` is running. */
  readonly depth: number;
  /** Set once its `fn` returned a thenable: it stays open until that settles. */
  isAsync: boolean;
  /** Whether its `fn` ran in an async context of its own (else its continuations are found by order). */
  inContext: boolean;
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
  const module = processLike?.getBuiltinModule?.('node:async_hooks') as
    { AsyncLocalStorage?: AsyncContextConstructor } | undefined;
  return module?.AsyncLocalStorage ?? null;
}

/** Whether `value` is a thenable: what makes a `tidy` (or a recording) asynchronous. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Tracks the open scopes and answers "which scope owns a tensor made now?". */
export class ScopeTracker {
  private readonly stack: Scope[] = [];
  private readonly context: AsyncContextStore<Scope> | null;
  /** How many async scopes are open. */
  private openAsync = 0;
  /** Open async scopes found by order (all of them without async context), in opening order. */
  private readonly ordered: Scope[] = [];
  /** Set at the first async scope: from then on every `fn` runs in an async context of its own. */
  private contextEveryScope = false;

  /** `useAsyncContext: false` forces the platform-without-AsyncLocalStorage behaviour (for tests). */
  constructor(options: { readonly useAsyncContext?: boolean } = {}) {
    const AsyncLocalStorage = options.useAsyncContext === false ? null : findAsyncLocalStorage();
    this.context = AsyncLocalStorage === null ? null : new AsyncLocalStorage<Scope>();
  }

  /** Whether concurrent async scopes are kept apart on this platform. */
  get isolatesConcurrentAsyncScopes(): boolean {
    return this.context !== null;
  }

  /** How many scopes are on the stack (whose `fn` is running now). */
  get depth(): number {
    return this.stack.length;
  }

  /** The scope that owns a tensor made now, if any. */
  current(): Scope | null {
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined) return top;
    if (this.openAsync === 0) return null;
    let scope = this.context?.getStore() ?? this.ordered[this.ordered.length - 1] ?? null;
    while (scope !== null && scope.closed) scope = scope.parent;
    return scope;
  }

  /** Opens a scope for an `fn` about to run, on top of the stack. */
  open(): Scope {
    const scope: Scope = {
      tensors: [],
      parent: this.current(),
      depth: this.stack.length,
      isAsync: false,
      inContext: false,
      closed: false,
    };
    this.stack.push(scope);
    return scope;
  }

  /** Runs `fn` as `scope`'s body: in an async context of its own once any scope was asynchronous. */
  call<T>(scope: Scope, fn: () => T): T {
    const context = this.context;
    if (context === null || !(this.contextEveryScope || fn.constructor.name === 'AsyncFunction')) return fn();
    this.contextEveryScope = true;
    scope.inContext = true;
    return context.run(scope, fn);
  }

  /**
   * Scopes above `scope` still on the stack: their frames ended without taking them down (a stack
   * overflow in their clean-up). The caller, `scope`'s frame, ends them, top first, and `leave`s.
   */
  above(scope: Scope): Scope | null {
    return this.stack.length > scope.depth + 1 ? this.stack[this.stack.length - 1]! : null;
  }

  /** Takes `scope` (and anything above it) off the stack: its `fn` returned or threw. */
  leave(scope: Scope): void {
    const stack = this.stack;
    if (stack.length === scope.depth + 1) stack.pop();
    else if (stack.length > scope.depth) stack.length = scope.depth;
  }

  /** Keeps `scope` open, off the stack, until its `fn`'s thenable settles (then `close` it). */
  openUntilSettled(scope: Scope): void {
    this.leave(scope);
    scope.isAsync = true;
    this.openAsync++;
    if (!scope.inContext) this.ordered.push(scope);
    this.contextEveryScope = true;
  }

  /**
   * Ends a scope (a second call does nothing). Returns whether another scope found by order that
   * opened after it is still open while it ends: the two overlapped and may have mixed tensors.
   */
  close(scope: Scope): boolean {
    if (scope.closed) return false;
    scope.closed = true;
    if (!scope.isAsync) return false;
    this.openAsync--;
    const index = this.ordered.indexOf(scope);
    if (index === -1) return false;
    this.ordered.splice(index, 1);
    return index !== this.ordered.length;
  }
}
