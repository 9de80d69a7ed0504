#include "stage2/capability_plan.h"

#include <gtest/gtest.h>
#include <linux/capability.h>

namespace stage2 {
namespace {

using oslayer::CapSet;

appc::Isolator retain(std::vector<std::string> s) {
  return {*appc::AcIdentifier::parse("os/linux/capabilities-retain-set"),
          appc::CapabilitiesRetainSet{std::move(s)}};
}
appc::Isolator remove(std::vector<std::string> s) {
  return {*appc::AcIdentifier::parse("os/linux/capabilities-remove-set"),
          appc::CapabilitiesRemoveSet{std::move(s)}};
}

const CapSet kAll = CapSet::from_bits((uint64_t{1} << (CAP_LAST_CAP + 1)) - 1);

TEST(DefaultCapabilities, AreTheFourteenOfTheSpec) {
  CapSet d = default_capabilities();
  EXPECT_EQ(d.members().size(), 14U);
  for (int c : {CAP_AUDIT_WRITE, CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_KILL,
                CAP_MKNOD, CAP_NET_RAW, CAP_NET_BIND_SERVICE, CAP_SETUID, CAP_SETGID, CAP_SETPCAP,
                CAP_SETFCAP, CAP_SYS_CHROOT}) {
    EXPECT_TRUE(d.has(c)) << c;
  }
  EXPECT_FALSE(d.has(CAP_SYS_ADMIN));
}

TEST(PlanCapabilities, RootGetsTheDefaultSetAndNoInheritable) {
  auto p = plan_capabilities({}, true, false, kAll);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->restrict_bounding);
  EXPECT_EQ(p->bounding, default_capabilities());
  EXPECT_EQ(p->process, (oslayer::ProcessCaps{default_capabilities(), default_capabilities(), {}}));
  EXPECT_TRUE(p->ambient.empty());
}

TEST(PlanCapabilities, NonRootGetsNothingByDefault) {
  auto p = plan_capabilities({}, false, false, kAll);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->bounding, default_capabilities());
  EXPECT_EQ(p->process, oslayer::ProcessCaps{});
  EXPECT_TRUE(p->ambient.empty());
}

TEST(PlanCapabilities, RetainSetReplacesTheBoundingSet) {
  auto p = plan_capabilities({retain({"CAP_NET_ADMIN", "net_raw"})}, true, false, kAll);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->bounding, CapSet::of({CAP_NET_ADMIN, CAP_NET_RAW}));
  EXPECT_EQ(p->process.effective, p->bounding);
}

TEST(PlanCapabilities, NonRootRetainSetBecomesAmbient) {
  auto p = plan_capabilities({retain({"CAP_NET_BIND_SERVICE"})}, false, false, kAll);
  ASSERT_TRUE(p);
  CapSet want = CapSet::of({CAP_NET_BIND_SERVICE});
  EXPECT_EQ(p->process, (oslayer::ProcessCaps{want, want, want}));
  EXPECT_EQ(p->ambient, want);
}

TEST(PlanCapabilities, RemoveSetShrinksTheDefault) {
  auto p = plan_capabilities({remove({"CAP_CHOWN", "CAP_SYS_ADMIN"})}, true, false, kAll);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->bounding, default_capabilities().without(CapSet::of({CAP_CHOWN})));
  // A non-root user gets nothing from a remove-set: it only narrows.
  auto q = plan_capabilities({remove({"CAP_CHOWN"})}, false, false, kAll);
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->ambient.empty());
}

TEST(PlanCapabilities, NothingBeyondWhatStage2Holds) {
  CapSet held = CapSet::of({CAP_CHOWN, CAP_KILL, CAP_SYS_ADMIN});
  auto p = plan_capabilities({}, true, false, held);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->process.permitted, CapSet::of({CAP_CHOWN, CAP_KILL}));
}

TEST(PlanCapabilities, DisabledRestrictionKeepsEverythingForRoot) {
  auto p = plan_capabilities({retain({"CAP_CHOWN"})}, true, true, kAll);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->restrict_bounding);
  EXPECT_EQ(p->process, (oslayer::ProcessCaps{kAll, kAll, {}}));
  auto q = plan_capabilities({}, false, true, kAll);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->process, oslayer::ProcessCaps{});
}

TEST(PlanCapabilities, BadIsolatorsFail) {
  auto p = plan_capabilities({retain({"CAP_PONIES"})}, true, false, kAll);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().text(),
            "isolator os/linux/capabilities-retain-set: unknown capability \"CAP_PONIES\"");
  auto q = plan_capabilities({retain({"CAP_CHOWN"}), remove({"CAP_KILL"})}, true, false, kAll);
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().text().find("cannot be combined"), std::string::npos);
}

}  // namespace
}  // namespace stage2
