//===- CPUTarget.cpp - The CPU a tool compiles for ------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// What the tools, and only the tools, know about CPUs: this machine's, and
// the features of a named one in LLVM's tables. The library's pipelines take
// the result as options.
//
//===----------------------------------------------------------------------===//

#include "tools/CPUTarget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>
#include <vector>

std::string mlir::norm::resolveCPUTarget(NormCPUPipelineOptions &options) {
  std::string cpu = options.targetCpu;
  if (cpu == "host" || cpu == "native") {
    options.targetCpu = llvm::sys::getHostCPUName().str();
    if (options.targetFeatures.empty()) {
      // Sorted: the same machine gives the same string.
      std::vector<std::string> features;
      for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
        features.push_back((on ? "+" : "-") + name.str());
      llvm::sort(features);
      options.targetFeatures = llvm::join(features, ",");
    }
    return "";
  }
  if (cpu.empty() || !options.targetFeatures.empty())
    return "";
  llvm::InitializeNativeTarget();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return "cannot target " + triple.str() + ": " + error;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, cpu, ""));
  if (!info || !info->isCPUStringValid(cpu))
    return "target-cpu: '" + cpu + "' is not a CPU that LLVM knows for " +
           triple.str();
  std::vector<std::string> features;
  for (const llvm::SubtargetFeatureKV &feature :
       info->getAllProcessorFeatures())
    if (info->checkFeatures(std::string("+") + feature.Key))
      features.push_back(std::string("+") + feature.Key);
  options.targetFeatures = llvm::join(features, ",");
  return "";
}

