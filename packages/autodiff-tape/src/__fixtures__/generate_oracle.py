#!/usr/bin/python3
"""Generates oracle.json: reference gradients for Tapeflow's GradientTape, computed by PyTorch autograd
in float64 (Debian's `python3-torch`), and checked by ../oracle.test.ts within float32 tolerance.

Run it with Debian's interpreter, not a pyenv/venv `python3` that lacks torch:

    /usr/bin/python3 packages/autodiff-tape/src/__fixtures__/generate_oracle.py

(needs `apt-get install python3-torch`). CI never runs this; it only reads the committed JSON.

What one case holds (all arrays flat, row-major, with their shape beside them):
- `name`: unique, the vitest test name; `expr`: the id of the computation, which oracle.test.ts maps to
  Tapeflow ops (the torch twin of each id is in EXPRESSIONS below); `attrs`: the op's attributes in
  Tapeflow's names (axis, keepDims, transposeA/B, perm, shape, begin/size, indices, ...).
- `inputs`: name, dtype ('float32', 'int32' or 'bool'), shape, values. Float values are drawn with a
  per-case seed (crc32 of the case name, so adding a case changes no other) and rounded to float32,
  so Tapeflow's float32 inputs are exactly the values torch differentiated in float64. They are kept
  away from kinks and ties where TensorFlow and PyTorch differ (relu/abs/sign at 0, maximum/minimum and
  reduceMax/reduceMin ties, clipByValue bounds, pow/sqrt/log at bases <= 0).
- `value`: the forward output f(inputs).
- `outputGradients`: a random upstream u1 of the output's shape (TensorFlow's `output_gradients`).
- `gradients`: for every float input x_i, the vector-Jacobian product
  `torch.autograd.grad(f, xs, u1)`, i.e. d/dx_i sum(u1 * f(xs)).
Second-order cases (`order: 2`) add:
- `secondOutputGradients`: one random upstream u2_i per float input, of that input's shape.
- `secondGradients`: for every float input x_j, d/dx_j sum_i sum(u2_i * g_i(xs)) where
  g_i = d/dx_i sum(u1 * f(xs)) is the first gradient, computed with `create_graph=True`, i.e.
  `torch.autograd.grad(g, xs, u2)`. For one input and an elementwise f this is u1 * u2 * f''(x).
"""

import json
import math
import os
import subprocess
import sys
import zlib

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'oracle.json')
GENERATOR = 'packages/autodiff-tape/src/__fixtures__/generate_oracle.py'
F64 = torch.float64


# ---- input generation ----------------------------------------------------------------------------

class Inputs:
    """Seeded random arrays, rounded to float32 (then held as float64)."""

    def __init__(self, name):
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))

    def f32(self, array):
        return np.asarray(array, dtype=np.float64).astype(np.float32).astype(np.float64)

    def uniform(self, shape, lo=-1.0, hi=1.0):
        return self.f32(self.rng.uniform(lo, hi, size=shape))

    def away_from_zero(self, shape, lo=0.2, hi=1.0):
        """|x| in [lo, hi) with random signs: no kinks of abs, relu, sign."""
        signs = np.where(self.rng.uniform(size=shape) < 0.5, -1.0, 1.0)
        return self.f32(signs * self.rng.uniform(lo, hi, size=shape))

    def distinct(self, shape, lo=-1.0, hi=1.0):
        """All values distinct (spaced >= 0.4 * (hi - lo) / size apart): no ties in reduceMax/Min."""
        size = int(np.prod(shape, dtype=np.int64))
        slots = self.rng.permutation(size) + self.rng.uniform(0.3, 0.7, size=size)
        return self.f32((lo + (hi - lo) * slots / size).reshape(shape))

    def apart_from(self, other, shape, gap=0.1):
        """Uniform values whose broadcast against `other` never comes within `gap`: no max/min ties."""
        while True:
            candidate = self.uniform(shape)
            if np.min(np.abs(candidate - other)) >= gap:
                return candidate

    def away_from_bounds(self, shape, lo, hi, gap=0.1):
        while True:
            candidate = self.uniform(shape, lo - 0.5, hi + 0.5)
            if np.min(np.minimum(np.abs(candidate - lo), np.abs(candidate - hi))) >= gap:
                return candidate


def tensor_input(name, values, dtype='float32'):
    return {'name': name, 'dtype': dtype, 'array': np.asarray(values)}


# ---- the computations, by expression id (oracle.test.ts holds the Tapeflow twin of each) ----------

def _axes(x, axis):
    if axis is None:
        return tuple(range(x.dim()))
    return tuple(axis) if isinstance(axis, list) else (axis,)


def _transposed(t, flag):
    return t.transpose(-1, -2) if flag else t


def _cross_entropy(logits, labels, depth):
    one_hot = torch.nn.functional.one_hot(torch.tensor(labels), depth).to(F64)
    return -torch.mean(torch.sum(one_hot * torch.log_softmax(logits, -1), -1))


def _squeeze(x, axis):
    if axis is None:
        return x.squeeze()
    axes = axis if isinstance(axis, list) else [axis]
    for a in sorted((a % x.dim() for a in axes), reverse=True):
        x = x.squeeze(a)
    return x


def _slice(x, begin, size):
    index = tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return x[index]


def _gather(x, indices, indices_shape, axis):
    axis = axis % x.dim()
    flat = x.index_select(axis, torch.tensor(indices, dtype=torch.int64))
    return flat.reshape(list(x.shape[:axis]) + list(indices_shape) + list(x.shape[axis + 1:]))


def _mlp(t, attrs):
    hidden = torch.relu(t['x'] @ t['w1'] + t['b1'])
    return _cross_entropy(hidden @ t['w2'] + t['b2'], attrs['labels'], attrs['depth'])


# Reductions and scans (issue 12).
def _prod(x, axis, keepdim):
    for a in sorted(_axes(x, axis), reverse=True):
        x = x.prod(a % x.dim() if x.dim() else a, keepdim=keepdim)
    return x


def _cumulative(x, axis, exclusive, reverse, product):
    axis = axis % x.dim()
    if reverse:
        x = x.flip(axis)
    running = torch.cumprod(x, axis) if product else torch.cumsum(x, axis)
    if exclusive:
        first = torch.ones_like(x.narrow(axis, 0, 1)) if product else torch.zeros_like(x.narrow(axis, 0, 1))
        running = torch.cat([first, running.narrow(axis, 0, x.shape[axis] - 1)], axis)
    return running.flip(axis) if reverse else running


# Linear algebra (issue 12).
def _ord(value):
    return {'Infinity': math.inf, '-Infinity': -math.inf}.get(value, value)


def _norm(x, a):
    order, axis, keep = _ord(a['ord']), a['axis'], a['keepDims']
    if isinstance(axis, list):
        return torch.linalg.matrix_norm(x, 'fro' if order == 'euclidean' else order, dim=tuple(axis), keepdim=keep)
    p = 2 if order == 'euclidean' else order
    if axis is None:
        flat = torch.linalg.vector_norm(x, p)
        return flat.reshape([1] * x.dim()) if keep else flat
    return torch.linalg.vector_norm(x, p, dim=axis, keepdim=keep)


def _dot(a, b):
    out = (a if a.dim() == 2 else a.unsqueeze(0)) @ (b if b.dim() == 2 else b.unsqueeze(1))
    return out.reshape(([a.shape[0]] if a.dim() == 2 else []) + ([b.shape[1]] if b.dim() == 2 else []))


# ---- pooling and tf.nn (group w-poolnn) -------------------------------------------------------------
# TensorFlow's NHWC layout and SAME padding converted explicitly: torch pools NCHW, and TF's SAME pads
# the extra row/column at the bottom/right, which torch's symmetric `padding` cannot say, so the input
# is padded with F.pad first. Max pooling pads with -inf (never a max: every TF window holds an input
# element). Average pooling must not count the padding: torch's count_include_pad=False only skips
# padding passed to avg_pool2d itself, so the average is taken as (window sum of the zero-padded input)
# / (window sum of the zero-padded ones), the count of in-input elements, exactly TF's definition.

def _tf_pads(size, window, stride, padding):
    if padding.upper() == 'VALID':
        return 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _pool(x, a, kind):
    kh, kw = a['ksize']
    sh, sw = a['strides']
    top, bottom = _tf_pads(x.shape[1], kh, sh, a['padding'])
    left, right = _tf_pads(x.shape[2], kw, sw, a['padding'])
    nchw = x.permute(0, 3, 1, 2)
    pads = (left, right, top, bottom)
    if kind == 'max':
        y = torch.nn.functional.max_pool2d(torch.nn.functional.pad(nchw, pads, value=-math.inf), (kh, kw), (sh, sw))
    else:
        total = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(nchw, pads), (kh, kw), (sh, sw))
        count = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(torch.ones_like(nchw), pads), (kh, kw), (sh, sw))
        y = total / count
    return y.permute(0, 2, 3, 1)


def _pool_gradient(x, w, a, kind):
    """d/dx sum(w * pool(x)), kept differentiable (TF's MaxPoolGrad / AvgPoolGrad)."""
    return torch.autograd.grad(_pool(x, a, kind), x, w, create_graph=True)[0]


def _max_pool_grad_grad(t, a):
    """MaxPoolGradGrad(x, v): d/dw sum(v * MaxPoolGrad(x, w)), plus maxPool(x) so that x is connected."""
    x, v = t['x'], t['v']
    pooled = _pool(x, a, 'max')
    w = torch.zeros(pooled.shape, dtype=F64, requires_grad=True)
    first = torch.autograd.grad(_pool(x, a, 'max'), x, w, create_graph=True)[0]
    return torch.autograd.grad(first, w, v, create_graph=True)[0] + pooled


def _l2_normalize(x, axis):
    axes = tuple(range(x.dim())) if axis is None else _axes(x, axis)
    return x / torch.sqrt(torch.clamp(torch.sum(x * x, axes, keepdim=True), min=1e-12))


# Shape ops of issue 12: each built from index lists that NumPy or Python slicing define independently
# (np.pad's 'reflect' / 'symmetric' are TensorFlow's MirrorPad modes; Python's slices are TF's strided
# slices without masks), read with index_select / advanced indexing, whose autograd sums repeats.
def _index_along(x, dim, index):
    return x.index_select(dim, torch.tensor(np.asarray(index, dtype=np.int64)))


def _mirror_pad(x, paddings, mode):
    for dim, (before, after) in enumerate(paddings):
        x = _index_along(x, dim, np.pad(np.arange(x.shape[dim]), (before, after), mode=mode))
    return x


def _constant_pad(x, paddings, value):
    flat = [p for pair in reversed(paddings) for p in pair]
    return torch.nn.functional.pad(x, flat, mode='constant', value=value)


def _split(x, sizes, axis, index):
    if isinstance(sizes, int):
        sizes = [x.shape[axis] // sizes] * sizes
    known = sum(s for s in sizes if s != -1)
    sizes = [x.shape[axis] - known if s == -1 else s for s in sizes]
    return torch.split(x, sizes, axis)[index]


def _index_rows(indices, indices_shape):
    rows = np.asarray(indices, dtype=np.int64).reshape(indices_shape)
    return tuple(torch.tensor(rows[..., k]) for k in range(rows.shape[-1]))


def _scatter_nd(updates, indices, indices_shape, shape):
    return torch.zeros(shape, dtype=F64).index_put(_index_rows(indices, indices_shape), updates, accumulate=True)


def _gather_batched(x, indices, indices_shape, axis, batch_dims):
    batch = list(x.shape[:batch_dims])
    rows = np.asarray(indices, dtype=np.int64).reshape([int(np.prod(batch))] + [-1])
    flat = x.reshape([int(np.prod(batch))] + list(x.shape[batch_dims:]))
    parts = [_index_along(flat[b], axis - batch_dims, rows[b]) for b in range(flat.shape[0])]
    out_shape = list(x.shape[:axis]) + list(indices_shape[batch_dims:]) + list(x.shape[axis + 1:])
    return torch.stack(parts).reshape(out_shape)


def _strided_slice(x, begin, end, strides, begin_mask, end_mask, shrink_mask):
    for dim in reversed(range(len(begin))):
        if (shrink_mask >> dim) & 1:
            x = x.select(dim, begin[dim])
            continue
        start = None if (begin_mask >> dim) & 1 else begin[dim]
        stop = None if (end_mask >> dim) & 1 else end[dim]
        x = _index_along(x, dim, list(range(x.shape[dim]))[slice(start, stop, strides[dim])])
    return x


# Convolutions: TensorFlow's NHWC inputs and HWIO filters (depthwise: HW, in-channel, multiplier) are
# permuted to PyTorch's NCHW and OIHW here, and TF's SAME padding (the extra row and column at the
# bottom and right when the total is odd) is applied explicitly with F.pad, as PyTorch pads evenly.
def _same_pads(size, k, stride, dilation):
    effective = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _pads(a, size_h, size_w, kh, kw):
    if a['padding'] == 'VALID':
        return 0, 0, 0, 0
    top, bottom = _same_pads(size_h, kh, a['strides'][0], a['dilations'][0])
    left, right = _same_pads(size_w, kw, a['strides'][1], a['dilations'][1])
    return top, bottom, left, right


def _conv2d(x, w, a, depthwise=False):
    top, bottom, left, right = _pads(a, x.shape[1], x.shape[2], w.shape[0], w.shape[1])
    xc = torch.nn.functional.pad(x.permute(0, 3, 1, 2), (left, right, top, bottom))
    if depthwise:
        # Output channel c*M + m reads input channel c through w[:, :, c, m]: groups=C, weight [C*M, 1, kh, kw].
        wc = w.permute(2, 3, 0, 1).reshape(w.shape[2] * w.shape[3], 1, w.shape[0], w.shape[1])
        groups = w.shape[2]
    else:
        wc = w.permute(3, 2, 0, 1)
        groups = 1
    y = torch.nn.functional.conv2d(xc, wc, stride=tuple(a['strides']), dilation=tuple(a['dilations']), groups=groups)
    return y.permute(0, 2, 3, 1)


def _conv1d(x, w, a):
    attrs = {'strides': [1, a['stride']], 'dilations': [1, a['dilation']], 'padding': a['padding']}
    return _conv2d(x.unsqueeze(1), w.unsqueeze(0), attrs).squeeze(1)


def _conv2d_transpose(x, w, a):
    # The transpose of the SAME/VALID conv2d from outputShape to x: the full transposed convolution,
    # zero-extended to the padded size, then cropped by TF's padding.
    n, h, wd, c = a['outputShape']
    top, bottom, left, right = _pads(a, h, wd, w.shape[0], w.shape[1])
    full = torch.nn.functional.conv_transpose2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), stride=tuple(a['strides']))
    extra_h = max(h + top + bottom - full.shape[2], 0)
    extra_w = max(wd + left + right - full.shape[3], 0)
    full = torch.nn.functional.pad(full, (0, extra_w, 0, extra_h))
    return full[:, :, top:top + h, left:left + wd].permute(0, 2, 3, 1)


def _backprop_filter(x, dy, a, depthwise=False):
    # The filter gradient of the convolution at x for upstream dy (linear in the filter, so taken at
    # zeros), kept differentiable in x and dy.
    w = torch.zeros(a['filterShape'], dtype=F64, requires_grad=True)
    return torch.autograd.grad(_conv2d(x, w, a, depthwise), w, dy, create_graph=True)[0]


def _backprop_input(dy, w, a, depthwise=False):
    x = torch.zeros(a['inputShape'], dtype=F64, requires_grad=True)
    return torch.autograd.grad(_conv2d(x, w, a, depthwise), x, dy, create_graph=True)[0]


EXPRESSIONS = {
    'add': lambda t, _: t['a'] + t['b'],
    'sub': lambda t, _: t['a'] - t['b'],
    'mul': lambda t, _: t['a'] * t['b'],
    'div': lambda t, _: t['a'] / t['b'],
    'pow': lambda t, _: torch.pow(t['a'], t['b']),
    'powScalar': lambda t, a: torch.pow(t['x'], a['exponent']),
    'maximum': lambda t, _: torch.maximum(t['a'], t['b']),
    'minimum': lambda t, _: torch.minimum(t['a'], t['b']),
    'neg': lambda t, _: -t['x'],
    'square': lambda t, _: torch.square(t['x']),
    'sqrt': lambda t, _: torch.sqrt(t['x']),
    'exp': lambda t, _: torch.exp(t['x']),
    'log': lambda t, _: torch.log(t['x']),
    'abs': lambda t, _: torch.abs(t['x']),
    'sign': lambda t, _: torch.sign(t['x']),
    'signTimesX': lambda t, _: torch.sign(t['x']) * t['x'],
    'relu': lambda t, _: torch.relu(t['x']),
    'sigmoid': lambda t, _: torch.sigmoid(t['x']),
    'tanh': lambda t, _: torch.tanh(t['x']),
    'softplus': lambda t, _: torch.nn.functional.softplus(t['x']),
    'softmax': lambda t, a: torch.softmax(t['x'], a['axis']),
    'logSoftmax': lambda t, a: torch.log_softmax(t['x'], a['axis']),
    'matmul': lambda t, a: torch.matmul(_transposed(t['a'], a['transposeA']), _transposed(t['b'], a['transposeB'])),
    'reduceSum': lambda t, a: torch.sum(t['x'], _axes(t['x'], a['axis']), keepdim=a['keepDims']),
    'reduceMean': lambda t, a: torch.mean(t['x'], _axes(t['x'], a['axis']), keepdim=a['keepDims']),
    'reduceMax': lambda t, a: torch.amax(t['x'], _axes(t['x'], a['axis']), keepdim=a['keepDims']),
    'reduceMin': lambda t, a: torch.amin(t['x'], _axes(t['x'], a['axis']), keepdim=a['keepDims']),
    'reshape': lambda t, a: t['x'].reshape(a['shape']),
    'transpose': lambda t, a: t['x'].permute(a['perm'] if a['perm'] is not None else list(range(t['x'].dim()))[::-1]),
    'expandDims': lambda t, a: t['x'].unsqueeze(a['axis']),
    'squeeze': lambda t, a: _squeeze(t['x'], a['axis']),
    'concat': lambda t, a: torch.cat([t[n] for n in a['tensors']], a['axis']),
    'slice': lambda t, a: _slice(t['x'], a['begin'], a['size']),
    'gather': lambda t, a: _gather(t['x'], a['indices'], a['indicesShape'], a['axis']),
    'unsortedSegmentSum': lambda t, a: torch.zeros([a['numSegments']] + list(t['data'].shape[1:]), dtype=F64)
    .index_add(0, torch.tensor(a['segmentIds'], dtype=torch.int64), t['data']),
    'castSameDtypeTimesX': lambda t, _: t['x'].to(F64) * t['x'],
    'broadcastTo': lambda t, a: torch.broadcast_to(t['x'], a['shape']),
    'where': lambda t, _: torch.where(t['condition'], t['a'], t['b']),
    'clipByValue': lambda t, a: torch.clamp(t['x'], a['clipValueMin'], a['clipValueMax']),
    'softmaxCrossEntropy': lambda t, a: _cross_entropy(t['logits'], a['labels'], a['depth']),
    'mlp': _mlp,
    'matmulChain': lambda t, _: torch.tanh(t['x'] @ t['w1']) @ t['w2'],
    'matmulSquare': lambda t, _: t['x'] @ t['x'],
    # Reductions and scans (issue 12).
    'reduceProd': lambda t, a: _prod(t['x'], a['axis'], a['keepDims']),
    'reduceLogSumExp': lambda t, a: torch.logsumexp(t['x'], _axes(t['x'], a['axis']), keepdim=a['keepDims']),
    'cumsum': lambda t, a: _cumulative(t['x'], a['axis'], a['exclusive'], a['reverse'], False),
    'cumprod': lambda t, a: _cumulative(t['x'], a['axis'], a['exclusive'], a['reverse'], True),
    'topKValues': lambda t, a: torch.topk(t['x'], a['k']).values,
    # Linear algebra (issue 12).
    'tensordot': lambda t, a: torch.tensordot(t['a'], t['b'], dims=a['axes']),
    'dot': lambda t, _: _dot(t['a'], t['b']),
    'outerProduct': lambda t, _: torch.outer(t['a'], t['b']),
    'norm': lambda t, a: _norm(t['x'], a),
    'einsum': lambda t, a: torch.einsum(a['equation'], *[t[n] for n in a['tensors']]),
    # Pooling and tf.nn (group w-poolnn).
    'maxPool2d': lambda t, a: _pool(t['x'], a, 'max'),
    'avgPool2d': lambda t, a: _pool(t['x'], a, 'avg'),
    'maxPoolGradTimesX': lambda t, a: _pool_gradient(t['x'], t['w'], a, 'max') * t['x'],
    'avgPoolGradTimesX': lambda t, a: _pool_gradient(t['x'], t['w'], a, 'avg') * t['x'],
    'maxPoolGradGradPlusPool': _max_pool_grad_grad,
    'batchNormalization': lambda t, a: (t['x'] - t['mean']) / torch.sqrt(t['variance'] + a['varianceEpsilon'])
    * t['scale'] + t['offset'],
    'momentsMean': lambda t, a: torch.mean(t['x'], _axes(t['x'], a['axis']), keepdim=a['keepDims']),
    'momentsVariance': lambda t, a: torch.var(t['x'], _axes(t['x'], a['axis']), unbiased=False, keepdim=a['keepDims']),
    'l2Normalize': lambda t, a: _l2_normalize(t['x'], a['axis']),
    'softmaxCrossEntropyWithLogits': lambda t, a: -torch.sum(t['labels'] * torch.log_softmax(t['logits'], a['axis']), a['axis']),
    'sparseSoftmaxCrossEntropyWithLogits': lambda t, _: torch.nn.functional.cross_entropy(
        t['logits'].reshape(-1, t['logits'].shape[-1]), t['labels'].reshape(-1).long(), reduction='none').reshape(t['labels'].shape),
    'sigmoidCrossEntropyWithLogits': lambda t, _: torch.nn.functional.binary_cross_entropy_with_logits(
        t['logits'], t['labels'], reduction='none'),
    # Shape ops of issue 12
    'stack': lambda t, a: torch.stack([t[n] for n in a['tensors']], a['axis']),
    'unstack': lambda t, a: torch.unbind(t['x'], a['axis'])[a['index']],
    'split': lambda t, a: _split(t['x'], a['sizes'], a['axis'], a['index']),
    'tile': lambda t, a: t['x'].repeat(a['multiples']),
    'padConstant': lambda t, a: _constant_pad(t['x'], a['paddings'], a['constantValue']),
    'padMirror': lambda t, a: _mirror_pad(t['x'], a['paddings'], a['mode']),
    'reverse': lambda t, a: torch.flip(t['x'], a['axis']),
    'gatherNd': lambda t, a: t['x'][_index_rows(a['indices'], a['indicesShape'])],
    'scatterNd': lambda t, a: _scatter_nd(t['updates'], a['indices'], a['indicesShape'], a['shape']),
    'gatherBatched': lambda t, a: _gather_batched(t['x'], a['indices'], a['indicesShape'], a['axis'], a['batchDims']),
    'stridedSlice': lambda t, a: _strided_slice(t['x'], a['begin'], a['end'], a['strides'], a['beginMask'],
                                                a['endMask'], a['shrinkAxisMask']),
    'identityTimesClone': lambda t, _: t['x'].clone() * t['x'],
    # ---- elementwise math and activations (issue 12) ----
    'sin': lambda t, _: torch.sin(t['x']),
    'cos': lambda t, _: torch.cos(t['x']),
    'tan': lambda t, _: torch.tan(t['x']),
    'asin': lambda t, _: torch.asin(t['x']),
    'acos': lambda t, _: torch.acos(t['x']),
    'atan': lambda t, _: torch.atan(t['x']),
    'sinh': lambda t, _: torch.sinh(t['x']),
    'cosh': lambda t, _: torch.cosh(t['x']),
    'asinh': lambda t, _: torch.asinh(t['x']),
    'acosh': lambda t, _: torch.acosh(t['x']),
    'atanh': lambda t, _: torch.atanh(t['x']),
    'reciprocal': lambda t, _: torch.reciprocal(t['x']),
    'rsqrt': lambda t, _: torch.rsqrt(t['x']),
    'log1p': lambda t, _: torch.log1p(t['x']),
    'expm1': lambda t, _: torch.expm1(t['x']),
    'erf': lambda t, _: torch.erf(t['x']),
    'softsign': lambda t, _: torch.nn.functional.softsign(t['x']),
    'elu': lambda t, _: torch.nn.functional.elu(t['x']),
    'selu': lambda t, _: torch.nn.functional.selu(t['x']),
    'relu6': lambda t, _: torch.nn.functional.relu6(t['x']),
    'silu': lambda t, _: torch.nn.functional.silu(t['x']),
    'gelu': lambda t, a: torch.nn.functional.gelu(t['x'], approximate='tanh' if a['approximate'] else 'none'),
    'leakyRelu': lambda t, _: torch.nn.functional.leaky_relu(t['x'], 0.2),
    'prelu': lambda t, _: torch.where(t['x'] > 0, t['x'], t['alpha'] * t['x']),
    'atan2': lambda t, _: torch.atan2(t['a'], t['b']),
    'floorMod': lambda t, _: torch.remainder(t['a'], t['b']),
    'squaredDifference': lambda t, _: torch.square(t['a'] - t['b']),
    'divNoNan': lambda t, _: t['a'] / t['b'],
    # Convolutions (issue 12)
    'conv2d': lambda t, a: _conv2d(t['x'], t['filter'], a),
    'conv1d': lambda t, a: _conv1d(t['x'], t['filter'], a),
    'depthwiseConv2d': lambda t, a: _conv2d(t['x'], t['filter'], a, depthwise=True),
    'conv2dTranspose': lambda t, a: _conv2d_transpose(t['x'], t['filter'], a),
    'conv2dBackpropFilter': lambda t, a: _backprop_filter(t['x'], t['dy'], a),
    'depthwiseBackpropInput': lambda t, a: _backprop_input(t['dy'], t['filter'], a, depthwise=True),
    'depthwiseBackpropFilter': lambda t, a: _backprop_filter(t['x'], t['dy'], a, depthwise=True),
}


# ---- the cases -----------------------------------------------------------------------------------

def build_cases():
    cases = []

    def case(name, expr, make_inputs, attrs=None, order=1, check=None):
        r = Inputs(name)
        inputs = make_inputs(r)
        cases.append({'name': name, 'expr': expr, 'attrs': attrs or {}, 'inputs': inputs, 'order': order,
                      'rng': r, 'check': check})

    # Binary arithmetic, broadcasting in both directions and both at once.
    case('add', 'add', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([2, 3]))])
    case('add: b broadcast to a', 'add', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([3]))])
    case('add: a broadcast to b', 'add', lambda r: [tensor_input('a', r.uniform([2, 1])), tensor_input('b', r.uniform([2, 3]))])
    case('add: both broadcast', 'add', lambda r: [tensor_input('a', r.uniform([3, 1])), tensor_input('b', r.uniform([1, 4]))])
    case('add: scalar a', 'add', lambda r: [tensor_input('a', r.uniform([])), tensor_input('b', r.uniform([2, 2]))])
    case('sub: b broadcast to a', 'sub', lambda r: [tensor_input('a', r.uniform([2, 3, 2])), tensor_input('b', r.uniform([3, 1]))])
    case('sub: both broadcast (rank 3)', 'sub', lambda r: [tensor_input('a', r.uniform([2, 1, 3])), tensor_input('b', r.uniform([4, 1]))])
    case('mul: a broadcast to b', 'mul', lambda r: [tensor_input('a', r.uniform([3])), tensor_input('b', r.uniform([2, 3]))])
    case('mul: both broadcast', 'mul', lambda r: [tensor_input('a', r.uniform([2, 1])), tensor_input('b', r.uniform([1, 3]))])
    case('div', 'div', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.away_from_zero([2, 3], 0.5, 2.0))])
    case('div: b broadcast to a', 'div', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([3], 0.5, 2.0))])
    case('div: a broadcast to b', 'div', lambda r: [tensor_input('a', r.uniform([1, 3])), tensor_input('b', r.uniform([2, 3], 0.5, 2.0))])
    # TensorFlow zeroes the exponent's gradient where the base is <= 0; positive bases agree with torch.
    case('pow: both inputs', 'pow', lambda r: [tensor_input('a', r.uniform([2, 3], 0.5, 2.0)), tensor_input('b', r.uniform([2, 3], -1.5, 2.0))])
    case('pow: exponent broadcast', 'pow', lambda r: [tensor_input('a', r.uniform([2, 3], 0.5, 2.0)), tensor_input('b', r.uniform([3], -1.5, 2.0))])
    case('pow: base broadcast', 'pow', lambda r: [tensor_input('a', r.uniform([3, 1], 0.5, 2.0)), tensor_input('b', r.uniform([3, 2], -1.5, 2.0))])
    case('pow: constant exponent 3', 'powScalar', lambda r: [tensor_input('x', r.uniform([4]))], {'exponent': 3})
    case('pow: constant exponent 0.5', 'powScalar', lambda r: [tensor_input('x', r.uniform([2, 2], 0.5, 2.0))], {'exponent': 0.5})

    def max_min_inputs(shape_a, shape_b):
        def make(r):
            a = r.uniform(shape_a)
            return [tensor_input('a', a), tensor_input('b', r.apart_from(a, shape_b))]
        return make

    case('maximum', 'maximum', max_min_inputs([6], [6]))
    case('maximum: b broadcast to a', 'maximum', max_min_inputs([2, 3], [3]))
    case('maximum: a broadcast to b', 'maximum', max_min_inputs([2, 1], [2, 3]))
    case('minimum', 'minimum', max_min_inputs([6], [6]))
    case('minimum: both broadcast', 'minimum', max_min_inputs([3, 1], [1, 2]))

    # Unary ops.
    case('neg', 'neg', lambda r: [tensor_input('x', r.uniform([2, 3]))])
    case('square', 'square', lambda r: [tensor_input('x', r.uniform([2, 3]))])
    case('sqrt', 'sqrt', lambda r: [tensor_input('x', r.uniform([2, 3], 0.5, 2.0))])
    case('exp', 'exp', lambda r: [tensor_input('x', r.uniform([2, 3]))])
    case('log', 'log', lambda r: [tensor_input('x', r.uniform([2, 3], 0.5, 2.0))])
    case('abs', 'abs', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))])
    case('sign: zero gradient', 'sign', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))])
    case('sign times x', 'signTimesX', lambda r: [tensor_input('x', r.away_from_zero([5]))])
    case('relu', 'relu', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))])
    case('sigmoid', 'sigmoid', lambda r: [tensor_input('x', r.uniform([2, 3], -3.0, 3.0))])
    case('tanh', 'tanh', lambda r: [tensor_input('x', r.uniform([2, 3], -2.0, 2.0))])
    case('softplus', 'softplus', lambda r: [tensor_input('x', r.uniform([2, 3], -4.0, 4.0))])

    # Softmax family.
    case('softmax: last axis', 'softmax', lambda r: [tensor_input('x', r.uniform([2, 4], -2.0, 2.0))], {'axis': -1})
    case('softmax: axis 0', 'softmax', lambda r: [tensor_input('x', r.uniform([3, 2], -2.0, 2.0))], {'axis': 0})
    case('softmax: middle axis of rank 3', 'softmax', lambda r: [tensor_input('x', r.uniform([2, 3, 2], -2.0, 2.0))], {'axis': 1})
    case('logSoftmax: last axis', 'logSoftmax', lambda r: [tensor_input('x', r.uniform([2, 4], -2.0, 2.0))], {'axis': -1})
    case('logSoftmax: axis 0', 'logSoftmax', lambda r: [tensor_input('x', r.uniform([3, 2], -2.0, 2.0))], {'axis': 0})

    # Matmul: the four transpose combinations, batched, broadcast batch dims.
    for ta, tb in [(False, False), (True, False), (False, True), (True, True)]:
        shape_a = [3, 2] if ta else [2, 3]
        shape_b = [4, 3] if tb else [3, 4]
        case(f'matmul: transposeA={str(ta).lower()} transposeB={str(tb).lower()}', 'matmul',
             lambda r, sa=shape_a, sb=shape_b: [tensor_input('a', r.uniform(sa)), tensor_input('b', r.uniform(sb))],
             {'transposeA': ta, 'transposeB': tb})
    case('matmul: batched', 'matmul', lambda r: [tensor_input('a', r.uniform([2, 2, 3])), tensor_input('b', r.uniform([2, 3, 4]))],
         {'transposeA': False, 'transposeB': False})
    case('matmul: batched, both transposed', 'matmul', lambda r: [tensor_input('a', r.uniform([2, 3, 2])), tensor_input('b', r.uniform([2, 4, 3]))],
         {'transposeA': True, 'transposeB': True})
    case('matmul: rank-2 b broadcast over a batch', 'matmul', lambda r: [tensor_input('a', r.uniform([2, 2, 3])), tensor_input('b', r.uniform([3, 2]))],
         {'transposeA': False, 'transposeB': False})
    case('matmul: rank-2 a broadcast over b batch, transposeB', 'matmul', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([2, 4, 3]))],
         {'transposeA': False, 'transposeB': True})
    case('matmul: batch dims broadcast both ways', 'matmul', lambda r: [tensor_input('a', r.uniform([2, 1, 2, 3])), tensor_input('b', r.uniform([3, 3, 2]))],
         {'transposeA': False, 'transposeB': False})

    # Reductions over each axis of a rank-3 input, with and without keepDims, all axes, negative axes.
    # reduceMax/reduceMin inputs have distinct values (no ties, where torch's amax and TF agree anyway,
    # but a tie would make the reference depend on the convention).
    for op in ['reduceSum', 'reduceMean', 'reduceMax', 'reduceMin']:
        make = (lambda r: [tensor_input('x', r.distinct([2, 3, 4]))]) if op in ('reduceMax', 'reduceMin') \
            else (lambda r: [tensor_input('x', r.uniform([2, 3, 4]))])
        for axis in [0, 1, 2]:
            for keep in [False, True]:
                case(f'{op}: axis {axis}{" keepDims" if keep else ""}', op, make, {'axis': axis, 'keepDims': keep})
        case(f'{op}: all axes', op, make, {'axis': None, 'keepDims': False})
        case(f'{op}: all axes keepDims', op, make, {'axis': None, 'keepDims': True})
        case(f'{op}: axis -1', op, make, {'axis': -1, 'keepDims': False})
        case(f'{op}: axes [0, -1] keepDims', op, make, {'axis': [0, -1], 'keepDims': True})
    case('reduceSum: axis -3 keepDims', 'reduceSum', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))], {'axis': -3, 'keepDims': True})
    case('reduceMean: axes [1, 2]', 'reduceMean', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))], {'axis': [1, 2], 'keepDims': False})

    # Shape ops.
    case('reshape', 'reshape', lambda r: [tensor_input('x', r.uniform([2, 3]))], {'shape': [3, 2]})
    case('reshape: inferred dim to rank 3', 'reshape', lambda r: [tensor_input('x', r.uniform([2, 6]))], {'shape': [3, -1, 2]})
    case('transpose: default perm', 'transpose', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))], {'perm': None})
    case('transpose: perm [2, 0, 1]', 'transpose', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))], {'perm': [2, 0, 1]})
    case('expandDims: axis 1', 'expandDims', lambda r: [tensor_input('x', r.uniform([2, 3]))], {'axis': 1})
    case('expandDims: axis -1', 'expandDims', lambda r: [tensor_input('x', r.uniform([2, 3]))], {'axis': -1})
    case('squeeze: all', 'squeeze', lambda r: [tensor_input('x', r.uniform([1, 3, 1]))], {'axis': None})
    case('squeeze: axis -1', 'squeeze', lambda r: [tensor_input('x', r.uniform([1, 3, 1]))], {'axis': -1})
    case('concat: axis 0', 'concat', lambda r: [tensor_input('a', r.uniform([1, 3])), tensor_input('b', r.uniform([2, 3]))],
         {'tensors': ['a', 'b'], 'axis': 0})
    case('concat: axis 1, a used twice', 'concat', lambda r: [tensor_input('a', r.uniform([2, 2])), tensor_input('b', r.uniform([2, 3]))],
         {'tensors': ['a', 'b', 'a'], 'axis': 1})
    case('concat: axis -1 of rank 3', 'concat', lambda r: [tensor_input('a', r.uniform([2, 2, 1])), tensor_input('b', r.uniform([2, 2, 3]))],
         {'tensors': ['b', 'a'], 'axis': -1})
    case('slice', 'slice', lambda r: [tensor_input('x', r.uniform([3, 4]))], {'begin': [1, 1], 'size': [2, 2]})
    case('slice: size -1 on rank 3', 'slice', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))], {'begin': [0, 1, 2], 'size': [1, -1, -1]})
    case('gather: repeated indices', 'gather', lambda r: [tensor_input('x', r.uniform([3, 2]))],
         {'indices': [2, 0, 2, 2], 'indicesShape': [4], 'axis': 0})
    case('gather: axis 1', 'gather', lambda r: [tensor_input('x', r.uniform([2, 3, 2]))],
         {'indices': [1, 1, 0], 'indicesShape': [3], 'axis': 1})
    case('gather: 2-d indices, axis -1', 'gather', lambda r: [tensor_input('x', r.uniform([2, 4]))],
         {'indices': [3, 0, 3, 1, 2, 3], 'indicesShape': [2, 3], 'axis': -1})
    case('unsortedSegmentSum: a segment twice, one empty', 'unsortedSegmentSum', lambda r: [tensor_input('data', r.uniform([3, 2]))],
         {'segmentIds': [2, 0, 2], 'numSegments': 4})
    case('unsortedSegmentSum: rank 3 data', 'unsortedSegmentSum', lambda r: [tensor_input('data', r.uniform([4, 2, 3]))],
         {'segmentIds': [1, 1, 0, 1], 'numSegments': 2})
    case('broadcastTo: new leading dim', 'broadcastTo', lambda r: [tensor_input('x', r.uniform([2, 1]))], {'shape': [3, 2, 4]})
    case('broadcastTo: rank 1 to rank 2', 'broadcastTo', lambda r: [tensor_input('x', r.uniform([3]))], {'shape': [2, 3]})

    # Other ops.
    case('where', 'where', lambda r: [tensor_input('condition', r.rng.uniform(size=[2, 3]) < 0.5, 'bool'),
                                      tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([2, 3]))])
    case('where: condition and b broadcast', 'where', lambda r: [tensor_input('condition', r.rng.uniform(size=[3]) < 0.5, 'bool'),
                                                                 tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([2, 1]))])
    case('clipByValue', 'clipByValue', lambda r: [tensor_input('x', r.away_from_bounds([2, 4], -0.5, 0.5))],
         {'clipValueMin': -0.5, 'clipValueMax': 0.5})

    case('cast to the same dtype, times x', 'castSameDtypeTimesX', lambda r: [tensor_input('x', r.uniform([2, 3]))])

    # Losses and a network.
    case('softmax cross-entropy', 'softmaxCrossEntropy', lambda r: [tensor_input('logits', r.uniform([4, 3], -2.0, 2.0))],
         {'labels': [2, 0, 1, 2], 'depth': 3})

    def mlp_inputs(r):
        # Resample until no hidden pre-activation is near relu's kink at 0.
        while True:
            x, w1, b1 = r.uniform([4, 3]), r.uniform([3, 5]), r.uniform([5], -0.1, 0.1)
            if np.min(np.abs(x @ w1 + b1)) >= 0.05:
                break
        return [tensor_input('x', x), tensor_input('w1', w1), tensor_input('b1', b1),
                tensor_input('w2', r.uniform([5, 3])), tensor_input('b2', r.uniform([3], -0.1, 0.1))]

    case('two-layer MLP with softmax cross-entropy', 'mlp', mlp_inputs, {'labels': [0, 2, 1, 1], 'depth': 3})

    # Second derivatives.
    case('second order: tanh', 'tanh', lambda r: [tensor_input('x', r.uniform([5], -2.0, 2.0))], order=2)
    case('second order: sigmoid', 'sigmoid', lambda r: [tensor_input('x', r.uniform([5], -3.0, 3.0))], order=2)
    case('second order: softplus', 'softplus', lambda r: [tensor_input('x', r.uniform([5], -3.0, 3.0))], order=2)
    case('second order: exp', 'exp', lambda r: [tensor_input('x', r.uniform([5]))], order=2)
    case('second order: log', 'log', lambda r: [tensor_input('x', r.uniform([5], 0.5, 2.0))], order=2)
    case('second order: sqrt', 'sqrt', lambda r: [tensor_input('x', r.uniform([5], 0.5, 2.0))], order=2)
    case('second order: pow constant exponent 3', 'powScalar', lambda r: [tensor_input('x', r.uniform([5]))], {'exponent': 3}, order=2)
    case('second order: pow constant exponent 2.5', 'powScalar', lambda r: [tensor_input('x', r.uniform([5], 0.5, 2.0))], {'exponent': 2.5}, order=2)
    case('second order: softmax', 'softmax', lambda r: [tensor_input('x', r.uniform([2, 3], -2.0, 2.0))], {'axis': -1}, order=2)
    case('second order: logSoftmax', 'logSoftmax', lambda r: [tensor_input('x', r.uniform([2, 3], -2.0, 2.0))], {'axis': -1}, order=2)
    case('second order: matmul(x, x)', 'matmulSquare', lambda r: [tensor_input('x', r.uniform([3, 3]))], order=2)
    case('second order: matmul chain tanh(x w1) w2', 'matmulChain',
         lambda r: [tensor_input('x', r.uniform([2, 3])), tensor_input('w1', r.uniform([3, 4])), tensor_input('w2', r.uniform([4, 2]))],
         order=2)

    # Reductions and scans (issue 12).
    def with_zero(shape, at, lo=-1.5, hi=1.5):
        def make(r):
            x = r.uniform(shape, lo, hi)
            x[at] = 0.0
            return [tensor_input('x', x)]
        return make

    case('reduceProd: axes [0, 2]', 'reduceProd', lambda r: [tensor_input('x', r.away_from_zero([2, 3, 2], 0.5, 1.5))], {'axis': [0, 2], 'keepDims': False})
    case('reduceProd: axis 1 with a zero (and a row without)', 'reduceProd', with_zero([2, 4], (0, 2)), {'axis': 1, 'keepDims': True})
    case('reduceProd: all axes with a zero', 'reduceProd', with_zero([3, 2], (1, 1)), {'axis': None, 'keepDims': False})
    case('reduceLogSumExp: axis -1', 'reduceLogSumExp', lambda r: [tensor_input('x', r.uniform([3, 4], -3.0, 3.0))], {'axis': -1, 'keepDims': False})
    case('reduceLogSumExp: axes [0, 1] keepDims', 'reduceLogSumExp', lambda r: [tensor_input('x', r.uniform([2, 3, 2], -3.0, 3.0))], {'axis': [0, 1], 'keepDims': True})
    for exclusive in (False, True):
        for reverse in (False, True):
            flags = {'exclusive': exclusive, 'reverse': reverse}
            suffix = f'exclusive={exclusive} reverse={reverse}'
            case(f'cumsum: axis 1 {suffix}', 'cumsum', lambda r: [tensor_input('x', r.uniform([2, 4, 3]))], {'axis': 1, **flags})
            case(f'cumprod: axis -1 {suffix}', 'cumprod', lambda r: [tensor_input('x', r.away_from_zero([3, 4], 0.5, 1.5))], {'axis': -1, **flags})
    case('topK values: k 2 of rows of 5', 'topKValues', lambda r: [tensor_input('x', r.distinct([3, 5]))], {'k': 2})
    case('topK values: k 3 of a rank-3 input', 'topKValues', lambda r: [tensor_input('x', r.distinct([2, 2, 4]))], {'k': 3})
    case('second order: reduceProd axis 1', 'reduceProd', lambda r: [tensor_input('x', r.away_from_zero([2, 3], 0.5, 1.5))], {'axis': 1, 'keepDims': False}, order=2)
    case('second order: reduceLogSumExp', 'reduceLogSumExp', lambda r: [tensor_input('x', r.uniform([2, 3], -2.0, 2.0))], {'axis': -1, 'keepDims': False}, order=2)
    case('second order: cumprod exclusive reverse', 'cumprod', lambda r: [tensor_input('x', r.away_from_zero([4], 0.5, 1.5))], {'axis': 0, 'exclusive': True, 'reverse': True}, order=2)

    # Linear algebra (issue 12).
    def operands(**shapes):
        return lambda r: [tensor_input(name, r.uniform(shape)) for name, shape in shapes.items()]

    case('tensordot: axes 2', 'tensordot', operands(a=[2, 3, 4], b=[3, 4, 2]), {'axes': 2})
    case('tensordot: axis pairs', 'tensordot', operands(a=[2, 3, 4], b=[4, 2, 3]), {'axes': [[2, 1], [0, 2]]})
    case('dot: matrix and vector', 'dot', operands(a=[2, 3], b=[3]))
    case('dot: vector and vector', 'dot', operands(a=[4], b=[4]))
    case('outerProduct', 'outerProduct', operands(a=[3], b=[2]))
    case('norm: euclidean over all', 'norm', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))], {'ord': 'euclidean', 'axis': None, 'keepDims': False})
    case('norm: ord 1 along axis 1 keepDims', 'norm', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))], {'ord': 1, 'axis': 1, 'keepDims': True})
    case('norm: ord 3 along axis 0', 'norm', lambda r: [tensor_input('x', r.away_from_zero([3, 2]))], {'ord': 3, 'axis': 0, 'keepDims': False})
    case('norm: ord Infinity along axis -1', 'norm', lambda r: [tensor_input('x', r.distinct([2, 4]))], {'ord': 'Infinity', 'axis': -1, 'keepDims': False})
    case('norm: fro over a pair of axes', 'norm', lambda r: [tensor_input('x', r.uniform([2, 3, 2]))], {'ord': 'fro', 'axis': [1, 2], 'keepDims': False})
    case('norm: matrix ord 1', 'norm', lambda r: [tensor_input('x', r.distinct([3, 3], 0.1, 1.0))], {'ord': 1, 'axis': [0, 1], 'keepDims': False})
    case('norm: matrix ord -Infinity', 'norm', lambda r: [tensor_input('x', r.distinct([3, 3], 0.1, 1.0))], {'ord': '-Infinity', 'axis': [0, 1], 'keepDims': True})
    case('einsum: matmul', 'einsum', operands(a=[2, 3], b=[3, 4]), {'equation': 'ij,jk->ik', 'tensors': ['a', 'b']})
    case('einsum: implicit batched', 'einsum', operands(a=[2, 2, 3], b=[2, 3, 2]), {'equation': 'bij,bjk', 'tensors': ['a', 'b']})
    case('einsum: three operands to a scalar', 'einsum', operands(a=[2, 3], b=[3, 4], c=[4, 2]), {'equation': 'ij,jk,ki->', 'tensors': ['a', 'b', 'c']})
    case('einsum: diagonal and trace', 'einsum', operands(a=[3, 3], b=[3]), {'equation': 'ii,i->i', 'tensors': ['a', 'b']})
    case('einsum: broadcast ellipsis', 'einsum', operands(a=[2, 1, 2, 3], b=[3, 3, 2]), {'equation': '...ij,...jk->...ik', 'tensors': ['a', 'b']})
    case('einsum: transpose and sum', 'einsum', operands(a=[2, 3, 4]), {'equation': 'ijk->ki', 'tensors': ['a']})
    case('second order: norm euclidean along axis 1', 'norm', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))], {'ord': 'euclidean', 'axis': 1, 'keepDims': False}, order=2)
    case('second order: einsum x x', 'einsum', operands(a=[3, 3]), {'equation': 'ij,jk->ik', 'tensors': ['a', 'a']}, order=2)
    # Pooling (group w-poolnn): distinct inputs, so no window's max is tied.
    sq = {'ksize': [3, 3], 'strides': [2, 2], 'padding': 'SAME'}
    case('maxPool2d: SAME 3x3 stride 2 (odd sizes)', 'maxPool2d', lambda r: [tensor_input('x', r.distinct([2, 5, 4, 2]))], sq)
    case('maxPool2d: VALID [2, 3] strides [1, 2]', 'maxPool2d', lambda r: [tensor_input('x', r.distinct([1, 4, 7, 2]))],
         {'ksize': [2, 3], 'strides': [1, 2], 'padding': 'VALID'})
    case('maxPool2d: SAME [2, 2] stride 3 (windows apart)', 'maxPool2d', lambda r: [tensor_input('x', r.distinct([1, 5, 5, 1]))],
         {'ksize': [2, 2], 'strides': [3, 3], 'padding': 'SAME'})
    case('avgPool2d: SAME 3x3 stride 2 (padding not counted)', 'avgPool2d', lambda r: [tensor_input('x', r.uniform([2, 5, 4, 2]))], sq)
    case('avgPool2d: SAME [2, 3] strides [1, 2] (extra padding bottom/right)', 'avgPool2d',
         lambda r: [tensor_input('x', r.uniform([1, 4, 5, 3]))], {'ksize': [2, 3], 'strides': [1, 2], 'padding': 'SAME'})
    case('avgPool2d: VALID 2x2 stride 2', 'avgPool2d', lambda r: [tensor_input('x', r.uniform([1, 4, 6, 2]))],
         {'ksize': [2, 2], 'strides': [2, 2], 'padding': 'VALID'})
    case('second order: maxPool2d (zero second gradient)', 'maxPool2d', lambda r: [tensor_input('x', r.distinct([1, 5, 5, 2]))], sq, order=2)
    case('maxPoolGrad times x', 'maxPoolGradTimesX',
         lambda r: [tensor_input('x', r.distinct([1, 5, 5, 2])), tensor_input('w', r.uniform([1, 3, 3, 2]))], sq)
    case('second order: maxPoolGrad times x', 'maxPoolGradTimesX',
         lambda r: [tensor_input('x', r.distinct([1, 5, 5, 2])), tensor_input('w', r.uniform([1, 3, 3, 2]))], sq, order=2)
    case('maxPoolGradGrad plus maxPool2d', 'maxPoolGradGradPlusPool',
         lambda r: [tensor_input('x', r.distinct([1, 5, 5, 2])), tensor_input('v', r.uniform([1, 5, 5, 2]))], sq)
    case('second order: avgPoolGrad times x', 'avgPoolGradTimesX',
         lambda r: [tensor_input('x', r.uniform([1, 5, 5, 2])), tensor_input('w', r.uniform([1, 3, 3, 2]))], sq, order=2)

    # tf.nn composites (group w-poolnn).
    case('batchNormalization', 'batchNormalization',
         lambda r: [tensor_input('x', r.uniform([2, 3, 4])), tensor_input('mean', r.uniform([4])),
                    tensor_input('variance', r.uniform([4], 0.5, 2.0)), tensor_input('offset', r.uniform([4])),
                    tensor_input('scale', r.uniform([4], 0.5, 2.0))], {'varianceEpsilon': 1e-3})
    case('moments: mean over axes [0, 1]', 'momentsMean', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))],
         {'axis': [0, 1], 'keepDims': False})
    case('moments: variance over axes [0, 1]', 'momentsVariance', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))],
         {'axis': [0, 1], 'keepDims': False})
    case('moments: variance over axis -1 keepDims', 'momentsVariance', lambda r: [tensor_input('x', r.uniform([3, 5]))],
         {'axis': -1, 'keepDims': True})
    case('second order: moments variance', 'momentsVariance', lambda r: [tensor_input('x', r.uniform([2, 4]))],
         {'axis': [1], 'keepDims': False}, order=2)
    case('l2Normalize: axis -1', 'l2Normalize', lambda r: [tensor_input('x', r.uniform([3, 4]))], {'axis': -1})
    case('l2Normalize: every axis', 'l2Normalize', lambda r: [tensor_input('x', r.uniform([2, 3]))], {'axis': None})
    case('second order: l2Normalize', 'l2Normalize', lambda r: [tensor_input('x', r.uniform([2, 3]))], {'axis': 0}, order=2)

    def soft_labels(r, shape):
        raw = r.uniform(shape, 0.0, 1.0)
        return r.f32(raw / raw.sum(axis=-1, keepdims=True))

    case('softmaxCrossEntropyWithLogits: both arguments', 'softmaxCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', soft_labels(r, [3, 4])), tensor_input('logits', r.uniform([3, 4], -2.0, 2.0))], {'axis': -1})
    case('softmaxCrossEntropyWithLogits: axis 0', 'softmaxCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', r.uniform([3, 2], 0.0, 1.0)), tensor_input('logits', r.uniform([3, 2], -2.0, 2.0))], {'axis': 0})
    case('second order: softmaxCrossEntropyWithLogits', 'softmaxCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', soft_labels(r, [2, 3])), tensor_input('logits', r.uniform([2, 3], -2.0, 2.0))], {'axis': -1}, order=2)
    case('sparseSoftmaxCrossEntropyWithLogits', 'sparseSoftmaxCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', np.array([2, 0, 1, 2], dtype=np.int32), 'int32'), tensor_input('logits', r.uniform([4, 3], -2.0, 2.0))])
    case('sparseSoftmaxCrossEntropyWithLogits: rank-2 labels', 'sparseSoftmaxCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', np.array([[1, 0, 3], [3, 2, 2]], dtype=np.int32), 'int32'), tensor_input('logits', r.uniform([2, 3, 4], -2.0, 2.0))])
    case('sigmoidCrossEntropyWithLogits: both arguments', 'sigmoidCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', r.uniform([2, 4], 0.0, 1.0)), tensor_input('logits', r.away_from_zero([2, 4], 0.2, 4.0))])
    case('second order: sigmoidCrossEntropyWithLogits', 'sigmoidCrossEntropyWithLogits',
         lambda r: [tensor_input('labels', r.uniform([5], 0.0, 1.0)), tensor_input('logits', r.away_from_zero([5], 0.2, 4.0))], order=2)

    # Shape ops of issue 12.
    case('stack: axis 1, a used twice', 'stack', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([2, 3]))],
         {'tensors': ['a', 'b', 'a'], 'axis': 1})
    case('unstack: axis -1, third slice', 'unstack', lambda r: [tensor_input('x', r.uniform([2, 4]))], {'axis': -1, 'index': 2})
    case('split: sizes with -1, second part', 'split', lambda r: [tensor_input('x', r.uniform([3, 5]))],
         {'sizes': [1, -1, 2], 'axis': 1, 'index': 1})
    case('split: into 3, axis 0, last part', 'split', lambda r: [tensor_input('x', r.uniform([6, 2]))], {'sizes': 3, 'axis': 0, 'index': 2})
    case('tile: rank 2', 'tile', lambda r: [tensor_input('x', r.uniform([2, 3]))], {'multiples': [3, 2]})
    case('pad: constant', 'padConstant', lambda r: [tensor_input('x', r.uniform([2, 3]))],
         {'paddings': [[1, 2], [2, 0]], 'constantValue': 0.5})
    case('pad: reflect at the limit', 'padMirror', lambda r: [tensor_input('x', r.uniform([3, 4]))],
         {'paddings': [[2, 2], [1, 3]], 'mode': 'reflect'})
    case('pad: symmetric at the limit', 'padMirror', lambda r: [tensor_input('x', r.uniform([3, 2, 2]))],
         {'paddings': [[3, 1], [0, 2], [1, 1]], 'mode': 'symmetric'})
    case('reverse: axes [0, 2]', 'reverse', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))], {'axis': [0, 2]})
    case('gatherNd: repeated rows, partial index', 'gatherNd', lambda r: [tensor_input('x', r.uniform([3, 2, 4]))],
         {'indices': [2, 1, 0, 0, 2, 1], 'indicesShape': [3, 2]})
    case('scatterNd: repeated rows add up', 'scatterNd', lambda r: [tensor_input('updates', r.uniform([2, 2, 3]))],
         {'indices': [1, 3, 1, 0], 'indicesShape': [2, 2, 1], 'shape': [4, 3]})
    case('gather: batchDims 1, axis 2', 'gatherBatched', lambda r: [tensor_input('x', r.uniform([2, 3, 4]))],
         {'indices': [3, 0, 3, 1, 2, 2], 'indicesShape': [2, 3], 'axis': 2, 'batchDims': 1})
    case('stridedSlice: negative strides, masks, shrink', 'stridedSlice', lambda r: [tensor_input('x', r.uniform([4, 6, 3]))],
         {'begin': [0, -1, 2], 'end': [3, 0, 3], 'strides': [2, -2, 1], 'beginMask': 1, 'endMask': 2, 'shrinkAxisMask': 4})
    case('identity times clone', 'identityTimesClone', lambda r: [tensor_input('x', r.uniform([2, 3]))])

    # ---- elementwise math and activations (issue 12) ----
    def x_in(lo, hi, shape=(2, 3)):
        return lambda r: [tensor_input('x', r.uniform(list(shape), lo, hi))]

    case('sin', 'sin', x_in(-3.0, 3.0))
    case('cos', 'cos', x_in(-3.0, 3.0))
    case('tan', 'tan', x_in(-1.2, 1.2))
    case('asin', 'asin', x_in(-0.8, 0.8))
    case('acos', 'acos', x_in(-0.8, 0.8))
    case('atan', 'atan', x_in(-3.0, 3.0))
    case('sinh', 'sinh', x_in(-2.0, 2.0))
    case('cosh', 'cosh', x_in(-2.0, 2.0))
    case('asinh', 'asinh', x_in(-3.0, 3.0))
    case('acosh', 'acosh', x_in(1.2, 3.0))
    case('atanh', 'atanh', x_in(-0.8, 0.8))
    case('reciprocal', 'reciprocal', lambda r: [tensor_input('x', r.away_from_zero([2, 3], 0.5, 2.0))])
    case('rsqrt', 'rsqrt', x_in(0.5, 2.0))
    case('log1p', 'log1p', x_in(-0.5, 2.0))
    case('expm1', 'expm1', x_in(-2.0, 2.0))
    case('erf', 'erf', x_in(-2.0, 2.0))
    case('softsign', 'softsign', lambda r: [tensor_input('x', r.away_from_zero([2, 3], 0.2, 3.0))])
    case('elu', 'elu', lambda r: [tensor_input('x', r.away_from_zero([2, 3], 0.2, 3.0))])
    case('selu', 'selu', lambda r: [tensor_input('x', r.away_from_zero([2, 3], 0.2, 3.0))])
    case('relu6', 'relu6', lambda r: [tensor_input('x', r.f32(np.array([[-2.5, -0.7, 0.4], [2.9, 5.6, 7.3]])))])
    case('silu', 'silu', x_in(-3.0, 3.0))
    case('gelu', 'gelu', x_in(-3.0, 3.0), {'approximate': False})
    case('gelu approximate', 'gelu', x_in(-3.0, 3.0), {'approximate': True})
    case('leakyRelu', 'leakyRelu', lambda r: [tensor_input('x', r.away_from_zero([2, 3]))])
    case('prelu: alpha broadcast', 'prelu',
         lambda r: [tensor_input('x', r.away_from_zero([2, 3])), tensor_input('alpha', r.uniform([3], 0.1, 0.5))])
    case('atan2: b broadcast', 'atan2',
         lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.away_from_zero([3]))])
    case('floorMod: b broadcast', 'floorMod',
         lambda r: [tensor_input('a', r.uniform([2, 3], -3.0, 3.0)), tensor_input('b', r.f32(np.array([0.7, -1.1, 1.3])))])
    case('squaredDifference: b broadcast', 'squaredDifference',
         lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([3]))])
    case('divNoNan', 'divNoNan', lambda r: [tensor_input('a', r.uniform([2, 3])), tensor_input('b', r.uniform([3], 0.5, 2.0))])
    case('second order: sin', 'sin', x_in(-3.0, 3.0, (5,)), order=2)
    case('second order: tan', 'tan', x_in(-1.0, 1.0, (5,)), order=2)
    case('second order: asinh', 'asinh', x_in(-2.0, 2.0, (5,)), order=2)
    case('second order: log1p', 'log1p', x_in(-0.5, 2.0, (5,)), order=2)
    case('second order: erf', 'erf', x_in(-2.0, 2.0, (5,)), order=2)
    case('second order: gelu', 'gelu', x_in(-2.0, 2.0, (5,)), {'approximate': False}, order=2)
    case('second order: selu', 'selu', lambda r: [tensor_input('x', r.away_from_zero([5], 0.2, 2.0))], order=2)
    case('second order: atan2', 'atan2',
         lambda r: [tensor_input('a', r.uniform([4])), tensor_input('b', r.away_from_zero([4]))], order=2)
    # Convolutions (issue 12): NHWC / HWIO as TensorFlow; the torch twins convert (see _conv2d).
    def conv(name, expr, x_shape, f_shape, attrs, order=1):
        case(name, expr, lambda r: [tensor_input('x', r.uniform(x_shape)), tensor_input('filter', r.uniform(f_shape))],
             attrs, order=order)

    same2 = {'strides': [2, 2], 'dilations': [1, 1], 'padding': 'SAME'}
    conv('conv2d: SAME strides 2 (odd padding), batch 2', 'conv2d', [2, 5, 6, 3], [3, 3, 3, 4], same2)
    conv('conv2d: VALID dilations 2', 'conv2d', [1, 7, 6, 2], [2, 3, 2, 3], {'strides': [1, 1], 'dilations': [2, 2], 'padding': 'VALID'})
    conv('conv2d: SAME strides [1, 2], filter 4x2', 'conv2d', [2, 6, 5, 2], [4, 2, 2, 3], {'strides': [1, 2], 'dilations': [1, 1], 'padding': 'SAME'})
    conv('conv1d: SAME stride 2', 'conv1d', [2, 7, 3], [3, 3, 2], {'stride': 2, 'dilation': 1, 'padding': 'SAME'})
    conv('depthwiseConv2d: SAME strides 2, multiplier 2', 'depthwiseConv2d', [2, 5, 5, 3], [3, 3, 3, 2], same2)
    conv('depthwiseConv2d: VALID dilations 2', 'depthwiseConv2d', [1, 7, 7, 2], [2, 2, 2, 1], {'strides': [1, 1], 'dilations': [2, 2], 'padding': 'VALID'})
    conv('conv2dTranspose: SAME strides 2 to [2, 6, 5, 2]', 'conv2dTranspose', [2, 3, 3, 4], [3, 3, 2, 4], {**same2, 'outputShape': [2, 6, 5, 2]})
    conv('conv2dTranspose: VALID strides 2 to [1, 7, 7, 3]', 'conv2dTranspose', [1, 3, 3, 2], [3, 3, 3, 2], {'strides': [2, 2], 'dilations': [1, 1], 'padding': 'VALID', 'outputShape': [1, 7, 7, 3]})
    conv('second order: conv2d SAME strides 2', 'conv2d', [1, 5, 4, 2], [3, 3, 2, 3], same2, order=2)
    conv('second order: depthwiseConv2d SAME', 'depthwiseConv2d', [1, 4, 5, 2], [3, 2, 2, 2], {'strides': [1, 1], 'dilations': [1, 1], 'padding': 'SAME'}, order=2)
    conv('second order: conv2dTranspose SAME strides 2', 'conv2dTranspose', [1, 2, 3, 3], [3, 3, 2, 3], {**same2, 'outputShape': [1, 4, 5, 2]}, order=2)

    def backprop(name, expr, first, second, attrs, order=1):
        case(name, expr, lambda r: [tensor_input(first[0], r.uniform(first[1])), tensor_input(second[0], r.uniform(second[1]))],
             attrs, order=order)

    backprop('Conv2DBackpropFilter: SAME strides 2', 'conv2dBackpropFilter', ('x', [2, 5, 6, 3]), ('dy', [2, 3, 3, 4]),
             {**same2, 'filterShape': [3, 3, 3, 4]})
    backprop('DepthwiseConv2dNativeBackpropInput: SAME strides 2', 'depthwiseBackpropInput', ('dy', [2, 3, 3, 6]),
             ('filter', [3, 3, 3, 2]), {**same2, 'inputShape': [2, 5, 6, 3]})
    backprop('DepthwiseConv2dNativeBackpropFilter: SAME strides 2', 'depthwiseBackpropFilter', ('x', [2, 5, 6, 3]),
             ('dy', [2, 3, 3, 6]), {**same2, 'filterShape': [3, 3, 3, 2]})
    backprop('second order: Conv2DBackpropFilter VALID', 'conv2dBackpropFilter', ('x', [1, 5, 5, 2]), ('dy', [1, 3, 3, 2]),
             {'strides': [1, 1], 'dilations': [1, 1], 'padding': 'VALID', 'filterShape': [3, 3, 2, 2]}, order=2)
    return cases


# ---- evaluation ----------------------------------------------------------------------------------

KINKS_AT_ZERO = {'abs', 'sign', 'signTimesX', 'relu', 'softsign', 'elu', 'selu', 'leakyRelu', 'prelu'}


def check_kinks(c, tensors):
    """Fails loudly if an input sits where TensorFlow's and PyTorch's conventions could differ."""
    if c['expr'] in KINKS_AT_ZERO or (c['expr'] == 'norm' and c['attrs']['ord'] != 'fro'):
        assert torch.min(torch.abs(tensors['x'])) >= 0.1, c['name']
    if c['expr'] in ('maximum', 'minimum'):
        assert torch.min(torch.abs(tensors['a'] - tensors['b'])) >= 0.05, c['name']
    if c['expr'] in ('reduceMax', 'reduceMin', 'topKValues') or (c['expr'] == 'norm' and c['attrs']['ord'] in ('Infinity', '-Infinity')):
        assert torch.unique(tensors['x']).numel() == tensors['x'].numel(), c['name']
    if c['expr'] in ('maxPool2d', 'maxPoolGradTimesX', 'maxPoolGradGradPlusPool'):
        assert torch.unique(tensors['x']).numel() == tensors['x'].numel(), c['name']
    if c['expr'] == 'sigmoidCrossEntropyWithLogits':
        assert torch.min(torch.abs(tensors['logits'])) >= 0.1, c['name']
    if c['expr'] in ('sqrt', 'log') or (c['expr'] == 'powScalar' and c['attrs']['exponent'] != int(c['attrs']['exponent'])):
        assert torch.min(tensors['x']) > 0, c['name']
    if c['expr'] == 'pow':
        assert torch.min(tensors['a']) > 0, c['name']
    if c['expr'] == 'relu6':
        assert torch.min(torch.minimum(torch.abs(tensors['x']), torch.abs(tensors['x'] - 6))) >= 0.1, c['name']
    if c['expr'] == 'floorMod':
        quotient = tensors['a'] / tensors['b']
        assert torch.min(torch.abs(quotient - torch.round(quotient))) >= 0.05, c['name']


def encode(array):
    array = np.asarray(array)
    if array.dtype == np.bool_:
        values = [bool(v) for v in array.reshape(-1)]
    elif np.issubdtype(array.dtype, np.integer):
        values = [int(v) for v in array.reshape(-1)]
    else:
        values = [float(v) for v in array.reshape(-1)]
        assert all(math.isfinite(v) for v in values)
    return {'shape': list(array.shape), 'values': values}


def evaluate(c):
    r = c['rng']
    tensors = {}
    float_names = []
    for item in c['inputs']:
        if item['dtype'] == 'float32':
            tensors[item['name']] = torch.tensor(item['array'], dtype=F64, requires_grad=True)
            float_names.append(item['name'])
        elif item['dtype'] == 'bool':
            tensors[item['name']] = torch.tensor(item['array'], dtype=torch.bool)
        else:
            tensors[item['name']] = torch.tensor(item['array'], dtype=torch.int64)
    check_kinks(c, tensors)
    sources = [tensors[n] for n in float_names]
    out = EXPRESSIONS[c['expr']](tensors, c['attrs'])
    upstream = torch.tensor(r.uniform(list(out.shape)), dtype=F64)
    second = c['order'] == 2
    first = torch.autograd.grad(out, sources, upstream, create_graph=second)
    result = {
        'name': c['name'],
        'expr': c['expr'],
        'order': c['order'],
        'attrs': c['attrs'],
        'inputs': [{'name': i['name'], 'dtype': i['dtype'], **encode(i['array'])} for i in c['inputs']],
        'value': encode(out.detach().numpy()),
        'outputGradients': encode(upstream.numpy()),
        'gradients': {n: encode(g.detach().numpy()) for n, g in zip(float_names, first)},
    }
    if second:
        upstream2 = [torch.tensor(r.uniform(list(s.shape)), dtype=F64) for s in sources]
        second_grads = torch.autograd.grad(first, sources, upstream2, allow_unused=True)
        for n, g in zip(float_names, second_grads):
            assert g is not None, f'{c["name"]}: second gradient of {n} is unconnected'
        result['secondOutputGradients'] = {n: encode(u.numpy()) for n, u in zip(float_names, upstream2)}
        result['secondGradients'] = {n: encode(g.numpy()) for n, g in zip(float_names, second_grads)}
    return result


def debian_package_version():
    try:
        return subprocess.run(['dpkg-query', '-W', '-f=${Version}', 'python3-torch'],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main():
    torch.set_default_dtype(F64)
    cases = [evaluate(c) for c in build_cases()]
    names = [c['name'] for c in cases]
    assert len(names) == len(set(names)), 'case names must be unique'
    header = {
        'generator': GENERATOR,
        'command': f'/usr/bin/python3 {GENERATOR}',
        'torchVersion': torch.__version__,
        'debianPackage': f'python3-torch {debian_package_version()}',
        'numpyVersion': np.__version__,
        'dtype': 'float64',
        'description': 'Reference values and gradients from PyTorch autograd; see the generator docstring for the format.',
    }
    # One case per line: small diffs when a case changes. json writes floats with repr (round-trip exact).
    lines = [json.dumps(header, allow_nan=False)[:-1] + ', "cases": [']
    lines += [json.dumps(c, allow_nan=False, separators=(',', ':')) + ',' for c in cases]
    lines[-1] = lines[-1][:-1]
    lines.append(']}')
    with open(OUT, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'wrote {len(cases)} cases ({sum(c["order"] == 2 for c in cases)} second-order) to {OUT}'
          f' ({os.path.getsize(OUT)} bytes) with torch {torch.__version__}', file=sys.stderr)


if __name__ == '__main__':
    main()
