#===- cmake/AddNorm.cmake - How norm-mlir's libraries are declared --------===#
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception

# add_norm_library(name sources... [DEPENDS ...] [LINK_LIBS ...]
#                  [MLIR_LIBS lib...])
#
# A library of the NormMLIR package: add_mlir_library's build (tablegen
# dependencies, LLVM components), our headers as its public include
# directories in the build tree and once installed, MLIR_LIBS linked through
# libMLIR.so or one by one (NORM_LINK_MLIR_DYLIB), and an entry in the
# exported NormMLIRTargets (NormMLIR::name) instead of MLIR's own export set.
function(add_norm_library name)
  cmake_parse_arguments(ARG "" "" "MLIR_LIBS" ${ARGN})
  add_mlir_library(${name} DISABLE_INSTALL ${ARG_UNPARSED_ARGUMENTS})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  install(TARGETS ${name} EXPORT NormMLIRTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT norm-mlir)
  set_property(GLOBAL APPEND PROPERTY NORM_MLIR_LIBRARIES ${name})
endfunction()
