/**
 * @file The kernel table of the WebAssembly path: the reference table over the heap (every kernel
 * works there unchanged, reading typed views and copying its result in), with the hot kernels
 * replaced by their in-memory forms. Each replacement keeps the reference kernel for the dtypes and
 * cases it does not cover. The replacements are typed over every unary, binary and reduction kernel,
 * so a kernel added to the spec is a compile error here until it gets an entry or `null`.
 */

import type { BinaryKernel, KernelName, ReductionKernel, UnaryKernel } from '@tapeflow/tensor-core/backend';
import { createKernelTable, type CpuKernelTable } from '../kernel-table.js';
import { wasmConv2D, wasmConv2DBackpropFilter, wasmConv2DBackpropInput } from './wasm-convolution.js';
import { wasmBinary, wasmUnary } from './wasm-elementwise.js';
import { wasmMatMul } from './wasm-matmul.js';
import { wasmReduction } from './wasm-reduction.js';
import type { WasmBufferStore } from './wasm-buffer-store.js';

/** The kernels that must say whether they have an in-memory form: every kernel of these families. */
type ReplaceableKernel = UnaryKernel | BinaryKernel | ReductionKernel | 'MatMul';

/**
 * One entry per replaceable kernel: its in-memory form, or `null` for "no in-memory path" (the
 * reference kernel then runs over the heap, with one extra copy).
 */
type WasmReplacements = { readonly [K in ReplaceableKernel]: CpuKernelTable[K] | null };

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
    Neg: wasmUnary(store, 'Neg', reference.Neg),
    Abs: wasmUnary(store, 'Abs', reference.Abs),
    Sign: wasmUnary(store, 'Sign', reference.Sign),
    Square: wasmUnary(store, 'Square', reference.Square),
    Sqrt: wasmUnary(store, 'Sqrt', reference.Sqrt),
    Exp: wasmUnary(store, 'Exp', reference.Exp),
    Log: wasmUnary(store, 'Log', reference.Log),
    Relu: wasmUnary(store, 'Relu', reference.Relu),
    Sigmoid: wasmUnary(store, 'Sigmoid', reference.Sigmoid),
    Tanh: wasmUnary(store, 'Tanh', reference.Tanh),
    Softplus: wasmUnary(store, 'Softplus', reference.Softplus),
    Add: wasmBinary(store, 'Add', reference.Add),
    Sub: wasmBinary(store, 'Sub', reference.Sub),
    Mul: wasmBinary(store, 'Mul', reference.Mul),
    RealDiv: wasmBinary(store, 'RealDiv', reference.RealDiv),
    Pow: wasmBinary(store, 'Pow', reference.Pow),
    Maximum: wasmBinary(store, 'Maximum', reference.Maximum),
    Minimum: wasmBinary(store, 'Minimum', reference.Minimum),
    Sum: wasmReduction(store, 'Sum', reference.Sum),
    Max: wasmReduction(store, 'Max', reference.Max),
    Min: wasmReduction(store, 'Min', reference.Min),
    MatMul: wasmMatMul(store, reference.MatMul),
  };
  return {
    ...reference,
    ...presentReplacements(replacements),
    // Convolutions (issue 12): Conv2D and its gradients as blocked packed products; depthwise stays plain.
    Conv2D: wasmConv2D(store, reference.Conv2D),
    Conv2DBackpropInput: wasmConv2DBackpropInput(store, reference.Conv2DBackpropInput),
    Conv2DBackpropFilter: wasmConv2DBackpropFilter(store, reference.Conv2DBackpropFilter),
  };
}
