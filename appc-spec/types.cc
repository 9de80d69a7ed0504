#include "appc-spec/types.h"

#include "appc-spec/codec.h"
#include "appc-spec/image_manifest.h"

namespace appc {

std::optional<std::string> find_label(const Labels& labels, std::string_view name) {
  for (const auto& l : labels) {
    if (l.name.str() == name) return l.value;
  }
  return std::nullopt;
}

std::optional<std::string> find_annotation(const Annotations& a, std::string_view name) {
  for (const auto& x : a) {
    if (x.name.str() == name) return x.value;
  }
  return std::nullopt;
}

std::string_view to_string(EventName e) {
  return e == EventName::kPreStart ? "pre-start" : "post-stop";
}

Status validate_app(const App& app) {
  // One set of rules: a hand-built app is checked by the decoder itself, through its encoding.
  detail::Json j = detail::encode_app(app);
  auto decoded = detail::decode_app(detail::Reader(j, "app"));
  if (!decoded) return std::move(decoded).error();
  return oslayer::ok();
}

Result<App> decode_app_json(std::string_view json) {
  auto doc = detail::parse_json(json, kMaxManifestSize);
  if (!doc) return Error::msg("app " + doc.error().message());
  return detail::decode_app(detail::Reader(*doc, "app"));
}

std::string encode_app_json(const App& app) {
  // Hand-built values may hold invalid UTF-8; replacing it keeps dump() from throwing.
  return detail::encode_app(app).dump(-1, ' ', false, detail::Json::error_handler_t::replace);
}

}  // namespace appc
