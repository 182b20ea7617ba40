/**
 * @file The measured choice between running a kernel on the calling thread and sharing it with the
 * worker threads, for work small enough that either can win (small products, shallow convolutions):
 * the way that has been slower is retried one run in EXPLORE_EVERY and compared with the other way's
 * running mean at that moment, and the running ratio of those comparisons decides (one outlying run
 * capped, OUTLIER_CAP), so the choice follows the machine's load without mistaking a slowdown of
 * the whole machine for one of the way it happened to be running. One mechanism, so the
 * policies built on it (small-products.ts, shallow-convolutions.ts) differ only in when they ask.
 */

/** Weight of the newest time in the running means. */
export const SMOOTHING = 1 / 8;
/**
 * A run counts at most this many times its way's running mean. One slow run is a collector pause, a
 * preempted thread or another process's burst, not the way's speed: without the cap, a single 20×
 * run moved the mean 2.4× and could hand the next hundred runs to the slower way. A lasting change
 * still moves the mean by SMOOTHING × (OUTLIER_CAP - 1) of itself per run: a doubling takes 6 runs.
 */
export const OUTLIER_CAP = 2;
/** One decided run in this many goes the way that has been slower. */
export const EXPLORE_EVERY = 16;

/** How one run goes: on the pool or not, and whether its time is to be passed to `record`. */
export interface SharingPlan {
  readonly parallel: boolean;
  readonly timed: boolean;
}

/** The largest step a single comparison moves the log ratio by, before smoothing (ln OUTLIER_CAP). */
const LOG_CAP = Math.log(OUTLIER_CAP);

/**
 * Running means of one kernel's time per unit of work on the calling thread and shared, and the
 * choice between them. The means alone would compare times taken at different moments: the way
 * chosen runs every time, the other one run in EXPLORE_EVERY, so when the machine slows down (another
 * process, a shared host's other tenants) the chosen way's mean rises while the other's stays as it
 * was, and the choice flips to the way that is in fact slower (measured: a 64×64 product, 1.45×
 * slower shared here, went shared in 8-80% of runs). So the choice rests on the ratio of the two ways
 * measured at the same time: each retried run of the other way against the chosen way's mean just
 * then, in a running mean of the log ratio.
 */
export class MeasuredChoice {
  #local: number | undefined;
  #shared: number | undefined;
  /** Running mean of ln(shared / local) over same-time comparisons; undefined until the first. */
  #logRatio: number | undefined;
  #runs = 0;

  /** Whether sharing is the preferred way now (undefined while a way has no time yet). */
  #prefersShared(): boolean | undefined {
    const [local, shared] = [this.#local, this.#shared];
    if (local === undefined || shared === undefined) return undefined;
    return (this.#logRatio ?? Math.log(shared / local)) < 0;
  }

  /** How the next run goes, given whether the workers have started. */
  protected decide(started: boolean): SharingPlan {
    // The run that starts the workers pays for their start: not a time to judge sharing by.
    if (!started) return { parallel: true, timed: false };
    const prefersShared = this.#prefersShared();
    if (prefersShared === undefined) return { parallel: this.#shared === undefined, timed: true };
    const explore = ++this.#runs % EXPLORE_EVERY === 0;
    return { parallel: prefersShared !== explore, timed: true };
  }

  /** The running means of the time per unit of work on the calling thread and shared (undefined: none yet). */
  get means(): { readonly local: number | undefined; readonly shared: number | undefined } {
    return { local: this.#local, shared: this.#shared };
  }

  /** How many times the calling thread's time sharing takes, as the choice sees it (undefined: not known yet). */
  get ratio(): number | undefined {
    const [local, shared] = [this.#local, this.#shared];
    if (local === undefined || shared === undefined) return undefined;
    return Math.exp(this.#logRatio ?? Math.log(shared / local));
  }

  /**
   * Folds a timed run's time per unit of work (at most OUTLIER_CAP × the mean) into the running mean of
   * its way; a run of the way not preferred is also compared with the preferred way's mean, which
   * moves the log ratio by SMOOTHING of the difference (at most ln OUTLIER_CAP).
   */
  record(parallel: boolean, timePerWork: number): void {
    const prefersShared = this.#prefersShared();
    const mean = parallel ? this.#shared : this.#local;
    const capped = mean === undefined ? timePerWork : Math.min(timePerWork, OUTLIER_CAP * mean);
    if (prefersShared !== undefined && prefersShared !== parallel && timePerWork > 0) {
      const base = this.#logRatio ?? Math.log(this.#shared! / this.#local!);
      const sample = parallel ? Math.log(timePerWork / this.#local!) : Math.log(this.#shared! / timePerWork);
      this.#logRatio = base + Math.max(-LOG_CAP, Math.min(LOG_CAP, sample - base)) * SMOOTHING;
    }
    const next = mean === undefined ? capped : mean + (capped - mean) * SMOOTHING;
    if (parallel) this.#shared = next;
    else this.#local = next;
  }
}
