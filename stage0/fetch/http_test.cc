// http_get_to_fd / http_get_to_string against real local servers (testdata/server.py).
#include "stage0/fetch/http.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "oslayer/fd.h"
#include "stage0/fetch/server_fixture.h"

namespace stage0::fetch {
namespace {

using testing::ScopedEnv;

constexpr const char* kHttpHint = "(use --insecure-options=http to allow it)";

class HttpTest : public testing::ServerTest {
 protected:
  // A fresh file for a body, and what ended up in it.
  oslayer::Fd open_body() {
    auto fd = oslayer::open_path(dir() + "/body", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EXPECT_TRUE(fd);
    return fd ? std::move(*fd) : oslayer::Fd();
  }
  std::string read_body() {
    auto s = oslayer::read_file(dir() + "/body", 16 << 20);
    EXPECT_TRUE(s);
    return s ? *s : std::string();
  }
};

TEST_F(HttpTest, WritesTheBodyToTheFd) {
  oslayer::Fd fd = open_body();
  auto r = http_get_to_fd(https_url("/hello"), fd.get(), {});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->bytes, 12u);
  EXPECT_EQ(r->final_url, https_url("/hello"));
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->max_age, 300);
  EXPECT_EQ(read_body(), "hello world\n");
}

TEST_F(HttpTest, GetToString) {
  auto r = http_get_to_string(https_url("/hello"), {});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(*r, "hello world\n");
}

TEST_F(HttpTest, NotFoundNamesUrlAndStatus) {
  oslayer::Fd fd = open_body();
  auto r = http_get_to_fd(https_url("/missing"), fd.get(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "GET " + https_url("/missing") + ": HTTP 404");
  EXPECT_EQ(read_body(), "") << "an error page must not end up in the output";
}

TEST_F(HttpTest, ServerErrorIsAnError) {
  auto r = http_get_to_string(https_url("/status/500"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "GET " + https_url("/status/500") + ": HTTP 500");
}

TEST_F(HttpTest, FollowsRedirects) {
  oslayer::Fd fd = open_body();
  auto r = http_get_to_fd(https_url("/redirect"), fd.get(), {});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->final_url, https_url("/hello"));
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(read_body(), "hello world\n");
}

TEST_F(HttpTest, EndlessRedirectsEnd) {
  auto r = http_get_to_string(https_url("/redirect-loop"), {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("redirect"), std::string::npos) << r.error().text();
}

TEST_F(HttpTest, RedirectFromHttpsToHttpNeedsAllowHttp) {
  std::string target = http_url("/hello");
  std::string url = https_url("/redirect-to?" + target);
  auto refused = http_get_to_string(url, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().text(),
            "GET " + url + ": redirected to \"" + target + "\", which is not https " + kHttpHint);

  HttpOptions allow;
  allow.allow_http = true;
  auto allowed = http_get_to_string(url, allow);
  ASSERT_TRUE(allowed) << allowed.error().text();
  EXPECT_EQ(*allowed, "hello world\n");
}

TEST_F(HttpTest, HttpUrlNeedsAllowHttp) {
  std::string url = http_url("/hello");
  oslayer::Fd fd = open_body();
  auto refused = http_get_to_fd(url, fd.get(), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().text(), "URL \"" + url + "\" is not https " + kHttpHint);

  HttpOptions allow;
  allow.allow_http = true;
  auto allowed = http_get_to_fd(url, fd.get(), allow);
  ASSERT_TRUE(allowed) << allowed.error().text();
  EXPECT_EQ(read_body(), "hello world\n");
}

TEST_F(HttpTest, OtherSchemesAreRefused) {
  auto r = http_get_to_string("file:///etc/passwd", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "URL \"file:///etc/passwd\" is neither https nor http");
  HttpOptions allow;
  allow.allow_http = true;
  EXPECT_FALSE(http_get_to_string("ftp://127.0.0.1/x", allow));
}

TEST_F(HttpTest, UntrustedCertificateIsRefused) {
  ScopedEnv ca("SSL_CERT_FILE", dir() + "/other-ca.pem");
  auto r = http_get_to_string(https_url("/hello"), {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("certificate"), std::string::npos) << r.error().text();
}

TEST_F(HttpTest, InsecureTlsAcceptsAnUntrustedCertificate) {
  ScopedEnv ca("SSL_CERT_FILE", dir() + "/other-ca.pem");
  HttpOptions insecure;
  insecure.insecure_tls = true;
  auto r = http_get_to_string(https_url("/hello"), insecure);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(*r, "hello world\n");
}

TEST_F(HttpTest, MatchingETagGives304) {
  oslayer::Fd fd = open_body();
  HttpOptions cached;
  cached.if_none_match = "\"v1\"";
  auto r = http_get_to_fd(https_url("/hello"), fd.get(), cached);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->status, 304);
  EXPECT_EQ(r->bytes, 0u);
  EXPECT_EQ(r->etag, "\"v1\"");
  EXPECT_EQ(r->max_age, 300);
  EXPECT_EQ(read_body(), "");
}

TEST_F(HttpTest, StaleETagGetsTheBody) {
  oslayer::Fd fd = open_body();
  HttpOptions cached;
  cached.if_none_match = "\"v0\"";
  auto r = http_get_to_fd(https_url("/hello"), fd.get(), cached);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(read_body(), "hello world\n");
}

TEST_F(HttpTest, NotModifiedWithoutAskingIsAnError) {
  // /status/304 answers 304 to anyone; without an ETag of ours there is nothing to reuse.
  auto r = http_get_to_string(https_url("/status/304"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "GET " + https_url("/status/304") + ": HTTP 304");
}

TEST_F(HttpTest, NoCacheMeansNoMaxAge) {
  oslayer::Fd fd = open_body();
  auto r = http_get_to_fd(https_url("/nocache"), fd.get(), {});
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_FALSE(r->max_age.has_value());
  EXPECT_EQ(r->etag, "");
}

TEST_F(HttpTest, MaxBytesWithContentLength) {
  oslayer::Fd fd = open_body();
  HttpOptions limited;
  limited.max_bytes = 1000;
  auto r = http_get_to_fd(https_url("/big"), fd.get(), limited);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "GET " + https_url("/big") + ": larger than 1000 bytes");
}

TEST_F(HttpTest, MaxBytesWithoutContentLength) {
  oslayer::Fd fd = open_body();
  HttpOptions limited;
  limited.max_bytes = 100000;
  auto r = http_get_to_fd(https_url("/stream"), fd.get(), limited);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text(), "GET " + https_url("/stream") + ": larger than 100000 bytes");
  EXPECT_LE(read_body().size(), 100000u);
}

TEST_F(HttpTest, MaxBytesExactlyReachedIsFine) {
  oslayer::Fd fd = open_body();
  HttpOptions limited;
  limited.max_bytes = 2 * 1024 * 1024;
  auto r = http_get_to_fd(https_url("/stream"), fd.get(), limited);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->bytes, 2u * 1024 * 1024);
}

TEST_F(HttpTest, StringsAreLimitedToOneMebibyteByDefault) {
  auto r = http_get_to_string(https_url("/big"), {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("larger than 1048576 bytes"), std::string::npos);
}

TEST_F(HttpTest, WriteFailureIsReported) {
  auto fd = oslayer::open_path("/dev/null", O_RDONLY);
  ASSERT_TRUE(fd);
  auto r = http_get_to_fd(https_url("/hello"), fd->get(), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), EBADF);
  EXPECT_NE(r.error().text().find("writing the body"), std::string::npos) << r.error().text();
}

TEST_F(HttpTest, ConnectionRefusedNamesTheUrl) {
  // Port 1 on loopback: nothing listens there in a test environment.
  auto r = http_get_to_string("https://127.0.0.1:1/x", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().text().rfind("GET https://127.0.0.1:1/x: ", 0), 0u) << r.error().text();
}

}  // namespace
}  // namespace stage0::fetch
