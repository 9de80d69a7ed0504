#include "stage0/image_gc.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "oslayer/fd.h"
#include "oslayer/log.h"
#include "oslayer/remove_tree.h"
#include "stage0/pods/prepare_lock.h"
#include "stage0/store/tree_store.h"

namespace stage0 {
namespace {

std::vector<std::string> list_dir(int dir, const std::string& path) {
  std::vector<std::string> out;
  auto fd = oslayer::open_at(dir, path, O_RDONLY | O_DIRECTORY);
  if (!fd) return out;
  DIR* d = ::fdopendir(fd->release());
  if (d == nullptr) return out;
  while (struct dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  return out;
}

std::string trim_id(std::string id) {
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ' || id.back() == '\r')) id.pop_back();
  return id;
}

// Tree IDs that pods still name (stage1TreeStoreID and appsinfo/<app>/treeStoreID, rkt's pod
// layout). A pod that cannot be read keeps all its trees: gc must never pull one from under it.
std::set<std::string> trees_in_use(const std::string& data_dir) {
  std::set<std::string> used;
  auto pods = oslayer::open_path(data_dir + "/pods", O_RDONLY | O_DIRECTORY);
  if (!pods) return used;
  for (const auto& state : list_dir(pods->get(), ".")) {
    for (const auto& uuid : list_dir(pods->get(), state)) {
      std::string pod = data_dir + "/pods/" + state + "/" + uuid;
      if (auto id = oslayer::read_file(pod + "/stage1TreeStoreID", 1024)) {
        used.insert(trim_id(*id));
      }
      auto apps = oslayer::open_path(pod + "/appsinfo", O_RDONLY | O_DIRECTORY);
      if (!apps) continue;
      for (const auto& app : list_dir(apps->get(), ".")) {
        if (auto id = oslayer::read_file(pod + "/appsinfo/" + app + "/treeStoreID", 1024)) {
          used.insert(trim_id(*id));
        }
      }
    }
  }
  return used;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

oslayer::Status remove_image(store::Store& store, const std::string& id) {
  auto trees = store::trees_of_image(store, id);
  if (!trees) return std::move(trees).error();
  for (const auto& t : *trees) {
    if (auto st = store::remove_tree_dir(store, t); !st) return st;
  }
  return store.remove(id);
}

oslayer::Result<GcReport> collect_image_garbage(store::Store& store, const std::string& data_dir,
                                                std::chrono::nanoseconds grace) {
  // A pod being prepared has rendered its trees but may not have named them in its dir yet:
  // run and prepare hold this lock shared until they have, so with it held exclusively every
  // tree in use is named by some pod.
  auto prepare_lock = pods::hold_prepare_lock_exclusive(data_dir);
  if (!prepare_lock) return std::move(prepare_lock).error().context("image gc");
  GcReport report;
  auto images = store.list();
  if (!images) return std::move(images).error();
  std::set<std::string> live;
  std::set<std::string> expired;
  int64_t cutoff = now_ns() - grace.count();
  for (const auto& r : *images) {
    (r.last_used_ns < cutoff ? expired : live).insert(r.id);
  }
  std::set<std::string> used = trees_in_use(data_dir);

  // Trees first: an image whose tree a pod uses stays, whatever its age.
  for (const auto& tree : list_dir(store.cas_fd(), "tree")) {
    if (tree.rfind(".tmp-", 0) == 0) {
      // An interrupted render; nobody can be using it.
      (void)oslayer::remove_tree(store.cas_fd(), "tree/" + tree);
      continue;
    }
    auto image = oslayer::read_file(store.cas_dir() + "/tree/" + tree + "/image", 1024);
    if (used.count(tree) != 0) {
      if (image) {
        live.insert(*image);
        expired.erase(*image);
      }
      continue;
    }
    if (auto st = store::remove_tree_dir(store, tree); !st) {
      oslayer::log_error(std::move(st).error().context("image gc: removing tree " + tree));
      ++report.failures;
      continue;
    }
    report.lines.push_back("removed treestore \"" + tree + "\"");
  }
  for (const auto& id : expired) {
    if (auto st = store.remove(id); !st) {
      oslayer::log_error(std::move(st).error().context("image gc: removing image " + id));
      ++report.failures;
      continue;
    }
    report.lines.push_back("successfully removed aci for image: \"" + id + "\"");
  }
  // Blobs without a record: a crash between removing a row and its blob.
  for (const auto& fan : list_dir(store.cas_fd(), "blob/sha512")) {
    for (const auto& blob : list_dir(store.cas_fd(), "blob/sha512/" + fan)) {
      if (live.count(blob) != 0) continue;
      auto rec = store.find_by_id(blob);
      if (rec && rec->id == blob) continue;
      (void)::unlinkat(store.cas_fd(), ("blob/sha512/" + fan + "/" + blob).c_str(), 0);
    }
  }
  return report;
}

}  // namespace stage0
