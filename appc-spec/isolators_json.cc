// Decoding and encoding of isolator values, one small function per isolator kind.
#include <set>

#include "appc-spec/codec.h"

namespace appc::detail {
namespace {

namespace n = isolator_names;

Result<Quantity> read_quantity(const Reader& r) {
  std::string text;
  if (r.json().is_string()) {
    text = r.json().get<std::string>();
  } else if (r.json().is_number_integer()) {
    text = r.json().dump();
  } else if (r.json().is_number_float()) {
    // Go's Quantity reads a bare number from its JSON text; dump() gives the shortest such text.
    text = r.json().dump();
  } else {
    return r.fail("must be a quantity string such as \"128Mi\" or \"500m\"");
  }
  auto q = Quantity::parse(text);
  if (!q) return r.fail(q.error());
  // Negative limits have no meaning for any resource; the reference code lets them through.
  if (q->negative()) return r.fail("must not be negative");
  return q;
}

Result<std::optional<Quantity>> optional_quantity(const Reader& obj, std::string_view key) {
  auto f = obj.field(key);
  if (!f) return std::optional<Quantity>();
  auto q = read_quantity(*f);
  if (!q) return std::move(q).error();
  return std::optional<Quantity>(std::move(*q));
}

// resource/cpu and resource/memory: "default" must be false.
template <class T>
Result<IsolatorValue> decode_request_limit(const Reader& v) {
  if (auto st = v.expect_object(); !st) return std::move(st).error();
  if (auto d = v.field("default")) {
    auto b = d->boolean();
    if (!b) return std::move(b).error();
    if (*b) return d->fail("must be false for this resource");
  }
  auto request = optional_quantity(v, "request");
  if (!request) return std::move(request).error();
  auto limit = optional_quantity(v, "limit");
  if (!limit) return std::move(limit).error();
  if (*request && *limit && (*request)->compare(**limit) > 0) {
    return v.fail("request " + (*request)->str() + " is larger than limit " + (*limit)->str());
  }
  return IsolatorValue(T{std::move(*request), std::move(*limit)});
}

// block-bandwidth, block-iops, network-bandwidth: "default" must be true, only a limit.
template <class T>
Result<IsolatorValue> decode_default_limit(const Reader& v) {
  if (auto st = v.expect_object(); !st) return std::move(st).error();
  auto d = v.required("default");
  if (!d) return std::move(d).error();
  auto b = d->boolean();
  if (!b) return std::move(b).error();
  if (!*b) return d->fail("must be true for this resource");
  if (auto req = v.field("request")) return req->fail("is not supported by this resource");
  auto limit = v.required("limit");
  if (!limit) return std::move(limit).error();
  auto q = read_quantity(*limit);
  if (!q) return std::move(q).error();
  return IsolatorValue(T{std::move(*q)});
}

Result<std::vector<std::string>> read_set(const Reader& v) {
  if (auto st = v.expect_object(); !st) return std::move(st).error();
  auto set_reader = v.required("set");
  if (!set_reader) return std::move(set_reader).error();
  auto set = string_list(*set_reader);
  if (!set) return std::move(set).error();
  if (set->empty()) return set_reader->fail("must not be empty");
  for (size_t i = 0; i < set->size(); ++i) {
    if ((*set)[i].empty()) return set_reader->at(i).fail("must not be empty");
  }
  return set;
}

template <class T>
Result<IsolatorValue> decode_capabilities(const Reader& v) {
  auto set = read_set(v);
  if (!set) return std::move(set).error();
  auto set_reader = *v.field("set");
  for (size_t i = 0; i < set->size(); ++i) {
    if (!is_capability_name((*set)[i])) {
      return set_reader.at(i).fail("\"" + (*set)[i].substr(0, 40) +
                                   "\" is not a Linux capability name (CAP_...)");
    }
  }
  return IsolatorValue(T{std::move(*set)});
}

template <class T>
Result<IsolatorValue> decode_seccomp(const Reader& v) {
  auto set = read_set(v);
  if (!set) return std::move(set).error();
  std::string errno_name;
  if (auto e = v.field("errno")) {
    auto s = e->string();
    if (!s) return std::move(s).error();
    bool ok = s->empty() || (s->size() >= 2 && (*s)[0] == 'E');
    for (size_t i = 1; ok && i < s->size(); ++i) {
      char c = (*s)[i];
      ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    if (!ok) return e->fail("must be an errno name such as EPERM");
    errno_name = std::move(*s);
  }
  return IsolatorValue(T{std::move(*set), std::move(errno_name)});
}

Result<std::string> nonempty_string(const Reader& obj, std::string_view key, bool no_colon) {
  auto f = obj.required(key);
  if (!f) return std::move(f).error();
  auto s = f->string();
  if (!s) return std::move(s).error();
  if (s->empty()) return f->fail("must not be empty");
  if (no_colon && s->find(':') != std::string::npos) return f->fail("must not contain ':'");
  return s;
}

Result<IsolatorValue> decode_selinux(const Reader& v) {
  if (auto st = v.expect_object(); !st) return std::move(st).error();
  SelinuxContext c;
  auto user = nonempty_string(v, "user", true);
  if (!user) return std::move(user).error();
  auto role = nonempty_string(v, "role", true);
  if (!role) return std::move(role).error();
  auto type = nonempty_string(v, "type", true);
  if (!type) return std::move(type).error();
  auto level = nonempty_string(v, "level", false);
  if (!level) return std::move(level).error();
  return IsolatorValue(SelinuxContext{*user, *role, *type, *level});
}

Result<IsolatorValue> decode_value(std::string_view name, const Reader& v, IsolatorScope scope) {
  if (name == n::kResourceCpu) return decode_request_limit<ResourceCpu>(v);
  if (name == n::kResourceMemory) return decode_request_limit<ResourceMemory>(v);
  if (name == n::kResourceBlockBandwidth) return decode_default_limit<ResourceBlockBandwidth>(v);
  if (name == n::kResourceBlockIops) return decode_default_limit<ResourceBlockIops>(v);
  if (name == n::kResourceNetworkBandwidth) {
    return decode_default_limit<ResourceNetworkBandwidth>(v);
  }
  if (name == n::kCapabilitiesRetainSet) return decode_capabilities<CapabilitiesRetainSet>(v);
  if (name == n::kCapabilitiesRemoveSet) return decode_capabilities<CapabilitiesRemoveSet>(v);
  if (name == n::kSeccompRetainSet) return decode_seccomp<SeccompRetainSet>(v);
  if (name == n::kSeccompRemoveSet) return decode_seccomp<SeccompRemoveSet>(v);
  if (name == n::kSelinuxContext) return decode_selinux(v);
  if (name == n::kNoNewPrivileges) {
    auto b = v.boolean();
    if (!b) return std::move(b).error();
    return IsolatorValue(NoNewPrivileges{*b});
  }
  if (name == n::kApparmorProfile) {
    if (auto st = v.expect_object(); !st) return std::move(st).error();
    auto p = nonempty_string(v, "profile", false);
    if (!p) return std::move(p).error();
    return IsolatorValue(ApparmorProfile{*p});
  }
  if (name == n::kOomScoreAdj) {
    auto i = v.integer(-1000, 1000);
    if (!i) return std::move(i).error();
    return IsolatorValue(OomScoreAdj{static_cast<int>(*i)});
  }
  if (name == n::kCpuShares) {
    auto i = v.integer(2, 262144);
    if (!i) return std::move(i).error();
    return IsolatorValue(CpuShares{static_cast<int>(*i)});
  }
  if (name == n::kSysctl) {
    auto m = string_map(v);
    if (!m) return std::move(m).error();
    for (const auto& [key, value] : *m) {
      if (key.empty()) return v.fail("sysctl names must not be empty");
    }
    return IsolatorValue(Sysctl{std::move(*m)});
  }
  if (scope == IsolatorScope::kPod) return IsolatorValue(UnknownIsolator{v.json().dump()});
  return v.fail("unknown isolator \"" + std::string(name) + "\" (not allowed in an app)");
}

Json encode_quantities(const std::optional<Quantity>& request,
                       const std::optional<Quantity>& limit) {
  Json j = Json::object();
  if (request) j["request"] = request->str();
  if (limit) j["limit"] = limit->str();
  return j;
}

struct ValueEncoder {
  Json operator()(const ResourceCpu& v) const { return encode_quantities(v.request, v.limit); }
  Json operator()(const ResourceMemory& v) const { return encode_quantities(v.request, v.limit); }
  Json operator()(const ResourceBlockBandwidth& v) const { return limit_only(v.limit); }
  Json operator()(const ResourceBlockIops& v) const { return limit_only(v.limit); }
  Json operator()(const ResourceNetworkBandwidth& v) const { return limit_only(v.limit); }
  Json operator()(const CapabilitiesRetainSet& v) const { return Json{{"set", v.set}}; }
  Json operator()(const CapabilitiesRemoveSet& v) const { return Json{{"set", v.set}}; }
  Json operator()(const NoNewPrivileges& v) const { return v.value; }
  Json operator()(const SeccompRetainSet& v) const { return seccomp(v.set, v.errno_name); }
  Json operator()(const SeccompRemoveSet& v) const { return seccomp(v.set, v.errno_name); }
  Json operator()(const SelinuxContext& v) const {
    return Json{{"user", v.user}, {"role", v.role}, {"type", v.type}, {"level", v.level}};
  }
  Json operator()(const ApparmorProfile& v) const { return Json{{"profile", v.profile}}; }
  Json operator()(const OomScoreAdj& v) const { return v.value; }
  Json operator()(const CpuShares& v) const { return v.value; }
  Json operator()(const Sysctl& v) const {
    Json j = Json::object();
    for (const auto& [key, value] : v.values) j[key] = value;
    return j;
  }
  // value_json came from dump(), so it parses; no exception can escape.
  Json operator()(const UnknownIsolator& v) const {
    return Json::parse(v.value_json, nullptr, false);
  }

  static Json limit_only(const Quantity& q) { return Json{{"default", true}, {"limit", q.str()}}; }
  static Json seccomp(const std::vector<std::string>& set, const std::string& errno_name) {
    Json j = Json::object();
    if (!errno_name.empty()) j["errno"] = errno_name;
    j["set"] = set;
    return j;
  }
};

}  // namespace

Result<Isolator> decode_isolator(const Reader& r, IsolatorScope scope) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto name_reader = r.required("name");
  if (!name_reader) return std::move(name_reader).error();
  auto name = read_ac_identifier(*name_reader);
  if (!name) return std::move(name).error();
  auto value_reader = r.required("value");
  if (!value_reader) return std::move(value_reader).error();
  auto value = decode_value(name->str(), *value_reader, scope);
  if (!value) return std::move(value).error();
  return Isolator{std::move(*name), std::move(*value)};
}

Result<std::vector<Isolator>> decode_isolators(const std::optional<Reader>& r,
                                               IsolatorScope scope) {
  std::vector<Isolator> out;
  if (!r) return out;
  if (auto st = r->expect_array(); !st) return std::move(st).error();
  std::set<std::string> seen;
  for (size_t i = 0; i < r->size(); ++i) {
    auto iso = decode_isolator(r->at(i), scope);
    if (!iso) return std::move(iso).error();
    const std::string& name = iso->name.str();
    // Two instances of one known isolator leave it unclear which applies; refuse rather than
    // guess (the reference code allows it for the resource isolators).
    if (is_known_isolator(name) && !seen.insert(name).second) {
      return r->at(i).fail("isolator \"" + name + "\" appears more than once");
    }
    out.push_back(std::move(*iso));
  }
  auto both = [&](std::string_view a, std::string_view b) {
    return seen.count(std::string(a)) != 0 && seen.count(std::string(b)) != 0;
  };
  if (both(n::kSeccompRetainSet, n::kSeccompRemoveSet)) {
    return r->fail("seccomp-retain-set and seccomp-remove-set cannot be used together");
  }
  if (both(n::kCapabilitiesRetainSet, n::kCapabilitiesRemoveSet)) {
    return r->fail("capabilities-retain-set and capabilities-remove-set cannot be used together");
  }
  return out;
}

Json encode_isolator(const Isolator& iso) {
  return Json{{"name", iso.name.str()}, {"value", std::visit(ValueEncoder{}, iso.value)}};
}

}  // namespace appc::detail
