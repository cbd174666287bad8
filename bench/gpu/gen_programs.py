#!/usr/bin/env python3
"""Writes one norm program per GPU benchmark into DIR, named
KIND_DTYPE_ROWSxWIDTH.mlir (one public function each, static shapes):
layer_norm, rms_norm, add_rms_norm and qk_norm (RMS over heads of 128) at
the rows x width of issue 5, in bf16 and f32; batch_norm (train) and
group_norm (32 groups) at 64x256x28x28; the backward of layer_norm, rms_norm
and add_rms_norm (dx and the cross-row dscale/dbias from dy, x and the saved
statistics) at GRAD_SHAPES. bench/gpu/torch_bench.py runs the
same list (it imports CASES), so the two sides always agree.
"""
import os
import sys

ROW_SHAPES = [(16384, 4096), (4096, 8192), (65536, 1024), (262144, 128)]
DTYPES = ["bf16", "f32"]
NCHW = (64, 256, 28, 28)
HEAD_DIM = 128
GRAD_SHAPES = [(16384, 4096), (65536, 1024)]


def row_case(kind, dt, rows, width):
    x = f"tensor<{rows}x{width}x{dt}>"
    p = f"tensor<{width}x{dt}>"
    if kind == "layer_norm":
        body = f"""func.func @{kind}(%x: {x}, %g: {p}, %b: {p}) -> {x} {{
  %y = norm.layer_norm %x scale(%g : {p}) bias(%b : {p}) : {x}
  return %y : {x}
}}"""
    elif kind == "rms_norm":
        body = f"""func.func @{kind}(%x: {x}, %g: {p}) -> {x} {{
  %y = norm.rms_norm %x scale(%g : {p}) : {x}
  return %y : {x}
}}"""
    elif kind == "add_rms_norm":
        body = f"""func.func @{kind}(%x: {x}, %r: {x}, %g: {p}) -> ({x}, {x}) {{
  %y, %s = norm.add_rms_norm %x, %r scale(%g : {p}) : {x}
  return %y, %s : {x}, {x}
}}"""
    else:  # qk_norm: each head of 128 normalized on its own
        heads = width // HEAD_DIM
        q = f"tensor<{rows}x{heads}x{HEAD_DIM}x{dt}>"
        w = f"tensor<{HEAD_DIM}x{dt}>"
        body = f"""func.func @{kind}(%q: {q}, %w: {w}) -> {q} {{
  %y = norm.rms_norm %q scale(%w : {w}) : {q}
  return %y : {q}
}}"""
    return body


def grad_case(kind, dt, rows, width):
    x = f"tensor<{rows}x{width}x{dt}>"
    p = f"tensor<{width}x{dt}>"
    st = f"tensor<{rows}xf32>"
    if kind == "layer_norm_grad":
        return f"""func.func @{kind}(%dy: {x}, %x: {x}, %mean: {st}, %rstd: {st}, %g: {p})
    -> ({x}, {p}, {p}) {{
  %dx, %dg, %db = norm.layer_norm_grad %dy, %x, %mean, %rstd scale(%g : {p})
      : {x}, stats {st} scale_grad({p}) bias_grad({p})
  return %dx, %dg, %db : {x}, {p}, {p}
}}"""
    sum_grad = f" sum_grad(%ds : {x})" if kind == "add_rms_norm_grad" else ""
    extra = f", %ds: {x}" if sum_grad else ""
    return f"""func.func @{kind}(%dy: {x}, %x: {x}, %rstd: {st}, %g: {p}{extra})
    -> ({x}, {p}) {{
  %dx, %dg = norm.rms_norm_grad %dy, %x, %rstd scale(%g : {p}){sum_grad}
      : {x}, stats {st} scale_grad({p})
  return %dx, %dg : {x}, {p}
}}"""


def conv_case(kind, dt):
    n, c, h, w = NCHW
    x = f"tensor<{n}x{c}x{h}x{w}x{dt}>"
    p = f"tensor<{c}x{dt}>"
    if kind == "batch_norm":
        return f"""func.func @{kind}(%x: {x}, %g: {p}, %b: {p}, %m: {p}, %v: {p})
    -> ({x}, {p}, {p}) {{
  %y, %nm, %nv = norm.batch_norm train %x, %g, %b, %m, %v
      : {x}, params {p}, stats {p}
  return %y, %nm, %nv : {x}, {p}, {p}
}}"""
    return f"""func.func @{kind}(%x: {x}, %g: {p}, %b: {p}) -> {x} {{
  %y = norm.group_norm %x scale(%g : {p}) bias(%b : {p}) {{num_groups = 32 : i64}} : {x}
  return %y : {x}
}}"""


def cases():
    """(name, kind, dtype, shape, mlir) for every benchmark."""
    out = []
    for kind in ["layer_norm", "rms_norm", "add_rms_norm", "qk_norm"]:
        for dt in DTYPES:
            for rows, width in ROW_SHAPES:
                name = f"{kind}_{dt}_{rows}x{width}"
                out.append((name, kind, dt, (rows, width),
                            row_case(kind, dt, rows, width)))
    for kind in ["batch_norm", "group_norm"]:
        for dt in DTYPES:
            name = f"{kind}_{dt}_{'x'.join(map(str, NCHW))}"
            out.append((name, kind, dt, NCHW, conv_case(kind, dt)))
    for kind in ["layer_norm_grad", "rms_norm_grad", "add_rms_norm_grad"]:
        for dt in DTYPES:
            for rows, width in GRAD_SHAPES:
                name = f"{kind}_{dt}_{rows}x{width}"
                out.append((name, kind, dt, (rows, width),
                            grad_case(kind, dt, rows, width)))
    return out


CASES = cases()

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_programs.py DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, _, _, _, text in CASES:
        with open(os.path.join(sys.argv[1], name + ".mlir"), "w") as f:
            f.write(text + "\n")
