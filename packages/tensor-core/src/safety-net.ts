/**
 * @file The safety net for handles a user forgot: a FinalizationRegistry gives back the buffer of a
 * tensor handle (or everything an owner such as a tape holds) collected without `dispose`.
 *
 * Only handles no scope will dispose need it (a tidy scope disposes its own deterministically).
 * Registering costs a few hundred nanoseconds, more than the rest of an op, and most handles are
 * disposed within the same synchronous run of code, so handles wait in a list and are registered on
 * the next microtask only if still alive then. The list holds them until then, so a handle dropped
 * meanwhile is still registered, and reclaimed later; a long synchronous loop flushes it as it goes.
 */

import type { Storage } from './memory-types.js';
import type { Tensor } from './tensor.js';

/** A handle's place in the safety net (the `Tensor.safetyNet` field). */
const NONE = 0;
const PENDING = 1;
const REGISTERED = 2;
/** Handles waiting before a synchronous flush. */
const MAX_PENDING = 1024;

/** What the net calls when a registered handle was collected undisposed. */
export type Reclaim = (storage: Storage, isVariable: boolean) => void;

/** Registers handles lazily and reclaims the collected ones. */
export class SafetyNet {
  private readonly tensors: FinalizationRegistry<Storage>;
  private readonly variables: FinalizationRegistry<Storage>;
  private readonly owners = new FinalizationRegistry<() => void>((release) => release());
  private pending: Tensor[] = [];

  /** `isVariable` tells Variables apart (their own registry, for the engine's Variable count). */
  constructor(
    reclaim: Reclaim,
    private readonly isVariable: (t: Tensor) => boolean,
  ) {
    this.tensors = new FinalizationRegistry((storage) => reclaim(storage, false));
    this.variables = new FinalizationRegistry((storage) => reclaim(storage, true));
  }

  /** Puts `t` under the net (on the next microtask, if it is still alive then). */
  add(t: Tensor): void {
    if (t.safetyNet !== NONE || t.isDisposedInternal) return;
    t.safetyNet = PENDING;
    this.pending.push(t);
    if (this.pending.length === 1) queueMicrotask(this.flush);
    else if (this.pending.length >= MAX_PENDING) this.flush();
  }

  /** Takes a disposed handle off the net. */
  remove(t: Tensor): void {
    if (t.safetyNet === REGISTERED) this.registry(t).unregister(t);
  }

  /** Points a handle at another buffer, keeping the net's record of it current. */
  swapStorage(t: Tensor, storage: Storage): void {
    if (t.safetyNet !== REGISTERED) {
      t.storage = storage;
      return;
    }
    const registry = this.registry(t);
    registry.unregister(t);
    t.storage = storage;
    registry.register(t, storage, t);
  }

  /** Runs `release` if `owner` is collected before `removeOwner(token)`. */
  addOwner(owner: object, release: () => void, token: object): void {
    this.owners.register(owner, release, token);
  }

  /** Takes an owner off the net (it was disposed). */
  removeOwner(token: object): void {
    this.owners.unregister(token);
  }

  /** How many handles wait for registration (for tests). */
  get pendingCount(): number {
    return this.pending.length;
  }

  private registry(t: Tensor): FinalizationRegistry<Storage> {
    return this.isVariable(t) ? this.variables : this.tensors;
  }

  private readonly flush = (): void => {
    const pending = this.pending;
    this.pending = [];
    for (const t of pending) {
      if (t.isDisposedInternal || t.safetyNet !== PENDING) continue;
      t.safetyNet = REGISTERED;
      this.registry(t).register(t, t.storage, t);
    }
  };
}
