// The scalar types of spec/types.md: each grammar with its edges, valid and invalid side by side.
#include "appc-spec/names.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace appc {
namespace {

using namespace std::string_literals;

// A test name GoogleTest accepts, from any text.
std::string test_name(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out.empty() ? "_" : out;
}

struct Case {
  std::string name;
  std::string input;
  bool valid;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

template <class C>
std::string case_name(const testing::TestParamInfo<C>& info) {
  return test_name(info.param.name);
}

const std::string kHex128 =
    "8d3fffddf79e9a232ffd19f9ccaa4d6b37a6a243dbe0f23137b108a043d9da13121a9b505c804956b22e93c7f9"
    "3969f4a7ba8ddea45bf4aab0bebc8f814e0990";

// --- AC Identifier ---------------------------------------------------------------------------

class AcIdentifierTest : public testing::TestWithParam<Case> {};

TEST_P(AcIdentifierTest, Parse) {
  const Case& c = GetParam();
  auto r = AcIdentifier::parse(c.input);
  EXPECT_EQ(r.has_value(), c.valid) << "input: \"" << c.input << "\"";
  if (r) {
    EXPECT_EQ(r->str(), c.input);
  }
  if (!r) {
    EXPECT_FALSE(r.error().text().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, AcIdentifierTest,
    testing::Values(
        // The spec's own examples.
        Case{"Database", "database", true}, Case{"Domain", "example.com/database", true},
        Case{"DomainOurapp", "example.com/ourapp", true},
        Case{"TildeAfterSlashIsTwoSeparators", "example.com/~user/app_v1", false},
        Case{"TildeUnderscore", "example.com/u~ser/app_v1", true},
        Case{"Deep", "sub-domain.example.com/org/product/release", true},
        Case{"OneLetter", "a", true}, Case{"OneDigit", "0", true},
        Case{"Digits", "0123456789", true}, Case{"Hyphen", "a-b", true}, Case{"Dot", "a.b", true},
        Case{"Underscore", "a_b", true}, Case{"Tilde", "a~b", true}, Case{"Slash", "a/b", true},
        Case{"IsolatorName", "resource/block-bandwidth", true},
        Case{"MaxLength512", std::string(512, 'a'), true},
        Case{"MaxLength512WithSeparators", std::string(255, 'a') + "/" + std::string(256, 'b'),
             true},
        Case{"Empty", "", false}, Case{"Uppercase", "Example.com/app", false},
        Case{"AllUppercase", "DATABASE", false}, Case{"LeadingHyphen", "-a", false},
        Case{"TrailingHyphen", "a-", false}, Case{"LeadingSlash", "/a", false},
        Case{"TrailingSlash", "a/", false}, Case{"LeadingDot", ".a", false},
        Case{"TrailingTilde", "a~", false},
        // Rocket rule: consecutive separators are rejected (actool accepts them).
        Case{"DoubleSlash", "example.com//x", false}, Case{"DoubleDot", "a..b", false},
        Case{"DotHyphen", "a.-b", false}, Case{"DotDotPathStep", "a/../b", false},
        Case{"Space", "a b", false}, Case{"Colon", "a:b", false}, Case{"At", "a@b", false},
        Case{"Plus", "a+b", false}, Case{"Percent", "a%20b", false},
        Case{"NonAscii", "caf\xc3\xa9", false}, Case{"Nul", "a\0b"s, false},
        Case{"Newline", "a\nb", false}, Case{"OnlySeparator", "/", false},
        Case{"TooLong513", std::string(513, 'a'), false}),
    case_name<Case>);

// --- AC Name ---------------------------------------------------------------------------------

class AcNameTest : public testing::TestWithParam<Case> {};

TEST_P(AcNameTest, Parse) {
  const Case& c = GetParam();
  auto r = AcName::parse(c.input);
  EXPECT_EQ(r.has_value(), c.valid) << "input: \"" << c.input << "\"";
  if (r) {
    EXPECT_EQ(r->str(), c.input);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, AcNameTest,
    testing::Values(
        Case{"Database", "database", true}, Case{"ProductDatabase", "product-database", true},
        Case{"Release", "product-database-release", true}, Case{"OneLetter", "a", true},
        Case{"OneDigit", "0", true}, Case{"LeadingDigit", "1abc", true},
        // Like the Go code, a run of hyphens inside the name is allowed.
        Case{"DoubleHyphen", "a--b", true}, Case{"MaxLength63", std::string(63, 'a'), true},
        Case{"Empty", "", false}, Case{"LeadingHyphen", "-a", false},
        Case{"TrailingHyphen", "a-", false}, Case{"OnlyHyphen", "-", false},
        Case{"Dot", "a.b", false}, Case{"Underscore", "p_1", false}, Case{"Slash", "a/b", false},
        Case{"Tilde", "a~b", false}, Case{"Uppercase", "Work", false}, Case{"Space", " a", false},
        Case{"Nul", "a\0b"s, false}, Case{"TooLong64", std::string(64, 'a'), false}),
    case_name<Case>);

// AcName::sanitize: the name rkt derives from an image name.
struct SanitizeCase {
  std::string name;
  std::string input;
  std::optional<std::string> want;  // nullopt: must fail
};

void PrintTo(const SanitizeCase& c, std::ostream* os) { *os << c.name; }

class AcNameSanitizeTest : public testing::TestWithParam<SanitizeCase> {};

TEST_P(AcNameSanitizeTest, Sanitize) {
  const SanitizeCase& c = GetParam();
  auto r = AcName::sanitize(c.input);
  ASSERT_EQ(r.has_value(), c.want.has_value()) << "input: \"" << c.input << "\"";
  if (!r) return;
  EXPECT_EQ(r->str(), *c.want);
  // Whatever it returns is itself a valid AC Name.
  EXPECT_TRUE(AcName::parse(r->str()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AcNameSanitizeTest,
    testing::Values(
        SanitizeCase{"AlreadyValid", "reduce-worker", "reduce-worker"},
        SanitizeCase{"Lowercased", "Reduce-Worker", "reduce-worker"},
        SanitizeCase{"Underscore", "foo_bar", "foo-bar"},
        SanitizeCase{"RunBecomesOneHyphen", "foo__..bar", "foo-bar"},
        SanitizeCase{"ImageName", "example.com/reduce-worker", "example-com-reduce-worker"},
        SanitizeCase{"Trimmed", "__foo__", "foo"}, SanitizeCase{"Spaces", " a b ", "a-b"},
        SanitizeCase{"NonAscii", "caf\xc3\xa9", "caf"},
        SanitizeCase{"CutTo63", std::string(100, 'a'), std::string(63, 'a')},
        // The cut must not leave a trailing hyphen.
        SanitizeCase{"CutThenTrimmed", std::string(62, 'a') + "_bcd", std::string(62, 'a')},
        SanitizeCase{"Empty", "", std::nullopt},
        SanitizeCase{"NothingAlphanumeric", "_-./~", std::nullopt},
        SanitizeCase{"OnlyNonAscii", "\xc3\xa9", std::nullopt}),
    case_name<SanitizeCase>);

// --- AC Kind ---------------------------------------------------------------------------------

class AcKindTest : public testing::TestWithParam<Case> {};

TEST_P(AcKindTest, Parse) {
  const Case& c = GetParam();
  auto r = parse_ac_kind(c.input);
  EXPECT_EQ(r.has_value(), c.valid);
  if (r) {
    EXPECT_EQ(to_string(*r), c.input);
  }
}

INSTANTIATE_TEST_SUITE_P(Values, AcKindTest,
                         testing::Values(Case{"Image", "ImageManifest", true},
                                         Case{"Pod", "PodManifest", true},
                                         Case{"LowerImage", "imagemanifest", false},
                                         Case{"UpperPod", "PODMANIFEST", false},
                                         Case{"Short", "Pod", false}, Case{"Empty", "", false},
                                         Case{"TrailingSpace", "PodManifest ", false}),
                         case_name<Case>);

TEST(AcKind, ToStringNamesBothKinds) {
  EXPECT_EQ(to_string(AcKind::kImageManifest), "ImageManifest");
  EXPECT_EQ(to_string(AcKind::kPodManifest), "PodManifest");
}

// --- SemVer ----------------------------------------------------------------------------------

struct SemVerCase {
  std::string name;
  std::string input;
  bool valid;
  uint64_t major = 0, minor = 0, patch = 0;
  std::string pre = "", build = "";
};

void PrintTo(const SemVerCase& c, std::ostream* os) { *os << c.input; }

class SemVerTest : public testing::TestWithParam<SemVerCase> {};

TEST_P(SemVerTest, Parse) {
  const SemVerCase& c = GetParam();
  auto r = SemVer::parse(c.input);
  ASSERT_EQ(r.has_value(), c.valid) << "input: \"" << c.input << "\"";
  if (!r) return;
  EXPECT_EQ(r->major(), c.major);
  EXPECT_EQ(r->minor(), c.minor);
  EXPECT_EQ(r->patch(), c.patch);
  EXPECT_EQ(r->prerelease(), c.pre);
  EXPECT_EQ(r->build(), c.build);
  // str() is canonical and parses back to the same version.
  auto again = SemVer::parse(r->str());
  ASSERT_TRUE(again) << r->str();
  EXPECT_EQ(*again, *r);
}

constexpr uint64_t kU64Max = UINT64_MAX;

INSTANTIATE_TEST_SUITE_P(
    Grammar, SemVerTest,
    testing::Values(
        SemVerCase{"Current", "0.8.11", true, 0, 8, 11}, SemVerCase{"One", "1.0.0", true, 1, 0, 0},
        SemVerCase{"FutureMajor", "9.0.0", true, 9, 0, 0},
        SemVerCase{"PatchOnly", "0.0.1", true, 0, 0, 1},
        SemVerCase{"MinorOnly", "0.1.0", true, 0, 1, 0},
        SemVerCase{"Prerelease", "1.0.0-alpha", true, 1, 0, 0, "alpha"},
        SemVerCase{"PrereleaseDotted", "1.0.0-alpha.1", true, 1, 0, 0, "alpha.1"},
        SemVerCase{"PrereleaseNumeric", "1.0.0-0.3.7", true, 1, 0, 0, "0.3.7"},
        SemVerCase{"PrereleaseMixed", "1.0.0-x.7.z.92", true, 1, 0, 0, "x.7.z.92"},
        SemVerCase{"PrereleaseHyphen", "1.0.0-rc-1", true, 1, 0, 0, "rc-1"},
        SemVerCase{"Build", "1.0.0+20130313144700", true, 1, 0, 0, "", "20130313144700"},
        SemVerCase{"PrereleaseAndBuild", "1.0.0-beta+exp.sha.5114f85", true, 1, 0, 0, "beta",
                   "exp.sha.5114f85"},
        SemVerCase{"GitDescribe", "0.8.11+git", true, 0, 8, 11, "", "git"},
        // Like Go: leading zeros are read as decimal.
        SemVerCase{"LeadingZero", "0.08.11", true, 0, 8, 11},
        SemVerCase{"Uint64Max", "18446744073709551615.0.0", true, kU64Max, 0, 0},
        SemVerCase{"Empty", "", false}, SemVerCase{"Zero", "0.0.0", false},
        SemVerCase{"TwoParts", "0.8", false}, SemVerCase{"OnePart", "1", false},
        SemVerCase{"FourParts", "1.0.0.0", false}, SemVerCase{"LeadingV", "v0.8.11", false},
        SemVerCase{"Letters", "a.b.c", false}, SemVerCase{"EmptyPrerelease", "1.0.0-", false},
        SemVerCase{"EmptyBuild", "1.0.0+", false},
        SemVerCase{"EmptyPrereleaseIdentifier", "1.0.0-a..b", false},
        SemVerCase{"PrereleaseUnderscore", "1.0.0-a_b", false},
        SemVerCase{"Negative", "-1.0.0", false}, SemVerCase{"LeadingSpace", " 1.0.0", false},
        SemVerCase{"TrailingSpace", "1.0.0 ", false}, SemVerCase{"EmptyMinor", "1..0", false},
        SemVerCase{"Uint64Overflow", "18446744073709551616.0.0", false},
        SemVerCase{"PatchOverflow", "1.0.99999999999999999999", false}),
    case_name<SemVerCase>);

TEST(SemVer, LeadingZerosEqualTheCanonicalForm) {
  auto a = SemVer::parse("0.08.11");
  auto b = SemVer::parse("0.8.11");
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->str(), "0.8.11");
}

TEST(SemVer, StrKeepsPrereleaseAndBuild) {
  auto v = SemVer::parse("1.2.3-beta.2+exp.5");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->str(), "1.2.3-beta.2+exp.5");
}

// --- Image ID --------------------------------------------------------------------------------

class ImageIdTest : public testing::TestWithParam<Case> {};

TEST_P(ImageIdTest, Parse) {
  const Case& c = GetParam();
  auto r = ImageId::parse(c.input);
  ASSERT_EQ(r.has_value(), c.valid) << "input: \"" << c.input << "\"";
  if (!r) return;
  EXPECT_EQ(r->str(), c.input);
  EXPECT_EQ(r->hex(), c.input.substr(7));
  EXPECT_EQ(r->is_full(), c.input.size() == 7 + ImageId::kFullHexLength);
  // Only the 128-digit form passes parse_full.
  EXPECT_EQ(ImageId::parse_full(c.input).has_value(), r->is_full());
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, ImageIdTest,
    testing::Values(Case{"Full", "sha512-" + kHex128, true}, Case{"OneDigit", "sha512-a", true},
                    Case{"Abbreviated", "sha512-8d3fffddf79e", true},
                    Case{"AllHexDigits", "sha512-0123456789abcdef", true},
                    Case{"Hex127", "sha512-" + kHex128.substr(1), true}, Case{"Empty", "", false},
                    Case{"NoHex", "sha512-", false},
                    // Rocket rule: the spec example's placeholder is not an ID (actool accepts it).
                    Case{"Placeholder", "sha512-...", false}, Case{"NotHex", "sha512-xyz", false},
                    Case{"UppercaseHex", "sha512-ABCDEF", false},
                    Case{"Sha256", "sha256-" + kHex128.substr(0, 64), false},
                    Case{"UppercaseAlgo", "SHA512-abc", false},
                    Case{"NoHyphen", "sha512abc", false},
                    Case{"Hex129", "sha512-" + kHex128 + "0", false},
                    Case{"TrailingSpace", "sha512-abc ", false}, Case{"OnlyHex", kHex128, false}),
    case_name<Case>);

TEST(ImageId, ParseFullNeedsExactly128Digits) {
  EXPECT_TRUE(ImageId::parse_full("sha512-" + kHex128));
  EXPECT_FALSE(ImageId::parse_full("sha512-" + kHex128.substr(1)));
  EXPECT_FALSE(ImageId::parse_full("sha512-8d3f"));
  EXPECT_FALSE(ImageId::parse_full("sha512-" + kHex128 + "0"));
  EXPECT_FALSE(ImageId::parse_full("sha512-..."));
}

TEST(ImageId, IsPrefixOf) {
  auto full = ImageId::parse_full("sha512-" + kHex128);
  ASSERT_TRUE(full);
  auto other_hex = kHex128;
  other_hex.back() = '1';
  auto other = ImageId::parse_full("sha512-" + other_hex);
  ASSERT_TRUE(other);

  struct PrefixCase {
    std::string id;
    bool prefix;
  };
  const std::vector<PrefixCase> cases = {
      {"sha512-8", true},
      {"sha512-8d3fffddf79e", true},
      {"sha512-" + kHex128.substr(0, 127), true},
      {"sha512-" + kHex128, true},
      {"sha512-9", false},
      {"sha512-8d3e", false},
      {"sha512-" + other_hex, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.id);
    auto id = ImageId::parse(c.id);
    ASSERT_TRUE(id);
    EXPECT_EQ(id->is_prefix_of(*full), c.prefix);
  }
  EXPECT_FALSE(full->is_prefix_of(*other));
  EXPECT_TRUE(other->is_prefix_of(*other));
}

// --- Environment -----------------------------------------------------------------------------

class EnvNameTest : public testing::TestWithParam<Case> {};

TEST_P(EnvNameTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_env_name(c.input).has_value(), c.valid) << "input: \"" << c.input << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, EnvNameTest,
    testing::Values(Case{"Upper", "REDUCE_WORKER_DEBUG", true}, Case{"Lower", "path", true},
                    Case{"Underscore", "_", true}, Case{"UnderscoreDigit", "_1", true},
                    Case{"DotHyphen", "a.b-c", true}, Case{"MixedCase", "Http_Proxy", true},
                    Case{"Empty", "", false}, Case{"LeadingDigit", "0DEBUG", false},
                    Case{"LeadingHyphen", "-a", false}, Case{"LeadingDot", ".a", false},
                    Case{"Space", "A B", false}, Case{"Equals", "A=B", false},
                    Case{"Dollar", "A$", false}, Case{"Nul", "A\0"s, false},
                    Case{"NonAscii", "\xc3\xa9T\xc3\xa9", false}),
    case_name<Case>);

class EnvValueTest : public testing::TestWithParam<Case> {};

TEST_P(EnvValueTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_env_value(c.input).has_value(), c.valid);
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, EnvValueTest,
    testing::Values(Case{"Empty", "", true}, Case{"Word", "true", true},
                    Case{"Spaces", "a b c", true}, Case{"Equals", "a=b=c", true},
                    Case{"Tab", "a\tb", true}, Case{"Utf8", "caf\xc3\xa9", true},
                    Case{"CarriageReturnIsNotNewline", "a\rb", true},
                    // Rocket rule: execve(2) and line-based files cannot carry these.
                    Case{"Newline", "a\nb", false}, Case{"TrailingNewline", "a\n", false},
                    Case{"Nul", "a\0b"s, false}),
    case_name<Case>);

// --- Paths, timestamps, URLs, IP addresses ---------------------------------------------------

class AbsolutePathTest : public testing::TestWithParam<Case> {};

TEST_P(AbsolutePathTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_absolute_path(c.input).has_value(), c.valid);
}

INSTANTIATE_TEST_SUITE_P(Grammar, AbsolutePathTest,
                         testing::Values(Case{"Root", "/", true}, Case{"Deep", "/var/lib/db", true},
                                         Case{"TrailingSlash", "/etc/systemd/system/", true},
                                         Case{"Space", "/a b", true}, Case{"Empty", "", false},
                                         Case{"Relative", "var/lib", false},
                                         Case{"DotRelative", "./a", false},
                                         Case{"Nul", "/a\0b"s, false}),
                         case_name<Case>);

class TimestampTest : public testing::TestWithParam<Case> {};

TEST_P(TimestampTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_timestamp(c.input).has_value(), c.valid) << "input: \"" << c.input << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3339, TimestampTest,
    testing::Values(Case{"SpecExample", "2014-10-27T19:32:27.67021798Z", true},
                    Case{"Offset", "2015-05-18T13:49:28.351729952-04:00", true},
                    Case{"NoFraction", "2006-01-02T15:04:05Z", true},
                    Case{"PositiveOffset", "2006-01-02T15:04:05+07:00", true},
                    Case{"LeapDay", "2016-02-29T00:00:00Z", true},
                    Case{"Space", "2014-10-27 19:32:27Z", false},
                    Case{"LowercaseT", "2014-10-27t19:32:27Z", false},
                    Case{"LowercaseZ", "2014-10-27T19:32:27z", false},
                    Case{"EmptyFraction", "2014-10-27T19:32:27.Z", false},
                    Case{"Second60", "2014-10-27T19:32:60Z", false},
                    Case{"ShortOffset", "2014-10-27T19:32:27+07", false},
                    Case{"DateOnly", "2014-10-27", false},
                    Case{"NoZone", "2014-10-27T19:32:27", false}, Case{"Words", "yesterday", false},
                    Case{"Empty", "", false}, Case{"Month13", "2014-13-27T19:32:27Z", false},
                    Case{"Hour25", "2014-10-27T25:32:27Z", false},
                    Case{"February30", "2015-02-30T00:00:00Z", false},
                    Case{"NotLeapYear", "2015-02-29T00:00:00Z", false},
                    Case{"ShortYear", "14-10-27T19:32:27Z", false}),
    case_name<Case>);

class HttpUrlTest : public testing::TestWithParam<Case> {};

TEST_P(HttpUrlTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_http_url(c.input).has_value(), c.valid) << "input: \"" << c.input << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, HttpUrlTest,
    testing::Values(Case{"Https", "https://example.com", true},
                    Case{"HttpPath", "http://example.com/docs", true},
                    Case{"PortQueryFragment", "https://example.com:8080/a?b=c#d", true},
                    Case{"Ftp", "ftp://example.com", false}, Case{"NoScheme", "example.com", false},
                    Case{"Empty", "", false}, Case{"MissingColon", "https//example.com", false},
                    Case{"Mailto", "mailto:carly@example.com", false},
                    Case{"File", "file:///etc/passwd", false}),
    case_name<Case>);

class IpAddressTest : public testing::TestWithParam<Case> {};

TEST_P(IpAddressTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_ip_address(c.input).has_value(), c.valid) << "input: \"" << c.input << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    Forms, IpAddressTest,
    testing::Values(Case{"V4", "10.0.0.1", true}, Case{"V4Any", "0.0.0.0", true},
                    Case{"V4Broadcast", "255.255.255.255", true}, Case{"V6Loopback", "::1", true},
                    Case{"V6Any", "::", true}, Case{"V6LinkLocal", "fe80::1", true},
                    Case{"V6Doc", "2001:db8::1", true}, Case{"V4Mapped", "::ffff:10.0.0.1", true},
                    Case{"Words", "not-an-ip", false}, Case{"Empty", "", false},
                    Case{"V4Octet256", "256.0.0.1", false}, Case{"V4ThreeParts", "10.0.0", false},
                    Case{"V4FiveParts", "10.0.0.1.2", false}, Case{"V6TwoGaps", "1::2::3", false},
                    Case{"TrailingSpace", "10.0.0.1 ", false}, Case{"Hostname", "localhost", false},
                    Case{"Cidr", "10.0.0.0/8", false}, Case{"V4LeadingZero", "010.0.0.1", false},
                    Case{"V6Zone", "fe80::1%eth0", false}),
    case_name<Case>);

// --- os/arch ---------------------------------------------------------------------------------

struct OsArchCase {
  std::optional<std::string> os, arch;
  bool valid;
};

void PrintTo(const OsArchCase& c, std::ostream* os) {
  *os << (c.os ? *c.os : "(none)") << "/" << (c.arch ? *c.arch : "(none)");
}

class OsArchTest : public testing::TestWithParam<OsArchCase> {};

TEST_P(OsArchTest, Check) {
  const OsArchCase& c = GetParam();
  std::optional<std::string_view> os, arch;
  if (c.os) os = *c.os;
  if (c.arch) arch = *c.arch;
  EXPECT_EQ(check_os_arch(os, arch).has_value(), c.valid);
}

std::string os_arch_name(const testing::TestParamInfo<OsArchCase>& info) {
  const OsArchCase& c = info.param;
  return test_name((c.os ? *c.os : "none") + "_" + (c.arch ? *c.arch : "none"));
}

INSTANTIATE_TEST_SUITE_P(
    Table, OsArchTest,
    testing::Values(
        // Every combination of the reference code's table.
        OsArchCase{"linux", "amd64", true}, OsArchCase{"linux", "i386", true},
        OsArchCase{"linux", "aarch64", true}, OsArchCase{"linux", "aarch64_be", true},
        OsArchCase{"linux", "armv6l", true}, OsArchCase{"linux", "armv7l", true},
        OsArchCase{"linux", "armv7b", true}, OsArchCase{"linux", "ppc64", true},
        OsArchCase{"linux", "ppc64le", true}, OsArchCase{"linux", "s390x", true},
        OsArchCase{"freebsd", "amd64", true}, OsArchCase{"freebsd", "i386", true},
        OsArchCase{"freebsd", "arm", true}, OsArchCase{"darwin", "x86_64", true},
        OsArchCase{"darwin", "i386", true},
        // os alone, and neither; arch without os is not checked at all.
        OsArchCase{"linux", std::nullopt, true}, OsArchCase{"darwin", std::nullopt, true},
        OsArchCase{std::nullopt, std::nullopt, true}, OsArchCase{std::nullopt, "arm64", true},
        OsArchCase{std::nullopt, "anything", true},
        // Go names and cross-OS mix-ups.
        OsArchCase{"linux", "arm64", false}, OsArchCase{"linux", "x86_64", false},
        OsArchCase{"linux", "arm", false}, OsArchCase{"linux", "386", false},
        OsArchCase{"linux", "AMD64", false}, OsArchCase{"linux", "", false},
        OsArchCase{"freebsd", "aarch64", false}, OsArchCase{"darwin", "amd64", false},
        OsArchCase{"windows", "amd64", false}, OsArchCase{"windows", std::nullopt, false},
        OsArchCase{"Linux", "amd64", false}, OsArchCase{"", std::nullopt, false}),
    os_arch_name);

class HostnameTest : public testing::TestWithParam<Case> {};

TEST_P(HostnameTest, Check) {
  const Case& c = GetParam();
  EXPECT_EQ(check_hostname(c.input).has_value(), c.valid) << "input: \"" << c.input << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    Forms, HostnameTest,
    testing::Values(Case{"Simple", "web", true}, Case{"Dotted", "a-1.Example.com", true},
                    Case{"Empty", "", false}, Case{"LeadingDash", "-bad.example", false},
                    Case{"LabelEndsInDash", "bad-.example", false},
                    Case{"EmptyLabel", "a..b", false}, Case{"Space", "a b", false},
                    Case{"Newline", "a\nb", false}, Case{"TrailingDot", "a.", false},
                    Case{"TooLong", std::string(65, 'a'), false}),
    case_name<Case>);

}  // namespace
}  // namespace appc
