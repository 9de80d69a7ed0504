// appc image discovery (spec/discovery.md): https://{name}?ac-discovery=1, <meta> tags
// ac-discovery and ac-discovery-pubkeys, walking up the name's path.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "appc-spec/names.h"
#include "oslayer/result.h"
#include "stage0/fetch/http.h"

namespace stage0::fetch {

struct MetaTag {
  std::string name;    // "ac-discovery" or "ac-discovery-pubkeys"
  std::string prefix;  // the first word of content
  std::string value;   // the second word: a URL template or a key URL
  bool operator==(const MetaTag&) const = default;
};

// Pure: the ac-discovery meta tags of an HTML page (libxml2's HTML parser, tolerant of broken
// markup). Other meta tags are ignored. Fuzzed.
oslayer::Result<std::vector<MetaTag>> parse_discovery_html(std::string_view html);

struct ImageEndpoint {
  std::string aci;  // the rendered template with {ext} = aci
  std::string asc;  // the same with {ext} = aci.asc
  bool operator==(const ImageEndpoint&) const = default;
};

struct DiscoveryResult {
  std::vector<ImageEndpoint> images;  // in document order; the caller tries them in turn
  std::vector<std::string> pubkeys;
};

// Labels used for template rendering: "version" (default "latest"), "os", "arch" (defaults:
// linux and the host's appc arch), and any other label as {label}.
using DiscoveryLabels = std::map<std::string, std::string>;

// Pure: renders one ac-discovery template; false when a {placeholder} stays unresolved (the
// reference code skips such templates).
bool render_template(std::string_view tmpl, std::string_view name, const DiscoveryLabels& labels,
                     std::string_view ext, std::string& out);

// The appc arch label of the machine Rocket was built for ("amd64", "aarch64", ...): appc's
// names, not Go's ("aarch64", not "arm64").
std::string_view host_appc_arch();

// Pure: whether a tag with `prefix` applies to image `name`: the same name, or a parent path of
// it. "example.com/app" applies to "example.com/app/web" but not to "example.com/appevil".
bool prefix_applies(std::string_view prefix, std::string_view name);

enum class DiscoveryWant { kImages, kPubkeys };

// Fetches https://{name}?ac-discovery=1 (http only with options.allow_http, tried after https
// fails), walking up the path (a.com/b/c, a.com/b, a.com) until a page yields what is wanted.
// Tags apply only when the name is the prefix or starts with it followed by '/'.
oslayer::Result<DiscoveryResult> discover(const appc::AcIdentifier& name,
                                          const DiscoveryLabels& labels, DiscoveryWant want,
                                          const HttpOptions& options);

}  // namespace stage0::fetch
