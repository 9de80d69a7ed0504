#include "appc-spec/quantity.h"

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

namespace appc {
namespace {

// 128-bit intermediates keep digits x 2^60 x 10^18 exact; __extension__ marks the GNU type.
__extension__ typedef __int128 i128;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
// Exponents beyond this are nonsense for any resource and would only slow the arithmetic down.
constexpr int kMaxExponent = 100;

struct Suffix {
  std::string_view text;
  int exp10;
  int exp2;
};
constexpr std::array<Suffix, 16> kSuffixes = {{
    {"Ki", 0, 10},
    {"Mi", 0, 20},
    {"Gi", 0, 30},
    {"Ti", 0, 40},
    {"Pi", 0, 50},
    {"Ei", 0, 60},
    {"n", -9, 0},
    {"u", -6, 0},
    {"m", -3, 0},
    {"", 0, 0},
    {"k", 3, 0},
    {"M", 6, 0},
    {"G", 9, 0},
    {"T", 12, 0},
    {"P", 15, 0},
    {"E", 18, 0},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Multiplies, saturating to a value past the int64 range (callers clamp).
bool mul_overflows(i128 a, i128 b, i128& out) {
  constexpr i128 kLimit = static_cast<i128>(1) << 100;
  if (a != 0 && b > kLimit / a) return true;
  out = a * b;
  return out > kLimit;
}

}  // namespace

oslayer::Result<Quantity> Quantity::parse(std::string_view s) {
  auto bad = [&] {
    return oslayer::Error::msg("quantity \"" + std::string(s.substr(0, 40)) +
                               "\" is not a number with an optional suffix (Ki Mi Gi Ti Pi Ei, n "
                               "u m k M G T P E, or an exponent like e3)");
  };
  Quantity q;
  q.text_ = std::string(s);
  size_t pos = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    q.negative_ = s[pos] == '-';
    ++pos;
  }
  bool seen_dot = false;
  int frac_digits = 0;
  size_t digit_count = 0;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (is_digit(c)) {
      // No real quantity needs this many digits; refusing them keeps the arithmetic bounded.
      if (++digit_count > 60) return bad();
      q.digits_ += c;
      if (seen_dot) ++frac_digits;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      break;
    }
  }
  if (digit_count == 0) return bad();
  q.exp10_ -= frac_digits;

  std::string_view rest = s.substr(pos);
  bool matched = false;
  for (const auto& suffix : kSuffixes) {
    if (rest == suffix.text) {
      q.exp10_ += suffix.exp10;
      q.exp2_ = suffix.exp2;
      matched = true;
      break;
    }
  }
  if (!matched) {
    if (rest.empty() || (rest[0] != 'e' && rest[0] != 'E')) return bad();
    size_t p = 1;
    bool neg = false;
    if (p < rest.size() && (rest[p] == '+' || rest[p] == '-')) {
      neg = rest[p] == '-';
      ++p;
    }
    if (p >= rest.size()) return bad();
    int e = 0;
    for (; p < rest.size(); ++p) {
      if (!is_digit(rest[p])) return bad();
      e = e * 10 + (rest[p] - '0');
      if (e > kMaxExponent) return bad();
    }
    q.exp10_ += neg ? -e : e;
  }
  if (q.exp10_ > kMaxExponent + 60 || q.exp10_ < -(kMaxExponent + 60)) return bad();
  // Strip leading zeros so the digit string length measures the magnitude.
  size_t nz = q.digits_.find_first_not_of('0');
  q.digits_ = nz == std::string::npos ? "0" : q.digits_.substr(nz);
  return q;
}

int64_t Quantity::ceil_scaled(int extra_pow10) const {
  if (is_zero()) return 0;
  const int64_t saturated = negative_ ? kMin : kMax;
  // 30 significant digits fit in 128 bits; lower ones only matter for rounding up.
  std::string_view d = digits_;
  int e10 = exp10_ + extra_pow10;
  bool inexact = false;
  if (d.size() > 30) {
    inexact = d.substr(30).find_first_not_of('0') != std::string_view::npos;
    e10 += static_cast<int>(d.size() - 30);
    d = d.substr(0, 30);
  }
  i128 n = 0;
  for (char c : d) n = n * 10 + (c - '0');
  for (int i = 0; i < exp2_; ++i) {
    if (mul_overflows(n, 2, n)) return saturated;
  }
  i128 magnitude = 0;
  if (e10 >= 0) {
    magnitude = n;
    for (int i = 0; i < e10; ++i) {
      if (mul_overflows(magnitude, 10, magnitude)) return saturated;
    }
  } else if (-e10 > 30) {
    magnitude = 0;  // far below one unit
    inexact = true;
  } else {
    i128 div = 1;
    for (int i = 0; i < -e10; ++i) div *= 10;
    magnitude = n / div;
    inexact = inexact || n % div != 0;
  }
  // Round towards +infinity: up for positive values, towards zero for negative ones.
  if (!negative_) {
    if (inexact) magnitude += 1;
    return magnitude > kMax ? kMax : static_cast<int64_t>(magnitude);
  }
  return magnitude > kMax ? kMin : -static_cast<int64_t>(magnitude);
}

int Quantity::compare(const Quantity& o) const {
  // Nano units are the finest any suffix reaches, so this is exact up to about 9.2 G base units;
  // beyond that whole units are exact up to 9.2 E, and past those only huge values remain,
  // where a floating-point comparison is close enough.
  for (int scale : {9, 0}) {
    int64_t a = ceil_scaled(scale);
    int64_t b = o.ceil_scaled(scale);
    bool saturated = (a == kMax || a == kMin) && a == b;
    if (!saturated) return a < b ? -1 : (a > b ? 1 : 0);
  }
  long double a = approximate();
  long double b = o.approximate();
  return a < b ? -1 : (a > b ? 1 : 0);
}

long double Quantity::approximate() const {
  long double v = std::stold(digits_);
  v *= std::pow(10.0L, exp10_) * std::pow(2.0L, exp2_);
  return negative_ ? -v : v;
}

}  // namespace appc
