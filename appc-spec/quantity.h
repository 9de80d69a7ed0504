// Resource quantities in the Kubernetes syntax the spec's resource isolators use:
// "500m", "128Mi", "1G", "1k", "0.5", "1e3". Binary suffixes Ki..Ei, decimal n u m k M G T P E.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "oslayer/result.h"

namespace appc {

class Quantity {
 public:
  static oslayer::Result<Quantity> parse(std::string_view s);
  // The text it was parsed from; encoding writes it back unchanged.
  const std::string& str() const { return text_; }
  // The value in base units (bytes, cores), rounded up to an integer, saturating at INT64 bounds.
  int64_t value() const { return ceil_scaled(0); }
  // The value times 1000, rounded up: millicores for resource/cpu.
  int64_t milli_value() const { return ceil_scaled(3); }
  bool negative() const { return negative_; }
  bool is_zero() const { return digits_.find_first_not_of('0') == std::string::npos; }
  bool operator==(const Quantity& o) const { return text_ == o.text_; }
  // Compares the values, not the texts ("1Ki" == "1024").
  int compare(const Quantity& o) const;

 private:
  Quantity() = default;
  int64_t ceil_scaled(int extra_pow10) const;
  long double approximate() const;

  std::string text_;
  bool negative_ = false;
  // value = digits_ * 10^exp10_ * 2^exp2_, with digits_ an unsigned decimal integer string.
  std::string digits_;
  int exp10_ = 0;
  int exp2_ = 0;
};

}  // namespace appc
