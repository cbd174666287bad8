#!/usr/bin/env python3
"""Writes the whole-program benchmarks (bench/programs/run.sh) as norm ops
and linalg on tensors, the way a front end hands a block to norm-mlir.

  bert_block     post-LN encoder block, f32: h = LN(x + attn(x)),
                 y = LN(h + W2 gelu_erf(W1 h + b1) + b2)
  llama_prefill  LLaMA-7B-shaped pre-norm decoder block, bf16, 512 tokens:
                 RMSNorm, Q/K/V projections, QK-norm (RMSNorm per head),
                 RoPE, attention, h = x + Wo attn, y = h + W2 (silu(W1 n) *
                 W3 n) with n = RMSNorm(h)
  llama_decode   the same block for 8 new tokens attending to a 504-token
                 KV cache (the new keys and values written into it)
  vit_block      pre-LN encoder block, f32, 197 tokens, exact GELU
  unet_resblock_nchw / unet_resblock_nhwc  GroupNorm(32) + SiLU + conv3x3,
                 twice, plus the input, f32
  resnet_block   conv3x3 + BatchNorm (eval) + ReLU, twice, plus the input,
                 then ReLU, f32; filters and batch-norm parameters are
                 constants, so norm-fold-batch-norm folds each BN into its conv
  proj_{bare,rmsnorm,qknorm}_{prefill,decode}  one bf16 projection [M, 4096]
                 x [4096, 4096], bare, after an RMSNorm of x, or with QK-norm
                 (RMSNorm per head of 128) of its output: what the norm costs
                 next to the matmul it fuses with (norm-fuse-qk) or precedes

Weights are nn.Linear's [N, K] (read transposed), conv filters FCHW (HWCF
in NHWC), attention is non-causal and computed with explicit matmuls and
softmax (as bench/programs/torch_programs.py does it). With --tiny the same
programs are written at sizes the float64 evaluation checks in seconds
(test/Integration/CPU/programs.mlir).

usage: gen_programs.py [--tiny] > programs.mlir
       gen_programs.py [--tiny] --flops    matmul + conv FLOPs per program
"""
import random
import struct
import sys

TINY = "--tiny" in sys.argv[1:]

# Shapes: (tokens, model dim, heads, MLP dim); decode: (new tokens, cache).
BERT = (32, 64, 4, 128) if TINY else (512, 768, 12, 3072)
VIT = (20, 48, 4, 96) if TINY else (197, 768, 12, 3072)
LLAMA = (16, 64, 4, 96) if TINY else (512, 4096, 32, 11008)
DECODE = (2, 6) if TINY else (8, 504)
UNET = (1, 32, 8, 8) if TINY else (4, 128, 32, 32)  # N, C, H, W
RESNET = (1, 8, 10, 10) if TINY else (8, 64, 56, 56)
GROUPS = 8 if TINY else 32
EPS = "1.0e-05"


def ty(shape, dtype):
    return "tensor<" + "x".join(str(d) for d in shape) + f"x{dtype}>"


def ident(rank):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({dims})>"


class Fn:
    """One func.func being written: SSA values carry their shapes."""

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype
        self.args, self.lines, self.n = [], [], 0
        self.shapes = {}

    def fresh(self, shape):
        self.n += 1
        v = f"%t{self.n}"
        self.shapes[v] = list(shape)
        return v

    def arg(self, name, shape, dtype=None):
        v = f"%{name}"
        self.shapes[v] = list(shape)
        self.args.append(f"{v}: {ty(shape, dtype or self.dtype)}")
        return v

    def constant(self, shape, values):
        """An f32 constant (hex: a deployed model's weights)."""
        v = self.fresh(shape)
        data = struct.pack(f"<{len(values)}f", *values).hex().upper()
        self.emit(f'{v} = arith.constant dense<"0x{data}"> : {ty(shape, self.dtype)}')
        return v

    def t(self, v, dtype=None):
        return ty(self.shapes[v], dtype or self.dtype)

    def emit(self, line):
        self.lines.append("  " + line)

    def zeros(self, shape, dtype=None):
        dtype = dtype or self.dtype
        e, z, f = self.fresh(shape), self.fresh([]), self.fresh(shape)
        self.emit(f"{e} = tensor.empty() : {ty(shape, dtype)}")
        self.emit(f"{z} = arith.constant 0.0 : {dtype}")
        self.emit(f"{f} = linalg.fill ins({z} : {dtype}) outs({e} : {ty(shape, dtype)}) -> {ty(shape, dtype)}")
        return f

    def generic(self, ins, maps, shape, body, iters=None, init=None):
        """ins: values; maps: their maps then the output's; body: lines over
        %a0.. and %o, the last defining %r."""
        iters = iters or ["parallel"] * len(shape)
        if init is None:
            init = self.fresh(shape)
            self.emit(f"{init} = tensor.empty() : {ty(shape, self.dtype)}")
        out = self.fresh(shape)
        ins_types = ", ".join(self.t(v) for v in ins)
        its = ", ".join(f'"{i}"' for i in iters)
        self.emit(f"{out} = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{its}]}} "
                  f"ins({', '.join(ins)} : {ins_types}) outs({init} : {self.t(out)}) {{")
        args = ", ".join(f"%a{i}: {self.dtype}" for i in range(len(ins)))
        self.emit(f"^bb0({args}, %o: {self.dtype}):")
        for line in body:
            self.emit("  " + line)
        self.emit(f"  linalg.yield %r : {self.dtype}")
        self.emit(f"}} -> {self.t(out)}")
        return out

    def elementwise(self, ins, body):
        rank = len(self.shapes[ins[0]])
        return self.generic(ins, [ident(rank)] * (len(ins) + 1), self.shapes[ins[0]], body)

    def add(self, a, b):
        return self.elementwise([a, b], [f"%r = arith.addf %a0, %a1 : {self.dtype}"])

    def mul(self, a, b):
        return self.elementwise([a, b], [f"%r = arith.mulf %a0, %a1 : {self.dtype}"])

    def linear(self, x, w, bias=None):
        """x [M, K] times nn.Linear's w [N, K], plus a bias [N]."""
        m, n = self.shapes[x][0], self.shapes[w][0]
        init = self.zeros([m, n])
        y = self.fresh([m, n])
        self.emit(f"{y} = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, "
                  f"affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] "
                  f"ins({x}, {w} : {self.t(x)}, {self.t(w)}) outs({init} : {self.t(y)}) -> {self.t(y)}")
        if bias is None:
            return y
        return self.generic([y, bias], [ident(2), "affine_map<(d0, d1) -> (d1)>", ident(2)], [m, n],
                            [f"%r = arith.addf %a0, %a1 : {self.dtype}"])

    def norm(self, kind, x, scale, bias=None):
        y = self.fresh(self.shapes[x])
        params = f" scale({scale} : {self.t(scale)})"
        if bias is not None:
            params += f" bias({bias} : {self.t(bias)})"
        self.emit(f"{y} = norm.{kind} {x}{params} {{epsilon = {EPS} : f64}} : {self.t(x)}")
        return y

    def gelu(self, x):
        d = self.dtype
        return self.elementwise([x], [
            f"%c = arith.constant 0.7071067811865476 : {d}",
            f"%h = arith.constant 0.5 : {d}",
            f"%one = arith.constant 1.0 : {d}",
            f"%s = arith.mulf %a0, %c : {d}",
            f"%e = math.erf %s : {d}",
            f"%p = arith.addf %e, %one : {d}",
            f"%q = arith.mulf %a0, %p : {d}",
            f"%r = arith.mulf %q, %h : {d}"])

    def silu(self, x):
        d = self.dtype
        return self.elementwise([x], [
            f"%one = arith.constant 1.0 : {d}",
            f"%n = arith.negf %a0 : {d}",
            f"%e = math.exp %n : {d}",
            f"%p = arith.addf %e, %one : {d}",
            f"%r = arith.divf %a0, %p : {d}"])

    def relu(self, x):
        d = self.dtype
        return self.elementwise([x], [f"%z = arith.constant 0.0 : {d}",
                                      f"%r = arith.maximumf %a0, %z : {d}"])

    def heads(self, x, h):
        """[T, H * Dh] -> [T, H, Dh]."""
        t, dm = self.shapes[x]
        y = self.fresh([t, h, dm // h])
        self.emit(f"{y} = tensor.expand_shape {x} [[0], [1, 2]] output_shape [{t}, {h}, {dm // h}] "
                  f": {self.t(x)} into {self.t(y)}")
        return y

    def merge_heads(self, x):
        t, h, dh = self.shapes[x]
        y = self.fresh([t, h * dh])
        self.emit(f"{y} = tensor.collapse_shape {x} [[0], [1, 2]] : {self.t(x)} into {self.t(y)}")
        return y

    def attention(self, q, k, v):
        """softmax(q k^T / sqrt(Dh)) v over heads: q [T, H, Dh], k, v [S, H, Dh]."""
        t, h, dh = self.shapes[q]
        s = self.shapes[k][0]
        d = self.dtype
        scores = self.generic(
            [q, k], ["affine_map<(h, t, s, d) -> (t, h, d)>", "affine_map<(h, t, s, d) -> (s, h, d)>",
                     "affine_map<(h, t, s, d) -> (h, t, s)>"], [h, t, s],
            [f"%p = arith.mulf %a0, %a1 : {d}", f"%r = arith.addf %o, %p : {d}"],
            iters=["parallel", "parallel", "parallel", "reduction"], init=self.zeros([h, t, s]))
        scale = 1.0 / dh ** 0.5
        scaled = self.elementwise([scores], [f"%c = arith.constant {scale!r} : {d}",
                                             f"%r = arith.mulf %a0, %c : {d}"])
        e = self.fresh([h, t, s])
        p = self.fresh([h, t, s])
        self.emit(f"{e} = tensor.empty() : {self.t(e)}")
        self.emit(f"{p} = linalg.softmax dimension(2) ins({scaled} : {self.t(scaled)}) outs({e} : {self.t(e)}) -> {self.t(p)}")
        return self.generic(
            [p, v], ["affine_map<(t, h, d, s) -> (h, t, s)>", "affine_map<(t, h, d, s) -> (s, h, d)>",
                     "affine_map<(t, h, d, s) -> (t, h, d)>"], [t, h, dh],
            [f"%p = arith.mulf %a0, %a1 : {d}", f"%r = arith.addf %o, %p : {d}"],
            iters=["parallel", "parallel", "parallel", "reduction"], init=self.zeros([t, h, dh]))

    def rope(self, x, cos, sin):
        """Rotates pairs (x[2i], x[2i+1]) of each head by the angles of
        cos/sin [T, Dh/2]."""
        t, h, dh = self.shapes[x]
        pairs = self.fresh([t, h, dh // 2, 2])
        self.emit(f"{pairs} = tensor.expand_shape {x} [[0], [1], [2, 3]] output_shape [{t}, {h}, {dh // 2}, 2] "
                  f": {self.t(x)} into {self.t(pairs)}")
        d = self.dtype
        rotated = self.generic(
            [pairs, pairs, cos, sin],
            ["affine_map<(t, h, i, j) -> (t, h, i, 0)>", "affine_map<(t, h, i, j) -> (t, h, i, 1)>",
             "affine_map<(t, h, i, j) -> (t, i)>", "affine_map<(t, h, i, j) -> (t, i)>",
             ident(4)], [t, h, dh // 2, 2],
            ["%j = linalg.index 3 : index",
             "%c0 = arith.constant 0 : index",
             "%first = arith.cmpi eq, %j, %c0 : index",
             f"%xc = arith.mulf %a0, %a2 : {d}", f"%ys = arith.mulf %a1, %a3 : {d}",
             f"%xs = arith.mulf %a0, %a3 : {d}", f"%yc = arith.mulf %a1, %a2 : {d}",
             f"%r0 = arith.subf %xc, %ys : {d}", f"%r1 = arith.addf %xs, %yc : {d}",
             f"%r = arith.select %first, %r0, %r1 : {d}"])
        y = self.fresh([t, h, dh])
        self.emit(f"{y} = tensor.collapse_shape {rotated} [[0], [1], [2, 3]] : {self.t(rotated)} into {self.t(y)}")
        return y

    def conv3x3(self, x, w, nhwc):
        """Same-padded 3x3 convolution."""
        d = self.dtype
        shape = self.shapes[x]
        if nhwc:
            n, hh, ww, c = shape
            padded_shape, low = [n, hh + 2, ww + 2, c], "[0, 1, 1, 0]"
            f = self.shapes[w][3]
            out_shape = [n, hh, ww, f]
            op = "conv_2d_nhwc_hwcf"
        else:
            n, c, hh, ww = shape
            padded_shape, low = [n, c, hh + 2, ww + 2], "[0, 0, 1, 1]"
            f = self.shapes[w][0]
            out_shape = [n, f, hh, ww]
            op = "conv_2d_nchw_fchw"
        z, padded = self.fresh([]), self.fresh(padded_shape)
        self.emit(f"{z} = arith.constant 0.0 : {d}")
        self.emit(f"{padded} = tensor.pad {x} low{low} high{low} {{")
        self.emit("^bb0(%i0: index, %i1: index, %i2: index, %i3: index):")
        self.emit(f"  tensor.yield {z} : {d}")
        self.emit(f"}} : {self.t(x)} to {self.t(padded)}")
        init = self.zeros(out_shape)
        y = self.fresh(out_shape)
        self.emit(f"{y} = linalg.{op} {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}} "
                  f"ins({padded}, {w} : {self.t(padded)}, {self.t(w)}) outs({init} : {self.t(y)}) -> {self.t(y)}")
        return y

    def text(self, results):
        types = ", ".join(self.t(r) for r in results)
        out = [f"func.func @{self.name}({', '.join(self.args)}) -> ({types}) {{"]
        out += self.lines
        out.append(f"  return {', '.join(results)} : {types}")
        out.append("}")
        return "\n".join(out)


def encoder_block(name, shape, post_ln):
    t, dm, h, ff = shape
    f = Fn(name, "f32")
    x = f.arg("x", [t, dm])
    wq, wk, wv, wo = (f.arg(n, [dm, dm]) for n in ("wq", "wk", "wv", "wo"))
    bq, bk, bv, bo = (f.arg(n, [dm]) for n in ("bq", "bk", "bv", "bo"))
    w1, b1 = f.arg("w1", [ff, dm]), f.arg("b1", [ff])
    w2, b2 = f.arg("w2", [dm, ff]), f.arg("b2", [dm])
    g1, be1, g2, be2 = (f.arg(n, [dm]) for n in ("g1", "be1", "g2", "be2"))

    def attn(inp):
        q, k, v = (f.heads(f.linear(inp, w, b), h) for w, b in ((wq, bq), (wk, bk), (wv, bv)))
        return f.linear(f.merge_heads(f.attention(q, k, v)), wo, bo)

    def mlp(inp):
        return f.linear(f.gelu(f.linear(inp, w1, b1)), w2, b2)

    if post_ln:
        hid = f.norm("layer_norm", f.add(x, attn(x)), g1, be1)
        y = f.norm("layer_norm", f.add(hid, mlp(hid)), g2, be2)
    else:
        hid = f.add(x, attn(f.norm("layer_norm", x, g1, be1)))
        y = f.add(hid, mlp(f.norm("layer_norm", hid, g2, be2)))
    return f.text([y])


def llama_block(name, shape, decode):
    t, dm, h, ff = LLAMA
    dh = dm // h
    f = Fn(name, "bf16")
    if decode:
        t, cached = DECODE
    x = f.arg("x", [t, dm])
    wq, wk, wv, wo = (f.arg(n, [dm, dm]) for n in ("wq", "wk", "wv", "wo"))
    w1, w3 = f.arg("w1", [ff, dm]), f.arg("w3", [ff, dm])
    w2 = f.arg("w2", [dm, ff])
    g1, g2 = f.arg("g1", [dm]), f.arg("g2", [dm])
    gq, gk = f.arg("gq", [dh]), f.arg("gk", [dh])
    cos, sin = f.arg("cos", [t, dh // 2]), f.arg("sin", [t, dh // 2])
    if decode:
        kcache = f.arg("k_cache", [cached + t, h, dh])
        vcache = f.arg("v_cache", [cached + t, h, dh])

    n1 = f.norm("rms_norm", x, g1)
    q = f.rope(f.norm("rms_norm", f.heads(f.linear(n1, wq), h), gq), cos, sin)
    k = f.rope(f.norm("rms_norm", f.heads(f.linear(n1, wk), h), gk), cos, sin)
    v = f.heads(f.linear(n1, wv), h)
    if decode:
        # The new keys and values written into the cache at its end.
        kall, vall = f.fresh(f.shapes[kcache]), f.fresh(f.shapes[vcache])
        for new, cache, out in ((k, kcache, kall), (v, vcache, vall)):
            f.emit(f"{out} = tensor.insert_slice {new} into {cache}[{cached}, 0, 0] [{t}, {h}, {dh}] [1, 1, 1] "
                   f": {f.t(new)} into {f.t(cache)}")
        k, v = kall, vall
    hid = f.add(x, f.linear(f.merge_heads(f.attention(q, k, v)), wo))
    n2 = f.norm("rms_norm", hid, g2)
    gate = f.mul(f.silu(f.linear(n2, w1)), f.linear(n2, w3))
    y = f.add(hid, f.linear(gate, w2))
    return f.text([y])


def unet_resblock(name, nhwc):
    n, c, hh, ww = UNET
    f = Fn(name, "f32")
    shape = [n, hh, ww, c] if nhwc else [n, c, hh, ww]
    filt = [3, 3, c, c] if nhwc else [c, c, 3, 3]
    x = f.arg("x", shape)
    g1, b1, g2, b2 = (f.arg(p, [c]) for p in ("g1", "b1", "g2", "b2"))
    w1, w2 = f.arg("w1", filt), f.arg("w2", filt)

    def gn(v, g, b):
        y = f.fresh(f.shapes[v])
        axis = ", channel_axis = 3 : i64" if nhwc else ""
        f.emit(f"{y} = norm.group_norm {v} scale({g} : {f.t(g)}) bias({b} : {f.t(b)}) "
               f"{{num_groups = {GROUPS} : i64, epsilon = {EPS} : f64{axis}}} : {f.t(v)}")
        return y

    hid = f.conv3x3(f.silu(gn(x, g1, b1)), w1, nhwc)
    y = f.add(x, f.conv3x3(f.silu(gn(hid, g2, b2)), w2, nhwc))
    return f.text([y])


def resnet_block(name):
    """Inference: the filters and the batch norms' parameters and running
    statistics are constants (a deployed model), so norm-fold-batch-norm
    folds each batch norm into the convolution before it."""
    n, c, hh, ww = RESNET
    f = Fn(name, "f32")
    rng = random.Random(0)
    x = f.arg("x", [n, c, hh, ww])

    def filt():
        scale = (9 * c) ** -0.5
        return f.constant([c, c, 3, 3], [rng.gauss(0, scale) for _ in range(c * c * 9)])

    def params():
        return (f.constant([c], [rng.gauss(1, 0.1) for _ in range(c)]),
                f.constant([c], [rng.gauss(0, 0.1) for _ in range(c)]),
                f.constant([c], [rng.gauss(0, 0.1) for _ in range(c)]),
                f.constant([c], [rng.uniform(0.5, 1.5) for _ in range(c)]))

    def bn(v, g, b, m, var):
        y, nm, nv = f.fresh(f.shapes[v]), f.fresh([c]), f.fresh([c])
        f.emit(f"{y}, {nm}, {nv} = norm.batch_norm eval {v}, {g}, {b}, {m}, {var} {{epsilon = {EPS} : f64}} "
               f": {f.t(v)}, params {f.t(g)}, stats {f.t(m)}")
        return y

    hid = f.relu(bn(f.conv3x3(x, filt(), False), *params()))
    y = f.relu(f.add(x, bn(f.conv3x3(hid, filt(), False), *params())))
    return f.text([y])


PROJ = (32, 64, 4) if TINY else (4096, 4096, 32)  # K, N, heads
PROJ_ROWS = {"prefill": 16 if TINY else 512, "decode": 2 if TINY else 8}


def projection(name, rows, norm):
    """x [M, K] times nn.Linear's W [N, K] in bf16: bare, after an RMSNorm
    of x (norm = "pre"), or with QK-norm of the output's heads ("qk")."""
    k, n, h = PROJ
    f = Fn(name, "bf16")
    x = f.arg("x", [rows, k])
    w = f.arg("w", [n, k])
    if norm == "pre":
        x = f.norm("rms_norm", x, f.arg("g", [k]))
    y = f.linear(x, w)
    if norm == "qk":
        y = f.merge_heads(f.norm("rms_norm", f.heads(y, h), f.arg("g", [n // h])))
    return f.text([y])


def flops():
    """Matmul and convolution FLOPs (2 per multiply-add) per program."""
    def encoder(shape):
        t, d, h, ff = shape
        return 2 * t * d * (4 * d + 2 * ff) + 2 * 2 * t * t * d

    def llama(t, s):
        d, ff = LLAMA[1], LLAMA[3]
        return 2 * t * d * (4 * d + 3 * ff) + 2 * 2 * t * s * d

    def convs(shape, n):
        b, c, hh, ww = shape
        return n * 2 * b * c * c * 9 * hh * ww

    t, cached = DECODE
    proj = {f"proj_{kind}_{phase}": 2 * rows * PROJ[0] * PROJ[1]
            for phase, rows in PROJ_ROWS.items() for kind in ("bare", "rmsnorm", "qknorm")}
    return {
        "bert_block": encoder(BERT), "llama_prefill": llama(LLAMA[0], LLAMA[0]),
        "llama_decode": llama(t, cached + t), "vit_block": encoder(VIT),
        "unet_resblock_nchw": convs(UNET, 2), "unet_resblock_nhwc": convs(UNET, 2),
        "resnet_block": convs(RESNET, 2),
    } | proj


def main():
    if "--flops" in sys.argv[1:]:
        for name, n in flops().items():
            print(name, n)
        return
    programs = [
        encoder_block("bert_block", BERT, post_ln=True),
        llama_block("llama_prefill", LLAMA, decode=False),
        llama_block("llama_decode", LLAMA, decode=True),
        encoder_block("vit_block", VIT, post_ln=False),
        unet_resblock("unet_resblock_nchw", nhwc=False),
        unet_resblock("unet_resblock_nhwc", nhwc=True),
        resnet_block("resnet_block"),
    ] + [projection(f"proj_{kind}_{phase}", rows, norm)
         for phase, rows in PROJ_ROWS.items()
         for kind, norm in (("bare", None), ("rmsnorm", "pre"), ("qknorm", "qk"))]
    print("// Generated by bench/programs/gen_programs.py" + (" --tiny" if TINY else "") + "; do not edit.")
    print("\n\n".join(programs))


if __name__ == "__main__":
    main()
