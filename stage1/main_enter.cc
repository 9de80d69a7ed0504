// /enter, the stage1 `enter` entrypoint: `enter --pid=PID --appname=APP [--debug] [-- CMD
// [ARGS...]]`, current directory = the pod dir. Runs CMD (default: the app's /bin/sh) inside the
// running app with the app's own isolation. Needs root (setns, cgroup moves).
#include "stage1/entrypoints.h"

int main(int argc, char** argv) { return stage1::enter_pod({argv + 1, argv + argc}); }
