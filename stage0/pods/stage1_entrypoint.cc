#include "stage0/pods/stage1_entrypoint.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "appc-spec/image_manifest.h"
#include "oslayer/beneath.h"
#include "oslayer/fd.h"

extern char** environ;

namespace stage0::pods {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// posix_spawn's file actions and attributes, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  SpawnSetup() { posix_spawn_file_actions_init(&actions); }
  ~SpawnSetup() { posix_spawn_file_actions_destroy(&actions); }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

oslayer::Result<std::string> stage1_entrypoint_path(const std::string& data_dir, const PodRef& pod,
                                                    std::string_view name) {
  std::string what = "pod " + pod.uuid + ": stage1 " + std::string(name) + " entrypoint";
  auto manifest = oslayer::read_file(pod.path + "/stage1/manifest", appc::kMaxManifestSize);
  if (!manifest) return std::move(manifest).error().context(what);
  auto m = appc::decode_image_manifest(*manifest);
  if (!m) return std::move(m).error().context(what + ": stage1/manifest");
  auto ep = appc::find_annotation(m->annotations, "coreos.com/rkt/stage1/" + std::string(name));
  if (!ep || ep->empty() || (*ep)[0] != '/') {
    return oslayer::Error::msg("stage1 " + m->name.str() + " does not implement " +
                               std::string(name));
  }
  auto tree = oslayer::read_file(pod.path + "/stage1TreeStoreID", 1024);
  if (!tree) return std::move(tree).error().context(what);
  std::string tree_id = trimmed(*tree);
  if (tree_id.empty() || tree_id.find('/') != std::string::npos || tree_id[0] == '.') {
    return oslayer::Error::msg(what + ": stage1TreeStoreID \"" + tree_id + "\" is not a tree ID");
  }
  std::string rootfs = data_dir + "/cas/tree/" + tree_id + "/rootfs";
  auto root = oslayer::open_path(rootfs, O_PATH | O_DIRECTORY);
  if (!root) return std::move(root).error().context(what + ": stage1 tree " + tree_id);
  // The annotation is data from an image: it must name a file inside the tree.
  auto file = oslayer::open_beneath(root->get(), ep->substr(1), O_PATH, 0,
                                    oslayer::Symlinks::kFollowInside);
  if (!file) return std::move(file).error().context(what + " " + *ep);
  return rootfs + *ep;
}

oslayer::Result<int> run_stage1_entrypoint(const std::string& data_dir, const PodRef& pod,
                                           std::string_view name,
                                           const std::vector<std::string>& args) {
  auto path = stage1_entrypoint_path(data_dir, pod, name);
  if (!path) return std::move(path).error();
  std::vector<std::string> argv_s = {*path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  // posix_spawn (vfork + exec in glibc): no code of ours runs in the child, so nothing can
  // unwind across the fork; the child starts in the pod dir as the interface requires.
  SpawnSetup setup;
  if (int err = posix_spawn_file_actions_addchdir_np(&setup.actions, pod.path.c_str()); err != 0) {
    return oslayer::Error::sys(err, "preparing to run " + *path);
  }
  pid_t pid = 0;
  if (int err = posix_spawn(&pid, path->c_str(), &setup.actions, nullptr, argv.data(), environ);
      err != 0) {
    return oslayer::Error::sys(err, "running stage1 " + std::string(name) + " entrypoint " + *path);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return oslayer::Error::sys(errno, "waiting for " + *path);
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace stage0::pods
