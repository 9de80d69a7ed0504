// Test helper: the Python server of testdata/server.py as a child process, and a throwaway CA
// and server certificate made with the openssl CLI. Used by http_test.cc and
// discovery_server_test.cc only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "oslayer/result.h"

namespace stage0::fetch::testing {

// A temporary directory, removed with everything in it when dropped.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// True when python3 and openssl are on PATH (the server tests fail otherwise).
bool have_tools();

// In `dir`: ca.pem (a test CA), server.pem/server.key (signed by it, for localhost, 127.0.0.1,
// example.com and *.example.com) and other-ca.pem (a CA that signed nothing we serve).
oslayer::Status make_certs(const std::string& dir);

// Writes `content` to `path`, creating the parent directories.
oslayer::Status write_file(const std::string& path, const std::string& content);

class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&&) = delete;
  ServerProcess(const ServerProcess&) = delete;
  ~ServerProcess();  // kills and reaps the server

  // Starts testdata/server.py serving discovery pages from `root`; https when `cert` is set.
  static oslayer::Result<ServerProcess> start(const std::string& root, const std::string& cert,
                                              const std::string& key);
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace stage0::fetch::testing
