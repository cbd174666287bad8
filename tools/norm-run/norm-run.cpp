//===- norm-run.cpp - Compile, run and check norm programs ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Lowers a norm program with norm-lower-to-llvm-cpu, runs its entry function
// through the MLIR ExecutionEngine on .npy or random inputs, writes the
// results, and checks them against the float64 evaluation of the unlowered
// module. Exit codes: 0 ran (and passed), 1 check failed, 2 usage or input
// error, with a one-line message.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/Conversion/Passes.h"
#include "norm-mlir/InitAll.h"
#include "norm-mlir/Pipelines/Pipelines.h"
#include "runtime/cpu/BlockCache.h"
#include "runtime/cpu/Contractions.h"
#include "runtime/cpu/CpuRuntime.h"
#ifdef NORM_HAVE_MPI
#include "runtime/mpi/MpiRuntime.h"
#endif
#include "runtime/npy/Npy.h"
#include "runtime/reference/Metrics.h"
#include "test/lib/TestPasses.h"
#include "tools/ToolSupport.h"
#include "tools/norm-run/Evaluator.h"

#include "norm-mlir/Dialect/NormOps.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>
#include <map>
#include <random>
#include <set>

using namespace mlir;
using mlir::norm::dtypeOf;
using mlir::norm::fail;
using mlir::norm::Failure;
using mlir::norm::findEntry;
using mlir::norm::formatShape;
using mlir::norm::RandomDraw;

// From LLVM's OpenMP runtime, which runs the compiled kernels' threads.
extern "C" void omp_set_num_threads(int);
namespace cl = llvm::cl;
namespace rt = ::norm::rt;

namespace {
enum class Target { CPU, CUDA };

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.mlir>"),
                               cl::Required,
                               cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to run (default: the only "
                                        "public function with a body)"),
                               cl::cat(mlir::norm::toolCategory()));
cl::opt<Target>
    target("target", cl::desc("Where to run"),
           cl::values(clEnumValN(Target::CPU, "cpu", "the host"),
                      clEnumValN(Target::CUDA, "cuda", "an NVIDIA GPU")),
           cl::init(Target::CPU), cl::cat(mlir::norm::toolCategory()));
cl::list<std::string> inputFiles("input",
                                 cl::desc("An .npy file per entry argument, "
                                          "in order"),
                                 cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> outputDir("output-dir",
                               cl::desc("Write result0.npy, result1.npy, ... "
                                        "(under mpirun: to DIR/rank{r}/)"),
                               cl::cat(mlir::norm::toolCategory()));
cl::list<unsigned> shards(
    "shard",
    cl::desc("I: under mpirun, argument #I's --input is the whole batch, and "
             "rank r of p takes rows [r N / p, (r + 1) N / p) of its dim 0"),
    cl::cat(mlir::norm::toolCategory()));
cl::list<std::string> syncGroups(
    "sync-group",
    cl::desc("NAME:SIZE: under mpirun, sync_group NAME is every block of SIZE "
             "consecutive ranks ('world', every rank, needs no definition)"),
    cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> writeReference(
    "write-reference",
    cl::desc("Write the inputs (argN.npy) and the float64 evaluation of the "
             "results (expectedN.npy) to this directory, and stop: what an "
             "ahead-of-time artifact checks against (--expected)"),
    cl::value_desc("dir"), cl::cat(mlir::norm::toolCategory()));
cl::opt<bool> check("check",
                    cl::desc("Compare with the float64 evaluation of "
                             "the unlowered module"),
                    cl::cat(mlir::norm::toolCategory()));
cl::opt<double> rtolOpt("rtol",
                        cl::desc("Relative tolerance of --check "
                                 "(default: per result type)"),
                        cl::init(-1.0), cl::cat(mlir::norm::toolCategory()));
cl::opt<double> atolOpt("atol",
                        cl::desc("Absolute tolerance of --check "
                                 "(default: per result type)"),
                        cl::init(-1.0), cl::cat(mlir::norm::toolCategory()));
cl::opt<int> benchRuns("bench",
                       cl::desc("Time N runs; print the median and "
                                "GB/s"),
                       cl::init(0), cl::cat(mlir::norm::toolCategory()));
cl::opt<bool> randomInputs("random-inputs",
                           cl::desc("Make inputs when none are given"),
                           cl::cat(mlir::norm::toolCategory()));
cl::opt<uint64_t> seed("seed", cl::desc("Seed of --random-inputs"), cl::init(0),
                       cl::cat(mlir::norm::toolCategory()));
cl::opt<bool> optimize("optimize",
                       cl::desc("Run norm-optimize while lowering (default)"),
                       cl::init(true), cl::cat(mlir::norm::toolCategory()));
cl::opt<int> threads("num-threads",
                     cl::desc("Threads that run the compiled kernels "
                              "(default: OpenMP's, OMP_NUM_THREADS or all "
                              "cores)"),
                     cl::init(0), cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("Options of norm-lower-to-llvm-cpu, e.g. 'vector-bits=256 "
             "tile=false'"),
    cl::cat(mlir::norm::toolCategory()));

/// One argument or result: its array (host bytes) and its element type.
struct Buffer {
  rt::Array array;
  RankedTensorType type;
};

/// The tensor type of argument or result `i`, or an error naming it.
RankedTensorType tensorTypeOf(Type type, const std::string &what) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  if (!tensor || !dtypeOf(tensor.getElementType()))
    fail(what + " has type " + llvm::formatv("{0}", type).str() +
         "; norm-run takes ranked tensors of f16, bf16, f32, f64, i1, i32 "
         "or i64");
  return tensor;
}

/// Rows [first, last) of dim 0 of `array`.
void keepRows(rt::Array &array, int64_t first, int64_t last) {
  size_t rowBytes = array.bytes.size() / std::max<int64_t>(array.shape[0], 1);
  array.bytes = std::vector<uint8_t>(array.bytes.begin() + first * rowBytes,
                                     array.bytes.begin() + last * rowBytes);
  array.shape[0] = last - first;
}

/// Under mpirun, the arguments that --shard slices: rank r of p keeps rows
/// [r N / p, (r + 1) N / p) of dim 0 of the given whole batch.
std::vector<unsigned> slicedArguments;
int rankIndex = 0, rankCount = 1;

/// Loads `path` for argument `index` of type `type` (this rank's rows of it
/// under --shard), checking dtype and shape.
Buffer loadInput(const std::string &path, unsigned index,
                 RankedTensorType type) {
  rt::Array array = rt::loadNpy(path);
  if (llvm::is_contained(slicedArguments, index)) {
    if (array.shape.empty())
      fail(path + ": --shard=" + std::to_string(index) +
           " slices dim 0, and the array has none");
    int64_t n = array.shape[0];
    keepRows(array, n * rankIndex / rankCount, n * (rankIndex + 1) / rankCount);
  }
  rt::DType want = *dtypeOf(type.getElementType());
  // bf16 travels as '<u2' bit patterns.
  if (want == rt::DType::BF16 && array.dtype == rt::DType::U16)
    array.dtype = rt::DType::BF16;
  if (array.dtype != want)
    fail(path + ": dtype " + rt::dtypeName(array.dtype) + " does not match " +
         "argument #" + std::to_string(index) + " of element type " +
         rt::dtypeName(want));
  bool shapeOk = array.shape.size() == static_cast<size_t>(type.getRank());
  for (size_t d = 0; shapeOk && d < array.shape.size(); ++d)
    shapeOk = type.isDynamicDim(d) || type.getDimSize(d) == array.shape[d];
  if (!shapeOk)
    fail(path + ": shape " + formatShape(array.shape) +
         " does not match argument #" + std::to_string(index) + " of shape " +
         formatShape(type.getShape()));
  return {std::move(array), type};
}

/// Fails with one line, before anything is allocated, when a static
/// argument or result has more bytes than a size_t holds or than this
/// machine's memory (the float64 evaluation needs 8 bytes per element
/// more).
void checkFitsInMemory(ArrayRef<RankedTensorType> args,
                       ArrayRef<RankedTensorType> results, bool evaluate) {
  uint64_t memory = uint64_t(sysconf(_SC_PHYS_PAGES)) *
                    uint64_t(sysconf(_SC_PAGE_SIZE));
  uint64_t total = 0;
  auto add = [&](RankedTensorType type, const std::string &what) {
    if (!type.hasStaticShape())
      return;
    uint64_t elements = 1, bytes = 0;
    bool overflow = false;
    for (int64_t d : type.getShape())
      overflow |= __builtin_mul_overflow(elements, uint64_t(d), &elements);
    uint64_t perElement =
        rt::dtypeSize(*dtypeOf(type.getElementType())) + (evaluate ? 8 : 0);
    overflow |= __builtin_mul_overflow(elements, perElement, &bytes);
    overflow |= __builtin_add_overflow(total, bytes, &total);
    if (overflow || bytes > uint64_t(PTRDIFF_MAX))
      fail(what + " (" + formatShape(type.getShape()) +
           ") has more bytes than this machine can address");
    if (total > memory)
      fail(llvm::formatv("{0} ({1}) needs {2:f1} GiB ({3:f1} GiB with what "
                         "comes before it); this machine has {4:f1} GiB",
                         what, formatShape(type.getShape()),
                         double(bytes) / (1 << 30), double(total) / (1 << 30),
                         double(memory) / (1 << 30))
               .str());
  };
  for (auto [i, t] : llvm::enumerate(args))
    add(t, "argument #" + std::to_string(i));
  for (auto [i, t] : llvm::enumerate(results))
    add(t, "result #" + std::to_string(i));
}

/// Fails with one line when two dynamic dims of the inputs that the program
/// ties (DimTies.h) differ, or one differs from the static size it is tied
/// to: the same check, and the same words, as the compiled code's at entry
/// (norm-check-shapes), made before the float64 evaluation reads anything.
void checkTiedDims(ModuleOp module, StringRef name,
                   const std::vector<Buffer> &inputs) {
  bool dynamic = llvm::any_of(
      inputs, [](const Buffer &b) { return !b.type.hasStaticShape(); });
  if (!dynamic)
    return;
  for (const mlir::norm::DimTie &tie : mlir::norm::entryDimTies(module, name)) {
    auto sizeOf = [&](mlir::norm::ArgumentDim d) {
      return inputs[d.argument].array.shape[d.dim];
    };
    mlir::norm::ArgumentDim first = tie.dims.front();
    for (mlir::norm::ArgumentDim d : tie.dims) {
      int64_t size = sizeOf(d);
      if (tie.size && size != *tie.size)
        fail(rt::sizeMismatchMessage(d.argument, d.dim, size, -1, -1,
                                     *tie.size));
      if (!tie.size && size != sizeOf(first))
        fail(rt::sizeMismatchMessage(d.argument, d.dim, size, first.argument,
                                     first.dim, sizeOf(first)));
    }
  }
}

/// Random inputs as `draw` says; masks true with probability 0.8, integers
/// in [0, 9].
Buffer randomInput(unsigned index, RankedTensorType type, RandomDraw draw,
                   std::mt19937_64 &rng) {
  if (!type.hasStaticShape())
    fail("argument #" + std::to_string(index) + " has the dynamic shape " +
         formatShape(type.getShape()) + "; give its data with --input");
  rt::DType dtype = *dtypeOf(type.getElementType());
  std::vector<double> values(type.getNumElements());
  double sigma = draw.kind == RandomDraw::Weight && draw.fanIn > 0
                     ? 1.0 / std::sqrt(double(draw.fanIn))
                     : 1.0;
  std::normal_distribution<double> normal(0.0, sigma);
  std::uniform_real_distribution<double> uniform(0.5, 1.5);
  std::bernoulli_distribution coin(0.8);
  std::uniform_int_distribution<int> small(0, 9);
  for (double &v : values) {
    if (dtype == rt::DType::Bool)
      v = coin(rng);
    else if (dtype == rt::DType::I32 || dtype == rt::DType::I64)
      v = small(rng);
    else
      v = draw.kind == RandomDraw::Variance ? uniform(rng) : normal(rng);
  }
  return {rt::fromDoubles(dtype, std::vector<int64_t>(type.getShape()), values),
          type};
}

/// Calls a lowered function through the packed interface: every memref
/// argument expands to (allocated, aligned, offset, sizes..., strides...),
/// and the results come back as the same descriptors, flattened.
class JitCall {
public:
  JitCall(ExecutionEngine &engine, StringRef name, std::vector<Buffer> &inputs,
          ArrayRef<RankedTensorType> resultTypes)
      : engine(engine), name(name.str()), resultTypes(resultTypes) {
    for (Buffer &in : inputs) {
      int64_t rank = in.type.getRank();
      std::vector<int64_t> desc;
      auto ptr = reinterpret_cast<int64_t>(in.array.bytes.data());
      ownPointers.insert(ptr);
      desc.push_back(ptr);
      desc.push_back(ptr);
      desc.push_back(0);
      std::vector<int64_t> strides(rank, 1);
      for (int64_t d = rank - 2; d >= 0; --d)
        strides[d] = strides[d + 1] * in.array.shape[d + 1];
      desc.insert(desc.end(), in.array.shape.begin(), in.array.shape.end());
      desc.insert(desc.end(), strides.begin(), strides.end());
      descriptors.push_back(std::move(desc));
    }
    for (std::vector<int64_t> &desc : descriptors)
      for (int64_t &slot : desc)
        packed.push_back(&slot);
    size_t slots = 0;
    for (RankedTensorType t : resultTypes)
      slots += 3 + 2 * t.getRank();
    resultSlots.assign(slots, 0);
    if (!resultTypes.empty())
      packed.push_back(resultSlots.data());
  }

  /// Runs once; returns the results as arrays (copied out, buffers freed).
  std::vector<rt::Array> run() {
    invoke();
    std::vector<rt::Array> results;
    forEachResult([&](RankedTensorType type, const uint8_t *aligned,
                      int64_t offset, ArrayRef<int64_t> shape,
                      ArrayRef<int64_t> strides) {
      results.push_back(copyOut(type, aligned, offset, shape, strides));
    });
    freeResults();
    return results;
  }

  /// Runs once and frees the results: what --bench times.
  void runAndDiscard() {
    invoke();
    freeResults();
  }

private:
  void invoke() {
    if (llvm::Error err = engine.invokePacked(name, packed))
      fail("running '" + name + "' failed: " + llvm::toString(std::move(err)));
  }

  /// Calls `fn` with each result's descriptor.
  template <typename Fn> void forEachResult(Fn fn) {
    size_t slot = 0;
    for (RankedTensorType type : resultTypes) {
      int64_t rank = type.getRank();
      auto *aligned = reinterpret_cast<const uint8_t *>(resultSlots[slot + 1]);
      ArrayRef<int64_t> all(resultSlots);
      fn(type, aligned, resultSlots[slot + 2], all.slice(slot + 3, rank),
         all.slice(slot + 3 + rank, rank));
      slot += 3 + 2 * rank;
    }
  }

  /// Copies one result into an array (one memcpy when it is contiguous).
  static rt::Array copyOut(RankedTensorType type, const uint8_t *aligned,
                           int64_t offset, ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> strides) {
    int64_t rank = type.getRank();
    rt::DType dtype = *dtypeOf(type.getElementType());
    size_t size = rt::dtypeSize(dtype);
    rt::Array array{dtype, std::vector<int64_t>(shape), {}};
    int64_t n = array.numElements();
    array.bytes.resize(n * size);
    if (n == 0)
      return array; // an empty result: its buffer may be null
    bool contiguous = true;
    for (int64_t d = rank - 1, expect = 1; d >= 0; expect *= shape[d--])
      contiguous &= shape[d] == 1 || strides[d] == expect;
    if (contiguous) {
      std::memcpy(array.bytes.data(), aligned + offset * size, n * size);
      return array;
    }
    for (int64_t i = 0; i < n; ++i) {
      int64_t rest = i, at = offset;
      for (int64_t d = rank - 1; d >= 0; --d) {
        at += (rest % shape[d]) * strides[d];
        rest /= shape[d];
      }
      std::memcpy(array.bytes.data() + i * size, aligned + at * size, size);
    }
    return array;
  }

  /// Frees every result buffer the call allocated (once each; never ours).
  void freeResults() {
    std::set<int64_t> freed;
    size_t slot = 0;
    for (RankedTensorType type : resultTypes) {
      int64_t allocated = resultSlots[slot];
      slot += 3 + 2 * type.getRank();
      if (!ownPointers.count(allocated) && freed.insert(allocated).second)
        norm_rt_cached_free(reinterpret_cast<void *>(allocated));
    }
  }

  ExecutionEngine &engine;
  std::string name;
  ArrayRef<RankedTensorType> resultTypes;
  std::vector<std::vector<int64_t>> descriptors;
  std::vector<void *> packed;
  std::vector<int64_t> resultSlots;
  std::set<int64_t> ownPointers;
};

/// Writes argN.npy and expectedN.npy (float64) to `dir`.
void writeInputsAndExpected(const std::string &dir,
                            const std::vector<Buffer> &inputs,
                            const std::vector<rt::Tensor> &expected) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    fail(dir + ": cannot create the directory: " + ec.message());
  auto save = [&](const std::string &file, const rt::Array &array) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, file);
    rt::saveNpy(path.str().str(), array);
  };
  for (auto [i, in] : llvm::enumerate(inputs))
    save("arg" + std::to_string(i) + ".npy", in.array);
  for (auto [i, e] : llvm::enumerate(expected))
    save("expected" + std::to_string(i) + ".npy",
         rt::fromDoubles(rt::DType::F64, e.shape, e.data));
}

/// Runs the program on the GPU the way it runs on a GPU machine: compiled
/// ahead of time by norm-compile (next to this executable), then the
/// artifact run on the inputs and checked against the float64 evaluation.
/// Returns the artifact's exit code.
int runOnCuda(const std::string &name, const std::vector<Buffer> &inputs,
              const std::vector<rt::Tensor> &expected) {
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("norm-run-cuda", dir))
    fail("cannot create a temporary directory: " + ec.message());
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(dir); });
  writeInputsAndExpected(dir.str().str(), inputs, expected);
  std::string self = llvm::sys::fs::getMainExecutable(
      "norm-run", reinterpret_cast<void *>(&writeInputsAndExpected));
  llvm::SmallString<256> compiler(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(compiler, "norm-compile");
  llvm::SmallString<256> artifact(dir);
  llvm::sys::path::append(artifact, "program");
  std::vector<std::string> compile = {
      compiler.str().str(), inputFile, "--target=cuda",
      "--entry=" + name,    "-o",      artifact.str().str()};
  std::string options = pipelineOptions;
  if (optimize.getNumOccurrences())
    options += std::string(" optimize=") + (optimize ? "1" : "0");
  if (!options.empty())
    compile.push_back("--pipeline-options=" + options);
  auto run = [](const std::vector<std::string> &argv) {
    SmallVector<StringRef> refs(argv.begin(), argv.end());
    std::string error;
    int rc = llvm::sys::ExecuteAndWait(argv[0], refs, std::nullopt, {}, 0, 0,
                                       &error);
    if (rc < 0)
      fail("cannot run " + argv[0] + ": " + error);
    return rc;
  };
  if (run(compile) != 0)
    fail(inputFile + ": norm-compile --target=cuda failed (see above)");
  std::vector<std::string> program = {artifact.str().str()};
  for (size_t i = 0; i < inputs.size(); ++i)
    program.push_back("--input=" +
                      (dir + "/arg" + std::to_string(i) + ".npy").str());
  if (check)
    for (size_t i = 0; i < expected.size(); ++i)
      program.push_back("--expected=" +
                        (dir + "/expected" + std::to_string(i) + ".npy").str());
  if (rtolOpt.getNumOccurrences())
    program.push_back("--rtol=" + std::to_string(rtolOpt));
  if (atolOpt.getNumOccurrences())
    program.push_back("--atol=" + std::to_string(atolOpt));
  if (!outputDir.empty())
    program.push_back("--output-dir=" + outputDir);
  if (benchRuns > 0)
    program.push_back("--bench=" + std::to_string(benchRuns));
  return run(program);
}

rt::Tensor toTensor(const rt::Array &array) {
  return rt::Tensor{array.shape, rt::toDoubles(array)};
}

bool underMpi = false;
/// Under mpirun, the arguments whose --input names hold `{rank}` or that
/// --shard slices: this rank's shard (rows) of the batch.
std::vector<unsigned> shardedArguments;

/// Under mpirun: `{rank}` in --input names is this rank, outputs go to
/// DIR/rank{r}/, the --sync-group blocks are defined (runtime/mpi).
void setUpRanks() {
  if (!underMpi) {
    if (!syncGroups.empty())
      fail("--sync-group goes with mpirun");
    if (!shards.empty())
      fail("--shard goes with mpirun");
    return;
  }
#ifdef NORM_HAVE_MPI
  namespace mpi = ::norm::rt::mpi;
  std::vector<std::string> inputs(inputFiles.begin(), inputFiles.end());
  for (auto [i, path] : llvm::enumerate(inputs))
    if (path.find("{rank}") != std::string::npos)
      shardedArguments.push_back(i);
  rankIndex = mpi::rank();
  rankCount = mpi::size();
  for (unsigned i : shards) {
    if (i >= inputs.size())
      fail("--shard=" + std::to_string(i) + ": there are " +
           std::to_string(inputs.size()) + " --input files");
    slicedArguments.push_back(i);
    if (!llvm::is_contained(shardedArguments, i))
      shardedArguments.push_back(i);
  }
  std::string dir = outputDir;
  mpi::setUpRank(inputs, dir,
                 std::vector<std::string>(syncGroups.begin(), syncGroups.end()));
  inputFiles.clear();
  for (const std::string &path : inputs)
    inputFiles.push_back(path);
  outputDir = dir;
#endif
}

#ifdef NORM_HAVE_MPI
/// --check under mpirun: the float64 evaluation of the whole batch, every
/// sharded argument gathered from all ranks, and of each result this rank's
/// rows where the result's dim 0 is the shards' (its other results whole).
std::vector<rt::Tensor> evaluateWholeBatch(ModuleOp module, func::FuncOp entry,
                                           std::vector<rt::Tensor> args) {
  namespace mpi = ::norm::rt::mpi;
  std::string name = entry.getName().str();
  int64_t rows = -1, offset = 0;
  for (unsigned i : shardedArguments) {
    auto type = llvm::cast<RankedTensorType>(entry.getArgumentTypes()[i]);
    if (type.getRank() == 0 || !type.isDynamicDim(0))
      fail("--check under mpirun: argument #" + std::to_string(i) +
           " is a shard ({rank}), so its dim 0 must be dynamic for the "
           "whole batch");
    rt::Tensor &t = args[i];
    int64_t here = t.shape[0];
    if (rows >= 0 && here != rows)
      fail("--check under mpirun: the shards have " + std::to_string(rows) +
           " and " + std::to_string(here) + " rows");
    rows = here;
    int64_t rowSize = 1, total = 0;
    for (size_t d = 1; d < t.shape.size(); ++d)
      rowSize *= t.shape[d];
    t.data = mpi::allGatherRows(t.data, here, rowSize, total, offset);
    t.shape[0] = total;
  }
  std::vector<rt::Tensor> expected;
  std::string error;
  if (!mlir::norm::evaluateFunction(entry, args, expected, error))
    fail(inputFile + ": " + error);
  if (rows < 0)
    return expected;
  // The results whose dim 0 is tied to a shard's dim 0.
  std::vector<bool> sliced(expected.size());
  for (const mlir::norm::DimTie &tie : mlir::norm::entryDimTies(module, name))
    if (llvm::any_of(tie.dims, [](mlir::norm::ArgumentDim d) {
          return d.dim == 0 && llvm::is_contained(shardedArguments, d.argument);
        }))
      for (mlir::norm::ArgumentDim r : tie.results)
        if (r.dim == 0)
          sliced[r.argument] = true;
  for (auto [i, t] : llvm::enumerate(expected)) {
    if (!sliced[i])
      continue;
    int64_t rowSize = t.data.size() / std::max<int64_t>(t.shape[0], 1);
    t.data = std::vector<double>(t.data.begin() + offset * rowSize,
                                 t.data.begin() + (offset + rows) * rowSize);
    t.shape[0] = rows;
  }
  return expected;
}
#endif

int runMain(int argc, char **argv) {
  std::string parseErrors;
  llvm::raw_string_ostream errs(parseErrors);
  cl::HideUnrelatedOptions(mlir::norm::toolCategory());
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "norm-run: compile, run and check norm "
                                   "programs\n",
                                   &errs)) {
    // Value errors are printed by llvm::cl itself, as one line; the rest
    // (unknown options, missing file name) come back here.
    fail(errs.str().substr(0, errs.str().find('\n')));
  }
  setUpRanks();
  if (target == Target::CUDA) {
    // Before anything else: a machine without a GPU gets one clear line.
    void *driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!driver)
      fail(std::string("--target=cuda: no CUDA driver on this machine (") +
           dlerror() + ")");
    dlclose(driver);
    if (mlir::norm::hasTransform())
      fail("--transform goes with --target=cpu");
  }
  if (benchRuns < 0)
    fail("--bench must be >= 0, got " + std::to_string(benchRuns));
  if (threads < 0)
    fail("--num-threads must be >= 0, got " + std::to_string(threads));
  if (threads > 0)
    omp_set_num_threads(threads);
  if (rtolOpt.getNumOccurrences() && !(rtolOpt >= 0))
    fail("--rtol must be >= 0");
  if (atolOpt.getNumOccurrences() && !(atolOpt >= 0))
    fail("--atol must be >= 0");
  if ((rtolOpt.getNumOccurrences() || atolOpt.getNumOccurrences()) && !check)
    fail("--rtol and --atol go with --check");

  ::norm::rt::setProgramName("norm-run");
  mlir::registerAllPasses();
  mlir::norm::registerNormPasses();
  mlir::norm::test::registerNormTestPasses();
  DialectRegistry registry;
  mlir::norm::registerNormDialects(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      mlir::norm::parseModuleFile(inputFile, context, sourceMgr);
  // TOSA is evaluated and compiled as upstream's tosa-to-linalg writes it.
  {
    PassManager tosa(&context);
    tosa.addPass(mlir::norm::createNormLowerTosa());
    mlir::norm::runPipeline(tosa, *module, inputFile, "norm-lower-tosa");
  }

  func::FuncOp entry = findEntry(*module, entryName, inputFile);
  std::string name = entry.getName().str();
  SmallVector<RankedTensorType> argTypes, resultTypes;
  for (auto [i, t] : llvm::enumerate(entry.getArgumentTypes()))
    argTypes.push_back(tensorTypeOf(t, "argument #" + std::to_string(i)));
  for (auto [i, t] : llvm::enumerate(entry.getResultTypes()))
    resultTypes.push_back(tensorTypeOf(t, "result #" + std::to_string(i)));

  checkFitsInMemory(argTypes, resultTypes, check || !writeReference.empty());

  // Inputs: from files, or made up.
  std::vector<Buffer> inputs;
  std::string drawnLine;
  if (!inputFiles.empty()) {
    if (inputFiles.size() != argTypes.size())
      fail("'" + name + "' takes " + std::to_string(argTypes.size()) +
           " arguments, got " + std::to_string(inputFiles.size()) +
           " --input files");
    for (auto [i, path] : llvm::enumerate(inputFiles))
      inputs.push_back(loadInput(path, i, argTypes[i]));
  } else if (!argTypes.empty()) {
    if (!randomInputs)
      fail("'" + name + "' takes " + std::to_string(argTypes.size()) +
           " arguments: give them with --input, or use --random-inputs");
    std::mt19937_64 rng(seed);
    std::vector<RandomDraw> draws = mlir::norm::randomDraws(entry);
    std::string drawn;
    for (auto [i, type] : llvm::enumerate(argTypes)) {
      inputs.push_back(randomInput(i, type, draws[i], rng));
      std::string what =
          type.getElementType().isInteger(1)    ? "true with p = 0.8"
          : llvm::isa<IntegerType>(type.getElementType()) ? "in [0, 9]"
                                                          : draws[i].describe();
      drawn += (i ? ", #" : "#") + std::to_string(i) + " " + what;
    }
    // Said with the run's summary: an error stays the only line.
    drawnLine = "random inputs (seed " + std::to_string(seed) + "): " + drawn;
  }
  // Dynamic dims must agree between arguments where the IR ties them: the
  // float64 evaluation checks them before it reads (the compiled code
  // checks them itself at entry, norm-check-shapes).
  if (check || !writeReference.empty())
    checkTiedDims(*module, name, inputs);
  std::vector<rt::Tensor> refArgs;
  for (const Buffer &in : inputs)
    refArgs.push_back(toTensor(in.array));

  // The check's oracle runs on the unlowered module, before it is lowered.
  std::vector<rt::Tensor> expected;
  if (check || !writeReference.empty()) {
    std::string error;
#ifdef NORM_HAVE_MPI
    if (underMpi && check)
      expected = evaluateWholeBatch(*module, entry, refArgs);
    else
#endif
    if (!mlir::norm::evaluateFunction(entry, refArgs, expected, error))
      fail(inputFile + ": " + error);
  }
  if (!writeReference.empty()) {
    writeInputsAndExpected(writeReference, inputs, expected);
    return 0;
  }
  if (target == Target::CUDA)
    return runOnCuda(name, inputs, expected);

  // Lower a copy (transformed first, on request) and JIT it.
  OwningOpRef<ModuleOp> lowered = module->clone();
  PassManager pm(&context);
  mlir::norm::addTransform(pm);
  auto options =
      mlir::norm::NormCPUPipelineOptions::createFromString(pipelineOptions);
  if (!options)
    fail("--pipeline-options: not options of norm-lower-to-llvm-cpu: '" +
         pipelineOptions + "'");
  if (options->outParams)
    fail("--pipeline-options: norm-run calls functions that return their "
         "results; out-params is for ahead-of-time callers (norm-compile)");
  if (optimize.getNumOccurrences())
    options->optimize = optimize;
  // The JIT runs the code here: for this machine unless told otherwise.
  if (!options->targetCpu.hasValue())
    options->targetCpu = "host";
  if (std::string error = mlir::norm::resolveCPUTarget(*options);
      !error.empty())
    fail(error);
  mlir::norm::buildNormCPUPipeline(pm, *options);
  mlir::norm::runPipeline(pm, *lowered, inputFile, "norm-lower-to-llvm-cpu");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  // Optimize for the target CPU: without its TargetMachine, LLVM's
  // vectorizers see no vector registers and leave every loop scalar.
  llvm::orc::JITTargetMachineBuilder hostBuilder{
      llvm::Triple(llvm::sys::getProcessTriple())};
  hostBuilder.setCPU(options->targetCpu);
  SmallVector<StringRef> features;
  StringRef(options->targetFeatures)
      .split(features, ',', -1, /*KeepEmpty=*/false);
  hostBuilder.addFeatures(std::vector<std::string>(features.begin(),
                                                   features.end()));
  auto host = hostBuilder.createTargetMachine();
  if (!host)
    fail("cannot target this CPU: " + llvm::toString(host.takeError()));
  std::unique_ptr<llvm::TargetMachine> targetMachine = std::move(*host);
  auto transformer = mlir::norm::makeVerifiedOptimizer(targetMachine.get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  auto engineOrError = ExecutionEngine::create(*lowered, engineOptions,
                                               std::move(targetMachine));
  if (!engineOrError)
    fail("JIT compilation failed: " +
         llvm::toString(engineOrError.takeError()));
  std::unique_ptr<ExecutionEngine> engine = std::move(*engineOrError);
  engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    auto add = [&](const char *symbol, void *address) {
      map[interner(symbol)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                               llvm::JITSymbolFlags::Exported};
    };
    add("_mlir_ciface_norm_rt_group_size",
        reinterpret_cast<void *>(&_mlir_ciface_norm_rt_group_size));
    add("_mlir_ciface_norm_rt_all_gather_f64",
        reinterpret_cast<void *>(&_mlir_ciface_norm_rt_all_gather_f64));
    add("aligned_alloc", reinterpret_cast<void *>(&norm_rt_cached_aligned_alloc));
    add("malloc", reinterpret_cast<void *>(&norm_rt_cached_malloc));
    add("free", reinterpret_cast<void *>(&norm_rt_cached_free));
    add("norm_rt_size_mismatch",
        reinterpret_cast<void *>(&norm_rt_size_mismatch));
    rt::forEachContractionSymbol(
        [](const char *symbol, void *address, void *context) {
          (*static_cast<decltype(add) *>(context))(symbol, address);
        },
        &add);
    return map;
  });
  engine->initialize();

  JitCall call(*engine, name, inputs, resultTypes);
  auto started = std::chrono::steady_clock::now();
  std::vector<rt::Array> results = call.run();
  double elapsed = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  // What ran, on what, and what came back: one line.
  if (!drawnLine.empty())
    llvm::outs() << drawnLine << "\n";
  std::string shapes;
  for (const rt::Array &r : results)
    shapes += std::string(shapes.empty() ? "" : ", ") +
              rt::dtypeName(r.dtype) + " " + formatShape(r.shape);
  llvm::outs() << llvm::formatv(
      "ran @{0} on {1} argument{2}: {3} result{4} ({5}) in {6:f3} ms\n", name,
      inputs.size(), inputs.size() == 1 ? "" : "s", results.size(),
      results.size() == 1 ? "" : "s", shapes, elapsed * 1e3);

  if (benchRuns > 0) {
    std::vector<double> seconds;
    for (int i = 0; i < benchRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      call.runAndDiscard();
      seconds.push_back(std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    std::sort(seconds.begin(), seconds.end());
    double median = seconds[seconds.size() / 2];
    double bytes = 0;
    for (const Buffer &in : inputs)
      bytes += in.array.bytes.size();
    for (const rt::Array &r : results)
      bytes += r.bytes.size();
    llvm::outs() << llvm::formatv("bench: {0} runs, median {1:f4} ms, "
                                  "{2:f2} GB/s (inputs + results)\n",
                                  benchRuns, median * 1e3,
                                  bytes / median * 1e-9);
  }

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      fail(outputDir + ": cannot create the output directory: " + ec.message());
    for (auto [i, r] : llvm::enumerate(results)) {
      llvm::SmallString<256> path(outputDir);
      llvm::sys::path::append(path, "result" + std::to_string(i) + ".npy");
      rt::saveNpy(path.str().str(), r);
    }
  }

  if (!check)
    return 0;
  bool allPassed = true;
  for (auto [i, r] : llvm::enumerate(results)) {
    auto [rtol, atol] = rt::defaultTolerance(r.dtype);
    atol = rt::atolAtScale(atol, expected[i].data);
    if (rtolOpt.getNumOccurrences())
      rtol = rtolOpt;
    if (atolOpt.getNumOccurrences())
      atol = atolOpt;
    if (expected[i].shape != r.shape)
      fail("result #" + std::to_string(i) + " has shape " +
               formatShape(r.shape) + ", the reference " +
               formatShape(expected[i].shape),
           1);
    rt::ErrorReport report = rt::compareToReference(
        rt::toDoubles(r), expected[i].data, r.dtype, rtol, atol);
    allPassed &= report.passed;
    llvm::outs() << rt::formatReport("result" + std::to_string(i) + " (" +
                                         rt::dtypeName(r.dtype) + ")",
                                     report)
                 << "\n";
  }
  llvm::outs() << (allPassed ? "check: PASS\n" : "check: FAIL\n");
  return allPassed ? 0 : 1;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
#ifdef NORM_HAVE_MPI
  // A rank that fails aborts them all: the others may be waiting for it in
  // a collective.
  if (::norm::rt::launchedByMpi()) {
    ::norm::rt::mpi::init(&argc, &argv, "norm-run");
    underMpi = true;
  }
  auto finish = [](int code, const std::string &message) {
    if (underMpi && !message.empty())
      ::norm::rt::mpi::abort(message);
    if (!message.empty())
      llvm::errs() << "norm-run: " << message << "\n";
    if (underMpi)
      ::norm::rt::mpi::finalize();
    return code;
  };
#else
  auto finish = [](int code, const std::string &message) {
    if (!message.empty())
      llvm::errs() << "norm-run: " << message << "\n";
    return code;
  };
#endif
  try {
    return finish(runMain(argc, argv), "");
  } catch (const Failure &f) {
    return finish(f.code, f.message);
  } catch (const std::exception &e) {
    // The runtime's errors (.npy files) already name the file.
    return finish(2, e.what());
  }
}
