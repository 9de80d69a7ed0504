// Decoding and encoding of labels, annotations, the app section and ports.
#include <set>

#include "appc-spec/codec.h"

namespace appc::detail {
namespace {

template <class T>
Result<T> anchored(const Reader& r, Result<T> parsed) {
  if (!parsed) return r.fail(parsed.error());
  return parsed;
}

Status anchored_status(const Reader& r, Status st) {
  if (!st) return r.fail(st.error());
  return oslayer::ok();
}

struct NameValue {
  AcIdentifier name;
  std::string value;
};

// Labels and annotations share a shape: a list of {name, value} with unique names.
Result<std::vector<NameValue>> decode_name_values(const Reader& list, const char* what) {
  std::vector<NameValue> out;
  if (auto st = list.expect_array(); !st) return std::move(st).error();
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    Reader item = list.at(i);
    if (auto st = item.expect_object(); !st) return std::move(st).error();
    auto name_reader = item.required("name");
    if (!name_reader) return std::move(name_reader).error();
    auto name = read_ac_identifier(*name_reader);
    if (!name) return std::move(name).error();
    std::string value;
    if (auto v = item.field("value")) {
      auto s = v->string();
      if (!s) return std::move(s).error();
      value = std::move(*s);
    }
    if (!seen.insert(name->str()).second) {
      return name_reader->fail(std::string("duplicate ") + what + " \"" + name->str() + "\"");
    }
    out.push_back({std::move(*name), std::move(value)});
  }
  return out;
}

Result<std::vector<std::string>> decode_exec(const Reader& r) {
  auto list = string_list(r);
  if (!list) return std::move(list).error();
  for (size_t i = 0; i < list->size(); ++i) {
    // An empty argv element is never what an image author meant, and an empty argv[0] cannot
    // be executed; the reference code lets both through.
    if ((*list)[i].empty()) return r.at(i).fail("must not be empty");
    if ((*list)[i].find('\0') != std::string::npos) return r.at(i).fail("must not contain NUL");
  }
  return list;
}

Result<std::vector<EventHandler>> decode_event_handlers(const std::optional<Reader>& r) {
  std::vector<EventHandler> out;
  if (!r) return out;
  if (auto st = r->expect_array(); !st) return std::move(st).error();
  std::set<EventName> seen;
  for (size_t i = 0; i < r->size(); ++i) {
    Reader item = r->at(i);
    if (auto st = item.expect_object(); !st) return std::move(st).error();
    auto name_reader = item.required("name");
    if (!name_reader) return std::move(name_reader).error();
    auto name = name_reader->string();
    if (!name) return std::move(name).error();
    EventHandler h;
    if (*name == "pre-start") {
      h.name = EventName::kPreStart;
    } else if (*name == "post-stop") {
      h.name = EventName::kPostStop;
    } else {
      return name_reader->fail("must be \"pre-start\" or \"post-stop\"");
    }
    if (!seen.insert(h.name).second) return name_reader->fail("only one handler per event");
    auto exec_reader = item.required("exec");
    if (!exec_reader) return std::move(exec_reader).error();
    auto exec = decode_exec(*exec_reader);
    if (!exec) return std::move(exec).error();
    if (exec->empty()) return exec_reader->fail("must not be empty");
    h.exec = std::move(*exec);
    out.push_back(std::move(h));
  }
  return out;
}

Result<Environment> decode_environment(const std::optional<Reader>& r) {
  Environment out;
  if (!r) return out;
  if (auto st = r->expect_array(); !st) return std::move(st).error();
  std::set<std::string> seen;
  for (size_t i = 0; i < r->size(); ++i) {
    Reader item = r->at(i);
    if (auto st = item.expect_object(); !st) return std::move(st).error();
    auto name_reader = item.required("name");
    if (!name_reader) return std::move(name_reader).error();
    auto name = name_reader->string();
    if (!name) return std::move(name).error();
    if (auto st = anchored_status(*name_reader, check_env_name(*name)); !st) {
      return std::move(st).error();
    }
    std::string value;
    if (auto v = item.field("value")) {
      auto s = v->string();
      if (!s) return std::move(s).error();
      if (auto st = anchored_status(*v, check_env_value(*s)); !st) return std::move(st).error();
      value = std::move(*s);
    }
    if (!seen.insert(*name).second) {
      return name_reader->fail("duplicate environment variable \"" + *name + "\"");
    }
    out.push_back({std::move(*name), std::move(value)});
  }
  return out;
}

Result<std::vector<MountPoint>> decode_mount_points(const std::optional<Reader>& r) {
  std::vector<MountPoint> out;
  if (!r) return out;
  if (auto st = r->expect_array(); !st) return std::move(st).error();
  std::set<std::string> seen;
  for (size_t i = 0; i < r->size(); ++i) {
    Reader item = r->at(i);
    if (auto st = item.expect_object(); !st) return std::move(st).error();
    auto name_reader = item.required("name");
    if (!name_reader) return std::move(name_reader).error();
    auto name = read_ac_name(*name_reader);
    if (!name) return std::move(name).error();
    auto path_reader = item.required("path");
    if (!path_reader) return std::move(path_reader).error();
    auto path = path_reader->string();
    if (!path) return std::move(path).error();
    if (auto st = anchored_status(*path_reader, check_absolute_path(*path)); !st) {
      return std::move(st).error();
    }
    bool read_only = false;
    if (auto ro = item.field("readOnly")) {
      auto b = ro->boolean();
      if (!b) return std::move(b).error();
      read_only = *b;
    }
    if (!seen.insert(name->str()).second) {
      return name_reader->fail("duplicate mount point \"" + name->str() + "\"");
    }
    out.push_back({std::move(*name), std::move(*path), read_only});
  }
  return out;
}

Result<std::vector<uint32_t>> decode_gids(const std::optional<Reader>& r) {
  std::vector<uint32_t> out;
  if (!r) return out;
  if (auto st = r->expect_array(); !st) return std::move(st).error();
  for (size_t i = 0; i < r->size(); ++i) {
    // 2^32-1 is (gid_t)-1, which setgroups(2) refuses.
    auto g = r->at(i).unsigned_integer(0xfffffffeu);
    if (!g) return std::move(g).error();
    out.push_back(static_cast<uint32_t>(*g));
  }
  return out;
}

Result<std::string> required_nonempty(const Reader& obj, std::string_view key) {
  auto f = obj.required(key);
  if (!f) return std::move(f).error();
  auto s = f->string();
  if (!s) return std::move(s).error();
  if (s->empty()) return f->fail("must not be empty");
  if (s->find('\0') != std::string::npos) return f->fail("must not contain NUL");
  return s;
}

Json encode_environment(const Environment& env) {
  Json j = Json::array();
  for (const auto& e : env) j.push_back(Json{{"name", e.name}, {"value", e.value}});
  return j;
}

}  // namespace

Result<AcName> read_ac_name(const Reader& r) {
  auto s = r.string();
  if (!s) return std::move(s).error();
  return anchored(r, AcName::parse(*s));
}

Result<AcIdentifier> read_ac_identifier(const Reader& r) {
  auto s = r.string();
  if (!s) return std::move(s).error();
  return anchored(r, AcIdentifier::parse(*s));
}

Result<ImageId> read_image_id(const Reader& r) {
  auto s = r.string();
  if (!s) return std::move(s).error();
  return anchored(r, ImageId::parse(*s));
}

Result<SemVer> read_ac_version(const Reader& r) {
  auto s = r.string();
  if (!s) return std::move(s).error();
  return anchored(r, SemVer::parse(*s));
}

Status check_ac_kind(const Reader& top, AcKind want) {
  auto kind_reader = top.required("acKind");
  if (!kind_reader) return std::move(kind_reader).error();
  auto s = kind_reader->string();
  if (!s) return std::move(s).error();
  auto kind = parse_ac_kind(*s);
  if (!kind) return kind_reader->fail(kind.error());
  if (*kind != want) {
    return kind_reader->fail("is " + *s + ", expected " + std::string(to_string(want)));
  }
  return oslayer::ok();
}

Result<Labels> decode_labels(const std::optional<Reader>& r) {
  Labels out;
  if (!r) return out;
  auto items = decode_name_values(*r, "label");
  if (!items) return std::move(items).error();
  for (size_t i = 0; i < items->size(); ++i) {
    auto& item = (*items)[i];
    if (item.name.str() == "name") {
      return r->at(i).fail_member(
          "name", "\"name\" is not allowed as a label (it is the image's own field)");
    }
    out.push_back({std::move(item.name), std::move(item.value)});
  }
  auto os = find_label(out, "os");
  auto arch = find_label(out, "arch");
  std::optional<std::string_view> os_view, arch_view;
  if (os) os_view = *os;
  if (arch) arch_view = *arch;
  if (auto st = anchored_status(*r, check_os_arch(os_view, arch_view)); !st) {
    return std::move(st).error();
  }
  return out;
}

Result<Annotations> decode_annotations(const std::optional<Reader>& r) {
  Annotations out;
  if (!r) return out;
  auto items = decode_name_values(*r, "annotation");
  if (!items) return std::move(items).error();
  for (size_t i = 0; i < items->size(); ++i) {
    auto& item = (*items)[i];
    Status st;
    const std::string& name = item.name.str();
    if (name == "created") {
      st = check_timestamp(item.value);
    } else if (name == "homepage" || name == "documentation") {
      st = check_http_url(item.value);
    }
    if (!st) return r->at(i).fail_member("value", st.error().message());
    out.push_back({std::move(item.name), std::move(item.value)});
  }
  return out;
}

Result<Port> decode_port(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto name_reader = r.required("name");
  if (!name_reader) return std::move(name_reader).error();
  auto name = read_ac_name(*name_reader);
  if (!name) return std::move(name).error();
  auto protocol = required_nonempty(r, "protocol");
  if (!protocol) return std::move(protocol).error();
  auto port_reader = r.required("port");
  if (!port_reader) return std::move(port_reader).error();
  auto port = port_reader->integer(1, 65535);
  if (!port) return std::move(port).error();
  int64_t count = 1;
  if (auto c = r.field("count")) {
    auto v = c->integer(1, 65535);
    if (!v) return std::move(v).error();
    count = *v;
    if (*port + count - 1 > 65535) return c->fail("port range ends beyond 65535");
  }
  bool socket_activated = false;
  if (auto sa = r.field("socketActivated")) {
    auto b = sa->boolean();
    if (!b) return std::move(b).error();
    socket_activated = *b;
  }
  return Port{std::move(*name), std::move(*protocol), static_cast<uint16_t>(*port),
              static_cast<uint16_t>(count), socket_activated};
}

Result<App> decode_app(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  App app;
  if (auto e = r.field("exec")) {
    auto exec = decode_exec(*e);
    if (!exec) return std::move(exec).error();
    app.exec = std::move(*exec);
  }
  auto user = required_nonempty(r, "user");
  if (!user) return std::move(user).error();
  app.user = std::move(*user);
  auto group = required_nonempty(r, "group");
  if (!group) return std::move(group).error();
  app.group = std::move(*group);
  // The spec's own example spells it supplementaryGids; Go's case-insensitive match takes both.
  auto gids = decode_gids(r.field("supplementaryGIDs"));
  if (!gids) return std::move(gids).error();
  app.supplementary_gids = std::move(*gids);
  auto handlers = decode_event_handlers(r.field("eventHandlers"));
  if (!handlers) return std::move(handlers).error();
  app.event_handlers = std::move(*handlers);
  if (auto wd = r.field("workingDirectory")) {
    auto s = wd->string();
    if (!s) return std::move(s).error();
    // An empty string means unset in the reference code.
    if (!s->empty()) {
      if (auto st = anchored_status(*wd, check_absolute_path(*s)); !st) {
        return std::move(st).error();
      }
    }
    app.working_directory = std::move(*s);
  }
  auto env = decode_environment(r.field("environment"));
  if (!env) return std::move(env).error();
  app.environment = std::move(*env);
  auto isolators = decode_isolators(r.field("isolators"), IsolatorScope::kApp);
  if (!isolators) return std::move(isolators).error();
  app.isolators = std::move(*isolators);
  auto mps = decode_mount_points(r.field("mountPoints"));
  if (!mps) return std::move(mps).error();
  app.mount_points = std::move(*mps);
  if (auto ports = r.field("ports")) {
    if (auto st = ports->expect_array(); !st) return std::move(st).error();
    std::set<std::string> seen;
    for (size_t i = 0; i < ports->size(); ++i) {
      auto p = decode_port(ports->at(i));
      if (!p) return std::move(p).error();
      if (!seen.insert(p->name.str()).second) {
        return ports->at(i).fail_member("name", "duplicate port name \"" + p->name.str() + "\"");
      }
      app.ports.push_back(std::move(*p));
    }
  }
  auto ua = string_map(r.field("userAnnotations"));
  if (!ua) return std::move(ua).error();
  app.user_annotations = std::move(*ua);
  auto ul = string_map(r.field("userLabels"));
  if (!ul) return std::move(ul).error();
  app.user_labels = std::move(*ul);
  return app;
}

Json encode_labels(const Labels& labels) {
  Json j = Json::array();
  for (const auto& l : labels) j.push_back(Json{{"name", l.name.str()}, {"value", l.value}});
  return j;
}

Json encode_annotations(const Annotations& annotations) {
  Json j = Json::array();
  for (const auto& a : annotations) j.push_back(Json{{"name", a.name.str()}, {"value", a.value}});
  return j;
}

Json encode_port(const Port& p) {
  Json j{{"name", p.name.str()}, {"protocol", p.protocol}, {"port", p.port}};
  if (p.count != 1) j["count"] = p.count;
  j["socketActivated"] = p.socket_activated;
  return j;
}

Json encode_app(const App& app) {
  // The field order of the reference implementation's types.App, so output reads like rkt's.
  Json j = Json::object();
  if (!app.exec.empty()) j["exec"] = app.exec;
  if (!app.event_handlers.empty()) {
    Json handlers = Json::array();
    for (const auto& h : app.event_handlers) {
      handlers.push_back(Json{{"name", to_string(h.name)}, {"exec", h.exec}});
    }
    j["eventHandlers"] = std::move(handlers);
  }
  j["user"] = app.user;
  j["group"] = app.group;
  if (!app.supplementary_gids.empty()) j["supplementaryGIDs"] = app.supplementary_gids;
  if (!app.working_directory.empty()) j["workingDirectory"] = app.working_directory;
  if (!app.environment.empty()) j["environment"] = encode_environment(app.environment);
  if (!app.mount_points.empty()) {
    Json mps = Json::array();
    for (const auto& mp : app.mount_points) {
      mps.push_back(Json{{"name", mp.name.str()}, {"path", mp.path}, {"readOnly", mp.read_only}});
    }
    j["mountPoints"] = std::move(mps);
  }
  if (!app.ports.empty()) {
    Json ports = Json::array();
    for (const auto& p : app.ports) ports.push_back(encode_port(p));
    j["ports"] = std::move(ports);
  }
  if (!app.isolators.empty()) {
    Json isolators = Json::array();
    for (const auto& iso : app.isolators) isolators.push_back(encode_isolator(iso));
    j["isolators"] = std::move(isolators);
  }
  if (!app.user_annotations.empty()) j["userAnnotations"] = app.user_annotations;
  if (!app.user_labels.empty()) j["userLabels"] = app.user_labels;
  return j;
}

}  // namespace appc::detail
