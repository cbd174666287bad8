#!/usr/bin/env python3
"""PyTorch baselines of the GPU benchmarks, in the same run as norm-mlir's:
eager (F.layer_norm, F.rms_norm, add then F.rms_norm, F.batch_norm,
F.group_norm; for the backward cases aten.native_layer_norm_backward from
the saved mean/rstd, and autograd through F.rms_norm and through add then
F.rms_norm) and torch.compile of the same functions. The cases come from
gen_programs.py; bytes are counted as norm-mlir's artifacts count them
(every input and every result once).

Usage: torch_bench.py OUT.json [--runs N] [--compile-budget SECONDS]
                      [--match REGEX]  (only the cases whose names match)
"""
import argparse
import json
import re
import time

import torch
import torch.nn.functional as F

from gen_programs import CASES, HEAD_DIM

DT = {"bf16": torch.bfloat16, "f32": torch.float32}


def make(kind, dt, shape):
    """(function, its arguments, bytes read and written)."""
    d = DT[dt]
    cuda = dict(device="cuda", dtype=d)
    g = torch.Generator(device="cuda").manual_seed(0)

    def randn(*s):
        return torch.randn(*s, generator=g, **cuda)

    if kind in ("batch_norm", "group_norm"):
        n, c, h, w = shape
        x = randn(n, c, h, w)
        gamma, beta = randn(c), randn(c)
        if kind == "batch_norm":
            rm = torch.zeros(c, **cuda)
            rv = torch.ones(c, **cuda)

            def fn(x, gamma, beta, rm, rv):
                y = F.batch_norm(x, rm, rv, gamma, beta, training=True,
                                 momentum=0.1, eps=1e-5)
                return y, rm, rv

            args = (x, gamma, beta, rm, rv)
            nbytes = 2 * x.nbytes + 7 * gamma.nbytes
        else:
            def fn(x, gamma, beta):
                return F.group_norm(x, 32, gamma, beta, eps=1e-5)

            args = (x, gamma, beta)
            nbytes = 2 * x.nbytes + 2 * gamma.nbytes
        return fn, args, nbytes
    rows, width = shape
    if kind.endswith("_grad"):
        return make_grad(kind, randn, rows, width)
    if kind == "qk_norm":
        q = randn(rows, width // HEAD_DIM, HEAD_DIM)
        wt = randn(HEAD_DIM)

        def fn(q, wt):
            return F.rms_norm(q, (HEAD_DIM,), wt, eps=1e-6)

        return fn, (q, wt), 2 * q.nbytes + wt.nbytes
    x, wt = randn(rows, width), randn(width)
    if kind == "layer_norm":
        b = randn(width)

        def fn(x, wt, b):
            return F.layer_norm(x, (width,), wt, b, eps=1e-5)

        return fn, (x, wt, b), 2 * x.nbytes + 2 * wt.nbytes
    if kind == "rms_norm":
        def fn(x, wt):
            return F.rms_norm(x, (width,), wt, eps=1e-6)

        return fn, (x, wt), 2 * x.nbytes + wt.nbytes
    r = randn(rows, width)

    def fn(x, r, wt):
        s = x + r
        return F.rms_norm(s, (width,), wt, eps=1e-6), s

    return fn, (x, r, wt), 4 * x.nbytes + wt.nbytes


def make_grad(kind, randn, rows, width):
    """The backward alone: the forward runs once, outside the timing."""
    x, dy, wt = randn(rows, width), randn(rows, width), randn(width)
    if kind == "layer_norm_grad":
        b = randn(width)
        _, mean, rstd = torch.ops.aten.native_layer_norm(x, (width,), wt, b, 1e-5)

        def fn(dy, x, mean, rstd, wt, b):
            return torch.ops.aten.native_layer_norm_backward(
                dy, x, (width,), mean, rstd, wt, b, [True, True, True])

        # as the artifact counts: dy, x, mean, rstd, scale read; dx, dscale, dbias written
        return fn, (dy, x, mean, rstd, wt, b), (3 * x.nbytes + 3 * wt.nbytes
                                               + mean.nbytes + rstd.nbytes)
    xs = x.clone().requires_grad_()
    ws = wt.clone().requires_grad_()
    if kind == "rms_norm_grad":
        y = F.rms_norm(xs, (width,), ws, eps=1e-6)

        def fn(dy):
            return torch.autograd.grad(y, (xs, ws), dy, retain_graph=True)

        return fn, (dy,), 3 * x.nbytes + 2 * wt.nbytes + rows * 4
    rs = randn(rows, width).requires_grad_()
    s = xs + rs
    y = F.rms_norm(s, (width,), ws, eps=1e-6)
    ds = randn(rows, width)

    def fn(dy, ds):
        # dsum reaches both summands: one of them is the gradient
        return torch.autograd.grad((y, s), (xs, ws), (dy, ds), retain_graph=True)

    return fn, (dy, ds), 4 * x.nbytes + 2 * wt.nbytes + rows * 4


def time_ms(fn, args, runs):
    """Per-call time of calls back to back (as norm-mlir's artifacts time
    them): groups of runs / 5 calls between two CUDA events, the median of
    the groups' per-call times, after a warm-up."""
    for _ in range(3):
        fn(*args)
    torch.cuda.synchronize()
    group = max(1, runs // 5)
    times = []
    for done in range(0, runs, group):
        calls = min(group, runs - done)
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(calls):
            fn(*args)
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) / calls)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--compile-budget", type=float, default=240.0,
                   help="seconds of torch.compile work; later cases skip it")
    p.add_argument("--match", default="", help="only cases matching this regex")
    a = p.parse_args()
    results = []
    began = time.time()
    for name, kind, dt, shape, _ in CASES:
        if not re.search(a.match, name):
            continue
        row = {"name": name}
        try:
            fn, args, nbytes = make(kind, dt, shape)
            row["bytes"] = nbytes
            ms = time_ms(fn, args, a.runs)
            row["eager_ms"], row["eager_gbs"] = ms, nbytes / ms * 1e-6
            if kind in ("rms_norm_grad", "add_rms_norm_grad"):
                row["compile_skipped"] = "autograd graph"
            elif time.time() - began < a.compile_budget:
                compiled = torch.compile(fn, dynamic=False)
                ms = time_ms(compiled, args, a.runs)
                row["compile_ms"], row["compile_gbs"] = ms, nbytes / ms * 1e-6
            else:
                row["compile_skipped"] = "time budget"
            del args
            torch.cuda.empty_cache()
        except Exception as e:  # report it, keep going
            row["error"] = f"{type(e).__name__}: {e}"[:200]
        print(json.dumps(row), flush=True)
        results.append(row)
    with open(a.out, "w") as f:
        json.dump({"device": torch.cuda.get_device_name(),
                   "torch": torch.__version__, "cases": results}, f, indent=1)


if __name__ == "__main__":
    main()
