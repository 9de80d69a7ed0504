// The pure parts of discovery: parse_discovery_html, render_template, prefix_applies.
#include "stage0/fetch/discovery.h"

#include <gtest/gtest.h>

#include "oslayer/fd.h"

namespace stage0::fetch {

// Found by argument-dependent lookup, so it lives in the type's namespace.
void PrintTo(const MetaTag& t, std::ostream* os) {
  *os << "{" << t.name << ", " << t.prefix << ", " << t.value << "}";
}

namespace {

std::string read_page(const std::string& name) {
  auto s = oslayer::read_file(std::string(FETCH_TESTDATA) + "/discovery/" + name, 1 << 20);
  EXPECT_TRUE(s) << name;
  return s ? *s : std::string();
}

std::vector<MetaTag> parse(std::string_view html) {
  auto r = parse_discovery_html(html);
  EXPECT_TRUE(r) << r.error().text();
  return r ? *r : std::vector<MetaTag>();
}

MetaTag image(std::string prefix, std::string value) {
  return {"ac-discovery", std::move(prefix), std::move(value)};
}
MetaTag key(std::string prefix, std::string value) {
  return {"ac-discovery-pubkeys", std::move(prefix), std::move(value)};
}

// The kinds of page in the appc repository's discovery tests.
struct PageCase {
  const char* file;
  std::vector<MetaTag> want;
};

class Pages : public ::testing::TestWithParam<PageCase> {};

TEST_P(Pages, Parse) { EXPECT_EQ(parse(read_page(GetParam().file)), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    AppcTestdata, Pages,
    ::testing::Values(
        PageCase{
            "single.html",
            {image("example.com", "https://storage.example.com/{name}-{version}-{os}-{arch}.{ext}"),
             key("example.com", "https://example.com/pubkeys.gpg")}},
        PageCase{"template_only.html",
                 {image("example.com",
                        "https://storage.example.com/{name}-{version}-{os}-{arch}.{ext}")}},
        PageCase{"pubkeys_only.html", {key("example.com", "https://example.com/pubkeys.gpg")}},
        PageCase{"other_host.html",
                 {image("example.com/myapp",
                        "https://storage.example.org/myapp-{version}-{os}-{arch}.{ext}"),
                  key("example.com", "https://keys.example.org/pubkeys.gpg")}},
        PageCase{
            "two_templates.html",
            {image("example.com", "https://storage.example.com/{name}-{version}-{os}-{arch}.{ext}"),
             image("example.com", "https://storage.example.com/{name}-{version}.{ext}"),
             key("example.com", "https://example.com/pubkeys.gpg")}},
        PageCase{
            "three_templates.html",
            {image("example.com", "https://storage.example.com/{name}-{version}.{ext}?torrent"),
             image("example.com", "hdfs://storage.example.com/{name}-{version}.{ext}"),
             image("example.com", "https://mirror.example.com/{name}-{version}-{os}-{arch}.{ext}"),
             key("example.com", "https://example.com/pubkeys.gpg")}}),
    [](const auto& test) {
      std::string n = test.param.file;
      n = n.substr(0, n.find('.'));
      std::erase(n, '_');
      return n;
    });

TEST(ParseDiscoveryHtml, EmptyAndTagless) {
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("<html><head><title>x</title></head></html>").empty());
  EXPECT_TRUE(parse("just text, no markup").empty());
}

TEST(ParseDiscoveryHtml, BrokenHtmlIsRecovered) {
  // Unclosed head, stray end tags, unquoted attributes, no <html>: browsers cope, so must we.
  auto tags = parse(
      "<head><title>x</title></div></span>"
      "<meta name=ac-discovery content='example.com https://a.example.com/{name}.{ext}'>"
      "<p><b>unclosed <meta name=\"ac-discovery-pubkeys\" content=\"example.com "
      "https://a.example.com/k.gpg\"");
  ASSERT_GE(tags.size(), 1u);
  EXPECT_EQ(tags[0], image("example.com", "https://a.example.com/{name}.{ext}"));
}

TEST(ParseDiscoveryHtml, MetaInBodyCounts) {
  auto tags = parse(
      "<html><body><div><meta name=\"ac-discovery\" content=\"a.com https://a.com/{name}\">"
      "</div></body></html>");
  EXPECT_EQ(tags, (std::vector<MetaTag>{image("a.com", "https://a.com/{name}")}));
}

TEST(ParseDiscoveryHtml, ContentMustBeExactlyTwoWords) {
  auto tags = parse(
      "<meta name=\"ac-discovery\" content=\"example.com\">"
      "<meta name=\"ac-discovery\" content=\"example.com https://a/{name} extra\">"
      "<meta name=\"ac-discovery\" content=\"\">"
      "<meta name=\"ac-discovery\">"
      "<meta name=\"ac-discovery\" content=\"  example.com \t\n https://ok/{name}.{ext}  \">");
  EXPECT_EQ(tags, (std::vector<MetaTag>{image("example.com", "https://ok/{name}.{ext}")}));
}

TEST(ParseDiscoveryHtml, AttributeNamesAreCaseInsensitive) {
  auto tags = parse(
      "<HTML><HEAD><META NAME=\"ac-discovery\" CONTENT=\"a.com https://a.com/{name}\">"
      "<Meta Name=\"ac-discovery-pubkeys\" Content=\"a.com https://a.com/k\"></HEAD></HTML>");
  EXPECT_EQ(tags, (std::vector<MetaTag>{image("a.com", "https://a.com/{name}"),
                                        key("a.com", "https://a.com/k")}));
}

TEST(ParseDiscoveryHtml, OtherMetaTagsAreIgnored) {
  auto tags = parse(
      "<meta name=\"ac-discovery-cas-prefix\" content=\"a.com https://a.com/cas/\">"
      "<meta name=\"AC-DISCOVERY\" content=\"a.com https://a.com/upper\">"
      "<meta http-equiv=\"ac-discovery\" content=\"a.com https://a.com/x\">"
      "<meta charset=\"utf-8\">"
      "<link name=\"ac-discovery\" content=\"a.com https://a.com/link\">");
  EXPECT_TRUE(tags.empty());
}

TEST(ParseDiscoveryHtml, EntitiesAreDecoded) {
  auto tags =
      parse("<meta name=\"ac-discovery\" content=\"a.com https://a.com/{name}?a=1&amp;b=2\">");
  EXPECT_EQ(tags, (std::vector<MetaTag>{image("a.com", "https://a.com/{name}?a=1&b=2")}));
}

TEST(ParseDiscoveryHtml, BinaryGarbageDoesNotFail) {
  std::string junk("\0\xff\xfe<meta\0name=\x80", 16);
  auto r = parse_discovery_html(junk);
  if (r) {
    EXPECT_TRUE(r->empty());
  }
}

struct RenderCase {
  const char* name;
  const char* tmpl;
  DiscoveryLabels labels;
  const char* ext;
  bool complete;
  std::string want;
};

class Render : public ::testing::TestWithParam<RenderCase> {};

TEST_P(Render, Template) {
  const RenderCase& c = GetParam();
  std::string out;
  EXPECT_EQ(render_template(c.tmpl, "example.com/app", c.labels, c.ext, out), c.complete);
  EXPECT_EQ(out, c.want);
}

const std::string kArch(host_appc_arch());

INSTANTIATE_TEST_SUITE_P(
    Cases, Render,
    ::testing::Values(
        RenderCase{"AllVariables",
                   "https://s.example.com/{name}-{version}-{os}-{arch}.{ext}",
                   {{"version", "1.0.0"}, {"os", "linux"}, {"arch", "aarch64"}},
                   "aci",
                   true,
                   "https://s.example.com/example.com/app-1.0.0-linux-aarch64.aci"},
        RenderCase{"Signature",
                   "https://s/{name}-{version}.{ext}",
                   {{"version", "2"}},
                   "aci.asc",
                   true,
                   "https://s/example.com/app-2.aci.asc"},
        RenderCase{"VersionDefaultsToLatest",
                   "https://s/{name}-{version}.{ext}",
                   {},
                   "aci",
                   true,
                   "https://s/example.com/app-latest.aci"},
        RenderCase{"EmptyVersionIsLatest",
                   "https://s/{version}",
                   {{"version", ""}},
                   "aci",
                   true,
                   "https://s/latest"},
        RenderCase{"OsAndArchDefaultToTheHost",
                   "https://s/{os}/{arch}",
                   {},
                   "aci",
                   true,
                   "https://s/linux/" + kArch},
        RenderCase{"OtherLabels",
                   "https://s/{channel}/{name}.{ext}",
                   {{"channel", "alpha"}},
                   "aci",
                   true,
                   "https://s/alpha/example.com/app.aci"},
        RenderCase{"UnknownLabelLeftUnresolved",
                   "https://s/{channel}/{name}.{ext}",
                   {},
                   "aci",
                   false,
                   "https://s/{channel}/example.com/app.aci"},
        RenderCase{"EmptyPlaceholderUnresolved", "https://s/{}", {}, "aci", false, "https://s/{}"},
        RenderCase{"LabelCalledNameIsIgnored",
                   "https://s/{name}.{ext}",
                   {{"name", "other"}},
                   "aci",
                   true,
                   "https://s/example.com/app.aci"},
        RenderCase{"ValuesAreNotRescanned",
                   "https://s/{version}",
                   {{"version", "{arch}"}},
                   "aci",
                   true,
                   "https://s/{arch}"},
        RenderCase{"LoneBraceIsText", "https://s/{name", {}, "aci", true, "https://s/{name"},
        RenderCase{"RepeatedPlaceholder",
                   "{name}/{name}.{ext}",
                   {},
                   "aci",
                   true,
                   "example.com/app/example.com/app.aci"},
        RenderCase{
            "NoPlaceholders", "https://s/fixed.aci", {}, "aci", true, "https://s/fixed.aci"}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(HostAppcArch, IsAnAppcName) {
  std::string_view arch = host_appc_arch();
#if defined(__x86_64__)
  EXPECT_EQ(arch, "amd64");
#elif defined(__aarch64__)
  EXPECT_EQ(arch, "aarch64");
#endif
  EXPECT_FALSE(arch.empty());
}

TEST(PrefixApplies, PathPrefixes) {
  EXPECT_TRUE(prefix_applies("example.com", "example.com"));
  EXPECT_TRUE(prefix_applies("example.com", "example.com/app"));
  EXPECT_TRUE(prefix_applies("example.com/app", "example.com/app"));
  EXPECT_TRUE(prefix_applies("example.com/app", "example.com/app/web"));
  EXPECT_TRUE(prefix_applies("example.com/", "example.com/app"));
  EXPECT_FALSE(prefix_applies("example.com/app", "example.com/appevil"));
  EXPECT_FALSE(prefix_applies("example.com/app", "example.com"));
  EXPECT_FALSE(prefix_applies("example.co", "example.com"));
  EXPECT_FALSE(prefix_applies("", "example.com"));
  EXPECT_FALSE(prefix_applies("/", "example.com"));
  EXPECT_FALSE(prefix_applies("other.com", "example.com/app"));
}

}  // namespace
}  // namespace stage0::fetch
