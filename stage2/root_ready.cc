#include "stage2/root_ready.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "oslayer/cgroup.h"
#include "oslayer/fd.h"

namespace stage2 {

namespace {
constexpr int kStopped = 254;
// More than the v1 hierarchies a pod joins (oslayer::kPodControllers).
constexpr size_t kMaxCgroupFds = 16;
}  // namespace

RootSignal decode_root_signal(std::string_view bytes) {
  RootSignal s;
  if (bytes == "g") return s;
  if (bytes == "n") {
    s.stdin_null = true;
    return s;
  }
  if (bytes.size() == 2 && bytes[0] == 'x') {
    s.abort_code = static_cast<unsigned char>(bytes[1]);
    return s;
  }
  s.abort_code = kStopped;
  return s;
}

oslayer::Result<RootSignal> wait_for_root(int fd) {
  oslayer::Fd socket(fd);
  for (;;) {
    // One message per recvmsg on a SOCK_SEQPACKET socket: it arrives whole or not at all.
    char buf[8];
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[CMSG_SPACE(kMaxCgroupFds * sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    while ((n = ::recvmsg(socket.get(), &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    std::vector<oslayer::Fd> passed;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); n > 0 && c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; ++i) {
        int received = -1;
        std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
        passed.emplace_back(received);
      }
    }
    if (n == 1 && buf[0] == 'c') {
      if (msg.msg_flags & MSG_CTRUNC) {
        return oslayer::Error::msg("stage1 passed more cgroups than stage2 joins");
      }
      std::vector<int> tasks;
      for (const auto& p : passed) tasks.push_back(p.get());
      if (auto s = oslayer::join_through_tasks(tasks); !s) return std::move(s).error();
      continue;
    }
    return decode_root_signal(n > 0 ? std::string_view(buf, static_cast<size_t>(n))
                                    : std::string_view());
  }
}

}  // namespace stage2
