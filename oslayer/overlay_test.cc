// The overlay lowerdir list for kernels without "lowerdir+" (the mount itself needs root and is
// exercised by tests/run_test.sh).
#include "oslayer/overlay.h"

#include <gtest/gtest.h>

namespace oslayer {
namespace {

TEST(OverlayLowerdirList, OneLayerIsThePath) {
  EXPECT_EQ(overlay_lowerdir_list({"/var/lib/rkt/cas/tree/deps-sha512-ab/rootfs"}),
            "/var/lib/rkt/cas/tree/deps-sha512-ab/rootfs");
}

TEST(OverlayLowerdirList, LayersJoinedTopFirst) {
  EXPECT_EQ(overlay_lowerdir_list({"/a", "/b", "/c"}), "/a:/b:/c");
}

TEST(OverlayLowerdirList, SeparatorsInsideAPathAreEscaped) {
  EXPECT_EQ(overlay_lowerdir_list({"/x:y", "/p,q", "/back\\slash"}),
            "/x\\:y:/p\\,q:/back\\\\slash");
}

}  // namespace
}  // namespace oslayer
