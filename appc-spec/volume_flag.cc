// rkt's --volume syntax, turned into the same Volume the manifest decoder builds, so both paths
// share one set of rules.
#include <charconv>

#include "appc-spec/pod_manifest.h"
#include "appc-spec/volume.h"

namespace appc {

Result<Volume> parse_volume_flag(std::string_view s) {
  auto bad = [&](const std::string& why) {
    return Error::msg("--volume \"" + std::string(s.substr(0, 200)) + "\": " + why);
  };
  detail::Json j = detail::Json::object();
  size_t comma = s.find(',');
  j["name"] = std::string(s.substr(0, comma));
  while (comma != std::string_view::npos) {
    size_t start = comma + 1;
    comma = s.find(',', start);
    std::string_view item = s.substr(start, comma == s.npos ? s.npos : comma - start);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return bad("\"" + std::string(item) + "\" is not KEY=VALUE");
    std::string key(item.substr(0, eq));
    std::string value(item.substr(eq + 1));
    if (j.contains(key)) return bad("\"" + key + "\" is given twice");
    if (key == "kind" || key == "source" || key == "mode") {
      j[key] = value;
    } else if (key == "readOnly" || key == "recursive") {
      if (value != "true" && value != "false") return bad(key + " must be true or false");
      j[key] = value == "true";
    } else if (key == "uid" || key == "gid") {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size()) {
        return bad(key + " must be a number");
      }
      j[key] = n;
    } else {
      return bad("unknown key \"" + key +
                 "\" (known: kind, source, readOnly, recursive, mode, uid, gid)");
    }
  }
  auto v = detail::decode_volume(detail::Reader(j, "--volume"));
  if (!v) return bad(v.error().message());
  return v;
}

}  // namespace appc
