#include "stage2/root_ready.h"

#include <vector>

#include "oslayer/cgroup.h"
#include "oslayer/fd.h"
#include "oslayer/fd_passing.h"

namespace stage2 {

namespace {
constexpr int kStopped = 254;
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
    // One message per call on a SOCK_SEQPACKET socket: it arrives whole or not at all.
    char buf[8];
    auto m = oslayer::receive_with_fds(socket.get(), buf, sizeof buf);
    if (m.size == 1 && buf[0] == 'c') {
      if (m.truncated) return oslayer::Error::msg("stage1 passed more cgroups than stage2 joins");
      std::vector<int> tasks;
      for (const auto& t : m.fds) tasks.push_back(t.get());
      if (auto s = oslayer::join_through_tasks(tasks); !s) return std::move(s).error();
      continue;
    }
    return decode_root_signal(m.size > 0 ? std::string_view(buf, static_cast<size_t>(m.size))
                                         : std::string_view());
  }
}

}  // namespace stage2
