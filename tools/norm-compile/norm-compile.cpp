//===- norm-compile.cpp - Ahead-of-time artifacts of norm programs --------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Compiles the entry function of a norm program, for the host CPU or an
// NVIDIA GPU, into a standalone executable that needs neither LLVM nor MLIR
// at run time: the host code becomes an object file here, the kernels are
// embedded as a cubin, and the object is linked with the project's runtime
// (the artifact's main, .npy I/O, the error metrics and, for CUDA, the mgpu*
// functions on the driver). That is how programs travel to GPU machines that
// have no LLVM.
//
//   norm-compile FILE.mlir --target=cpu|cuda -o ART     an executable
//   norm-compile FILE.mlir --target=cuda --emit=ptx     the kernels' PTX
//   norm-compile FILE.mlir --emit=mlir|llvm|obj         the stages between
//
// Results become out-params and shapes must be static: the artifact
// allocates every buffer from the signature it embeds (norm_signature).
// Exit codes: 0 built, 2 usage or input error, with a one-line message.
//
//===----------------------------------------------------------------------===//

#include "norm-mlir/InitAll.h"
#include "norm-mlir/Pipelines/Pipelines.h"
#include "test/lib/TestPasses.h"
#include "tools/ToolSupport.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using mlir::norm::fail;

namespace cl = llvm::cl;

namespace {
enum class Target { CPU, CUDA };
enum class Emit { Exe, Obj, LLVM, MLIR, PTX };

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<file.mlir>"),
                               cl::Required,
                               cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                cl::value_desc("path"),
                                cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> entryName("entry",
                               cl::desc("Function to compile (default: the "
                                        "only public function with a body)"),
                               cl::cat(mlir::norm::toolCategory()));
cl::opt<Target>
    target("target", cl::desc("Where the artifact runs"),
           cl::values(clEnumValN(Target::CPU, "cpu", "the host"),
                      clEnumValN(Target::CUDA, "cuda", "an NVIDIA GPU")),
           cl::init(Target::CPU), cl::cat(mlir::norm::toolCategory()));
cl::opt<Emit> emit(
    "emit", cl::desc("What to write"),
    cl::values(clEnumValN(Emit::Exe, "exe", "a standalone executable"),
               clEnumValN(Emit::Obj, "obj", "the object file of the program"),
               clEnumValN(Emit::LLVM, "llvm", "the LLVM IR of the host side"),
               clEnumValN(Emit::MLIR, "mlir", "the lowered module"),
               clEnumValN(Emit::PTX, "ptx", "the kernels' PTX (cuda)")),
    cl::init(Emit::Exe), cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("Options of the lowering pipeline (norm-lower-to-llvm-cpu or "
             "norm-lower-to-nvvm), e.g. 'chip=sm_80' or 'openmp=1'"),
    cl::cat(mlir::norm::toolCategory()));
cl::opt<std::string> hostCpu(
    "host-cpu",
    cl::desc("CPU the host code is compiled for, as LLVM names it, or "
             "'host' for this machine (like -march=native). --target=cpu: "
             "the pipeline's target-cpu, whose features the kernels use "
             "(default: the generic x86-64, which runs anywhere); "
             "--target=cuda: the launcher's (default: x86-64-v3)"),
    cl::cat(mlir::norm::toolCategory()));

/// "in f32 4x8" per argument, "out ..." per result, then how random inputs
/// draw it: "positive" for variances, "fan-in N" for weights (N(0, 1/N)).
/// A dynamic dim is "?" (CPU artifacts): an argument's comes from its
/// .npy input, a result's from the argument dim it is tied to, said as
/// "tie D A E" (result dim D has the size of dim E of argument A).
std::string signatureOf(ModuleOp module, func::FuncOp entry) {
  std::string s = "entry " + entry.getName().str() + "\n";
  std::vector<mlir::norm::RandomDraw> draws = mlir::norm::randomDraws(entry);
  bool dynamic = llvm::any_of(
      llvm::concat<const Type>(entry.getArgumentTypes(),
                               entry.getResultTypes()),
      [](Type t) {
        auto tensor = llvm::dyn_cast<RankedTensorType>(t);
        return tensor && !tensor.hasStaticShape();
      });
  std::vector<mlir::norm::DimTie> ties;
  if (dynamic)
    ties = mlir::norm::entryDimTies(module, entry.getName());
  auto describe = [&](Type type, const std::string &what) {
    auto tensor = llvm::dyn_cast<RankedTensorType>(type);
    if (!tensor || !mlir::norm::dtypeOf(tensor.getElementType()))
      fail(what + " has type " + llvm::formatv("{0}", type).str() +
           "; artifacts take ranked tensors of f16, bf16, f32, f64, i1, "
           "i32 or i64");
    if (!tensor.hasStaticShape() && target != Target::CPU)
      fail(what + " has the dynamic shape " +
           mlir::norm::formatShape(tensor.getShape()) +
           "; a CUDA artifact needs static shapes");
    std::string dims;
    for (int64_t d : tensor.getShape())
      dims += (dims.empty() ? "" : "x") +
              (ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d));
    return std::string(::norm::rt::dtypeName(
               *mlir::norm::dtypeOf(tensor.getElementType()))) +
           " " + (dims.empty() ? "." : dims);
  };
  for (auto [i, t] : llvm::enumerate(entry.getArgumentTypes()))
    s += "in " + describe(t, "argument #" + std::to_string(i)) +
         (draws[i].kind == mlir::norm::RandomDraw::Variance ? " positive"
          : draws[i].kind == mlir::norm::RandomDraw::Weight
              ? " fan-in " + std::to_string(draws[i].fanIn)
              : "") +
         "\n";
  for (auto [i, t] : llvm::enumerate(entry.getResultTypes())) {
    std::string what = "result #" + std::to_string(i);
    s += "out " + describe(t, what);
    auto tensor = llvm::cast<RankedTensorType>(t);
    for (int64_t d = 0; d < tensor.getRank(); ++d) {
      if (!tensor.isDynamicDim(d))
        continue;
      const mlir::norm::DimTie *tie = nullptr;
      for (const mlir::norm::DimTie &candidate : ties)
        for (mlir::norm::ArgumentDim r : candidate.results)
          if (r.argument == i && r.dim == d && !candidate.dims.empty())
            tie = &candidate;
      if (!tie)
        fail(what + " has a dynamic dim " + std::to_string(d) +
             " that no argument's dim gives; an artifact must know each "
             "result's size from its inputs");
      s += " tie " + std::to_string(d) + " " +
           std::to_string(tie->dims.front().argument) + " " +
           std::to_string(tie->dims.front().dim);
    }
    s += "\n";
  }
  return s;
}

/// What the host code is compiled for.
struct HostTarget {
  std::string cpu, features;
  /// Whether the lowered code runs on OpenMP threads (and so needs libomp).
  bool openmp = false;
};

/// Lowers `module` with the target's pipeline (results as out-params).
HostTarget lower(ModuleOp module, bool ptxText) {
  HostTarget host;
  PassManager pm(module.getContext());
  mlir::norm::addTransform(pm);
  if (target == Target::CPU) {
    auto options =
        mlir::norm::NormCPUPipelineOptions::createFromString(pipelineOptions);
    if (!options)
      fail("--pipeline-options: not options of norm-lower-to-llvm-cpu: '" +
           pipelineOptions + "'");
    if (hostCpu.getNumOccurrences()) {
      if (options->targetCpu.hasValue())
        fail("--host-cpu and the pipeline's target-cpu both give the CPU");
      options->targetCpu = hostCpu;
    }
    if (std::string error = mlir::norm::resolveCPUTarget(*options);
        !error.empty())
      fail(error);
    host.cpu = options->targetCpu;
    host.features = options->targetFeatures;
    options->outParams = true;
    // Only libc at run time, unless asked for threads.
    if (!options->openmp.hasValue())
      options->openmp = false;
    host.openmp = options->openmp;
    mlir::norm::buildNormCPUPipeline(pm, *options);
  } else {
    // A named CPU's features are LLVM's to fill in; 'host' is resolved here.
    mlir::norm::NormCPUPipelineOptions launcher;
    launcher.targetCpu = hostCpu.empty() ? std::string("x86-64-v3") : hostCpu;
    if (std::string error = mlir::norm::resolveCPUTarget(launcher);
        !error.empty())
      fail(error);
    host.cpu = launcher.targetCpu;
    host.features = launcher.targetFeatures;
    auto options =
        mlir::norm::NormNVVMPipelineOptions::createFromString(pipelineOptions);
    if (!options)
      fail("--pipeline-options: not options of norm-lower-to-nvvm: '" +
           pipelineOptions + "'");
    // A cubin needs no JIT on the GPU machine; PTX text is what --emit=ptx
    // shows.
    if (ptxText)
      options->format = "isa";
    else if (!options->format.hasValue())
      options->format = "bin";
    mlir::norm::buildNormNVVMPipeline(pm, *options);
  }
  mlir::norm::runPipeline(pm, module, inputFile, "lowering");
  return host;
}

/// Adds `void norm_entry(void **args)`: loads each argument of `entry` from
/// the pointer args[i] and calls it (the packed form of MLIR's
/// ExecutionEngine, which the artifact's main builds).
void addPackedEntry(llvm::Module &module, llvm::Function *entry) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  auto *fn = llvm::Function::Create(
      llvm::FunctionType::get(b.getVoidTy(), {ptr}, false),
      llvm::GlobalValue::ExternalLinkage, "norm_entry", module);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
  SmallVector<llvm::Value *> args;
  for (auto [i, param] : llvm::enumerate(entry->args())) {
    llvm::Value *slot =
        b.CreateLoad(ptr, b.CreateConstGEP1_64(ptr, fn->getArg(0), i));
    args.push_back(b.CreateLoad(param.getType(), slot));
  }
  b.CreateCall(entry, args);
  b.CreateRetVoid();
}

std::unique_ptr<llvm::TargetMachine> hostTargetMachine(const HostTarget &host) {
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!t)
    fail("cannot target " + triple.str() + ": " + error);
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(t->createTargetMachine(
      triple, host.cpu, host.features, options, llvm::Reloc::PIC_));
}

void writeFile(const std::string &path, StringRef text) {
  std::string error;
  auto out = openOutputFile(path, &error);
  if (!out)
    fail(path + ": " + error);
  out->os() << text;
  out->keep();
}

/// A runtime archive that artifacts link: beside an installed norm-compile
/// (PREFIX/lib/norm-mlir/, where `cmake --install` puts them), else where
/// this build tree made it.
std::string runtimeArchive(const char *built) {
  static int anchor;
  std::string exe = llvm::sys::fs::getMainExecutable("norm-compile", &anchor);
  SmallString<256> installed(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(installed, "lib", "norm-mlir",
                          llvm::sys::path::filename(built));
  if (!exe.empty() && llvm::sys::fs::exists(installed))
    return std::string(installed);
  return built;
}

/// Whether the host code declares a runtime function whose name starts with
/// one of `prefixes`: what decides the libraries an artifact links.
bool callsRuntime(const llvm::Module &module,
                  std::initializer_list<StringRef> prefixes) {
  return llvm::any_of(module.functions(), [&](const llvm::Function &f) {
    return f.isDeclaration() &&
           llvm::any_of(prefixes, [&](StringRef prefix) {
             return f.getName().starts_with(prefix);
           });
  });
}

/// Appends the libraries of a CMake list (`a;b;c`) to a link line.
[[maybe_unused]] void appendLibraries(std::vector<std::string> &args,
                                      StringRef list) {
  for (StringRef lib : llvm::split(list, ';'))
    if (!lib.empty())
      args.push_back(lib.str());
}

/// Links the object with the artifact's main and the runtime; with
/// `contractions`, the runtime's oneDNN matmuls and convolutions
/// (norm-library-calls) and libdnnl.so.2, which the loader finds in the
/// system's library path; with `collectives` (SyncBN), MPI.
void link(const std::string &object, const std::string &output, bool openmp,
          bool contractions, bool collectives) {
  auto cxx = llvm::sys::findProgramByName(NORM_AOT_LINKER);
  if (!cxx)
    fail(std::string("cannot find the linker driver '") + NORM_AOT_LINKER +
         "'");
  std::vector<std::string> args = {*cxx, object, "-o", output};
  if (target == Target::CPU) {
#ifdef NORM_AOT_MAIN_CPU_MPI
    // The main that starts MPI under mpirun, and the collective on MPI; a
    // build without MPI links the single-process identity (which refuses
    // to run under mpirun).
    if (collectives) {
      args.push_back(runtimeArchive(NORM_AOT_MAIN_CPU_MPI));
      args.push_back(runtimeArchive(NORM_AOT_RUNTIME_MPI));
    } else {
      args.push_back(runtimeArchive(NORM_AOT_MAIN_CPU));
    }
#else
    args.push_back(runtimeArchive(NORM_AOT_MAIN_CPU));
#endif
    args.push_back(runtimeArchive(NORM_AOT_RUNTIME));
    args.push_back(runtimeArchive(NORM_AOT_RUNTIME_CPU));
#ifdef NORM_AOT_MAIN_CPU_MPI
    if (collectives)
      appendLibraries(args, NORM_AOT_LIBMPI);
#endif
    // (libomp first: oneDNN's GNU OpenMP calls then run on the kernels'
    // thread pool.)
    if (openmp)
      args.push_back(NORM_AOT_LIBOMP);
    if (contractions) {
      args.push_back(runtimeArchive(NORM_AOT_RUNTIME_CONTRACTIONS));
      args.push_back(NORM_AOT_LIBDNNL);
    }
  } else {
#ifdef NORM_AOT_MAIN_CUDA
    // With collectives, the main that starts MPI under mpirun and NCCL on
    // one GPU per rank; a build without NCCL links the single-process
    // collectives (which refuse to run under mpirun).
#ifdef NORM_AOT_MAIN_CUDA_MPI
    args.push_back(runtimeArchive(collectives ? NORM_AOT_MAIN_CUDA_MPI
                                              : NORM_AOT_MAIN_CUDA));
    if (collectives) {
      args.push_back(runtimeArchive(NORM_AOT_RUNTIME_NCCL));
      args.push_back(runtimeArchive(NORM_AOT_RUNTIME_MPI));
    }
#else
    args.push_back(runtimeArchive(NORM_AOT_MAIN_CUDA));
#endif
    args.push_back(runtimeArchive(NORM_AOT_RUNTIME));
    args.push_back(runtimeArchive(NORM_AOT_RUNTIME_CUDA));
    args.push_back(runtimeArchive(NORM_AOT_RUNTIME_CPU));
    args.push_back(NORM_AOT_LIBCUDA);
#ifdef NORM_AOT_MAIN_CUDA_MPI
    if (collectives) {
      StringRef nccl = NORM_AOT_LIBNCCL;
      args.push_back(nccl.str());
      args.push_back(
          ("-Wl,-rpath," + llvm::sys::path::parent_path(nccl)).str());
      appendLibraries(args, NORM_AOT_LIBMPI);
    }
#endif
    (void)contractions; // the GPU pipeline makes no library calls
#else
    fail("--target=cuda: this build of norm-compile found no CUDA toolkit");
#endif
  }
  args.push_back("-lm");
#ifdef NORM_AOT_LINK_FLAGS
  args.push_back(NORM_AOT_LINK_FLAGS);
#endif
  SmallVector<StringRef> refs(args.begin(), args.end());
  std::string error;
  int rc =
      llvm::sys::ExecuteAndWait(*cxx, refs, std::nullopt, {}, 0, 0, &error);
  if (rc != 0)
    fail("linking " + output + " failed" +
         (error.empty() ? std::string() : ": " + error));
}

int compileMain(int argc, char **argv) {
  std::string parseErrors;
  llvm::raw_string_ostream errs(parseErrors);
  cl::HideUnrelatedOptions(mlir::norm::toolCategory());
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "norm-compile: ahead-of-time artifacts of "
                                   "norm programs\n",
                                   &errs))
    fail(errs.str().substr(0, errs.str().find('\n')));
  if (emit == Emit::PTX && target != Target::CUDA)
    fail("--emit=ptx goes with --target=cuda");
  std::string output = outputFile.empty() ? "-" : outputFile.getValue();
  if ((emit == Emit::Exe || emit == Emit::Obj) && output == "-")
    fail("give the output file with -o");

  mlir::registerAllPasses();
  mlir::norm::registerNormPasses();
  mlir::norm::test::registerNormTestPasses();
  DialectRegistry registry;
  mlir::norm::registerNormDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      mlir::norm::parseModuleFile(inputFile, context, sourceMgr);
  func::FuncOp entry = mlir::norm::findEntry(*module, entryName, inputFile);
  std::string name = entry.getName().str();
  std::string signature = signatureOf(*module, entry);

  HostTarget host = lower(*module, emit == Emit::PTX);
  if (emit == Emit::MLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    writeFile(output, text);
    return 0;
  }
  if (emit == Emit::PTX) {
    std::string text;
    module->walk([&](gpu::BinaryOp binary) {
      for (Attribute object : binary.getObjects())
        text += llvm::cast<gpu::ObjectAttr>(object).getObject().getValue();
    });
    writeFile(output, text);
    return 0;
  }

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, name);
  if (!llvmModule)
    fail(inputFile + ": translation to LLVM IR failed (see above)");
  llvm::Function *lowered = llvmModule->getFunction(name);
  if (!lowered)
    fail(inputFile + ": the lowered module has no function '" + name + "'");
  addPackedEntry(*llvmModule, lowered);
  auto signatureInit =
      llvm::ConstantDataArray::getString(llvmContext, signature);
  new llvm::GlobalVariable(*llvmModule, signatureInit->getType(), true,
                           llvm::GlobalValue::ExternalLinkage, signatureInit,
                           "norm_signature");

  std::unique_ptr<llvm::TargetMachine> machine = hostTargetMachine(host);
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple());
  if (llvm::Error err =
          mlir::norm::makeVerifiedOptimizer(machine.get())(llvmModule.get()))
    fail("optimizing the host code failed: " + llvm::toString(std::move(err)));
  if (emit == Emit::LLVM) {
    std::string text;
    llvm::raw_string_ostream os(text);
    llvmModule->print(os, nullptr);
    writeFile(output, text);
    return 0;
  }

  // The object: next to the output for --emit=obj, a temporary otherwise.
  std::string object = output;
  bool contractions = callsRuntime(
      *llvmModule,
      {"_mlir_ciface_norm_rt_matmul_", "_mlir_ciface_norm_rt_conv2d_"});
  if (emit == Emit::Exe) {
    SmallString<128> temp;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("norm-compile", "o", temp))
      fail("cannot create a temporary file: " + ec.message());
    object = temp.str().str();
  }
  {
    std::error_code ec;
    llvm::ToolOutputFile out(object, ec, llvm::sys::fs::OF_None);
    if (ec)
      fail(object + ": " + ec.message());
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, out.os(), nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      fail("the target cannot emit an object file");
    codegen.run(*llvmModule);
    out.keep();
  }
  if (emit == Emit::Exe) {
    link(object, output, host.openmp, contractions,
         callsRuntime(*llvmModule, {"_mlir_ciface_norm_rt_all_gather_",
                                     "_mlir_ciface_norm_rt_gpu_all_gather_"}));
    llvm::sys::fs::remove(object);
  }
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  try {
    return compileMain(argc, argv);
  } catch (const mlir::norm::Failure &f) {
    if (!f.message.empty())
      llvm::errs() << "norm-compile: " << f.message << "\n";
    return f.code;
  }
}
