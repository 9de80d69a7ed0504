#!/usr/bin/env bash
# Resource isolators with real pods: --memory, --cpu, --cpu-shares and --oom-score-adj land in
# the app's cgroup files and process; an app past its memory limit is OOM-killed and `rkt status`
# (text and JSON) says so with its exit status; pod-level isolators of a --pod-manifest bound the
# apps; bad values are refused with exit 254 and no pod left; unknown isolators are an error in
# an app and a notice at pod level. Works on cgroup v1/hybrid and v2-only hosts; a host where a
# controller is missing fails with a message naming it.
# Usage: isolators_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
PROBE=$3
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
D=$T/data
rkt_flags=(--dir="$D" --local-config="$T/etc" --system-config="$T/sys")
rkt() { "$RKT" "${rkt_flags[@]}" "$@"; }
bg_pids=()
uuids=()
cleanup() {
  local p u dir
  for u in "${uuids[@]}"; do rkt stop --force "$u" >/dev/null 2>&1; done
  for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  for u in "${uuids[@]}"; do
    for dir in $(pod_cgroups "$u"); do find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  rm -rf "$T"
}
trap cleanup EXIT
lacks() { if grep -qF -- "$3" "$2"; then bad "$1: $2 has \"$3\""; else ok; fi; }
pod_dirs() { find "$D/pods" -mindepth 2 -maxdepth 2 2>/dev/null | wc -l; }

# start NAME RKT-RUN-ARGS...: lib.sh's start_pod.
start() { start_pod "$@"; }
# stop_pod: SIGKILLs the pod started last and waits for its `rkt run`.
stop_pod() {
  rkt stop --force "$uuid" >/dev/null 2>&1
  eventually 20 dead "$pid"
  wait "$pid" 2>/dev/null
}

# The pod's cgroup directory that holds CONTROLLER: its v1 hierarchy, else the unified tree.
cg_dir() {
  local controller=$1 u=$2 d v1file v2file
  case "$controller" in
    memory) v1file=memory.limit_in_bytes v2file=memory.max ;;
    cpu) v1file=cpu.cfs_quota_us v2file=cpu.max ;;
  esac
  for d in $(pod_cgroups "$u"); do
    if [ -e "$d/$v1file" ]; then echo "$d"; return; fi
  done
  for d in $(pod_cgroups "$u"); do
    if [ -e "$d/$v2file" ]; then echo "$d"; return; fi
  done
}
# want_weight DIR SHARES: what the cpu directory DIR shows for SHARES (v2: systemd's weight).
want_weight() {
  if [ -e "$1/cpu.shares" ]; then echo "$2"; else echo $(($2 * 100 / 1024)); fi
}
# memory_limit DIR, cpu_quota DIR ("QUOTA PERIOD"), cpu_weight DIR: as v1 or v2 files say them.
memory_limit() {
  if [ -e "$1/memory.limit_in_bytes" ]; then cat "$1/memory.limit_in_bytes"; else cat "$1/memory.max"; fi
}
cpu_quota() {
  if [ -e "$1/cpu.cfs_quota_us" ]; then echo "$(cat "$1/cpu.cfs_quota_us") $(cat "$1/cpu.cfs_period_us")"
  else cat "$1/cpu.max"; fi
}
cpu_weight() {
  if [ -e "$1/cpu.shares" ]; then cat "$1/cpu.shares"; else cat "$1/cpu.weight"; fi
}

if [ "$(id -u)" != 0 ]; then echo "FAIL isolators_test.sh needs root"; exit 1; fi
command -v python3 >/dev/null || { echo "FAIL python3 is missing"; exit 1; }
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "FAIL no stage1-rocket.aci next to $RKT (the stage1 build is missing)"
  exit 1
fi
# The kernel features the test needs: a memory and a cpu controller (v1, or v2 with them
# available to our cgroup), and the OOM kill count (Linux 4.13+).
if [ ! -e /sys/fs/cgroup/memory/memory.limit_in_bytes ] &&
  ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
  echo "FAIL no memory cgroup controller on this host (v1 memory hierarchy or v2 memory)"
  exit 1
fi
if [ ! -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && [ ! -e /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us ] &&
  ! grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
  echo "FAIL no cpu cgroup controller with CFS bandwidth on this host"
  exit 1
fi
cp "$PROBE" "$PROBE.asc" "$T/"
PR=$T/probe.aci
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
PROBE_ID=$(rkt fetch --full "$PR" 2>/dev/null | tail -1)
case "$PROBE_ID" in sha512-*) ok ;; *) bad "fetch: no image ID (\"$PROBE_ID\")"; exit 1 ;; esac

# --- 1. per-app flags land in the app's cgroup and process; the app sees itself in that cgroup.
start limits "$PR" --memory=64Mi --cpu=500m --cpu-shares=512 --oom-score-adj=500 \
  --exec /bin/sh -- -c '/probe cat /proc/self/cgroup; /probe cat /proc/self/oom_score_adj; exec /probe sleep 30'
U1=$uuid
mem=$(cg_dir memory "$U1")
cpu=$(cg_dir cpu "$U1")
if [ -n "$mem" ] && [ -n "$cpu" ]; then
  equals memory-limit-app "$(memory_limit "$mem/probe")" 67108864
  equals cpu-quota-app "$(cpu_quota "$cpu/probe")" "50000 100000"
  equals cpu-shares-app "$(cpu_weight "$cpu/probe")" "$(want_weight "$cpu" 512)"
  # No pod-level isolator: the pod cgroup itself is not limited.
  [ "$(memory_limit "$mem")" != 67108864 ] && ok || bad "memory-limit-pod: the pod cgroup got the app's limit"
  app_pid=$(head -1 "$mem/probe/cgroup.procs")
  equals oom-score-adj-outside "$(cat "/proc/$app_pid/oom_score_adj" 2>/dev/null)" 500
else
  bad "limits: no memory or cpu cgroup for pod $U1: $(pod_cgroups "$U1" | tr '\n' ' ')"
fi
eventually 5 grep -q '^500$' "$T/limits.out"
contains oom-score-adj-inside "$T/limits.out" "500"
# Inside, the app's own memory cgroup is the limited one (rkt-<uuid>/probe).
if grep -q ':memory:' "$T/limits.out"; then
  contains cgroup-inside "$T/limits.out" "rkt-$U1/probe"
else
  grep -q '^0::.*rkt-'"$U1"'/probe' "$T/limits.out" && ok || bad "cgroup-inside: $(cat "$T/limits.out")"
fi
stop_pod
check limits-status 0 rkt status "$U1"
lacks limits-status-no-oom "$T/out" "oom-killed"

# --- 2. whole cores and decimal megabytes.
start cores "$PR" --cpu=2 --memory=64M --exec /probe -- sleep 30
mem=$(cg_dir memory "$uuid")
cpu=$(cg_dir cpu "$uuid")
equals memory-limit-decimal "$(memory_limit "$mem/probe" 2>/dev/null)" 64000000
equals cpu-quota-two-cores "$(cpu_quota "$cpu/probe" 2>/dev/null)" "200000 100000"
stop_pod

# --- 3. an app allocating past its limit is OOM-killed; status says so, with its exit status.
check oom-run 137 rkt run --uuid-file-save="$T/oom.uuid" "$PR" --memory=32Mi --exec /probe -- alloc 512
contains oom-run-notice "$T/err" "OOM killer"
UO=$(cat "$T/oom.uuid")
uuids+=("$UO")
check oom-status 0 rkt status "$UO"
contains oom-status-exit "$T/out" "app-probe=137"
contains oom-status-oom "$T/out" "oom-killed-probe=true"
check oom-status-json 0 rkt status --format=json "$UO"
python3 - "$T/out" <<'EOP' && ok || bad "oom-status-json: $(cat "$T/out")"
import json, sys
pod = json.load(open(sys.argv[1]))
app = pod["apps"][0]
assert app["exit_code"] == 137 and app["oom_killed"] is True and app["state"] == "exited", app
EOP
check oom-list-json 0 rkt list --format=json
python3 - "$T/out" "$UO" <<'EOP' && ok || bad "oom-list-json: $(cat "$T/out")"
import json, sys
pods = {p["name"]: p for p in json.load(open(sys.argv[1]))}
assert pods[sys.argv[2]]["apps"][0]["oom_killed"] is True
EOP
# An app that stays below its limit is not OOM-killed.
check below-limit 0 rkt run --uuid-file-save="$T/below.uuid" "$PR" --memory=64Mi --exec /probe -- alloc 8
uuids+=("$(cat "$T/below.uuid")")
check below-limit-status 0 rkt status --format=json "$(cat "$T/below.uuid")"
lacks below-limit-no-oom "$T/out" "oom_killed"

# --- 4. pod-level isolators (--pod-manifest) bound the apps.
pod_manifest() {  # pod_manifest FILE APP_EXEC_JSON APP_ISOLATORS_JSON POD_ISOLATORS_JSON
  cat >"$1" <<EOF
{"acKind":"PodManifest","acVersion":"0.8.11",
 "apps":[{"name":"probe","image":{"name":"example.com/probe","id":"$PROBE_ID"},
          "app":{"exec":$2,"user":"0","group":"0","isolators":$3}}],
 "isolators":$4}
EOF
}
pod_manifest "$T/bounded.json" '["/probe","sleep","30"]' \
  '[{"name":"resource/memory","value":{"limit":"256Mi"}},{"name":"resource/cpu","value":{"limit":"2"}}]' \
  '[{"name":"resource/memory","value":{"limit":"32Mi"}},{"name":"resource/cpu","value":{"limit":"500m"}},
    {"name":"os/linux/cpu-shares","value":256}]'
start bounded --pod-manifest="$T/bounded.json"
mem=$(cg_dir memory "$uuid")
cpu=$(cg_dir cpu "$uuid")
equals pod-memory-limit "$(memory_limit "$mem" 2>/dev/null)" 33554432
equals pod-memory-bounds-app "$(memory_limit "$mem/probe" 2>/dev/null)" 33554432
equals pod-cpu-quota "$(cpu_quota "$cpu" 2>/dev/null)" "50000 100000"
equals pod-cpu-bounds-app "$(cpu_quota "$cpu/probe" 2>/dev/null)" "50000 100000"
equals pod-cpu-shares "$(cpu_weight "$cpu" 2>/dev/null)" "$(want_weight "$cpu" 256)"
contains pod-bounds-notice "$T/bounded.out" "resource/memory limit 268435456 bytes lowered to the pod's 33554432 bytes"
stop_pod
# An app without a limit of its own is held by the pod's.
pod_manifest "$T/podoom.json" '["/probe","alloc","512"]' '[]' \
  '[{"name":"resource/memory","value":{"limit":"32Mi"}}]'
check pod-oom-run 137 rkt run --uuid-file-save="$T/podoom.uuid" --pod-manifest="$T/podoom.json"
uuids+=("$(cat "$T/podoom.uuid")")
check pod-oom-status 0 rkt status "$(cat "$T/podoom.uuid")"
contains pod-oom-status-exit "$T/out" "app-probe=137"
contains pod-oom-status-oom "$T/out" "oom-killed-probe=true"

# --- 5. oom-score-adj below stage1's own needs CAP_SYS_RESOURCE: set with it, a notice without.
check oom-score-negative 0 rkt run "$PR" --oom-score-adj=-100 --exec /probe -- cat /proc/self/oom_score_adj
if (( ($(grep CapEff /proc/self/status | awk '{print "0x"$2}') >> 24) & 1 )); then
  contains oom-score-negative-set "$T/out" "-100"
else
  contains oom-score-negative-notice "$T/err" "os/linux/oom-score-adj -100 not applied"
fi

# --- 6. bad values: one line naming the flag and value, exit 254, no pod left.
before=$(pod_dirs)
for bad_flag in --memory=lots --memory=0 --memory=-5Mi --memory=64K --cpu=0 --cpu=fast \
  --cpu-shares=1 --cpu-shares=262145 --cpu-shares=1.5 --oom-score-adj=1001 --oom-score-adj=x; do
  check "bad $bad_flag" 254 rkt run "$PR" "$bad_flag"
  contains "bad $bad_flag names it" "$T/err" "${bad_flag%%=*} \"${bad_flag#*=}\""
  equals "bad $bad_flag one line" "$(wc -l <"$T/err")" 1
  equals "bad $bad_flag no pod" "$(pod_dirs)" "$before"
done
check bad-prepare 254 rkt prepare "$PR" --cpu=lots
equals bad-prepare-no-pod "$(pod_dirs)" "$before"
check bad-twice 2 rkt run "$PR" --memory=1Mi --memory=2Mi
equals bad-twice-no-pod "$(pod_dirs)" "$before"
pod_manifest "$T/zero.json" '["/probe","exit","0"]' '[{"name":"resource/memory","value":{"limit":"0"}}]' '[]'
check bad-zero-manifest 254 rkt run --pod-manifest="$T/zero.json"
contains bad-zero-manifest-msg "$T/err" "resource/memory: the limit must be above zero"
equals bad-zero-manifest-no-pod "$(pod_dirs)" "$before"

# --- 7. unknown isolators: an error in an app, a notice at pod level (the appc spec lets an
# executor ignore those it does not understand if it tells the user).
pod_manifest "$T/unknown-app.json" '["/probe","exit","0"]' '[{"name":"example.com/bogus","value":{}}]' '[]'
check unknown-app 254 rkt run --pod-manifest="$T/unknown-app.json"
contains unknown-app-msg "$T/err" 'unknown isolator "example.com/bogus"'
equals unknown-app-no-pod "$(pod_dirs)" "$before"
pod_manifest "$T/unknown-pod.json" '["/probe","exit","0"]' '[]' '[{"name":"example.com/custom","value":{"x":1}}]'
check unknown-pod 0 rkt run --uuid-file-save="$T/unknown.uuid" --pod-manifest="$T/unknown-pod.json"
uuids+=("$(cat "$T/unknown.uuid")")
contains unknown-pod-notice "$T/err" "pod isolator example.com/custom is not enforced by Rocket: ignored"

# --- 8. nothing left: cgroups of every pod are gone once they are collected.
check final-gc 0 rkt gc --grace-period=0s --expire-prepared=0s
for u in "${uuids[@]}"; do equals "leftover-cgroups-$u" "$(pod_cgroups "$u")" ""; done
equals leftover-pod-dirs "$(pod_dirs)" 0

finish isolators_test
