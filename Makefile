# norm-mlir: the two commands of the README, and their building blocks.
#
#   make demo   install what is missing, configure, build, compile and run the example
#   make test   same set-up, then every lit and GoogleTest test (one ctest)
#
# BUILD_DIR and BUILD_TYPE may be overridden: make test BUILD_DIR=build-debug

BUILD_DIR ?= build
BUILD_TYPE ?= Release
LLVM_PREFIX ?= /usr/lib/llvm-22
JOBS ?= $(shell nproc)

CMAKE_FLAGS = -G Ninja \
  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
  -DMLIR_DIR=$(LLVM_PREFIX)/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=$(LLVM_PREFIX)/bin/lit

NORM_OPT = $(BUILD_DIR)/bin/norm-opt
NORM_RUN = $(BUILD_DIR)/bin/norm-run
EXAMPLE = examples/gpt_blocks.mlir

# One instrumented build (clang-22, ASan + UBSan, libFuzzer coverage) serves
# both the sanitized test suite and the fuzzers.
SANITIZE_DIR ?= build-sanitize
FUZZ_SECONDS ?= 60
# Debian's libMLIR.so is not instrumented; its inline std containers and
# ours would disagree about container-overflow annotations.
SANITIZER_ENV = ASAN_OPTIONS=detect_container_overflow=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

.PHONY: all deps configure build test test-long demo docs clean test-sanitize \
  fuzz bench fuzz-programs test-static

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

docs: configure
	cmake --build $(BUILD_DIR) --target mlir-doc
	@echo "op documentation: $(BUILD_DIR)/docs/Dialects/NormOps.md"

demo: build docs
	@echo "== $(EXAMPLE): two pre-LN transformer MLP blocks"
	@echo "== norm-opt --norm-lint=werror: no classic mistake here"
	$(NORM_OPT) --norm-lint=werror $(EXAMPLE) -o /dev/null
	@echo "== norm-opt --norm-optimize=report: placement made explicit, add + LayerNorm fused"
	$(NORM_OPT) --norm-optimize=report $(EXAMPLE) | grep -E "norm[.]|func[.]func"
	@echo "== norm-run: compiled for this CPU, run on random inputs, checked against float64"
	@# Random weights are drawn N(0, 1/fan-in), so activations stay O(1) and
	@# the check holds at the default tolerance.
	$(NORM_RUN) $(EXAMPLE) --random-inputs --seed=1 --check --bench=50
	@echo "== a mistake the verifier catches: epsilon = 0 (the expected diagnostic)"
	@# norm-opt must fail here: the demo fails if it does not.
	@if $(NORM_OPT) examples/epsilon_zero.mlir 2>&1 >/dev/null; then \
	  echo "demo: norm-opt accepted epsilon = 0"; exit 1; fi
	@echo "== the ops of the dialect ($(BUILD_DIR)/docs/Dialects/NormOps.md)"
	@grep '^### `norm\.' $(BUILD_DIR)/docs/Dialects/NormOps.md

# The CPU benchmark suite: one process, one run (medians of 5), then
# bench/results/cpu.json, cpu.png and the table in bench/README.md.
PYTHON ?= /usr/bin/python3
BENCH_RAW = bench/results/cpu-raw.json
BENCH_TORCH = bench/results/cpu-torch.json
bench: build
	@bash scripts/install-deps.sh --bench
	cmake --build $(BUILD_DIR) --target norm-bench-cpu
	$(BUILD_DIR)/bench/norm-bench-cpu --benchmark_repetitions=5 \
	  --benchmark_report_aggregates_only=true --benchmark_min_time=0.1 \
	  --benchmark_out=$(BENCH_RAW) --benchmark_out_format=json
	$(PYTHON) bench/cpu/torch_bench.py $(BENCH_TORCH)
	$(PYTHON) bench/cpu/report.py $(BENCH_RAW) bench/results bench/README.md \
	  $(BENCH_TORCH)
	bash bench/compile_time.sh $(BUILD_DIR)
	@echo "== whole programs against PyTorch eager (bench/programs)"
	bash bench/programs/run.sh $(BUILD_DIR) 3

$(SANITIZE_DIR)/build.ninja: | deps
	cmake -S . -B $(SANITIZE_DIR) $(CMAKE_FLAGS) -DNORM_SANITIZE=ON \
	  -DNORM_ENABLE_FUZZERS=ON -DCMAKE_C_COMPILER=clang-22 \
	  -DCMAKE_CXX_COMPILER=clang++-22

# Real-size transformer blocks (test/Long), a few minutes: compiled, run
# with and without OpenMP and as artifacts under the default stack.
LIT ?= $(LLVM_PREFIX)/bin/lit
test-long: build
	$(LIT) -sv --param long=1 $(BUILD_DIR)/test --filter 'Long/'

# A host that links MLIR's static libraries (NORM_LINK_MLIR_DYLIB=OFF): the
# dialect alone and its norm-level rewrites link without the code
# generators, and norm-opt lowers exactly as the libMLIR.so build does.
STATIC_DIR ?= build-static
test-static: build
	cmake -S . -B $(STATIC_DIR) $(CMAKE_FLAGS) -DNORM_LINK_MLIR_DYLIB=OFF
	cmake --build $(STATIC_DIR) -j $(JOBS) --target norm-opt \
	  NormDialectOnlyTests NormTransformsOnlyTests
	$(STATIC_DIR)/test/Unit/NormDialectOnlyTests
	$(STATIC_DIR)/test/Unit/NormTransformsOnlyTests
	$(STATIC_DIR)/bin/norm-opt --norm-lower-to-llvm-cpu $(EXAMPLE) > $(STATIC_DIR)/example.static.mlir
	$(BUILD_DIR)/bin/norm-opt --norm-lower-to-llvm-cpu $(EXAMPLE) > $(STATIC_DIR)/example.dylib.mlir
	cmp $(STATIC_DIR)/example.static.mlir $(STATIC_DIR)/example.dylib.mlir

# The whole test suite with the project's code under ASan + UBSan.
test-sanitize: deps $(SANITIZE_DIR)/build.ninja
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

# Every libFuzzer target for FUZZ_SECONDS each.
fuzz: deps $(SANITIZE_DIR)/build.ninja
	cmake --build $(SANITIZE_DIR) -j $(JOBS) --target norm-fuzz-npy \
	  norm-fuzz-parse norm-fuzz-pipeline norm-run
	$(SANITIZER_ENV) scripts/run-fuzzers.sh $(SANITIZE_DIR) $(FUZZ_SECONDS)

# The random-program differential tester, longer than make test's batch:
# PROGRAMS programs from a random seed (PROGRAM_SEED=N repeats a run) under
# every option set; reproducers of failures go to $(BUILD_DIR)/fuzz/programs.
PROGRAMS ?= 300
PROGRAM_SEED ?= random
fuzz-programs: build
	$(PYTHON) test/Fuzz/programs/random_programs.py --build $(BUILD_DIR) \
	  --seed $(PROGRAM_SEED) --count $(PROGRAMS)

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
