// parse_discovery_html: the untrusted page goes through libxml2's HTML parser, which recovers
// from broken markup the way browsers do, so a tag that a browser would see is seen here too.
#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/tree.h>

#include <climits>
#include <memory>

#include "stage0/fetch/discovery.h"

namespace stage0::fetch {
namespace {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Doc = std::unique_ptr<xmlDoc, DocDeleter>;

struct XmlCharDeleter {
  void operator()(xmlChar* s) const { xmlFree(s); }
};

// HTML_PARSE_NOERROR silences the parser, but libxml2 reports encoding failures without a
// parser context, straight to stderr; a hostile page must not be able to write on the user's
// terminal. The handler is per thread in libxml2, so swapping it for the parse is safe.
class SilenceLibxml {
 public:
  SilenceLibxml() : old_(xmlStructuredError), old_context_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(nullptr, [](void*, xmlError*) {});
  }
  ~SilenceLibxml() { xmlSetStructuredErrorFunc(old_context_, old_); }
  SilenceLibxml(const SilenceLibxml&) = delete;
  SilenceLibxml& operator=(const SilenceLibxml&) = delete;

 private:
  xmlStructuredErrorFunc old_;
  void* old_context_;
};

const char* chars(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

// The parser lower-cases element and attribute names; comparing without case anyway keeps this
// right whatever the parser version does.
bool named(const xmlChar* actual, const char* expected) {
  return actual != nullptr &&
         xmlStrcasecmp(actual, reinterpret_cast<const xmlChar*>(expected)) == 0;
}

// The attribute's value with entities resolved; nullopt when the element has no such attribute.
std::optional<std::string> attribute(xmlDoc* doc, xmlNode* element, const char* name) {
  for (xmlAttr* a = element->properties; a != nullptr; a = a->next) {
    if (!named(a->name, name)) continue;
    std::unique_ptr<xmlChar, XmlCharDeleter> value(xmlNodeListGetString(doc, a->children, 1));
    return value ? std::string(chars(value.get())) : std::string();
  }
  return std::nullopt;
}

bool is_html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_html_space(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !is_html_space(s[i])) ++i;
    if (i > start) words.emplace_back(s.substr(start, i - start));
  }
  return words;
}

void collect_meta(xmlDoc* doc, xmlNode* element, std::vector<MetaTag>& out) {
  auto name = attribute(doc, element, "name");
  if (!name || (*name != "ac-discovery" && *name != "ac-discovery-pubkeys")) return;
  auto content = attribute(doc, element, "content");
  if (!content) return;
  // The spec's form is exactly "PREFIX VALUE"; anything else is a tag we do not understand, and
  // guessing which word is the URL could send a fetch somewhere the page author did not mean.
  std::vector<std::string> words = split_words(*content);
  if (words.size() != 2) return;
  out.push_back(MetaTag{std::move(*name), std::move(words[0]), std::move(words[1])});
}

}  // namespace

oslayer::Result<std::vector<MetaTag>> parse_discovery_html(std::string_view html) {
  std::vector<MetaTag> tags;
  if (html.empty()) return tags;  // libxml2 returns no document at all for empty input
  if (html.size() > static_cast<size_t>(INT_MAX)) {
    return oslayer::Error::msg("discovery page too large to parse");
  }
  // NONET: the parser must never fetch anything (a DTD) on the page's behalf.
  SilenceLibxml silence;
  Doc doc(htmlReadMemory(
      html.data(), static_cast<int>(html.size()), nullptr, nullptr,
      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_RECOVER));
  if (!doc) return oslayer::Error::msg("discovery page is not parseable HTML");

  // Real pages put <meta> in <head>, but the parser may move a misplaced one into <body>; walk
  // the whole tree, without recursion so a deeply nested page cannot exhaust the stack. Only
  // elements are entered: a DTD's children are declarations, not nodes to look into.
  xmlNode* node = doc->children;
  while (node != nullptr) {
    if (node->type == XML_ELEMENT_NODE && named(node->name, "meta")) {
      collect_meta(doc.get(), node, tags);
    }
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node->next == nullptr && node->parent != nullptr &&
           node->parent->type == XML_ELEMENT_NODE) {
      node = node->parent;
    }
    node = node->next;
  }
  return tags;
}

}  // namespace stage0::fetch
