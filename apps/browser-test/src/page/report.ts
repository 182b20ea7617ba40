/**
 * @file What the test page reports on `window.__results`, shared by the page and the test that reads it.
 */

/** One check's outcome. */
export interface PageResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why it failed (null when it passed). */
  readonly message: string | null;
  /** Milliseconds it took. */
  readonly ms: number;
}

/** Everything the page reports. */
export interface PageReport {
  /** Set once every check has run (or the page failed before it could). */
  done: boolean;
  readonly results: PageResult[];
  /** The adapter's vendor and architecture, once the backend exists. */
  adapter: string | null;
  /** An error that stopped the page before its checks ran (no WebGPU, no adapter, ...). */
  fatal: string | null;
}
