#!/usr/bin/python3
"""Generates normalization-oracle.json: BatchNormalization and LayerNormalization forward values and
gradients computed by PyTorch autograd in float64, checked by ../normalization.test.ts within float32
tolerance. Run with Debian's interpreter (it has python3-torch):

    /usr/bin/python3 packages/layers/src/__fixtures__/generate_normalization.py

Layouts are converted explicitly: Keras normalises over a features axis anywhere (default the last,
channels-last images), PyTorch's batch_norm wants the channels at dim 1, so the input is moved there
and the output moved back. Both use the biased batch variance to normalise.

A case holds: `layer` ('BatchNormalization' | 'LayerNormalization'), `options` (Tapeflow's options),
`training`, `inputs` (x, gamma, beta and for BatchNormalization the moving mean and variance, each
{ shape, values } flat row-major, values rounded to float32), `upstream` (u, of the output's shape),
`value` (y), `gradients` (d/dx, d/dgamma, d/dbeta of sum(u * y)), and for a training
BatchNormalization the batch `mean` and biased `variance` the moving statistics move towards.
"""

import json
import os
import zlib

import numpy as np
import torch
import torch.nn.functional as F


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def draw(rng, shape, low=-2.0, high=2.0):
    return np.asarray(rng.uniform(low, high, size=shape), dtype=np.float32).astype(np.float64)


def flat(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().numpy().reshape(-1)]}


def batch_norm_case(name, shape, axis, training, epsilon, momentum):
    rng = rng_for(name)
    rank = len(shape)
    axis = axis % rank
    channels = shape[axis]
    x = torch.tensor(draw(rng, shape), requires_grad=True)
    gamma = torch.tensor(draw(rng, [channels], 0.5, 1.5), requires_grad=True)
    beta = torch.tensor(draw(rng, [channels]), requires_grad=True)
    moving_mean = torch.tensor(draw(rng, [channels], -0.5, 0.5))
    moving_variance = torch.tensor(draw(rng, [channels], 0.5, 2.0))
    u = torch.tensor(draw(rng, shape))
    # Keras' features axis -> PyTorch's dim 1, and back.
    order = [0, axis] + [d for d in range(1, rank) if d != axis]
    inverse = list(np.argsort(order))
    moved = x.permute(order)
    if training:
        out = F.batch_norm(moved, None, None, gamma, beta, training=True, eps=epsilon)
    else:
        out = F.batch_norm(moved, moving_mean.clone(), moving_variance.clone(), gamma, beta, training=False, eps=epsilon)
    y = out.permute(inverse)
    dx, dgamma, dbeta = torch.autograd.grad((u * y).sum(), [x, gamma, beta])
    case = {
        "name": name,
        "layer": "BatchNormalization",
        "options": {"axis": axis - rank if axis == rank - 1 else axis, "epsilon": epsilon, "momentum": momentum},
        "training": training,
        "inputs": {
            "x": flat(x),
            "gamma": flat(gamma),
            "beta": flat(beta),
            "movingMean": flat(moving_mean),
            "movingVariance": flat(moving_variance),
        },
        "upstream": flat(u),
        "value": flat(y),
        "gradients": {"x": flat(dx), "gamma": flat(dgamma), "beta": flat(dbeta)},
    }
    if training:
        reduce = [d for d in range(rank) if d != axis]
        case["mean"] = flat(x.detach().mean(dim=reduce))
        case["variance"] = flat(x.detach().var(dim=reduce, unbiased=False))
    return case


def layer_norm_case(name, shape, axes, epsilon):
    rng = rng_for(name)
    rank = len(shape)
    resolved = sorted(a % rank for a in axes)
    # PyTorch's layer_norm normalises the trailing dims: the axes must be the last ones here.
    assert resolved == list(range(rank - len(resolved), rank))
    normalized = [shape[a] for a in resolved]
    x = torch.tensor(draw(rng, shape), requires_grad=True)
    gamma = torch.tensor(draw(rng, normalized, 0.5, 1.5), requires_grad=True)
    beta = torch.tensor(draw(rng, normalized), requires_grad=True)
    u = torch.tensor(draw(rng, shape))
    y = F.layer_norm(x, normalized, gamma, beta, eps=epsilon)
    dx, dgamma, dbeta = torch.autograd.grad((u * y).sum(), [x, gamma, beta])
    return {
        "name": name,
        "layer": "LayerNormalization",
        "options": {"axis": axes[0] if len(axes) == 1 else axes, "epsilon": epsilon},
        "training": True,
        "inputs": {"x": flat(x), "gamma": flat(gamma), "beta": flat(beta)},
        "upstream": flat(u),
        "value": flat(y),
        "gradients": {"x": flat(dx), "gamma": flat(dgamma), "beta": flat(dbeta)},
    }


CASES = [
    batch_norm_case("BatchNormalization training [6,3] axis -1", [6, 3], -1, True, 1e-3, 0.99),
    batch_norm_case("BatchNormalization training [2,3,3,4] channels last", [2, 3, 3, 4], -1, True, 1e-3, 0.9),
    batch_norm_case("BatchNormalization training [3,4,2] axis 1", [3, 4, 2], 1, True, 1e-5, 0.5),
    batch_norm_case("BatchNormalization inference [2,3,3,4] channels last", [2, 3, 3, 4], -1, False, 1e-3, 0.99),
    layer_norm_case("LayerNormalization [3,5] axis -1", [3, 5], [-1], 1e-3),
    layer_norm_case("LayerNormalization [2,3,4] axes [1,2]", [2, 3, 4], [1, 2], 1e-5),
]

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "normalization-oracle.json")
    with open(out, "w") as f:
        json.dump({"generator": "generate_normalization.py", "torch": torch.__version__, "cases": CASES}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(CASES)} cases to {out}")
