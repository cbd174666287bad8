#!/usr/bin/env python3
"""Writes a 32-block pre-norm transformer (LLaMA-style placement) as one
function, to time norm-opt through the CPU pipeline (bench/compile_time.sh).

Each block: h = x + Wo * (QK-normed Q/K/V projections, per-head RMSNorm of q
and k, attention weights omitted: v is mixed by q*k elementwise) of
RMSNorm1(x); y = h + W2 * gelu(W1 * RMSNorm2(h)). Weights are arguments.
usage: gen_transformer.py [BLOCKS] > module.mlir
"""
import sys

T, D, H, F = 128, 256, 4, 1024
HD = D // H


def matmul(out, a, w, m, k, n):
    return f"""    %{out}_e = tensor.empty() : tensor<{m}x{n}xf32>
    %{out}_i = linalg.fill ins(%zero : f32) outs(%{out}_e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
    %{out} = linalg.matmul ins(%{a}, %{w} : tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>) outs(%{out}_i : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
"""


def block(i, x):
    t = f"tensor<{T}x{D}xf32>"
    heads = f"tensor<{T}x{H}x{HD}xf32>"
    return f"""  %h{i} = norm.residual %{x} : {t} pre {{
  ^bb0(%a: {t}):
    %n = norm.rms_norm %a scale(%g1_{i} : tensor<{D}xf32>) : {t}
    norm.yield %n : {t}
  }} body {{
  ^bb0(%in: {t}):
{matmul("q", "in", f"wq_{i}", T, D, D)}{matmul("k", "in", f"wk_{i}", T, D, D)}{matmul("v", "in", f"wv_{i}", T, D, D)}    %qh = tensor.expand_shape %q [[0], [1, 2]] output_shape [{T}, {H}, {HD}] : {t} into {heads}
    %kh = tensor.expand_shape %k [[0], [1, 2]] output_shape [{T}, {H}, {HD}] : {t} into {heads}
    %qn = norm.rms_norm %qh scale(%gq_{i} : tensor<{HD}xf32>) : {heads}
    %kn = norm.rms_norm %kh scale(%gk_{i} : tensor<{HD}xf32>) : {heads}
    %qc = tensor.collapse_shape %qn [[0], [1, 2]] : {heads} into {t}
    %kc = tensor.collapse_shape %kn [[0], [1, 2]] : {heads} into {t}
    %qk = arith.mulf %qc, %kc : {t}
    %mix = arith.mulf %qk, %v : {t}
{matmul("o", "mix", f"wo_{i}", T, D, D)}    norm.yield %o : {t}
  }}
  %y{i} = norm.residual %h{i} : {t} pre {{
  ^bb0(%a: {t}):
    %n = norm.rms_norm %a scale(%g2_{i} : tensor<{D}xf32>) : {t}
    norm.yield %n : {t}
  }} body {{
  ^bb0(%in: {t}):
{matmul("u", "in", f"w1_{i}", T, D, F)}    %s = arith.mulf %u, %rsqrt2 : tensor<{T}x{F}xf32>
    %erf = math.erf %s : tensor<{T}x{F}xf32>
    %p = arith.addf %erf, %one : tensor<{T}x{F}xf32>
    %hu = arith.mulf %u, %half : tensor<{T}x{F}xf32>
    %act = arith.mulf %hu, %p : tensor<{T}x{F}xf32>
{matmul("f", "act", f"w2_{i}", T, F, D)}    norm.yield %f : {t}
  }}
"""


def main():
    blocks = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    args = [f"%x: tensor<{T}x{D}xf32>"]
    for i in range(blocks):
        args += [f"%g1_{i}: tensor<{D}xf32>", f"%g2_{i}: tensor<{D}xf32>",
                 f"%gq_{i}: tensor<{HD}xf32>", f"%gk_{i}: tensor<{HD}xf32>"]
        args += [f"%w{n}_{i}: tensor<{D}x{D}xf32>" for n in "qkvo"]
        args += [f"%w1_{i}: tensor<{D}x{F}xf32>", f"%w2_{i}: tensor<{F}x{D}xf32>"]
    out = [f"func.func @transformer({', '.join(args)}) -> tensor<{T}x{D}xf32> {{",
           "  %zero = arith.constant 0.0 : f32",
           f"  %half = arith.constant dense<0.5> : tensor<{T}x{F}xf32>",
           f"  %one = arith.constant dense<1.0> : tensor<{T}x{F}xf32>",
           f"  %rsqrt2 = arith.constant dense<0.70710678118654752> : tensor<{T}x{F}xf32>"]
    x = "x"
    for i in range(blocks):
        out.append(block(i, x))
        x = f"y{i}"
    out.append(f"  return %{x} : tensor<{T}x{D}xf32>\n}}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
