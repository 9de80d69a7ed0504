// /stop, the stage1 `stop` entrypoint: `stop [--force] UUID`, current directory = the pod dir.
// Signals the pod's PID 1 from the `pid` file. Needs the right to signal it (root).
#include "stage1/entrypoints.h"

int main(int argc, char** argv) { return stage1::stop_pod({argv + 1, argv + argc}); }
