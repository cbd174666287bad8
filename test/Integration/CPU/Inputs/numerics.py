"""Adversarial inputs for numerics.mlir, as .npy files in the given folder.

Each case targets one way f32 statistics go wrong: an extreme value first
or last in its row, infinities, a mean far from zero, long reductions, data
whose squares overflow or underflow f32, bf16 subnormals. `*_perm` files hold
the same rows with their elements in a random order.
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20261202)


def save(name, a):
    np.save(os.path.join(out, name + ".npy"), a)


def bf16(a):
    """float32 -> bf16 bits, rounded to nearest even (subnormals kept)."""
    bits = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return bits.astype(np.uint16)


def permuted(a):
    return np.stack([row[rng.permutation(row.size)] for row in a])


# Rows of 4097 N(0, 1) values: 1000 first, 1000 last, +Inf first, -Inf
# last, a NaN inside, nothing special.
rows = rng.standard_normal((6, 4097)).astype(np.float32)
rows[0, 0] = 1000
rows[1, -1] = 1000
rows[2, 0] = np.inf
rows[3, -1] = -np.inf
rows[4, 2000] = np.nan
save("rows", rows)
save("rows_perm", permuted(rows))

# A mean of 1e4 with a far first element, over a long row.
far = (1e4 + rng.standard_normal((2, 65537))).astype(np.float32)
far[:, 0] = 0
save("far", far)
save("far_perm", permuted(far))

save("wide", rng.standard_normal((2, 262144)).astype(np.float32))
save("columns", rng.standard_normal((65537, 17)).astype(np.float32))
save("g17", rng.standard_normal(17).astype(np.float32))
save("channels", (3 + rng.standard_normal((16, 2, 256, 256))).astype(np.float32))
save("c2", np.ones(2, np.float32))
save("z2", np.zeros(2, np.float32))

# Squares that fit f32 whose sums do not; squares that underflow.
save("huge", (rng.standard_normal((4, 64)) * 3e18).astype(np.float32))
save("tiny", (rng.standard_normal((8, 64)) * 1e-38).astype(np.float32))
save("g64", rng.standard_normal(64).astype(np.float32))
save("g8", rng.standard_normal(8).astype(np.float32))

# bf16: subnormal data and residuals (their sum is exact in bf16), data
# near bf16's largest value.
save("sub_x", bf16(rng.standard_normal((4, 64)) * 1e-39))
save("sub_r", bf16(rng.standard_normal((4, 64)) * 1e-39))
save("big_bf16", bf16(rng.uniform(-3.3e38, 3.3e38, (4, 64))))
save("g64_bf16", bf16(rng.standard_normal(64)))

# NHWC group norm: 2 groups of 16 channels, 65536 values per group.
save("nhwc", (3 + rng.standard_normal((2, 64, 64, 32))).astype(np.float32))

# A mean of 1e6 (f32 spacing 1/16 there) and deviation 1 over 4096 values:
# the f32 mean from the first pass is off by a good part of the deviation,
# which the correction recovers.
save("mean6", (1e6 + rng.standard_normal((4, 4096))).astype(np.float32))

# f16 rows with an extreme value first, and the same rows permuted.
rows16 = rng.standard_normal((4, 1024)).astype(np.float16)
rows16[:, 0] = 1000
save("rows_f16", rows16)
save("rows_f16_perm", permuted(rows16))

# The longest rows that accumulate in f32 (8192 values): a mean of 1e4 with
# a far first element, and NCHW group norm groups of 8 x 28 x 28.
far8k = (1e4 + rng.standard_normal((4, 8192))).astype(np.float32)
far8k[:, 0] = 0
save("far8k", far8k)
save("groups", (3 + rng.standard_normal((2, 64, 28, 28)) * 1e3).astype(np.float32))
