/**
 * @file The shapes the kernel checks sweep: odd sizes (1, 3, 7, 65, 257, which catch workgroup and
 * vector-width remainders), scalars, size-0 dimensions, and pairs that broadcast in both directions.
 */

/** Single-input shapes: a scalar, odd sizes, and a rank-3 shape with a size-1 dim. */
export const ODD_SHAPES: readonly (readonly number[])[] = [[], [1], [3], [7], [65], [257], [3, 1, 7]];

/** Shapes with a size-0 dimension. */
export const EMPTY_SHAPES: readonly (readonly number[])[] = [[0], [2, 0, 3]];

/** Pairs of equal shapes and of a scalar with a tensor (either side). */
export const SAME_OR_SCALAR_PAIRS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[], []],
  [[1], [1]],
  [[7], [7]],
  [
    [3, 65],
    [3, 65],
  ],
  [[257], [257]],
  [[], [3, 5]],
  [[3, 5], []],
];

/** Pairs that broadcast: each direction, both at once, across ranks, with size-1 dims in the middle. */
export const BROADCAST_PAIRS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[2, 3], [3]],
  [[3], [2, 3]],
  [
    [2, 1],
    [1, 3],
  ],
  [
    [1, 3],
    [2, 1],
  ],
  [
    [3, 1, 5],
    [4, 1],
  ],
  [
    [4, 1],
    [3, 1, 5],
  ],
  [[1], [7]],
  [[7], [1]],
  [
    [2, 3, 1],
    [1, 1, 65],
  ],
];

/** Pairs whose broadcast has a size-0 dimension. */
export const EMPTY_PAIRS: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[0, 3], [3]],
  [[], [0]],
  [
    [2, 0],
    [2, 1],
  ],
];

/** `[2,3]` as the messages print shapes. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
