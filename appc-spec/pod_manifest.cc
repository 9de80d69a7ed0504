#include "appc-spec/pod_manifest.h"

#include <set>

#include "appc-spec/codec.h"
#include "appc-spec/image_manifest.h"
#include "appc-spec/volume.h"

namespace appc {
namespace detail {

Result<Volume> decode_volume(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto name_reader = r.required("name");
  if (!name_reader) return std::move(name_reader).error();
  auto name = read_ac_name(*name_reader);
  if (!name) return std::move(name).error();
  Volume v{std::move(*name), VolumeKind::kEmpty, {}, {}, {}, {}, {}, {}};
  auto kind_reader = r.required("kind");
  if (!kind_reader) return std::move(kind_reader).error();
  auto kind = kind_reader->string();
  if (!kind) return std::move(kind).error();
  if (*kind == "host") {
    v.kind = VolumeKind::kHost;
  } else if (*kind != "empty") {
    return kind_reader->fail("must be \"host\" or \"empty\"");
  }
  auto optional_bool = [&](std::string_view key, std::optional<bool>& out) -> Status {
    if (auto f = r.field(key)) {
      auto b = f->boolean();
      if (!b) return std::move(b).error();
      out = *b;
    }
    return oslayer::ok();
  };
  if (auto st = optional_bool("readOnly", v.read_only); !st) return std::move(st).error();
  if (auto st = optional_bool("recursive", v.recursive); !st) return std::move(st).error();
  auto source = r.field("source");
  auto mode = r.field("mode");
  auto uid = r.field("uid");
  auto gid = r.field("gid");
  if (v.kind == VolumeKind::kHost) {
    if (!source) return Error::msg(r.path() + ".source: is required for a host volume");
    auto s = source->string();
    if (!s) return std::move(s).error();
    if (auto st = check_absolute_path(*s); !st) return source->fail(st.error());
    v.source = std::move(*s);
    for (const auto& [f, key] : {std::pair{mode, "mode"}, {uid, "uid"}, {gid, "gid"}}) {
      if (f) return f->fail(std::string("is not allowed on a host volume"));
    }
    return v;
  }
  if (source) return source->fail("is not allowed on an empty volume");
  if (v.recursive) return r.fail_member("recursive", "is only allowed on a host volume");
  v.mode = "0755";
  if (mode) {
    auto s = mode->string();
    if (!s) return std::move(s).error();
    bool octal = s->size() >= 3 && s->size() <= 4;
    for (char c : *s) octal = octal && c >= '0' && c <= '7';
    if (!octal) return mode->fail("must be an octal mode such as \"0755\"");
    v.mode = std::move(*s);
  }
  v.uid = 0;
  v.gid = 0;
  for (auto [f, out] : {std::pair{uid, &v.uid}, {gid, &v.gid}}) {
    if (!f) continue;
    auto i = f->integer(0, 0xfffffffe);
    if (!i) return std::move(i).error();
    *out = *i;
  }
  return v;
}

Json encode_volume(const Volume& v) {
  Json j{{"name", v.name.str()}, {"kind", v.kind == VolumeKind::kHost ? "host" : "empty"}};
  if (!v.source.empty()) j["source"] = v.source;
  if (v.read_only) j["readOnly"] = *v.read_only;
  if (v.recursive) j["recursive"] = *v.recursive;
  if (v.mode) j["mode"] = *v.mode;
  if (v.uid) j["uid"] = *v.uid;
  if (v.gid) j["gid"] = *v.gid;
  return j;
}

}  // namespace detail

namespace {

using detail::Json;
using detail::Reader;

Result<RuntimeImage> decode_runtime_image(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  RuntimeImage img;
  if (auto id = r.field("id")) {
    auto parsed = detail::read_image_id(*id);
    if (!parsed) return std::move(parsed).error();
    img.id = std::move(*parsed);
  }
  if (auto name = r.field("name")) {
    auto parsed = detail::read_ac_identifier(*name);
    if (!parsed) return std::move(parsed).error();
    img.name = std::move(*parsed);
  }
  auto labels = detail::decode_labels(r.field("labels"));
  if (!labels) return std::move(labels).error();
  img.labels = std::move(*labels);
  return img;
}

Result<Mount> decode_mount(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto volume_reader = r.required("volume");
  if (!volume_reader) return std::move(volume_reader).error();
  auto volume = detail::read_ac_name(*volume_reader);
  if (!volume) return std::move(volume).error();
  auto path_reader = r.required("path");
  if (!path_reader) return std::move(path_reader).error();
  auto path = path_reader->string();
  if (!path) return std::move(path).error();
  if (auto st = check_absolute_path(*path); !st) return path_reader->fail(st.error());
  Mount m{std::move(*volume), std::move(*path), std::nullopt};
  if (auto av = r.field("appVolume")) {
    auto v = detail::decode_volume(*av);
    if (!v) return std::move(v).error();
    m.app_volume = std::move(*v);
  }
  return m;
}

Result<RuntimeApp> decode_runtime_app(const Reader& r, const std::set<std::string>& volumes) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto name_reader = r.required("name");
  if (!name_reader) return std::move(name_reader).error();
  auto name = detail::read_ac_name(*name_reader);
  if (!name) return std::move(name).error();
  auto image_reader = r.required("image");
  if (!image_reader) return std::move(image_reader).error();
  auto image = decode_runtime_image(*image_reader);
  if (!image) return std::move(image).error();
  RuntimeApp app{std::move(*name), std::move(*image), std::nullopt, false, {}, {}};
  if (auto a = r.field("app")) {
    auto decoded = detail::decode_app(*a);
    if (!decoded) return std::move(decoded).error();
    app.app = std::move(*decoded);
  }
  if (auto ro = r.field("readOnlyRootFS")) {
    auto b = ro->boolean();
    if (!b) return std::move(b).error();
    app.read_only_root_fs = *b;
  }
  if (auto mounts = r.field("mounts")) {
    if (auto st = mounts->expect_array(); !st) return std::move(st).error();
    std::set<std::string> paths;
    for (size_t i = 0; i < mounts->size(); ++i) {
      auto m = decode_mount(mounts->at(i));
      if (!m) return std::move(m).error();
      // The reference code checks neither rule; a mount of nothing, or two mounts on one
      // target, can only be mistakes.
      if (!m->app_volume && volumes.count(m->volume.str()) == 0) {
        return mounts->at(i).fail_member(
            "volume", "volume \"" + m->volume.str() + "\" is not defined in volumes");
      }
      if (!paths.insert(m->path).second) {
        return mounts->at(i).fail_member("path",
                                         "another mount already uses path \"" + m->path + "\"");
      }
      app.mounts.push_back(std::move(*m));
    }
  }
  auto annotations = detail::decode_annotations(r.field("annotations"));
  if (!annotations) return std::move(annotations).error();
  app.annotations = std::move(*annotations);
  return app;
}

Result<ExposedPort> decode_exposed_port(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto name_reader = r.required("name");
  if (!name_reader) return std::move(name_reader).error();
  auto name = detail::read_ac_name(*name_reader);
  if (!name) return std::move(name).error();
  auto hp_reader = r.required("hostPort");
  if (!hp_reader) return std::move(hp_reader).error();
  auto host_port = hp_reader->integer(1, 65535);
  if (!host_port) return std::move(host_port).error();
  ExposedPort p{std::move(*name), static_cast<uint16_t>(*host_port), {}, std::nullopt};
  if (auto ip = r.field("hostIP")) {
    auto s = ip->string();
    if (!s) return std::move(s).error();
    if (!s->empty()) {
      if (auto st = check_ip_address(*s); !st) return ip->fail(st.error());
    }
    p.host_ip = std::move(*s);
  }
  if (auto pp = r.field("podPort")) {
    auto port = detail::decode_port(*pp);
    if (!port) return std::move(port).error();
    p.pod_port = std::move(*port);
  }
  return p;
}

Result<PodManifest> decode_document(const Json& doc) {
  Reader top(doc, "");
  if (auto st = top.expect_object(); !st) return std::move(st).error();
  if (auto st = detail::check_ac_kind(top, AcKind::kPodManifest); !st) {
    return std::move(st).error();
  }
  auto version_reader = top.required("acVersion");
  if (!version_reader) return std::move(version_reader).error();
  auto version = detail::read_ac_version(*version_reader);
  if (!version) return std::move(version).error();
  PodManifest m{std::move(*version), {}, {}, {}, {}, {}, {}, {}};

  // Volumes first: the apps' mounts are checked against them.
  std::set<std::string> volume_names;
  if (auto volumes = top.field("volumes")) {
    if (auto st = volumes->expect_array(); !st) return std::move(st).error();
    for (size_t i = 0; i < volumes->size(); ++i) {
      auto v = detail::decode_volume(volumes->at(i));
      if (!v) return std::move(v).error();
      if (!volume_names.insert(v->name.str()).second) {
        return volumes->at(i).fail_member("name",
                                          "duplicate volume name \"" + v->name.str() + "\"");
      }
      m.volumes.push_back(std::move(*v));
    }
  }
  if (auto apps = top.field("apps")) {
    if (auto st = apps->expect_array(); !st) return std::move(st).error();
    std::set<std::string> names;
    for (size_t i = 0; i < apps->size(); ++i) {
      auto app = decode_runtime_app(apps->at(i), volume_names);
      if (!app) return std::move(app).error();
      if (!names.insert(app->name.str()).second) {
        return apps->at(i).fail_member("name", "duplicate app name \"" + app->name.str() + "\"");
      }
      m.apps.push_back(std::move(*app));
    }
  }
  auto isolators = detail::decode_isolators(top.field("isolators"), detail::IsolatorScope::kPod);
  if (!isolators) return std::move(isolators).error();
  m.isolators = std::move(*isolators);
  auto annotations = detail::decode_annotations(top.field("annotations"));
  if (!annotations) return std::move(annotations).error();
  m.annotations = std::move(*annotations);
  if (auto ports = top.field("ports")) {
    if (auto st = ports->expect_array(); !st) return std::move(st).error();
    std::set<std::string> names;
    for (size_t i = 0; i < ports->size(); ++i) {
      auto p = decode_exposed_port(ports->at(i));
      if (!p) return std::move(p).error();
      if (!names.insert(p->name.str()).second) {
        return ports->at(i).fail_member("name", "duplicate port name \"" + p->name.str() + "\"");
      }
      m.ports.push_back(std::move(*p));
    }
  }
  auto ua = detail::string_map(top.field("userAnnotations"));
  if (!ua) return std::move(ua).error();
  m.user_annotations = std::move(*ua);
  auto ul = detail::string_map(top.field("userLabels"));
  if (!ul) return std::move(ul).error();
  m.user_labels = std::move(*ul);
  return m;
}

Json encode_document(const PodManifest& m) {
  Json j{{"acVersion", m.ac_version.str()}, {"acKind", "PodManifest"}};
  Json apps = Json::array();
  for (const auto& a : m.apps) {
    Json image = Json::object();
    if (a.image.name) image["name"] = a.image.name->str();
    if (a.image.id) image["id"] = a.image.id->str();
    if (!a.image.labels.empty()) image["labels"] = detail::encode_labels(a.image.labels);
    Json aj{{"name", a.name.str()}, {"image", std::move(image)}};
    if (a.app) aj["app"] = detail::encode_app(*a.app);
    if (a.read_only_root_fs) aj["readOnlyRootFS"] = true;
    if (!a.mounts.empty()) {
      Json mounts = Json::array();
      for (const auto& mt : a.mounts) {
        Json mj{{"volume", mt.volume.str()}, {"path", mt.path}};
        if (mt.app_volume) mj["appVolume"] = detail::encode_volume(*mt.app_volume);
        mounts.push_back(std::move(mj));
      }
      aj["mounts"] = std::move(mounts);
    }
    if (!a.annotations.empty()) aj["annotations"] = detail::encode_annotations(a.annotations);
    apps.push_back(std::move(aj));
  }
  j["apps"] = std::move(apps);
  if (!m.volumes.empty()) {
    Json volumes = Json::array();
    for (const auto& v : m.volumes) volumes.push_back(detail::encode_volume(v));
    j["volumes"] = std::move(volumes);
  }
  if (!m.isolators.empty()) {
    Json isolators = Json::array();
    for (const auto& iso : m.isolators) isolators.push_back(detail::encode_isolator(iso));
    j["isolators"] = std::move(isolators);
  }
  if (!m.annotations.empty()) j["annotations"] = detail::encode_annotations(m.annotations);
  if (!m.ports.empty()) {
    Json ports = Json::array();
    for (const auto& p : m.ports) {
      Json pj{{"name", p.name.str()}, {"hostPort", p.host_port}};
      if (!p.host_ip.empty()) pj["hostIP"] = p.host_ip;
      if (p.pod_port) pj["podPort"] = detail::encode_port(*p.pod_port);
      ports.push_back(std::move(pj));
    }
    j["ports"] = std::move(ports);
  }
  if (!m.user_annotations.empty()) j["userAnnotations"] = m.user_annotations;
  if (!m.user_labels.empty()) j["userLabels"] = m.user_labels;
  return j;
}

}  // namespace

Result<PodManifest> decode_pod_manifest(std::string_view json) {
  auto doc = detail::parse_json(json, kMaxManifestSize);
  if (!doc) return Error::msg("pod manifest " + doc.error().message());
  return decode_document(*doc);
}

Status validate_pod_manifest(const PodManifest& m) {
  // One set of rules: a hand-built manifest is checked by the decoder, through its encoding.
  auto decoded = decode_document(encode_document(m));
  if (!decoded) return std::move(decoded).error();
  return oslayer::ok();
}

std::string encode_pod_manifest(const PodManifest& m, int indent) {
  // Hand-built values may hold invalid UTF-8; replacing it keeps dump() from throwing.
  return encode_document(m).dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace appc
