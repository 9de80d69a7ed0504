// /init, the stage1 `run` entrypoint (Documentation/devel/stage1-interface.md).
// Inputs: flags and the pod UUID in argv, RKT_LOCK_FD and NOTIFY_SOCKET in the environment, the
// pod dir as the current directory (pod manifest, runtime-config, mounted stage1 and app
// rootfs). Output: the pod's exit code. Needs root: it makes namespaces, cgroups and mounts.
#include "stage1/entrypoints.h"

int main(int argc, char** argv) { return stage1::run_pod({argv + 1, argv + argc}); }
