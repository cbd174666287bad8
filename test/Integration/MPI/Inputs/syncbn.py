"""Data and checks for the SyncBN tests under mpirun (syncbn.mlir).

  syncbn.py make DIR f32|f64|bf16 SIZES...   the whole batch (x, mask, params) in
      DIR and the shards x.{r}.npy, mask.{r}.npy of SIZES rows each
  syncbn.py compare DIR f32|f64|bf16 SIZES... every rank's output (DIR/ranks/rank{r})
      against its rows of the single-process whole-batch run (DIR/whole):
      f32 within 1e-5 of the output's scale (f64: 1e-12), bf16 within one
      ulp; the running statistics within 1e-5 relative (f64: 1e-12), and
      bitwise equal on all ranks (in f64 that is the merge's own bits)
"""
import sys

import numpy as np


def to_bf16_bits(a):
    u = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def from_bf16_bits(u):
    return (u.astype(np.uint32) << 16).view(np.float32)


def load(path, dtype):
    a = np.load(path)
    return from_bf16_bits(a) if dtype == "bf16" else a


def make(d, dtype, sizes):
    import os
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(7)
    n = sum(sizes)
    if dtype in ("f32", "f64"):  # NCHW, channels far from 0, other spreads
        x = rng.standard_normal((n, 3, 4, 4)) * [[[2.0]], [[0.5]], [[7.0]]] + 40
        x, c = x.astype(np.float64 if dtype == "f64" else np.float32), 3
    else:  # NHWC, with a mask
        x, c = rng.standard_normal((n, 4, 4, 5)) * 3 + 5, 5
        np.save(f"{d}/mask.npy", rng.random((n, 4, 4)) < 0.7)
        x = to_bf16_bits(x)
    np.save(f"{d}/x.npy", x)
    for k, v in [("g", rng.standard_normal(c)), ("b", rng.standard_normal(c)),
                 ("m", rng.standard_normal(c)), ("v", rng.uniform(0.5, 1.5, c))]:
        np.save(f"{d}/{k}.npy", v.astype(np.float64 if dtype == "f64" else np.float32))
    at = 0
    for r, rows in enumerate(sizes):
        np.save(f"{d}/x.{r}.npy", x[at:at + rows])
        if dtype == "bf16":
            np.save(f"{d}/mask.{r}.npy", np.load(f"{d}/mask.npy")[at:at + rows])
        at += rows


def compare(d, dtype, sizes):
    whole = load(f"{d}/whole/result0.npy", dtype).astype(np.float64)
    scale = np.max(np.abs(whole))
    ok, at = True, 0
    for r, rows in enumerate(sizes):
        y = load(f"{d}/ranks/rank{r}/result0.npy", dtype).astype(np.float64)
        ref = whole[at:at + rows]
        if dtype in ("f32", "f64"):
            bound = (1e-12 if dtype == "f64" else 1e-5) * scale
        else:  # one bf16 ulp of the whole-batch value
            bound = np.spacing(np.abs(ref).astype(np.float32)) * 2.0**16 + 1e-30
        if y.shape != ref.shape or not np.all(np.abs(y - ref) <= bound):  # NaN fails
            print(f"rank {r}: output differs from the whole batch's")
            ok = False
        at += rows
        for i in (1, 2):
            mine = np.load(f"{d}/ranks/rank{r}/result{i}.npy")
            first = np.load(f"{d}/ranks/rank0/result{i}.npy")
            w = np.load(f"{d}/whole/result{i}.npy").astype(np.float64)
            if mine.tobytes() != first.tobytes():
                print(f"rank {r}: running statistic {i} differs from rank 0's")
                ok = False
            if not np.all(np.abs(mine - w) <= (1e-12 if dtype == "f64" else 1e-5) * np.abs(w)):
                print(f"rank {r}: running statistic {i} differs from the whole batch's")
                ok = False
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    cmd, d, dtype = sys.argv[1:4]
    sizes = [int(s) for s in sys.argv[4:]]
    (make if cmd == "make" else compare)(d, dtype, sizes)
