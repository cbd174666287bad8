#!/usr/bin/env python3
"""Writes transformer blocks as torch-mlir lowers them to linalg on tensors,
with every normalizer decomposed, for bench/raise/run.sh.

Each normalizer is spelled as torch-mlir's decompositions write it:
keepdim sums into (d0, 0), the count and epsilon as f64 constants truncated
in the bodies, pow(x, 2) as math.fpowi, one linalg.generic per aten op; in
bf16, the statistics of the extended input in f32 and the result truncated
(LayerNorm) or rounded before the weight multiply (LLaMA's RMSNorm).

  gpt2_block:   h = x + (LN1(x) Wa);  y = h + gelu_tanh(LN2(h) W1) W2
  llama_block:  h = x + (RMS1(x) Wa); y = h + (silu(RMS2(h) Wg) * (RMS2(h) Wu)) Wd
  gpt2_norms / llama_norms: the same blocks without the matmuls (the
                 projections replaced by tanh): the work norm-raise changes.

Attention is one projection (no softmax): the matmuls are what
`norm-raise` leaves alone, and they are the same in both programs.
usage: gen_blocks.py DTYPE(f32|bf16) > blocks.mlir
"""
import sys

T, D, F = 128, 768, 1024
EPS = 1e-5

ID = "affine_map<(d0, d1) -> (d0, d1)>"
KEEP = "affine_map<(d0, d1) -> (d0, 0)>"
COL = "affine_map<(d0, d1) -> (d1)>"


class Writer:
    def __init__(self, dtype):
        self.dtype = dtype
        self.lines = []
        self.n = 0

    def fresh(self, stem):
        self.n += 1
        return f"%{stem}{self.n}"

    def t(self, m=T, n=D, dtype=None):
        return f"tensor<{m}x{n}x{dtype or self.dtype}>"

    def generic(self, maps, ins, out_type, body, iters=("parallel", "parallel"),
                init=None, stem="g"):
        """ins: list of (value, type, scalar type); body: lines using %a0..."""
        res = self.fresh(stem)
        if init is None:
            init = self.fresh("e")
            self.lines.append(f"  {init} = tensor.empty() : {out_type}")
        scalar_out = out_type.split("x")[-1].rstrip(">")
        args = ", ".join(f"%a{i}: {s}" for i, (_, _, s) in enumerate(ins))
        args += f", %out: {scalar_out}"
        self.lines.append(
            f"  {res} = linalg.generic {{indexing_maps = [{', '.join(maps)}], "
            f"iterator_types = [{', '.join(repr(i).replace(chr(39), chr(34)) for i in iters)}]}} "
            f"ins({', '.join(v for v, _, _ in ins)} : {', '.join(t for _, t, _ in ins)}) "
            f"outs({init} : {out_type}) {{")
        self.lines.append(f"  ^bb0({args}):")
        self.lines += [f"    {l}" for l in body]
        self.lines.append(f"  }} -> {out_type}")
        return res

    def unary(self, x, xt, s, op_lines, out_s=None, stem="u"):
        out_s = out_s or s
        m, n = xt[7:].split("x")[:2]
        return self.generic([ID, ID], [(x, xt, s)], f"tensor<{m}x{n}x{out_s}>",
                            op_lines, stem=stem)

    def add(self, a, b, t, s):
        return self.generic([ID, ID, ID], [(a, t, s), (b, t, s)], t,
                            [f"%r = arith.addf %a0, %a1 : {s}",
                             f"linalg.yield %r : {s}"], stem="add")

    def keep_sum(self, x, xt, s):
        e = self.fresh("e")
        f = self.fresh("fill")
        self.lines.append(f"  {e} = tensor.empty() : tensor<{T}x1x{s}>")
        self.lines.append(
            f"  {f} = linalg.fill ins(%zero_{s} : {s}) outs({e} : tensor<{T}x1x{s}>) -> tensor<{T}x1x{s}>")
        return self.generic([ID, KEEP], [(x, xt, s)], f"tensor<{T}x1x{s}>",
                            [f"%r = arith.addf %a0, %out : {s}",
                             f"linalg.yield %r : {s}"],
                            iters=("parallel", "reduction"), init=f, stem="sum")

    def divide_count(self, v, s, extra=()):
        return self.generic([ID, ID], [(v, f"tensor<{T}x1x{s}>", s)],
                            f"tensor<{T}x1x{s}>",
                            [f"%n = arith.truncf %count : f64 to {s}",
                             f"%r = arith.divf %a0, %n : {s}", *extra],
                            stem="mean")

    def widen(self, x):
        """The f32 value of x (an extf generic for bf16)."""
        if self.dtype == "f32":
            return x
        return self.unary(x, self.t(), "bf16",
                          ["%r = arith.extf %a0 : bf16 to f32",
                           "linalg.yield %r : f32"], out_s="f32", stem="ext")

    def rstd_of(self, v):
        """rsqrt(mean(v^2) + eps) over the rows of the f32 value v, keepdim."""
        xt = self.t(dtype="f32")
        sq = self.unary(v, xt, "f32", ["%c2 = arith.constant 2 : i64",
                                       "%r = math.fpowi %a0, %c2 : f32, i64",
                                       "linalg.yield %r : f32"], stem="sq")
        return self.divide_count(self.keep_sum(sq, xt, "f32"), "f32",
                                 ["%e = arith.truncf %eps : f64 to f32",
                                  "%ve = arith.addf %r, %e : f32",
                                  "%rs = math.rsqrt %ve : f32",
                                  "linalg.yield %rs : f32"])

    def layer_norm(self, x, w, b):
        s = "f32"
        xf = self.widen(x)
        xt = self.t(dtype=s)
        mean = self.divide_count(self.keep_sum(xf, xt, s), s,
                                 ["linalg.yield %r : f32"])
        xm = self.generic([ID, KEEP, ID], [(xf, xt, s), (mean, f"tensor<{T}x1xf32>", s)],
                          xt, ["%r = arith.subf %a0, %a1 : f32",
                               "linalg.yield %r : f32"], stem="xm")
        rstd = self.rstd_of(xm)
        d = self.dtype
        body = ["%n1 = arith.mulf %a0, %a1 : f32"]
        if d == "f32":
            body += ["%n2 = arith.mulf %n1, %a2 : f32",
                     "%n3 = arith.addf %n2, %a3 : f32",
                     "linalg.yield %n3 : f32"]
        else:
            body += ["%w = arith.extf %a2 : bf16 to f32",
                     "%b = arith.extf %a3 : bf16 to f32",
                     "%n2 = arith.mulf %n1, %w : f32",
                     "%n3 = arith.addf %n2, %b : f32",
                     "%r = arith.truncf %n3 : f32 to bf16",
                     "linalg.yield %r : bf16"]
        return self.generic(
            [ID, KEEP, COL, COL, ID],
            [(xm, xt, s), (rstd, f"tensor<{T}x1xf32>", s),
             (w, f"tensor<{D}x{d}>", d), (b, f"tensor<{D}x{d}>", d)],
            self.t(), body, stem="ln")

    def rms_norm(self, x, w):
        s = "f32"
        xf = self.widen(x)
        xt = self.t(dtype=s)
        rstd = self.rstd_of(xf)
        d = self.dtype
        if d == "f32":
            body = ["%n1 = arith.mulf %a0, %a1 : f32",
                    "%n2 = arith.mulf %a2, %n1 : f32",
                    "linalg.yield %n2 : f32"]
        else:
            body = ["%n1 = arith.mulf %a0, %a1 : f32",
                    "%t = arith.truncf %n1 : f32 to bf16",
                    "%n2 = arith.mulf %a2, %t : bf16",
                    "linalg.yield %n2 : bf16"]
        return self.generic([ID, KEEP, COL, ID],
                            [(xf, xt, s), (rstd, f"tensor<{T}x1xf32>", s),
                             (w, f"tensor<{D}x{d}>", d)],
                            self.t(), body, stem="rms")

    def project(self, x, w, k, n, matmul):
        """x [T, k] times w [k, n] (or tanh of x where there are no
        matmuls, when k == n)."""
        d = self.dtype
        if not matmul:
            return self.unary(x, self.t(), d, widened(
                d, 1, ["%r = math.tanh ARG0 : f32"], "%r"), stem="proj")
        e = self.fresh("e")
        f = self.fresh("fill")
        out = self.fresh("mm")
        acc = "f32"
        self.lines.append(f"  {e} = tensor.empty() : tensor<{T}x{n}x{acc}>")
        self.lines.append(
            f"  {f} = linalg.fill ins(%zero_f32 : f32) outs({e} : tensor<{T}x{n}x{acc}>) -> tensor<{T}x{n}x{acc}>")
        self.lines.append(
            f"  {out} = linalg.matmul ins({x}, {w} : tensor<{T}x{k}x{d}>, tensor<{k}x{n}x{d}>) "
            f"outs({f} : tensor<{T}x{n}x{acc}>) -> tensor<{T}x{n}x{acc}>")
        if d == "f32":
            return out
        return self.unary(out, f"tensor<{T}x{n}xf32>", "f32",
                          ["%r = arith.truncf %a0 : f32 to bf16",
                           "linalg.yield %r : bf16"], out_s="bf16", stem="tr")


def widened(d, args, lines, result):
    """Body lines computing `result` in f32 from bf16 arguments (extended
    first, rounded once at the end, as autocast writes activations) or in
    f32 directly."""
    if d == "f32":
        return [l.replace("ARG", "%a") for l in lines] + [f"linalg.yield {result} : f32"]
    ext = [f"%x{i} = arith.extf %a{i} : bf16 to f32" for i in range(args)]
    return ext + [l.replace("ARG", "%x") for l in lines] + [
        f"%rb = arith.truncf {result} : f32 to bf16", "linalg.yield %rb : bf16"]


def gelu_tanh(w, x, n):
    return w.unary(x, w.t(T, n), w.dtype, widened(w.dtype, 1, [
        "%c = arith.constant 0.7978845608 : f32",
        "%k = arith.constant 0.044715 : f32",
        "%h = arith.constant 0.5 : f32",
        "%one = arith.constant 1.0 : f32",
        "%x3 = arith.mulf ARG0, ARG0 : f32",
        "%x3b = arith.mulf %x3, ARG0 : f32",
        "%kx3 = arith.mulf %k, %x3b : f32",
        "%in = arith.addf ARG0, %kx3 : f32",
        "%ci = arith.mulf %c, %in : f32",
        "%th = math.tanh %ci : f32",
        "%p = arith.addf %one, %th : f32",
        "%hx = arith.mulf %h, ARG0 : f32",
        "%r = arith.mulf %hx, %p : f32"], "%r"), stem="gelu")


def silu_mul(w, g, u, n):
    d = w.dtype
    t = w.t(T, n)
    return w.generic([ID, ID, ID], [(g, t, d), (u, t, d)], t, widened(d, 2, [
        "%neg = arith.negf ARG0 : f32",
        "%ex = math.exp %neg : f32",
        "%one = arith.constant 1.0 : f32",
        "%den = arith.addf %one, %ex : f32",
        "%sg = arith.divf ARG0, %den : f32",
        "%r = arith.mulf %sg, ARG1 : f32"], "%r"), stem="silu")


def function(dtype, name, kind, matmul):
    w = Writer(dtype)
    d = dtype
    xt = w.t()
    args = [f"%x: {xt}"]
    if kind == "gpt2":
        args += [f"%{p}: tensor<{D}x{d}>" for p in ("g1", "b1", "g2", "b2")]
    else:
        args += [f"%{p}: tensor<{D}x{d}>" for p in ("g1", "g2")]
    if matmul:
        args += [f"%wa: tensor<{D}x{D}x{d}>"]
        if kind == "gpt2":
            args += [f"%w1: tensor<{D}x{F}x{d}>", f"%w2: tensor<{F}x{D}x{d}>"]
        else:
            args += [f"%wg: tensor<{D}x{F}x{d}>", f"%wu: tensor<{D}x{F}x{d}>",
                     f"%wd: tensor<{F}x{D}x{d}>"]
    n = F if matmul else D
    if kind == "gpt2":
        n1 = w.layer_norm("%x", "%g1", "%b1")
        h = w.add("%x", w.project(n1, "%wa", D, D, matmul), xt, d)
        n2 = w.layer_norm(h, "%g2", "%b2")
        up = w.project(n2, "%w1", D, F, matmul)
        down = w.project(gelu_tanh(w, up, n), "%w2", F, D, matmul)
    else:
        n1 = w.rms_norm("%x", "%g1")
        h = w.add("%x", w.project(n1, "%wa", D, D, matmul), xt, d)
        n2 = w.rms_norm(h, "%g2")
        g = w.project(n2, "%wg", D, F, matmul)
        u = w.project(n2, "%wu", D, F, matmul) if matmul else n2
        down = w.project(silu_mul(w, g, u, n), "%wd", F, D, matmul)
    y = w.add(h, down, xt, d)
    head = [f"func.func @{name}({', '.join(args)}) -> {xt} {{",
            "  %zero_f32 = arith.constant 0.0 : f32",
            f"  %count = arith.constant {float(D)} : f64",
            f"  %eps = arith.constant {EPS:e} : f64"]
    return "\n".join(head + w.lines + [f"  return {y} : {xt}", "}"])


def main():
    dtype = sys.argv[1] if len(sys.argv) > 1 else "f32"
    print(f"// Generated by bench/raise/gen_blocks.py {dtype}.")
    for kind in ("gpt2", "llama"):
        print(function(dtype, f"{kind}_block", kind, True))
        print(function(dtype, f"{kind}_norms", kind, False))


if __name__ == "__main__":
    main()
