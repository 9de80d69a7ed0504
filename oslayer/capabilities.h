// Linux capabilities through libcap: names both ways, the bounding and ambient sets (prctl), and
// the effective/permitted/inheritable sets (capset) behind an owned cap_t. Sets are bitmasks over
// capability numbers, so the arithmetic that decides them stays pure and testable without root.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oslayer/result.h"

namespace oslayer {

// A set of capability numbers 0..63 (the kernel's own representation is 64 bits wide).
class CapSet {
 public:
  CapSet() = default;
  static CapSet of(std::initializer_list<int> caps);
  // Every capability the running kernel knows (0..last_capability()).
  static CapSet all_known();

  bool has(int cap) const { return cap >= 0 && cap < 64 && ((bits_ >> cap) & 1U) != 0; }
  CapSet& add(int cap);
  CapSet& remove(int cap);
  bool empty() const { return bits_ == 0; }
  uint64_t bits() const { return bits_; }
  std::vector<int> members() const;

  CapSet operator&(CapSet o) const { return from_bits(bits_ & o.bits_); }
  CapSet operator|(CapSet o) const { return from_bits(bits_ | o.bits_); }
  CapSet without(CapSet o) const { return from_bits(bits_ & ~o.bits_); }
  static CapSet from_bits(uint64_t b) {
    CapSet s;
    s.bits_ = b;
    return s;
  }
  bool operator==(const CapSet&) const = default;

 private:
  uint64_t bits_ = 0;
};

// "CAP_NET_ADMIN", "cap_net_admin" and "net_admin" all give CAP_NET_ADMIN's number. Numbers and
// unknown names fail with a message naming the input.
Result<int> parse_capability(std::string_view name);
// "CAP_NET_ADMIN"; a number the linked libcap has no name for comes back as "CAP_<n>".
std::string capability_name(int cap);
// The highest capability number the running kernel knows.
int last_capability();

// The calling thread's capability sets.
struct ProcessCaps {
  CapSet effective, permitted, inheritable;
  bool operator==(const ProcessCaps&) const = default;
};
Result<ProcessCaps> get_process_caps();
// capset(2) through cap_set_proc. Raising a set beyond `permitted` fails with EPERM.
Status set_process_caps(const ProcessCaps& caps);

// Reads the bounding set (PR_CAPBSET_READ for every known capability).
Result<CapSet> get_bounding_set();
// Drops every capability not in `keep` from the bounding set. Needs CAP_SETPCAP in effective.
Status restrict_bounding_set(CapSet keep);

// Clears the ambient set, then raises each of `caps`; each must already be in both the permitted
// and the inheritable sets (the kernel's rule).
Status set_ambient_set(CapSet caps);
Result<CapSet> get_ambient_set();

}  // namespace oslayer
