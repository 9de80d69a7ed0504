#include "oslayer/sysctl.h"

#include <gtest/gtest.h>

#include <string>

namespace oslayer {
namespace {

struct SysctlCase {
  const char* name;
  const char* value;
  bool own_net;
  const char* error;  // nullptr: accepted; else a part of the message
};

TEST(CheckSysctl, OnlyThePodsNamespacesAndSaneValues) {
  const std::string page(4097, '1');
  const SysctlCase cases[] = {
      // The IPC namespace's, whatever the network.
      {"kernel.shmmax", "68719476736", false, nullptr},
      {"kernel.shmall", "4194304", false, nullptr},
      {"kernel.shm_rmid_forced", "1", false, nullptr},
      {"kernel.msgmax", "16384", false, nullptr},
      {"kernel.msgmnb", "32768", true, nullptr},
      {"kernel.msg_next_id", "-1", false, nullptr},
      {"kernel.sem", "250 32000 32 128", false, nullptr},
      {"kernel.sem", "250\t32000 32  128", false, nullptr},
      {"fs.mqueue.msg_max", "20", false, nullptr},
      // net.* only with a network namespace of the pod's own.
      {"net.ipv4.ip_forward", "1", true, nullptr},
      {"net.ipv4.ip_local_port_range", "32768 60999", true, nullptr},
      {"net.ipv4.tcp_congestion_control", "reno", true, nullptr},
      {"net.ipv4.ip_forward", "1", false, "--net=host"},
      {"net.core.somaxconn", "1024", false, "--net=host"},
      // Global sysctls, and the UTS namespace's (set by --hostname).
      {"vm.swappiness", "10", true, "not namespaced"},
      {"kernel.panic", "0", true, "not namespaced"},
      {"kernel.shmfoo", "1", true, "not namespaced"},
      {"kernel.semx", "1", true, "not namespaced"},
      {"fs.mqueue.a.b", "1", true, "not namespaced"},
      {"fs.file-max", "1", true, "not namespaced"},
      {"kernel.hostname", "x", true, "--hostname"},
      {"kernel.domainname", "x", true, "--hostname"},
      // Names that could walk out of /proc/sys, or are not names at all.
      {"", "1", true, "not a sysctl name"},
      {"net..ipv4", "1", true, "not a sysctl name"},
      {"net.ipv4.", "1", true, "not a sysctl name"},
      {"net/ipv4/ip_forward", "1", true, "not a sysctl name"},
      {"net.ipv4.conf.eth0/../../../vm.swappiness", "1", true, "not a sysctl name"},
      {"net.ipv4.conf.all.forwarding ", "1", true, "not a sysctl name"},
      // Values.
      {"kernel.shmmax", "", false, "an empty value"},
      {"kernel.shmmax", "lots", false, "is not an integer"},
      {"kernel.shmmax", "1 2", false, "is not an integer"},
      {"kernel.shmmax", "12abc", false, "is not an integer"},
      {"kernel.shmmax", "-", false, "is not an integer"},
      {"kernel.sem", "250 32000 32", false, "four integers"},
      {"kernel.msgmax", "1\n", false, "control"},
      {"net.ipv4.tcp_congestion_control", "reno\nx", true, "control"},
      {"net.ipv4.tcp_congestion_control", "r\xc3\xa9no", true, "non-ASCII"},
      {"net.ipv4.ip_local_reserved_ports", page.c_str(), true, "4096"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + " = " + c.value);
    auto st = check_sysctl(c.name, c.value, c.own_net);
    if (c.error == nullptr) {
      EXPECT_TRUE(st) << st.error().text();
    } else {
      ASSERT_FALSE(st);
      EXPECT_NE(st.error().text().find(c.error), std::string::npos) << st.error().text();
      EXPECT_NE(st.error().text().find(std::string("sysctl ") + c.name), std::string::npos)
          << st.error().text();
    }
  }
}

TEST(CheckSysctlName, SaysWhichNamespace) {
  EXPECT_EQ(*check_sysctl_name("kernel.sem", false), SysctlScope::kIpc);
  EXPECT_EQ(*check_sysctl_name("fs.mqueue.queues_max", false), SysctlScope::kIpc);
  EXPECT_EQ(*check_sysctl_name("net.ipv4.ip_forward", true), SysctlScope::kNet);
}

}  // namespace
}  // namespace oslayer
