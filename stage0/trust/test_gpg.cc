#include "stage0/trust/test_gpg.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "oslayer/fd.h"

extern char** environ;

namespace stage0::trust::testing {

RunResult run(const std::vector<std::string>& args) {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2 failed";
    return r;
  }
  oslayer::Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  oslayer::Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  std::vector<std::string> store = args;
  std::vector<char*> argv;
  for (std::string& a : store) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << args[0] << ": " << spawned;
    return r;
  }
  out_write.reset();
  err_write.reset();
  // Both pipes at once: a child that fills one while we block on the other would hang.
  pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  for (int open_pipes = 2; open_pipes > 0;) {
    if (::poll(fds, 2, 60000) <= 0) {
      ADD_FAILURE() << args[0] << " produced no output for 60 s";
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

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "rocket-trust-test.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) != nullptr) {
    path_ = tmpl;
  } else {
    ADD_FAILURE() << "mkdtemp failed";
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& rel, std::string_view content, mode_t mode) const {
  const std::filesystem::path file = std::filesystem::path(path_) / rel;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  EXPECT_FALSE(ec) << ec.message();
  auto fd = oslayer::open_path(file.string(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  EXPECT_TRUE(fd) << fd.error().text();
  if (fd) {
    auto written = oslayer::write_all(fd->get(), content);
    EXPECT_TRUE(written) << written.error().text();
  }
  return file.string();
}

SigningKeyring::SigningKeyring() = default;

SigningKeyring::~SigningKeyring() {
  if (!home().empty()) (void)run({"gpgconf", "--homedir", home(), "--kill", "all"});
}

std::string SigningKeyring::gpg(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"gpg",  "--batch",         "--homedir",
                                   home(), "--no-tty",        "--passphrase",
                                   "",     "--pinentry-mode", "loopback"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run(argv);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const std::string& a : args) cmd += " " + a;
    ADD_FAILURE() << "gpg" << cmd << " failed (" << r.exit_code << "): " << r.err;
    return "";
  }
  return r.out;
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The "fpr" records of gpg --with-colons, in order: primary key first, then subkeys.
std::vector<std::string> fingerprints(const std::string& colons) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < colons.size()) {
    size_t end = colons.find('\n', pos);
    if (end == std::string::npos) end = colons.size();
    const std::string line = colons.substr(pos, end - pos);
    if (line.starts_with("fpr:")) {
      // fpr:::::::::FINGERPRINT:
      const size_t start = line.find_first_not_of(':', 3);
      if (start != std::string::npos)
        out.push_back(lower(line.substr(start, line.find(':', start) - start)));
    }
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string SigningKeyring::generate(const std::string& uid, const std::string& spec,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> args = extra;
  args.push_back("--quick-gen-key");
  args.push_back(uid);
  // spec is "algo usage expire", three arguments for gpg.
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(' ', pos);
    if (end == std::string::npos) end = spec.size();
    args.push_back(spec.substr(pos, end - pos));
    pos = end + 1;
  }
  (void)gpg(args);
  const std::vector<std::string> fprs =
      fingerprints(gpg({"--with-colons", "--list-keys", "=" + uid}));
  if (fprs.empty()) {
    ADD_FAILURE() << "no key for " << uid;
    return "";
  }
  return fprs[0];
}

std::string SigningKeyring::add_signing_subkey(const std::string& fingerprint) {
  (void)gpg({"--quick-add-key", fingerprint, "ed25519", "sign", "1y"});
  const std::vector<std::string> fprs =
      fingerprints(gpg({"--with-colons", "--list-keys", fingerprint}));
  return fprs.size() >= 2 ? fprs.back() : "";
}

std::string SigningKeyring::export_public(const std::string& fingerprint, bool armored) {
  return armored ? gpg({"--armor", "--export", fingerprint}) : gpg({"--export", fingerprint});
}

std::string SigningKeyring::export_secret(const std::string& fingerprint) {
  return gpg({"--armor", "--export-secret-keys", fingerprint});
}

std::string SigningKeyring::sign(const std::string& fingerprint, const std::string& file,
                                 bool armored, const std::vector<std::string>& extra) {
  std::vector<std::string> args = extra;
  args.insert(args.end(), {"--local-user", fingerprint + "!", "--detach-sign", "--output", "-"});
  if (armored) args.insert(args.begin(), "--armor");
  args.push_back(file);
  return gpg(args);
}

void SigningKeyring::revoke(const std::string& fingerprint) {
  std::string upper = fingerprint;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto cert = oslayer::read_file(home() + "/openpgp-revocs.d/" + upper + ".rev", 1 << 20);
  ASSERT_TRUE(cert) << cert.error().text();
  // gpg stores the certificate "defused" with a ':' before the armor line.
  std::string text = *cert;
  const size_t defused = text.find(":-----BEGIN PGP PUBLIC KEY BLOCK-----");
  ASSERT_NE(defused, std::string::npos);
  text.erase(defused, 1);
  const std::string path = dir_.write("revocation.asc", text);
  (void)gpg({"--import", path});
}

}  // namespace stage0::trust::testing
