// Every isolator with valid and invalid values (make_isolator runs the same checks as decoding),
// the typed values they decode to, and the name tables.
#include "appc-spec/isolators.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <variant>

namespace appc {
namespace {

namespace n = isolator_names;

struct Case {
  std::string name;  // test name
  std::string_view isolator;
  std::string value_json;
  bool valid;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class IsolatorTest : public testing::TestWithParam<Case> {};

TEST_P(IsolatorTest, MakeIsolator) {
  const Case& c = GetParam();
  auto r = make_isolator(c.isolator, c.value_json);
  EXPECT_EQ(r.has_value(), c.valid) << c.isolator << " = " << c.value_json << ": "
                                    << (r ? std::string("accepted") : r.error().text());
  if (r) {
    EXPECT_EQ(r->name.str(), c.isolator);
    EXPECT_FALSE(std::holds_alternative<UnknownIsolator>(r->value));
  }
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
  std::string out;
  for (char ch : info.param.name) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    ResourceCpu, IsolatorTest,
    testing::Values(
        Case{"SpecExample", n::kResourceCpu, R"({"limit": "20m"})", true},
        Case{"RequestAndLimit", n::kResourceCpu, R"({"request": "250m", "limit": "500m"})", true},
        Case{"RequestOnly", n::kResourceCpu, R"({"request": "1"})", true},
        Case{"DefaultFalse", n::kResourceCpu, R"({"default": false, "limit": "1"})", true},
        Case{"BareNumber", n::kResourceCpu, R"({"limit": 2})", true},
        Case{"Decimal", n::kResourceCpu, R"({"limit": "0.5"})", true},
        Case{"Exponent", n::kResourceCpu, R"({"limit": "1e3"})", true},
        Case{"RequestEqualsLimitByValue", n::kResourceCpu, R"({"request": "1", "limit": "1000m"})",
             true},
        Case{"DefaultTrue", n::kResourceCpu, R"({"default": true, "limit": "1"})", false},
        Case{"UppercaseK", n::kResourceCpu, R"({"limit": "1K"})", false},
        Case{"NegativeLimit", n::kResourceCpu, R"({"limit": "-1"})", false},
        Case{"NegativeRequest", n::kResourceCpu, R"({"request": "-500m"})", false},
        Case{"RequestOverLimit", n::kResourceCpu, R"({"request": "2", "limit": "1"})", false},
        Case{"Garbage", n::kResourceCpu, R"({"limit": "abc"})", false},
        Case{"BoolLimit", n::kResourceCpu, R"({"limit": true})", false},
        Case{"NotAnObject", n::kResourceCpu, R"("1")", false},
        Case{"DefaultNotBool", n::kResourceCpu, R"({"default": "false", "limit": "1"})", false},
        Case{"BadJson", n::kResourceCpu, R"({"limit": )", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    ResourceMemory, IsolatorTest,
    testing::Values(
        Case{"SpecExample", n::kResourceMemory, R"({"limit": "1G"})", true},
        Case{"Binary", n::kResourceMemory, R"({"request": "1Gi", "limit": "2Gi"})", true},
        Case{"Fraction", n::kResourceMemory, R"({"limit": "1.5Gi"})", true},
        Case{"Kibi", n::kResourceMemory, R"({"limit": "125952Ki"})", true},
        Case{"BareNumber", n::kResourceMemory, R"({"limit": 500})", true},
        Case{"LowerK", n::kResourceMemory, R"({"limit": "1k"})", true},
        Case{"RequestEqualsLimit", n::kResourceMemory, R"({"request": "1Gi", "limit": "1Gi"})",
             true},
        Case{"EqualByValue", n::kResourceMemory, R"({"request": "1024", "limit": "1Ki"})", true},
        Case{"DefaultTrue", n::kResourceMemory, R"({"default": true, "limit": "1G"})", false},
        Case{"GB", n::kResourceMemory, R"({"limit": "1GB"})", false},
        Case{"UppercaseK", n::kResourceMemory, R"({"limit": "1K"})", false},
        Case{"NegativeLimit", n::kResourceMemory, R"({"limit": "-1"})", false},
        Case{"NegativeBareNumber", n::kResourceMemory, R"({"limit": -1})", false},
        Case{"NegativeRequest", n::kResourceMemory, R"({"request": "-1"})", false},
        Case{"RequestOverLimit", n::kResourceMemory, R"({"request": "2G", "limit": "1G"})", false},
        // Compared exactly, not in saturated nano units (>= 9.3 G would all look equal).
        Case{"RequestOverLimitLarge", n::kResourceMemory, R"({"request": "20Gi", "limit": "10Gi"})",
             false},
        Case{"RequestOverLimitHuge", n::kResourceMemory, R"({"request": "2Ei", "limit": "1Ei"})",
             false},
        Case{"RequestUnderLimitLarge", n::kResourceMemory,
             R"({"request": "10Gi", "limit": "20Gi"})", true},
        Case{"RequestOverLimitByOne", n::kResourceMemory, R"({"request": "1025", "limit": "1Ki"})",
             false},
        Case{"BoolLimit", n::kResourceMemory, R"({"limit": true})", false},
        Case{"Array", n::kResourceMemory, R"([])", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    ResourceLimitOnly, IsolatorTest,
    testing::Values(
        Case{"BlockBandwidth", n::kResourceBlockBandwidth, R"({"default": true, "limit": "1M"})",
             true},
        Case{"BlockBandwidthNoDefault", n::kResourceBlockBandwidth, R"({"limit": "1M"})", false},
        Case{"BlockBandwidthDefaultFalse", n::kResourceBlockBandwidth,
             R"({"default": false, "limit": "1M"})", false},
        Case{"BlockBandwidthNoLimit", n::kResourceBlockBandwidth, R"({"default": true})", false},
        Case{"BlockBandwidthRequest", n::kResourceBlockBandwidth,
             R"({"default": true, "request": "1M", "limit": "1M"})", false},
        Case{"BlockBandwidthNegative", n::kResourceBlockBandwidth,
             R"({"default": true, "limit": "-1"})", false},
        Case{"BlockIops", n::kResourceBlockIops, R"({"default": true, "limit": 1000})", true},
        Case{"BlockIopsNoDefault", n::kResourceBlockIops, R"({"limit": "1k"})", false},
        Case{"BlockIopsNoLimit", n::kResourceBlockIops, R"({"default": true})", false},
        Case{"BlockIopsRequest", n::kResourceBlockIops,
             R"({"default": true, "request": "1", "limit": "1"})", false},
        Case{"NetworkBandwidth", n::kResourceNetworkBandwidth,
             R"({"default": true, "limit": "10M"})", true},
        Case{"NetworkBandwidthNoDefault", n::kResourceNetworkBandwidth, R"({"limit": "10M"})",
             false},
        Case{"NetworkBandwidthNoLimit", n::kResourceNetworkBandwidth, R"({"default": true})",
             false},
        Case{"NetworkBandwidthRequest", n::kResourceNetworkBandwidth,
             R"({"default": true, "request": "1M", "limit": "10M"})", false},
        Case{"NetworkBandwidthBadQuantity", n::kResourceNetworkBandwidth,
             R"({"default": true, "limit": "10MB"})", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Capabilities, IsolatorTest,
    testing::Values(
        Case{"RetainSpecExample", n::kCapabilitiesRetainSet,
             R"({"set": ["CAP_NET_ADMIN", "CAP_NET_BIND_SERVICE"]})", true},
        Case{"RetainSysAdmin", n::kCapabilitiesRetainSet, R"({"set": ["CAP_SYS_ADMIN"]})", true},
        Case{"RetainEmpty", n::kCapabilitiesRetainSet, R"({"set": []})", false},
        Case{"RetainNoSet", n::kCapabilitiesRetainSet, R"({})", false},
        Case{"RetainPonies", n::kCapabilitiesRetainSet, R"({"set": ["CAP_PONIES"]})", false},
        Case{"RetainLowercase", n::kCapabilitiesRetainSet, R"({"set": ["cap_chown"]})", false},
        Case{"RetainNoPrefix", n::kCapabilitiesRetainSet, R"({"set": ["CHOWN"]})", false},
        Case{"RetainString", n::kCapabilitiesRetainSet, R"({"set": "CAP_CHOWN"})", false},
        Case{"RetainNumber", n::kCapabilitiesRetainSet, R"({"set": [1]})", false},
        Case{"RemoveOne", n::kCapabilitiesRemoveSet, R"({"set": ["CAP_MKNOD"]})", true},
        Case{"RemoveSeveral", n::kCapabilitiesRemoveSet,
             R"({"set": ["CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE"]})", true},
        Case{"RemoveEmpty", n::kCapabilitiesRemoveSet, R"({"set": []})", false},
        Case{"RemovePonies", n::kCapabilitiesRemoveSet, R"({"set": ["CAP_CHOWN", "CAP_PONIES"]})",
             false},
        Case{"RemoveNotObject", n::kCapabilitiesRemoveSet, R"(["CAP_CHOWN"])", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(NoNewPrivileges, IsolatorTest,
                         testing::Values(Case{"True", n::kNoNewPrivileges, "true", true},
                                         Case{"False", n::kNoNewPrivileges, "false", true},
                                         Case{"StringTrue", n::kNoNewPrivileges, R"("true")",
                                              false},
                                         Case{"Number", n::kNoNewPrivileges, "1", false},
                                         Case{"Object", n::kNoNewPrivileges, "{}", false},
                                         Case{"Null", n::kNoNewPrivileges, "null", false}),
                         case_name);

INSTANTIATE_TEST_SUITE_P(
    Seccomp, IsolatorTest,
    testing::Values(
        Case{"RetainAll", n::kSeccompRetainSet, R"({"set": ["@appc.io/all"]})", true},
        Case{"RetainWithErrno", n::kSeccompRetainSet,
             R"({"set": ["read", "write"], "errno": "EPERM"})", true},
        Case{"RetainEmptyErrno", n::kSeccompRetainSet, R"({"set": ["reboot"], "errno": ""})", true},
        Case{"RetainDigitErrno", n::kSeccompRetainSet, R"({"set": ["read"], "errno": "E2BIG"})",
             true},
        Case{"RetainEmptySet", n::kSeccompRetainSet, R"({"set": []})", false},
        Case{"RetainNoSet", n::kSeccompRetainSet, R"({"errno": "EPERM"})", false},
        Case{"RetainLowerErrno", n::kSeccompRetainSet, R"({"set": ["x"], "errno": "eperm"})",
             false},
        Case{"RetainErrnoHyphen", n::kSeccompRetainSet, R"({"set": ["x"], "errno": "E-PERM"})",
             false},
        Case{"RetainErrnoNoE", n::kSeccompRetainSet, R"({"set": ["x"], "errno": "PERM"})", false},
        Case{"RetainErrnoOnlyE", n::kSeccompRetainSet, R"({"set": ["x"], "errno": "E"})", false},
        Case{"RetainErrnoNumber", n::kSeccompRetainSet, R"({"set": ["x"], "errno": 1})", false},
        // The spec example's errno is not a real one, but its shape is right.
        Case{"RemoveSpecExample", n::kSeccompRemoveSet,
             R"({"errno": "EACCESS", "set": ["clock_settime", "clock_adjtime", "reboot"]})", true},
        Case{"RemoveEmptyGroup", n::kSeccompRemoveSet, R"({"set": ["@appc.io/empty"]})", true},
        Case{"RemoveEmptySet", n::kSeccompRemoveSet, R"({"set": [], "errno": "EPERM"})", false},
        Case{"RemoveLowerErrno", n::kSeccompRemoveSet, R"({"set": ["reboot"], "errno": "eperm"})",
             false},
        Case{"RemoveSetNotList", n::kSeccompRemoveSet, R"({"set": "reboot"})", false},
        Case{"RemoveEmptyEntry", n::kSeccompRemoveSet, R"({"set": ["reboot", ""]})", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Selinux, IsolatorTest,
    testing::Values(
        Case{
            "Full", n::kSelinuxContext,
            R"({"user": "system_u", "role": "system_r", "type": "svirt_lxc_net_t", "level": "s0:c1,c2"})",
            true},
        Case{"MissingLevel", n::kSelinuxContext,
             R"({"user": "system_u", "role": "system_r", "type": "t"})", false},
        Case{"EmptyUser", n::kSelinuxContext,
             R"({"user": "", "role": "r", "type": "t", "level": "s0"})", false},
        Case{"ColonInUser", n::kSelinuxContext,
             R"({"user": "a:b", "role": "r", "type": "t", "level": "s0"})", false},
        Case{"ColonInRole", n::kSelinuxContext,
             R"({"user": "u", "role": "a:b", "type": "t", "level": "s0"})", false},
        Case{"ColonInType", n::kSelinuxContext,
             R"({"user": "u", "role": "r", "type": "a:b", "level": "s0"})", false},
        Case{"Empty", n::kSelinuxContext, R"({})", false},
        Case{"String", n::kSelinuxContext, R"("system_u:system_r:t:s0")", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Apparmor, IsolatorTest,
    testing::Values(Case{"Profile", n::kApparmorProfile, R"({"profile": "rkt-default"})", true},
                    Case{"EmptyProfile", n::kApparmorProfile, R"({"profile": ""})", false},
                    Case{"NoProfile", n::kApparmorProfile, R"({})", false},
                    Case{"String", n::kApparmorProfile, R"("rkt-default")", false}),
    case_name);

INSTANTIATE_TEST_SUITE_P(OomScoreAdj, IsolatorTest,
                         testing::Values(Case{"Min", n::kOomScoreAdj, "-1000", true},
                                         Case{"Zero", n::kOomScoreAdj, "0", true},
                                         Case{"Half", n::kOomScoreAdj, "500", true},
                                         Case{"Max", n::kOomScoreAdj, "1000", true},
                                         Case{"BelowMin", n::kOomScoreAdj, "-1001", false},
                                         Case{"AboveMax", n::kOomScoreAdj, "1001", false},
                                         Case{"TwoThousand", n::kOomScoreAdj, "2000", false},
                                         Case{"String", n::kOomScoreAdj, R"("5")", false},
                                         Case{"Float", n::kOomScoreAdj, "5.5", false},
                                         Case{"Bool", n::kOomScoreAdj, "true", false},
                                         Case{"Huge", n::kOomScoreAdj, "99999999999999999999",
                                              false}),
                         case_name);

INSTANTIATE_TEST_SUITE_P(CpuShares, IsolatorTest,
                         testing::Values(Case{"Min", n::kCpuShares, "2", true},
                                         Case{"Default", n::kCpuShares, "1024", true},
                                         Case{"Max", n::kCpuShares, "262144", true},
                                         Case{"One", n::kCpuShares, "1", false},
                                         Case{"Zero", n::kCpuShares, "0", false},
                                         Case{"AboveMax", n::kCpuShares, "262145", false},
                                         Case{"Negative", n::kCpuShares, "-5", false},
                                         Case{"String", n::kCpuShares, R"("1024")", false},
                                         Case{"Float", n::kCpuShares, "80.5", false}),
                         case_name);

INSTANTIATE_TEST_SUITE_P(
    Sysctl, IsolatorTest,
    testing::Values(Case{"SpecExample", n::kSysctl, R"({"net.ipv4.tcp_fin_timeout": "6"})", true},
                    Case{"Several", n::kSysctl,
                         R"({"net.ipv4.ip_forward": "1", "kernel.msgmax": "65536"})", true},
                    Case{"IntValue", n::kSysctl, R"({"net.ipv4.ip_forward": 1})", false},
                    Case{"EmptyName", n::kSysctl, R"({"": "1"})", false},
                    Case{"BoolValue", n::kSysctl, R"({"a": true})", false},
                    Case{"Array", n::kSysctl, R"(["net.ipv4.ip_forward"])", false},
                    Case{"String", n::kSysctl, R"("net.ipv4.ip_forward=1")", false}),
    case_name);

// --- Typed values ---------------------------------------------------------------------------

// The isolator's value as T, or null (and a failure) when it failed or holds another type.
template <class T>
const T* value_of(const Result<Isolator>& r) {
  if (!r) {
    ADD_FAILURE() << r.error().text();
    return nullptr;
  }
  const T* v = std::get_if<T>(&r->value);
  if (v == nullptr) ADD_FAILURE() << "decoded to variant index " << r->value.index();
  return v;
}

TEST(IsolatorValue, ResourceCpu) {
  auto r = make_isolator(n::kResourceCpu, R"({"request": "250m", "limit": "500m"})");
  const auto* v = value_of<ResourceCpu>(r);
  ASSERT_NE(v, nullptr);
  ASSERT_TRUE(v->request && v->limit);
  EXPECT_EQ(v->request->milli_value(), 250);
  EXPECT_EQ(v->limit->milli_value(), 500);
  EXPECT_EQ(v->limit->str(), "500m");
}

TEST(IsolatorValue, ResourceCpuRequestOnly) {
  auto r = make_isolator(n::kResourceCpu, R"({"request": "1"})");
  const auto* v = value_of<ResourceCpu>(r);
  ASSERT_NE(v, nullptr);
  ASSERT_TRUE(v->request);
  EXPECT_FALSE(v->limit);
  EXPECT_EQ(v->request->milli_value(), 1000);
}

TEST(IsolatorValue, ResourceMemoryLimitOnly) {
  auto r = make_isolator(n::kResourceMemory, R"({"limit": "1G"})");
  const auto* v = value_of<ResourceMemory>(r);
  ASSERT_NE(v, nullptr);
  ASSERT_TRUE(v->limit);
  EXPECT_FALSE(v->request);
  EXPECT_EQ(v->limit->value(), 1000000000);
}

TEST(IsolatorValue, ResourceMemoryBareNumber) {
  auto r = make_isolator(n::kResourceMemory, R"({"limit": 500})");
  const auto* v = value_of<ResourceMemory>(r);
  ASSERT_NE(v, nullptr);
  ASSERT_TRUE(v->limit);
  EXPECT_EQ(v->limit->value(), 500);
}

TEST(IsolatorValue, LimitOnlyKinds) {
  auto bw = make_isolator(n::kResourceBlockBandwidth, R"({"default": true, "limit": "1Mi"})");
  const auto* b = value_of<ResourceBlockBandwidth>(bw);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->limit.value(), 1048576);
  auto iops = make_isolator(n::kResourceBlockIops, R"({"default": true, "limit": "1k"})");
  const auto* i = value_of<ResourceBlockIops>(iops);
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->limit.value(), 1000);
  auto net = make_isolator(n::kResourceNetworkBandwidth, R"({"default": true, "limit": "10M"})");
  const auto* w = value_of<ResourceNetworkBandwidth>(net);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->limit.value(), 10000000);
}

TEST(IsolatorValue, Capabilities) {
  auto retain = make_isolator(n::kCapabilitiesRetainSet, R"({"set": ["CAP_CHOWN", "CAP_KILL"]})");
  const auto* r = value_of<CapabilitiesRetainSet>(retain);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->set, (std::vector<std::string>{"CAP_CHOWN", "CAP_KILL"}));
  auto remove = make_isolator(n::kCapabilitiesRemoveSet, R"({"set": ["CAP_MKNOD"]})");
  const auto* m = value_of<CapabilitiesRemoveSet>(remove);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->set, (std::vector<std::string>{"CAP_MKNOD"}));
}

TEST(IsolatorValue, NoNewPrivileges) {
  auto t = make_isolator(n::kNoNewPrivileges, "true");
  const auto* tv = value_of<NoNewPrivileges>(t);
  ASSERT_NE(tv, nullptr);
  EXPECT_TRUE(tv->value);
  auto f = make_isolator(n::kNoNewPrivileges, "false");
  const auto* fv = value_of<NoNewPrivileges>(f);
  ASSERT_NE(fv, nullptr);
  EXPECT_FALSE(fv->value);
}

TEST(IsolatorValue, Seccomp) {
  auto retain = make_isolator(n::kSeccompRetainSet, R"({"set": ["read"], "errno": "EPERM"})");
  const auto* r = value_of<SeccompRetainSet>(retain);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->set, (std::vector<std::string>{"read"}));
  EXPECT_EQ(r->errno_name, "EPERM");
  auto remove = make_isolator(n::kSeccompRemoveSet, R"({"set": ["reboot"]})");
  const auto* m = value_of<SeccompRemoveSet>(remove);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->errno_name, "");
}

TEST(IsolatorValue, SelinuxAndApparmor) {
  auto se = make_isolator(n::kSelinuxContext,
                          R"({"user": "u", "role": "r", "type": "t", "level": "s0:c1,c2"})");
  const auto* s = value_of<SelinuxContext>(se);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(*s, (SelinuxContext{"u", "r", "t", "s0:c1,c2"}));
  auto aa = make_isolator(n::kApparmorProfile, R"({"profile": "rkt-default"})");
  const auto* a = value_of<ApparmorProfile>(aa);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->profile, "rkt-default");
}

TEST(IsolatorValue, Integers) {
  auto oom = make_isolator(n::kOomScoreAdj, "-1000");
  const auto* o = value_of<OomScoreAdj>(oom);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->value, -1000);
  auto shares = make_isolator(n::kCpuShares, "262144");
  const auto* c = value_of<CpuShares>(shares);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value, 262144);
}

TEST(IsolatorValue, Sysctl) {
  auto r = make_isolator(n::kSysctl, R"({"net.ipv4.tcp_fin_timeout": "6", "kernel.x": "y"})");
  const auto* v = value_of<Sysctl>(r);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->values, (std::map<std::string, std::string>{{"kernel.x", "y"},
                                                           {"net.ipv4.tcp_fin_timeout", "6"}}));
}

TEST(MakeIsolator, RejectsBadNames) {
  for (const char* name : {"", "Resource/CPU", "resource//cpu", "-x"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(make_isolator(name, "{}"));
  }
}

// --- Name tables ----------------------------------------------------------------------------

TEST(IsKnownIsolator, EveryDefinedName) {
  for (std::string_view name :
       {n::kResourceCpu, n::kResourceMemory, n::kResourceBlockBandwidth, n::kResourceBlockIops,
        n::kResourceNetworkBandwidth, n::kCapabilitiesRetainSet, n::kCapabilitiesRemoveSet,
        n::kNoNewPrivileges, n::kSeccompRetainSet, n::kSeccompRemoveSet, n::kSelinuxContext,
        n::kApparmorProfile, n::kOomScoreAdj, n::kCpuShares, n::kSysctl}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(is_known_isolator(name));
  }
  for (std::string_view name : {"", "resource/disk", "os/linux/capabilities", "Resource/cpu",
                                "example.com/custom", "resource/cpu/"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_known_isolator(name));
  }
}

struct CapCase {
  std::string name;
  bool valid;
};

void PrintTo(const CapCase& c, std::ostream* os) { *os << c.name; }

class CapabilityNameTest : public testing::TestWithParam<CapCase> {};

TEST_P(CapabilityNameTest, Check) {
  EXPECT_EQ(is_capability_name(GetParam().name), GetParam().valid) << GetParam().name;
}

std::string cap_name(const testing::TestParamInfo<CapCase>& info) {
  std::string out = info.param.valid ? "Valid_" : "Invalid_";
  for (char ch : info.param.name) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Linux, CapabilityNameTest,
                         testing::Values(
                             // Names from each era of the kernel's list, up to the newest (40).
                             CapCase{"CAP_CHOWN", true}, CapCase{"CAP_DAC_OVERRIDE", true},
                             CapCase{"CAP_NET_BIND_SERVICE", true}, CapCase{"CAP_NET_ADMIN", true},
                             CapCase{"CAP_SYS_ADMIN", true}, CapCase{"CAP_SETFCAP", true},
                             CapCase{"CAP_MAC_ADMIN", true}, CapCase{"CAP_SYSLOG", true},
                             CapCase{"CAP_WAKE_ALARM", true}, CapCase{"CAP_BLOCK_SUSPEND", true},
                             CapCase{"CAP_AUDIT_READ", true}, CapCase{"CAP_PERFMON", true},
                             CapCase{"CAP_BPF", true}, CapCase{"CAP_CHECKPOINT_RESTORE", true},
                             CapCase{"CAP_PONIES", false}, CapCase{"cap_chown", false},
                             CapCase{"CHOWN", false}, CapCase{"", false}, CapCase{"CAP_", false},
                             CapCase{"CAP_CHOWN ", false}, CapCase{"CAP_ALL", false},
                             CapCase{"Cap_Chown", false}),
                         cap_name);

}  // namespace
}  // namespace appc
