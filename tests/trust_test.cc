// `rkt trust` run as a process, with keys made by the gpg CLI: exit codes, rkt's output lines,
// and what lands in the trust store. The binary comes from $RKT_BINARY (set by meson). Needs no
// root: every test writes to its own --local-config.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "oslayer/fd.h"
#include "stage0/trust/test_gpg.h"
#include "stage0/trust/trust_store.h"
#include "stage0/trust/verify.h"

extern char** environ;

namespace {

using stage0::trust::testing::SigningKeyring;
using stage0::trust::testing::TempDir;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string rkt_binary() {
  const char* path = std::getenv("RKT_BINARY");
  return path != nullptr ? path : "";
}

// Runs rkt with `args`; stdin is `stdin_fd`, or /dev/null when it is -1. Without
// JOURNAL_STREAM, so that errors come to the stderr pipe even under a systemd unit.
Outcome run_rkt(const std::vector<std::string>& args, int stdin_fd = -1) {
  Outcome r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return r;
  }
  oslayer::Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  oslayer::Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  std::vector<std::string> argv_store = {rkt_binary()};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("JOURNAL_STREAM=")) env_store.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (std::string& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot spawn " << argv[0] << ": " << spawned;
    return r;
  }
  out_write.reset();
  err_write.reset();

  pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  for (int open_pipes = 2; open_pipes > 0;) {
    if (::poll(fds, 2, 30000) <= 0) {
      ADD_FAILURE() << "rkt produced no output for 30 s";
      ::kill(pid, SIGKILL);
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        fds[i].fd = -1;
        --open_pipes;
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

// A pseudo-terminal whose slave side becomes rkt's stdin, with `typed` already waiting in its
// input queue as if the user had typed it.
class Pty {
 public:
  explicit Pty(const std::string& typed) {
    master_.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master_.valid() || ::grantpt(master_.get()) != 0 || ::unlockpt(master_.get()) != 0) {
      ADD_FAILURE() << "no pseudo-terminal";
      return;
    }
    auto slave = oslayer::open_path(::ptsname(master_.get()), O_RDWR | O_NOCTTY);
    if (!slave) {
      ADD_FAILURE() << slave.error().text();
      return;
    }
    slave_ = std::move(*slave);
    EXPECT_TRUE(oslayer::write_all(master_.get(), typed));
  }
  int slave() const { return slave_.get(); }

 private:
  oslayer::Fd master_;
  oslayer::Fd slave_;
};

// Serves one file over plain HTTP on 127.0.0.1 from a thread: "GET /key.asc" gets `body`, any
// other path a 404.
class HttpServer {
 public:
  explicit HttpServer(std::string body) : body_(std::move(body)) {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener_.get(), 8) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd pfd = {listener_.get(), POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      oslayer::Fd conn(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!conn.valid()) continue;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(conn.get(), buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      const bool found = request.starts_with("GET /key.asc ");
      const std::string body = found ? body_ : "not found\n";
      const std::string response =
          std::string(found ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") +
          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
          body;
      (void)oslayer::write_all(conn.get(), response);
    }
  }

  std::string body_;
  oslayer::Fd listener_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

size_t count_lines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Every regular file under `dir`, for "nothing was written" checks.
std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path().string());
  }
  return files;
}

class Trust : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ring_ = new SigningKeyring();
    keys_ = new TempDir();
    fpr_ = ring_->generate("Trust Test <trust@example.com>");
    other_fpr_ = ring_->generate("Other Key <other@example.com>");
    armored_ = ring_->export_public(fpr_);
    key_file_ = keys_->write("key.asc", armored_);
    binary_file_ = keys_->write("key.gpg", ring_->export_public(fpr_, false));
    other_file_ = keys_->write("other.asc", ring_->export_public(other_fpr_));
    secret_file_ = keys_->write("secret.asc", ring_->export_secret(fpr_));
    not_a_key_ = keys_->write("notakey.txt", "this is not a key\n");
  }
  static void TearDownTestSuite() {
    delete keys_;
    delete ring_;
  }

  void SetUp() override {
    ASSERT_FALSE(rkt_binary().empty()) << "set RKT_BINARY to the rkt binary (meson test does)";
    static const bool registered = run_rkt({"help", "trust"}).exit_code == 0;
    ASSERT_TRUE(registered) << "rkt has no trust command: list kTrustCommand in "
                               "stage0/command_table.cc and build stage0/trust/trust_command.cc";
    ASSERT_EQ(fpr_.size(), 40u);
    local_ = tmp_.path() + "/etc/rkt";
  }

  // rkt with this test's config dirs and `args` after "trust".
  Outcome trust(std::vector<std::string> args, int stdin_fd = -1) {
    std::vector<std::string> full = {"--local-config", local_, "--system-config",
                                     tmp_.path() + "/usr/lib/rkt", "trust"};
    full.insert(full.end(), args.begin(), args.end());
    return run_rkt(full, stdin_fd);
  }

  std::string prefix_path(const std::string& prefix, const std::string& fpr) const {
    return local_ + "/trustedkeys/prefix.d/" + prefix + "/" + fpr;
  }

  void expect_nothing_written() const {
    EXPECT_EQ(files_under(tmp_.path()), std::vector<std::string>{});
  }

  static std::string fingerprint_lines() {
    return "gpg key fingerprint is: " + stage0::trust::format_fingerprint(fpr_) +
           "\n\tTrust Test <trust@example.com>\n";
  }

  static SigningKeyring* ring_;
  static TempDir* keys_;
  static std::string fpr_, other_fpr_, armored_;
  static std::string key_file_, binary_file_, other_file_, secret_file_, not_a_key_;
  TempDir tmp_;
  std::string local_;
};

SigningKeyring* Trust::ring_ = nullptr;
TempDir* Trust::keys_ = nullptr;
std::string Trust::fpr_, Trust::other_fpr_, Trust::armored_;
std::string Trust::key_file_, Trust::binary_file_, Trust::other_file_, Trust::secret_file_,
    Trust::not_a_key_;

TEST_F(Trust, PrefixKeyFromFile) {
  const Outcome r = trust({"--prefix", "example.com/app", "--skip-fingerprint-review", key_file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string path = prefix_path("example.com/app", fpr_);
  EXPECT_EQ(r.out, fingerprint_lines() + "Trusting \"" + key_file_ +
                       "\" for prefix \"example.com/app\" without fingerprint review.\n"
                       "Added key for prefix \"example.com/app\" at \"" +
                       path + "\"\n");
  auto content = oslayer::read_file(path, 1 << 20);
  ASSERT_TRUE(content) << content.error().text();
  EXPECT_EQ(*content, armored_);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  EXPECT_EQ(files_under(tmp_.path()), std::vector<std::string>{path});
}

TEST_F(Trust, PrefixAsEqualsFlag) {
  const Outcome r = trust({"--prefix=example.com", "--skip-fingerprint-review=true", key_file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Added key for prefix \"example.com\" at \"" +
                                  prefix_path("example.com", fpr_) + "\"\n"))
      << r.out;
}

TEST_F(Trust, RootKeyFromFile) {
  const Outcome r = trust({"--root", "--skip-fingerprint-review", key_file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string path = local_ + "/trustedkeys/root.d/" + fpr_;
  EXPECT_TRUE(r.out.ends_with("Trusting \"" + key_file_ +
                              "\" for prefix \"\" without fingerprint review.\n"
                              "Added root key at \"" +
                              path + "\"\n"))
      << r.out;
  EXPECT_EQ(files_under(tmp_.path()), std::vector<std::string>{path});
}

TEST_F(Trust, BinaryKeyIsStoredArmored) {
  const Outcome r = trust({"--prefix", "example.com", "--skip-fingerprint-review", binary_file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto content = oslayer::read_file(prefix_path("example.com", fpr_), 1 << 20);
  ASSERT_TRUE(content);
  EXPECT_EQ(*content, armored_);
}

TEST_F(Trust, SeveralKeysInOneCall) {
  const Outcome r =
      trust({"--prefix", "example.com", "--skip-fingerprint-review", key_file_, other_file_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, prefix_path("example.com", fpr_)));
  EXPECT_TRUE(contains(r.out, prefix_path("example.com", other_fpr_)));
  EXPECT_EQ(files_under(tmp_.path()).size(), 2u);
}

// What rkt trust stored is what signature checks read.
TEST_F(Trust, StoredKeyVerifiesSignatures) {
  ASSERT_EQ(
      trust({"--prefix", "example.com/app", "--skip-fingerprint-review", key_file_}).exit_code, 0);
  const std::string image = tmp_.write("image.aci", "image bytes\n");
  const std::string sig = ring_->sign(fpr_, image);
  auto name = appc::AcIdentifier::parse("example.com/app/web");
  ASSERT_TRUE(name);
  auto keys = stage0::trust::keys_for_name({tmp_.path() + "/usr/lib/rkt", local_}, *name);
  ASSERT_TRUE(keys) << keys.error().text();
  ASSERT_EQ(keys->size(), 1u);
  auto fd = oslayer::open_path(image, O_RDONLY);
  ASSERT_TRUE(fd);
  auto signer = stage0::trust::verify_detached(*keys, *name, fd->get(), sig);
  ASSERT_TRUE(signer) << signer.error().text();
  EXPECT_EQ(signer->fingerprint, fpr_);
}

TEST_F(Trust, NeitherPrefixNorRootIsAUsageError) {
  for (const auto& args : {std::vector<std::string>{}, std::vector<std::string>{key_file_}}) {
    const Outcome r = trust(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, "--root")) << r.err;
    EXPECT_TRUE(contains(r.err, "rkt help trust")) << r.err;
  }
  expect_nothing_written();
}

TEST_F(Trust, PrefixAndRootTogetherIsAUsageError) {
  const Outcome r = trust({"--root", "--prefix", "example.com", key_file_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "mutually exclusive")) << r.err;
  expect_nothing_written();
}

TEST_F(Trust, RootNeedsAKeyArgument) {
  const Outcome r = trust({"--root", "--skip-fingerprint-review"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "not discovered")) << r.err;
}

TEST_F(Trust, BadPrefix) {
  for (const char* prefix :
       {"Example.com", "example.com/", "example..com", "example.com//app", "-example.com"}) {
    const Outcome r =
        trust({std::string("--prefix=") + prefix, "--skip-fingerprint-review", key_file_});
    EXPECT_EQ(r.exit_code, 2) << prefix << ": " << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_TRUE(contains(r.err, std::string("--prefix \"") + prefix + "\"")) << r.err;
  }
  const Outcome scheme = trust({"--prefix", "https://example.com", key_file_});
  EXPECT_EQ(scheme.exit_code, 2);
  EXPECT_TRUE(contains(scheme.err, "omit https://")) << scheme.err;
  expect_nothing_written();
}

TEST_F(Trust, FileThatIsNotAKey) {
  const Outcome r = trust({"--prefix", "example.com", "--skip-fingerprint-review", not_a_key_});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_TRUE(contains(r.err, not_a_key_)) << r.err;
  EXPECT_TRUE(contains(r.err, "not an OpenPGP public key")) << r.err;
  EXPECT_EQ(r.out, "");
  expect_nothing_written();
}

TEST_F(Trust, MissingFile) {
  const Outcome r = trust(
      {"--prefix", "example.com", "--skip-fingerprint-review", keys_->path() + "/missing.asc"});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "missing.asc")) << r.err;
  EXPECT_TRUE(contains(r.err, "No such file")) << r.err;
  expect_nothing_written();
}

TEST_F(Trust, SecretKeyIsRefused) {
  const Outcome r = trust({"--prefix", "example.com", "--skip-fingerprint-review", secret_file_});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "secret")) << r.err;
  expect_nothing_written();
}

TEST_F(Trust, ReviewNeedsATerminal) {
  const Outcome r = trust({"--prefix", "example.com", key_file_});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "--skip-fingerprint-review")) << r.err;
  // The fingerprint is still shown, so the user can check it before skipping the review.
  EXPECT_TRUE(r.out.starts_with(fingerprint_lines())) << r.out;
  expect_nothing_written();
}

TEST_F(Trust, ReviewAcceptedOnTheTerminal) {
  Pty pty("maybe\nyes\n");
  const Outcome r = trust({"--prefix", "example.com", key_file_}, pty.slave());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, fingerprint_lines() +
                       "Are you sure you want to trust this key (yes/no)?\n"
                       "Please enter 'yes' or 'no'\n"
                       "Are you sure you want to trust this key (yes/no)?\n"
                       "Trusting \"" +
                       key_file_ +
                       "\" for prefix \"example.com\" after fingerprint review.\n"
                       "Added key for prefix \"example.com\" at \"" +
                       prefix_path("example.com", fpr_) + "\"\n");
}

TEST_F(Trust, ReviewDeclinedOnTheTerminal) {
  Pty pty("no\n");
  const Outcome r = trust({"--prefix", "example.com", key_file_}, pty.slave());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "not trusting \"" + key_file_ + "\"")) << r.err;
  expect_nothing_written();
}

TEST_F(Trust, HttpUrlNeedsInsecureAllowHttp) {
  HttpServer server(armored_);
  const Outcome r =
      trust({"--prefix", "example.com", "--skip-fingerprint-review", server.url("/key.asc")});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "--insecure-allow-http")) << r.err;
  expect_nothing_written();
}

TEST_F(Trust, HttpUrlWithInsecureAllowHttp) {
  HttpServer server(armored_);
  const std::string url = server.url("/key.asc");
  const Outcome r =
      trust({"--prefix", "example.com", "--skip-fingerprint-review", "--insecure-allow-http", url});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Trusting \"" + url + "\" for prefix \"example.com\"")) << r.out;
  auto content = oslayer::read_file(prefix_path("example.com", fpr_), 1 << 20);
  ASSERT_TRUE(content);
  EXPECT_EQ(*content, armored_);
}

TEST_F(Trust, HttpNotFound) {
  HttpServer server(armored_);
  const Outcome r = trust({"--prefix", "example.com", "--skip-fingerprint-review",
                           "--insecure-allow-http", server.url("/nothing.asc")});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "404")) << r.err;
  expect_nothing_written();
}

TEST_F(Trust, OtherUrlSchemes) {
  const Outcome r =
      trust({"--prefix", "example.com", "--skip-fingerprint-review", "ftp://example.com/key.asc"});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_TRUE(contains(r.err, "only local files and http or https URLs")) << r.err;
}

}  // namespace
