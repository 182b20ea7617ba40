import { describe, expect, it } from 'vitest';
import { ScopeTracker } from './scopes.js';
import type { Tensor } from './tensor.js';

const fakeTensor = (id: number): Tensor => ({ id }) as unknown as Tensor;
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('ScopeTracker without AsyncLocalStorage (the browser fallback)', () => {
  it('attributes continuations of nested async scopes to the innermost open one', async () => {
    const tracker = new ScopeTracker({ useAsyncContext: false });
    expect(tracker.isolatesConcurrentAsyncScopes).toBe(false);
    const { scope: outer, result } = tracker.run(true, async () => {
      await tick();
      tracker.current()!.tensors.push(fakeTensor(1));
      const { scope: inner, result: innerDone } = tracker.run(true, async () => {
        await tick();
        tracker.current()!.tensors.push(fakeTensor(2));
      });
      tracker.openUntilSettled(inner);
      await innerDone;
      expect(tracker.close(inner)).toBe(false);
      expect(inner.tensors.map((t) => t.id)).toEqual([2]);
      tracker.current()!.tensors.push(fakeTensor(3));
    });
    tracker.openUntilSettled(outer);
    await result;
    expect(tracker.close(outer)).toBe(false);
    expect(outer.tensors.map((t) => t.id)).toEqual([1, 3]);
    expect(tracker.current()).toBeNull();
  });

  it('reports overlapping concurrent async scopes', async () => {
    const tracker = new ScopeTracker({ useAsyncContext: false });
    const a = tracker.run(true, () => tick());
    tracker.openUntilSettled(a.scope);
    const b = tracker.run(true, () => tick());
    tracker.openUntilSettled(b.scope);
    await Promise.all([a.result, b.result]);
    expect(tracker.close(a.scope)).toBe(true);
    expect(tracker.close(b.scope)).toBe(false);
  });

  it('keeps synchronous scopes on a stack, ahead of any async scope', () => {
    const tracker = new ScopeTracker();
    const { scope } = tracker.run(false, () => {
      const inner = tracker.run(false, () => tracker.current());
      expect(inner.result).toBe(inner.scope);
      return null;
    });
    expect(scope.parent).toBeNull();
    expect(tracker.current()).toBeNull();
  });
});
