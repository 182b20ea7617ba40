/**
 * @file The kernel table of the WebAssembly path: the reference table over the heap (every kernel
 * works there unchanged, reading typed views and copying its result in), with the hot kernels
 * replaced by their in-memory forms. Each replacement keeps the reference kernel for the dtypes and
 * cases it does not cover. The replacements are typed over every unary, binary and reduction kernel,
 * so a kernel added to the spec is a compile error here until it gets an entry or `null`. The unary and
 * binary entries are made by mapping over the family's names: `wasmUnary` / `wasmBinary` find the SIMD
 * form in the CPU table (kernels/elementwise-table.ts) or keep the reference kernel.
 */

import type { BinaryKernel, KernelName, ReductionKernel, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { BINARY_KERNELS, UNARY_KERNELS, kernelsByName } from '@tapeflow/tensor-core/backend';
import { createKernelTable, type CpuKernelTable } from '../kernel-table.js';
import { wasmConv2D, wasmConv2DBackpropFilter, wasmConv2DBackpropInput } from './wasm-convolution.js';
import { wasmBinary, wasmUnary } from './wasm-elementwise.js';
import { wasmMatMul } from './wasm-matmul.js';
import { wasmAvgPoolGrad, wasmMaxPoolGrad, wasmPool } from './wasm-pooling.js';
import { wasmReduction } from './wasm-reduction.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';

/** The kernels that must say whether they have an in-memory form: every kernel of these families. */
type ReplaceableKernel = UnaryKernel | BinaryKernel | ReductionKernel | 'MatMul';

/**
 * One entry per replaceable kernel: its in-memory form, or `null` for "no in-memory path" (the
 * reference kernel then runs over the heap, with one extra copy).
 */
type WasmReplacements = { readonly [K in ReplaceableKernel]: CpuKernelTable[K] | null };

type UnaryReplacements = { readonly [K in UnaryKernel]: WasmReplacements[K] };
type BinaryReplacements = { readonly [K in BinaryKernel]: WasmReplacements[K] };

/** The non-null entries of `replacements`, as a partial kernel table. */
function presentReplacements(replacements: WasmReplacements): Partial<CpuKernelTable> {
  const entries = Object.entries(replacements).filter(([, kernel]) => kernel !== null);
  // Object.fromEntries loses the key types; every key is a kernel name and its value that kernel's form.
  return Object.fromEntries(entries) as Partial<Record<KernelName, unknown>> as Partial<CpuKernelTable>;
}

/** Every kernel for a backend whose tensors live in `store`. */
export function createWasmKernelTable(store: WasmBufferStore): CpuKernelTable {
  const reference = createKernelTable(store);
  const replacements: WasmReplacements = {
    ...kernelsByName<UnaryKernel, UnaryReplacements>(UNARY_KERNELS, <K extends UnaryKernel>(op: K) =>
      wasmUnary(store, op, reference[op]),
    ),
    ...kernelsByName<BinaryKernel, BinaryReplacements>(BINARY_KERNELS, <K extends BinaryKernel>(op: K) =>
      wasmBinary(store, op, reference[op]),
    ),
    Sum: wasmReduction(store, 'Sum', reference.Sum),
    Max: wasmReduction(store, 'Max', reference.Max),
    Min: wasmReduction(store, 'Min', reference.Min),
    MatMul: wasmMatMul(store, reference.MatMul),
    // Reductions of issue 12: no in-memory form yet (the reference kernels run over the heap).
    Prod: null,
    Any: null,
    All: null,
  };
  return {
    ...reference,
    ...presentReplacements(replacements),
    // Convolutions (issue 12): Conv2D and its gradients as blocked packed products; depthwise stays plain.
    Conv2D: wasmConv2D(store, reference.Conv2D),
    Conv2DBackpropInput: wasmConv2DBackpropInput(store, reference.Conv2DBackpropInput),
    Conv2DBackpropFilter: wasmConv2DBackpropFilter(store, reference.Conv2DBackpropFilter),
    // Pooling (issue 12): SIMD over the channels; MaxPoolGradGrad stays plain.
    MaxPool: wasmPool(store, 'MaxPool', reference.MaxPool),
    AvgPool: wasmPool(store, 'AvgPool', reference.AvgPool),
    MaxPoolGrad: wasmMaxPoolGrad(store, reference.MaxPoolGrad),
    AvgPoolGrad: wasmAvgPoolGrad(store, reference.AvgPoolGrad),
  };
}
