/**
 * @file The Engine's per-backend bookkeeping that stays off the per-op path: live bytes and buffers
 * per backend name (for `memory()` and `removeBackend`), and copying a tensor's values to another
 * backend. Each Storage points at its account and the Engine caches the active backend's, so a
 * lookup here happens only on a backend switch, a removal or a `memory()` report.
 */

import type { Backend } from './backend.js';
import { asynchronousBackendError } from './engine-errors.js';
import type { DataId } from './kernels.js';
import type { BackendAccount } from './memory-types.js';
import type { Tensor } from './tensor.js';

/** The account of each backend that has held a buffer. */
export class BackendAccounts {
  private readonly accounts = new Map<string, BackendAccount>();

  /** The account of `backendName`, opened empty on first use. */
  of(backendName: string): BackendAccount {
    let account = this.accounts.get(backendName);
    if (account === undefined) {
      account = { bytes: 0, buffers: 0, removed: false };
      this.accounts.set(backendName, account);
    }
    return account;
  }

  /**
   * Closes the account of a removed backend (its buffers went with it) and returns what it held:
   * nothing for a backend that never held a buffer.
   */
  close(backendName: string): { readonly bytes: number; readonly buffers: number } {
    const account = this.accounts.get(backendName);
    if (account === undefined) return { bytes: 0, buffers: 0 };
    account.removed = true;
    this.accounts.delete(backendName);
    return account;
  }

  /** Live bytes by backend name, as `memory()` reports them. */
  bytesByBackend(): Record<string, number> {
    const numBytesByBackend: Record<string, number> = {};
    for (const [name, account] of this.accounts) numBytesByBackend[name] = account.bytes;
    return numBytesByBackend;
  }
}

/**
 * Writes `t`'s values to `backend` (a tensor made before a `setBackend`) and returns the new buffer.
 * Only possible when its backend reads synchronously; otherwise an error says to copy it with
 * `await` first.
 */
export function copyToBackend(t: Tensor, backend: Backend, activeBackendName: string): DataId {
  const from = t.storage.backend;
  if (from.readSync === undefined) throw asynchronousBackendError(t, activeBackendName);
  return backend.write(from.readSync(t.storage.dataId), t.shape, t.dtype);
}
