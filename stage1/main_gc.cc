// /gc, the stage1 `gc` entrypoint: `gc [--debug] [--local-config=DIR] UUID`, current directory =
// the pod dir. Removes the pod's cgroups listed in `cgroups`. Needs root.
#include "stage1/entrypoints.h"

int main(int argc, char** argv) { return stage1::gc_pod({argv + 1, argv + argc}); }
