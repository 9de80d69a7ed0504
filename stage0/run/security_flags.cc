#include "stage0/run/security_flags.h"

#include <cctype>
#include <variant>

#include "oslayer/seccomp_names.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;
namespace names = appc::isolator_names;

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

appc::Isolator make(std::string_view name, appc::IsolatorValue value) {
  // The names are this library's constants, all valid AC identifiers.
  return appc::Isolator{*appc::AcIdentifier::parse(std::string(name)), std::move(value)};
}

bool is_capability(const appc::IsolatorValue& v) {
  return std::holds_alternative<appc::CapabilitiesRetainSet>(v) ||
         std::holds_alternative<appc::CapabilitiesRemoveSet>(v);
}
bool is_seccomp(const appc::IsolatorValue& v) {
  return std::holds_alternative<appc::SeccompRetainSet>(v) ||
         std::holds_alternative<appc::SeccompRemoveSet>(v);
}

oslayer::Status check_seccomp(oslayer::SeccompMode mode, const std::vector<std::string>& set,
                              const std::string& errno_name) {
  if (auto st = oslayer::check_seccomp_set(mode, set); !st) return st;
  if (!errno_name.empty()) {
    if (auto e = oslayer::parse_errno_name(errno_name); !e) return std::move(e).error();
  }
  return oslayer::ok();
}

}  // namespace

Result<appc::Isolator> parse_caps_flag(std::string_view flag, const std::string& value) {
  const std::string what = "--" + std::string(flag) + " \"" + value + "\"";
  std::vector<std::string> set;
  for (const std::string& item : split_commas(value)) {
    if (item.empty()) return Error::msg(what + ": an empty capability name");
    std::string upper;
    for (char c : item) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!upper.starts_with("CAP_")) upper = "CAP_" + upper;
    if (!appc::is_capability_name(upper)) {
      return Error::msg(what + ": unknown capability \"" + item + "\"");
    }
    set.push_back(std::move(upper));
  }
  if (flag == "caps-retain") {
    return make(names::kCapabilitiesRetainSet, appc::CapabilitiesRetainSet{std::move(set)});
  }
  return make(names::kCapabilitiesRemoveSet, appc::CapabilitiesRemoveSet{std::move(set)});
}

Result<appc::Isolator> parse_seccomp_flag(const std::string& value) {
  const std::string what = "--seccomp \"" + value + "\"";
  std::string mode, errno_name;
  bool have_errno = false;
  std::vector<std::string> set;
  for (const std::string& item : split_commas(value)) {
    if (item.empty()) return Error::msg(what + ": an empty entry");
    if (item.starts_with("mode=")) {
      if (!mode.empty()) return Error::msg(what + ": mode= given twice");
      mode = item.substr(5);
      if (mode != "retain" && mode != "remove") {
        return Error::msg(what + ": mode must be retain or remove, not \"" + mode + "\"");
      }
    } else if (item.starts_with("errno=")) {
      if (have_errno) return Error::msg(what + ": errno= given twice");
      have_errno = true;
      errno_name = item.substr(6);
    } else if (item.find('=') != std::string::npos) {
      return Error::msg(what + ": unknown option \"" + item + "\" (want mode= or errno=)");
    } else {
      set.push_back(item);
    }
  }
  if (mode.empty()) return Error::msg(what + ": mode=retain or mode=remove is required");
  if (set.empty()) return Error::msg(what + ": no system call or @group named");
  if (have_errno && errno_name.empty()) return Error::msg(what + ": errno= needs a name");
  const auto m = mode == "retain" ? oslayer::SeccompMode::kRetain : oslayer::SeccompMode::kRemove;
  if (auto st = check_seccomp(m, set, errno_name); !st) {
    return std::move(st).error().context(what);
  }
  if (m == oslayer::SeccompMode::kRetain) {
    return make(names::kSeccompRetainSet,
                appc::SeccompRetainSet{std::move(set), std::move(errno_name)});
  }
  return make(names::kSeccompRemoveSet,
              appc::SeccompRemoveSet{std::move(set), std::move(errno_name)});
}

Result<std::vector<appc::Isolator>> security_isolators_from_flags(const AppArgs& a) {
  std::vector<appc::Isolator> out;
  if (!a.caps_retain.empty() && !a.caps_remove.empty()) {
    return Error::msg("--caps-retain and --caps-remove cannot be used together (image " + a.image +
                      ")");
  }
  if (!a.caps_retain.empty()) {
    auto i = parse_caps_flag("caps-retain", a.caps_retain);
    if (!i) return std::move(i).error();
    out.push_back(std::move(*i));
  }
  if (!a.caps_remove.empty()) {
    auto i = parse_caps_flag("caps-remove", a.caps_remove);
    if (!i) return std::move(i).error();
    out.push_back(std::move(*i));
  }
  if (!a.seccomp.empty()) {
    auto i = parse_seccomp_flag(a.seccomp);
    if (!i) return std::move(i).error();
    out.push_back(std::move(*i));
  }
  return out;
}

bool displaces(const appc::Isolator& flag, const appc::Isolator& existing) {
  return (is_capability(flag.value) && is_capability(existing.value)) ||
         (is_seccomp(flag.value) && is_seccomp(existing.value));
}

oslayer::Status check_security_isolators(const std::vector<appc::Isolator>& isolators) {
  for (const auto& iso : isolators) {
    oslayer::Status st = oslayer::ok();
    if (const auto* r = std::get_if<appc::SeccompRetainSet>(&iso.value)) {
      st = check_seccomp(oslayer::SeccompMode::kRetain, r->set, r->errno_name);
    } else if (const auto* x = std::get_if<appc::SeccompRemoveSet>(&iso.value)) {
      st = check_seccomp(oslayer::SeccompMode::kRemove, x->set, x->errno_name);
    }
    if (!st) return std::move(st).error().context("isolator " + iso.name.str());
  }
  return oslayer::ok();
}

std::vector<std::string> insecure_overrides(const appc::PodManifest& pm, bool capabilities_off,
                                            bool seccomp_off) {
  std::vector<std::string> out;
  for (const auto& ra : pm.apps) {
    if (!ra.app) continue;
    for (const auto& iso : ra.app->isolators) {
      if (capabilities_off && is_capability(iso.value)) {
        out.push_back("app " + ra.name.str() + ": isolator " + iso.name.str() +
                      " ignored: --insecure-options=capabilities lifts the capability restriction");
      } else if (seccomp_off && is_seccomp(iso.value)) {
        out.push_back("app " + ra.name.str() + ": isolator " + iso.name.str() +
                      " ignored: --insecure-options=seccomp loads no seccomp filter");
      }
    }
  }
  return out;
}

}  // namespace stage0::run
