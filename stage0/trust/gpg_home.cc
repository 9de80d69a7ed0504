#include "stage0/trust/gpg_home.h"

#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/log.h"

extern char** environ;

namespace stage0::trust {
namespace {

// no-autostart: see GnupgHome. The trust model stays gpg's default: validity is not used anyway
// (verify.cc), and "trust-model always" breaks listing expired keys with show-only, which then
// wants a trustdb it may not create.
constexpr std::string_view kGpgConf = "no-autostart\n";

// gpgme must be initialised once per process before any other call; gpgme_check_version does
// that and is documented as not thread-safe, so a function-local static guards it.
oslayer::Status init_gpgme() {
  static const oslayer::Status status = []() -> oslayer::Status {
    SigpipeIgnored restore_afterwards;  // gpgme_check_version sets SIG_IGN for good
    if (gpgme_check_version(nullptr) == nullptr) {
      return oslayer::Error::msg("initialising gpgme failed");
    }
    if (gpgme_error_t err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP); err != 0) {
      return gpgme_failure(err,
                           "GnuPG (gpg) is missing or too old: install the Debian package gpg");
    }
    return oslayer::ok();
  }();
  return status;
}

// Runs gpgconf with `args` (stdin and stderr on /dev/null), returning its stdout. Only called
// from the destructor, so failures are reported to the caller for a debug log, nothing more.
oslayer::Result<std::string> run_gpgconf(const std::vector<std::string>& args) {
  const char* gpgconf = gpgme_get_dirinfo("gpgconf-name");
  if (gpgconf == nullptr) return oslayer::Error::msg("gpgme does not know where gpgconf is");
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return oslayer::Error::sys(errno, "pipe2");
  oslayer::Fd read_end(pipe_fds[0]);
  oslayer::Fd write_end(pipe_fds[1]);

  std::vector<std::string> argv_store = {gpgconf};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, gpgconf, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return oslayer::Error::sys(spawned, std::string("starting ") + gpgconf);
  write_end.reset();  // so that read() sees EOF when gpgconf exits

  auto out = oslayer::read_all(read_end.get(), 1 << 20);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return oslayer::Error::sys(errno, "waiting for gpgconf");
  }
  if (!out) return std::move(out).error().context("reading gpgconf's output");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return oslayer::Error::msg("gpgconf " + args.back() + " failed");
  }
  return std::move(*out);
}

bool has_sockets(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with("S.")) return true;
  }
  return false;
}

// gpg puts the sockets in /run/user/<uid>/gnupg/d.<hash> when that exists, else in the home.
void stop_daemons(const std::string& home) {
  auto socketdir = run_gpgconf({"--homedir", home, "--list-dirs", "socketdir"});
  if (!socketdir) {
    oslayer::log_debug(socketdir.error().context("stopping gpg daemons of " + home).text());
    return;
  }
  std::string dir = *socketdir;
  while (!dir.empty() && dir.back() == '\n') dir.pop_back();
  if (has_sockets(dir)) {
    if (auto killed = run_gpgconf({"--homedir", home, "--kill", "all"}); !killed) {
      oslayer::log_debug(killed.error().context("stopping gpg daemons of " + home).text());
    }
  }
  std::error_code ec;
  if (dir != home && std::filesystem::exists(dir, ec)) {
    if (auto removed = run_gpgconf({"--homedir", home, "--remove-socketdir"}); !removed) {
      oslayer::log_debug(removed.error().context("removing gpg's socket dir " + dir).text());
    }
  }
}

}  // namespace

SigpipeIgnored::SigpipeIgnored() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  saved_ = ::sigaction(SIGPIPE, &ignore, &old_) == 0;
}

SigpipeIgnored::~SigpipeIgnored() {
  // Cannot fail for SIGPIPE with a disposition sigaction itself handed out.
  if (saved_) (void)::sigaction(SIGPIPE, &old_, nullptr);
}

oslayer::Result<GnupgHome> GnupgHome::create() {
  if (auto status = init_gpgme(); !status) return std::move(status).error();
  const char* tmpdir = std::getenv("TMPDIR");
  std::string path =
      std::string(tmpdir != nullptr && tmpdir[0] == '/' ? tmpdir : "/tmp") + "/rkt-gnupg.XXXXXX";
  // mkdtemp creates the directory with mode 0700, which gpg insists on for a home.
  if (::mkdtemp(path.data()) == nullptr) {
    return oslayer::Error::sys(errno, "creating a temporary GnuPG home in " + path);
  }
  GnupgHome home(std::move(path));  // from here on the destructor cleans up
  auto written = [&]() -> oslayer::Status {
    auto fd = oslayer::open_path(home.path() + "/gpg.conf", O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (!fd) return std::move(fd).error();
    return oslayer::write_all(fd->get(), kGpgConf);
  }();
  if (!written) return std::move(written).error().context("writing gpg.conf");
  return home;
}

GnupgHome::~GnupgHome() {
  if (path_.empty()) return;
  stop_daemons(path_);
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) oslayer::log_debug("removing " + path_ + ": " + ec.message());
}

oslayer::Result<Context> new_context(const GnupgHome& home) {
  gpgme_ctx_t raw = nullptr;
  if (gpgme_error_t err = gpgme_new(&raw); err != 0) return gpgme_failure(err, "gpgme_new");
  Context ctx(raw);
  if (gpgme_error_t err = gpgme_set_protocol(ctx.get(), GPGME_PROTOCOL_OpenPGP); err != 0) {
    return gpgme_failure(err, "selecting OpenPGP");
  }
  // Per context, not gpgme_set_engine_info: that one is process-wide and would race with other
  // threads using their own homes.
  if (gpgme_error_t err = gpgme_ctx_set_engine_info(ctx.get(), GPGME_PROTOCOL_OpenPGP, nullptr,
                                                    home.path().c_str());
      err != 0) {
    return gpgme_failure(err, "pointing gpg at " + home.path());
  }
  // No keyserver or CRL look-ups: only the keys we import count.
  gpgme_set_offline(ctx.get(), 1);
  return ctx;
}

oslayer::Result<Data> data_from_memory(std::string_view bytes) {
  gpgme_data_t raw = nullptr;
  if (gpgme_error_t err = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 0); err != 0) {
    return gpgme_failure(err, "gpgme_data_new_from_mem");
  }
  return Data(raw);
}

oslayer::Error gpgme_failure(gpgme_error_t err, std::string what) {
  // Non-zero only for the codes that stand for an errno.
  if (const int e = gpgme_err_code_to_errno(gpgme_err_code(err)); e != 0) {
    return oslayer::Error::sys(e, std::move(what));
  }
  return oslayer::Error::msg(std::move(what) + ": " + gpgme_strerror(err));
}

}  // namespace stage0::trust
