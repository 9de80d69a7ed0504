#include "stage2/user_resolution.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>

namespace stage2 {
namespace {

using oslayer::Error;
using oslayer::Result;

// An image with /etc files given as text (absent when not in the map) and owned paths.
IdSources image(std::map<std::string, std::string> etc, std::map<std::string, FileOwner> owners) {
  IdSources s;
  s.read_etc = [etc](const std::string& name) -> Result<std::optional<std::string>> {
    auto it = etc.find(name);
    if (it == etc.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  };
  s.owner_of = [owners](const std::string& path) -> Result<FileOwner> {
    auto it = owners.find(path);
    if (it == owners.end()) return Error::sys(ENOENT, "opening " + path.substr(1));
    return it->second;
  };
  return s;
}

const std::map<std::string, std::string> kEtc = {
    {"passwd",
     "root:x:0:0::/:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n42:x:7:7::/:/bin/sh\n"},
    {"group", "root:x:0:\nwheel:x:10:user\nuser:x:1000:\n"},
};
const std::map<std::string, FileOwner> kOwners = {{"/home/owned", {1234, 5678}}};

TEST(ResolveUser, TableOfRules) {
  struct Case {
    const char* spec;
    uid_t want;
  } cases[] = {
      {"root", 0},
      {"user", 1000},
      {"0", 0},
      {"1000", 1000},
      {"5000", 5000},
      // The passwd name comes first, even when it looks like a number (spec/ace.md).
      {"42", 7},
      {"/home/owned", 1234},
  };
  auto ids = image(kEtc, kOwners);
  for (const auto& c : cases) {
    auto uid = resolve_user(c.spec, ids);
    ASSERT_TRUE(uid) << c.spec << ": " << uid.error().text();
    EXPECT_EQ(*uid, c.want) << c.spec;
  }
}

TEST(ResolveGroup, TableOfRules) {
  auto ids = image(kEtc, kOwners);
  EXPECT_EQ(*resolve_group("wheel", ids), 10U);
  EXPECT_EQ(*resolve_group("user", ids), 1000U);
  EXPECT_EQ(*resolve_group("77", ids), 77U);
  EXPECT_EQ(*resolve_group("/home/owned", ids), 5678U);
}

TEST(ResolveUser, FailuresNameTheUserAndTheReason) {
  auto ids = image(kEtc, kOwners);
  auto r = resolve_user("nobody", ids);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "user \"nobody\" not found in the image's /etc/passwd");
  r = resolve_user("/missing", ids);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ENOENT);
  EXPECT_NE(r.error().text().find("resolving user \"/missing\""), std::string::npos);
  EXPECT_FALSE(resolve_user("", ids));
  EXPECT_FALSE(resolve_user("-1", ids));
  EXPECT_FALSE(resolve_user("4294967295", ids));
  auto g = resolve_group("staff", ids);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().text(), "group \"staff\" not found in the image's /etc/group");
}

TEST(ResolveUser, ImageWithoutEtcFilesTakesNumbersOnly) {
  auto ids = image({}, {});
  EXPECT_EQ(*resolve_user("0", ids), 0U);
  EXPECT_EQ(*resolve_group("0", ids), 0U);
  EXPECT_FALSE(resolve_user("root", ids));
}

TEST(ResolveUser, AnUnreadablePasswdIsAnError) {
  IdSources ids = image(kEtc, kOwners);
  ids.read_etc = [](const std::string&) -> Result<std::optional<std::string>> {
    return Error::sys(EACCES, "reading /etc/passwd");
  };
  auto r = resolve_user("0", ids);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), EACCES);
}

}  // namespace
}  // namespace stage2
