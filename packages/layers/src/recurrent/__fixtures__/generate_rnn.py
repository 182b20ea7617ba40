#!/usr/bin/python3
"""Generates rnn-oracle.json: SimpleRNN, LSTM and GRU forward values and gradients computed by PyTorch
autograd in float64, checked by ../oracle.test.ts within float32 tolerance. Run with Debian's
interpreter (it has python3-torch):

    /usr/bin/python3 packages/layers/src/recurrent/__fixtures__/generate_rnn.py

Weights are drawn in Keras' layouts (kernel [inputDim, gates*units], recurrent_kernel [units,
gates*units], bias) and converted to PyTorch's for nn.RNN / nn.LSTM / nn.GRU:
  * weights are transposed (PyTorch: weight_ih [gates*units, inputDim], weight_hh [gates*units, units]);
  * LSTM: PyTorch's gate order i, f, g, o is Keras' i, f, c, o; Keras' one bias goes to bias_ih and
    bias_hh is zero;
  * GRU: PyTorch's order r, z, n against Keras' z, r, h, so the first two blocks swap; PyTorch's GRU is
    reset-after with separate input and recurrent biases, Keras' resetAfter bias [2, 3*units] rows;
  * SimpleRNN: tanh nn.RNN, the bias in bias_ih.
goBackwards feeds the time-reversed input (outputs stay in processing order, as Keras returns them).
Masked cases and GRU reset-before (which PyTorch lacks) run a step loop written here from the cell
formulas; the same loop is checked against the nn modules on every unmasked case before writing.
Keras' masking: a masked step carries the previous state and the previous output, the previous
output starting at zeros (not the initial state).

A case holds: `kind`, `options` (Tapeflow's), `x`, `initialState` (or null), `mask` (or null),
`weights` (kernel, recurrentKernel, bias in Keras' layouts), `outputWeights` (one per output of
`apply` with returnState), each { shape, values } flat row-major rounded to float32, the `outputs`
and the `gradients` of loss = sum_k sum(outputWeights[k] * outputs[k]) w.r.t. x, each weight and
each initial state.
"""

import json
import os
import zlib

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def draw(rng, shape, scale=0.5):
    return torch.tensor(f32(rng.uniform(-scale, scale, size=shape)), requires_grad=True)


def encode(t):
    a = t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    return {'shape': list(a.shape), 'values': [float(v) for v in a.reshape(-1)]}


def gates(kind):
    return {'simpleRNN': 1, 'lstm': 4, 'gru': 3}[kind]


def gru_swap(m, units):
    """Keras z, r, h blocks <-> PyTorch r, z, n blocks along the last axis."""
    return torch.cat([m[..., units:2 * units], m[..., 0:units], m[..., 2 * units:]], dim=-1)


def module_forward(kind, units, x, states, kernel, recurrent, bias):
    """The nn module with the Keras weights converted; returns (sequence, final states)."""
    input_dim = x.shape[2]
    if kind == 'lstm':
        module = torch.nn.LSTM(input_dim, units, batch_first=True)
        weight_ih, weight_hh = kernel.T, recurrent.T
        bias_ih, bias_hh = bias, torch.zeros(4 * units)
    elif kind == 'gru':
        module = torch.nn.GRU(input_dim, units, batch_first=True)
        weight_ih, weight_hh = gru_swap(kernel, units).T, gru_swap(recurrent, units).T
        bias_ih, bias_hh = gru_swap(bias[0], units), gru_swap(bias[1], units)
    else:
        module = torch.nn.RNN(input_dim, units, batch_first=True, nonlinearity='tanh')
        weight_ih, weight_hh = kernel.T, recurrent.T
        bias_ih, bias_hh = bias, torch.zeros(units)
    with torch.no_grad():
        module.weight_ih_l0.copy_(weight_ih)
        module.weight_hh_l0.copy_(weight_hh)
        module.bias_ih_l0.copy_(bias_ih)
        module.bias_hh_l0.copy_(bias_hh)
    hx = tuple(s.detach().unsqueeze(0) for s in states) if kind == 'lstm' else states[0].detach().unsqueeze(0)
    sequence, final = module(x.detach(), hx)
    final = [s[0] for s in final] if kind == 'lstm' else [final[0]]
    return sequence, final


def loop_forward(kind, units, x, states, kernel, recurrent, bias, mask, reset_after):
    """The cell formulas step by step (Keras' semantics, masks included)."""
    batch, time, _ = x.shape
    h = states[0]
    c = states[1] if kind == 'lstm' else None
    output = torch.zeros(batch, units)
    outputs = []
    for t in range(time):
        xt = x[:, t, :]
        if kind == 'simpleRNN':
            h_new = torch.tanh(xt @ kernel + bias + h @ recurrent)
        elif kind == 'lstm':
            z = xt @ kernel + bias + h @ recurrent
            i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c_new = f * c + i * g
            h_new = o * torch.tanh(c_new)
        elif reset_after:
            xp = xt @ kernel + bias[0]
            inner = h @ recurrent + bias[1]
            zg = torch.sigmoid(xp[:, :units] + inner[:, :units])
            rg = torch.sigmoid(xp[:, units:2 * units] + inner[:, units:2 * units])
            hh = torch.tanh(xp[:, 2 * units:] + rg * inner[:, 2 * units:])
            h_new = zg * h + (1 - zg) * hh
        else:
            xp = xt @ kernel + bias
            inner = h @ recurrent[:, :2 * units]
            zg = torch.sigmoid(xp[:, :units] + inner[:, :units])
            rg = torch.sigmoid(xp[:, units:2 * units] + inner[:, units:])
            hh = torch.tanh(xp[:, 2 * units:] + (rg * h) @ recurrent[:, 2 * units:])
            h_new = zg * h + (1 - zg) * hh
        if mask is None:
            m = torch.ones(batch, 1)
        else:
            m = torch.tensor(mask[:, t:t + 1], dtype=torch.float64)
        h = m * h_new + (1 - m) * h
        if kind == 'lstm':
            c = m * c_new + (1 - m) * c
        output = m * h_new + (1 - m) * output
        outputs.append(output)
    final = [h, c] if kind == 'lstm' else [h]
    return torch.stack(outputs, dim=1), output, final


CASES = [
    # name, kind, options, batch, time, inputDim, units, initial state, mask
    ('lstm_sequences', 'lstm', {'returnSequences': True}, 2, 5, 4, 3, False, None),
    ('lstm_last_backwards_state', 'lstm', {'goBackwards': True, 'returnState': True}, 3, 4, 2, 3, True, None),
    ('lstm_masked_state', 'lstm', {'returnSequences': True, 'returnState': True}, 3, 5, 3, 2, True,
     [[0, 1, 1, 0, 1], [1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]),
    ('gru_sequences_state', 'gru', {'returnSequences': True, 'returnState': True}, 2, 5, 3, 4, True, None),
    ('gru_last_backwards', 'gru', {'goBackwards': True}, 2, 6, 3, 2, False, None),
    ('gru_masked_last', 'gru', {'returnState': True}, 3, 4, 2, 3, True, [[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 0]]),
    ('gru_reset_before', 'gru', {'returnSequences': True, 'resetAfter': False}, 2, 4, 3, 3, True, None),
    ('simple_rnn_sequences_state', 'simpleRNN', {'returnSequences': True, 'returnState': True}, 2, 5, 3, 4, True, None),
    ('simple_rnn_masked_backwards', 'simpleRNN', {'goBackwards': True}, 2, 4, 2, 3, False, [[1, 1, 0, 1], [0, 1, 1, 1]]),
]


def make_case(name, kind, options, batch, time, input_dim, units, with_state, mask):
    rng = rng_for(name)
    reset_after = options.get('resetAfter', True)
    x = draw(rng, (batch, time, input_dim), 1.0)
    kernel = draw(rng, (input_dim, gates(kind) * units))
    recurrent = draw(rng, (units, gates(kind) * units))
    if kind == 'gru' and reset_after:
        bias = draw(rng, (2, 3 * units), 0.2)
    else:
        bias = draw(rng, (gates(kind) * units,), 0.2)
    state_count = 2 if kind == 'lstm' else 1
    states = [draw(rng, (batch, units)) if with_state else torch.zeros(batch, units, requires_grad=True)
              for _ in range(state_count)]
    mask_array = None if mask is None else np.array(mask, dtype=np.float64)

    go_backwards = options.get('goBackwards', False)
    xs = torch.flip(x, [1]) if go_backwards else x
    ms = None if mask_array is None else (mask_array[:, ::-1].copy() if go_backwards else mask_array)
    sequence, last, final = loop_forward(kind, units, xs, states, kernel, recurrent, bias, ms, reset_after)
    if ms is None and not (kind == 'gru' and not reset_after):
        module_sequence, module_final = module_forward(kind, units, xs, states, kernel, recurrent, bias)
        assert torch.allclose(module_sequence, sequence.detach(), atol=1e-12), name
        for a, b in zip(module_final, final):
            assert torch.allclose(a.detach(), b.detach(), atol=1e-12), name

    output = sequence if options.get('returnSequences', False) else last
    outputs = [output] + (final if options.get('returnState', False) else [])
    output_weights = [torch.tensor(f32(rng.uniform(-1, 1, size=tuple(o.shape)))) for o in outputs]
    loss = sum((w * o).sum() for w, o in zip(output_weights, outputs))
    sources = [x, kernel, recurrent, bias] + (states if with_state else [])
    grads = torch.autograd.grad(loss, sources)
    return {
        'name': name,
        'kind': kind,
        'units': units,
        'options': options,
        'x': encode(x),
        'initialState': [encode(s) for s in states] if with_state else None,
        'mask': None if mask is None else encode(np.array(mask, dtype=np.float64)),
        'weights': {'kernel': encode(kernel), 'recurrentKernel': encode(recurrent), 'bias': encode(bias)},
        'outputWeights': [encode(w) for w in output_weights],
        'outputs': [encode(o) for o in outputs],
        'gradients': {
            'x': encode(grads[0]),
            'kernel': encode(grads[1]),
            'recurrentKernel': encode(grads[2]),
            'bias': encode(grads[3]),
            'initialState': [encode(g) for g in grads[4:]] if with_state else None,
        },
    }


def main():
    cases = [make_case(*case) for case in CASES]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rnn-oracle.json')
    with open(path, 'w') as f:
        json.dump({'generator': 'generate_rnn.py (PyTorch float64)', 'cases': cases}, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {len(cases)} cases to {path}')


if __name__ == '__main__':
    main()
