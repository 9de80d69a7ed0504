#include "stage0/run/network_plan.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace stage0::run {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

TEST(NetFlag, ModesAndNetworkLists) {
  EXPECT_EQ(parse_net_flag("host")->mode, NetFlag::Mode::kHost);
  EXPECT_EQ(parse_net_flag("none")->mode, NetFlag::Mode::kNone);
  EXPECT_TRUE(parse_net_flag("all")->all);
  auto f = parse_net_flag("default,mynet:IP=10.1.2.3;IgnoreUnknown=1");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->mode, NetFlag::Mode::kNetworks);
  EXPECT_EQ(f->networks,
            (std::vector<NetRequest>{{"default", ""}, {"mynet", "IP=10.1.2.3;IgnoreUnknown=1"}}));
}

TEST(NetFlag, RefusesMixesRepeatsAndBadArgs) {
  EXPECT_FALSE(parse_net_flag(""));
  EXPECT_FALSE(parse_net_flag("default,host"));
  EXPECT_FALSE(parse_net_flag("none,default"));
  EXPECT_FALSE(parse_net_flag("a,a"));
  EXPECT_FALSE(parse_net_flag("a,,b"));
  EXPECT_FALSE(parse_net_flag("../x"));
  EXPECT_FALSE(parse_net_flag("a:K"));
  EXPECT_FALSE(parse_net_flag("a:K=V;"));
  EXPECT_FALSE(parse_net_flag("a:K=a b"));
  auto e = parse_net_flag("a,a");
  EXPECT_NE(e.error().text().find("network a is given twice"), std::string::npos);
}

TEST(NetworkConfig, SinglePluginAndChain) {
  auto c = parse_network_config(R"({"name":"n1","type":"bridge","bridge":"br9"})", "/x/10.conf");
  ASSERT_TRUE(c) << c.error().text();
  EXPECT_EQ(c->name, "n1");
  ASSERT_EQ(c->plugins.size(), 1u);
  EXPECT_EQ(c->plugins[0]["bridge"], "br9");
  EXPECT_EQ(c->plugins[0]["name"], "n1");
  EXPECT_EQ(c->plugins[0]["cniVersion"], "0.4.0");
  auto l = parse_network_config(
      R"({"cniVersion":"1.0.0","name":"n2","plugins":[{"type":"ptp"},{"type":"portmap"}]})",
      "/x/20.conflist");
  ASSERT_TRUE(l) << l.error().text();
  ASSERT_EQ(l->plugins.size(), 2u);
  EXPECT_EQ(l->plugins[1]["type"], "portmap");
  EXPECT_EQ(l->plugins[1]["cniVersion"], "1.0.0");
}

TEST(NetworkConfig, BrokenConfigsNameTheFile) {
  auto e = parse_network_config("{not json", "/etc/rkt/net.d/5.conf");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().text().find("/etc/rkt/net.d/5.conf"), std::string::npos);
  EXPECT_FALSE(parse_network_config(R"({"type":"ptp"})", "a.conf"));  // no name
  EXPECT_FALSE(parse_network_config(R"({"name":"x"})", "a.conf"));    // no type
  EXPECT_FALSE(parse_network_config(R"({"name":"x","plugins":[]})", "a.conflist"));
  EXPECT_FALSE(parse_network_config(R"({"name":"a/b","type":"ptp"})", "a.conf"));
}

TEST(NetworkConfig, BuiltinsAreRktsNetworks) {
  auto b = builtin_networks();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].name, "default");
  EXPECT_EQ(b[0].plugins[0]["ipam"]["subnet"], "172.16.28.0/24");
  EXPECT_EQ(b[0].plugins[0]["ipMasq"], true);
  EXPECT_EQ(b[1].name, "default-restricted");
  EXPECT_EQ(b[1].plugins[0]["ipMasq"], false);
  EXPECT_FALSE(b[1].plugins[0]["ipam"].contains("routes"));
}

class NetDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/netplan-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ::mkdir((dir_ + "/net.d").c_str(), 0755);
    ::mkdir((dir_ + "/bin").c_str(), 0755);
  }
  void TearDown() override {
    if (std::system(("rm -rf " + dir_).c_str()) != 0) ADD_FAILURE() << "removing " << dir_;
  }
  void write(const std::string& rel, const std::string& text, mode_t mode = 0644) {
    std::ofstream(dir_ + "/" + rel) << text;
    ::chmod((dir_ + "/" + rel).c_str(), mode);
  }
  std::string dir_;
};

TEST_F(NetDir, LoadsInFileOrderAndOverridesBuiltins) {
  write("net.d/20-b.conf", R"({"name":"default","type":"bridge"})");
  write("net.d/10-a.conf", R"({"name":"a","type":"bridge"})");
  write("net.d/30-a.conf", R"({"name":"a","type":"macvlan"})");  // later duplicate: ignored
  write("net.d/notes.txt", "not a config");
  auto nets = load_networks(dir_);
  ASSERT_TRUE(nets) << nets.error().text();
  ASSERT_EQ(nets->size(), 3u);
  EXPECT_EQ((*nets)[0].name, "default");
  EXPECT_EQ((*nets)[0].plugins[0]["type"], "bridge");
  EXPECT_EQ((*nets)[2].name, "a");
  EXPECT_EQ((*nets)[2].plugins[0]["type"], "bridge");
}

TEST_F(NetDir, PlanOrdersInterfacesChecksPluginsAndPlacesPorts) {
  write("bin/ptp", "#!/bin/sh\n", 0755);
  write("bin/host-local", "#!/bin/sh\n", 0755);
  write("bin/portmap", "#!/bin/sh\n", 0755);
  write("net.d/10-a.conf", R"({"name":"a","type":"ptp","ipam":{"type":"host-local"}})");
  auto nets = load_networks(dir_);
  ASSERT_TRUE(nets);
  const std::vector<std::string> dirs = {dir_ + "/bin"};
  auto plan = plan_networks(*parse_net_flag("default-restricted,a:K=V"), *nets, dirs, 5s,
                            {PortForward{"", 8080, 80, "tcp"}});
  ASSERT_TRUE(plan) << plan.error().text();
  Json j = Json::parse(*plan);
  EXPECT_EQ(j["timeoutMs"], 5000);
  ASSERT_EQ(j["networks"].size(), 2u);
  EXPECT_EQ(j["networks"][0]["ifName"], "eth0");
  EXPECT_EQ(j["networks"][0]["plugins"].size(), 1u);  // ports skip default-restricted
  EXPECT_EQ(j["networks"][1]["ifName"], "eth1");
  EXPECT_EQ(j["networks"][1]["args"], "K=V");
  ASSERT_EQ(j["networks"][1]["plugins"].size(), 2u);
  EXPECT_EQ(j["networks"][1]["plugins"][1]["runtimeConfig"]["portMappings"][0]["hostPort"], 8080);

  auto unknown = plan_networks(*parse_net_flag("nope"), *nets, dirs, 5s, {});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().text().find("network nope is not defined"), std::string::npos);
  ::unlink((dir_ + "/bin/host-local").c_str());
  auto missing = plan_networks(*parse_net_flag("a"), *nets, dirs, 5s, {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text().find("plugin host-local not found"), std::string::npos);
  auto only_restricted = plan_networks(*parse_net_flag("default-restricted"), *nets, dirs, 5s,
                                       {PortForward{"", 8080, 80, "tcp"}});
  EXPECT_FALSE(only_restricted);
}

}  // namespace
}  // namespace stage0::run
