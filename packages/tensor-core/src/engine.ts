/**
 * @file The Engine: kernel dispatch on the active backend (its BackendRegistry), buffers shared by
 * tensor handles and their accounting, tidy scopes, and the recorders (gradient tapes) told what
 * ran. It holds all of tensor-core's state, so a test can make a fresh one; the only global is the
 * default instance (`getEngine()`). The per-op path (runKernel, checkInput, track, storage) is here;
 * the code it does not run lives beside it: tidy.ts (running and ending tidy scopes),
 * recording-frames.ts (which `record` listed each recorder), backend-accounts.ts (bytes per backend,
 * moves between backends) and engine-errors.ts (the errors its checks throw).
 */

import { AllocationGuard } from './allocation-guard.js';
import type { Backend, BackendFactory } from './backend.js';
import { BackendAccounts, copyToBackend } from './backend-accounts.js';
import { BackendRegistry } from './backend-registry.js';
import type { RegisterBackendOptions } from './backend-registry.js';
import type { DataType, TypedArray } from './dtype.js';
import { bytesPerElement } from './dtype.js';
import { disposedInputError, missingKernelError, removedBackendInputError } from './engine-errors.js';
import { describeKernelFailure } from './errors.js';
import type { DataId, KernelAttrs, KernelName, KernelSpecs, OutputSpec } from './kernels.js';
import { CreationSites } from './debug.js';
import type { LiveTensorInfo } from './debug.js';
import type { BackendAccount, MemoryInfo, Storage } from './memory-types.js';
import type { CustomOperationRecord, OperationRecord, Recorder, TensorInputs } from './recorder.js';
import { RecordingFrames, tellCustomOperation } from './recording-frames.js';
import { SafetyNet } from './safety-net.js';
import { ScopeTracker } from './scopes.js';
import { Tensor, Variable } from './tensor.js';
import type { TensorContainer } from './tensor.js';
import { TidyScopes } from './tidy.js';

export type { MemoryInfo, Storage } from './memory-types.js';

/** Holds tensor-core's state. */
export class Engine {
  private readonly registry = new BackendRegistry();
  /** @internal Active recorders; read on every op, so kept as a plain array. */
  recorders: Recorder[] = [];
  /** Which recording frame listed each recorder (see recording-frames.ts). */
  private readonly recordingFrames = new RecordingFrames();
  private readonly scopeTracker = new ScopeTracker();
  /** Creation sites of live tensors, while debug mode is on. */
  private creationSites: CreationSites | null = null;
  private nextId = 1;
  private liveTensorCount = 0;
  private liveVariables = 0;
  private reclaimed = 0;
  /** @internal Reclaims the buffers of handles collected without dispose (see SafetyNet). */
  readonly safetyNet = new SafetyNet(
    (storage, isVariable) => this.reclaim(storage, isVariable),
    (t) => t instanceof Variable,
  );
  private lastBackend: Backend | null = null;
  private lastAccount: BackendAccount | null = null;
  private liveBuffers = 0;
  private liveBytes = 0;
  /** Live bytes per backend name; each Storage points at its account, so no lookup per buffer. */
  private readonly accounts = new BackendAccounts();
  private variableNames = 0;
  /** @internal The per-tensor size limit, checked before any kernel allocates (see allocation-guard.ts). */
  readonly allocationGuard = new AllocationGuard();
  /** Runs `tidy` on the scope tracker above (see tidy.ts). */
  private readonly tidyScopes = new TidyScopes(this.scopeTracker, this.safetyNet, this);

  // ---- backends (see BackendRegistry) ------------------------------------------------------------

  /** Registers a backend factory under `name`; false (and a warning) if the name is taken. */
  registerBackend(name: string, factory: BackendFactory, options: RegisterBackendOptions = {}): boolean {
    return this.registry.registerBackend(name, factory, options);
  }

  /**
   * Removes a registered backend, disposing its instance if it was made. Its buffers go with it, so
   * handles still viewing them are dead: disposing or collecting one releases nothing, and using one
   * in an op is a FailedPreconditionError.
   */
  removeBackend(name: string): void {
    this.registry.removeBackend(name);
    const closed = this.accounts.close(name);
    this.liveBuffers -= closed.buffers;
    this.liveBytes -= closed.bytes;
    this.lastBackend = null;
    this.lastAccount = null;
  }

  /** Names of registered backends, highest priority first. */
  registeredBackends(): string[] {
    return this.registry.registeredBackends();
  }

  /** Makes `name` the active backend, initialising it if needed; resolves to true on success. */
  setBackend(name: string): Promise<boolean> {
    return this.registry.setBackend(name);
  }

  /** The active backend's name, choosing the best synchronously available one if none was set. */
  getBackend(): string {
    return this.registry.getBackend();
  }

  /** Resolves once a backend is active (initialising the highest-priority one that works). */
  ready(): Promise<void> {
    return this.registry.ready();
  }

  /** The active backend, choosing the highest-priority synchronously available one if none was set. */
  get backend(): Backend {
    return this.registry.backend;
  }

  private get activeBackendName(): string | null {
    return this.registry.activeName;
  }

  // ---- tensors and storage --------------------------------------------------------------------

  /** @internal A new tensor holding a copy of `values` on the active backend. */
  makeTensor(values: TypedArray, shape: readonly number[], dtype: DataType): Tensor {
    const backend = this.backend;
    const dataId = backend.write(values, shape, dtype);
    const bytes = values.length * bytesPerElement(dtype);
    const storage = this.createStorage(backend, this.activeBackendName!, dataId, bytes);
    return this.track(new Tensor(this, this.nextId++, shape.slice(), dtype, storage));
  }

  /** @internal A fresh tensor id. */
  newTensorId(): number {
    return this.nextId++;
  }

  /** @internal A fresh default Variable name. */
  newVariableName(): string {
    return `Variable:${this.variableNames++}`;
  }

  /** @internal Counts a new Variable (not owned by tidy scopes: Variables live until disposed). */
  registerVariable(variable: Variable): void {
    this.liveTensorCount++;
    if (this.creationSites !== null) this.creationSites.record(variable);
    this.liveVariables++;
    this.safetyNet.add(variable);
  }

  private reclaim(storage: Storage, isVariable: boolean): void {
    this.reclaimed++;
    this.liveTensorCount--;
    if (isVariable) this.liveVariables--;
    this.releaseStorage(storage);
  }

  /**
   * Runs kernel `name` on the active backend, wraps the result in a Tensor and tells every recorder.
   * Front-ends call it after validating inputs and computing `output`; a throwing kernel leaves nothing.
   * @internal
   */
  runKernel<K extends KernelName>(
    name: K,
    inputs: TensorInputs<KernelSpecs[K]['inputs']>,
    attrs: KernelAttrs<K>,
    output: OutputSpec,
  ): Tensor {
    const backend = this.backend;
    const kernel = backend.kernels[name] as ((call: unknown) => DataId) | undefined;
    if (kernel === undefined) throw missingKernelError(name, this.activeBackendName!);
    const bytes = this.allocationGuard.check(name, output.shape, output.dtype);
    const recorders = this.recorders;
    for (const key in inputs) {
      const value = (inputs as Record<string, Tensor | readonly Tensor[]>)[key]!;
      if (value instanceof Tensor) this.checkInput(name, key, value, backend, recorders);
      else for (const t of value) this.checkInput(name, key, t, backend, recorders);
    }
    let dataId: DataId;
    try {
      dataId = kernel({ inputs, attrs, output });
    } catch (error) {
      throw describeKernelFailure(name, this.activeBackendName!, output, bytes, error);
    }
    const storage = this.createStorage(backend, this.activeBackendName!, dataId, bytes);
    const result = this.track(new Tensor(this, this.nextId++, output.shape.slice(), output.dtype, storage));
    if (recorders.length !== 0) {
      const record = { kernelName: name, inputs, attrs, output: result } as unknown as OperationRecord;
      for (let i = 0; i < recorders.length; i++) recorders[i]!.recordOperation(record);
    }
    return result;
  }

  private checkInput(op: string, argument: string, t: Tensor, backend: Backend, recorders: readonly Recorder[]): void {
    if (t.isDisposedInternal) throw disposedInputError(op, argument, t);
    if (t.storage.backend !== backend) {
      if (t.storage.account.removed) throw removedBackendInputError(op, argument, t);
      this.moveToBackend(t, backend);
    }
    if (recorders.length !== 0 && t instanceof Variable) {
      for (let i = 0; i < recorders.length; i++) recorders[i]!.recordVariableRead(t);
    }
  }

  /** Moves a tensor's values onto `backend` (a tensor made before a `setBackend`; see copyToBackend). */
  private moveToBackend(t: Tensor, backend: Backend): void {
    const dataId = copyToBackend(t, backend, this.activeBackendName!);
    const storage = this.createStorage(backend, this.activeBackendName!, dataId, t.storage.bytes);
    this.releaseStorage(t.storage);
    this.safetyNet.swapStorage(t, storage);
  }

  /**
   * A new handle on `x`'s buffer with another shape (the caller checked sizes), recorded as `op`.
   * Used for reshape, expandDims, squeeze and identity casts.
   * @internal
   */
  makeView(x: Tensor, shape: readonly number[], op: 'Reshape' | 'Identity' = 'Reshape'): Tensor {
    if (x.isDisposedInternal) throw disposedInputError(op, 'x', x);
    const recorders = this.recorders;
    if (recorders.length !== 0 && x instanceof Variable) {
      for (let i = 0; i < recorders.length; i++) recorders[i]!.recordVariableRead(x);
    }
    x.storage.refCount++;
    const result = this.track(new Tensor(this, this.nextId++, shape.slice(), x.dtype, x.storage));
    if (recorders.length !== 0) {
      const record = {
        kernelName: op,
        inputs: { x },
        attrs: op === 'Reshape' ? { shape: result.shape } : {},
        output: result,
      } as unknown as OperationRecord;
      for (let i = 0; i < recorders.length; i++) recorders[i]!.recordOperation(record);
    }
    return result;
  }

  /**
   * A handle on the same buffer and the same id as `x`, not recorded and not owned by any tidy scope:
   * what a tape keeps of the tensors its gradients need. Dispose it to let the buffer go.
   * @internal
   */
  retain(x: Tensor): Tensor {
    x.storage.refCount++;
    this.liveTensorCount++;
    // Not under the per-handle safety net: its owner (a tape) is, and disposes all it retained.
    return new Tensor(this, x.id, x.shape, x.dtype, x.storage);
  }

  /**
   * Holds `x`'s buffer (as it is now: a Variable assigned later keeps this value here) without making
   * a handle: the cheapest way for a tape to keep a value. Give it back with `releaseStorage`.
   * @internal
   */
  holdStorage(x: Tensor): Storage {
    x.storage.refCount++;
    return x.storage;
  }

  /**
   * A handle, owned by the current tidy scope, with the given id and metadata on a held buffer: how a
   * tape turns what it held back into tensors for a backward pass.
   * @internal
   */
  handleOn(storage: Storage, id: number, shape: readonly number[], dtype: DataType): Tensor {
    storage.refCount++;
    return this.track(new Tensor(this, id, shape as number[], dtype, storage));
  }

  /**
   * A tensor that the caller disposes before returning (a number converted for one op): not owned by
   * any scope and not under the safety net, which would only cost time. It is never handed to user
   * code, so no tape can watch it: a scalar one carries its number (`temporaryValue`), which a tape
   * keeps instead of holding the buffer.
   * @internal
   */
  makeTemporary(values: TypedArray, shape: readonly number[], dtype: DataType): Tensor {
    const backend = this.backend;
    const dataId = backend.write(values, shape, dtype);
    const bytes = values.length * bytesPerElement(dtype);
    const storage = this.createStorage(backend, this.activeBackendName!, dataId, bytes);
    this.liveTensorCount++;
    const t = new Tensor(this, this.nextId++, shape.slice(), dtype, storage);
    if (values.length === 1) t.temporaryValue = values[0]!;
    return t;
  }

  private createStorage(backend: Backend, backendName: string, dataId: DataId, bytes: number): Storage {
    this.liveBuffers++;
    this.liveBytes += bytes;
    const account = backend === this.lastBackend ? this.lastAccount! : this.accounts.of(backendName);
    this.lastBackend = backend;
    this.lastAccount = account;
    account.bytes += bytes;
    account.buffers++;
    return { backend, backendName, dataId, bytes, account, refCount: 1 };
  }

  /**
   * Drops one reference to a buffer, freeing it with its backend when none is left (a removed
   * backend freed it already).
   * @internal
   */
  releaseStorage(storage: Storage): void {
    if (--storage.refCount > 0) return;
    const account = storage.account;
    if (account.removed) return;
    this.liveBuffers--;
    this.liveBytes -= storage.bytes;
    account.bytes -= storage.bytes;
    account.buffers--;
    storage.backend.disposeData(storage.dataId);
  }

  /** @internal Points a Variable at `value`'s buffer (shared), releasing the old one. Shapes were checked. */
  assignVariable(variable: Variable, value: Tensor): void {
    value.storage.refCount++;
    const old = variable.storage;
    this.safetyNet.swapStorage(variable, value.storage);
    this.releaseStorage(old);
  }

  /** @internal Releases a tensor handle; a second call does nothing. */
  disposeTensor(t: Tensor): void {
    if (t.isDisposedInternal) return;
    t.isDisposedInternal = true;
    this.liveTensorCount--;
    if (this.creationSites !== null) this.creationSites.forget(t);
    if (t instanceof Variable) this.liveVariables--;
    this.safetyNet.remove(t);
    this.releaseStorage(t.storage);
  }

  private track(t: Tensor): Tensor {
    this.liveTensorCount++;
    if (this.creationSites !== null) this.creationSites.record(t);
    const scope = this.scopeTracker.current();
    if (scope !== null) scope.tensors.push(t);
    else this.safetyNet.add(t);
    return t;
  }

  // ---- scopes ---------------------------------------------------------------------------------

  /**
   * Runs `fn` and disposes every tensor it created except those it returns and those passed to
   * `keep`. An `fn` that returns a thenable (an `async` function, down-levelled or not, or any
   * function returning a Promise) keeps its scope open until it settles, covering tensors made after
   * each `await` (see tidy.ts, and ScopeTracker for how concurrent calls are kept apart).
   */
  tidy<T extends TensorContainer>(fn: () => PromiseLike<T>): Promise<T>;
  tidy<T extends TensorContainer>(fn: () => T): T;
  tidy<T extends TensorContainer>(fn: () => T | PromiseLike<T>): T | Promise<T> {
    return this.tidyScopes.run(fn);
  }

  /** @internal How many tidy scopes are running their `fn` now (for tests: 0 between calls). */
  get scopeDepth(): number {
    return this.scopeTracker.depth;
  }

  /** Keeps `t` alive past the enclosing tidy scopes. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    if (this.scopeTracker.current() === null) this.safetyNet.add(t);
    return t;
  }

  // ---- recorders ------------------------------------------------------------------------------

  /**
   * Starts telling `recorder` about every op; `frame` is the recording frame that lists it (0, the
   * default, for one that outlives any frame). See recording-frames.ts.
   * @internal
   */
  addRecorder(recorder: Recorder, frame = 0): void {
    this.recorders = this.recordingFrames.add(this.recorders, recorder, frame);
  }

  /** @internal Stops telling `recorder` about ops. */
  removeRecorder(recorder: Recorder): void {
    this.recorders = this.recordingFrames.remove(this.recorders, recorder);
  }

  /** @internal Whether `recorder` is told about ops now. */
  hasRecorder(recorder: Recorder): boolean {
    return this.recordingFrames.has(recorder);
  }

  /** @internal Opens a recording frame: the synchronous run of one `record(fn)` (see recording-frames.ts). */
  beginRecordingFrame(): number {
    return this.recordingFrames.begin();
  }

  /** @internal Ends recording frame `frame`, unlisting every recorder listed by it or by a frame nested in it. */
  endRecordingFrame(frame: number): void {
    this.recorders = this.recordingFrames.end(this.recorders, frame);
  }

  /** @internal Tells every active recorder about a composite op with a user gradient (customGradient). */
  recordCustomOperation(record: CustomOperationRecord): void {
    tellCustomOperation(this.recorders, record);
  }

  /** @internal Runs `fn` with no recorder active (ops inside are invisible to every tape). */
  withoutRecording<T>(fn: () => T): T {
    const saved = this.recorders;
    this.recorders = [];
    try {
      return fn();
    } finally {
      this.recorders = saved;
    }
  }

  // ---- memory ---------------------------------------------------------------------------------

  /** Turns debug mode on or off: on, every new tensor remembers where it was created. */
  setDebugMode(enabled: boolean): void {
    this.creationSites = enabled ? (this.creationSites ?? new CreationSites()) : null;
  }

  /** Whether debug mode is on. */
  get debugMode(): boolean {
    return this.creationSites !== null;
  }

  /**
   * The live tensors made since debug mode was turned on, with where each was created: the list a
   * leak hunt starts from. Empty when debug mode is off.
   */
  liveTensors(): LiveTensorInfo[] {
    return this.creationSites?.describe() ?? [];
  }

  /** Live tensors, buffers and bytes. */
  memory(): MemoryInfo {
    return {
      numTensors: this.liveTensorCount,
      numDataBuffers: this.liveBuffers,
      numBytes: this.liveBytes,
      numBytesByBackend: this.accounts.bytesByBackend(),
      numVariables: this.liveVariables,
      numReclaimed: this.reclaimed,
    };
  }
}

let defaultEngine: Engine | undefined;

/** The default Engine, the one every op front-end uses. */
export function getEngine(): Engine {
  return (defaultEngine ??= new Engine());
}
