// A GoogleTest fixture with two local servers (https and plain http) shared by a test suite,
// and the CA that makes the https one trusted through $SSL_CERT_FILE.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "stage0/fetch/http.h"
#include "stage0/fetch/test_server.h"

namespace stage0::fetch::testing {

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A missing tool is a failure, not a skip: CI installs both, and a skipped test proves
    // nothing.
    if (!have_tools()) {
      problem() = "python3 or openssl is missing (apt-get install python3 openssl)";
      return;
    }
    auto s = std::make_unique<Servers>();
    if (s->dir.path().empty()) {
      problem() = "mkdtemp failed";
      return;
    }
    std::string d = s->dir.path();
    if (auto made = make_certs(d); !made) {
      problem() = made.error().text();
      return;
    }
    auto https = ServerProcess::start(d + "/https-root", d + "/server.pem", d + "/server.key");
    auto http = ServerProcess::start(d + "/http-root", "", "");
    if (!https || !http) {
      problem() = !https ? https.error().text() : http.error().text();
      return;
    }
    s->https.emplace(std::move(*https));
    s->http.emplace(std::move(*http));
    // Tests run one at a time in this process, so changing the environment is safe here.
    ::setenv("SSL_CERT_FILE", (d + "/ca.pem").c_str(), 1);
    servers() = std::move(s);
  }

  static void TearDownTestSuite() {
    servers().reset();  // kills both servers, then removes the directory
    ::unsetenv("SSL_CERT_FILE");
  }

  void SetUp() override { ASSERT_TRUE(servers()) << "starting the test servers: " << problem(); }

  static std::string dir() { return servers()->dir.path(); }
  static uint16_t https_port() { return servers()->https->port(); }
  static uint16_t http_port() { return servers()->http->port(); }
  static std::string https_url(const std::string& path) {
    return "https://127.0.0.1:" + std::to_string(https_port()) + path;
  }
  static std::string http_url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(http_port()) + path;
  }

  // Any host's default ports go to the local servers; TLS still checks the name in the URL,
  // which the test certificate covers for example.com and *.example.com.
  static HttpOptions discovery_options() {
    HttpOptions o;
    o.connect_to = {":443:127.0.0.1:" + std::to_string(https_port()),
                    ":80:127.0.0.1:" + std::to_string(http_port())};
    return o;
  }

  // Serves `html` for https://`path`?ac-discovery=1 (or http://), path being "host/a/b".
  static void put_page(bool https, const std::string& path, const std::string& html) {
    std::string file = dir() + (https ? "/https-root/" : "/http-root/") + path + "/index.html";
    auto s = write_file(file, html);
    ASSERT_TRUE(s) << s.error().text();
  }

 private:
  struct Servers {
    TempDir dir;  // destroyed last: the servers stop before their files go
    std::optional<ServerProcess> https;
    std::optional<ServerProcess> http;
  };
  static std::unique_ptr<Servers>& servers() {
    static std::unique_ptr<Servers> s;
    return s;
  }
  static std::string& problem() {
    static std::string p;
    return p;
  }
};

// Sets an environment variable for one scope and restores the old value.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace stage0::fetch::testing
