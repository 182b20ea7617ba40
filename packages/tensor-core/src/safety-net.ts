/**
 * @file The safety net for handles a user forgot: a FinalizationRegistry gives back the buffer of a
 * tensor handle (or everything an owner such as a tape holds) collected without `dispose`.
 *
 * Only handles no scope will dispose need it (a tidy scope disposes its own deterministically).
 * Registering costs a few hundred nanoseconds, more than the rest of an op, and most handles are
 * disposed within the same synchronous run of code, so handles wait in a list and are registered on
 * the next microtask only if still alive then. The list holds them until then, so a handle dropped
 * meanwhile is still registered, and reclaimed later; a long synchronous loop flushes it as it goes.
 *
 * A registration lives until its target is collected *and* the event loop runs the cleanup task, so a
 * synchronous loop that never yields keeps every registration it made: owners (tapes) therefore
 * unregister as soon as they hold nothing. A finalization callback never throws: an exception there
 * is uncaught and ends the process, at whatever moment the collector chose.
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
  private readonly owners = new FinalizationRegistry<() => void>((release) => {
    this.owned--;
    this.guarded(release);
  });
  private pending: Tensor[] = [];
  /** Owners registered and neither removed nor collected. */
  private owned = 0;
  private warned = false;

  /** `isVariable` tells Variables apart (their own registry, for the engine's Variable count). */
  constructor(
    reclaim: Reclaim,
    private readonly isVariable: (t: Tensor) => boolean,
  ) {
    this.tensors = new FinalizationRegistry((storage) => this.guarded(() => reclaim(storage, false)));
    this.variables = new FinalizationRegistry((storage) => this.guarded(() => reclaim(storage, true)));
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
    this.owned++;
  }

  /** Takes an owner off the net (it was disposed, or holds nothing any more). */
  removeOwner(token: object): void {
    if (this.owners.unregister(token)) this.owned--;
  }

  /** How many handles wait for registration (for tests). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** How many owners are registered (for tests: a loop of finished tapes must not grow it). */
  get ownerCount(): number {
    return this.owned;
  }

  /**
   * Runs a finalization callback's work; a failure is reported once instead of thrown (thrown, it
   * would end the process from inside the garbage collector's cleanup task).
   */
  private guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      console.warn(
        `tapeflow: releasing the buffer of a garbage-collected tensor failed (reported once): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
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
