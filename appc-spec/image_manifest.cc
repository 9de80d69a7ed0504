#include "appc-spec/image_manifest.h"

#include <set>

#include "appc-spec/codec.h"

namespace appc {
namespace {

using detail::Json;
using detail::Reader;

Result<Dependency> decode_dependency(const Reader& r) {
  if (auto st = r.expect_object(); !st) return std::move(st).error();
  auto name_reader = r.required("imageName");
  if (!name_reader) return std::move(name_reader).error();
  auto name = detail::read_ac_identifier(*name_reader);
  if (!name) return std::move(name).error();
  Dependency d{std::move(*name), std::nullopt, {}, std::nullopt};
  if (auto id = r.field("imageID")) {
    auto parsed = detail::read_image_id(*id);
    if (!parsed) return std::move(parsed).error();
    d.image_id = std::move(*parsed);
  }
  auto labels = detail::decode_labels(r.field("labels"));
  if (!labels) return std::move(labels).error();
  d.labels = std::move(*labels);
  if (auto size = r.field("size")) {
    auto s = size->unsigned_integer(UINT64_MAX);
    if (!s) return std::move(s).error();
    d.size = *s;
  }
  return d;
}

Result<std::vector<std::string>> decode_whitelist(const std::optional<Reader>& r) {
  auto list = detail::string_list(r);
  if (!list) return std::move(list).error();
  std::set<std::string> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string& p = (*list)[i];
    if (auto st = check_absolute_path(p); !st) return r->at(i).fail(st.error());
    if (!seen.insert(p).second) return r->at(i).fail("duplicate path \"" + p + "\"");
  }
  return list;
}

Result<ImageManifest> decode_document(const Json& doc) {
  Reader top(doc, "");
  if (auto st = top.expect_object(); !st) return std::move(st).error();
  if (auto st = detail::check_ac_kind(top, AcKind::kImageManifest); !st) {
    return std::move(st).error();
  }
  auto version_reader = top.required("acVersion");
  if (!version_reader) return std::move(version_reader).error();
  auto version = detail::read_ac_version(*version_reader);
  if (!version) return std::move(version).error();
  auto name_reader = top.required("name");
  if (!name_reader) return std::move(name_reader).error();
  auto name = detail::read_ac_identifier(*name_reader);
  if (!name) return std::move(name).error();
  ImageManifest m{std::move(*version), std::move(*name), {}, std::nullopt, {}, {}, {}};

  auto labels = detail::decode_labels(top.field("labels"));
  if (!labels) return std::move(labels).error();
  m.labels = std::move(*labels);
  if (auto app = top.field("app")) {
    auto decoded = detail::decode_app(*app);
    if (!decoded) return std::move(decoded).error();
    m.app = std::move(*decoded);
  }
  if (auto deps = top.field("dependencies")) {
    if (auto st = deps->expect_array(); !st) return std::move(st).error();
    for (size_t i = 0; i < deps->size(); ++i) {
      auto d = decode_dependency(deps->at(i));
      if (!d) return std::move(d).error();
      m.dependencies.push_back(std::move(*d));
    }
  }
  auto whitelist = decode_whitelist(top.field("pathWhitelist"));
  if (!whitelist) return std::move(whitelist).error();
  m.path_whitelist = std::move(*whitelist);
  auto annotations = detail::decode_annotations(top.field("annotations"));
  if (!annotations) return std::move(annotations).error();
  m.annotations = std::move(*annotations);
  return m;
}

Json encode_document(const ImageManifest& m) {
  Json j{{"acKind", "ImageManifest"}, {"acVersion", m.ac_version.str()}, {"name", m.name.str()}};
  if (!m.labels.empty()) j["labels"] = detail::encode_labels(m.labels);
  if (m.app) j["app"] = detail::encode_app(*m.app);
  if (!m.annotations.empty()) j["annotations"] = detail::encode_annotations(m.annotations);
  if (!m.dependencies.empty()) {
    Json deps = Json::array();
    for (const auto& d : m.dependencies) {
      Json dj{{"imageName", d.image_name.str()}};
      if (d.image_id) dj["imageID"] = d.image_id->str();
      if (!d.labels.empty()) dj["labels"] = detail::encode_labels(d.labels);
      if (d.size) dj["size"] = *d.size;
      deps.push_back(std::move(dj));
    }
    j["dependencies"] = std::move(deps);
  }
  if (!m.path_whitelist.empty()) j["pathWhitelist"] = m.path_whitelist;
  return j;
}

}  // namespace

Result<ImageManifest> decode_image_manifest(std::string_view json) {
  auto doc = detail::parse_json(json, kMaxManifestSize);
  if (!doc) return Error::msg("image manifest " + doc.error().message());
  return decode_document(*doc);
}

Status validate_image_manifest(const ImageManifest& m) {
  // One set of rules: a hand-built manifest is checked by the decoder, through its encoding.
  auto decoded = decode_document(encode_document(m));
  if (!decoded) return std::move(decoded).error();
  return oslayer::ok();
}

std::string encode_image_manifest(const ImageManifest& m, int indent) {
  // Hand-built values may hold invalid UTF-8; replacing it keeps dump() from throwing.
  return encode_document(m).dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace appc
