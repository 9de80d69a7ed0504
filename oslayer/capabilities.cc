#include "oslayer/capabilities.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cctype>
#include <cerrno>

namespace oslayer {
namespace {

// The one owner of a libcap cap_t.
class CapState {
 public:
  explicit CapState(cap_t c) : c_(c) {}
  CapState(const CapState&) = delete;
  CapState& operator=(const CapState&) = delete;
  ~CapState() {
    // cap_free only fails for a pointer libcap did not allocate.
    if (c_ != nullptr) (void)cap_free(c_);
  }
  cap_t get() const { return c_; }

 private:
  cap_t c_;
};

Result<CapSet> read_flag(cap_t c, cap_flag_t flag) {
  CapSet s;
  for (int cap = 0; cap <= last_capability(); ++cap) {
    cap_flag_value_t v = CAP_CLEAR;
    if (cap_get_flag(c, static_cast<cap_value_t>(cap), flag, &v) != 0) {
      return Error::sys(errno, "reading capability " + capability_name(cap));
    }
    if (v == CAP_SET) s.add(cap);
  }
  return s;
}

Status write_flag(cap_t c, cap_flag_t flag, CapSet s) {
  for (int cap : s.members()) {
    cap_value_t v = static_cast<cap_value_t>(cap);
    if (cap_set_flag(c, flag, 1, &v, CAP_SET) != 0) {
      return Error::sys(errno, "setting capability " + capability_name(cap));
    }
  }
  return ok();
}

}  // namespace

CapSet CapSet::of(std::initializer_list<int> caps) {
  CapSet s;
  for (int c : caps) s.add(c);
  return s;
}

CapSet CapSet::all_known() {
  CapSet s;
  for (int c = 0; c <= last_capability(); ++c) s.add(c);
  return s;
}

CapSet& CapSet::add(int cap) {
  if (cap >= 0 && cap < 64) bits_ |= uint64_t{1} << cap;
  return *this;
}

CapSet& CapSet::remove(int cap) {
  if (cap >= 0 && cap < 64) bits_ &= ~(uint64_t{1} << cap);
  return *this;
}

std::vector<int> CapSet::members() const {
  std::vector<int> out;
  for (int c = 0; c < 64; ++c) {
    if (has(c)) out.push_back(c);
  }
  return out;
}

Result<int> parse_capability(std::string_view name) {
  std::string lower;
  for (char ch : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string_view rest = lower;
  if (rest.starts_with("cap_")) rest.remove_prefix(4);
  // libcap would also take a bare number; a capability isolator names capabilities.
  bool plain = !rest.empty();
  for (char ch : rest) {
    if (!std::islower(static_cast<unsigned char>(ch)) && ch != '_') plain = false;
  }
  cap_value_t v = 0;
  std::string full = "cap_" + std::string(rest);
  if (!plain || cap_from_name(full.c_str(), &v) != 0) {
    return Error::msg("unknown capability \"" + std::string(name) + "\"");
  }
  return static_cast<int>(v);
}

std::string capability_name(int cap) {
  std::string out = "CAP_" + std::to_string(cap);
  if (char* n = cap_to_name(static_cast<cap_value_t>(cap)); n != nullptr) {
    std::string s = n;
    (void)cap_free(n);  // see CapState
    if (s.starts_with("cap_")) {
      out.clear();
      for (char ch : s) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
  }
  return out;
}

int last_capability() {
  // cap_max_bits() asks the kernel once (and libcap caches it), so a capability newer than the
  // linked libcap still counts.
  int n = static_cast<int>(cap_max_bits());
  return n > 64 ? 63 : n - 1;
}

Result<ProcessCaps> get_process_caps() {
  CapState c(cap_get_proc());
  if (c.get() == nullptr) return Error::sys(errno, "reading the process capabilities");
  ProcessCaps out;
  auto e = read_flag(c.get(), CAP_EFFECTIVE);
  if (!e) return std::move(e).error();
  auto p = read_flag(c.get(), CAP_PERMITTED);
  if (!p) return std::move(p).error();
  auto i = read_flag(c.get(), CAP_INHERITABLE);
  if (!i) return std::move(i).error();
  out.effective = *e;
  out.permitted = *p;
  out.inheritable = *i;
  return out;
}

Status set_process_caps(const ProcessCaps& caps) {
  CapState c(cap_init());
  if (c.get() == nullptr) return Error::sys(errno, "allocating a capability state");
  if (auto st = write_flag(c.get(), CAP_EFFECTIVE, caps.effective); !st) return st;
  if (auto st = write_flag(c.get(), CAP_PERMITTED, caps.permitted); !st) return st;
  if (auto st = write_flag(c.get(), CAP_INHERITABLE, caps.inheritable); !st) return st;
  if (cap_set_proc(c.get()) != 0) return Error::sys(errno, "setting the process capabilities");
  return ok();
}

Result<CapSet> get_bounding_set() {
  CapSet s;
  for (int cap = 0; cap <= last_capability(); ++cap) {
    int r = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (r < 0) return Error::sys(errno, "reading bounding capability " + capability_name(cap));
    if (r == 1) s.add(cap);
  }
  return s;
}

Status restrict_bounding_set(CapSet keep) {
  for (int cap = 0; cap <= last_capability(); ++cap) {
    if (keep.has(cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      return Error::sys(errno, "dropping " + capability_name(cap) + " from the bounding set");
    }
  }
  return ok();
}

Status set_ambient_set(CapSet caps) {
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    return Error::sys(errno, "clearing the ambient capabilities");
  }
  for (int cap : caps.members()) {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      return Error::sys(errno, "raising ambient capability " + capability_name(cap));
    }
  }
  return ok();
}

Result<CapSet> get_ambient_set() {
  CapSet s;
  for (int cap = 0; cap <= last_capability(); ++cap) {
    int r = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
    if (r < 0) return Error::sys(errno, "reading ambient capability " + capability_name(cap));
    if (r == 1) s.add(cap);
  }
  return s;
}

}  // namespace oslayer
