import { describe, expect, it } from 'vitest';
import { isThenable, ScopeTracker } from './scopes.js';
import type { Scope } from './scopes.js';
import type { Tensor } from './tensor.js';

/** What the engine's `tidy` does with the tracker, without disposing anything. */
function run<T>(tracker: ScopeTracker, fn: () => T): { scope: Scope; result: T } {
  const scope = tracker.open();
  try {
    const result = tracker.call(scope, fn);
    if (isThenable(result)) tracker.openUntilSettled(scope);
    else tracker.leave(scope);
    return { scope, result };
  } catch (error) {
    tracker.leave(scope);
    throw error;
  }
}

const fakeTensor = (id: number): Tensor => ({ id }) as unknown as Tensor;
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('ScopeTracker without AsyncLocalStorage (the browser fallback)', () => {
  it('attributes continuations of nested async scopes to the innermost open one', async () => {
    const tracker = new ScopeTracker({ useAsyncContext: false });
    expect(tracker.isolatesConcurrentAsyncScopes).toBe(false);
    const { scope: outer, result } = run(tracker, async () => {
      await tick();
      tracker.current()!.tensors.push(fakeTensor(1));
      const { scope: inner, result: innerDone } = run(tracker, async () => {
        await tick();
        tracker.current()!.tensors.push(fakeTensor(2));
      });
      await innerDone;
      expect(tracker.close(inner)).toBe(false);
      expect(inner.tensors.map((t) => t.id)).toEqual([2]);
      tracker.current()!.tensors.push(fakeTensor(3));
    });
    await result;
    expect(tracker.close(outer)).toBe(false);
    expect(outer.tensors.map((t) => t.id)).toEqual([1, 3]);
    expect(tracker.current()).toBeNull();
  });

  it('reports overlapping concurrent async scopes', async () => {
    const tracker = new ScopeTracker({ useAsyncContext: false });
    const a = run(tracker, () => tick());
    const b = run(tracker, () => tick());
    await Promise.all([a.result, b.result]);
    expect(tracker.close(a.scope)).toBe(true);
    expect(tracker.close(b.scope)).toBe(false);
  });

  it('keeps synchronous scopes on a stack, ahead of any async scope', () => {
    const tracker = new ScopeTracker();
    const { scope } = run(tracker, () => {
      const inner = run(tracker, () => tracker.current());
      expect(inner.result).toBe(inner.scope);
      return null;
    });
    expect(scope.parent).toBeNull();
    expect(tracker.current()).toBeNull();
  });
});

describe('ScopeTracker with AsyncLocalStorage', () => {
  it('knows an async scope by its result: plain functions returning Promises, concurrent, stay apart', async () => {
    const tracker = new ScopeTracker();
    expect(tracker.isolatesConcurrentAsyncScopes).toBe(true);
    // Neither fn is declared async: the first is found by order (no context was running it), the
    // second runs in a context of its own, as every scope after the first async one does.
    const task =
      (first: number): (() => Promise<void>) =>
      () =>
        tick().then(async () => {
          tracker.current()!.tensors.push(fakeTensor(first));
          await tick();
          tracker.current()!.tensors.push(fakeTensor(first + 10));
        });
    const a = run(tracker, task(1));
    const b = run(tracker, task(2));
    expect(a.scope.inContext).toBe(false);
    expect(b.scope.inContext).toBe(true);
    await Promise.all([a.result, b.result]);
    expect(a.scope.tensors.map((t) => t.id)).toEqual([1, 11]);
    expect(b.scope.tensors.map((t) => t.id)).toEqual([2, 12]);
    expect(tracker.close(a.scope)).toBe(false);
    expect(tracker.close(b.scope)).toBe(false);
    expect(tracker.current()).toBeNull();
  });

  it('takes down scopes left above by frames whose clean-up was cut short', () => {
    const tracker = new ScopeTracker();
    const outer = tracker.open();
    const lost = tracker.open();
    const lostInner = tracker.open();
    // Neither inner frame took its scope down; the outer frame ends them, top first.
    expect(tracker.current()).toBe(lostInner);
    expect(tracker.above(outer)).toBe(lostInner);
    tracker.leave(lostInner);
    expect(tracker.above(outer)).toBe(lost);
    tracker.leave(lost);
    expect(tracker.above(outer)).toBeNull();
    tracker.leave(outer);
    expect(tracker.depth).toBe(0);
    expect(tracker.current()).toBeNull();
  });
});
