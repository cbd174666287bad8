#!/usr/bin/env python3
# ===- random_programs.py - Random norm programs, checked against float64 -===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
# A differential tester in the Csmith/YARPGen spirit, for our IR: it writes
# random, valid programs of the ops that front ends emit around normalizers
# (every normalizer with random attributes, matmuls with default, transposed
# and broadcast maps, bf16 products accumulated in f32, convolutions,
# elementwise ops and reductions, transposes and reshapes, residual
# placements, QK-norm heads; weights as constants and as arguments; static
# and dynamic outer dims; f32, bf16 and f16), makes inputs for them, and
# runs each through `norm-run --check` with the default pipeline and with
# other option sets. A mismatch, a crash, a verifier failure or a lowering
# failure is a bug: its program is minimized (results dropped, then
# statements, while the same failure remains) and saved with the command
# that shows it.
#
#   random_programs.py --build BUILD [--seed S] [--count N] [--out DIR]
#                      [--option-sets all|quick] [--jobs J] [--keep]
#
# Exit 0 when every program agreed under every option set, 1 otherwise.
# ===----------------------------------------------------------------------===#

import argparse
import concurrent.futures
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

# The option sets every program runs under: (name, norm-run arguments).
OPTION_SETS = [
    ("default", []),
    ("optimize=false", ["--optimize=false"]),
    ("tile=false", ["--pipeline-options=tile=false"]),
    ("vector-bits=256", ["--pipeline-options=vector-bits=256"]),
    ("x86-64 baseline", ["--pipeline-options=target-cpu=x86-64"]),
    ("native-ftz", ["--pipeline-options=bf16-rounding=native-ftz"]),
    ("threads=1", ["--num-threads=1"]),
    ("threads=2 tile-bytes=4096",
     ["--num-threads=2", "--pipeline-options=tile-bytes=4096"]),
]
QUICK_SETS = ["default", "optimize=false", "tile=false", "vector-bits=256",
              "threads=1"]

FLOATS = ["f32", "bf16", "f16"]
WIDTHS = [1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 128, 129, 256, 768]
ROWS = [1, 2, 3, 4, 5, 8, 17, 64]


def fmt_float(v):
    return repr(float(v)).replace("inf", "0x7F800000")


def ttype(shape, dtype):
    dims = "x".join("?" if d is None else str(d) for d in shape)
    return "tensor<%s%s%s>" % (dims, "x" if shape else "", dtype)


class Value:
    def __init__(self, name, shape, dtype):
        self.name, self.shape, self.dtype = name, list(shape), dtype

    @property
    def type(self):
        return ttype(self.shape, self.dtype)


class Argument:
    def __init__(self, value, kind, dynamic_sizes):
        self.value = value
        self.kind = kind  # "data", "positive", "mask"
        # The size of each dim, dynamic ones included.
        self.sizes = dynamic_sizes


class Statement:
    """One or more lines that define `results` from `uses`."""

    def __init__(self, lines, results, uses):
        self.lines, self.results, self.uses = lines, results, uses


class Program:
    """A straight-line function built from statements; every value that no
    statement uses is returned."""

    def __init__(self, rng):
        self.rng = rng
        self.args = []
        self.stmts = []
        self.counter = 0
        # Static 2-D results of earlier blocks, which later blocks may take
        # as their input: programs chain blocks as models chain layers.
        self.pool = []

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def input2d(self, dtypes, rows, widths, dynamic=0.0):
        """A [M, D] input of one of `dtypes`: an earlier block's result half
        the time, else a new argument (its rows dynamic with probability
        `dynamic`)."""
        fits = [v for v in self.pool if v.dtype in dtypes]
        if fits and self.rng.random() < 0.5:
            v = self.rng.choice(fits)
            self.pool.remove(v)
            return v
        dyn = (0,) if self.rng.random() < dynamic else ()
        return self.arg([self.rng.choice(rows), self.rng.choice(widths)],
                        self.rng.choice(dtypes), dynamic=dyn)

    def offer(self, value):
        """Makes a static 2-D `value` available to later blocks."""
        if len(value.shape) == 2 and None not in value.shape:
            self.pool.append(value)
        return value

    def arg(self, shape, dtype, kind="data", dynamic=()):
        """An argument; dims listed in `dynamic` are `?`."""
        name = "%%arg%d" % len(self.args)
        sizes = list(shape)
        ir_shape = [None if i in dynamic else d for i, d in enumerate(shape)]
        value = Value(name, ir_shape, dtype)
        self.args.append(Argument(value, kind, sizes))
        return value

    def emit(self, lines, results, uses):
        if isinstance(lines, str):
            lines = [lines]
        self.stmts.append(Statement(lines, results, uses))
        return results

    # -- helpers that build common pieces --------------------------------
    def const(self, shape, dtype, scale=1.0, positive=False):
        n = int(np.prod(shape)) if shape else 1
        values = [self.rng.gauss(0.0, scale) for _ in range(n)]
        if positive:
            values = [abs(v) + 0.5 for v in values]
        name = self.fresh("c")
        body = ", ".join(fmt_float(round(v, 4)) for v in values)
        if shape:
            # Nested brackets per dim.
            def nest(flat, dims):
                if len(dims) == 1:
                    return "[" + ", ".join(flat) + "]"
                step = len(flat) // dims[0]
                return "[" + ", ".join(nest(flat[i * step:(i + 1) * step], dims[1:])
                                       for i in range(dims[0])) + "]"
            body = nest([fmt_float(round(v, 4)) for v in values], shape)
        v = Value(name, shape, dtype)
        self.emit("%s = arith.constant dense<%s> : %s" % (name, body, v.type),
                  [v], [])
        return v

    def dims_of(self, value):
        """SSA names of the sizes of `value`'s dynamic dims (tensor.dim)."""
        lines, names = [], []
        for i, d in enumerate(value.shape):
            if d is None:
                c = self.fresh("i")
                dim = self.fresh("d")
                lines.append("%s = arith.constant %d : index" % (c, i))
                lines.append("%s = tensor.dim %s, %s : %s" % (dim, value.name, c, value.type))
                names.append(dim)
        return lines, names

    def empty(self, shape, dtype, like=None, fill=None):
        """A tensor.empty of `shape` (dynamic dims sized like `like`'s
        dynamic dims, in order), optionally filled with `fill`."""
        lines, dyn = [], []
        if like is not None and any(d is None for d in shape):
            lines, dyn = self.dims_of(like)
        v = Value(self.fresh("e"), shape, dtype)
        lines.append("%s = tensor.empty(%s) : %s" % (v.name, ", ".join(dyn[:shape.count(None)]), v.type))
        if fill is not None:
            z = self.fresh("z")
            f = Value(self.fresh("f"), shape, dtype)
            lines.append("%s = arith.constant %s : %s" % (z, fmt_float(fill), dtype))
            lines.append("%s = linalg.fill ins(%s : %s) outs(%s : %s) -> %s"
                         % (f.name, z, dtype, v.name, v.type, f.type))
            uses = [like] if like is not None else []
            self.emit(lines, [f], uses)
            return f
        self.emit(lines, [v], [like] if like is not None else [])
        return v

    def text(self, entry="main", returned=None):
        used = set()
        for s in self.stmts:
            for u in s.uses:
                if u is not None:
                    used.add(u.name)
        results = returned
        if results is None:
            results = [r for s in self.stmts for r in s.results
                       if r.name not in used and not r.name.startswith("%e")
                       and not r.name.startswith("%c") and not r.name.startswith("%f")]
        out = ["func.func @%s(%s) -> (%s) {" % (
            entry,
            ", ".join("%s: %s" % (a.value.name, a.value.type) for a in self.args),
            ", ".join(r.type for r in results))]
        for s in self.stmts:
            out += ["  " + line for line in s.lines]
        out.append("  return %s : %s" % (", ".join(r.name for r in results),
                                          ", ".join(r.type for r in results)))
        out.append("}")
        return "\n".join(out) + "\n", results


# -- the pieces a program is made of -------------------------------------

def norm_attrs(g, extra=None, rms=False):
    attrs = dict(extra or {})
    r = g.rng.random()
    if r < 0.3:
        attrs["epsilon"] = "%s : f64" % g.rng.choice(["1.0e-06", "1.0e-03", "1.0e-01", "2.5e-05"])
    if g.rng.random() < 0.2:
        attrs["compute_type"] = "f64"
    if rms and g.rng.random() < 0.4:
        attrs["scale_offset"] = "1.0 : f64"
    if not attrs:
        return ""
    return " {" + ", ".join("%s = %s" % kv for kv in attrs.items()) + "}"


def row_norm(g, x):
    """layer_norm or rms_norm of `x` over its last dim (or its last two)."""
    rng = g.rng
    kind = rng.choice(["layer_norm", "rms_norm"])
    rank = len(x.shape)
    axis = -1
    if rank >= 3 and rng.random() < 0.3:
        axis = rank - 2
    normalized = x.shape[axis:] if axis != -1 else x.shape[-1:]
    lines, uses = [], [x]
    operands = ""
    if rng.random() < 0.7:
        sdtype = rng.choice([x.dtype, "f32"])
        scale = (g.const(normalized, sdtype, 0.5) if rng.random() < 0.5
                 else g.arg(normalized, sdtype))
        operands += " scale(%s : %s)" % (scale.name, scale.type)
        uses.append(scale)
    if kind == "layer_norm" and rng.random() < 0.6:
        bias = (g.const(normalized, x.dtype, 0.5) if rng.random() < 0.5
                else g.arg(normalized, x.dtype))
        operands += " bias(%s : %s)" % (bias.name, bias.type)
        uses.append(bias)
    extra = {"axis": "%d : i64" % axis} if axis != -1 else None
    attrs = norm_attrs(g, extra, kind == "rms_norm")
    y = Value(g.fresh("n"), x.shape, x.dtype)
    # The optional statistics results (the backward pass keeps them).
    stats = []
    if rng.random() < 0.2:
        ct = "f64" if "compute_type = f64" in attrs else "f32"
        outer = x.shape[:axis] if axis != -1 else x.shape[:-1]
        names = ["mean", "rstd"] if kind == "layer_norm" else ["rstd"]
        if kind == "layer_norm" and rng.random() < 0.5:
            names = ["rstd"]
        stats = [(n, Value(g.fresh(n), outer, ct)) for n in names]
    results = ", ".join([y.name] + [v.name for _, v in stats])
    types = "".join(" %s(%s)" % (n, v.type) for n, v in stats)
    g.emit("%s = norm.%s %s%s%s : %s%s" % (results, kind, x.name, operands, attrs, x.type, types),
           [y] + [v for _, v in stats], uses)
    return y


def widen(var, src, dtype):
    """Lines that bind `var` to `src` as f32 (an extf, or nothing for f32)."""
    if dtype == "f32":
        return [], src
    return ["  %s = arith.extf %s : %s to f32" % (var, src, dtype)], var


def narrow(var, src, dtype):
    """Lines that bind `var` to the f32 `src` in `dtype`."""
    if dtype == "f32":
        return [], src
    return ["  %s = arith.truncf %s : f32 to %s" % (var, src, dtype)], var


def identity_map(rank):
    dims = ", ".join("d%d" % i for i in range(rank))
    return "affine_map<(%s) -> (%s)>" % (dims, dims)


def elementwise(g, x):
    """An activation: tanh and negation on tensors, or a generic that
    computes a ReLU (written with the unordered uge) or an exact GELU in
    f32."""
    rng = g.rng
    op = rng.choice(["tanh", "relu_uge", "gelu", "scale", "neg"])
    y = Value(g.fresh("a"), x.shape, x.dtype)
    if op == "tanh":
        g.emit("%s = math.tanh %s : %s" % (y.name, x.name, x.type), [y], [x])
    elif op == "neg":
        g.emit("%s = arith.negf %s : %s" % (y.name, x.name, x.type), [y], [x])
    elif op == "scale":
        s, sp = g.fresh("s"), g.fresh("sp")
        lines, dyn = g.dims_of(x)
        splat = "[" + ", ".join(dyn) + "]" if dyn else ""
        g.emit(lines + ["%s = arith.constant %s : %s" % (s, fmt_float(rng.choice([0.5, 2.0, -1.5])), x.dtype),
                        "%s = tensor.splat %s%s : %s" % (sp, s, splat, x.type),
                        "%s = arith.mulf %s, %s : %s" % (y.name, x.name, sp, x.type)], [y], [x])
    else:
        rank = len(x.shape)
        e = g.empty(x.shape, x.dtype, like=x)
        body, xf = widen("%xf", "%in", x.dtype)
        body.append("  %zero = arith.constant 0.0 : f32")
        if op == "relu_uge":
            body += ["  %keep = arith.cmpf uge, " + xf + ", %zero : f32",
                     "  %r = arith.select %keep, " + xf + ", %zero : f32"]
        else:
            body += ["  %half = arith.constant 0.5 : f32",
                     "  %one = arith.constant 1.0 : f32",
                     "  %rs2 = arith.constant 0.70710678 : f32",
                     "  %t = arith.mulf " + xf + ", %rs2 : f32",
                     "  %erf = math.erf %t : f32",
                     "  %p = arith.addf %erf, %one : f32",
                     "  %h = arith.mulf " + xf + ", %half : f32",
                     "  %r = arith.mulf %h, %p : f32"]
        tail, ro = narrow("%ro", "%r", x.dtype)
        ident = identity_map(rank)
        g.emit(["%s = linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]} ins(%s : %s) outs(%s : %s) {"
                % (y.name, ident, ident, ", ".join(['"parallel"'] * rank), x.name, x.type, e.name, e.type),
                "^bb0(%%in: %s, %%out: %s):" % (x.dtype, x.dtype)] + body + tail +
               ["  linalg.yield %s : %s" % (ro, x.dtype), "} -> %s" % y.type], [y], [x, e])
    return y


def matmul(g, x, n, transposed=None, weight_const=None):
    """x [M, K] times a weight into [M, N]: default or nn.Linear maps, bf16
    and f16 products accumulated in f32 and truncated, weights constant or
    arguments."""
    rng = g.rng
    m, k = x.shape
    if transposed is None:
        transposed = rng.random() < 0.5
    # A broadcast weight W [K] (every output column the same) now and then.
    broadcast = not transposed and rng.random() < 0.08
    wshape = [k] if broadcast else [n, k] if transposed else [k, n]
    if weight_const is None:
        weight_const = rng.random() < 0.4 and k * n <= 4096
    scale = 1.0 / max(1.0, k) ** 0.5
    w = g.const(wshape, x.dtype, scale) if weight_const else g.arg(wshape, x.dtype)
    # bf16/f16 products accumulate in f32 and are truncated back (what
    # torch-mlir writes): an accumulator in the narrow type itself rounds
    # every step, far beyond any tolerance a float64 check could take.
    acc = "f32"
    f = g.empty([m, n], acc, like=x, fill=0.0)
    maps = ""
    if transposed or broadcast or rng.random() < 0.3:
        b = "(k)" if broadcast else "(n, k)" if transposed else "(k, n)"
        maps = ("indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> %s>, "
                "affine_map<(m, n, k) -> (m, n)>] " % b)
    p = Value(g.fresh("mm"), [m, n], acc)
    g.emit("%s = linalg.matmul %sins(%s, %s : %s, %s) outs(%s : %s) -> %s"
           % (p.name, maps, x.name, w.name, x.type, w.type, f.name, f.type, p.type), [p], [x, w, f])
    if acc != x.dtype:
        t = Value(g.fresh("tr"), [m, n], x.dtype)
        if rng.random() < 0.5:
            g.emit("%s = arith.truncf %s : %s to %s" % (t.name, p.name, p.type, t.type), [t], [p])
        else:
            e = g.empty([m, n], x.dtype, like=x)
            g.emit(["%s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = [\"parallel\", \"parallel\"]} ins(%s : %s) outs(%s : %s) {"
                    % (t.name, p.name, p.type, e.name, e.type),
                    "^bb0(%%in: f32, %%out: %s):" % x.dtype,
                    "  %%t = arith.truncf %%in : f32 to %s" % x.dtype,
                    "  linalg.yield %%t : %s" % x.dtype,
                    "} -> %s" % t.type], [t], [p, e])
        p = t
    return p


def bias_add(g, p):
    m, n = p.shape
    b = g.const([n], p.dtype, 0.5) if g.rng.random() < 0.5 else g.arg([n], p.dtype)
    y = Value(g.fresh("b"), p.shape, p.dtype)
    if g.rng.random() < 0.5:
        e = g.empty(p.shape, p.dtype, like=p)
        bb = Value(g.fresh("bb"), p.shape, p.dtype)
        g.emit(["%s = linalg.broadcast ins(%s : %s) outs(%s : %s) dimensions = [0]"
                % (bb.name, b.name, b.type, e.name, e.type),
                "%s = arith.addf %s, %s : %s" % (y.name, p.name, bb.name, p.type)], [y], [p, b, e])
    else:
        e = g.empty(p.shape, p.dtype, like=p)
        g.emit(["%s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = [\"parallel\", \"parallel\"]} ins(%s, %s : %s, %s) outs(%s : %s) {"
                % (y.name, p.name, b.name, p.type, b.type, e.name, e.type),
                "^bb0(%%a: %s, %%b: %s, %%o: %s):" % (p.dtype, p.dtype, p.dtype),
                "  %%s = arith.addf %%a, %%b : %s" % p.dtype,
                "  linalg.yield %%s : %s" % p.dtype,
                "} -> %s" % y.type], [y], [p, b, e])
    return y


def block_row_norm(g):
    """A normalizer of a [M, D] or [M, T, D] input, then maybe an activation."""
    rng = g.rng
    if rng.random() < 0.7:
        x = g.input2d(FLOATS, ROWS, WIDTHS, dynamic=0.3)
    else:
        shape = [rng.choice(ROWS), rng.choice([2, 3, 4]), rng.choice(WIDTHS)]
        x = g.arg(shape, rng.choice(FLOATS), dynamic=(0,) if rng.random() < 0.3 else ())
    y = row_norm(g, x)
    if rng.random() < 0.5:
        y = elementwise(g, y)
    return g.offer(y)


def block_add_norm(g):
    """x + r, then a row normalizer: what norm-fuse-residual-add takes; the
    sum is returned too, or feeds a second add + norm."""
    rng = g.rng
    x = g.input2d(FLOATS, ROWS, WIDTHS, dynamic=0.3)
    dtype = x.dtype
    dyn = tuple(i for i, d in enumerate(x.shape) if d is None)
    r = g.arg([g.args[-1].sizes[0] if dyn and g.args[-1].value is x else x.shape[0],
               x.shape[1]], dtype, dynamic=dyn)
    s = Value(g.fresh("sum"), x.shape, dtype)
    g.emit("%s = arith.addf %s, %s : %s" % (s.name, x.name, r.name, x.type), [s], [x, r])
    y = row_norm(g, s)
    if rng.random() < 0.5:
        f = elementwise(g, y)
        s2 = Value(g.fresh("sum"), x.shape, dtype)
        g.emit("%s = arith.addf %s, %s : %s" % (s2.name, s.name, f.name, x.type), [s2], [s, f])
        g.offer(row_norm(g, s2))
    return g.offer(y)


def block_flashnorm(g):
    """A row normalizer read by one to three matmuls (FlashNorm)."""
    rng = g.rng
    x = g.input2d(["f32", "bf16"], ROWS, [8, 16, 17, 32, 64], dynamic=0.2)
    y = row_norm(g, x)
    transposed = rng.random() < 0.5
    out = None
    for _ in range(rng.choice([1, 2, 3])):
        out = g.offer(matmul(g, y, rng.choice([8, 16, 24, 33]), transposed=transposed))
    return out


def block_qk_norm(g):
    """A Q/K projection (maybe with a bias), split into heads, normalized
    per head."""
    rng = g.rng
    heads, hd = rng.choice([1, 2, 4]), rng.choice([8, 16, 32])
    x = g.input2d(["f32", "bf16"], ROWS, [16, 32, 64], dynamic=0.2)
    dtype, m = x.dtype, x.shape[0]
    p = matmul(g, x, heads * hd)
    if rng.random() < 0.5:
        p = bias_add(g, p)
    s = Value(g.fresh("heads"), [m, heads, hd], dtype)
    lines, dyn = g.dims_of(p)
    out_shape = ", ".join([dyn[0] if m is None else str(m), str(heads), str(hd)])
    g.emit(lines + ["%s = tensor.expand_shape %s [[0], [1, 2]] output_shape [%s] : %s into %s"
                    % (s.name, p.name, out_shape, p.type, s.type)], [s], [p])
    kind = rng.choice(["layer_norm", "rms_norm"])
    operands, uses = "", [s]
    if rng.random() < 0.7:
        sc = g.arg([hd], dtype)
        operands += " scale(%s : %s)" % (sc.name, sc.type)
        uses.append(sc)
    if kind == "layer_norm" and rng.random() < 0.6:
        b = g.arg([hd], dtype)
        operands += " bias(%s : %s)" % (b.name, b.type)
        uses.append(b)
    y = Value(g.fresh("qk"), s.shape, dtype)
    g.emit("%s = norm.%s %s%s%s : %s" % (y.name, kind, s.name, operands,
                                         norm_attrs(g, rms=kind == "rms_norm"), s.type), [y], uses)
    return y


def block_residual(g):
    """A norm.residual placement: pre-LN, post-LN (DeepNorm's scale),
    sandwich, or GPT-J parallel, with an elementwise or matmul sublayer."""
    rng = g.rng
    x = g.input2d(FLOATS, ROWS, [16, 32, 64, 65, 128])
    dtype, (m, d) = x.dtype, x.shape
    t = x.type
    placement = rng.choice(["pre", "post", "sandwich", "parallel"])

    def region_norm(arg):
        kind = rng.choice(["layer_norm", "rms_norm"])
        n = g.fresh("rn")
        return ["  ^bb0(%s: %s):" % (arg, t),
                "    %s = norm.%s %s%s : %s" % (n, kind, arg, norm_attrs(g, rms=kind == "rms_norm"), t),
                "    norm.yield %s : %s" % (n, t)]

    attrs = ""
    if placement == "post" and rng.random() < 0.5:
        attrs = " {residual_scale = %s : f64}" % rng.choice(["2.0", "0.5", "1.5"])
    y = Value(g.fresh("res"), [m, d], dtype)
    h = g.fresh("h")
    body = ["  ^bb0(%s: %s):" % (h, t)]
    f1, f2 = g.fresh("f"), g.fresh("f")
    body.append("    %s = math.tanh %s : %s" % (f1, h, t))
    yields = [f1]
    if placement == "parallel":
        body.append("    %s = arith.negf %s : %s" % (f2, h, t))
        yields.append(f2)
    body.append("    norm.yield %s : %s" % (", ".join(yields), ", ".join([t] * len(yields))))
    lines = ["%s = norm.residual %s%s : %s" % (y.name, x.name, attrs, t)]
    if placement in ("pre", "sandwich", "parallel"):
        lines += ["  pre {"] + region_norm(g.fresh("p")) + ["  }"]
    lines += ["  body {"] + body + ["  }"]
    if placement == "sandwich":
        lines += ["  out {"] + region_norm(g.fresh("o")) + ["  }"]
    if placement == "post":
        lines += ["  post {"] + region_norm(g.fresh("q")) + ["  }"]
    g.emit(lines, [y], [x])
    return g.offer(y)


def block_group_norm(g):
    rng = g.rng
    dtype = rng.choice(FLOATS)
    n, c = rng.choice([1, 2, 3]), rng.choice([4, 6, 8, 16])
    groups = rng.choice([gg for gg in [1, 2, 4, c] if c % gg == 0])
    hw = rng.choice([1, 3, 5, 7, 8, 16])
    nhwc = rng.random() < 0.4
    shape = [n, hw, hw, c] if nhwc else [n, c, hw, hw]
    x = g.arg(shape, dtype, dynamic=(0,) if rng.random() < 0.2 else ())
    operands, uses = "", [x]
    if rng.random() < 0.6:
        s = g.arg([c], dtype)
        operands += " scale(%s : %s)" % (s.name, s.type)
        uses.append(s)
    if rng.random() < 0.6:
        b = g.arg([c], dtype)
        operands += " bias(%s : %s)" % (b.name, b.type)
        uses.append(b)
    extra = {"num_groups": "%d : i64" % groups}
    if nhwc:
        extra["channel_axis"] = "3 : i64"
    y = Value(g.fresh("gn"), x.shape, dtype)
    g.emit("%s = norm.group_norm %s%s%s : %s" % (y.name, x.name, operands, norm_attrs(g, extra), x.type),
           [y], uses)
    return y


def block_batch_norm(g):
    rng = g.rng
    dtype = rng.choice(FLOATS)
    c = rng.choice([1, 3, 4, 8, 16])
    if rng.random() < 0.5:
        shape, axis = [rng.choice([2, 3, 8, 33]), c], 1
    else:
        n, hw = rng.choice([1, 2, 4]), rng.choice([1, 3, 4, 7])
        if rng.random() < 0.5:
            shape, axis = [n, c, hw, hw], 1
        else:
            shape, axis = [n, hw, hw, c], 3
    mode = rng.choice(["train", "eval"])
    x = g.arg(shape, dtype)
    pdtype = "f32"
    gamma, beta = g.arg([c], pdtype), g.arg([c], pdtype)
    mean = g.arg([c], pdtype)
    var = g.arg([c], pdtype, kind="positive")
    attrs = {}
    if axis != 1:
        attrs["channel_axis"] = "%d : i64" % axis
    if rng.random() < 0.4:
        attrs["momentum"] = "%s : f64" % rng.choice(["0.01", "0.5", "1.0"])
    mask, uses = "", [x, gamma, beta, mean, var]
    if mode == "train" and rng.random() < 0.3:
        mshape = [d for i, d in enumerate(shape) if i != axis]
        mk = g.arg(mshape, "i1", kind="mask")
        mask = " mask(%s : %s)" % (mk.name, mk.type)
        uses.append(mk)
    y = Value(g.fresh("bn"), shape, dtype)
    nm, nv = Value(g.fresh("rm"), [c], pdtype), Value(g.fresh("rv"), [c], pdtype)
    attr_text = norm_attrs(g, attrs)
    saved, saved_types = [], ""
    if rng.random() < 0.3:
        ct = "f64" if "compute_type = f64" in attr_text else "f32"
        saved = [Value(g.fresh("sm"), [c], ct), Value(g.fresh("sr"), [c], ct)]
        saved_types = " saved_mean(%s) saved_rstd(%s)" % (saved[0].type, saved[1].type)
    g.emit("%s = norm.batch_norm %s %s, %s, %s, %s, %s%s%s : %s, params %s, stats %s%s"
           % (", ".join(v.name for v in [y, nm, nv] + saved), mode, x.name, gamma.name, beta.name,
              mean.name, var.name, mask, attr_text, x.type, gamma.type, mean.type, saved_types),
           [y, nm, nv] + saved, uses)
    return y


def block_conv_bn(g):
    """A convolution with constant weights then an eval batch norm with
    constant parameters (norm-fold-batch-norm's case), NCHW or NHWC."""
    rng = g.rng
    n, c, f, hw = rng.choice([1, 2]), rng.choice([1, 2, 3]), rng.choice([2, 3, 4]), rng.choice([3, 4, 6])
    kh = rng.choice([1, 2, 3])
    oh = hw - kh + 1
    nhwc = rng.random() < 0.5
    if nhwc:
        x = g.arg([n, hw, hw, c], "f32")
        w = g.const([kh, kh, c, f], "f32", 0.5)
        out = [n, oh, oh, f]
        op, axis = "conv_2d_nhwc_hwcf", 3
    else:
        x = g.arg([n, c, hw, hw], "f32")
        w = g.const([f, c, kh, kh], "f32", 0.5)
        out = [n, f, oh, oh]
        op, axis = "conv_2d_nchw_fchw", 1
    z = g.empty(out, "f32", fill=0.0)
    cv = Value(g.fresh("conv"), out, "f32")
    g.emit("%s = linalg.%s ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
           % (cv.name, op, x.name, w.name, x.type, w.type, z.name, z.type, cv.type), [cv], [x, w, z])
    gamma, beta = g.const([f], "f32"), g.const([f], "f32")
    mean, var = g.const([f], "f32"), g.const([f], "f32", positive=True)
    y = Value(g.fresh("bn"), out, "f32")
    nm, nv = Value(g.fresh("rm"), [f], "f32"), Value(g.fresh("rv"), [f], "f32")
    attrs = " {channel_axis = 3 : i64}" if nhwc else ""
    g.emit("%s, %s, %s = norm.batch_norm eval %s, %s, %s, %s, %s%s : %s, params %s, stats %s"
           % (y.name, nm.name, nv.name, cv.name, gamma.name, beta.name, mean.name, var.name, attrs,
              cv.type, gamma.type, mean.type), [y], [cv, gamma, beta, mean, var])
    return y


def block_weight_norm(g):
    rng = g.rng
    dtype = rng.choice(FLOATS)
    o, i = rng.choice([1, 3, 8, 17]), rng.choice([1, 4, 16, 65])
    v = g.arg([o, i], dtype)
    if rng.random() < 0.5:
        gg = g.arg([o], dtype, kind="positive")
        attrs = " {dim = 0 : i64}"
    else:
        gg = g.arg([], dtype, kind="positive")
        attrs = ""
    w = Value(g.fresh("wn"), [o, i], dtype)
    g.emit("%s = norm.weight_norm %s, %s%s : %s, %s" % (w.name, v.name, gg.name, attrs, v.type, gg.type),
           [w], [v, gg])
    return w


def block_reshape_reduce(g):
    """A normalizer around transposes, reshapes and keepdim reductions."""
    rng = g.rng
    dtype = "f32"
    a, b, c = rng.choice([2, 3, 4]), rng.choice([4, 8, 16]), rng.choice([3, 8, 16])
    x = g.arg([a, b, c], dtype)
    if rng.random() < 0.5:
        e = g.empty([a, c, b], dtype)
        t = Value(g.fresh("t"), [a, c, b], dtype)
        g.emit("%s = linalg.transpose ins(%s : %s) outs(%s : %s) permutation = [0, 2, 1]"
               % (t.name, x.name, x.type, e.name, e.type), [t], [x, e])
        x = t
    flat = Value(g.fresh("flat"), [x.shape[0] * x.shape[1], x.shape[2]], dtype)
    g.emit("%s = tensor.collapse_shape %s [[0, 1], [2]] : %s into %s" % (flat.name, x.name, x.type, flat.type),
           [flat], [x])
    y = row_norm(g, flat)
    if rng.random() < 0.5:
        back = Value(g.fresh("back"), x.shape, dtype)
        g.emit("%s = tensor.expand_shape %s [[0, 1], [2]] output_shape [%d, %d, %d] : %s into %s"
               % (back.name, y.name, x.shape[0], x.shape[1], x.shape[2], y.type, back.type), [back], [y])
        # A keepdim sum over the leading dim, into (0, d1, d2).
        f = g.empty([1, x.shape[1], x.shape[2]], dtype, fill=0.0)
        r = Value(g.fresh("red"), [1, x.shape[1], x.shape[2]], dtype)
        g.emit(["%s = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (0, d1, d2)>], iterator_types = [\"reduction\", \"parallel\", \"parallel\"]} ins(%s : %s) outs(%s : %s) {"
                % (r.name, back.name, back.type, f.name, f.type),
                "^bb0(%in: f32, %o: f32):",
                "  %s = arith.addf %in, %o : f32",
                "  linalg.yield %s : f32",
                "} -> %s" % r.type], [r], [back, f])
        return r
    return y


def block_rope(g):
    """QK-norm then RoPE's rotate-half as one generic: a consumer reading
    the normalized row through (d + D/2) mod D."""
    rng = g.rng
    dtype = rng.choice(["f32", "bf16"])
    t, h, d = rng.choice([2, 5, 8]), rng.choice([1, 2, 4]), rng.choice([8, 16, 64, 128])
    q = g.arg([t, h, d], dtype)
    n = row_norm(g, q)
    cos, sin = g.arg([t, d], dtype), g.arg([t, d], dtype)
    e = g.empty([t, h, d], dtype)
    y = Value(g.fresh("rope"), [t, h, d], dtype)
    lines = ["%s = linalg.generic {indexing_maps = [affine_map<(t, h, d) -> (t, h, d)>, affine_map<(t, h, d) -> (t, h, (d + %d) mod %d)>, affine_map<(t, h, d) -> (t, d)>, affine_map<(t, h, d) -> (t, d)>, affine_map<(t, h, d) -> (t, h, d)>], iterator_types = [\"parallel\", \"parallel\", \"parallel\"]} ins(%s, %s, %s, %s : %s, %s, %s, %s) outs(%s : %s) {"
             % (y.name, d // 2, d, n.name, n.name, cos.name, sin.name, n.type, n.type, cos.type, sin.type, e.name, e.type),
             "^bb0(%%a0: %s, %%r0: %s, %%c0: %s, %%s0: %s, %%o: %s):" % ((dtype,) * 5)]
    wide = {}
    for v in ["a", "r", "c", "s"]:
        more, wide[v] = widen("%%%s" % v, "%%%s0" % v, dtype)
        lines += more
    lines += ["  %d = linalg.index 2 : index",
              "  %%hd = arith.constant %d : index" % (d // 2),
              "  %first = arith.cmpi ult, %d, %hd : index",
              "  %%neg = arith.negf %s : f32" % wide["r"],
              "  %%rot = arith.select %%first, %%neg, %s : f32" % wide["r"],
              "  %%ac = arith.mulf %s, %s : f32" % (wide["a"], wide["c"]),
              "  %%rs = arith.mulf %%rot, %s : f32" % wide["s"],
              "  %sum = arith.addf %ac, %rs : f32"]
    tail, out = narrow("%y", "%sum", dtype)
    lines += tail + ["  linalg.yield %s : %s" % (out, dtype)]
    lines.append("} -> %s" % y.type)
    g.emit(lines, [y], [n, cos, sin, e])
    return y


def block_batch_matmul(g):
    """A per-head batch_matmul [B, M, K] x [B, K, N], then a row normalizer
    of its result."""
    rng = g.rng
    b, m, k, n = rng.choice([1, 2, 3]), rng.choice([1, 4, 7]), rng.choice([4, 16, 33]), rng.choice([8, 16, 17])
    x = g.arg([b, m, k], "f32")
    w = g.arg([b, k, n], "f32") if rng.random() < 0.5 else g.const([b, k, n], "f32", 1.0 / k ** 0.5)
    f = g.empty([b, m, n], "f32", fill=0.0)
    p = Value(g.fresh("bmm"), [b, m, n], "f32")
    g.emit("%s = linalg.batch_matmul ins(%s, %s : %s, %s) outs(%s : %s) -> %s"
           % (p.name, x.name, w.name, x.type, w.type, f.name, f.type, p.type), [p], [x, w, f])
    return row_norm(g, p)


BLOCKS = [block_row_norm, block_add_norm, block_flashnorm, block_qk_norm, block_residual,
          block_group_norm, block_batch_norm, block_conv_bn, block_weight_norm,
          block_reshape_reduce, block_rope, block_batch_matmul]


def generate(seed):
    rng = random.Random(seed)
    g = Program(rng)
    for _ in range(rng.choice([1, 2, 2, 3, 4])):
        rng.choice(BLOCKS)(g)
    return g


# -- inputs, runs and minimization ----------------------------------------

def bf16_bits(a):
    bits = np.asarray(a, dtype=np.float32).reshape(np.shape(a)).view(np.uint32).astype(np.uint64)
    rounded = (bits + np.uint64(0x7FFF) + ((bits >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)
    return rounded.astype(np.uint16)


def write_inputs(g, directory, seed):
    rs = np.random.RandomState(seed % (2 ** 32))
    rows = {}
    files = []
    for i, a in enumerate(g.args):
        sizes = []
        for d, size in zip(a.value.shape, a.sizes):
            sizes.append(size)
        if a.kind == "mask":
            data = rs.rand(*sizes) < 0.8
        elif a.kind == "positive":
            data = rs.uniform(0.5, 1.5, sizes)
        else:
            data = rs.standard_normal(sizes)
        dt = a.value.dtype
        if dt == "f32":
            arr = np.asarray(data, dtype=np.float32)
        elif dt == "f16":
            arr = np.asarray(data, dtype=np.float16)
        elif dt == "bf16":
            arr = bf16_bits(data)
        elif dt == "i1":
            arr = np.asarray(data, dtype=np.bool_)
        else:
            raise ValueError(dt)
        path = os.path.join(directory, "arg%d.npy" % i)
        np.save(path, arr)
        files.append(path)
    return files


RESULT_LINE = re.compile(r"^result(\d+) \((\w+)\): .*max abs ([^,]+), .*(PASS|FAIL)")


def run_once(norm_run, path, inputs, options, atol, timeout=120):
    """Runs norm-run --check; returns (failure kind or None, command, output).
    A result that norm-run's per-type tolerance fails passes when its
    largest error is within `atol[dtype]`: a random program's own roundings
    (bf16 and f16 intermediates, reassociated f32 sums) compound through its
    ops, and the wrong answers this looks for are O(1) off."""
    cmd = [norm_run, path] + ["--input=" + f for f in inputs] + ["--check"] + options
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", cmd, ""
    out = p.stdout + p.stderr
    if p.returncode == 0:
        return None, cmd, out
    if p.returncode == 1:
        for line in out.splitlines():
            m = RESULT_LINE.match(line)
            if m and m.group(4) == "FAIL" and not float(m.group(3)) <= atol.get(m.group(2), 0.0):
                return "mismatch", cmd, out
        return None, cmd, out
    if p.returncode == 2:
        return "error", cmd, out
    return "crash (exit %d)" % p.returncode, cmd, out


def tolerance(g):
    """Per result type, the largest absolute error forgiven: four ulps at 1
    for bf16 and f16, a few times K eps for f32 sums that the compiled code
    may reassociate (matmuls, convolutions)."""
    text = "\n".join(line for s in g.stmts for line in s.lines)
    f32 = 1e-5 if ("linalg.matmul" in text or "linalg.conv" in text) else 2e-6
    # f64 results (statistics in f64) come from f32 or narrower data here,
    # whose own roundings they carry.
    return {"f32": f32, "bf16": 4 * 2.0 ** -7, "f16": 4 * 2.0 ** -10, "f64": f32}


def check_program(args, g, seed, sets, workdir):
    text, _ = g.text()
    path = os.path.join(workdir, "program.mlir")
    with open(path, "w") as f:
        f.write(text)
    inputs = write_inputs(g, workdir, seed)
    failures = []
    for name, options in sets:
        kind, cmd, out = run_once(args.norm_run, path, inputs, options, tolerance(g))
        if kind:
            failures.append((name, options, kind, cmd, out))
    return text, failures


def minimize(args, g, seed, options, kind, workdir):
    """Drops results, then statements, while `options` still fail the same
    way. Statements are dropped only when nothing that stays uses them."""
    def fails(stmts, returned):
        h = Program(g.rng)
        h.args, h.stmts, h.counter = g.args, stmts, g.counter
        names = set(r.name for s in stmts for r in s.results)
        if not returned or any(r.name not in names for r in returned):
            return False
        # Arguments that nothing uses stay (the signature is the inputs').
        text, _ = h.text(returned=returned)
        path = os.path.join(workdir, "min.mlir")
        with open(path, "w") as f:
            f.write(text)
        inputs = write_inputs(h, workdir, seed)
        got, _, _ = run_once(args.norm_run, path, inputs, options, tolerance(h))
        return got == kind

    stmts = list(g.stmts)
    _, returned = g.text()
    for r in list(returned):
        if len(returned) > 1 and fails(stmts, [x for x in returned if x is not r]):
            returned = [x for x in returned if x is not r]
    changed = True
    while changed:
        changed = False
        for s in list(reversed(stmts)):
            keep = [t for t in stmts if t is not s]
            used = set(u.name for t in keep for u in t.uses if u is not None) | set(r.name for r in returned)
            if any(r.name in used for r in s.results):
                continue
            if fails(keep, returned):
                stmts, changed = keep, True
    h = Program(g.rng)
    h.args, h.stmts, h.counter = g.args, stmts, g.counter
    text, _ = h.text(returned=returned)
    return h, text


def main():
    ap = argparse.ArgumentParser(
        description="Random norm programs, checked against float64 under every option set")
    ap.add_argument("--build", required=True, help="the build directory (bin/norm-run)")
    ap.add_argument("--seed", default="1", help="first seed, or 'random'")
    ap.add_argument("--count", type=int, default=20, help="programs to run")
    ap.add_argument("--option-sets", choices=["all", "quick"], default="all")
    ap.add_argument("--out", default=None, help="where reproducers go (default BUILD/fuzz/programs)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--print", action="store_true", help="print the program of --seed and stop")
    args = ap.parse_args()
    args.norm_run = os.path.join(args.build, "bin", "norm-run")
    first = random.randrange(1 << 30) if args.seed == "random" else int(args.seed)
    if args.print:
        sys.stdout.write(generate(first).text()[0])
        return 0
    sets = OPTION_SETS if args.option_sets == "all" else [s for s in OPTION_SETS if s[0] in QUICK_SETS]
    out = args.out or os.path.join(args.build, "fuzz", "programs")
    os.makedirs(out, exist_ok=True)
    root = tempfile.mkdtemp(prefix="norm-programs-")

    def one(seed):
        workdir = os.path.join(root, str(seed))
        os.makedirs(workdir)
        g = generate(seed)
        text, failures = check_program(args, g, seed, sets, workdir)
        return seed, g, text, failures

    bad = 0
    runs = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for seed, g, text, failures in pool.map(one, range(first, first + args.count)):
            runs += len(sets)
            if not failures:
                continue
            bad += 1
            name, options, kind, cmd, output = failures[0]
            workdir = os.path.join(root, str(seed))
            h, small = minimize(args, g, seed, options, kind, workdir)
            case = os.path.join(out, "seed-%d" % seed)
            os.makedirs(case, exist_ok=True)
            with open(os.path.join(case, "program.mlir"), "w") as f:
                f.write(small)
            write_inputs(h, case, seed)
            inputs = " ".join("--input=%s/arg%d.npy" % (case, i) for i in range(len(h.args)))
            command = "%s %s/program.mlir %s --check %s" % (
                args.norm_run, case, inputs, " ".join(options))
            with open(os.path.join(case, "README"), "w") as f:
                f.write("seed %d: %s under '%s' (%d of %d option sets failed)\n%s\n\n%s\n"
                        % (seed, kind, name, len(failures), len(sets), command, output[-3000:]))
            print("seed %d: %s under '%s' (and %d more option sets); minimized: %s"
                  % (seed, kind, name, len(failures) - 1, case))
            print("  " + "\n  ".join(output.strip().splitlines()[-4:]))
    shutil.rmtree(root, ignore_errors=True)
    print("random programs: %d programs from seed %d, %d runs under %d option sets: %s"
          % (args.count, first, runs, len(sets),
             "no failure" if not bad else "%d failed (reproducers in %s)" % (bad, out)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
