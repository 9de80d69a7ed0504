// <data dir>/locks/prepareLock: `run` and `prepare` hold it shared while they prepare a pod
// (render trees, write the pod dir); `image gc` holds it exclusively, so it never removes a tree
// that a pod being prepared is about to name in its stage1TreeStoreID or appsinfo.
#pragma once

#include <string>

#include "oslayer/flock.h"
#include "oslayer/result.h"

namespace stage0::pods {

// Blocks until the lock is held; locks/ (0750) and the lock file are created when missing.
[[nodiscard]] oslayer::Result<oslayer::FileLock> hold_prepare_lock_shared(
    const std::string& data_dir);
[[nodiscard]] oslayer::Result<oslayer::FileLock> hold_prepare_lock_exclusive(
    const std::string& data_dir);
// The exclusive lock if no one holds it now (EWOULDBLOCK otherwise): `gc`, which must not wait
// behind a prepare, and must not collect a pod dir that one is making (its embryo).
[[nodiscard]] oslayer::Result<oslayer::FileLock> try_prepare_lock_exclusive(
    const std::string& data_dir);

}  // namespace stage0::pods
