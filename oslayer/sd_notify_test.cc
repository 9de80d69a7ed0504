#include "oslayer/sd_notify.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "oslayer/fd.h"

namespace oslayer {
namespace {

// Binds a datagram socket to `name` (a path, or "@abstract") and returns it.
Fd listen_on(const std::string& name) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, name.data(), name.size());
  if (name[0] == '@') addr.sun_path[0] = '\0';
  Fd s(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  EXPECT_TRUE(s.valid());
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  EXPECT_EQ(::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
  return s;
}

std::string receive(int fd) {
  char buf[256];
  ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n < 0 ? std::string("<nothing>") : std::string(buf, static_cast<size_t>(n));
}

TEST(SdNotify, SendsToAPathSocket) {
  char dir[] = "/tmp/sd-notify-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/notify";
  Fd s = listen_on(path);
  ASSERT_TRUE(notify_socket(path, "READY=1"));
  EXPECT_EQ(receive(s.get()), "READY=1");
  ::unlink(path.c_str());
  ::rmdir(dir);
}

TEST(SdNotify, SendsToAnAbstractSocket) {
  std::string name = "@rocket-sd-notify-test-" + std::to_string(::getpid());
  Fd s = listen_on(name);
  ASSERT_TRUE(notify_socket(name, "READY=1\nSTATUS=x"));
  EXPECT_EQ(receive(s.get()), "READY=1\nSTATUS=x");
}

TEST(SdNotify, UnsetVariableIsNotAnError) {
  ASSERT_EQ(::unsetenv("NOTIFY_SOCKET"), 0);
  EXPECT_TRUE(sd_notify("READY=1"));
}

TEST(SdNotify, BadPathsAreErrors) {
  EXPECT_FALSE(notify_socket("relative", "READY=1"));
  EXPECT_FALSE(notify_socket("", "READY=1"));
  EXPECT_FALSE(notify_socket("/nonexistent/socket", "READY=1"));
}

}  // namespace
}  // namespace oslayer
