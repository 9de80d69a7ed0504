// What an image argument names, by rkt's rules (rkt/image/common.go): an image ID, a URL, a
// file, or an appc name with a version and labels for discovery.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oslayer/result.h"

namespace stage0 {

enum class ImageRefKind {
  kId,     // sha512-..., possibly abbreviated: the store only
  kHttp,   // http:// or https://
  kFile,   // a path, or file://
  kName,   // name[:version][,label=value...]: the store, then discovery
  kDocker  // docker://: recognised so the error can say it is not supported
};

struct ImageRef {
  ImageRefKind kind = ImageRefKind::kName;
  std::string location;  // the ID, URL or absolute-or-relative path
  std::string name;      // kName: the AC Identifier
  std::vector<std::pair<std::string, std::string>> labels;  // kName: version first if given
};

// `is_file` tells whether a path names an existing regular file (injected for tests). A string
// without a scheme is a path if it is absolute, names an existing file, contains "./", or ends
// in ".aci"; otherwise it is a name.
oslayer::Result<ImageRef> parse_image_ref(std::string_view arg,
                                          const std::function<bool(const std::string&)>& is_file);

}  // namespace stage0
