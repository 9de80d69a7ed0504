#include "oslayer/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

struct Pipe {
  Fd read, write;
};

Result<Pipe> make_pipe() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return Error::sys(errno, "creating a pipe");
  return Pipe{Fd(p[0]), Fd(p[1])};
}

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

// A program that exits without reading all its input makes our next write raise SIGPIPE, which
// would kill the caller (stage1's /init: the whole pod). Blocked while the program runs, and a
// SIGPIPE that came meanwhile is taken off the pending set; the write itself fails with EPIPE.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;
  ~SigpipeBlock() {
    if (sigismember(&old_, SIGPIPE) == 0) {
      timespec zero{};
      while (::sigtimedwait(&set_, nullptr, &zero) > 0) {
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_, old_;
};

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  SigpipeBlock no_sigpipe;
  auto in = make_pipe();
  if (!in) return std::move(in).error();
  auto out = make_pipe();
  if (!out) return std::move(out).error();
  auto err = make_pipe();
  if (!err) return std::move(err).error();

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attr);
  ::posix_spawn_file_actions_adddup2(&actions, in->read.get(), 0);
  ::posix_spawn_file_actions_adddup2(&actions, out->write.get(), 1);
  ::posix_spawn_file_actions_adddup2(&actions, err->write.get(), 2);
  // A process group of its own, so that a timeout kills what the program started too.
  ::posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setsigdefault(&attr, &all);
  ::posix_spawnattr_setflags(
      &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, spec.path.c_str(), &actions, &attr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (rc != 0) return Error::sys(rc, "running " + spec.path);
  in->read.reset();
  out->write.reset();
  err->write.reset();
  (void)::fcntl(in->write.get(), F_SETFL, O_NONBLOCK);

  ProcessResult result;
  const auto deadline = Clock::now() + spec.timeout;
  size_t written = 0;
  if (spec.input.empty()) in->write.reset();
  bool too_large = false;
  while ((out->read.valid() || err->read.valid()) && !too_large) {
    pollfd p[3] = {
        {out->read.get(), POLLIN, 0}, {err->read.get(), POLLIN, 0}, {in->write.get(), POLLOUT, 0}};
    int n = ::poll(p, 3, remaining_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (n == 0) {
      result.timed_out = true;
      break;
    }
    if (p[2].revents != 0) {
      ssize_t w =
          ::write(in->write.get(), spec.input.data() + written, spec.input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) written = spec.input.size();
      if (written == spec.input.size()) in->write.reset();
    }
    struct Stream {
      Fd& fd;
      std::string& buf;
      short revents;
    } streams[2] = {{out->read, result.out, p[0].revents}, {err->read, result.err, p[1].revents}};
    for (auto& s : streams) {
      if (s.revents == 0) continue;
      char chunk[8192];
      ssize_t r = ::read(s.fd.get(), chunk, sizeof chunk);
      if (r > 0) {
        s.buf.append(chunk, static_cast<size_t>(r));
        if (s.buf.size() > spec.output_limit) too_large = true;
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        s.fd.reset();
      }
    }
  }
  if (result.timed_out || too_large) (void)::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.wait_status = status;
  if (too_large) {
    return Error::msg(spec.path + " wrote more than " + std::to_string(spec.output_limit) +
                      " bytes");
  }
  return result;
}

}  // namespace oslayer
