# -*- Python -*-
# lit configuration of norm-mlir's regression tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "NORM"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["Unit", "Fuzz", "Inputs", "lib", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]
# test/Long (real-size blocks, minutes) runs only with `make test-long`.
if not lit_config.params.get("long"):
    config.excludes.append("Long")

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.norm_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tool_dirs = [config.norm_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["norm-opt", "norm-run", "norm-compile"],
                                   tool_dirs)

# Debian's own mlir-opt and mlir-translate, with our plugin (test/Embedding).
config.substitutions.append(
    ("%stock-mlir-opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.substitutions.append(
    ("%stock-mlir-translate", os.path.join(config.llvm_tools_dir, "mlir-translate")))
norm_plugin = os.path.join(config.norm_obj_root, "lib", "NormMLIRPlugin.so")
config.substitutions.append(("%norm-plugin", norm_plugin))
# Not built with the sanitizers or with MLIR's static libraries.
if os.path.exists(norm_plugin):
    config.available_features.add("norm-plugin")

# GPU code is checked without a GPU: PTX assembled by the toolkit's ptxas
# (feature "ptxas"), the CUDA runtime built (feature "cuda-runtime").
# Tests that run kernels need a driver and a device (feature "cuda").
if config.norm_cuda.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("cuda-runtime")
ptxas = os.path.join(config.norm_cuda_bin, "ptxas")
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
try:
    import ctypes
    ctypes.CDLL("libcuda.so.1").cuInit(0)
    if os.path.exists("/dev/nvidia0"):
        config.available_features.add("cuda")
except OSError:
    pass

# SyncBN on MPI (feature "mpi"): norm-run built with MPI and an mpirun to
# start its ranks; %mpirun oversubscribes the 2 cores, runs as root too, and
# gives up after 5 minutes (a hang fails the test instead of stalling CI).
mpirun = shutil.which("mpirun")
if config.norm_mpi.upper() in ("ON", "1", "TRUE", "YES") and mpirun:
    config.available_features.add("mpi")
    config.substitutions.append(
        ("%mpirun", "timeout 300 " + mpirun +
         " --allow-run-as-root --oversubscribe --bind-to none"))

# SyncBN on NCCL (feature "nccl"): the GPU artifacts of programs with
# collectives link NCCL and MPI; running them needs "cuda" too, and two
# ranks need two GPUs (feature "cuda-2gpus").
if config.norm_nccl.upper() in ("ON", "1", "TRUE", "YES") and "mpi" in config.available_features:
    config.available_features.add("nccl")
if os.path.exists("/dev/nvidia1"):
    config.available_features.add("cuda-2gpus")

# The host converts f32 to bf16 in one instruction (AVX512-BF16), so
# bf16-rounding=native-ftz can run here.
try:
    with open("/proc/cpuinfo") as cpuinfo:
        if "avx512_bf16" in cpuinfo.read().split():
            config.available_features.add("avx512bf16")
except OSError:
    pass

# %expect_exit CODE CMD...: succeeds only when CMD exits with CODE.
config.substitutions.append(
    ("%expect_exit", "sh " + os.path.join(config.norm_src_root, "test", "expect-exit")))

# Sanitized builds turn a crash into an ASan report and exit code 1.
if config.norm_sanitize.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("asan")
