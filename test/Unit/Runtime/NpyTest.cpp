//===- NpyTest.cpp - Tests of .npy I/O and float conversions --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// Round trips for every dtype, a byte-exact np.save header, every error path
// of the reader, and the f16/bf16 rounding rules with hand-derived bit
// patterns.
//
//===----------------------------------------------------------------------===//

#include "runtime/npy/Npy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

using namespace norm::rt;

namespace {

/// A fresh path in the test temporary directory.
std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "norm_npy_test_" + name + ".npy";
}

/// Writes `bytes` to `path`.
void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

/// Reads all of `path`.
std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// A version 1.0 file: magic, 2-byte header length, `dict` + '\n', `data`.
std::string npyV1(const std::string &dict, const std::string &data) {
  std::string header = dict + "\n";
  std::string out = std::string("\x93NUMPY\x01\x00", 8);
  out += char(header.size() & 0xff);
  out += char(header.size() >> 8);
  return out + header + data;
}

/// Checks that loading `path` throws NpyError "`path`: ..." containing
/// `needle`, on one line.
void expectLoadError(const std::string &path, const std::string &needle) {
  try {
    loadNpy(path);
    ADD_FAILURE() << "expected NpyError containing '" << needle << "'";
  } catch (const NpyError &e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind(path + ": ", 0), 0u) << what;
    EXPECT_NE(what.find(needle), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

/// [1, 2, 3] as little-endian f32: 0x3f800000, 0x40000000, 0x40400000.
const std::string
    kOneTwoThreeF32("\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40", 12);

TEST(NpyTest, SaveMatchesNumpyByteForByte) {
  // np.save(f, np.array([1, 2, 3], dtype='<f4')) writes the 57-char dict,
  // 21 - len("3") = 20 growth spaces, then 40 padding spaces and '\n' so
  // that 10 + 118 = 128; the header length field is 118 = 0x76.
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  ASSERT_EQ(dict.size(), 57u);
  std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict +
                         std::string(60, ' ') + "\n" + kOneTwoThreeF32;
  ASSERT_EQ(expected.size(), 128u + 12u);

  std::string path = tempPath("exact");
  saveNpy(path, fromDoubles(DType::F32, {3}, {1, 2, 3}));
  EXPECT_EQ(readFile(path), expected);

  // And the reader takes NumPy's file.
  writeFile(path, expected);
  Array a = loadNpy(path);
  EXPECT_EQ(a.dtype, DType::F32);
  EXPECT_EQ(a.shape, std::vector<int64_t>{3});
  EXPECT_EQ(toDoubles(a), (std::vector<double>{1, 2, 3}));
}

TEST(NpyTest, SaveRankZeroAndRankTwoHeaders) {
  // Rank 0: the 55-char dict, no growth padding, 62 spaces + '\n' (10 + 56 +
  // 62 = 128); length 118.
  std::string path = tempPath("rank0");
  saveNpy(path, fromDoubles(DType::F64, {}, {0.5}));
  std::string dict0 = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  EXPECT_EQ(readFile(path),
            std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict0 +
                std::string(62, ' ') + "\n" +
                std::string("\x00\x00\x00\x00\x00\x00\xe0\x3f", 8));
  // Rank 2, shape (2, 3): 59 chars + 20 growth + 38 padding + '\n' = 118.
  saveNpy(path, fromDoubles(DType::I32, {2, 3}, {0, 1, 2, 3, 4, 5}));
  std::string file = readFile(path);
  ASSERT_EQ(file.size(), 128u + 24u);
  EXPECT_EQ(file.substr(10, 59),
            "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }");
  EXPECT_EQ(file.substr(69, 59), std::string(58, ' ') + "\n");
  // Fifteen dims of 1: the shape text "(1, 1, ..., 1)" has 2 + 15 + 28 = 45
  // chars, the dict 53 + 45 = 98. Without the 20 growth spaces the header
  // would fit in 128 bytes (10 + 98 + 1 = 109); with them 10 + 118 + 1 = 129
  // spills into the next block: 192 bytes, length field 182 = 0xB6.
  saveNpy(path, fromDoubles(DType::F32, std::vector<int64_t>(15, 1), {1}));
  file = readFile(path);
  ASSERT_EQ(file.size(), 192u + 4u);
  EXPECT_EQ(file.substr(8, 2), std::string("\xB6\x00", 2));
  EXPECT_EQ(file.substr(10 + 98, 84), std::string(83, ' ') + "\n");
  // Shape (1, 10, 10, 1 x 11): 44 chars, dict 97; 10 + 97 + 20 + 1 = 128
  // exactly, and NumPy's pad is then a full 64 bytes: length 182 again.
  std::vector<int64_t> shape(14, 1);
  shape[1] = shape[2] = 10;
  saveNpy(path, fromDoubles(DType::F32, shape, std::vector<double>(100, 0)));
  file = readFile(path);
  ASSERT_EQ(file.size(), 192u + 400u);
  EXPECT_EQ(file.substr(8, 2), std::string("\xB6\x00", 2));
  EXPECT_EQ(file.substr(10 + 97, 85), std::string(84, ' ') + "\n");
}

TEST(NpyTest, RoundTripEveryDType) {
  std::vector<double> values = {0, 1, -2, 3.5, 100, -0.25};
  for (DType t : {DType::F16, DType::BF16, DType::F32, DType::F64, DType::I32,
                  DType::I64}) {
    SCOPED_TRACE(dtypeName(t));
    std::vector<double> v = values;
    if (t == DType::I32 || t == DType::I64)
      v = {0, 1, -2, 3, 100, -7};
    std::string path = tempPath(std::string("rt_") + dtypeName(t));
    Array a = fromDoubles(t, {2, 3}, v);
    saveNpy(path, a);
    Array b = loadNpy(path);
    // bf16 travels as '<u2' and comes back as U16.
    EXPECT_EQ(b.dtype, t == DType::BF16 ? DType::U16 : t);
    EXPECT_EQ(b.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(b.bytes, a.bytes);
    b.dtype = t;
    EXPECT_EQ(toDoubles(b), v);
  }
}

TEST(NpyTest, RoundTripU16AndBool) {
  std::string path = tempPath("rt_u16");
  // 0x3f80 is bf16 1.0, but as U16 it is the integer 16256.
  Array u = fromDoubles(DType::U16, {2}, {16256, 65535});
  saveNpy(path, u);
  Array back = loadNpy(path);
  EXPECT_EQ(back.dtype, DType::U16);
  EXPECT_EQ(toDoubles(back), (std::vector<double>{16256, 65535}));
  back.dtype = DType::BF16;
  EXPECT_EQ(toDoubles(back)[0], 1.0);

  path = tempPath("rt_bool");
  Array m = fromDoubles(DType::Bool, {4}, {0, 2, -1, 0});
  EXPECT_EQ(m.bytes, (std::vector<uint8_t>{0, 1, 1, 0}));
  saveNpy(path, m);
  std::string file = readFile(path);
  EXPECT_NE(file.find("'descr': '|b1'"), std::string::npos);
  Array mb = loadNpy(path);
  EXPECT_EQ(mb.dtype, DType::Bool);
  EXPECT_EQ(toDoubles(mb), (std::vector<double>{0, 1, 1, 0}));
}

TEST(NpyTest, ReadsVersions2And3AndPython2Shapes) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n";
  for (char major : {'\x02', '\x03'}) {
    std::string bytes = std::string("\x93NUMPY", 6) + major + '\0';
    bytes += char(dict.size());
    bytes += std::string(3, '\0');
    std::string path = tempPath(std::string("v") + char('0' + major));
    writeFile(path, bytes + dict + kOneTwoThreeF32);
    EXPECT_EQ(toDoubles(loadNpy(path)), (std::vector<double>{1, 2, 3}));
  }
  std::string path = tempPath("py2");
  writeFile(path, npyV1("{\"descr\": \"<f4\", \"shape\": (3L,), "
                        "\"fortran_order\": False}",
                        kOneTwoThreeF32));
  EXPECT_EQ(loadNpy(path).shape, std::vector<int64_t>{3});
}

TEST(NpyTest, ErrorMissingFile) {
  expectLoadError(tempPath("does_not_exist"), "cannot open file");
}

TEST(NpyTest, ErrorBadMagic) {
  std::string path = tempPath("magic");
  writeFile(path, "PK\x03\x04 this is a zip, not an npy file");
  expectLoadError(path, "not a .npy file (bad magic)");
  writeFile(path, "");
  expectLoadError(path, "not a .npy file (bad magic)");
}

TEST(NpyTest, ErrorTruncatedHeader) {
  std::string path = tempPath("trunc_header");
  // The length field promises 118 bytes; only 20 follow.
  writeFile(path, std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                      std::string(20, ' '));
  expectLoadError(path, "truncated header");
  // The file ends inside the length field.
  writeFile(path, std::string("\x93NUMPY\x01\x00\x76", 9));
  expectLoadError(path, "truncated header");
}

TEST(NpyTest, ErrorTruncatedAndTrailingData) {
  std::string path = tempPath("trunc_data");
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  writeFile(path, npyV1(dict, kOneTwoThreeF32.substr(0, 8)));
  expectLoadError(path, "data truncated: expected 12 bytes, found 8");
  writeFile(path, npyV1(dict, kOneTwoThreeF32 + "xx"));
  expectLoadError(path, "trailing data: expected 12 bytes, found 14");
}

TEST(NpyTest, ErrorUnsupportedDType) {
  std::string path = tempPath("dtype");
  for (const char *descr : {">f4", "|O", "<c8", "|u1", "<f16"}) {
    writeFile(path, npyV1(std::string("{'descr': '") + descr +
                              "', 'fortran_order': False, 'shape': (3,), }",
                          kOneTwoThreeF32));
    expectLoadError(path, std::string("unsupported dtype '") + descr + "'");
  }
  writeFile(path, npyV1("{'descr': [('a', '<f4')], 'fortran_order': False, "
                        "'shape': (3,), }",
                        kOneTwoThreeF32));
  expectLoadError(path, "unsupported dtype");
}

TEST(NpyTest, ErrorFortranOrder) {
  std::string path = tempPath("fortran");
  writeFile(path, npyV1("{'descr': '<f4', 'fortran_order': True, "
                        "'shape': (3,), }",
                        kOneTwoThreeF32));
  expectLoadError(path, "fortran_order arrays are not supported");
}

TEST(NpyTest, ErrorHugeShape) {
  std::string path = tempPath("huge");
  // 2^62 * 4 * 4 bytes overflows int64: rejected before any allocation.
  writeFile(path, npyV1("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (4611686018427387904, 4), }",
                        kOneTwoThreeF32));
  expectLoadError(path, "shape is too large");
  // Even with a zero dim in front, the non-zero dims must not overflow.
  writeFile(path, npyV1("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (0, 4611686018427387904, 4), }",
                        ""));
  expectLoadError(path, "shape is too large");
  // 10^9 * 10^9 * 4 bytes fits int64 but not the file.
  writeFile(path, npyV1("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (1000000000, 1000000000), }",
                        kOneTwoThreeF32));
  expectLoadError(
      path, "data truncated: expected 4000000000000000000 bytes, found 12");
  // A dim too long for 64 bits.
  writeFile(path, npyV1("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (99999999999999999999,), }",
                        kOneTwoThreeF32));
  expectLoadError(path, "malformed header: shape dim does not fit in 64 bits");
  // A 2 GiB header length in a version 2.0 file.
  writeFile(path, std::string("\x93NUMPY\x02\x00\x00\x00\x00\x80", 12));
  expectLoadError(path, "header length 2147483648 exceeds the limit");
}

TEST(NpyTest, ErrorMalformedHeader) {
  std::string path = tempPath("malformed");
  struct Case {
    const char *dict;
    const char *needle;
  } cases[] = {
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}",
       "unexpected key 'x'"},
      {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3,)}",
       "fortran_order is not True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}",
       "shape is not a tuple of non-negative integers"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': (3,)}",
       "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} junk",
       "unexpected text after the dict"},
      {"{'descr': '<f4", "unterminated descr"},
      {"", "expected '{'"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.dict);
    writeFile(path, npyV1(c.dict, kOneTwoThreeF32));
    expectLoadError(path, std::string("malformed header: ") + c.needle);
  }
  // An unknown format version.
  writeFile(path, std::string("\x93NUMPY\x04\x00\x10\x00", 10));
  expectLoadError(path, "unsupported .npy format version 4.0");
}

TEST(NpyTest, SaveErrors) {
  Array a = fromDoubles(DType::F32, {1}, {1});
  std::string path = ::testing::TempDir() + "no_such_dir/x.npy";
  try {
    saveNpy(path, a);
    ADD_FAILURE() << "expected NpyError";
  } catch (const NpyError &e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot open file for writing");
  }
  a.bytes.pop_back();
  EXPECT_THROW(saveNpy(tempPath("bad_size"), a), NpyError);
  EXPECT_THROW(fromDoubles(DType::F32, {2}, {1}), std::invalid_argument);
}

TEST(NpyTest, DTypeNamesAndSizes) {
  EXPECT_STREQ(dtypeName(DType::F16), "f16");
  EXPECT_STREQ(dtypeName(DType::BF16), "bf16");
  EXPECT_STREQ(dtypeName(DType::Bool), "bool");
  EXPECT_STREQ(dtypeName(DType::I64), "i64");
  EXPECT_EQ(dtypeSize(DType::F16), 2u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::F32), 4u);
  EXPECT_EQ(dtypeSize(DType::I64), 8u);
}

TEST(NpyTest, IntegerConversionTruncatesAndSaturates) {
  Array a = fromDoubles(DType::I32, {4}, {2.9, -2.9, 1e10, std::nan("")});
  EXPECT_EQ(toDoubles(a), (std::vector<double>{2, -2, 2147483647, 0}));
  Array u = fromDoubles(DType::U16, {2}, {-5, 70000});
  EXPECT_EQ(toDoubles(u), (std::vector<double>{0, 65535}));
}

//===----------------------------------------------------------------------===//
// f16 and bf16 rounding
//===----------------------------------------------------------------------===//

TEST(HalfTest, ExactValues) {
  EXPECT_EQ(doubleToHalfBits(1.0), 0x3C00);
  EXPECT_EQ(doubleToHalfBits(-2.0), 0xC000);
  EXPECT_EQ(doubleToHalfBits(0.0), 0x0000);
  EXPECT_EQ(doubleToHalfBits(-0.0), 0x8000);
  EXPECT_EQ(doubleToHalfBits(65504.0), 0x7BFF); // largest finite
  EXPECT_EQ(halfBitsToDouble(0x3555), 0.333251953125);
  EXPECT_EQ(halfBitsToDouble(0x7BFF), 65504.0);
  EXPECT_EQ(halfBitsToDouble(0xC000), -2.0);
  EXPECT_EQ(halfBitsToDouble(0x0001), std::ldexp(1.0, -24));
  // 0.1 = 1.6 * 2^-4; 1.6 * 1024 = 1638.4 rounds to 1638 = 0x266.
  EXPECT_EQ(doubleToHalfBits(0.1), 0x2E66);
  EXPECT_EQ(halfBitsToDouble(0x2E66), 0.0999755859375);
}

TEST(HalfTest, TiesToEven) {
  // 1 + 2^-11 is halfway between 0x3C00 (even) and 0x3C01.
  EXPECT_EQ(doubleToHalfBits(1 + std::ldexp(1.0, -11)), 0x3C00);
  // 1 + 3 * 2^-11 is halfway between 0x3C01 and 0x3C02 (even).
  EXPECT_EQ(doubleToHalfBits(1 + 3 * std::ldexp(1.0, -11)), 0x3C02);
  // Just above the first halfway point rounds up.
  EXPECT_EQ(doubleToHalfBits(1 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40)),
            0x3C01);
  // Halfway between 2047/1024 (0x3FFF) and 2 carries into the exponent.
  EXPECT_EQ(doubleToHalfBits(2 - std::ldexp(1.0, -11)), 0x4000);
}

TEST(HalfTest, Subnormals) {
  EXPECT_EQ(doubleToHalfBits(std::ldexp(1.0, -24)), 0x0001);
  EXPECT_EQ(doubleToHalfBits(std::ldexp(1.0, -25)), 0x0000); // tie -> 0
  EXPECT_EQ(doubleToHalfBits(std::ldexp(1.0, -25) + std::ldexp(1.0, -40)),
            0x0001);
  EXPECT_EQ(doubleToHalfBits(3 * std::ldexp(1.0, -25)), 0x0002); // tie -> 2
  EXPECT_EQ(doubleToHalfBits(-std::ldexp(1.0, -26)), 0x8000);
  EXPECT_EQ(doubleToHalfBits(1023 * std::ldexp(1.0, -24)), 0x03FF);
  // 1023.5 * 2^-24 ties between 0x3FF (odd) and 0x400, the smallest normal.
  EXPECT_EQ(doubleToHalfBits(1023.5 * std::ldexp(1.0, -24)), 0x0400);
  EXPECT_EQ(halfBitsToDouble(0x03FF), 1023 * std::ldexp(1.0, -24));
  EXPECT_EQ(halfBitsToDouble(0x0400), std::ldexp(1.0, -14));
}

TEST(HalfTest, OverflowInfAndNaN) {
  // 65520 is halfway between 65504 (odd mantissa) and 65536: to infinity.
  EXPECT_EQ(doubleToHalfBits(65519.99), 0x7BFF);
  EXPECT_EQ(doubleToHalfBits(65520.0), 0x7C00);
  EXPECT_EQ(doubleToHalfBits(-1e6), 0xFC00);
  EXPECT_EQ(doubleToHalfBits(1e300), 0x7C00);
  EXPECT_EQ(doubleToHalfBits(-std::numeric_limits<double>::infinity()), 0xFC00);
  EXPECT_TRUE(std::isinf(halfBitsToDouble(0x7C00)));
  uint16_t nan = doubleToHalfBits(std::nan(""));
  EXPECT_EQ(nan & 0x7C00, 0x7C00);
  EXPECT_NE(nan & 0x03FF, 0);
  EXPECT_TRUE(std::isnan(halfBitsToDouble(nan)));
  EXPECT_TRUE(std::isnan(halfBitsToDouble(0x7E00)));
  // The top payload bits survive: double NaN 0x7FFD5000'00000000 has
  // mantissa bits 51..44 = 0xD5 and zeros below, so bits 51..42 are
  // 0xD5 << 2 = 0x354; the 9 below the quiet bit are 0x154:
  // 0x7C00 | 0x200 | 0x154.
  uint64_t raw = 0x7FFD500000000000ull;
  double payloadNaN;
  std::memcpy(&payloadNaN, &raw, sizeof(raw));
  EXPECT_EQ(doubleToHalfBits(payloadNaN), 0x7F54);
  EXPECT_EQ(doubleToHalfBits(-payloadNaN), 0xFF54);
}

TEST(BF16Test, ValuesAndTies) {
  EXPECT_EQ(doubleToBF16Bits(1.0), 0x3F80);
  EXPECT_EQ(doubleToBF16Bits(-2.0), 0xC000);
  // pi = 1.5707963 * 2; 0.5707963 * 128 = 73.06 -> 73 = 0x49: 3.140625.
  EXPECT_EQ(doubleToBF16Bits(3.141592653589793), 0x4049);
  EXPECT_EQ(bf16BitsToDouble(0x4049), 3.140625);
  // 0.1 = 1.6 * 2^-4; 0.6 * 128 = 76.8 -> 77 = 0x4D: 205/2048.
  EXPECT_EQ(doubleToBF16Bits(0.1), 0x3DCD);
  EXPECT_EQ(bf16BitsToDouble(0x3DCD), 0.10009765625);
  EXPECT_EQ(doubleToBF16Bits(1 + std::ldexp(1.0, -8)), 0x3F80);     // tie
  EXPECT_EQ(doubleToBF16Bits(1 + 3 * std::ldexp(1.0, -8)), 0x3F82); // tie
}

TEST(BF16Test, NoDoubleRounding) {
  // 1 + 2^-8 + 2^-30 is just above the tie, so it rounds up to 0x3F81.
  // Through f32 it would first become 1 + 2^-8 (2^-30 is below half an f32
  // ulp), a tie that rounds down to 0x3F80.
  EXPECT_EQ(doubleToBF16Bits(1 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)),
            0x3F81);
}

TEST(BF16Test, SubnormalsOverflowNaN) {
  EXPECT_EQ(doubleToBF16Bits(std::ldexp(1.0, -133)), 0x0001);
  EXPECT_EQ(doubleToBF16Bits(std::ldexp(1.0, -134)), 0x0000);     // tie
  EXPECT_EQ(doubleToBF16Bits(3 * std::ldexp(1.0, -134)), 0x0002); // tie
  EXPECT_EQ(bf16BitsToDouble(0x0001), std::ldexp(1.0, -133));
  // The largest finite bf16 is (2 - 2^-7) * 2^127 = 0x7F7F; halfway to 2^128
  // the tie goes to the even infinity pattern.
  EXPECT_EQ(doubleToBF16Bits(std::ldexp(2 - std::ldexp(1.0, -7), 127)), 0x7F7F);
  EXPECT_EQ(doubleToBF16Bits(std::ldexp(2 - std::ldexp(1.0, -8), 127)), 0x7F80);
  // 2 - 3 * 2^-9 lies between the largest finite and the tie: rounds down.
  EXPECT_EQ(doubleToBF16Bits(std::ldexp(2 - 3 * std::ldexp(1.0, -9), 127)),
            0x7F7F);
  EXPECT_EQ(doubleToBF16Bits(-1e300), 0xFF80);
  uint16_t nan = doubleToBF16Bits(-std::nan(""));
  EXPECT_EQ(nan & 0x7F80, 0x7F80);
  EXPECT_NE(nan & 0x007F, 0);
  EXPECT_TRUE(std::isnan(bf16BitsToDouble(nan)));
}

} // namespace
