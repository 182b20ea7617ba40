/**
 * @file The measured choice between running a kernel on the calling thread and sharing it with the
 * worker threads, for work small enough that either can win (small products, shallow convolutions):
 * running means of the time per unit of work both ways decide, and the way that has been slower is
 * retried one run in EXPLORE_EVERY, so the choice follows the machine's load. One mechanism, so the
 * policies built on it (small-products.ts, shallow-convolutions.ts) differ only in when they ask.
 */

/** Weight of the newest time in the running means. */
export const SMOOTHING = 1 / 8;
/** One decided run in this many goes the way that has been slower. */
export const EXPLORE_EVERY = 16;

/** How one run goes: on the pool or not, and whether its time is to be passed to `record`. */
export interface SharingPlan {
  readonly parallel: boolean;
  readonly timed: boolean;
}

/** Running means of one kernel's time per unit of work on the calling thread and shared. */
export class MeasuredChoice {
  #local: number | undefined;
  #shared: number | undefined;
  #runs = 0;

  /** How the next run goes, given whether the workers have started. */
  protected decide(started: boolean): SharingPlan {
    // The run that starts the workers pays for their start: not a time to judge sharing by.
    if (!started) return { parallel: true, timed: false };
    const [local, shared] = [this.#local, this.#shared];
    if (local === undefined || shared === undefined) return { parallel: shared === undefined, timed: true };
    const explore = ++this.#runs % EXPLORE_EVERY === 0;
    return { parallel: shared < local !== explore, timed: true };
  }

  /** The running means of the time per unit of work on the calling thread and shared (undefined: none yet). */
  get means(): { readonly local: number | undefined; readonly shared: number | undefined } {
    return { local: this.#local, shared: this.#shared };
  }

  /** Folds a timed run's time per unit of work into the running mean of the way it ran. */
  record(parallel: boolean, timePerWork: number): void {
    const mean = parallel ? this.#shared : this.#local;
    const next = mean === undefined ? timePerWork : mean + (timePerWork - mean) * SMOOTHING;
    if (parallel) this.#shared = next;
    else this.#local = next;
  }
}
