/**
 * @file TensorFlow.js 4.22's wasm backend registers no Conv2DBackpropFilter, so on its own it cannot
 * train a convnet, and the bench's conv2d-gradient and convnet-fit rows had no tfjs-wasm figure (issue
 * 12's targets are ratios to tfjs-wasm). It does register Conv3DBackpropFilterV2, and a 2-D filter
 * gradient is the 3-D one at depth 1. This file registers Conv2DBackpropFilter for `wasm` as that: the
 * same memory seen as [n, 1, h, w, c] (the wasm kernel reads a tensor by its data id, so no copy), and
 * the [1, fh, fw, ci, co] result seen as [fh, fw, ci, co]. It is the fastest path tfjs-wasm has, and
 * the one a tfjs-wasm user would have to write; the report says the column includes it.
 *
 * Unit strides only: tfjs-wasm 4.22's Conv3DBackpropFilterV2 is wrong for strides above 1 (its
 * stride-[1, 2, 2] filter gradient differs from tfjs-cpu's by 2.2 on a 2×1×9×7×3 input, where tfjs-cpu
 * matches a direct sum to 1e-6), so a strided call throws instead of timing a wrong result. Every
 * bench row (the CNN's and the ResNet-ish conv2d) has unit strides.
 */

import * as tf from '@tensorflow/tfjs-core';

/** A TensorInfo with another shape over the same data. */
function viewAs(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Registers the depth-1 Conv3DBackpropFilterV2 as wasm's Conv2DBackpropFilter; true when it did. */
export function registerWasmConv2dBackpropFilter(): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return false;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (conv3d === undefined) return false;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { strides, pad, dataFormat, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat !== 'NHWC' || (pad !== 'same' && pad !== 'valid'))
        throw new Error(`bench shim: Conv2DBackpropFilter supports NHWC with 'same'/'valid' only`);
      const [strideHeight, strideWidth] = typeof strides === 'number' ? [strides, strides] : strides;
      if (strideHeight !== 1 || strideWidth !== 1)
        throw new Error(`bench shim: Conv2DBackpropFilter supports unit strides only, got ${String(strides)}`);
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const [, oh, ow, o] = dy.shape as [number, number, number, number];
      const result = conv3d.kernelFunc({
        inputs: { x: viewAs(x, [n, 1, h, w, c]), dy: viewAs(dy, [n, 1, oh, ow, o]) },
        backend,
        attrs: { strides: [1, 1, 1], pad, filterShape: [1, ...filterShape] },
      }) as tf.TensorInfo;
      return viewAs(result, [...filterShape]);
    },
  });
  return true;
}
