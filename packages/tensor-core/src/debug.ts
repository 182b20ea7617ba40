/**
 * @file Debug mode: remembers where each live tensor was created, so a leak report points at the
 * line of user code that made the tensor nobody disposed. Off by default: capturing a stack trace per
 * tensor costs microseconds.
 */

import type { Tensor } from './tensor.js';

/** What `liveTensors()` reports of one live tensor. */
export interface LiveTensorInfo {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly backend: string;
  readonly isVariable: boolean;
  /** The first stack frame outside Tapeflow's own packages (`file:line:column`), if recorded. */
  readonly createdAt: string | undefined;
  /** The whole stack at creation, if recorded. */
  readonly stack: string | undefined;
}

/** Frames inside Tapeflow's packages, skipped when looking for the user's line. */
const LIBRARY_FRAME =
  /[\\/](?:tensor-core|backend-cpu|backend-webgpu|autodiff-tape|layers|tapeflow)[\\/](?:src|dist)[\\/]|node_modules[\\/](?:@tapeflow[\\/]|tapeflow[\\/])/;

/** Tapeflow's own tests count as user code (they are what a contributor debugs). */
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]s:/;

/** The first frame of `stack` that is not Tapeflow's own code, as `file:line:column`. */
export function userFrame(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const frames = stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim());
  const isUserFrame = (line: string): boolean =>
    line.startsWith('at ') && (!LIBRARY_FRAME.test(line) || TEST_FILE.test(line));
  const frame = frames.find(isUserFrame) ?? frames[0];
  if (frame === undefined) return undefined;
  const location = /\(([^)]+)\)$/.exec(frame)?.[1] ?? frame.replace(/^at /, '');
  return location;
}

interface Site {
  readonly ref: WeakRef<Tensor>;
  readonly stack: string | undefined;
}

/**
 * Creation sites of live tensors. Holds tensors weakly, so the FinalizationRegistry safety net still
 * reclaims forgotten ones in debug mode.
 */
export class CreationSites {
  private readonly refs = new Set<WeakRef<Tensor>>();
  private readonly sites = new WeakMap<Tensor, Site>();

  /** Records where `t` is being created (call it from the creating code path). */
  record(t: Tensor): void {
    // The user's frame sits below several of ours; the default limit of 10 frames can cut it off.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 40;
    const stack = new Error().stack;
    Error.stackTraceLimit = limit;
    const site = { ref: new WeakRef(t), stack };
    this.refs.add(site.ref);
    this.sites.set(t, site);
  }

  /** Forgets a disposed tensor. */
  forget(t: Tensor): void {
    const site = this.sites.get(t);
    if (site === undefined) return;
    this.refs.delete(site.ref);
    this.sites.delete(t);
  }

  /** What `liveTensors()` reports: every recorded tensor still alive, with where it was made. */
  describe(): LiveTensorInfo[] {
    return this.live().map(({ tensor, stack }) => ({
      id: tensor.id,
      shape: tensor.shape.slice(),
      dtype: tensor.dtype,
      backend: tensor.storage.backendName,
      // Variables are the tensors with a `trainable` flag (no import of the class: tensor.ts imports us).
      isVariable: 'trainable' in tensor,
      createdAt: userFrame(stack),
      stack,
    }));
  }

  /** Every recorded tensor still alive and not disposed, with its creation stack. */
  live(): { tensor: Tensor; stack: string | undefined }[] {
    const out: { tensor: Tensor; stack: string | undefined }[] = [];
    for (const ref of this.refs) {
      const tensor = ref.deref();
      if (tensor === undefined || tensor.isDisposedInternal) {
        this.refs.delete(ref);
        continue;
      }
      out.push({ tensor, stack: this.sites.get(tensor)?.stack });
    }
    return out;
  }
}
