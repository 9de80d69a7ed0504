#include "stage0/run/isolator_flags.h"

#include <algorithm>
#include <charconv>
#include <variant>

#include "oslayer/sysctl.h"
#include "stage0/run/security_flags.h"

namespace stage0::run {
namespace {

using oslayer::Error;
using oslayer::Result;
namespace names = appc::isolator_names;

// A resource limit flag: the quantity is parsed first, so the JSON built from its text is safe.
Result<appc::Isolator> limit_flag(const char* flag, std::string_view isolator,
                                  const std::string& value) {
  const std::string what = std::string("--") + flag + " \"" + value + "\"";
  auto q = appc::Quantity::parse(value);
  if (!q) return std::move(q).error().context(what);
  if (q->negative() || q->is_zero()) return Error::msg(what + ": the limit must be above zero");
  return appc::make_isolator(isolator, R"({"limit":")" + q->str() + "\"}").context(what);
}

Result<appc::Isolator> integer_flag(const char* flag, std::string_view isolator,
                                    const std::string& value) {
  const std::string what = std::string("--") + flag + " \"" + value + "\"";
  int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    return Error::msg(what + ": not an integer");
  }
  return appc::make_isolator(isolator, std::to_string(n)).context(what);
}

bool enforced(const appc::IsolatorValue& v, bool pod) {
  if (std::holds_alternative<appc::ResourceMemory>(v) ||
      std::holds_alternative<appc::ResourceCpu>(v) || std::holds_alternative<appc::CpuShares>(v) ||
      std::holds_alternative<appc::OomScoreAdj>(v)) {
    return true;
  }
  // stage1 sets them in the pod's namespaces; the spec gives the isolator the pod's scope only.
  if (std::holds_alternative<appc::Sysctl>(v)) return pod;
  // stage2 sets these for an app; a pod has no process of its own to set them on.
  return !pod && (std::holds_alternative<appc::CapabilitiesRetainSet>(v) ||
                  std::holds_alternative<appc::CapabilitiesRemoveSet>(v) ||
                  std::holds_alternative<appc::NoNewPrivileges>(v) ||
                  std::holds_alternative<appc::SeccompRemoveSet>(v) ||
                  std::holds_alternative<appc::SeccompRetainSet>(v));
}

}  // namespace

Result<std::vector<appc::Isolator>> isolators_from_flags(const AppArgs& a) {
  std::vector<appc::Isolator> out;
  auto add = [&](Result<appc::Isolator> r) -> oslayer::Status {
    if (!r) return std::move(r).error();
    out.push_back(std::move(*r));
    return oslayer::ok();
  };
  if (!a.memory.empty()) {
    if (auto st = add(limit_flag("memory", names::kResourceMemory, a.memory)); !st) {
      return std::move(st).error();
    }
  }
  if (!a.cpu.empty()) {
    if (auto st = add(limit_flag("cpu", names::kResourceCpu, a.cpu)); !st) {
      return std::move(st).error();
    }
  }
  if (!a.cpu_shares.empty()) {
    if (auto st = add(integer_flag("cpu-shares", names::kCpuShares, a.cpu_shares)); !st) {
      return std::move(st).error();
    }
  }
  if (!a.oom_score_adj.empty()) {
    if (auto st = add(integer_flag("oom-score-adj", names::kOomScoreAdj, a.oom_score_adj)); !st) {
      return std::move(st).error();
    }
  }
  auto security = security_isolators_from_flags(a);
  if (!security) return std::move(security).error();
  for (auto& i : *security) out.push_back(std::move(i));
  return out;
}

void override_isolators(std::vector<appc::Isolator>& into, std::vector<appc::Isolator> flags) {
  for (auto& f : flags) {
    std::erase_if(into,
                  [&](const appc::Isolator& i) { return i.name == f.name || displaces(f, i); });
    into.push_back(std::move(f));
  }
}

oslayer::Status check_resource_isolators(const std::vector<appc::Isolator>& isolators) {
  for (const auto& iso : isolators) {
    const std::optional<appc::Quantity>* limit = nullptr;
    if (const auto* m = std::get_if<appc::ResourceMemory>(&iso.value)) limit = &m->limit;
    if (const auto* c = std::get_if<appc::ResourceCpu>(&iso.value)) limit = &c->limit;
    if (limit != nullptr && *limit && (*limit)->is_zero()) {
      return Error::msg("isolator " + iso.name.str() + ": the limit must be above zero");
    }
  }
  return oslayer::ok();
}

oslayer::Status check_pod_sysctls(const appc::PodManifest& pm, std::string_view net) {
  for (const auto& iso : pm.isolators) {
    const auto* sysctl = std::get_if<appc::Sysctl>(&iso.value);
    if (sysctl == nullptr) continue;
    for (const auto& [name, value] : sysctl->values) {
      if (auto st = oslayer::check_sysctl(name, value, net != "host"); !st) {
        return std::move(st).error().context("pod isolator " + iso.name.str());
      }
    }
  }
  return oslayer::ok();
}

std::vector<std::string> unenforced_isolators(const appc::PodManifest& pm) {
  std::vector<std::string> out;
  for (const auto& iso : pm.isolators) {
    if (!enforced(iso.value, true)) {
      out.push_back("pod isolator " + iso.name.str() + " is not enforced by Rocket: ignored");
    }
  }
  for (const auto& ra : pm.apps) {
    if (!ra.app) continue;
    for (const auto& iso : ra.app->isolators) {
      if (!enforced(iso.value, false)) {
        const bool sysctl = std::holds_alternative<appc::Sysctl>(iso.value);
        out.push_back("app " + ra.name.str() + ": isolator " + iso.name.str() +
                      " is not enforced by Rocket: ignored" +
                      (sysctl ? " (it acts on the whole pod: set it in the pod manifest)" : ""));
      }
    }
  }
  return out;
}

}  // namespace stage0::run
