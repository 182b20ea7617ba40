#!/usr/bin/python3
"""Generates forward-oracle.json: reference forward-mode derivatives for Tapeflow's ForwardAccumulator
and function transforms, computed by PyTorch in float64 (Debian's `python3-torch`), and checked by
../forward-oracle.test.ts within float32 tolerance.

    /usr/bin/python3 packages/autodiff-tape/src/__fixtures__/generate_forward_oracle.py

CI never runs this; it only reads the committed JSON.

Each case is a composite function of some op family (elementwise, broadcasting, reductions, matmul,
softmax, shape ops, select) with its id `expr` (forward-oracle.test.ts holds the Tapeflow twin of each):
- `inputs`: name, shape, values (drawn with a per-case seed, crc32 of the name, rounded to float32, so
  Tapeflow's float32 inputs are exactly what torch differentiated); `tangents`: one per input, likewise.
- `value`: f(inputs); `jvp`: `torch.autograd.functional.jvp(f, inputs, tangents)`, i.e. J t.
Scalar cases of one input (`scalar: true`) add `v` (a vector of the input's shape),
`hvp`: `torch.autograd.functional.hvp(f, x, v)` (H v), and `hessian`: `torch.autograd.functional.hessian`.
New cases go last; a case's values depend only on its own name.
"""

import json
import os
import zlib

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'forward-oracle.json')
F64 = torch.float64


def f32(array):
    return np.asarray(array, dtype=np.float64).astype(np.float32).astype(np.float64)


def distinct(rng, shape, lo=-1.0, hi=1.0):
    """All values distinct and spaced apart: no ties for reduceMax/reduceMin/maximum."""
    size = int(np.prod(shape, dtype=np.int64))
    slots = rng.permutation(size) + rng.uniform(0.3, 0.7, size=size)
    return f32((lo + (hi - lo) * slots / size).reshape(shape))


# ---- the computations by id (forward-oracle.test.ts holds the Tapeflow twin of each) -----------------

def elementwise(x):
    return (torch.tanh(x) * torch.exp(-torch.square(x)) + torch.sigmoid(x) / (1 + torch.square(x))
            + torch.log(1 + torch.nn.functional.softplus(x)) + torch.sqrt(2 + x) * torch.abs(x))


def broadcasting(a, b, c):
    return (a * b - c) / (1 + torch.exp(b)) + torch.maximum(a, c) - torch.minimum(b, c)


def reductions(x):
    return (torch.sum(torch.square(x), 1) * torch.amax(x, 1) + torch.amin(x, 1)
            + torch.mean(torch.exp(x), 1))


def mlp(x, w1, w2):
    return torch.tanh(x @ w1) @ w2


def softmax(x):
    return torch.softmax(x, -1) * torch.log_softmax(x, -1) + torch.softmax(x, 0)


def shape_ops(x):
    joined = torch.cat([x.transpose(0, 1), x.reshape(3, 2)], 1)  # [3, 4]
    part = joined[:, 1:3]  # slice [0, 1] size [3, 2]
    rows = part.index_select(0, torch.tensor([2, 0, 2]))  # gather
    return torch.broadcast_to(rows.unsqueeze(0), (2, 3, 2)) * torch.relu(x).reshape(1, 3, 2)


def select_pow(a, b):
    return torch.where(a > 0, torch.pow(torch.abs(a) + 0.5, b), a * b)


def mlp_loss(w1):
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], dtype=F64)
    w2 = torch.tensor([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2], [0.25, 0.1]], dtype=F64)
    logits = torch.tanh(x @ w1) @ w2
    return -torch.sum(torch.log_softmax(logits, -1)[:, 0])


def log_sum_exp(x):
    return torch.log(torch.sum(torch.exp(x))) + 0.5 * torch.sum(torch.square(x)) * torch.mean(x)


def quartic(x):
    return torch.sum(torch.pow(x, 4)) + torch.sum(x[0:2] * x[1:3])


def nhwc_conv_same(x, w):
    """TensorFlow's conv2d, NHWC input and HWIO filter, stride 1, SAME padding (odd kernel: symmetric)."""
    pad = (w.shape[0] - 1) // 2
    y = torch.nn.functional.conv2d(x.permute(0, 3, 1, 2), w.permute(3, 2, 0, 1), padding=pad)
    return y.permute(0, 2, 3, 1)


def convolution(x, w):
    y = torch.tanh(nhwc_conv_same(x, w))
    pooled = torch.nn.functional.avg_pool2d(y.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1)
    return pooled


def conv_loss(w):
    x = torch.tensor(np.linspace(-1.0, 1.0, 1 * 4 * 4 * 2).reshape(1, 4, 4, 2), dtype=F64)
    return torch.sum(torch.square(torch.tanh(nhwc_conv_same(x, w))))


CASES = [
    # name, expr, function, {input name: (shape, kind)}, scalar
    ('elementwise chain', 'elementwise', elementwise, {'x': ([2, 3], 'away')}, False),
    ('broadcasting in both directions', 'broadcasting', broadcasting,
     {'a': ([2, 3], 'distinct'), 'b': ([3], 'distinct'), 'c': ([2, 1], 'distinct')}, False),
    ('reductions (sum, max, min, mean)', 'reductions', reductions, {'x': ([3, 4], 'distinct')}, False),
    ('two-layer MLP (matmul, tanh)', 'mlp', mlp, {'x': ([2, 3], 'uniform'), 'w1': ([3, 4], 'uniform'),
                                                   'w2': ([4, 2], 'uniform')}, False),
    ('softmax and logSoftmax', 'softmax', softmax, {'x': ([2, 4], 'uniform')}, False),
    ('shape ops (transpose, reshape, concat, slice, gather, broadcastTo)', 'shapeOps', shape_ops,
     {'x': ([2, 3], 'away')}, False),
    ('where and pow', 'selectPow', select_pow, {'a': ([5], 'away'), 'b': ([5], 'uniform')}, False),
    ('MLP loss: Hessian in the first layer', 'mlpLoss', mlp_loss, {'w1': ([3, 4], 'uniform')}, True),
    ('log-sum-exp plus a cubic term', 'logSumExp', log_sum_exp, {'x': ([4], 'uniform')}, True),
    ('quartic with a coupling term', 'quartic', quartic, {'x': ([3], 'uniform')}, True),
    ('convolution (conv2d SAME, tanh, avgPool2d VALID)', 'convolution', convolution,
     {'x': ([1, 6, 6, 2], 'uniform'), 'w': ([3, 3, 2, 3], 'uniform')}, False),
    ('conv2d loss: Hessian in the filter', 'convLoss', conv_loss, {'w': ([3, 3, 2, 2], 'uniform')}, True),
]


def draw(rng, shape, kind):
    if kind == 'distinct':
        return distinct(rng, shape)
    if kind == 'away':
        signs = np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0)
        return f32(signs * rng.uniform(0.2, 1.0, size=shape))
    return f32(rng.uniform(-1.0, 1.0, size=shape))


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    cases = []
    for name, expr, function, specs, scalar in CASES:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        arrays = {key: draw(rng, shape, kind) for key, (shape, kind) in specs.items()}
        tangents = {key: f32(rng.uniform(-1.0, 1.0, size=shape)) for key, (shape, _) in specs.items()}
        xs = tuple(torch.tensor(arrays[k], dtype=F64) for k in specs)
        ts = tuple(torch.tensor(tangents[k], dtype=F64) for k in specs)
        value, jvp = torch.autograd.functional.jvp(function, xs, ts)
        case = {
            'name': name,
            'expr': expr,
            'inputs': [{'name': k, 'shape': list(shape), 'values': [float(v) for v in arrays[k].reshape(-1)]}
                       for k, (shape, _) in specs.items()],
            'tangents': [[float(v) for v in tangents[k].reshape(-1)] for k in specs],
            'valueShape': list(value.shape),
            'value': flat(value),
            'jvp': flat(jvp),
        }
        if scalar:
            (shape, _), = specs.values()
            v = f32(rng.uniform(-1.0, 1.0, size=shape))
            x = xs[0]
            _, hvp = torch.autograd.functional.hvp(function, x, torch.tensor(v, dtype=F64))
            hessian = torch.autograd.functional.hessian(function, x)
            case.update({'scalar': True, 'v': [float(e) for e in v.reshape(-1)], 'hvp': flat(hvp),
                         'hessian': flat(hessian)})
        cases.append(case)
    with open(OUT, 'w') as out:
        json.dump({'generator': 'packages/autodiff-tape/src/__fixtures__/generate_forward_oracle.py',
                   'torch': torch.__version__, 'cases': cases}, out, indent=1)
        out.write('\n')


if __name__ == '__main__':
    main()
