//===- Npy.cpp - NumPy .npy array files -----------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// A strict .npy reader that checks every header field and the file size before
// allocating, a v1.0 writer matching np.save byte for byte, and float rounding.
//
//===----------------------------------------------------------------------===//

#include "runtime/npy/Npy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

namespace norm::rt {

/// Longest header accepted from a file (v2/v3 allow 4 GiB; NumPy itself caps
/// untrusted headers at 10000 bytes).
static constexpr uint64_t kMaxHeaderLen = 1 << 20;
/// The 6-byte magic string every .npy file starts with.
static const char kMagic[] = "\x93NUMPY";

NpyError::NpyError(const std::string &path, const std::string &problem)
    : std::runtime_error(path + ": " + problem) {}

int64_t Array::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

const char *dtypeName(DType type) {
  switch (type) {
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::U16:
    return "u16";
  case DType::Bool:
    return "bool";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  }
  return "?";
}

size_t dtypeSize(DType type) {
  switch (type) {
  case DType::Bool:
    return 1;
  case DType::F16:
  case DType::BF16:
  case DType::U16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  }
  return 0;
}

/// The .npy descr string written for `type`.
static const char *descrOf(DType type) {
  switch (type) {
  case DType::F16:
    return "<f2";
  case DType::BF16:
  case DType::U16:
    return "<u2";
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::Bool:
    return "|b1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  }
  return "";
}

/// The element type of a descr read from a file, if supported.
static std::optional<DType> dtypeOfDescr(const std::string &descr) {
  for (DType t : {DType::F16, DType::F32, DType::F64, DType::U16, DType::Bool,
                  DType::I32, DType::I64})
    if (descr == descrOf(t))
      return t;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Float rounding
//===----------------------------------------------------------------------===//

/// Rounds the finite, non-negative `a` to nearest-even in a binary format with
/// `mantBits` stored mantissa bits and exponent bias `bias`; returns the
/// exponent and mantissa bits, the infinity pattern on overflow.
static uint32_t roundMagnitude(double a, int mantBits, int bias) {
  const uint32_t infBits = uint32_t(2 * bias + 1) << mantBits;
  const int minExp = 1 - bias; // exponent of the smallest normal
  if (a == 0)
    return 0;
  int e;
  std::frexp(a, &e);
  e -= 1; // now a is in [2^e, 2^(e+1))
  if (e > bias)
    return infBits; // at least twice the largest finite value
  bool subnormal = e < minExp;
  if (subnormal)
    e = minExp; // below the normals the spacing stays 2^(minExp - mantBits)
  // a / spacing: exact (power-of-two scaling), below 2^(mantBits + 1).
  double q = std::ldexp(a, mantBits - e);
  double whole = std::floor(q);
  double frac = q - whole; // exact
  uint64_t m = uint64_t(whole);
  if (frac > 0.5 || (frac == 0.5 && (m & 1)))
    ++m;
  uint64_t bits = subnormal ? m
                            : (uint64_t(e + bias) << mantBits) +
                                  (m - (uint64_t(1) << mantBits));
  // A carry out of the mantissa bumps the exponent, possibly up to infinity.
  return bits >= infBits ? infBits : uint32_t(bits);
}

/// Encodes `value` in a 16-bit float format with `mantBits` mantissa bits and
/// exponent bias `bias`; NaN keeps its sign and top payload bits, made quiet.
static uint16_t doubleToSmallFloat(double value, int mantBits, int bias) {
  uint64_t raw;
  std::memcpy(&raw, &value, sizeof(raw));
  uint32_t sign = (raw >> 63) ? 0x8000 : 0;
  uint32_t infBits = uint32_t(2 * bias + 1) << mantBits;
  if (std::isnan(value)) {
    uint32_t quiet = uint32_t(1) << (mantBits - 1);
    uint32_t payload = uint32_t(raw >> (52 - mantBits)) & (quiet - 1);
    return uint16_t(sign | infBits | quiet | payload);
  }
  if (std::isinf(value))
    return uint16_t(sign | infBits);
  return uint16_t(sign | roundMagnitude(std::fabs(value), mantBits, bias));
}

uint16_t doubleToHalfBits(double value) {
  return doubleToSmallFloat(value, 10, 15);
}

uint16_t doubleToBF16Bits(double value) {
  return doubleToSmallFloat(value, 7, 127);
}

double halfBitsToDouble(uint16_t bits) {
  int exp = (bits >> 10) & 0x1f;
  int mant = bits & 0x3ff;
  double mag;
  if (exp == 0x1f)
    mag = mant ? std::numeric_limits<double>::quiet_NaN()
               : std::numeric_limits<double>::infinity();
  else if (exp == 0)
    mag = std::ldexp(double(mant), -24);
  else
    mag = std::ldexp(double(mant + 1024), exp - 25);
  return (bits & 0x8000) ? -mag : mag;
}

double bf16BitsToDouble(uint16_t bits) {
  uint32_t wide = uint32_t(bits) << 16;
  float f;
  std::memcpy(&f, &wide, sizeof(f));
  return f;
}

//===----------------------------------------------------------------------===//
// Element conversion
//===----------------------------------------------------------------------===//

/// Reads the little-endian unsigned integer of `size` bytes at `p`.
static uint64_t readLE(const uint8_t *p, size_t size) {
  uint64_t v = 0;
  for (size_t i = 0; i < size; ++i)
    v |= uint64_t(p[i]) << (8 * i);
  return v;
}

/// Writes the low `size` bytes of `v` little-endian at `p`.
static void writeLE(uint8_t *p, uint64_t v, size_t size) {
  for (size_t i = 0; i < size; ++i)
    p[i] = uint8_t(v >> (8 * i));
}

/// `value` truncated toward zero and clamped to [lo, hi]; NaN gives 0.
static double truncClamp(double value, double lo, double hi) {
  if (std::isnan(value))
    return 0;
  return std::min(std::max(std::trunc(value), lo), hi);
}

std::vector<double> toDoubles(const Array &array) {
  size_t size = dtypeSize(array.dtype);
  size_t n = array.bytes.size() / size;
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t raw = readLE(array.bytes.data() + i * size, size);
    switch (array.dtype) {
    case DType::F16:
      out[i] = halfBitsToDouble(uint16_t(raw));
      break;
    case DType::BF16:
      out[i] = bf16BitsToDouble(uint16_t(raw));
      break;
    case DType::F32: {
      uint32_t r32 = uint32_t(raw);
      float f;
      std::memcpy(&f, &r32, sizeof(f));
      out[i] = f;
      break;
    }
    case DType::F64:
      std::memcpy(&out[i], &raw, sizeof(double));
      break;
    case DType::U16:
      out[i] = double(uint16_t(raw));
      break;
    case DType::Bool:
      out[i] = raw != 0 ? 1.0 : 0.0;
      break;
    case DType::I32:
      out[i] = double(int32_t(uint32_t(raw)));
      break;
    case DType::I64:
      out[i] = double(int64_t(raw));
      break;
    }
  }
  return out;
}

Array fromDoubles(DType type, std::vector<int64_t> shape,
                  const std::vector<double> &values) {
  Array array;
  array.dtype = type;
  array.shape = std::move(shape);
  int64_t n = array.numElements();
  for (int64_t d : array.shape)
    if (d < 0)
      throw std::invalid_argument("fromDoubles: negative dim in shape");
  if (n != int64_t(values.size()))
    throw std::invalid_argument(
        "fromDoubles: shape has " + std::to_string(n) + " elements but " +
        std::to_string(values.size()) + " values were given");
  size_t size = dtypeSize(type);
  array.bytes.resize(size_t(n) * size);
  for (int64_t i = 0; i < n; ++i) {
    double v = values[i];
    uint64_t raw = 0;
    switch (type) {
    case DType::F16:
      raw = doubleToHalfBits(v);
      break;
    case DType::BF16:
      raw = doubleToBF16Bits(v);
      break;
    case DType::F32: {
      float f = static_cast<float>(v);
      uint32_t r32;
      std::memcpy(&r32, &f, sizeof(f));
      raw = r32;
      break;
    }
    case DType::F64:
      std::memcpy(&raw, &v, sizeof(double));
      break;
    case DType::U16:
      raw = uint64_t(truncClamp(v, 0, 65535));
      break;
    case DType::Bool:
      raw = v != 0 ? 1 : 0;
      break;
    case DType::I32:
      raw = uint32_t(int32_t(truncClamp(v, -2147483648.0, 2147483647.0)));
      break;
    case DType::I64:
      // 2^63 is not an int64; the largest double below it is 2^63 - 1024.
      raw = uint64_t(int64_t(
          truncClamp(v, -9223372036854775808.0, 9223372036854774784.0)));
      break;
    }
    writeLE(array.bytes.data() + size_t(i) * size, raw, size);
  }
  return array;
}

//===----------------------------------------------------------------------===//
// Header parsing
//===----------------------------------------------------------------------===//

namespace {
/// The fields of a .npy header dict.
struct Header {
  /// The 'descr' value.
  std::string descr;
  /// The 'fortran_order' value.
  bool fortranOrder = false;
  /// The 'shape' value.
  std::vector<int64_t> shape;
};

/// Parses the Python dict literal of a .npy header: string keys, and values
/// that are strings, True/False, or tuples of non-negative integers.
class HeaderParser {
public:
  /// Parses `text`; errors are reported against `path`.
  HeaderParser(const std::string &path, const std::string &text)
      : path(path), text(text) {}

  /// Parses the whole header text or throws NpyError.
  Header parse() {
    Header header;
    bool seenDescr = false, seenFortran = false, seenShape = false;
    skipSpace();
    expect('{');
    skipSpace();
    while (!peek('}')) {
      std::string key = parseString("key");
      skipSpace();
      expect(':');
      skipSpace();
      if (key == "descr") {
        if (seenDescr)
          fail("duplicate key 'descr'");
        if (!peek('\'') && !peek('"'))
          throw NpyError(path, "unsupported dtype: structured or non-string "
                               "descr is not supported");
        header.descr = parseString("descr");
        seenDescr = true;
      } else if (key == "fortran_order") {
        if (seenFortran)
          fail("duplicate key 'fortran_order'");
        header.fortranOrder = parseBool();
        seenFortran = true;
      } else if (key == "shape") {
        if (seenShape)
          fail("duplicate key 'shape'");
        header.shape = parseShape();
        seenShape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skipSpace();
      if (peek(',')) {
        ++pos;
        skipSpace();
      } else if (!peek('}')) {
        fail("expected ',' or '}' at offset " + std::to_string(pos));
      }
    }
    ++pos;
    skipSpace();
    if (pos != text.size())
      fail("unexpected text after the dict at offset " + std::to_string(pos));
    if (!seenDescr)
      fail("missing key 'descr'");
    if (!seenFortran)
      fail("missing key 'fortran_order'");
    if (!seenShape)
      fail("missing key 'shape'");
    return header;
  }

private:
  /// Throws a "malformed header" error with `what`.
  [[noreturn]] void fail(const std::string &what) {
    throw NpyError(path, "malformed header: " + what);
  }

  /// Whether the next character is `c`.
  bool peek(char c) const { return pos < text.size() && text[pos] == c; }

  /// Consumes `c` or fails.
  void expect(char c) {
    if (!peek(c))
      fail(std::string("expected '") + c + "' at offset " +
           std::to_string(pos));
    ++pos;
  }

  /// Skips Python whitespace, including the header's '\n' terminator.
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  /// Parses a quoted string without escapes; `what` names it in errors.
  std::string parseString(const char *what) {
    if (!peek('\'') && !peek('"'))
      fail(std::string("expected a quoted ") + what + " at offset " +
           std::to_string(pos));
    char quote = text[pos++];
    size_t start = pos;
    while (pos < text.size() && text[pos] != quote && text[pos] != '\n') {
      if (text[pos] == '\\')
        fail(std::string("unsupported escape in ") + what);
      ++pos;
    }
    if (pos == text.size() || text[pos] == '\n')
      fail(std::string("unterminated ") + what);
    return text.substr(start, pos++ - start);
  }

  /// Parses True or False.
  bool parseBool() {
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      return false;
    }
    fail("fortran_order is not True or False");
  }

  /// Parses a tuple of non-negative integers (Python 2 'L' suffixes allowed).
  std::vector<int64_t> parseShape() {
    std::vector<int64_t> shape;
    expect('(');
    skipSpace();
    while (!peek(')')) {
      if (pos >= text.size() || !std::isdigit(uint8_t(text[pos])))
        fail("shape is not a tuple of non-negative integers");
      int64_t dim = 0;
      while (pos < text.size() && std::isdigit(uint8_t(text[pos]))) {
        int digit = text[pos++] - '0';
        if (dim > (std::numeric_limits<int64_t>::max() - digit) / 10)
          fail("shape dim does not fit in 64 bits");
        dim = dim * 10 + digit;
      }
      if (peek('L'))
        ++pos;
      shape.push_back(dim);
      if (shape.size() > 64)
        fail("shape has more than 64 dims");
      skipSpace();
      if (peek(',')) {
        ++pos;
        skipSpace();
      } else if (!peek(')')) {
        fail("expected ',' or ')' in shape at offset " + std::to_string(pos));
      }
    }
    ++pos;
    return shape;
  }

  /// The file name used in errors.
  const std::string &path;
  /// The header text.
  const std::string &text;
  /// The parse position in `text`.
  size_t pos = 0;
};
} // namespace

//===----------------------------------------------------------------------===//
// Loading and saving
//===----------------------------------------------------------------------===//

Array parseNpy(const std::string &name, const uint8_t *data, size_t size) {
  size_t at = 0;
  // Takes the next `n` bytes; false if the buffer is shorter.
  auto take = [&](void *dst, size_t n) {
    if (size - at < n)
      return false;
    std::memcpy(dst, data + at, n);
    at += n;
    return true;
  };

  char magic[6];
  if (!take(magic, 6) || std::memcmp(magic, kMagic, 6) != 0)
    throw NpyError(name, "not a .npy file (bad magic)");
  uint8_t version[2];
  if (!take(version, 2))
    throw NpyError(name, "truncated header");
  if (version[0] < 1 || version[0] > 3 || version[1] != 0)
    throw NpyError(name, "unsupported .npy format version " +
                             std::to_string(version[0]) + "." +
                             std::to_string(version[1]));
  size_t lenSize = version[0] == 1 ? 2 : 4;
  uint8_t lenBytes[4];
  if (!take(lenBytes, lenSize))
    throw NpyError(name, "truncated header");
  uint64_t headerLen = readLE(lenBytes, lenSize);
  uint64_t dataOffset = 8 + lenSize + headerLen;
  if (headerLen > kMaxHeaderLen)
    throw NpyError(name, "header length " + std::to_string(headerLen) +
                             " exceeds the limit of " +
                             std::to_string(kMaxHeaderLen) + " bytes");
  if (dataOffset > size)
    throw NpyError(name, "truncated header: expected " +
                             std::to_string(headerLen) +
                             " header bytes, found " +
                             std::to_string(size - (8 + lenSize)));
  std::string text(reinterpret_cast<const char *>(data + at), headerLen);
  at += headerLen;

  Header header = HeaderParser(name, text).parse();
  std::optional<DType> dtype = dtypeOfDescr(header.descr);
  if (!dtype)
    throw NpyError(name, "unsupported dtype '" + header.descr + "'");
  if (header.fortranOrder)
    throw NpyError(name, "fortran_order arrays are not supported");

  // Size the data before trusting it: the product of the non-zero dims times
  // the element size must fit in int64 (so no partial product overflows).
  const uint64_t limit = uint64_t(std::numeric_limits<int64_t>::max());
  uint64_t nonZeroBytes = dtypeSize(*dtype);
  bool empty = false;
  for (int64_t d : header.shape) {
    if (d == 0) {
      empty = true;
      continue;
    }
    if (nonZeroBytes > limit / uint64_t(d))
      throw NpyError(name, "shape is too large: the data size overflows");
    nonZeroBytes *= uint64_t(d);
  }
  uint64_t dataBytes = empty ? 0 : nonZeroBytes;
  uint64_t found = size - dataOffset;
  if (found < dataBytes)
    throw NpyError(name, "data truncated: expected " +
                             std::to_string(dataBytes) + " bytes, found " +
                             std::to_string(found));
  if (found > dataBytes)
    throw NpyError(name, "trailing data: expected " +
                             std::to_string(dataBytes) + " bytes, found " +
                             std::to_string(found));

  Array array;
  array.dtype = *dtype;
  array.shape = std::move(header.shape);
  array.bytes.assign(data + at, data + at + size_t(dataBytes));
  return array;
}

Array loadNpy(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw NpyError(path, std::filesystem::exists(path, ec)
                             ? "not a regular file"
                             : "cannot open file");
  uint64_t fileSize = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in)
    throw NpyError(path, "cannot open file");
  std::vector<uint8_t> bytes(static_cast<size_t>(fileSize));
  in.read(reinterpret_cast<char *>(bytes.data()), std::streamsize(fileSize));
  if (size_t(in.gcount()) != fileSize)
    throw NpyError(path, "read error");
  return parseNpy(path, bytes.data(), bytes.size());
}

/// The header dict np.save writes for `array`, without padding.
static std::string headerDict(const Array &array) {
  std::string shape = "(";
  for (size_t i = 0; i < array.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(array.shape[i]);
  if (array.shape.size() == 1)
    shape += ",";
  shape += ")";
  return std::string("{'descr': '") + descrOf(array.dtype) +
         "', 'fortran_order': False, 'shape': " + shape + ", }";
}

void saveNpy(const std::string &path, const Array &array) {
  for (int64_t d : array.shape)
    if (d < 0)
      throw NpyError(path, "cannot save: negative dim in shape");
  size_t expected = size_t(array.numElements()) * dtypeSize(array.dtype);
  if (array.bytes.size() != expected)
    throw NpyError(path, "cannot save: shape needs " +
                             std::to_string(expected) + " bytes, array has " +
                             std::to_string(array.bytes.size()));
  std::string header = headerDict(array);
  // Like NumPy, leave room to grow the first dim in place (up to 21 digits).
  if (!array.shape.empty())
    header.append(21 - std::to_string(array.shape[0]).size(), ' ');
  // Pad with spaces so the data starts at a multiple of 64; NumPy always
  // pads by 1..64 bytes, then ends the header with '\n'.
  size_t withNewline = header.size() + 1;
  size_t pad = 64 - (10 + withNewline) % 64;
  header.append(pad, ' ');
  header += '\n';
  if (header.size() > 65535)
    throw NpyError(path, "cannot save: header too long for format 1.0");

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw NpyError(path, "cannot open file for writing");
  uint8_t prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  writeLE(prefix + 8, header.size(), 2);
  out.write(reinterpret_cast<const char *>(prefix), sizeof(prefix));
  out.write(header.data(), std::streamsize(header.size()));
  out.write(reinterpret_cast<const char *>(array.bytes.data()),
            std::streamsize(array.bytes.size()));
  out.close();
  if (!out)
    throw NpyError(path, "write error");
}

} // namespace norm::rt
