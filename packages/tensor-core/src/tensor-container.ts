/**
 * @file TensorContainer, the type of what `tidy` may return, apart from tensor.ts (which re-exports
 * it) so that the Tensor class's module stays within the per-file budget.
 */

import type { Tensor } from './tensor.js';

/** Anything that holds tensors (what `tidy` may return). */
export type TensorContainer =
  | void
  | undefined
  | null
  | number
  | string
  | boolean
  | Tensor
  | readonly TensorContainer[]
  | { readonly [key: string]: TensorContainer };
