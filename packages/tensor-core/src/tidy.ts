/**
 * @file What `tidy` does with a scope, apart from the Engine, whose own code is the per-op path
 * (runKernel, checkInput, track): open a scope, run `fn` in it, and end it, disposing every tensor
 * it made except those returned or kept, which pass to the enclosing scope (or the safety net).
 * Asynchronous `fn`s keep their scope open until they settle (ScopeTracker keeps concurrent calls
 * apart).
 */

import { collected } from './collect.js';
import { tidyArgumentError } from './engine-errors.js';
import type { Engine } from './engine.js';
import type { SafetyNet } from './safety-net.js';
import { isThenable } from './scopes.js';
import type { Scope, ScopeTracker } from './scopes.js';
import { Tensor, Variable } from './tensor.js';
import type { TensorContainer } from './tensor.js';

/** Runs tidy scopes on an Engine's ScopeTracker (the tracker the Engine reads to own new tensors). */
export class TidyScopes {
  private warnedInterleaving = false;

  constructor(
    private readonly tracker: ScopeTracker,
    private readonly safetyNet: SafetyNet,
    private readonly engine: Engine,
  ) {}

  /** `Engine.tidy`: runs `fn` in a new scope and ends it (when it settles, for a thenable). */
  run<T extends TensorContainer>(fn: () => T | PromiseLike<T>): T | Promise<T> {
    if (typeof fn !== 'function') throw tidyArgumentError(fn);
    const tracker = this.tracker;
    const scope = tracker.open();
    let result: T | PromiseLike<T>;
    try {
      result = tracker.call(scope, fn);
    } catch (error) {
      this.leaveScope(scope, null);
      throw error;
    }
    if (isThenable(result)) {
      this.endStaleScopes(scope);
      tracker.openUntilSettled(scope);
      return Promise.resolve(result).then(
        (value) => this.endScope(scope, value),
        (error: unknown) => {
          this.endScope(scope, null);
          throw error;
        },
      );
    }
    return this.leaveScope(scope, result);
  }

  /**
   * Ends a scope whose `fn` returned `result` (null when it threw) and takes it off the stack, last:
   * if its clean-up overflows the stack, it is still there for an enclosing frame to end.
   */
  private leaveScope<T>(scope: Scope, result: T): T {
    this.endStaleScopes(scope);
    this.endScope(scope, result);
    this.tracker.leave(scope);
    return result;
  }

  /** Ends the scopes above `scope` left on the stack by frames whose clean-up overflowed the stack. */
  private endStaleScopes(scope: Scope): void {
    const tracker = this.tracker;
    for (let stale = tracker.above(scope); stale !== null; stale = tracker.above(scope)) {
      this.endScope(stale, null);
      tracker.leave(stale);
    }
  }

  private endScope<T>(scope: Scope, result: T): T {
    if (this.tracker.close(scope) && !this.warnedInterleaving) {
      this.warnedInterleaving = true;
      console.warn(
        'tidy: two async tidy calls overlapped on a platform without AsyncLocalStorage; their tensors may have been attributed to the wrong scope. Nest or sequence async tidy calls there.',
      );
    }
    // One returned tensor is the common case (and the per-op path of gradient rules): no Set for it.
    const returned: ReadonlySet<Tensor> | Tensor[] = result instanceof Tensor ? [result] : collected(result);
    for (const t of scope.tensors) {
      if (t.kept) this.safetyNet.add(t);
      else if (!t.isDisposedInternal && !(Array.isArray(returned) ? returned[0] === t : returned.has(t)))
        this.engine.disposeTensor(t);
    }
    let parent = scope.parent;
    while (parent !== null && parent.closed) parent = parent.parent;
    for (const t of returned) {
      if (t.kept || t instanceof Variable) continue;
      if (parent !== null) parent.tensors.push(t);
      else this.safetyNet.add(t);
    }
    return result;
  }
}
