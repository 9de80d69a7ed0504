# shellcheck shell=bash
# tests/lib.sh: the checks the integration scripts share. Sourced, not run; the script sets T
# (its temp dir) before calling check. Each check counts one pass or prints one FAIL line.
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# check NAME EXPECTED_RC CMD...: runs CMD (stdin closed, output in $T/out and $T/err) and
# compares its exit code.
check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err" </dev/null
  local rc=$?
  if [ "$rc" = "$want" ]; then ok; else
    bad "$name: exit $rc, wanted $want"
    sed 's/^/  | /' "$T/err" | tail -5
  fi
}
# contains NAME FILE TEXT
contains() {
  if grep -qF -- "$3" "$2"; then ok; else
    bad "$1: $2 lacks \"$3\""
    sed 's/^/  | /' "$2" | head -8
  fi
}
# equals NAME GOT WANT
equals() { if [ "$2" = "$3" ]; then ok; else bad "$1: got \"$2\", wanted \"$3\""; fi; }
# matches NAME GOT ERE
matches() { if [[ $2 =~ $3 ]]; then ok; else bad "$1: \"$2\" does not match /$3/"; fi; }
# pod_cgroups UUID: the pod's cgroup directories in every hierarchy (rkt-<uuid>, below whatever
# cgroup the stage1 ran in).
pod_cgroups() { find /sys/fs/cgroup -type d -name "rkt-$1" 2>/dev/null; }
# host_mounts: the host's mount points, sorted, without pods' network namespace pins
# (/run/netns/rkt-<uuid>), which the suites running alongside make and remove.
# Other suites running beside this one mount and unmount in their own mktemp dirs (the crash
# suite's full-disk tmpfs): those are theirs, and only this suite's own ($T) are compared.
host_mounts() {
  cut -d' ' -f5 /proc/self/mountinfo | grep -v '^/run/netns/rkt-' |
    awk -v tmp="${TMPDIR:-/tmp}/tmp." -v own="$T" \
      'index($0, tmp) != 1 || $0 == own || index($0, own "/") == 1' | sort
}
# eventually SECONDS CMD...: true as soon as CMD is (polled every 50 ms), false after SECONDS.
eventually() {
  local n=$(($1 * 20))
  shift
  while [ $n -gt 0 ]; do
    "$@" && return 0
    sleep 0.05
    n=$((n - 1))
  done
  return 1
}
# dead PID: the process is gone.
dead() { ! kill -0 "$1" 2>/dev/null; }
# start_pod NAME RKT-RUN-ARGS...: `rkt run` in the background ("$RKT" "${rkt_flags[@]}", stdin
# closed, output in $T/NAME.out), with SIGINT and SIGQUIT at their defaults (a background job
# of a script has them ignored, which a pod's signal forwarding would inherit). Sets $pid and
# $uuid, appends them to bg_pids and uuids for the script's cleanup, and returns once every app
# runs; one FAIL line and false if the UUID or readiness never comes.
start_pod() {
  local name=$1
  shift
  rm -f "$T/$name.uuid"
  env --default-signal=INT,QUIT "$RKT" "${rkt_flags[@]}" \
    run --uuid-file-save="$T/$name.uuid" "$@" >"$T/$name.out" 2>&1 </dev/null &
  pid=$!
  bg_pids+=("$pid")
  uuid=
  eventually 10 test -s "$T/$name.uuid" && uuid=$(cat "$T/$name.uuid")
  if [ -z "$uuid" ]; then
    bad "$name: no UUID saved"
    sed 's/^/  | /' "$T/$name.out" | tail -5
    return 1
  fi
  uuids+=("$uuid")
  if ! "$RKT" "${rkt_flags[@]}" status --wait-ready=10s "$uuid" >"$T/$name.status" 2>&1; then
    bad "$name: pod did not become ready"
    sed 's/^/  | /' "$T/$name.status" "$T/$name.out" | tail -5
    return 1
  fi
}
# finish NAME: the summary line; fails the script if any check failed.
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}
