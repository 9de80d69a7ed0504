// Shared by the image manifest test files: minimal manifests to build cases from.
#pragma once

#include <string>

namespace appc::test_manifests {

// A manifest with the required fields and `extra` (which starts with a comma) appended.
inline std::string image(const std::string& extra) {
  return R"({"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/app")" + extra +
         "}";
}
// A manifest whose app has user and group and `fields` (which start with a comma).
inline std::string with_app(const std::string& fields) {
  return image(R"(, "app": {"user": "0", "group": "0")" + fields + "}");
}

inline std::string label(const std::string& name, const std::string& value) {
  return R"({"name": ")" + name + R"(", "value": ")" + value + R"("})";
}
inline std::string annotations(const std::string& list) {
  return image(R"(, "annotations": [)" + list + "]");
}

}  // namespace appc::test_manifests
