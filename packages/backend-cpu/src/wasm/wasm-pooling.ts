/**
 * @file MaxPool, AvgPool, MaxPoolGrad and AvgPoolGrad on the WebAssembly path: the SIMD kernels of
 * emit-pooling.ts, run in place on the backend's heap (the reference kernels computed into a
 * JavaScript array and copied it in). The pooling module is compiled once per memory kind (shared or
 * not) and instantiated once per backend, on first use.
 *
 * Why one thread: the workers run only the main kernel module's `run_chunk` jobs (kernel-module.ts), and
 * pooling reads each element once or a few times with one compare or add per read, so it is bound by
 * memory: at the MNIST convnet's shapes one call takes 0.2 to 1.5 ms on one core (measured under load,
 * from 10 to 60 ms for the reference kernels), near the cost of waking a worker and sharing out rows.
 * Any thread count therefore gives the same bits.
 * MaxPoolGradGrad keeps the reference kernel (it is used only for second derivatives).
 */

import type { KernelFunction } from '@tapeflow/tensor-core/backend';
import { sizeFromShape } from '@tapeflow/tensor-core/backend';
import { type PoolAttrs, poolWindows } from '../kernels/Pooling.js';
import { POOL_EXPORTS, emitPoolingModule, type PoolExport } from './emit-pooling.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';
import { requireWebAssembly, type WasmModule } from './webassembly-api.js';

/** A pooling kernel: `(x, y, dx, batch, height, width, channels, outHeight, outWidth, kh, kw, sh, sw, top, left)`. */
type PoolFunction = (...parameters: number[]) => void;
type PoolExports = Readonly<Record<PoolExport, PoolFunction>>;

const modules = new Map<boolean, WasmModule>();
const instances = new WeakMap<WasmBufferStore, PoolExports>();

/** The pooling kernels instantiated on `store`'s memory. */
function poolingExports(store: WasmBufferStore): PoolExports {
  let exports = instances.get(store);
  if (exports !== undefined) return exports;
  const api = requireWebAssembly();
  const shared = store.kernels.variant.shared;
  let module = modules.get(shared);
  if (module === undefined) modules.set(shared, (module = new api.Module(emitPoolingModule(shared))));
  const instance = new api.Instance(module, { env: { memory: store.wasmMemory } });
  for (const name of POOL_EXPORTS) {
    if (typeof instance.exports[name] !== 'function')
      throw new Error(`backend-cpu: the pooling module lacks '${name}'`);
  }
  // Checked above: every kernel is an exported function.
  exports = instance.exports as unknown as PoolExports;
  instances.set(store, exports);
  return exports;
}

/** The sizes after the three addresses: the input's and output's shapes, then the windows. */
function geometry(input: readonly number[], output: readonly number[], attrs: PoolAttrs): number[] {
  const { batch, height, width, channels, outHeight, outWidth, ksize, strides, pads } = poolWindows(
    input,
    output,
    attrs,
  );
  return [
    batch,
    height,
    width,
    channels,
    outHeight,
    outWidth,
    ksize[0]!,
    ksize[1]!,
    strides[0]!,
    strides[1]!,
    pads[0]!,
    pads[1]!,
  ];
}

/** Whether the call is float32 with no empty tensor (the reference handles the rest). */
const covered = (dtype: string, ...shapes: (readonly number[])[]): boolean =>
  dtype === 'float32' && shapes.every((shape) => sizeFromShape(shape) > 0);

/** MaxPool or AvgPool on the WebAssembly path. */
export function wasmPool<K extends 'MaxPool' | 'AvgPool'>(
  store: WasmBufferStore,
  op: K,
  reference: KernelFunction<K>,
): KernelFunction<K> {
  const name = op === 'MaxPool' ? 'max_pool' : 'avg_pool';
  return (call) => {
    const { inputs, attrs, output } = call;
    if (!covered(output.dtype, inputs.x.shape, output.shape)) return reference(call);
    const x = store.resolve(inputs.x.dataId);
    const out = store.allocate(sizeFromShape(output.shape), 'float32');
    poolingExports(store)[name](x.offset, out.offset, 0, ...geometry(inputs.x.shape, output.shape, attrs));
    return out;
  };
}

/** MaxPoolGrad on the WebAssembly path. */
export function wasmMaxPoolGrad(
  store: WasmBufferStore,
  reference: KernelFunction<'MaxPoolGrad'>,
): KernelFunction<'MaxPoolGrad'> {
  return (call) => {
    const { inputs, attrs, output } = call;
    if (!covered(output.dtype, inputs.x.shape, inputs.dy.shape)) return reference(call);
    const x = store.resolve(inputs.x.dataId);
    const dy = store.resolve(inputs.dy.dataId);
    const out = store.allocate(x.length, 'float32');
    store.f32.fill(0, out.offset >>> 2, (out.offset >>> 2) + x.length);
    poolingExports(store).max_pool_grad(
      x.offset,
      dy.offset,
      out.offset,
      ...geometry(inputs.x.shape, inputs.dy.shape, attrs),
    );
    return out;
  };
}

/** AvgPoolGrad on the WebAssembly path. */
export function wasmAvgPoolGrad(
  store: WasmBufferStore,
  reference: KernelFunction<'AvgPoolGrad'>,
): KernelFunction<'AvgPoolGrad'> {
  return (call) => {
    const { inputs, attrs, output } = call;
    if (!covered(output.dtype, output.shape, inputs.dy.shape)) return reference(call);
    const dy = store.resolve(inputs.dy.dataId);
    const size = sizeFromShape(output.shape);
    const out = store.allocate(size, 'float32');
    store.f32.fill(0, out.offset >>> 2, (out.offset >>> 2) + size);
    poolingExports(store).avg_pool_grad(out.offset, dy.offset, 0, ...geometry(output.shape, inputs.dy.shape, attrs));
    return out;
  };
}
