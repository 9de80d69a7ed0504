// libFuzzer target over parse_discovery_html, the parser that reads pages from any web server
// named in an image name. Besides crashes and sanitizer reports, it checks what the parser
// promises: only the two tag names, and prefix and value each one non-empty word. Each tag's
// value also goes through render_template, as discover() would.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "stage0/fetch/discovery.h"

namespace {

bool is_one_word(const std::string& s) {
  return !s.empty() && s.find_first_of(" \t\n\r\f") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view html(reinterpret_cast<const char*>(data), size);
  auto tags = stage0::fetch::parse_discovery_html(html);
  if (!tags) return 0;
  const stage0::fetch::DiscoveryLabels labels = {{"version", "1.0.0"}, {"channel", "{alpha}"}};
  for (const stage0::fetch::MetaTag& tag : *tags) {
    if (tag.name != "ac-discovery" && tag.name != "ac-discovery-pubkeys") std::abort();
    if (!is_one_word(tag.prefix) || !is_one_word(tag.value)) std::abort();
    std::string out;
    bool complete =
        stage0::fetch::render_template(tag.value, "example.com/app", labels, "aci", out);
    // An unresolved placeholder is kept as written, so an incomplete rendering shows a '{'.
    // (A complete one may show braces too: they can come from label values, as "{alpha}".)
    if (!complete && out.find('{') == std::string::npos) std::abort();
    (void)stage0::fetch::prefix_applies(tag.prefix, "example.com/app");
  }
  return 0;
}
