#!/usr/bin/env bash
# The whole test suite, as the README gives it: installs what is missing, configures and builds
# into ./build (or $ROCKET_BUILD_DIR), then runs every suite (unit and integration). Run as root:
# the integration suites start real pods.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${ROCKET_BUILD_DIR:-build}
bash .ci/install-deps
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" ${ROCKET_MESON_ARGS:-}
fi
ninja -C "$build"
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
