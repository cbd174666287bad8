//===- AotMain.cpp - The main of an ahead-of-time artifact ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// norm-compile links this main with the compiled program. The program
// provides
//
//   void norm_entry(void **args)      the entry, one pointer per scalar of
//                                     its lowered arguments (the packed
//                                     form of MLIR's ExecutionEngine);
//   const char norm_signature[]       "entry NAME" then one line per
//                                     argument: "in|out DTYPE DIMS [positive | fan-in N]"
//                                     (DIMS like 4x8, "." for rank 0).
//
// Results are out-params (norm-lower-to-*{out-params}), so the main
// allocates every buffer. The options are norm-run's: --input, --output-dir,
// --bench, --random-inputs, --seed; checks compare with float64 expected
// outputs computed beforehand (norm-run --write-reference): --expected,
// --rtol, --atol. Built twice: for the host (buffers in host memory) and,
// with NORM_AOT_CUDA, for an NVIDIA GPU (device buffers, the CUDA runtime);
// with NORM_AOT_MPI too, for programs with collectives (MPI started under
// mpirun, and NCCL on the GPU).
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/CpuRuntime.h"
#include "runtime/npy/Npy.h"
#include "runtime/reference/Metrics.h"

#ifdef NORM_AOT_CUDA
#include "runtime/cuda/CudaRuntime.h"
#endif
#ifdef NORM_AOT_MPI
#include "runtime/mpi/MpiRuntime.h"
#endif
#if defined(NORM_AOT_MPI) && defined(NORM_AOT_CUDA)
#include "runtime/nccl/NcclRuntime.h"
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" const char norm_signature[];
extern "C" void norm_entry(void **args);

namespace rt = norm::rt;

namespace {
struct Usage {
  std::string message;
};

[[noreturn]] void usage(const std::string &message) { throw Usage{message}; }

struct ArgumentSpec {
  bool result = false;
  bool positive = false;
  /// A weight's products per output: drawn N(0, 1/fanIn).
  int64_t fanIn = 0;
  /// A result's dynamic dims: (dim, argument, argument's dim) each.
  std::vector<std::array<int64_t, 3>> ties;
  rt::DType dtype = rt::DType::F32;
  std::vector<int64_t> shape;
};

rt::DType parseDType(const std::string &name) {
  for (rt::DType t : {rt::DType::F16, rt::DType::BF16, rt::DType::F32,
                      rt::DType::F64, rt::DType::Bool, rt::DType::I32,
                      rt::DType::I64})
    if (name == rt::dtypeName(t))
      return t;
  usage("the embedded signature names an unknown dtype '" + name + "'");
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") +
         (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  return s + "]";
}

/// Parses norm_signature.
std::vector<ArgumentSpec> parseSignature(std::string &entry) {
  std::istringstream lines(norm_signature);
  std::string line, word;
  std::vector<ArgumentSpec> specs;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    words >> word;
    if (word == "entry") {
      words >> entry;
      continue;
    }
    ArgumentSpec spec;
    spec.result = word == "out";
    words >> word;
    spec.dtype = parseDType(word);
    words >> word;
    if (word != ".") {
      std::istringstream dims(word);
      std::string dim;
      while (std::getline(dims, dim, 'x'))
        spec.shape.push_back(dim == "?" ? -1 : std::stoll(dim));
    }
    while (words >> word) {
      if (word == "positive")
        spec.positive = true;
      else if (word == "fan-in")
        words >> spec.fanIn;
      else if (word == "tie") {
        std::array<int64_t, 3> tie{};
        words >> tie[0] >> tie[1] >> tie[2];
        spec.ties.push_back(tie);
      }
    }
    specs.push_back(spec);
  }
  return specs;
}

/// A usage error, before anything is allocated, when the static arguments
/// and results have more bytes than a size_t holds or this machine has.
void checkFitsInMemory(const std::vector<ArgumentSpec> &specs) {
  uint64_t memory = uint64_t(sysconf(_SC_PHYS_PAGES)) *
                    uint64_t(sysconf(_SC_PAGE_SIZE));
  uint64_t total = 0;
  size_t inputs = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const ArgumentSpec &s = specs[i];
    std::string what = s.result ? "result #" + std::to_string(i - inputs)
                                : "argument #" + std::to_string(i);
    inputs += !s.result;
    uint64_t bytes = rt::dtypeSize(s.dtype);
    bool overflow = false;
    for (int64_t d : s.shape)
      if (d >= 0)
        overflow |= __builtin_mul_overflow(bytes, uint64_t(d), &bytes);
    overflow |= __builtin_add_overflow(total, bytes, &total);
    if (overflow || bytes > uint64_t(PTRDIFF_MAX))
      usage(what + " (" + formatShape(s.shape) +
            ") has more bytes than this machine can address");
    if (total > memory)
      usage(what + " (" + formatShape(s.shape) + ") needs " +
            std::to_string(bytes >> 20) + " MiB, more than this machine's " +
            std::to_string(memory >> 20) + " MiB with the arrays before it");
  }
}

/// Standard normal data; N(0, 1/fan-in) for weights; values in [0.5, 1.5]
/// for `positive` arguments (variances); booleans true with probability
/// 0.8; small integers.
rt::Array randomArray(const ArgumentSpec &spec, std::mt19937_64 &rng) {
  int64_t n = 1;
  for (int64_t d : spec.shape)
    n *= d;
  std::vector<double> values(n);
  std::normal_distribution<double> normal(
      0.0, spec.fanIn > 0 ? 1.0 / std::sqrt(double(spec.fanIn)) : 1.0);
  std::uniform_real_distribution<double> uniform(0.5, 1.5);
  std::bernoulli_distribution coin(0.8);
  std::uniform_int_distribution<int> small(0, 9);
  for (double &v : values) {
    if (spec.dtype == rt::DType::Bool)
      v = coin(rng);
    else if (spec.dtype == rt::DType::I32 || spec.dtype == rt::DType::I64)
      v = small(rng);
    else
      v = spec.positive ? uniform(rng) : normal(rng);
  }
  return rt::fromDoubles(spec.dtype, spec.shape, values);
}

/// Buffers where the compiled code runs: host memory or device memory.
struct Memory {
#ifdef NORM_AOT_CUDA
  static void *alloc(size_t bytes) { return norm_cuda_alloc(bytes); }
  static void free(void *p) { norm_cuda_free(p); }
  static void toDevice(void *d, const void *h, size_t n) {
    norm_cuda_copy_to_device(d, h, n);
  }
  static void toHost(void *h, const void *d, size_t n) {
    norm_cuda_copy_to_host(h, d, n);
  }
#else
  // 64-byte aligned: the out-params ABI of the CPU kernels.
  static void *alloc(size_t bytes) {
    return std::aligned_alloc(64, (std::max<size_t>(bytes, 1) + 63) / 64 * 64);
  }
  static void free(void *p) { std::free(p); }
  // An empty array's bytes may be a null pointer, which memcpy may not get.
  static void toDevice(void *d, const void *h, size_t n) {
    if (n)
      std::memcpy(d, h, n);
  }
  static void toHost(void *h, const void *d, size_t n) {
    if (n)
      std::memcpy(h, d, n);
  }
#endif
};

std::string optionValue(const std::string &arg, const std::string &name) {
  return arg.substr(name.size() + 1);
}

double parseNumber(const std::string &arg, const std::string &name) {
  std::string text = optionValue(arg, name);
  char *end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(v >= 0))
    usage(name + " must be a number >= 0, got '" + text + "'");
  return v;
}

/// A whole number >= 0 (a run count, a seed).
uint64_t parseCount(const std::string &arg, const std::string &name) {
  std::string text = optionValue(arg, name);
  char *end = nullptr;
  errno = 0;
  uint64_t v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0' || errno == ERANGE)
    usage(name + " must be a whole number >= 0, got '" + text + "'");
  return v;
}

int run(int argc, char **argv) {
  std::string entry;
  std::vector<ArgumentSpec> specs = parseSignature(entry);
  std::vector<std::string> inputs, expected;
  std::string outputDir;
  long bench = 0;
  bool random = false;
  uint64_t seed = 0;
  double rtol = -1, atol = -1;
  std::vector<std::string> syncGroups;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto is = [&](const char *name) {
      return a.rfind(std::string(name) + "=", 0) == 0;
    };
    if (is("--input"))
      inputs.push_back(optionValue(a, "--input"));
    else if (is("--expected"))
      expected.push_back(optionValue(a, "--expected"));
    else if (is("--output-dir"))
      outputDir = optionValue(a, "--output-dir");
    else if (is("--bench"))
      bench = static_cast<long>(parseCount(a, "--bench"));
    else if (a == "--random-inputs")
      random = true;
    else if (is("--seed"))
      seed = parseCount(a, "--seed");
    else if (is("--rtol"))
      rtol = parseNumber(a, "--rtol");
    else if (is("--atol"))
      atol = parseNumber(a, "--atol");
#ifdef NORM_AOT_MPI
    else if (is("--sync-group"))
      syncGroups.push_back(optionValue(a, "--sync-group"));
#endif
    else if (a == "--help" || a == "-h") {
      std::printf("%s: runs '%s', compiled ahead of time by norm-compile\n"
                  "  --input=A.npy ...    one per argument, in order\n"
                  "  --random-inputs [--seed=S]\n"
                  "  --output-dir=DIR     writes result0.npy, ...\n"
                  "  --expected=E.npy ... float64 expected results "
                  "(norm-run --write-reference) [--rtol=R] [--atol=A]\n"
                  "  --bench=N            N timed runs: median, GB/s\n"
#ifdef NORM_AOT_MPI
                  "under mpirun: {rank} in --input names, DIR/rank{r}/ "
                  "outputs, --sync-group=NAME:SIZE\n"
#endif
                  ,
                  argv[0], entry.c_str());
      return 0;
    } else
      usage("unknown argument '" + a + "' (see --help)");
  }
#ifdef NORM_AOT_MPI
  if (::norm::rt::launchedByMpi()) {
    namespace mpi = ::norm::rt::mpi;
    mpi::setUpRank(inputs, outputDir, syncGroups);
    if (!expected.empty() && mpi::size() > 1)
      usage("--expected under mpirun with more than one rank is not "
            "supported: the expected results are of the whole batch");
  } else if (!syncGroups.empty()) {
    usage("--sync-group goes with mpirun");
  }
#endif

  // Host arrays of the arguments: loaded, or made up.
  std::vector<rt::Array> args;
  size_t numInputs = 0;
  for (const ArgumentSpec &s : specs)
    numInputs += !s.result;
  if (!inputs.empty() && inputs.size() != numInputs)
    usage("'" + entry + "' takes " + std::to_string(numInputs) +
          " arguments, got " + std::to_string(inputs.size()) +
          " --input files");
  if (inputs.empty() && numInputs && !random)
    usage("'" + entry + "' takes " + std::to_string(numInputs) +
          " arguments: give them with --input, or use --random-inputs");
  checkFitsInMemory(specs);
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < specs.size(); ++i) {
    const ArgumentSpec &s = specs[i];
    if (s.result) {
      // Inputs come first: a dynamic dim has the size of the one it ties.
      rt::Array r{s.dtype, s.shape, {}};
      for (const auto &[dim, argument, argumentDim] : s.ties)
        r.shape[dim] = args[argument].shape[argumentDim];
      r.bytes.resize(r.numElements() * rt::dtypeSize(s.dtype));
      args.push_back(std::move(r));
      continue;
    }
    bool dynamic =
        std::find(s.shape.begin(), s.shape.end(), -1) != s.shape.end();
    if (inputs.empty()) {
      if (dynamic)
        usage("argument #" + std::to_string(i) + " has the dynamic shape " +
              formatShape(s.shape) + "; give its data with --input");
      args.push_back(randomArray(s, rng));
      continue;
    }
    const std::string &path = inputs[args.size()];
    rt::Array a = rt::loadNpy(path);
    if (s.dtype == rt::DType::BF16 && a.dtype == rt::DType::U16)
      a.dtype = rt::DType::BF16;
    if (a.dtype != s.dtype)
      usage(path + ": dtype " + rt::dtypeName(a.dtype) +
            " does not match argument #" + std::to_string(i) +
            " of element type " + rt::dtypeName(s.dtype));
    bool shapeOk = a.shape.size() == s.shape.size();
    for (size_t d = 0; shapeOk && d < a.shape.size(); ++d)
      shapeOk = s.shape[d] == -1 || s.shape[d] == a.shape[d];
    if (!shapeOk)
      usage(path + ": shape " + formatShape(a.shape) +
            " does not match argument #" + std::to_string(i) + " of shape " +
            formatShape(s.shape));
    args.push_back(std::move(a));
  }
  size_t numResults = specs.size() - numInputs;
  if (!expected.empty() && expected.size() != numResults)
    usage("'" + entry + "' has " + std::to_string(numResults) +
          " results, got " + std::to_string(expected.size()) +
          " --expected files");

#ifdef NORM_AOT_CUDA
  char message[256];
  if (norm_cuda_init(message, sizeof(message)) != 0)
    usage(std::string("--target=cuda: ") + message);
#endif

  // Buffers and their memref descriptors, in the packed form: one pointer
  // per scalar (allocated, aligned, offset, sizes, strides).
  std::vector<void *> buffers;
  std::vector<std::vector<int64_t>> descriptors;
  for (size_t i = 0; i < specs.size(); ++i) {
    void *p = Memory::alloc(args[i].bytes.size());
    if (!specs[i].result)
      Memory::toDevice(p, args[i].bytes.data(), args[i].bytes.size());
    buffers.push_back(p);
    std::vector<int64_t> d = {reinterpret_cast<int64_t>(p),
                              reinterpret_cast<int64_t>(p), 0};
    const std::vector<int64_t> &shape = args[i].shape;
    d.insert(d.end(), shape.begin(), shape.end());
    std::vector<int64_t> strides(shape.size(), 1);
    for (int64_t k = static_cast<int64_t>(shape.size()) - 2; k >= 0; --k)
      strides[k] = strides[k + 1] * shape[k + 1];
    d.insert(d.end(), strides.begin(), strides.end());
    descriptors.push_back(std::move(d));
  }
  std::vector<void *> packed;
  for (std::vector<int64_t> &d : descriptors)
    for (int64_t &slot : d)
      packed.push_back(&slot);

  norm_entry(packed.data());
  for (size_t i = 0; i < specs.size(); ++i)
    if (specs[i].result)
      Memory::toHost(args[i].bytes.data(), buffers[i], args[i].bytes.size());

  if (bench > 0) {
    std::vector<double> ms;
#ifdef NORM_AOT_CUDA
    // Calls back to back, as a model runs them: the compiled code does not
    // wait for its kernels (the host never reads device memory), so the
    // launches of one call overlap the kernels of the one before. Groups of
    // calls between two events; the median of the groups' per-call times.
    norm_cuda_defer_sync(1);
    long group = std::max(1L, bench / 5);
    for (long done = 0; done < bench; done += group) {
      long calls = std::min(group, bench - done);
      norm_cuda_timer_start();
      for (long c = 0; c < calls; ++c)
        norm_entry(packed.data());
      ms.push_back(norm_cuda_timer_stop() / calls);
    }
    norm_cuda_defer_sync(0);
#else
    for (long r = 0; r < bench; ++r) {
      auto start = std::chrono::steady_clock::now();
      norm_entry(packed.data());
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    }
#endif
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    double bytes = 0;
    for (const rt::Array &a : args)
      bytes += a.bytes.size();
    double gbs = bytes / (median * 1e-3) * 1e-9;
    std::printf("bench: %ld runs, median %.4f ms, %.2f GB/s (inputs + "
                "results)",
                bench, median, gbs);
#ifdef NORM_AOT_CUDA
    char name[128];
    double peak = 0;
    norm_cuda_device(name, sizeof(name), &peak);
    std::printf(", %.1f%% of the %.0f GB/s of the %s", 100.0 * gbs * 1e9 / peak,
                peak * 1e-9, name);
#endif
    std::printf("\n");
  }

  if (!outputDir.empty()) {
    // Every missing directory on the way (DIR/rank{r} under mpirun).
    for (size_t at = outputDir.find('/', 1); at != std::string::npos;
         at = outputDir.find('/', at + 1))
      mkdir(outputDir.substr(0, at).c_str(), 0777);
    mkdir(outputDir.c_str(), 0777);
    size_t r = 0;
    for (size_t i = 0; i < specs.size(); ++i)
      if (specs[i].result)
        rt::saveNpy(outputDir + "/result" + std::to_string(r++) + ".npy",
                    args[i]);
  }
  for (void *p : buffers)
    Memory::free(p);

  if (expected.empty())
    return 0;
  bool passed = true;
  size_t r = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].result)
      continue;
    const rt::Array &got = args[i];
    rt::Array want = rt::loadNpy(expected[r]);
    if (want.shape != got.shape)
      usage(expected[r] + ": shape " + formatShape(want.shape) +
            " does not match result #" + std::to_string(r) + " of shape " +
            formatShape(got.shape));
    auto [defaultRtol, defaultAtol] = rt::defaultTolerance(got.dtype);
    std::vector<double> wanted = rt::toDoubles(want);
    rt::ErrorReport report = rt::compareToReference(
        rt::toDoubles(got), wanted, got.dtype,
        rtol >= 0 ? rtol : defaultRtol,
        atol >= 0 ? atol : rt::atolAtScale(defaultAtol, wanted));
    passed &= report.passed;
    std::printf("%s\n",
                rt::formatReport("result" + std::to_string(r) + " (" +
                                     rt::dtypeName(got.dtype) + ")",
                                 report)
                    .c_str());
    ++r;
  }
  std::printf(passed ? "check: PASS\n" : "check: FAIL\n");
  return passed ? 0 : 1;
}
} // namespace

int main(int argc, char **argv) {
  const char *self = argc > 0 ? argv[0] : "artifact";
  ::norm::rt::setProgramName(self);
#ifdef NORM_AOT_MPI
  // A rank that fails aborts them all: the others may be waiting for it in
  // a collective.
  bool underMpi = ::norm::rt::launchedByMpi();
  if (underMpi) {
    ::norm::rt::mpi::init(&argc, &argv, self);
#ifdef NORM_AOT_CUDA
    // One GPU per rank, and the collectives on NCCL.
    ::norm::rt::nccl::init();
#endif
  }
  auto failed = [&](const std::string &message) {
    if (underMpi)
      ::norm::rt::mpi::abort(message);
    std::fprintf(stderr, "%s: %s\n", self, message.c_str());
    return 2;
  };
  try {
    int code = run(argc, argv);
    if (underMpi) {
#ifdef NORM_AOT_CUDA
      ::norm::rt::nccl::finalize();
#endif
      ::norm::rt::mpi::finalize();
    }
    return code;
  } catch (const Usage &u) {
    return failed(u.message);
  } catch (const std::exception &e) {
    return failed(e.what());
  }
#else
  try {
    return run(argc, argv);
  } catch (const Usage &u) {
    std::fprintf(stderr, "%s: %s\n", self, u.message.c_str());
  } catch (const std::exception &e) {
    std::fprintf(stderr, "%s: %s\n", self, e.what());
  }
  return 2;
#endif
}
