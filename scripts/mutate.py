#!/usr/bin/env python3
# ===- mutate.py - Which semantic mutations does the suite not kill? -----===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
#
#   scripts/mutate.py [--build BUILD] [--only NAME ...] [--exclude REGEX] [--list]
#
# Applies each mutation below to the source (one at a time, an exact text
# replacement that must match once), rebuilds, runs the suite (ctest: lit,
# the unit tests and the random-program batch), and restores the file. A
# mutation the suite still passes is a survivor: it needs a test, or a
# reason in EXPLAINED why no test can tell. Prints one line per mutation and
# the score; exits 1 when an unexplained mutation survives. --exclude skips
# ctest tests (e.g. 'random-programs', two of a mutation's three minutes):
# a kill stays a kill, a survivor must be run again without it.
#
# Each mutation is a wrong answer a plausible bug would give: a dim index, a
# dropped epsilon, bias or offset, a wrong reduction dim, a wrong map.
# ===----------------------------------------------------------------------===#

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (name, file, original text, mutated text)
MUTATIONS = [
    # norm-fold-batch-norm
    ("bn-fold: weight dim stride", "lib/Transforms/FoldBatchNorm.cpp",
     "for (int64_t d = layout->weightDim + 1; d < wType.getRank(); ++d)",
     "for (int64_t d = layout->weightDim; d < wType.getRank(); ++d)"),
    ("bn-fold: channel in weight dim 0", "lib/Transforms/FoldBatchNorm.cpp",
     "return ChannelLayout{resultDim, weightDim};",
     "return ChannelLayout{resultDim, 0};"),
    ("bn-fold: mean dropped from the bias", "lib/Transforms/FoldBatchNorm.cpp",
     "b[c] = (*beta)[c] - (*mean)[c] * s[c];", "b[c] = (*beta)[c];"),
    ("bn-fold: epsilon dropped", "lib/Transforms/FoldBatchNorm.cpp",
     "s[c] = (*gamma)[c] / std::sqrt((*var)[c] + eps);",
     "s[c] = (*gamma)[c] / std::sqrt((*var)[c]);"),
    ("bn-fold: input may read the channel", "lib/Transforms/FoldBatchNorm.cpp",
     "if (weightDim < 0 || inputMap.isFunctionOfDim(loop)) {",
     "if (weightDim < 0) {"),
    # norm-fuse-qk
    ("qk: layer-norm bias dropped", "lib/Transforms/FuseQK.cpp",
     "      bias = norm.getBias();", "      bias = nullptr;"),
    ("qk: scale_offset dropped", "lib/Transforms/FuseQK.cpp",
     "rewriter.getF64FloatAttr(iface.getScaleOffsetValue()),",
     "rewriter.getF64FloatAttr(0.0),"),
    ("qk: transposed weight read as [K, N]", "lib/Transforms/FuseQK.cpp",
     "        p->transposedWeight ? rewriter.getUnitAttr() : UnitAttr());",
     "        UnitAttr());"),
    ("qk: bf16 accumulator fused", "lib/Transforms/FuseQK.cpp",
     "    if (p->accumulator != iface.getStatisticsType())",
     "    if (false)"),
    ("qk: bias over rows taken", "lib/Transforms/FuseQK.cpp",
     "  AffineMap columns = AffineMap::get(2, 0, getAffineDimExpr(1, ctx));",
     "  AffineMap columns = AffineMap::get(2, 0, getAffineDimExpr(0, ctx));"),
    # norm-fold-into-projection
    ("flashnorm: constant scale_offset ignored", "lib/Transforms/FoldIntoProjection.cpp",
     "double g = scale ? offset + (*gamma)[kk] : 1.0;",
     "double g = scale ? (*gamma)[kk] : 1.0;"),
    ("flashnorm: runtime scale_offset ignored", "lib/Transforms/FoldIntoProjection.cpp",
     "                 if (offset != 0.0)", "                 if (false)"),
    ("flashnorm: constant [N, K] weight indexed as [K, N]", "lib/Transforms/FoldIntoProjection.cpp",
     "int64_t at = p.transposedWeight ? nn * k + kk : kk * n + nn;",
     "int64_t at = kk * n + nn;"),
    ("flashnorm: runtime [N, K] weight scaled along n", "lib/Transforms/FoldIntoProjection.cpp",
     "      unsigned kDim = p.transposedWeight ? 1 : 0;", "      unsigned kDim = 0;"),
    ("flashnorm: bias dropped", "lib/Transforms/FoldIntoProjection.cpp",
     "        if (bias)\n          newBias = makeConstant(rewriter, loc, biasType, projected);",
     "        (void)biasType;"),
    ("flashnorm: bf16 folded", "lib/Transforms/FoldIntoProjection.cpp",
     "    if (type.getElementType().getIntOrFloatBitWidth() < 32 &&\n        !skipNarrowRounding)",
     "    if (false)"),
    # matmul matching (Utils)
    ("match: broadcast weight taken as [K, N]", "lib/Transforms/Utils.cpp",
     "  else if (maps[1] != map({k, n}))", "  else if (false)"),
    ("match: transposed x taken", "lib/Transforms/Utils.cpp",
     "  if (maps[0] != map({m, k}) || maps[2] != map({m, n}))",
     "  if (maps[2] != map({m, n}))"),
    ("match: accumulating into data", "lib/Transforms/Utils.cpp",
     "  if (!isZeroFill(init))\n    return fail(\"the matmul accumulates into data, not a zero fill\");",
     ""),
    # norm-fuse-residual-add
    ("residual-add: generic body may add the init", "lib/Transforms/FuseResidualAdd.cpp",
     "add.getRhs() == body->getArgument(1)) ||", "add.getRhs() == body->getArgument(2)) ||"),
    ("residual-add: generic with any maps", "lib/Transforms/FuseResidualAdd.cpp",
     "                    [](AffineMap m) { return m.isIdentity(); }))\n    return nullptr;\n  Block *body",
     "                    [](AffineMap m) { return true; }))\n    return nullptr;\n  Block *body"),
    # SyncBN: the lowering and the MPI collective
    ("syncbn: local statistics, not the group's", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "      groupCount = group.getTotalCount();\n      auto ifCounted",
     "      groupCount = local.getCount();\n      auto ifCounted"),
    ("syncbn: variance M2 / (count - 1)", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "divide ? arith::DivFOp::create(nb, nloc, a[1], a[0]) : a[1];",
     "divide ? arith::DivFOp::create(nb, nloc, a[1], arith::SubFOp::create(nb, nloc, a[0], floatConstant(nb, nloc, ct, 1.0))) : a[1];"),
    ("syncbn: running stats from the local count", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "    if (groupCount)\n      v.count = groupCount;\n", ""),
    ("syncbn: merge without the between-means term", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "arith::AddFOp::create(b, l, m2, m2B), between);",
     "arith::AddFOp::create(b, l, m2, m2B), floatConstant(b, l, f64, 0.0));"),
    ("syncbn: an empty member's mean is merged", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "arith::SelectOp::create(b, l, empty, mean, newMean),",
     "newMean,"),
    ("syncbn-mpi: rank 1 merges the blocks in reverse order", "runtime/mpi/MpiRuntime.cpp",
     '        "MPI_Allgather");\n}\n\nvoid norm::rt::mpi::broadcast',
     '        "MPI_Allgather");\n  if (rank() == 1)\n    for (int64_t i = 0, p = groupSize(group, groupLength); i < p / 2; ++i)\n'
     '      std::swap_ranges(gathered + i * count, gathered + (i + 1) * count, gathered + (p - 1 - i) * count);\n}\n\nvoid norm::rt::mpi::broadcast'),
    # The row normalizers' gradients: the lowering and the float64 reference
    ("grad: xhat without the mean", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "        c = arith::SubFOp::create(b, l, c, a[i++]);",
     "        ++i;"),
    ("grad: Gemma's scale offset dropped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "        if (scaleOffset != 0.0)\n          w = arith::AddFOp",
     "        if (false)\n          w = arith::AddFOp"),
    ("grad: sum_grad dropped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "d = arith::AddFOp::create(b, l, d, castFloat(b, l, a[i++], ct));",
     "d = arith::AddFOp::create(b, l, d, floatConstant(b, l, ct, 0.0 * i++));"),
    ("grad: rows averaged over N - 1", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "Value count = floatConstant(b, l, ct, double(n));",
     "Value count = floatConstant(b, l, ct, double(n - 1));"),
    ("grad: scale gradient without xhat", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "b, l, a[acc++], arith::MulFOp::create(b, l, dyc, xhat)));",
     "b, l, a[acc++], dyc));"),
    ("grad: the rows after the last block left out", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "    sums.assign(results.begin() + 1, results.end());",
     "    (void)results;"),
    ("grad: block partials not merged", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "                  arith::AddFOp::create(b, l, a[numSums + i], a[i]));",
     "                  a[numSums + i]);"),
    ("grad: cross-row sums reassociated", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "            yielded.push_back(arith::AddFOp::create(b, l, a[acc++], dyc));",
     "            yielded.push_back(arith::AddFOp::create(b, l, a[acc++], dyc, arith::FastMathFlagsAttr::get(b.getContext(), arith::FastMathFlags::reassoc)));"),
    ("grad-ref: layer norm without mean(g)", "runtime/reference/Reference.cpp",
     "double centered = mean ? g[i] - sumG / double(n) : g[i];",
     "double centered = g[i];"),
    ("grad-ref: bias gradient halved", "runtime/reference/Reference.cpp",
     "r.bias.data[i] += dy.data[k];", "r.bias.data[i] += 0.5 * dy.data[k];"),
    # Batch norm's gradient: the lowering and the float64 reference
    ("bn-grad: xhat without the mean", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "Value centered = arith::SubFOp::create(nb, nloc, castFloat(nb, nloc, xv, ct),\n                                             mean);",
     "Value centered = castFloat(nb, nloc, xv, ct);"),
    ("bn-grad: masked positions summed", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "            if (mask)\n              t = arith::SelectOp",
     "            if (false)\n              t = arith::SelectOp"),
    ("bn-grad: masked positions get a gradient", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "          if (mask)\n            v = arith::SelectOp",
     "          if (false)\n            v = arith::SelectOp"),
    ("bn-grad: eval flows through the statistics", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "    bool train = op.getMode() == BatchNormMode::train;\n    Value count = train",
     "    bool train = true;\n    Value count = train"),
    ("bn-grad: scale and bias gradients swapped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "results.push_back(castElements(rewriter, loc, sums[1], paramType));",
     "results.push_back(castElements(rewriter, loc, sums[0], paramType));"),
    ("bn-grad-ref: masked positions counted", "runtime/reference/Reference.cpp",
     "          count[c] += 1;\n          r.bias.data[c] += dy.data[i];",
     "          r.bias.data[c] += dy.data[i];"),
    # Group norm's gradient
    ("gn-grad: the mean's center dropped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "      d = arith::SubFOp::create(nb, nloc, d, a[3]);\n      return arith::MulFOp",
     "      return arith::MulFOp"),
    ("gn-grad: no mean(g) term", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "              arith::AddFOp::create(nb, nloc, sumG,\n",
     "              arith::AddFOp::create(nb, nloc, floatConstant(nb, nloc, ct, 0.0 * 0),\n"),
    ("gn-grad: g without the scale", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "      if (scale)\n        g = arith::MulFOp::create(nb, nloc, g, castFloat(nb, nloc, a[5], ct));",
     "      if (false)\n        g = arith::MulFOp::create(nb, nloc, g, castFloat(nb, nloc, a[5], ct));"),
    ("gn-grad: scale and bias gradients swapped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "SmallVector<Value>{op.getScaleGrad(), op.getBiasGrad()},",
     "SmallVector<Value>{op.getBiasGrad(), op.getScaleGrad()},"),
    ("gn-grad-ref: no xhat * mean(g * xhat) term", "runtime/reference/Reference.cpp",
     "rstd * (g - (sumG[grp] + xhat * sumGX[grp]) / st.count);",
     "rstd * (g - sumG[grp] / st.count);"),
    # Weight norm's gradient
    ("wn-grad: dv without the projection", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "          Value d = arith::SubFOp::create(nb, nloc, castFloat(nb, nloc, a[0], ct),\n                                          along);",
     "          Value d = castFloat(nb, nloc, a[0], ct);"),
    ("wn-grad: dg not divided by the norm", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "                              nb, nloc, a[1], math::SqrtOp::create(nb, nloc, a[0]));",
     "                              nb, nloc, a[1], floatConstant(nb, nloc, elementTypeOf(sums[0]), 1.0));"),
    ("wn-grad-ref: dg not divided by the norm", "runtime/reference/Reference.cpp",
     "    r.scale.data[c] = dot[c] / std::sqrt(s.squares[c]);",
     "    r.scale.data[c] = dot[c];"),
    # The gradients' GPU row kernels
    ("gpu-grad: repeated rows add to the partials", "lib/Conversion/NormToGPU/NormToGPU.cpp",
     "arith::SelectOp::create(b, loc, counts, terms[k], zeros)));",
     "terms[k]));"),
    ("gpu-grad: no barrier before the next row", "lib/Conversion/NormToGPU/NormToGPU.cpp",
     "      if (target.warpsIn(g.group))\n        gpu::BarrierOp::create(b, loc);\n      if (!next.empty())",
     "      if (!next.empty())"),
    ("gpu-grad: column sums over the first 32 partial rows", "lib/Conversion/NormToGPU/NormToGPU.cpp",
     "Value q = memref::DimOp::create(b, loc, sumsAndResults.front().first, 0);",
     "Value q = cIndex(b, loc, kSumRows);"),
    ("syncbn-gpu: collectives keep their host versions", "lib/Conversion/NormToGPU/GPUOffload.cpp",
     '"norm_rt_gpu_" + callee.getSymName()', '"norm_rt_" + callee.getSymName()'),
    # norm-gpu-offload's tiled contraction
    ("gpu-matmul: operands always staged K-fastest", "lib/Conversion/NormToGPU/GPUOffload.cpp",
     "                    kDim;\n    Value zero", "                    kDim || true;\n    Value zero"),
    ("gpu-matmul: ragged K runs the full step", "lib/Conversion/NormToGPU/GPUOffload.cpp",
     "Value steps = k % kStep == 0", "Value steps = k % kStep != 99"),
    ("gpu-matmul: decode-sized rows tiled", "lib/Conversion/NormToGPU/GPUOffload.cpp",
     "if (m < kStep || n < kStep || k < kStep)", "if (n < kStep || k < kStep)"),
    ("residual-add: the sum's users read the normalized value", "lib/Transforms/FuseResidualAdd.cpp",
     "rewriter.replaceAllUsesWith(add.getResult(), fused.getSum());",
     "rewriter.replaceAllUsesWith(add.getResult(), fused.getResult());"),
    # convert-norm-to-linalg
    ("lowering: epsilon dropped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "  p.epsilon = op.getEpsilonValue().value_or(0.0);", "  p.epsilon = 0.0;"),
    ("lowering: scale_offset dropped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "  p.scaleOffset = op.getScaleOffsetValue();", "  p.scaleOffset = 0.0;"),
    ("lowering: shift not subtracted", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "        Value valid = p.mask ? args[next++] : Value();\n        if (shift)\n"
     "          v = arith::SubFOp::create(nb, nloc, v, args[next++]);",
     "        Value valid = p.mask ? args[next++] : Value();\n        if (shift)\n"
     "          next++;"),
    ("lowering: mask ignored", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "          if (valid)\n            term = arith::SelectOp::create(nb, nloc, valid, term,\n"
     "                                           floatConstant(nb, nloc, acc, 0.0));",
     "          (void)valid;"),
    # the statistics (issue 15)
    ("two-pass: the mean not corrected", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "        Value center = perValue(a[0]);", "        Value center = zero;"),
    ("two-pass: m2 not corrected", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "            arith::SubFOp::create(nb, nloc, a[1],\n"
     "                                  arith::MulFOp::create(nb, nloc, a[0], center)),",
     "            a[1],"),
    ("two-pass: an infinite mean corrected to NaN", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "                          nb, nloc, isFinite(nb, nloc, a[0]), sum, a[0]);",
     "                          nb, nloc, isFinite(nb, nloc, a[0]), sum, sum);"),
    ("overflow: never recomputed", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "  int64_t rank = rankOf(spread);\n  if (rank == 0)\n",
     "  if (true)\n    return arith::ConstantIntOp::create(b, loc, 0, 1);\n"
     "  int64_t rank = rankOf(spread);\n  if (rank == 0)\n"),
    ("overflow: underflow not checked", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "  bool tinyMatters = epsilon < std::ldexp(1.0, -96);", "  bool tinyMatters = false;"),
    ("overflow: recomputed in f32", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "        inF64.computeType = wide;\n        NormalizationValues robust = normalizeIn(nb, nloc, inF64, wide);",
     "        NormalizationValues robust = normalizeIn(nb, nloc, inF64, ct);"),
    ("long reductions: f32 accumulators", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "  if (wide == ct || !n || *n > kLongReduction)", "  if (wide == ct || !n)"),
    ("tile-rows: users in other blocks keep the producer out", "lib/Codegen/TileRows.cpp",
     "          return cluster.contains(u) || !isa<linalg::LinalgOp>(u) ||\n"
     "                 u->getBlock() != root->getBlock();",
     "          return cluster.contains(u) || !isa<linalg::LinalgOp>(u);"),
    ("ties: scf.if yields ignored", "lib/Transforms/DimTies.cpp",
     "          joinPositions(ties, yielded, result);", "          (void)yielded, (void)result;"),
    ("lowering: transposed projection weight read as [K, N]", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "  if (transposed) {\n    MLIRContext *ctx = b.getContext();",
     "  if (false) {\n    MLIRContext *ctx = b.getContext();"),
    ("lowering: project_norm bias skipped", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "          if (Value pb = norm.getProjBias())\n            proj = addLastDimBias(rewriter, loc, proj, pb);",
     ""),
    ("lowering: project_norm not rounded to its type", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "          proj = castElements(rewriter, loc, proj,\n",
     "          proj = proj; (void)castElements(rewriter, loc, proj,\n"),
    # norm-tile-rows
    ("tile-rows: any map tiled", "lib/Codegen/TileRows.cpp",
     "    return false;\n  return llvm::all_of(op.getIndexingMapsArray()",
     "    return false;\n  return true || llvm::all_of(op.getIndexingMapsArray()"),
    ("tile-rows: empty loops tiled", "lib/Codegen/TileRows.cpp",
     "  if (llvm::is_contained(op.getStaticLoopRanges(), 0))\n    return false;\n",
     ""),
    ("tile-rows: reduction order depends on the tile's rows", "lib/Codegen/TileRows.cpp",
     "    bool perRow = rows > 1;\n    int64_t lanes = bits / 32;\n    int64_t chunk = 4 * lanes;",
     "    bool perRow = rows > 4;\n    int64_t lanes = bits / 32;\n"
     "    int64_t chunk = lanes * (4 / (perRow ? 1 : rows));"),
    ("tile-rows: tiles need not divide the rows", "lib/Codegen/TileRows.cpp",
     "      while (extent % rows != 0)\n        rows /= 2;", ""),
    ("tile-rows: column partials start from one", "lib/Codegen/TileRows.cpp",
     "          rewriter, loc, rewriter.getZeroAttr(type.getElementType()));",
     "          rewriter, loc, rewriter.getFloatAttr(type.getElementType(), 1.0));"),
    ("tile-rows: column merge drops the partials", "lib/Codegen/TileRows.cpp",
     "            sums.push_back(arith::AddFOp::create(b, l, args[n + i], args[i]));",
     "            sums.push_back(args[n + i]);"),
    ("tile-rows: any column reduction blocked", "lib/Codegen/TileRows.cpp",
     "      if (!add || !acc.hasOneUse() ||\n          (add.getLhs() != acc && add.getRhs() != acc))",
     "      if (!acc.hasOneUse())"),
    ("tile-rows: column bodies may read their index", "lib/Codegen/TileRows.cpp",
     "    if (!root.getBody()->getOps<linalg::IndexOp>().empty() ||\n        linalg::isaContractionOpInterface(root))",
     "    if (linalg::isaContractionOpInterface(root))"),
    ("tile-rows: k-first contractions blocked", "lib/Codegen/TileRows.cpp",
     "    if (!root.getBody()->getOps<linalg::IndexOp>().empty() ||\n        linalg::isaContractionOpInterface(root))",
     "    if (!root.getBody()->getOps<linalg::IndexOp>().empty())"),
    ("tile-rows: column results per row blocked", "lib/Codegen/TileRows.cpp",
     "        if (cast<AffineDimExpr>(e).getPosition() < leading)\n          return failure();",
     "        (void)e;"),
    ("tile-rows: column accumulator may be reused", "lib/Codegen/TileRows.cpp",
     "      if (!add || !acc.hasOneUse() ||", "      if (!add ||"),
    # norm-hoist-allocas
    ("hoist-allocas: nothing hoisted", "lib/Codegen/HoistAllocas.cpp",
     "      if (outermost)\n        moves.emplace_back(alloca, outermost);",
     "      (void)outermost;"),
    ("hoist-allocas: yielded buffers hoisted", "lib/Codegen/HoistAllocas.cpp",
     "if (!alloca->getOperands().empty() || escapes(alloca.getResult()))",
     "if (!alloca->getOperands().empty())"),
    ("hoist-allocas: out of an allocation scope", "lib/Codegen/HoistAllocas.cpp",
     "        if (parent->hasTrait<OpTrait::AutomaticAllocationScope>())\n          break;",
     "        (void)0;"),
    # norm-check-shapes and the ties
    ("check-shapes: static sizes not checked", "lib/Transforms/CheckShapes.cpp",
     "        if (tie.size) {", "        if (false) {"),
    ("ties: linalg maps ignored", "lib/Transforms/DimTies.cpp",
     "          ties.join(Ties::of(operand.get(), position),\n                    Node{op, dim.getPosition()});",
     "          (void)dim;"),
    ("ties: tensor.empty sizes ignored", "lib/Transforms/DimTies.cpp",
     "      if (dimOp && matchPattern(dimOp.getIndex(), m_ConstantInt(&index)))",
     "      if (false)"),
    ("norm-run: no tie check before the evaluation", "tools/norm-run/norm-run.cpp",
     "    checkTiedDims(*module, name, inputs);", "    (void)0;"),
    # empty batches
    ("batch-norm: empty batch decays the running stats", "lib/Conversion/NormToLinalg/NormToLinalg.cpp",
     "                  nb, nloc, counted, arith::AddFOp::create(nb, nloc, keep, add),\n                  old);",
     "                  nb, nloc, counted, arith::AddFOp::create(nb, nloc, keep, add),\n                  arith::AddFOp::create(nb, nloc, keep, add));"),
    ("reference: empty batch decays the running stats", "runtime/reference/Reference.cpp",
     "      if (n == 0)\n        continue; // no values: the running statistics stay as they are\n",
     ""),
    # attributes
    ("verifier: non-finite attributes accepted", "dialect/NormOps.cpp",
     "    if (value && !value.getValue().isFinite())", "    if (false)"),
    ("verifier: unknown attributes accepted", "dialect/NormOps.cpp",
     "    if (name.contains('.'))\n      continue;", "    continue;"),
    # reports
    ("random inputs: weights N(0, 1)", "tools/norm-run/norm-run.cpp",
     "                     ? 1.0 / std::sqrt(double(draw.fanIn))", "                     ? 1.0"),
    ("metrics: ulps at the value only", "runtime/reference/Metrics.cpp",
     "  double ulpFloor = std::ldexp(scaleOf(ref), -10);", "  double ulpFloor = 0;"),
    ("metrics: atol not at the scale", "runtime/reference/Metrics.cpp",
     "  return atol * std::max(1.0, scaleOf(ref));", "  return atol;"),
    ("block cache: allocation unlocked", "runtime/cpu/BlockCache.cpp",
     "    std::lock_guard<std::mutex> lock(mutex);\n    for (auto [it, end]",
     "    for (auto [it, end]"),
    ("tile-rows: non-plain maps collapsed", "lib/Codegen/TileRows.cpp",
     "  if (!llvm::all_of(maps, [](AffineMap m) { return m.isProjectedPermutation(); }))\n    return {};",
     ""),
    # bf16 <-> f64 casts
    ("bf16-f64: rounded twice to nearest", "lib/Codegen/Bf16AsI16.cpp",
     "    Value toOdd = arith::BitcastOp::create(rewriter, loc, f32, chosen);",
     "    Value toOdd = r; (void)chosen;"),
    # norm-raise
    ("raise: epsilon assumed", "lib/Transforms/Raise.cpp",
     "          m.epsilon = e->args[side]->constant;",
     "          m.epsilon = 1e-5;"),
    ("raise: count not checked", "lib/Transforms/Raise.cpp",
     "        : divides        ? divisor == double(count)",
     "        : true           ? true"),
    ("raise: mean of another value", "lib/Transforms/Raise.cpp",
     "    if (!eq.underBinding(x, meanSummand, summed, bound(sumOf(mean))))",
     "    if (false)"),
    ("raise: scale broadcast not checked", "lib/Transforms/Raise.cpp",
     "      if (readsNormalizedDims(param))",
     "      if (true)"),
    ("raise: weight dtype not checked", "lib/Transforms/Raise.cpp",
     "      if (getElementTypeOrSelf(param->value.getType()) !=\n          type.getElementType())",
     "      if (false)"),
    ("raise: escaping intermediates", "lib/Transforms/Raise.cpp",
     "          if (kept.contains(user) && user->getParentRegion() ==",
     "          if (true || user->getParentRegion() =="),
    ("raise: gemma offset dropped", "lib/Transforms/Raise.cpp",
     "            offset = 1.0;",
     "            offset = 0.0;"),
    ("raise: nonzero init summed", "lib/Transforms/Raise.cpp",
     "      if (!zero || *zero != 0.0)",
     "      if (!zero)"),
    ("raise: expanded variance of another mean", "lib/Transforms/Raise.cpp",
     "        !Equal(rank, ctx).underBinding(squaredMean, mean, {}, {}))",
     "        false)"),
    ("raise: variance of another value", "lib/Transforms/Raise.cpp",
     "          !eq.underBinding(x, base->args[0], summed, bound(sumOf(variance))) ||\n          !eq.underBinding(mean, base->args[1], summed,\n                           bound(sumOf(variance))))",
     "          false)"),
    ("raise: LLaMA rounding ignored", "lib/Transforms/Raise.cpp",
     "    if (isOp(e, \"arith.truncf\") && isNarrow(computeType) &&",
     "    if (isOp(e, \"arith.truncf\") && !isNarrow(computeType) &&"),
    ("raise: batch norm statistics of other channels", "lib/Transforms/Raise.cpp",
     "    if (!c || channelOf(variance) != c || rank < 2 ||",
     "    if (!c || rank < 2 ||"),
    ("raise: per-channel scale of an RMS norm", "lib/Transforms/Raise.cpp",
     "    if (channel && (normalizedDims || m.rms))",
     "    if (channel && normalizedDims)"),
    ("raise: computed statistics as running ones", "lib/Transforms/Raise.cpp",
     "    if (centered->args[1]->kind != Expr::Kind::Leaf ||\n        variance->kind != Expr::Kind::Leaf)\n      return false;\n",
     ""),
    ("raise: statistics over any dims but one as a batch norm", "lib/Transforms/Raise.cpp",
     "    for (unsigned c : {1u, rank - 1})\n      if (!llvm::is_contained(summed, c))",
     "    for (unsigned c = 0; c < rank; ++c)\n      if (!llvm::is_contained(summed, c))"),
    ("raise: f64 variance of another value", "lib/Transforms/Raise.cpp",
     "      if (!isOp(wide, \"arith.extf\") || !isOp(wideSummand, \"arith.extf\") ||\n          !eq.underBinding(x, wide->args[0], summed, bound(sumOf(v))) ||\n          !eq.underBinding(x, wideSummand->args[0], summed,\n                           bound(sumOf(wideMean))))",
     "      if (!isOp(wide, \"arith.extf\") || !isOp(wideSummand, \"arith.extf\"))"),
    ("raise: group view splitting channels", "lib/Transforms/Raise.cpp",
     "  if (x == input || groups < 1 || ShapedType::isDynamic(channels) ||\n      channels % groups != 0)",
     "  if (x == input || groups < 1 || ShapedType::isDynamic(channels))"),
    ("raise: the variance wired as a statistic", "lib/Transforms/Raise.cpp",
     "  if (!v || (v != m.mean && v != m.rstd) || m.perChannel ||",
     "  if (!v || m.perChannel ||"),
    ("raise: training batch norm in eval mode", "lib/Transforms/Raise.cpp",
     "      m.train = true;\n", ""),
    ("raise: folded shift by another factor", "lib/Transforms/Raise.cpp",
     "    if (!mean)\n      return reject(\"the shift of a folded batch norm multiplies the mean by \"",
     "    if (!mean) mean = meanTimesInv->args[0];\n    if (!mean)\n      return reject(\"the shift of a folded batch norm multiplies the mean by \""),
    ("raise: count of another tensor", "lib/Transforms/Raise.cpp",
     "      if (!sameShapeAsInput(t)) {", "      if (false) {"),
    ("raise: update momenta not checked", "lib/Transforms/Raise.cpp",
     "        roundTo(1.0 - a, elementType) != b)", "        false)"),
    ("raise: grouped view scale per group", "lib/Transforms/Raise.cpp",
     "        if (!readsGroupedChannel(param))", "        if (false)"),
    ("raise: grouped view of the wrong dim", "lib/Transforms/Raise.cpp",
     "      if (llvm::is_contained(summed, d) == (d == rank - 2))",
     "      if (llvm::is_contained(summed, d) == (d == rank - 1))"),
    ("raise: biased variance in the update", "lib/Transforms/Raise.cpp",
     "      if (f != roundTo(*unbiasedBy, elementType))\n        continue;", "      (void)f;"),
    # the float64 evaluator
    ("evaluator: contraction output offset not rewound", "tools/norm-run/Evaluator.cpp",
     "            offO -= strides[2][d] * bounds[d];\n", ""),
    ("evaluator: uge as ugt", "tools/norm-run/Evaluator.cpp",
     "  case P::UGE: return unordered || x >= y;", "  case P::UGE: return unordered || x > y;"),
    ("evaluator: unsigned compare as signed", "tools/norm-run/Evaluator.cpp",
     "  case P::ult: return ux < uy;", "  case P::ult: return x < y;"),
]

# Survivors that no test can tell, and why.
EXPLAINED = {
    "bn-fold: input may read the channel":
        "no valid program reaches the check: the verifiers of linalg.matmul "
        "('Unexpected dim expression in map result') and of the 2-D "
        "convolutions reject an input map that reads the output channel's "
        "loop; it stays for ops added to the list later",
}


def run(cmd, cwd, timeout=3600):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def main():
    ap = argparse.ArgumentParser(description="Report the semantic mutations the suite does not kill")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--only", nargs="*", help="names (substrings) of the mutations to try")
    ap.add_argument("--exclude", help="a ctest -E regex of tests not to run")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or any(o in m[0] for o in args.only)]
    if args.list:
        for m in chosen:
            print(m[0])
        return 0
    build = os.path.abspath(args.build)
    killed, survived = [], []
    for name, path, original, mutated in chosen:
        full = os.path.join(ROOT, path)
        with open(full) as f:
            text = f.read()
        if text.count(original) != 1:
            print("%-60s NOT APPLICABLE (the text is there %d times)" % (name, text.count(original)))
            survived.append(name)
            continue
        start = time.time()
        try:
            with open(full, "w") as f:
                f.write(text.replace(original, mutated))
            b = run(["ninja", "-C", build], ROOT)
            if b.returncode != 0:
                verdict = "killed (does not build)"
            else:
                t = run(["ctest", "--output-on-failure", "-j", str(os.cpu_count() or 1)]
                        + (["-E", args.exclude] if args.exclude else []), build)
                verdict = "killed" if t.returncode != 0 else "SURVIVED"
                if t.returncode != 0:
                    failing = [line.split("- ")[-1] for line in t.stdout.splitlines()
                               if "(Failed)" in line]
                    lit = [line.split("NORM :: ")[-1] for line in t.stdout.splitlines()
                           if line.startswith("FAIL: NORM ::")]
                    verdict += " by " + ", ".join((lit or failing)[:3])
        finally:
            with open(full, "w") as f:
                f.write(text)
        note = ""
        if verdict == "SURVIVED":
            note = " (explained: %s)" % EXPLAINED[name] if name in EXPLAINED else ""
            survived.append(name)
        else:
            killed.append(name)
        print("%-60s %s%s [%.0f s]" % (name, verdict, note, time.time() - start), flush=True)
    run(["ninja", "-C", build], ROOT)
    unexplained = [n for n in survived if n not in EXPLAINED]
    print("mutations: %d of %d killed; %d survived (%d explained)"
          % (len(killed), len(chosen), len(survived), len(survived) - len(unexplained)))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
