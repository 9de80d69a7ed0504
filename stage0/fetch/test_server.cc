#include "stage0/fetch/test_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "oslayer/fd.h"

namespace stage0::fetch::testing {

using oslayer::Error;
using oslayer::Fd;
using oslayer::Result;
using oslayer::Status;

namespace {

constexpr int kStartTimeoutMs = 20000;

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

Status run_shell(const std::string& command) {
  int rc = std::system(command.c_str());
  if (rc != 0) return Error::msg("command failed (status " + std::to_string(rc) + "): " + command);
  return oslayer::ok();
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/stage0-fetch-test-XXXXXX";
  if (::mkdtemp(tmpl) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  // Test cleanup: a leftover directory in /tmp is not worth failing a test over.
  int rc = std::system(("rm -rf " + quote(path_)).c_str());
  (void)rc;
}

bool have_tools() {
  return std::system("command -v python3 >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1") ==
         0;
}

Status make_certs(const std::string& dir) {
  // EC keys: generating them is instant, where RSA keys would slow every test run.
  const std::string newkey = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::string ca_ext =
      "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
  std::string script =
      "set -e; cd " + quote(dir) + "; exec 2>openssl.log; " + "openssl req -x509 " + newkey +
      " -keyout ca.key -out ca.pem -days 2 " + "-subj '/CN=Rocket fetch test CA' " + ca_ext + "; " +
      "openssl req -x509 " + newkey + " -keyout other-ca.key -out other-ca.pem -days 2 " +
      "-subj '/CN=Rocket unrelated CA' " + ca_ext + "; " + "openssl req " + newkey +
      " -keyout server.key -out server.csr -subj '/CN=localhost'; " +
      "printf '%s\\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:example.com,"
      "DNS:*.example.com' 'basicConstraints=CA:FALSE' 'extendedKeyUsage=serverAuth' "
      ">server.ext; " +
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial " +
      "-out server.pem -days 2 -extfile server.ext";
  return run_shell("sh -c " + quote(script));
}

Status write_file(const std::string& path, const std::string& content) {
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    if (auto s = oslayer::make_dirs(AT_FDCWD, path.substr(0, slash), 0755); !s) return s;
  }
  auto fd = oslayer::open_path(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!fd) return std::move(fd).error();
  return oslayer::write_all(fd->get(), content);
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(other.pid_), port_(other.port_) {
  other.pid_ = -1;
}

ServerProcess::~ServerProcess() {
  if (pid_ <= 0) return;
  (void)::kill(pid_, SIGKILL);  // if it already exited, waitpid still reaps it
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

Result<ServerProcess> ServerProcess::start(const std::string& root, const std::string& cert,
                                           const std::string& key) {
  std::vector<std::string> args = {"python3", std::string(FETCH_TESTDATA) + "/server.py", "--root",
                                   root};
  if (!cert.empty()) args.insert(args.end(), {"--cert", cert, "--key", key});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::sys(errno, "pipe2");
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Error::sys(errno, "fork");
  if (pid == 0) {
    // Only async-signal-safe calls until exec. The server dies with the test process even if
    // the test crashes before its teardown.
    (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (::dup2(write_end.get(), 1) < 0) ::_exit(127);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ServerProcess server;
  server.pid_ = pid;
  write_end.reset();

  // The first line on stdout is the port; anything else (a traceback goes to stderr, EOF) is a
  // failed start.
  std::string line;
  while (line.find('\n') == std::string::npos) {
    pollfd p{read_end.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, kStartTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Error::msg("test server did not report its port in time");
    char buf[64];
    ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::msg("test server exited before reporting its port");
    line.append(buf, static_cast<size_t>(n));
  }
  int port = std::atoi(line.c_str());
  if (port <= 0 || port > 65535) return Error::msg("test server printed no port: " + line);
  server.port_ = static_cast<uint16_t>(port);
  return server;
}

}  // namespace stage0::fetch::testing
