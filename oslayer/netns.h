// Network namespaces that outlive their processes: a pod's namespace is bind-mounted on a file
// (its "pin") so that the CNI plugins' DEL can still find the interfaces, addresses and
// masquerade rules to remove after every process of the pod has died.
#pragma once

#include <string>

#include "oslayer/result.h"

namespace oslayer {

// Makes a new, empty network namespace and bind-mounts it on `path` (created; its directory
// too) in the caller's mount namespace. The calling thread stays in its own network namespace.
[[nodiscard]] Status create_pinned_netns(const std::string& path);
// Unmounts the pin and removes the file; a pin that is gone already is fine. The namespace
// ends when nothing else holds it.
[[nodiscard]] Status remove_pinned_netns(const std::string& path);
// True when `path` is a mounted network namespace.
bool is_pinned_netns(const std::string& path);

}  // namespace oslayer
