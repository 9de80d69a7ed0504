#include "stage0/image_ref.h"

#include "appc-spec/names.h"

namespace stage0 {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

oslayer::Result<ImageRef> parse_name(std::string_view arg) {
  ImageRef ref;
  ref.kind = ImageRefKind::kName;
  ref.location = std::string(arg);
  std::string_view head = arg.substr(0, arg.find(','));
  std::string_view rest = head.size() < arg.size() ? arg.substr(head.size() + 1) : "";
  std::string_view name = head;
  if (auto colon = head.find(':'); colon != std::string_view::npos) {
    name = head.substr(0, colon);
    std::string_view version = head.substr(colon + 1);
    if (version.empty()) {
      return oslayer::Error::msg("image \"" + std::string(arg) + "\": empty version after ':'");
    }
    ref.labels.emplace_back("version", std::string(version));
  }
  auto id = appc::AcIdentifier::parse(name);
  if (!id) {
    return oslayer::Error::msg("image \"" + std::string(arg) + "\" is neither a file, a URL nor " +
                               "an image name: " + id.error().message());
  }
  ref.name = id->str();
  while (!rest.empty()) {
    std::string_view item = rest.substr(0, rest.find(','));
    rest = item.size() < rest.size() ? rest.substr(item.size() + 1) : "";
    auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return oslayer::Error::msg("image \"" + std::string(arg) + "\": label \"" +
                                 std::string(item) + "\" is not NAME=VALUE");
    }
    std::string key(item.substr(0, eq));
    if (auto k = appc::AcIdentifier::parse(key); !k) {
      return oslayer::Error::msg("image \"" + std::string(arg) + "\": " + k.error().message());
    }
    for (const auto& [existing, v] : ref.labels) {
      if (existing == key) {
        return oslayer::Error::msg("image \"" + std::string(arg) + "\": label \"" + key +
                                   "\" is given twice");
      }
    }
    ref.labels.emplace_back(std::move(key), std::string(item.substr(eq + 1)));
  }
  return ref;
}

}  // namespace

oslayer::Result<ImageRef> parse_image_ref(std::string_view arg,
                                          const std::function<bool(const std::string&)>& is_file) {
  if (arg.empty()) return oslayer::Error::msg("empty image argument");
  ImageRef ref;
  ref.location = std::string(arg);
  if (starts_with(arg, "sha512-")) {
    auto id = appc::ImageId::parse(arg);
    if (!id)
      return oslayer::Error::msg("image \"" + std::string(arg) + "\": " + id.error().message());
    ref.kind = ImageRefKind::kId;
    return ref;
  }
  if (starts_with(arg, "http://") || starts_with(arg, "https://")) {
    ref.kind = ImageRefKind::kHttp;
    return ref;
  }
  if (starts_with(arg, "file://")) {
    ref.kind = ImageRefKind::kFile;
    ref.location = std::string(arg.substr(7));
    return ref;
  }
  if (starts_with(arg, "docker://") || starts_with(arg, "docker:")) {
    return oslayer::Error::msg("image \"" + std::string(arg) +
                               "\": Docker images are not supported by Rocket (use an ACI)");
  }
  if (auto scheme = arg.find("://"); scheme != std::string_view::npos) {
    return oslayer::Error::msg("image \"" + std::string(arg) + "\": unsupported URL scheme \"" +
                               std::string(arg.substr(0, scheme)) + "\"");
  }
  std::string path(arg);
  if (arg.front() == '/' || arg.find("./") != std::string_view::npos || ends_with(arg, ".aci") ||
      is_file(path)) {
    ref.kind = ImageRefKind::kFile;
    return ref;
  }
  return parse_name(arg);
}

}  // namespace stage0
