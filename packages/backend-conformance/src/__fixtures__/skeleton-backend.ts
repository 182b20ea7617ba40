/**
 * @file A minimal backend plugin: its own `Neg` kernel, the CPU backend's kernels for the rest, and the
 * storage methods of the contract. Copy it, rename it, and port one kernel at a time.
 */
import { cpuBackend } from '@tapeflow/backend-cpu';
import type {
  Backend,
  BackendMemoryInfo,
  DataId,
  DataType,
  KernelFunction,
  KernelName,
  TypedArray,
} from '@tapeflow/tensor-core/backend';
import type { BACKEND_SPEC_VERSION } from '@tapeflow/tensor-core/backend';
import { makeTypedArray } from '@tapeflow/tensor-core/backend';

/** Every kernel, typed by name: `tsc` lists any kernel the table lacks. */
type MyKernelTable = { readonly [K in KernelName]: KernelFunction<K> };

export class MyBackend implements Backend {
  /**
   * The contract version these kernels follow: a literal (bump it when you port to a new contract),
   * typed as tensor-core's constant, so `tsc` says when the installed contract moved past it.
   */
  readonly specVersion: typeof BACKEND_SPEC_VERSION = 1;
  readonly name = 'mine';
  readonly kernels: MyKernelTable;
  /** Holds the buffers while kernels are ported; a real backend keeps its own (GPU buffers, WASM memory). */
  readonly #storage = cpuBackend();

  constructor() {
    const storage = this.#storage;
    const values = (dataId: DataId): TypedArray => storage.readSync(dataId);

    // A kernel of our own. tensor-core validated the inputs and computed `output` (shape and dtype).
    const neg: KernelFunction<'Neg'> = ({ inputs: { x }, output }) => {
      const input = values(x.dataId);
      const result = makeTypedArray(input.length, output.dtype);
      for (let i = 0; i < input.length; i++) result[i] = output.dtype === 'int32' ? -input[i]! | 0 : -input[i]!;
      return storage.write(result, output.shape, output.dtype);
    };

    // Everything not yet ported runs on the CPU kernels, which read the same buffers.
    this.kernels = { ...storage.kernels, Neg: neg };
  }

  write(values: TypedArray, shape: readonly number[], dtype: DataType): DataId {
    return this.#storage.write(values, shape, dtype);
  }

  read(dataId: DataId): Promise<TypedArray> {
    return this.#storage.read(dataId);
  }

  disposeData(dataId: DataId): void {
    this.#storage.disposeData(dataId);
  }

  memory(): BackendMemoryInfo {
    return this.#storage.memory();
  }

  dispose(): void {
    this.#storage.dispose();
  }
}

/** The factory to register: `registerBackend('mine', myBackend)`. */
export function myBackend(): MyBackend {
  return new MyBackend();
}
