// appc meta discovery (spec/discovery.md): template rendering and the walk up the name's path.
#include "stage0/fetch/discovery.h"

#include "oslayer/log.h"

namespace stage0::fetch {
namespace {

using oslayer::Error;
using oslayer::Result;

// Pages are small; a bigger answer is not a discovery page (or is an attempt to exhaust memory).
constexpr uint64_t kMaxPageBytes = 1 << 20;

// version, os and arch are always defined when rendering, as rkt did: version defaults to
// "latest" (appc's discovery code), os and arch to the host (rkt's name fetcher).
std::optional<std::string_view> label_value(const DiscoveryLabels& labels, std::string_view key) {
  if (auto it = labels.find(std::string(key)); it != labels.end() && !it->second.empty()) {
    return std::string_view(it->second);
  }
  if (key == "version") return std::string_view("latest");
  if (key == "os") return std::string_view("linux");
  if (key == "arch") return host_appc_arch();
  return std::nullopt;
}

// The tags of one page that apply to `name`, rendered.
DiscoveryResult apply_tags(const std::vector<MetaTag>& tags, const std::string& name,
                           const DiscoveryLabels& labels) {
  DiscoveryResult result;
  for (const MetaTag& tag : tags) {
    if (!prefix_applies(tag.prefix, name)) continue;
    if (tag.name == "ac-discovery") {
      ImageEndpoint endpoint;
      // A template naming a label the user did not give cannot be rendered; appc skips it and
      // tries the page's other templates (a page often offers per-arch and noarch variants).
      if (render_template(tag.value, name, labels, "aci", endpoint.aci) &&
          render_template(tag.value, name, labels, "aci.asc", endpoint.asc)) {
        result.images.push_back(std::move(endpoint));
      }
    } else if (tag.name == "ac-discovery-pubkeys") {
      result.pubkeys.push_back(tag.value);
    }
  }
  return result;
}

// GETs one level's page, https first; plain http only when the user allowed it.
Result<std::string> fetch_page(const std::string& path, const HttpOptions& options,
                               std::vector<std::string>& tried) {
  HttpOptions page_options = options;
  page_options.if_none_match.clear();
  page_options.progress = false;
  page_options.max_bytes = kMaxPageBytes;

  std::string https_url = "https://" + path + "?ac-discovery=1";
  tried.push_back(https_url);
  auto page = http_get_to_string(https_url, page_options);
  if (page || !options.allow_http) return page;
  oslayer::log_debug("discovery: " + page.error().text() + "; trying plain http");

  std::string http_url = "http://" + path + "?ac-discovery=1";
  tried.push_back(http_url);
  return http_get_to_string(http_url, page_options);
}

}  // namespace

std::string_view host_appc_arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__i386__)
  return "i386";
#elif defined(__aarch64__) && defined(__AARCH64EB__)
  return "aarch64_be";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__arm__) && defined(__ARMEB__)
  return "armv7b";
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH < 7
  return "armv6l";
#elif defined(__arm__)
  return "armv7l";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__powerpc64__)
  return "ppc64";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";  // not in appc's table; the kernel's name is the best guess
#else
#error "unknown architecture: add its appc arch name to host_appc_arch()"
#endif
}

bool prefix_applies(std::string_view prefix, std::string_view name) {
  // The Go code used a plain string prefix, so a page's "example.com/app" tag also applied to
  // "example.com/appevil", an image the page's owner may not control. A path prefix keeps a tag
  // to the name itself and the names below it.
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty()) return false;
  if (name == prefix) return true;
  return name.size() > prefix.size() && name.starts_with(prefix) && name[prefix.size()] == '/';
}

bool render_template(std::string_view tmpl, std::string_view name, const DiscoveryLabels& labels,
                     std::string_view ext, std::string& out) {
  // One pass, so a substituted value is never itself scanned for placeholders. {name} and {ext}
  // come before labels: a label called "name" must not rename the image.
  out.clear();
  bool complete = true;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t open = tmpl.find('{', i);
    if (open == std::string_view::npos) break;
    size_t close = tmpl.find('}', open + 1);
    if (close == std::string_view::npos) break;  // a lone '{' is not a placeholder
    out.append(tmpl.substr(i, open - i));
    std::string_view key = tmpl.substr(open + 1, close - open - 1);
    std::optional<std::string_view> value;
    if (key == "name") {
      value = name;
    } else if (key == "ext") {
      value = ext;
    } else {
      value = label_value(labels, key);
    }
    if (value) {
      out.append(*value);
    } else {
      out.append(tmpl.substr(open, close - open + 1));
      complete = false;
    }
    i = close + 1;
  }
  out.append(tmpl.substr(i));
  return complete;
}

Result<DiscoveryResult> discover(const appc::AcIdentifier& name, const DiscoveryLabels& labels,
                                 DiscoveryWant want, const HttpOptions& options) {
  const std::string& full = name.str();
  std::vector<std::string> tried;
  // a.com/b/c, then a.com/b, then a.com: an organisation can serve one page for all its images.
  std::string path = full;
  while (true) {
    auto page = fetch_page(path, options, tried);
    if (page) {
      auto tags = parse_discovery_html(*page);
      if (tags) {
        DiscoveryResult found = apply_tags(*tags, full, labels);
        bool enough =
            want == DiscoveryWant::kImages ? !found.images.empty() : !found.pubkeys.empty();
        if (enough) return found;
      } else {
        oslayer::log_debug("discovery: " + tags.error().text());
      }
    } else {
      oslayer::log_debug("discovery: " + page.error().text());
    }
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) break;
    path.resize(slash);
  }

  std::string list;
  for (const std::string& url : tried) {
    if (!list.empty()) list += ", ";
    list += url;
  }
  const char* what = want == DiscoveryWant::kImages ? "ac-discovery" : "ac-discovery-pubkeys";
  return Error::msg("discovery for " + full + " found no " + what + " tags (tried " + list + ")");
}

}  // namespace stage0::fetch
