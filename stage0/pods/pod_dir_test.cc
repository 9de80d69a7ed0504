#include "stage0/pods/pod_dir.h"

#include <sys/file.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "stage0/pods/pods_test_support.h"
#include "stage0/pods/uuid.h"

namespace stage0::pods {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDataDir;

constexpr char kUuidA[] = "0a1b2c3d-0000-4000-8000-000000000001";
constexpr char kUuidB[] = "0a1b2c3d-0000-4000-8000-000000000002";
constexpr char kUuidC[] = "7f000000-0000-4000-8000-000000000003";

using PodDirTest = TempDataDir;

TEST_F(PodDirTest, CreateLeavesALockedPodInPrepare) {
  auto pod = HeldPod::create(dir_);
  ASSERT_TRUE(pod) << pod.error().text();
  EXPECT_TRUE(is_uuid(pod->uuid()));
  EXPECT_EQ(pod->path(), dir_ + "/pods/prepare/" + pod->uuid());
  EXPECT_TRUE(fs::is_directory(pod->path()));
  EXPECT_EQ(fs::status(dir_ + "/pods").permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  for (const char* s : {"embryo", "prepare", "prepared", "run", "exited-garbage", "garbage"}) {
    EXPECT_TRUE(fs::is_directory(dir_ + "/pods/" + s)) << s;
  }
  auto ref = find_pod(dir_, pod->uuid());
  ASSERT_TRUE(ref) << ref.error().text();
  EXPECT_EQ(ref->state, PodState::kPreparing);
}

TEST_F(PodDirTest, DestructorRemovesAPodThatNeverReachedPreparedOrRun) {
  std::string path;
  {
    auto pod = HeldPod::create(dir_);
    ASSERT_TRUE(pod);
    path = pod->path();
    write(path + "/pod", "half");
  }
  EXPECT_FALSE(fs::exists(path));
  auto all = list_pods(dir_);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(PodDirTest, ToPreparedUnlocksAndKeepsThePod) {
  std::string uuid;
  {
    auto pod = HeldPod::create(dir_);
    ASSERT_TRUE(pod);
    uuid = pod->uuid();
    ASSERT_TRUE(pod->to_prepared());
    EXPECT_EQ(pod->path(), dir_ + "/pods/prepared/" + uuid);
  }
  auto ref = find_pod(dir_, uuid);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->state, PodState::kPrepared);
}

TEST_F(PodDirTest, ToRunKeepsTheLockUntilReleased) {
  std::string uuid;
  {
    auto pod = HeldPod::create(dir_);
    ASSERT_TRUE(pod);
    uuid = pod->uuid();
    ASSERT_TRUE(pod->to_run());
    auto running = find_pod(dir_, uuid);
    ASSERT_TRUE(running);
    EXPECT_EQ(running->state, PodState::kRunning);
    auto fd = pod->lock_fd_for_exec();
    ASSERT_TRUE(fd);
    EXPECT_EQ(::fcntl(*fd, F_GETFD) & FD_CLOEXEC, 0);
  }
  auto exited = find_pod(dir_, uuid);
  ASSERT_TRUE(exited);
  EXPECT_EQ(exited->state, PodState::kExited);
}

TEST_F(PodDirTest, MovedFromPodOwnsNothing) {
  auto pod = HeldPod::create(dir_);
  ASSERT_TRUE(pod);
  std::string path = pod->path();
  {
    HeldPod moved = std::move(*pod);
    ASSERT_TRUE(moved.to_prepared());
  }
  EXPECT_TRUE(fs::exists(dir_ + "/pods/prepared/" + fs::path(path).filename().string()));
}

TEST_F(PodDirTest, TakePreparedHasExactlyOneWinner) {
  for (int round = 0; round < 20; ++round) {
    auto pod = HeldPod::create(dir_);
    ASSERT_TRUE(pod);
    std::string uuid = pod->uuid();
    ASSERT_TRUE(pod->to_prepared());
    std::atomic<int> wins{0};
    std::atomic<int> losses{0};
    std::vector<std::optional<HeldPod>> held(2);
    auto take = [&](int i) {
      auto r = HeldPod::take_prepared(dir_, uuid);
      if (r) {
        ++wins;
        held[static_cast<size_t>(i)].emplace(std::move(*r));
      } else {
        ++losses;
      }
    };
    std::thread t1(take, 0);
    std::thread t2(take, 1);
    t1.join();
    t2.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(losses.load(), 1);
    auto ref = find_pod(dir_, uuid);
    ASSERT_TRUE(ref);
    EXPECT_EQ(ref->state, PodState::kRunning);
  }
}

TEST_F(PodDirTest, TakePreparedRefusesAPodThatIsNotPrepared) {
  make_pod("run", kUuidA);
  auto r = HeldPod::take_prepared(dir_, kUuidA);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().text().find("is not prepared"), std::string::npos) << r.error().text();
}

struct StateCase {
  const char* dir;
  bool locked;
  PodState want;
};

TEST_F(PodDirTest, StateComesFromDirectoryAndLock) {
  const StateCase cases[] = {
      {"embryo", false, PodState::kEmbryo},
      {"prepare", true, PodState::kPreparing},
      {"prepare", false, PodState::kAbortedPrepare},
      {"prepared", false, PodState::kPrepared},
      {"run", true, PodState::kRunning},
      {"run", false, PodState::kExited},
      {"exited-garbage", true, PodState::kExitedDeleting},
      {"exited-garbage", false, PodState::kExitedGarbage},
      {"garbage", true, PodState::kDeleting},
      {"garbage", false, PodState::kGarbage},
  };
  for (const auto& c : cases) {
    std::string path = make_pod(c.dir, kUuidA);
    oslayer::Fd lock;
    if (c.locked) lock = hold_lock(path);
    auto ref = find_pod(dir_, kUuidA);
    ASSERT_TRUE(ref) << ref.error().text();
    EXPECT_EQ(ref->state, c.want) << c.dir << (c.locked ? " locked" : " unlocked");
    EXPECT_EQ(ref->path, path);
    lock.reset();
    fs::remove_all(path);
  }
}

TEST_F(PodDirTest, StateNamesAreRkts) {
  EXPECT_EQ(state_name(PodState::kAbortedPrepare), "aborted prepare");
  EXPECT_EQ(state_name(PodState::kExitedDeleting), "exited deleting");
  EXPECT_EQ(state_name(PodState::kExitedGarbage), "exited garbage");
  EXPECT_EQ(state_name(PodState::kRunning), "running");
}

TEST_F(PodDirTest, FindPodByPrefix) {
  make_pod("run", kUuidA);
  make_pod("prepared", kUuidB);
  make_pod("exited-garbage", kUuidC);

  auto unique = find_pod(dir_, "7f");
  ASSERT_TRUE(unique) << unique.error().text();
  EXPECT_EQ(unique->uuid, kUuidC);
  EXPECT_EQ(unique->state, PodState::kExitedGarbage);

  auto longer = find_pod(dir_, "0a1b2c3d-0000-4000-8000-000000000002");
  ASSERT_TRUE(longer);
  EXPECT_EQ(longer->state, PodState::kPrepared);

  auto ambiguous = find_pod(dir_, "0a1b");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().text().find("ambiguous"), std::string::npos);

  auto missing = find_pod(dir_, "ffff");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().text().find("no matches found"), std::string::npos)
      << missing.error().text();

  auto missing_full = find_pod(dir_, "ffffffff-0000-4000-8000-000000000009");
  ASSERT_FALSE(missing_full);

  auto upper = find_pod(dir_, "7F");  // rkt lowercased what users typed
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->uuid, kUuidC);

  for (const char* bad : {"", "../x", "0a1b/", "zz", "0a1b2c3d0"}) {
    auto r = find_pod(dir_, bad);
    EXPECT_FALSE(r) << bad;
  }
}

TEST_F(PodDirTest, ListSortsAndSkipsStrayEntries) {
  make_pod("run", kUuidC);
  make_pod("prepared", kUuidA);
  make_pod("run", "not-a-uuid");
  write(dir_ + "/pods/garbage/" + kUuidB, "a file, not a pod");
  auto all = list_pods(dir_);
  ASSERT_TRUE(all) << all.error().text();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].uuid, kUuidA);
  EXPECT_EQ((*all)[1].uuid, kUuidC);
}

TEST_F(PodDirTest, ListWithoutPodsDirIsEmpty) {
  auto all = list_pods(dir_);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

// Pods move forward through the state dirs while the list runs: every listing must still show
// each pod exactly once, never fail on the ENOENT of a pod renamed after readdir.
TEST_F(PodDirTest, ListToleratesRenamesWhileListing) {
  constexpr int kPods = 40;
  std::vector<std::string> uuids;
  for (int i = 0; i < kPods; ++i) {
    auto u = new_uuid();
    ASSERT_TRUE(u);
    uuids.push_back(*u);
    make_pod("prepared", *u);
  }
  fs::create_directories(dir_ + "/pods/run");
  fs::create_directories(dir_ + "/pods/exited-garbage");
  std::atomic<bool> done{false};
  std::thread mover([&] {
    for (const auto& u : uuids) {
      fs::rename(dir_ + "/pods/prepared/" + u, dir_ + "/pods/run/" + u);
    }
    for (const auto& u : uuids) {
      fs::rename(dir_ + "/pods/run/" + u, dir_ + "/pods/exited-garbage/" + u);
    }
    done = true;
  });
  int listings = 0;
  while (!done || listings == 0) {
    auto all = list_pods(dir_);
    ASSERT_TRUE(all) << all.error().text();
    std::set<std::string> seen;
    for (const auto& p : *all) seen.insert(p.uuid);
    EXPECT_EQ(seen.size(), all->size());
    ++listings;
  }
  mover.join();
  auto all = list_pods(dir_);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), static_cast<size_t>(kPods));
  for (const auto& p : *all) EXPECT_EQ(p.state, PodState::kExitedGarbage);
}

TEST_F(PodDirTest, ReadUuidFile) {
  write(dir_ + "/ok", std::string(kUuidA) + "\n");
  auto ok = read_uuid_file(dir_ + "/ok");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, kUuidA);
  write(dir_ + "/bad", "hello\n");
  EXPECT_FALSE(read_uuid_file(dir_ + "/bad"));
  EXPECT_FALSE(read_uuid_file(dir_ + "/missing"));
}

TEST(UuidTest, NewUuidsAreVersion4AndDistinct) {
  auto a = new_uuid();
  auto b = new_uuid();
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(is_uuid(*a));
  EXPECT_NE(*a, *b);
  EXPECT_EQ((*a)[14], '4');
  EXPECT_NE(std::string("89ab").find((*a)[19]), std::string::npos);
  EXPECT_FALSE(is_uuid("0A1B2C3D-0000-4000-8000-000000000001"));
  EXPECT_TRUE(check_uuid_prefix("0a1b2c3d-00"));
  EXPECT_FALSE(check_uuid_prefix("0a1b2c3d0"));
}

}  // namespace
}  // namespace stage0::pods
