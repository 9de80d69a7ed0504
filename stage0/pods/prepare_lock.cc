#include "stage0/pods/prepare_lock.h"

#include <fcntl.h>

namespace stage0::pods {
namespace {

oslayer::Result<oslayer::FileLock> hold(const std::string& data_dir, oslayer::LockMode mode,
                                        oslayer::LockWait wait = oslayer::LockWait::kBlock) {
  if (auto st = oslayer::make_dirs(AT_FDCWD, data_dir + "/locks", 0750); !st) {
    return std::move(st).error().context("taking the prepare lock");
  }
  return oslayer::lock_path(AT_FDCWD, data_dir + "/locks/prepareLock", mode, wait)
      .context("taking the prepare lock");
}

}  // namespace

oslayer::Result<oslayer::FileLock> hold_prepare_lock_shared(const std::string& data_dir) {
  return hold(data_dir, oslayer::LockMode::kShared);
}

oslayer::Result<oslayer::FileLock> hold_prepare_lock_exclusive(const std::string& data_dir) {
  return hold(data_dir, oslayer::LockMode::kExclusive);
}

oslayer::Result<oslayer::FileLock> try_prepare_lock_exclusive(const std::string& data_dir) {
  return hold(data_dir, oslayer::LockMode::kExclusive, oslayer::LockWait::kTry);
}

}  // namespace stage0::pods
