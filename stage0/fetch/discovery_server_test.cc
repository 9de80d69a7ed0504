// discover() against real local servers: the https one serves https-root, the plain one
// http-root; every name's default ports are sent to them (HttpOptions::connect_to).
#include <gtest/gtest.h>

#include "stage0/fetch/discovery.h"
#include "stage0/fetch/server_fixture.h"

namespace stage0::fetch {

void PrintTo(const ImageEndpoint& e, std::ostream* os) {
  *os << "{" << e.aci << ", " << e.asc << "}";
}

namespace {

appc::AcIdentifier id(std::string_view s) {
  auto r = appc::AcIdentifier::parse(s);
  EXPECT_TRUE(r) << s;
  return std::move(*r);
}

std::string page(const std::string& metas) {
  return "<!DOCTYPE html>\n<html><head><title>discovery</title>\n" + metas +
         "</head><body></body></html>\n";
}

std::string meta(const std::string& name, const std::string& prefix, const std::string& value) {
  return "<meta name=\"" + name + "\" content=\"" + prefix + " " + value + "\">\n";
}

class DiscoveryServerTest : public testing::ServerTest {};

TEST_F(DiscoveryServerTest, FindsTheNamesOwnPage) {
  put_page(true, "own.example.com/app",
           page(meta("ac-discovery", "own.example.com/app",
                     "https://own.example.com/{name}-{version}-{os}-{arch}.{ext}") +
                meta("ac-discovery-pubkeys", "own.example.com", "https://own.example.com/k.gpg")));
  auto r = discover(id("own.example.com/app"), {{"version", "1.2.3"}, {"arch", "amd64"}},
                    DiscoveryWant::kImages, discovery_options());
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->images,
            (std::vector<ImageEndpoint>{
                {"https://own.example.com/own.example.com/app-1.2.3-linux-amd64.aci",
                 "https://own.example.com/own.example.com/app-1.2.3-linux-amd64.aci.asc"}}));
  EXPECT_EQ(r->pubkeys, (std::vector<std::string>{"https://own.example.com/k.gpg"}));
}

TEST_F(DiscoveryServerTest, WalksUpToTheParentPath) {
  put_page(true, "walk.example.com",
           page(meta("ac-discovery", "walk.example.com",
                     "https://walk.example.com/images/{name}-{version}-{arch}.{ext}")));
  auto r =
      discover(id("walk.example.com/team/app"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_TRUE(r) << r.error().text();
  std::string base = "https://walk.example.com/images/walk.example.com/team/app-latest-" +
                     std::string(host_appc_arch()) + ".aci";
  EXPECT_EQ(r->images, (std::vector<ImageEndpoint>{{base, base + ".asc"}}));
  EXPECT_TRUE(r->pubkeys.empty());
}

TEST_F(DiscoveryServerTest, StopsAtTheFirstLevelWithWhatIsWanted) {
  // The name's own page has only keys; asking for images goes on to the parent's template,
  // asking for keys stops at the name's page.
  put_page(true, "levels.example.com/app",
           page(meta("ac-discovery-pubkeys", "levels.example.com/app",
                     "https://levels.example.com/app.gpg")));
  put_page(
      true, "levels.example.com",
      page(meta("ac-discovery", "levels.example.com", "https://levels.example.com/{name}.{ext}") +
           meta("ac-discovery-pubkeys", "levels.example.com",
                "https://levels.example.com/all.gpg")));
  auto images =
      discover(id("levels.example.com/app"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_TRUE(images) << images.error().text();
  ASSERT_EQ(images->images.size(), 1u);
  EXPECT_EQ(images->images[0].aci, "https://levels.example.com/levels.example.com/app.aci");
  EXPECT_EQ(images->pubkeys, (std::vector<std::string>{"https://levels.example.com/all.gpg"}));

  auto keys =
      discover(id("levels.example.com/app"), {}, DiscoveryWant::kPubkeys, discovery_options());
  ASSERT_TRUE(keys) << keys.error().text();
  EXPECT_EQ(keys->pubkeys, (std::vector<std::string>{"https://levels.example.com/app.gpg"}));
  EXPECT_TRUE(keys->images.empty());
}

TEST_F(DiscoveryServerTest, PubkeysOnlyPage) {
  put_page(
      true, "keys.example.com/app",
      page(meta("ac-discovery-pubkeys", "keys.example.com", "https://keys.example.com/k.gpg")));
  auto keys =
      discover(id("keys.example.com/app"), {}, DiscoveryWant::kPubkeys, discovery_options());
  ASSERT_TRUE(keys) << keys.error().text();
  EXPECT_EQ(keys->pubkeys, (std::vector<std::string>{"https://keys.example.com/k.gpg"}));

  auto images =
      discover(id("keys.example.com/app"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_FALSE(images);
  EXPECT_EQ(
      images.error().text(),
      "discovery for keys.example.com/app found no ac-discovery tags (tried "
      "https://keys.example.com/app?ac-discovery=1, https://keys.example.com?ac-discovery=1)");
}

TEST_F(DiscoveryServerTest, UnrenderableTemplatesAreSkipped) {
  put_page(
      true, "skip.example.com",
      page(meta("ac-discovery", "skip.example.com", "https://skip.example.com/{channel}.{ext}") +
           meta("ac-discovery", "skip.example.com", "https://skip.example.com/{name}.{ext}")));
  auto r = discover(id("skip.example.com/app"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_TRUE(r) << r.error().text();
  ASSERT_EQ(r->images.size(), 1u);
  EXPECT_EQ(r->images[0].aci, "https://skip.example.com/skip.example.com/app.aci");
}

TEST_F(DiscoveryServerTest, SiblingPrefixDoesNotApply) {
  // The Go code would have applied "sibling.example.com/app" to ".../appevil" (a string
  // prefix); here only the name itself and names below it match.
  put_page(true, "sibling.example.com",
           page(meta("ac-discovery", "sibling.example.com/app",
                     "https://sibling.example.com/{name}.{ext}") +
                meta("ac-discovery-pubkeys", "sibling.example.com/app",
                     "https://sibling.example.com/app.gpg")));
  auto evil =
      discover(id("sibling.example.com/appevil"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_FALSE(evil);
  EXPECT_NE(evil.error().text().find("found no ac-discovery tags"), std::string::npos);
  auto evil_keys =
      discover(id("sibling.example.com/appevil"), {}, DiscoveryWant::kPubkeys, discovery_options());
  ASSERT_FALSE(evil_keys);
  EXPECT_NE(evil_keys.error().text().find("found no ac-discovery-pubkeys tags"), std::string::npos);

  auto below =
      discover(id("sibling.example.com/app/web"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_TRUE(below) << below.error().text();
  EXPECT_EQ(below->images[0].aci, "https://sibling.example.com/sibling.example.com/app/web.aci");
}

TEST_F(DiscoveryServerTest, PlainHttpOnlyWithAllowHttp) {
  put_page(
      false, "plain.example.com/app",
      page(meta("ac-discovery", "plain.example.com", "http://plain.example.com/{name}.{ext}")));
  auto refused =
      discover(id("plain.example.com/app"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().text(),
            "discovery for plain.example.com/app found no ac-discovery tags (tried "
            "https://plain.example.com/app?ac-discovery=1, "
            "https://plain.example.com?ac-discovery=1)");

  HttpOptions insecure = discovery_options();
  insecure.allow_http = true;
  auto r = discover(id("plain.example.com/app"), {}, DiscoveryWant::kImages, insecure);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->images[0].aci, "http://plain.example.com/plain.example.com/app.aci");
}

TEST_F(DiscoveryServerTest, HttpsIsPreferredOverHttp) {
  put_page(true, "both.example.com/app",
           page(meta("ac-discovery", "both.example.com", "https://secure/{name}.{ext}")));
  put_page(false, "both.example.com/app",
           page(meta("ac-discovery", "both.example.com", "http://plain/{name}.{ext}")));
  HttpOptions insecure = discovery_options();
  insecure.allow_http = true;
  auto r = discover(id("both.example.com/app"), {}, DiscoveryWant::kImages, insecure);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->images[0].aci, "https://secure/both.example.com/app.aci");
}

TEST_F(DiscoveryServerTest, NothingAnywhere) {
  auto r = discover(id("none.example.com/a/b"), {}, DiscoveryWant::kImages, discovery_options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(),
            "discovery for none.example.com/a/b found no ac-discovery tags (tried "
            "https://none.example.com/a/b?ac-discovery=1, "
            "https://none.example.com/a?ac-discovery=1, https://none.example.com?ac-discovery=1)");
}

}  // namespace
}  // namespace stage0::fetch
