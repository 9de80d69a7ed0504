#include "stage1/cni.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace stage1 {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

TEST(CniResult, CurrentAndOldFormats) {
  auto r = read_cni_result(Json::parse(R"({"cniVersion":"0.4.0","ips":[
      {"version":"6","address":"fd00::5/64"},
      {"version":"4","address":"172.16.28.7/24","gateway":"172.16.28.1"}],
      "dns":{"nameservers":["10.0.0.53"],"search":["corp"],"domain":"corp","options":["ndots:2"]}})"));
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->ip, "172.16.28.7");  // IPv4 first, as rkt's ip4= shows
  EXPECT_EQ(r->mask, "255.255.255.0");
  EXPECT_EQ(r->gateway, "172.16.28.1");
  EXPECT_EQ(r->dns_servers, std::vector<std::string>{"10.0.0.53"});
  EXPECT_EQ(r->dns_domain, "corp");
  auto old = read_cni_result(Json::parse(R"({"ip4":{"ip":"10.1.0.9/16","gateway":"10.1.0.1"}})"));
  ASSERT_TRUE(old);
  EXPECT_EQ(old->ip, "10.1.0.9");
  EXPECT_EQ(old->mask, "255.255.0.0");
  EXPECT_FALSE(read_cni_result(Json::parse(R"({"ips":[]})")));
  EXPECT_FALSE(read_cni_result(Json::parse(R"({"ips":[{"address":"10.0.0.1/40"}]})")));
}

TEST(CniPlan, ParsesWhatStage0WritesAndRefusesIncompleteNetworks) {
  auto p = parse_cni_plan(R"({"pluginDirs":["/a","/b"],"timeoutMs":1500,"networks":[
      {"name":"n","confPath":"","ifName":"eth0","args":"K=V","plugins":[{"type":"ptp"}]}]})");
  ASSERT_TRUE(p) << p.error().text();
  EXPECT_EQ(p->timeout, 1500ms);
  EXPECT_EQ(p->plugin_dirs, (std::vector<std::string>{"/a", "/b"}));
  ASSERT_EQ(p->networks.size(), 1u);
  EXPECT_EQ(p->networks[0].args, "K=V");
  EXPECT_FALSE(parse_cni_plan("[]"));
  EXPECT_FALSE(parse_cni_plan(R"({"networks":[{"name":"n","ifName":"eth0","plugins":[]}]})"));
  EXPECT_FALSE(parse_cni_plan(R"({"networks":[{"name":"n","ifName":"eth0","plugins":[{}]}]})"));
}

TEST(NetInfos, RoundTrip) {
  NetInfo i;
  i.net_name = "default";
  i.ip = "172.16.28.2";
  i.mask = "255.255.255.0";
  i.if_name = "eth0";
  i.result = Json::parse(R"({"ips":[]})");
  auto back = decode_net_infos(encode_net_infos({i}));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].ip, "172.16.28.2");
  EXPECT_EQ((*back)[0].result, i.result);
  auto j = Json::parse(encode_net_infos({i}));
  for (const char* k : {"netName", "netConf", "pluginPath", "ifName", "ip", "args", "mask"}) {
    EXPECT_TRUE(j[0].contains(k)) << k;  // rkt's field names
  }
}

// Fake plugins: shell scripts that log each call (command, ifname, args, stdin) to a file.
class FakePlugins : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cni-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    plan_.plugin_dirs = {dir_ + "/none", dir_};
    plan_.timeout = 3s;
    write_plugin("good",
                 "echo \"$CNI_COMMAND $CNI_IFNAME $CNI_CONTAINERID $CNI_NETNS $CNI_ARGS $(cat)\" "
                 ">> " +
                     dir_ +
                     "/log\n"
                     "[ \"$CNI_COMMAND\" = ADD ] && echo "
                     "'{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":"
                     "\"10.9.0.4/24\"}]}'\nexit 0\n");
    write_plugin("bad", "echo \"$CNI_COMMAND\" >> " + dir_ +
                            "/log\n[ \"$CNI_COMMAND\" = DEL ] && exit 0\n"
                            "echo '{\"code\":11,\"msg\":\"no more addresses\"}'; exit 1\n");
    write_plugin("hang", "[ \"$CNI_COMMAND\" = DEL ] && exit 0\nexec sleep 60\n");
  }
  void TearDown() override {
    if (std::system(("rm -rf " + dir_).c_str()) != 0) ADD_FAILURE() << "removing " << dir_;
  }
  void write_plugin(const std::string& name, const std::string& body) {
    std::ofstream(dir_ + "/" + name) << "#!/bin/sh\n" << body;
    ::chmod((dir_ + "/" + name).c_str(), 0755);
  }
  std::string log() {
    std::ifstream f(dir_ + "/log");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  CniNetwork net(std::vector<std::string> types) {
    CniNetwork n{"lan", "/etc/rkt/net.d/lan.conf", "eth1", "IP=10.9.0.4", {}};
    for (auto& t : types) n.plugins.push_back({{"type", t}, {"name", "lan"}});
    return n;
  }
  std::string dir_;
  CniPlan plan_;
};

TEST_F(FakePlugins, AddChainsResultsAndDelRunsInReverse) {
  auto info = cni_add(plan_, net({"good", "good"}), "uuid-1", "/run/netns/x");
  ASSERT_TRUE(info) << info.error().text();
  EXPECT_EQ(info->ip, "10.9.0.4");
  EXPECT_EQ(info->plugin_path, dir_ + "/good");
  EXPECT_EQ(info->if_name, "eth1");
  std::string l = log();
  EXPECT_NE(l.find("ADD eth1 uuid-1 /run/netns/x IP=10.9.0.4 {"), std::string::npos);
  EXPECT_EQ(l.find("prevResult"), l.rfind("prevResult"));  // only the second plugin got one
  ASSERT_TRUE(cni_del(plan_, net({"good", "good"}), "uuid-1", "/run/netns/x", &info->result));
  EXPECT_NE(log().find("DEL eth1 uuid-1"), std::string::npos);
}

TEST_F(FakePlugins, AFailedAddIsUndoneAndNamesNetworkPluginAndMessage) {
  auto info = cni_add(plan_, net({"good", "bad"}), "uuid-2", "/run/netns/y");
  ASSERT_FALSE(info);
  const std::string e = info.error().text();
  EXPECT_NE(e.find("network lan: plugin bad (" + dir_ + "/bad) ADD failed: no more addresses"),
            std::string::npos)
      << e;
  // The spec's rule: DEL after a failed ADD, every plugin of the chain.
  std::string l = log();
  EXPECT_NE(l.find("ADD\nDEL\n"), std::string::npos) << l;
  EXPECT_NE(l.find("DEL eth1 uuid-2"), std::string::npos) << l;
}

TEST_F(FakePlugins, AHangingPluginIsKilledAtTheTimeout) {
  plan_.timeout = 300ms;
  auto start = std::chrono::steady_clock::now();
  auto info = cni_add(plan_, net({"hang"}), "uuid-3", "/run/netns/z");
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().text().find("did not finish within 300 ms"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(FakePlugins, AMissingPluginIsNamedWithTheDirectories) {
  auto info = cni_add(plan_, net({"nope"}), "uuid-4", "/run/netns/w");
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().text().find("plugin nope is not in " + dir_ + "/none:" + dir_),
            std::string::npos)
      << info.error().text();
}

}  // namespace
}  // namespace stage1
