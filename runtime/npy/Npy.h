//===- Npy.h - NumPy .npy array files ---------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Reads .npy files (format versions 1.0, 2.0 and 3.0) and writes version 1.0,
// plus exact conversions between the stored element types and float64.
//
//===----------------------------------------------------------------------===//

#ifndef NORM_RUNTIME_NPY_NPY_H
#define NORM_RUNTIME_NPY_NPY_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace norm::rt {

/// Element types an array can hold. `U16` is a plain unsigned 16-bit integer
/// (descr '<u2'); `BF16` is bf16 data, stored in files as '<u2' bit patterns.
enum class DType { F16, BF16, F32, F64, U16, Bool, I32, I64 };

/// A one-line error about a .npy file: "FILE: problem".
class NpyError : public std::runtime_error {
public:
  /// Builds the message "`path`: `problem`".
  NpyError(const std::string &path, const std::string &problem);
};

/// A dense, row-major (C order) array with little-endian element bytes.
struct Array {
  /// The element type of `bytes`.
  DType dtype = DType::F32;
  /// The dims; empty for a rank-0 array (one element).
  std::vector<int64_t> shape;
  /// numElements() * dtypeSize(dtype) bytes, little-endian.
  std::vector<uint8_t> bytes;
  /// The product of `shape` (1 for rank 0).
  int64_t numElements() const;
};

/// The short name of `type`: "f16", "bf16", "f32", "f64", "u16", "bool",
/// "i32", "i64".
const char *dtypeName(DType type);

/// The size in bytes of one element of `type`.
size_t dtypeSize(DType type);

/// Reads the .npy file at `path`. '<u2' data loads as DType::U16. Throws
/// NpyError naming the file for an unreadable file, a bad header, an
/// unsupported dtype (big-endian, object, structured, unknown), fortran order,
/// or a data size that does not match the header.
Array loadNpy(const std::string &path);

/// Parses the bytes of a `.npy` file held in memory; `name` is used in the
/// messages. Throws NpyError like loadNpy (the fuzzer's entry point).
Array parseNpy(const std::string &name, const uint8_t *data, size_t size);

/// Writes `array` to `path` as a version 1.0 .npy file laid out as NumPy's
/// np.save does. BF16 is written as '<u2'. Throws NpyError on I/O failure.
void saveNpy(const std::string &path, const Array &array);

/// Every element of `array` as a double (exact for all types but I64 beyond
/// 2^53). BF16 bits are decoded as bf16; U16 values are integers; Bool is 0/1.
std::vector<double> toDoubles(const Array &array);

/// An array of `type` and `shape` holding `values` rounded to `type`:
/// round-to-nearest-even for the float types (overflow to infinity, NaN kept
/// NaN); integers truncate toward zero, saturate, and map NaN to 0; Bool is
/// `value != 0`. Throws std::invalid_argument if the sizes disagree.
Array fromDoubles(DType type, std::vector<int64_t> shape,
                  const std::vector<double> &values);

/// `value` rounded to nearest-even as IEEE binary16 bits.
uint16_t doubleToHalfBits(double value);

/// The exact value of the IEEE binary16 `bits`.
double halfBitsToDouble(uint16_t bits);

/// `value` rounded to nearest-even (directly, not through f32) as bf16 bits.
uint16_t doubleToBF16Bits(double value);

/// The exact value of the bf16 `bits`.
double bf16BitsToDouble(uint16_t bits);

} // namespace norm::rt

#endif // NORM_RUNTIME_NPY_NPY_H
