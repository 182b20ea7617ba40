"""Writes attention-oracle.json: MultiHeadAttention from its formula in PyTorch float64.

Keras' layouts: query/key/value kernels [dim, heads, headDim] and biases [heads, headDim], output
kernel [heads, valueDim, outDim] and bias [outDim]. Projections are einsums over those layouts,
scores softmax(q k^T / sqrt(keyDim)) with masked positions set to -1e9, output projected back.
The gradients are those of sum(output * upstream) with respect to the inputs and every weight.
Run: /usr/bin/python3 generate_attention.py (from this directory).
"""
import json
import math

import torch

torch.manual_seed(14)
DT = torch.float64


def rand(*shape):
    return (torch.rand(*shape, dtype=DT) * 2 - 1).requires_grad_(True)


def flat(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "values": [bool(v) for v in t.flatten().tolist()]}
    return {"shape": list(t.shape), "values": t.flatten().tolist()}


def attention(q_in, v_in, k_in, w, heads, key_dim, mask):
    q = torch.einsum("btd,dhk->bhtk", q_in, w["query/kernel"])
    k = torch.einsum("bsd,dhk->bhsk", k_in, w["key/kernel"])
    v = torch.einsum("bsd,dhk->bhsk", v_in, w["value/kernel"])
    if "query/bias" in w:
        q = q + w["query/bias"][None, :, None, :]
        k = k + w["key/bias"][None, :, None, :]
        v = v + w["value/bias"][None, :, None, :]
    logits = torch.einsum("bhtk,bhsk->bhts", q / math.sqrt(key_dim), k)
    if mask is not None:
        logits = torch.where(mask[:, None, :, :], logits, torch.full_like(logits, -1e9))
    scores = torch.softmax(logits, dim=-1)
    attended = torch.einsum("bhts,bhsv->bthv", scores, v)
    out = torch.einsum("bthv,hvo->bto", attended, w["attention_output/kernel"])
    if "attention_output/bias" in w:
        out = out + w["attention_output/bias"]
    return out, scores


def case(name, b, t, s, dq, dv, dk, heads, key_dim, value_dim, out_dim, use_bias=True, key=True,
         padding=None, attention_mask=None, causal=False):
    query = rand(b, t, dq)
    value = rand(b, s, dv)
    key_t = rand(b, s, dk) if key else value
    w = {}
    for proj, dim, head_dim in (("query", dq, key_dim), ("key", dk if key else dv, key_dim), ("value", dv, value_dim)):
        w[f"{proj}/kernel"] = rand(dim, heads, head_dim)
        if use_bias:
            w[f"{proj}/bias"] = rand(heads, head_dim)
    w["attention_output/kernel"] = rand(heads, value_dim, out_dim)
    if use_bias:
        w["attention_output/bias"] = rand(out_dim)
    # Keras' combination: query mask [B,T,1], value/key masks [B,1,S], causal [1,T,S], explicit [B,T,S].
    mask = None
    parts = []
    if padding is not None:
        qm, vm = padding
        parts += [qm[:, :, None], vm[:, None, :]]
    if causal:
        parts.append(torch.tril(torch.ones(t, s, dtype=torch.bool))[None])
    if attention_mask is not None:
        parts.append(attention_mask)
    for p in parts:
        mask = p if mask is None else mask & p
    if mask is not None:
        mask = mask.expand(b, t, s)
    out, scores = attention(query, value, key_t, w, heads, key_dim, mask)
    upstream = torch.rand(out.shape, dtype=DT) * 2 - 1
    sources = [query, value] + ([key_t] if key else []) + list(w.values())
    grads = torch.autograd.grad((out * upstream).sum(), sources)
    names = ["query", "value"] + (["key"] if key else []) + list(w.keys())
    entry = {
        "name": name,
        "options": {"numHeads": heads, "keyDim": key_dim, "valueDim": value_dim, "useBias": use_bias,
                    "outputShape": out_dim},
        "causal": causal,
        "inputs": {"query": flat(query), "value": flat(value), **({"key": flat(key_t)} if key else {})},
        "weights": {k: flat(v) for k, v in w.items()},
        "upstream": flat(upstream),
        "output": flat(out),
        "scores": flat(scores),
        "gradients": {n: flat(g) for n, g in zip(names, grads)},
    }
    if padding is not None:
        entry["queryMask"] = flat(padding[0])
        entry["valueMask"] = flat(padding[1])
    if attention_mask is not None:
        entry["attentionMask"] = flat(attention_mask)
    return entry


cases = [
    case("self-attention", 2, 4, 4, 6, 6, 6, 2, 3, 3, 6, key=False),
    case("cross-attention, different lengths, a key, an explicit attention mask", 2, 3, 5, 5, 4, 6, 3, 2, 4, 7,
         attention_mask=torch.tensor([[[1, 1, 0, 1, 0]] * 3, [[0, 1, 1, 1, 1]] * 3], dtype=torch.bool)),
    case("padding masks from the query and value (Embedding maskZero)", 2, 4, 4, 4, 4, 4, 2, 3, 2, 4, key=False,
         padding=(torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool),
                  torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool))),
    case("causal self-attention without biases", 2, 5, 5, 4, 4, 4, 2, 2, 3, 4, use_bias=False, key=False, causal=True),
]

with open("attention-oracle.json", "w") as f:
    json.dump({"generator": "generate_attention.py (PyTorch float64)", "cases": cases}, f)
