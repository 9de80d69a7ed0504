// Resource quantities (Kubernetes syntax): grammar, value()/milli_value() arithmetic with its
// rounding and saturation, value comparison.
#include "appc-spec/quantity.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

namespace appc {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else if (c == '.') {
      out += "_dot_";
    } else if (c == '-') {
      out += "minus_";
    } else {
      out += '_';
    }
  }
  return out.empty() ? "empty" : out;
}

struct ValueCase {
  std::string text;
  int64_t value;
  int64_t milli;
  bool negative = false;
};

std::string value_case_name(const testing::TestParamInfo<ValueCase>& info) {
  return test_name(info.param.text);
}

void PrintTo(const ValueCase& c, std::ostream* os) { *os << c.text; }

class QuantityValueTest : public testing::TestWithParam<ValueCase> {};

TEST_P(QuantityValueTest, ParsesAndScales) {
  const ValueCase& c = GetParam();
  auto q = Quantity::parse(c.text);
  ASSERT_TRUE(q) << c.text << ": " << q.error().text();
  EXPECT_EQ(q->str(), c.text);  // written back unchanged
  EXPECT_EQ(q->value(), c.value);
  EXPECT_EQ(q->milli_value(), c.milli);
  EXPECT_EQ(q->negative(), c.negative);
}

INSTANTIATE_TEST_SUITE_P(
    Arithmetic, QuantityValueTest,
    testing::Values(
        ValueCase{"0", 0, 0}, ValueCase{"1", 1, 1000}, ValueCase{"500", 500, 500000},
        // Milli and fractions round up to whole base units.
        ValueCase{"500m", 1, 500}, ValueCase{"300m", 1, 300}, ValueCase{"20m", 1, 20},
        ValueCase{"1m", 1, 1}, ValueCase{"1500m", 2, 1500}, ValueCase{"2000m", 2, 2000},
        ValueCase{"0.5", 1, 500}, ValueCase{"0.3", 1, 300}, ValueCase{"1.1", 2, 1100},
        ValueCase{"0.001", 1, 1}, ValueCase{"0.0001", 1, 1}, ValueCase{"1.0001", 2, 1001},
        ValueCase{"1n", 1, 1}, ValueCase{"1u", 1, 1}, ValueCase{"1000000n", 1, 1},
        // Decimal suffixes.
        ValueCase{"1k", 1000, 1000000}, ValueCase{"1M", 1000000, 1000000000},
        ValueCase{"1G", 1000000000, 1000000000000}, ValueCase{"4G", 4000000000, 4000000000000},
        ValueCase{"1T", 1000000000000, 1000000000000000},
        ValueCase{"1P", 1000000000000000, 1000000000000000000},
        ValueCase{"1E", 1000000000000000000, kMax},
        // Binary suffixes.
        ValueCase{"1Ki", 1024, 1024000}, ValueCase{"1Mi", 1048576, 1048576000},
        ValueCase{"2Gi", 2147483648, 2147483648000}, ValueCase{"1.5Gi", 1610612736, 1610612736000},
        ValueCase{"0.5Ki", 512, 512000}, ValueCase{"0.25Ki", 256, 256000},
        ValueCase{"125952Ki", 128974848, 128974848000},
        ValueCase{"1Ti", 1099511627776, 1099511627776000},
        ValueCase{"1Pi", 1125899906842624, 1125899906842624000},
        ValueCase{"1Ei", 1152921504606846976, kMax},
        // Exponents.
        ValueCase{"1e3", 1000, 1000000}, ValueCase{"1.5e3", 1500, 1500000}, ValueCase{"1e-3", 1, 1},
        ValueCase{"2e0", 2, 2000},
        // Negative values parse (the resource isolators reject them, not the grammar).
        ValueCase{"-1", -1, -1000, true}, ValueCase{"-1Ki", -1024, -1024000, true},
        // Saturation at the int64 bounds.
        ValueCase{"8Ei", kMax, kMax}, ValueCase{"100Ei", kMax, kMax},
        ValueCase{"12345678901234567890", kMax, kMax}, ValueCase{"-100Ei", kMin, kMin, true}),
    value_case_name);

std::string invalid_case_name(const testing::TestParamInfo<std::string>& info) {
  return "Q" + std::to_string(info.index) + "_" + test_name(info.param);
}

class QuantityInvalidTest : public testing::TestWithParam<std::string> {};

TEST_P(QuantityInvalidTest, Rejected) {
  auto q = Quantity::parse(GetParam());
  EXPECT_FALSE(q) << "\"" << GetParam() << "\" parsed as " << q->str();
}

INSTANTIATE_TEST_SUITE_P(Grammar, QuantityInvalidTest,
                         testing::Values("", "1K",  // the spec text's K; the Go parser rejects it
                                         "1GB", "1KiB", "1ki", "1mi", "1i", "1b", "abc", "k", "Ki",
                                         "m", ".", "1 k", " 1", "1 ", "1.2.3", "1e", "1e3k", "--1",
                                         "+-1", "0x10", "1,5", "m1", "1Gi1", "1/2"),
                         invalid_case_name);

struct CompareCase {
  std::string a, b;
  int sign;  // -1: a < b, 0: equal values, 1: a > b
};

std::string compare_case_name(const testing::TestParamInfo<CompareCase>& info) {
  return test_name(info.param.a) + "_vs_" + test_name(info.param.b);
}

void PrintTo(const CompareCase& c, std::ostream* os) { *os << c.a << " vs " << c.b; }

class QuantityCompareTest : public testing::TestWithParam<CompareCase> {};

TEST_P(QuantityCompareTest, ComparesValues) {
  const CompareCase& c = GetParam();
  auto a = Quantity::parse(c.a);
  auto b = Quantity::parse(c.b);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  auto sign = [](int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); };
  EXPECT_EQ(sign(a->compare(*b)), c.sign);
  EXPECT_EQ(sign(b->compare(*a)), -c.sign);
}

INSTANTIATE_TEST_SUITE_P(
    Values, QuantityCompareTest,
    testing::Values(CompareCase{"1Ki", "1024", 0}, CompareCase{"1k", "1000", 0},
                    CompareCase{"1k", "1Ki", -1}, CompareCase{"500m", "1", -1},
                    CompareCase{"500m", "0.5", 0}, CompareCase{"1G", "1Gi", -1},
                    CompareCase{"1e3", "1k", 0}, CompareCase{"-1", "0", -1},
                    CompareCase{"2Gi", "1.5Gi", 1}, CompareCase{"1.5Gi", "1536Mi", 0},
                    CompareCase{"1001m", "1", 1}, CompareCase{"100Ei", "8Ei", 1},
                    // Values past int64 nano units (about 9.2 G) still compare exactly.
                    CompareCase{"20Gi", "10Gi", 1}, CompareCase{"2Ti", "1Ti", 1},
                    CompareCase{"10G", "10000000000", 0}, CompareCase{"1E", "1Ei", -1},
                    CompareCase{"1n", "0", 1}),
    compare_case_name);

// Rocket's limits on untrusted input: at most 60 digits, exponents within +-100.
TEST(Quantity, SizeLimits) {
  const std::string digits60(60, '9');
  auto big = Quantity::parse(digits60);
  ASSERT_TRUE(big) << big.error().text();
  EXPECT_EQ(big->value(), kMax);
  EXPECT_FALSE(Quantity::parse(digits60 + "9"));
  EXPECT_FALSE(Quantity::parse("0." + digits60 + "9"));
  auto e100 = Quantity::parse("1e100");
  ASSERT_TRUE(e100) << e100.error().text();
  EXPECT_EQ(e100->value(), kMax);
  auto e_100 = Quantity::parse("1e-100");
  ASSERT_TRUE(e_100) << e_100.error().text();
  EXPECT_EQ(e_100->value(), 1);
  EXPECT_EQ(e_100->milli_value(), 1);
  EXPECT_FALSE(Quantity::parse("1e101"));
  EXPECT_FALSE(Quantity::parse("1e-101"));
  EXPECT_FALSE(Quantity::parse("1e99999999999999999999"));
}

TEST(Quantity, EqualityComparesTheText) {
  auto a = Quantity::parse("1Ki");
  auto b = Quantity::parse("1024");
  auto c = Quantity::parse("1Ki");
  ASSERT_TRUE(a && b && c);
  EXPECT_FALSE(*a == *b);
  EXPECT_TRUE(*a == *c);
  EXPECT_EQ(a->compare(*b), 0);
}

TEST(Quantity, IsZero) {
  for (const char* s : {"0", "0m", "0Ki", "0.0", "0e3", "-0"}) {
    SCOPED_TRACE(s);
    auto q = Quantity::parse(s);
    ASSERT_TRUE(q);
    EXPECT_TRUE(q->is_zero());
    EXPECT_EQ(q->value(), 0);
  }
  for (const char* s : {"1", "1m", "1n", "0.001", "-1"}) {
    SCOPED_TRACE(s);
    auto q = Quantity::parse(s);
    ASSERT_TRUE(q);
    EXPECT_FALSE(q->is_zero());
  }
}

}  // namespace
}  // namespace appc
