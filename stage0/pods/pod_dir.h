// The pod directory state machine (Documentation/devel/pod-lifecycle.md): a pod's state is the
// directory it sits in under <data dir>/pods/ plus whether its dir fd is flock'ed, exactly as rkt
// kept it. Transitions are rename(2); every reader tolerates a pod moving under it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oslayer/fd.h"
#include "oslayer/result.h"

namespace stage0::pods {

enum class PodState {
  kEmbryo,
  kPreparing,
  kAbortedPrepare,
  kPrepared,
  kRunning,
  kDeleting,
  kExitedDeleting,
  kExited,
  kExitedGarbage,
  kGarbage
};
// rkt's names: "embryo", "preparing", "aborted prepare", "prepared", "running", "deleting",
// "exited deleting", "exited", "exited garbage", "garbage".
std::string_view state_name(PodState s);

// The state directories under pods/, in the order a pod moves through them, so that a reader
// walking them in this order meets a pod renamed under it again further on.
inline constexpr std::string_view kEmbryoDir = "embryo";
inline constexpr std::string_view kPrepareDir = "prepare";
inline constexpr std::string_view kPreparedDir = "prepared";
inline constexpr std::string_view kRunDir = "run";
inline constexpr std::string_view kExitedGarbageDir = "exited-garbage";
inline constexpr std::string_view kGarbageDir = "garbage";
inline constexpr std::string_view kStateDirs[] = {kEmbryoDir, kPrepareDir,       kPreparedDir,
                                                  kRunDir,    kExitedGarbageDir, kGarbageDir};

// A pod this process holds the exclusive lock of (being created, or taken for run-prepared).
class HeldPod {
 public:
  // New random UUID (v4, from getrandom), mkdir <data_dir>/pods/embryo/<uuid> (0750; parents
  // created as needed, pods/ and its state dirs 0750), exclusive flock on the dir fd, rename to
  // pods/prepare/<uuid>. The dir fd (O_DIRECTORY|O_CLOEXEC) is also the lock.
  [[nodiscard]] static oslayer::Result<HeldPod> create(const std::string& data_dir);
  // run-prepared: non-blocking exclusive lock of pods/prepared/<uuid>, then rename to pods/run/.
  // A second concurrent caller fails with a clear error ("pod UUID is not prepared" / busy).
  // The pod is then in run/ for good: the destructor never removes it (an unlocked run/ pod is
  // "exited", and gc collects it).
  [[nodiscard]] static oslayer::Result<HeldPod> take_prepared(const std::string& data_dir,
                                                              const std::string& uuid);

  const std::string& uuid() const { return uuid_; }
  // The pod dir fd (O_RDONLY|O_DIRECTORY); use openat/mkdirat beneath it. It is also the lock.
  const oslayer::Fd& dir() const { return dir_; }
  // Current absolute path (changes on transitions).
  std::string path() const;

  // prepare/ -> prepared/, then unlocks (dir() stays open).
  [[nodiscard]] oslayer::Result<void> to_prepared();
  // prepare/ -> run/, keeps the lock.
  [[nodiscard]] oslayer::Result<void> to_run();
  // Clears FD_CLOEXEC on the lock fd and returns its number, for RKT_LOCK_FD before exec.
  [[nodiscard]] oslayer::Result<int> lock_fd_for_exec();

  // If neither to_prepared() nor to_run() succeeded (and the pod was not taken from prepared/),
  // the pod dir is removed: a failed prepare leaves nothing.
  ~HeldPod();
  HeldPod(HeldPod&&) noexcept;
  HeldPod& operator=(HeldPod&&) noexcept;
  HeldPod(const HeldPod&) = delete;
  HeldPod& operator=(const HeldPod&) = delete;

 private:
  HeldPod(std::string data_dir, std::string uuid, std::string_view state_dir, oslayer::Fd dir);
  oslayer::Status move_to(std::string_view to_dir);
  void discard();

  std::string data_dir_;
  std::string uuid_;
  std::string_view state_dir_;
  oslayer::Fd dir_;
  bool keep_ = false;  // true once the pod reached prepared/ or run/
};

// Reading pods (no lock needed, tolerant of concurrent renames).
struct PodRef {
  std::string uuid;
  PodState state;
  std::string path;  // absolute, <data_dir>/pods/<state dir>/<uuid>
};
// Every pod, sorted by UUID.
[[nodiscard]] oslayer::Result<std::vector<PodRef>> list_pods(const std::string& data_dir);
// A full UUID or an unambiguous prefix (rkt accepts prefixes); errors: no such pod / ambiguous.
// A full UUID costs a handful of opens, whatever the number of other pods.
[[nodiscard]] oslayer::Result<PodRef> find_pod(const std::string& data_dir,
                                               std::string_view uuid_or_prefix);
// --uuid-file: reads the UUID from a file (trailing newline allowed).
[[nodiscard]] oslayer::Result<std::string> read_uuid_file(const std::string& path);

// The state of the pod whose dir `dir_fd` (O_RDONLY) sits in state directory `state_dir`, by a
// non-blocking shared lock probe (released before returning).
[[nodiscard]] oslayer::Result<PodState> probe_state(std::string_view state_dir, int dir_fd);
// The state of `pod` now, looking it up again if it moved (ENOENT when it is gone).
[[nodiscard]] oslayer::Result<PodRef> refresh_pod(const std::string& data_dir,
                                                  const std::string& uuid);

}  // namespace stage0::pods
