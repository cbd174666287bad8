#!/usr/bin/env python3
"""PyTorch (Debian's python3-torch, CPU, eager) on make bench's shapes.

Times, in this process, what a PyTorch user runs for the kernels
norm-bench-cpu times: F.layer_norm, RMSNorm as Hugging Face writes it
(LlamaRMSNorm: f32 statistics, rounded before the weight), the residual add
then that RMSNorm, F.batch_norm (training) and F.group_norm on NCHW and
channels-last data; and, in the same process, the copy roofs (`copy_`, one
tensor and two), so that "of copy" compares bandwidths measured side by
side. Writes Google Benchmark-style JSON (suites `pytorch` and
`pytorch-roof`, medians of 5 repetitions) that bench/cpu/report.py merges
with norm-bench-cpu's.

usage: torch_bench.py OUT.json
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ROW_SHAPES = [(16384, 4096), (65536, 1024), (4096, 4096), (1024, 768),
              (262144, 64), (1, 4096), (8, 4096), (64, 4096), (1, 8192),
              (32, 8192)]
NCHW = (64, 256, 28, 28)
DTYPES = {"f32": torch.float32, "bf16": torch.bfloat16}


def rms_norm(x, g, eps=1e-6):
    h = x.to(torch.float32)
    h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)
    return g * h.to(x.dtype)


def median_seconds(fn, min_time=0.1, repetitions=5):
    fn()
    fn()
    samples = []
    for _ in range(repetitions):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        samples.append(elapsed / calls)
    return statistics.median(samples)


def main():
    out = sys.argv[1]
    results = []

    def record(suite, op, dtype, shape, threads, fn, nbytes):
        try:
            seconds = median_seconds(fn)
        except RuntimeError as e:  # no kernel for this dtype in 1.13
            print(f"{suite}/{op}/{dtype}/{shape}: skipped ({e})".splitlines()[0])
            return
        name = f"{suite}/{op}/{dtype}/{shape}/t{threads}"
        results.append({"name": name, "run_name": name,
                        "aggregate_name": "median", "time_unit": "ms",
                        "real_time": seconds * 1e3, "bytes": nbytes})
        print(f"{name}: {seconds * 1e3:.4f} ms")

    torch.manual_seed(0)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for rows, width in ROW_SHAPES:
            shape = f"{rows}x{width}"
            for dt, tdt in DTYPES.items():
                x = torch.randn(rows, width).to(tdt)
                r = torch.randn(rows, width).to(tdt)
                g = torch.ones(width, dtype=tdt)
                b = torch.zeros(width, dtype=tdt)
                y, y2 = torch.empty_like(x), torch.empty_like(x)
                t = x.numel() * x.element_size()

                def rec(suite, op, fn, nbytes):
                    record(suite, op, dt, shape, threads, fn, nbytes)
                rec("pytorch", "layer_norm",
                    lambda: F.layer_norm(x, (width,), g, b, 1e-5), 2 * t)
                rec("pytorch", "rms_norm", lambda: rms_norm(x, g), 2 * t)
                rec("pytorch", "add_rms_norm",
                    lambda: rms_norm(x + r, g), 4 * t)
                rec("pytorch-roof", "copy", lambda: y.copy_(x), 2 * t)
                rec("pytorch-roof", "copy2",
                    lambda: (y.copy_(x), y2.copy_(r)), 4 * t)
        n, c, h, w = NCHW
        for layout in ("nchw", "nhwc"):
            x = torch.randn(n, c, h, w)
            if layout == "nhwc":
                x = x.contiguous(memory_format=torch.channels_last)
            shape = "x".join(map(str, (n, c, h, w) if layout == "nchw"
                                 else (n, h, w, c)))
            g, b = torch.ones(c), torch.zeros(c)
            rm, rv = torch.zeros(c), torch.ones(c)
            y = torch.empty_like(x)
            t = x.numel() * 4
            record("pytorch", "batch_norm", "f32", shape, threads,
                   lambda: F.batch_norm(x, rm, rv, g, b, training=True),
                   2 * t)
            record("pytorch", "group_norm", "f32", shape, threads,
                   lambda: F.group_norm(x, 32, g, b), 2 * t)
            record("pytorch-roof", "copy", "f32", shape, threads,
                   lambda: y.copy_(x), 2 * t)
    with open(out, "w") as f:
        json.dump({"context": {"torch": torch.__version__},
                   "benchmarks": results}, f, indent=1)


if __name__ == "__main__":
    main()
