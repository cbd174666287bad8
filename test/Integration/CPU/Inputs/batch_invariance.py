"""Batch invariance of the CPU row kernels (batch-invariance.mlir).

For every row kernel, dtype and width, compiles the kernel for calls of 1, 3,
64 and 65 rows, runs each with norm-run on the first rows of the same data,
the 65-row call with 1 and with 2 threads, and checks that every row of every
result has the same bits in every call: a row's output must not depend on
how many rows share the call or how many threads run it (what vLLM users ask
of their kernels). The widths cover one row per tile (4096), several rows
per tile (768) and short rows (64, f32 only); 64 rows go in tiles of
several rows where the width allows, 65 rows a row per tile.

usage: batch_invariance.py NORM_RUN WORKDIR
Prints one line per kernel, dtype and width; exits 1 on any difference.
"""
import os
import subprocess
import sys

import numpy as np

norm_run, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(20261204)
ROWS = [65, 64, 3, 1]


def bf16(a):
    """float32 -> bf16 bits, rounded to nearest even."""
    bits = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return bits.astype(np.uint16)


def as_dtype(a, dt):
    return bf16(a) if dt == "bf16" else np.asarray(a, np.float32)


def data(rows, width):
    """Unit-scale rows, some far from zero and some led by an outlier."""
    x = rng.standard_normal((rows, width)).astype(np.float32)
    x[::5] += 100.0
    x[1::7, 0] = 3e3
    return x


# Per kernel: (argument names, row-shaped arguments, body, results) as MLIR
# templates over X (the data type), P (the parameters), S (the statistics).
KERNELS = {
    "layer_norm": (
        ["x", "g", "b"],
        """%y, %m, %s = norm.layer_norm %x scale(%g : {P}) bias(%b : {P}) : {X} mean({S}) rstd({S})""",
        ["y", "m", "s"], ["{X}", "{S}", "{S}"]),
    "rms_norm": (
        ["x", "g"],
        """%y = norm.rms_norm %x scale(%g : {P}) {{scale_offset = 1.0 : f64}} : {X}""",
        ["y"], ["{X}"]),
    "add_rms_norm": (
        ["x", "r", "g"],
        """%y, %h = norm.add_rms_norm %x, %r scale(%g : {P}) : {X}""",
        ["y", "h"], ["{X}", "{X}"]),
    "add_layer_norm": (
        ["x", "r", "g", "b"],
        """%y, %h = norm.add_layer_norm %x, %r scale(%g : {P}) bias(%b : {P}) : {X}""",
        ["y", "h"], ["{X}", "{X}"]),
    "layer_norm_grad": (
        ["dy", "x", "m", "s", "g"],
        """%dx = norm.layer_norm_grad %dy, %x, %m, %s scale(%g : {P}) : {X}, stats {S}""",
        ["dx"], ["{X}"]),
    "rms_norm_grad": (
        ["dy", "x", "s", "g", "ds"],
        """%dx = norm.rms_norm_grad %dy, %x, %s scale(%g : {P}) sum_grad(%ds : {X}) : {X}, stats {S}""",
        ["dx"], ["{X}"]),
}
ARG_TYPES = {"x": "{X}", "r": "{X}", "dy": "{X}", "ds": "{X}", "g": "{P}",
             "b": "{P}", "m": "{S}", "s": "{S}"}


def module(kind, dt, width, rows):
    """The kernel as @k<rows>, alone in its module (norm-run compiles all)."""
    args, body, results, types = KERNELS[kind]
    t = {"X": f"tensor<{rows}x{width}x{dt}>", "P": f"tensor<{width}x{dt}>",
         "S": f"tensor<{rows}xf32>"}
    sig = ", ".join(f"%{a}: {ARG_TYPES[a].format(**t)}" for a in args)
    rtypes = ", ".join(r.format(**t) for r in types)
    return (f"func.func @k{rows}({sig}) -> ({rtypes}) {{\n"
            f"  {body.format(**t)}\n"
            f"  return {', '.join('%' + r for r in results)} : {rtypes}\n}}\n")


def inputs(kind, dt, width):
    """The 65-row arguments; the statistics of x in f32."""
    x = data(65, width)
    values = {"x": x, "r": data(65, width), "dy": data(65, width),
              "ds": data(65, width),
              "g": 1.0 + 0.1 * rng.standard_normal(width),
              "b": 0.1 * rng.standard_normal(width)}
    xr = x.astype(np.float64)
    if dt == "bf16":
        xr = as_dtype(x, dt).astype(np.uint32) << 16
        xr = xr.view(np.float32).astype(np.float64)
    mean = xr.mean(axis=1)
    values["m"] = mean.astype(np.float32)
    values["s"] = (1.0 / np.sqrt(((xr - mean[:, None]) ** 2).mean(axis=1) +
                                 1e-5)).astype(np.float32)
    return values


def run(rows, args, values, threads, out):
    path = os.path.join(work, f"{KIND}_{DT}_{WIDTH}_{rows}.mlir")
    with open(path, "w") as f:
        f.write(module(KIND, DT, WIDTH, rows))
    files = []
    for a in args:
        v = values[a]
        if v.ndim == 2 or a in ("m", "s"):
            v = v[:rows]
        name = os.path.join(out, f"{a}.npy")
        np.save(name, v if a in ("m", "s") else as_dtype(v, DT))
        files.append(name)
    cmd = [norm_run, path, f"--entry=k{rows}", f"--num-threads={threads}",
           f"--output-dir={out}"] + [f"--input={f}" for f in files]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return [np.load(os.path.join(out, f"result{i}.npy"))
            for i in range(len(KERNELS[KIND][2]))]


failed = False
for KIND in KERNELS:
    for DT in ("f32", "bf16"):
        for WIDTH in (64, 768, 4096) if DT == "f32" else (768, 4096):
            args = KERNELS[KIND][0]
            values = inputs(KIND, DT, WIDTH)
            out = os.path.join(work, "out")
            os.makedirs(out, exist_ok=True)
            base = run(65, args, values, 1, out)
            calls = [(65, 2)] + [(r, 2) for r in ROWS[1:]]
            bad = []
            for rows, threads in calls:
                got = run(rows, args, values, threads, out)
                for i, (g, b) in enumerate(zip(got, base)):
                    if g.tobytes() != b[:rows].tobytes():
                        bad.append(f"{rows} rows/{threads} threads result{i}")
            status = "MISMATCH " + ", ".join(bad) if bad else "identical"
            print(f"{KIND} {DT} {WIDTH}: {len(calls) + 1} calls, {status}")
            failed |= bool(bad)
sys.exit(1 if failed else 0)
