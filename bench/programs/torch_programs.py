#!/usr/bin/env python3
"""The programs of gen_programs.py in PyTorch eager (Debian's python3-torch),
for bench/programs/run.sh: same shapes, dtypes, layouts and formulas
(nn.Linear weights [N, K], explicit attention with softmax, pairwise RoPE,
the KV cache written in place), inputs made once, warm, median of RUNS
calls, on THREADS threads. Prints one line per program: NAME MS.

usage: torch_programs.py THREADS RUNS [NAME...]
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import gen_programs as g  # noqa: E402  (shapes only)

EPS = 1e-5


def rms(x, w):
    # As norm.rms_norm computes it: statistics in f32, the result rounded.
    xf = x.float()
    y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + EPS) * w.float()
    return y.to(x.dtype)


def attention(q, k, v):
    # q [T, H, Dh], k, v [S, H, Dh]
    s = torch.einsum("thd,shd->hts", q, k) * (1.0 / q.shape[-1] ** 0.5)
    return torch.einsum("hts,shd->thd", torch.softmax(s, dim=-1), v)


def rope(x, cos, sin):
    t, h, dh = x.shape
    p = x.view(t, h, dh // 2, 2)
    a, b = p[..., 0], p[..., 1]
    c, s = cos[:, None, :], sin[:, None, :]
    return torch.stack((a * c - b * s, a * s + b * c), dim=-1).view(t, h, dh)


def encoder(shape, post_ln):
    t, d, h, ff = shape
    r = lambda *s: torch.randn(*s) / (s[-1] ** 0.5 if len(s) == 2 else 1)
    x = torch.randn(t, d)
    wq, wk, wv, wo = (r(d, d) for _ in range(4))
    bq, bk, bv, bo = (torch.randn(d) for _ in range(4))
    w1, b1, w2, b2 = r(ff, d), torch.randn(ff), r(d, ff), torch.randn(d)
    g1, be1, g2, be2 = (torch.randn(d) for _ in range(4))

    def attn(z):
        q, k, v = (F.linear(z, w, b).view(t, h, d // h) for w, b in ((wq, bq), (wk, bk), (wv, bv)))
        return F.linear(attention(q, k, v).reshape(t, d), wo, bo)

    def mlp(z):
        return F.linear(F.gelu(F.linear(z, w1, b1)), w2, b2)

    def run():
        if post_ln:
            hid = F.layer_norm(x + attn(x), (d,), g1, be1, EPS)
            return F.layer_norm(hid + mlp(hid), (d,), g2, be2, EPS)
        hid = x + attn(F.layer_norm(x, (d,), g1, be1, EPS))
        return hid + mlp(F.layer_norm(hid, (d,), g2, be2, EPS))
    return run


def llama(decode):
    t, d, h, ff = g.LLAMA
    dh = d // h
    if decode:
        t, cached = g.DECODE
    bf = torch.bfloat16
    r = lambda *s: (torch.randn(*s) / s[-1] ** 0.5).to(bf)
    x = torch.randn(t, d).to(bf)
    wq, wk, wv, wo = (r(d, d) for _ in range(4))
    w1, w3, w2 = r(ff, d), r(ff, d), r(d, ff)
    g1, g2, gq, gk = (torch.randn(n).to(bf) for n in (d, d, dh, dh))
    cos, sin = (torch.randn(t, dh // 2).to(bf) for _ in range(2))
    if decode:
        kc, vc = (torch.randn(cached + t, h, dh).to(bf) for _ in range(2))

    def run():
        n1 = rms(x, g1)
        q = rope(rms(F.linear(n1, wq).view(t, h, dh), gq), cos, sin)
        k = rope(rms(F.linear(n1, wk).view(t, h, dh), gk), cos, sin)
        v = F.linear(n1, wv).view(t, h, dh)
        kk, vv = k, v
        if decode:
            kc[cached:] = k
            vc[cached:] = v
            kk, vv = kc, vc
        hid = x + F.linear(attention(q, kk, vv).reshape(t, d), wo)
        n2 = rms(hid, g2)
        return hid + F.linear(F.silu(F.linear(n2, w1)) * F.linear(n2, w3), w2)
    return run


def unet(nhwc):
    n, c, hh, ww = g.UNET
    fmt = torch.channels_last if nhwc else torch.contiguous_format
    x = torch.randn(n, c, hh, ww).to(memory_format=fmt)
    g1, b1, g2, b2 = (torch.randn(c) for _ in range(4))
    w1, w2 = ((torch.randn(c, c, 3, 3) / (9 * c) ** 0.5).to(memory_format=fmt) for _ in range(2))

    def run():
        hid = F.conv2d(F.silu(F.group_norm(x, g.GROUPS, g1, b1, EPS)), w1, padding=1)
        return x + F.conv2d(F.silu(F.group_norm(hid, g.GROUPS, g2, b2, EPS)), w2, padding=1)
    return run


def resnet():
    n, c, hh, ww = g.RESNET
    x = torch.randn(n, c, hh, ww)
    w1, w2 = (torch.randn(c, c, 3, 3) / (9 * c) ** 0.5 for _ in range(2))
    p = [(torch.randn(c), torch.randn(c), torch.randn(c), torch.rand(c) + 0.5) for _ in range(2)]

    def bn(z, gm, bt, m, v):
        return F.batch_norm(z, m, v, gm, bt, training=False, eps=EPS)

    # (Eager PyTorch does not fold the batch norms into the convolutions.)
    def run():
        hid = F.relu(bn(F.conv2d(x, w1, padding=1), *p[0]))
        return F.relu(x + bn(F.conv2d(hid, w2, padding=1), *p[1]))
    return run


def projection(rows, norm):
    k, n, h = g.PROJ
    bf = torch.bfloat16
    x = torch.randn(rows, k).to(bf)
    w = (torch.randn(n, k) / k ** 0.5).to(bf)
    gk, gh = torch.randn(k).to(bf), torch.randn(n // h).to(bf)

    def run():
        if norm == "pre":
            return F.linear(rms(x, gk), w)
        y = F.linear(x, w)
        if norm == "qk":
            y = rms(y.view(rows, h, n // h), gh).reshape(rows, n)
        return y
    return run


PROGRAMS = {
    "bert_block": lambda: encoder(g.BERT, True),
    "llama_prefill": lambda: llama(False),
    "llama_decode": lambda: llama(True),
    "vit_block": lambda: encoder(g.VIT, False),
    "unet_resblock_nchw": lambda: unet(False),
    "unet_resblock_nhwc": lambda: unet(True),
    "resnet_block": resnet,
} | {f"proj_{kind}_{phase}": (lambda rows=rows, norm=norm: projection(rows, norm))
     for phase, rows in g.PROJ_ROWS.items()
     for kind, norm in (("bare", None), ("rmsnorm", "pre"), ("qknorm", "qk"))}


def main():
    threads, runs = int(sys.argv[1]), int(sys.argv[2])
    names = sys.argv[3:] or list(PROGRAMS)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with torch.inference_mode():
        for name in names:
            run = PROGRAMS[name]()
            run()  # warm
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                run()
                times.append(time.perf_counter() - start)
            print(f"{name} {statistics.median(times) * 1e3:.3f}", flush=True)


if __name__ == "__main__":
    main()
