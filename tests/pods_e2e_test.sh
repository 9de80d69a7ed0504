#!/usr/bin/env bash
# Real pods driven through `rkt` only, end to end: run in the background, status --wait-ready
# and --wait, list, stop (graceful and --force), SIGTERM/SIGINT/SIGKILL of the stage1 and of the
# pod's PID 1, rm, gc with and without a grace period, exit codes through `rkt run`,
# NOTIFY_SOCKET readiness and --interactive under a pty. At the end no mount, cgroup or process
# of the test's pods may be left on the host.
# Needs root, python3 and coreutils' env --default-signal.
# Usage: pods_e2e_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds busybox.aci, .asc, demo-pubkey.asc).
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
bg_pids=()     # `rkt run` processes started in the background
helper_pids=() # the NOTIFY_SOCKET listener, status waiters
seen_pids=()   # every process seen in one of our pods: none may outlive the test
uuids=()       # every pod this test made

# pod_pids UUID: every process in the pod's cgroups.
pod_pids() {
  local dir
  for dir in $(pod_cgroups "$1"); do
    find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null
  done | sort -un
}
all_uuids() {
  local u
  for u in "${uuids[@]}"; do echo "$u"; done
  find "$D/pods" -mindepth 2 -maxdepth 2 -printf '%f\n' 2>/dev/null
}

cleanup() {
  local p u dir
  for u in $(all_uuids | sort -u); do rkt stop --force "$u" >/dev/null 2>&1; done
  for p in "${bg_pids[@]}" "${helper_pids[@]}" "${seen_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  for u in $(all_uuids | sort -u); do
    for dir in $(pod_cgroups "$u"); do
      find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  done
  grep -F " $T/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}
trap cleanup EXIT
lacks() {  # lacks NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then bad "$1: $2 has \"$3\""; else ok; fi
}
exists() { if [ -e "$2" ]; then ok; else bad "$1: $2 is missing"; fi; }
gone() { if [ -e "$2" ]; then bad "$1: $2 still exists"; else ok; fi; }
# eventually SECONDS CMD...: polls CMD every 50 ms until it succeeds; fails after SECONDS.
alive() { kill -0 "$1" 2>/dev/null; }
# exit_of PID: waits (at most 20 s) for a background `rkt run`; sets $rc to its exit code (not
# in a subshell: only this shell can wait for its children).
exit_of() {
  rc=still-running
  eventually 20 dead "$1" || return 0
  wait "$1"
  rc=$?
}

# start NAME RKT-RUN-ARGS...: lib.sh's start_pod, then records the pod's processes, none of
# which may outlive the test.
start() {
  start_pod "$@" || return 1
  local p
  for p in $(pod_pids "$uuid"); do seen_pids+=("$p"); done
}
pod_dir() { echo "$D/pods/run/$1"; }
# app_pids UUID APP: the processes in the app's cgroup.
app_pids() {
  local dir
  for dir in $(pod_cgroups "$1"); do
    cat "$dir/$2/cgroup.procs" 2>/dev/null
  done | sort -un
}
status_exited() { rkt status "$1" 2>/dev/null | grep -qx 'state=exited'; }

if [ "$(id -u)" != 0 ]; then echo "FAIL pods_e2e_test.sh needs root"; exit 1; fi
command -v python3 >/dev/null || { echo "FAIL python3 is missing"; exit 1; }
env --default-signal=INT true 2>/dev/null || { echo "FAIL env --default-signal (coreutils >= 8.31) is missing"; exit 1; }
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "FAIL no stage1-rocket.aci next to $RKT (the stage1 build is missing)"
  exit 1
fi
cp "$DEMO/busybox.aci" "$DEMO/busybox.aci.asc" "$PROBE" "$PROBE.asc" "$T/"
BB=$T/busybox.aci
PR=$T/probe.aci
rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
mounts_before=$(host_mounts)

# --- 1. a long pod: ready, running, listed, stopped gracefully, status --wait returns.
start sleeper "$PR" --exec /probe -- sleep 30
U1=$uuid P1=$pid
contains ready-status-running "$T/sleeper.status" "state=running"
contains ready-status-pid "$T/sleeper.status" "pid="
app1=$(app_pids "$U1" probe)
[ -n "$app1" ] && ok || bad "sleeper: no process in the app's cgroup"
# in_pod_cgroups NAME PID LEAF: PID is in the pod's cgroup in each v1 hierarchy a pod joins, and
# in its LEAF below it in the unified tree. (The pod's only app, without limits of its own, has no
# cgroup of its own in memory, cpu and cpuacct either: isolators_test.sh checks the app with
# limits in its own, section 11 below two apps in theirs.)
# stage1 does not move these processes through cgroup.procs: PID 1 and the app are created in
# their unified cgroup and the app's stage2 joins its v1 ones itself through the `tasks` files
# its launcher passes, and this is where that must put
# them. PID 1 (LEAF supervisor.scope) joins no v1 hierarchy: there it must be in none of the
# pod's cgroups, so that /init can remove them while PID 1 exits.
in_pod_cgroups() {
  python3 - "/proc/$2/cgroup" "$U1" "$3" <<'EOP' && ok || bad "$1: wrong cgroups: $(tr '\n' ' ' <"/proc/$2/cgroup")"
import sys
path, uuid, leaf = sys.argv[1:]
joined = {"cpu", "cpuacct", "memory", "pids", "devices", "freezer", "name=systemd"}
supervisor = leaf == "supervisor.scope"
seen = 0
for line in open(path):
    _, ctrls, where = line.rstrip("\n").split(":", 2)
    names = set(ctrls.split(",")) if ctrls else set()
    if ctrls and not joined & names:
        continue
    if ctrls and supervisor:
        if "/rkt-" + uuid in where:
            sys.exit(1)
        continue
    seen += 1
    want = "/rkt-" + uuid + ("/" + leaf if not ctrls else "")
    if not where.endswith(want):
        sys.exit(1)
sys.exit(0 if seen else 1)
EOP
}
pid1=$(cat "$(pod_dir "$U1")/pid" 2>/dev/null)
in_pod_cgroups sleeper-pid1-cgroups "${pid1:-0}" supervisor.scope
for p in $app1; do in_pod_cgroups "sleeper-app-cgroups-$p" "$p" probe; done
# The app's root and stage1's are overlays mounted volatile: the pod's exit must not wait for a
# sync of the data dir's filesystem (Documentation/running-pods.md, Volumes and mounts).
for where in "${app1%% *} /" "${pid1:-0} $(pod_dir "$U1")/stage1/rootfs"; do
  set -- $where
  root_mount=$(awk -v at="$2" '$5 == at' "/proc/$1/mountinfo" 2>/dev/null | tail -1)
  case $root_mount in
    *" - overlay "*volatile*) ok ;;
    *) bad "sleeper-volatile-$2: the mount is \"$root_mount\"" ;;
  esac
done
# stage1's rootfs writes go to a tmpfs of the pod's own, mounted on overlay/<stage1 tree> in the
# pod's mount namespace, but for rkt/, which is the pod dir's stage1/rkt: readiness is there on
# disk, and nothing under overlay/<stage1 tree> is, as the host sees it.
s1tree=$(cat "$(pod_dir "$U1")/stage1TreeStoreID" 2>/dev/null)
[ "$(readlink "$(pod_dir "$U1")/stage1/rkt/supervisor-status" 2>/dev/null)" = ready ] && ok ||
  bad "stage1-rkt-on-disk: no stage1/rkt/supervisor-status -> ready"
[ -d "$(pod_dir "$U1")/overlay/$s1tree" ] && [ -z "$(ls -A "$(pod_dir "$U1")/overlay/$s1tree")" ] && ok ||
  bad "stage1-scratch: overlay/$s1tree on disk is not an empty directory"
scratch_mount=$(awk -v at="$(pod_dir "$U1")/overlay/$s1tree" '$5 == at' "/proc/${pid1:-0}/mountinfo" 2>/dev/null)
case $scratch_mount in
  *" - tmpfs "*) ok ;;
  *) bad "stage1-scratch-tmpfs: the mount is \"$scratch_mount\"" ;;
esac
# Each pod dir is placed on the disk on its own (oslayer/dir_spread.h): pods/embryo, where
# they are made, carries ext4's top-of-hierarchy flag (T). $D is on /tmp, which CI keeps on ext4.
case $(stat -fc %T "$D") in
  ext2/ext3 | ext4) lsattr -d "$D/pods/embryo" | cut -d' ' -f1 | grep -q T && ok ||
    bad "embryo-topdir: $(lsattr -d "$D/pods/embryo")" ;;
  *) bad "embryo-topdir: $D is on $(stat -fc %T "$D"), not ext4: the flag cannot be checked" ;;
esac
check list 0 rkt list --full --no-legend
grep -F "$U1" "$T/out" | grep -qw running && ok || bad "list: $U1 is not shown running: $(cat "$T/out")"
check list-json 0 rkt list --format=json
python3 - "$T/out" "$U1" <<'EOP' && ok || bad "list-json: $U1 is not running"
import json, sys
pods = {p["name"]: p for p in json.load(open(sys.argv[1]))}
p = pods[sys.argv[2]]
assert p["state"] == "running", p
assert p["apps"][0]["name"] == "probe" and p["apps"][0]["state"] == "running", p
EOP
# rm refuses a running pod and leaves it running.
check rm-running 254 rkt rm "$U1"
contains rm-running-msg "$T/err" "is currently running"
alive "$P1" && ok || bad "rm-running: the pod died"
# status --wait blocks while the pod runs and returns once it stops.
rkt status --wait=20s "$U1" >"$T/wait.out" 2>&1 &
waiter=$!
helper_pids+=("$waiter")
sleep 0.3
alive "$waiter" && ok || bad "status --wait returned while the pod ran: $(cat "$T/wait.out")"
check stop 0 rkt stop "$U1"
contains stop-prints-quoted "$T/out" "\"$U1\""
exit_of "$P1"
equals stop-run-exit "$rc" 143
if eventually 5 dead "$waiter"; then
  wait "$waiter" && ok || bad "status --wait: non-zero exit"
  contains status-wait-exited "$T/wait.out" "state=exited"
else bad "status --wait did not return after the pod stopped"; fi
check stop-status 0 rkt status "$U1"
contains stop-status-exited "$T/out" "state=exited"
contains stop-status-app "$T/out" "app-probe=143"
equals stop-status-on-disk "$(cat "$D/pods/exited-garbage/$U1/stage1/rkt/status/probe" "$D/pods/run/$U1/stage1/rkt/status/probe" 2>/dev/null)" 143
for p in $app1; do dead "$p" && ok || bad "stop: app process $p survived"; done

# --- 2. stop --force: SIGKILL, exit 137.
start force "$PR" --exec /probe -- sleep 30
U2=$uuid P2=$pid
check stop-force 0 rkt stop --force "$U2"
contains stop-force-quoted "$T/out" "\"$U2\""
exit_of "$P2"
equals stop-force-run-exit "$rc" 137
check stop-force-status 0 rkt status "$U2"
contains stop-force-status-exited "$T/out" "state=exited"
# --- 5. rm of the exited pod works.
check rm-exited 0 rkt rm "$U2"
contains rm-exited-quoted "$T/out" "\"$U2\""
gone rm-exited-dir "$(pod_dir "$U2")"
equals rm-exited-cgroups "$(pod_cgroups "$U2")" ""

# --- 3. SIGTERM and SIGINT to `rkt run` itself: graceful stop, status recorded.
start term "$PR" --exec /probe -- sleep 30
U3=$uuid P3=$pid
kill -TERM "$P3"
exit_of "$P3"
equals sigterm-run-exit "$rc" 143
check sigterm-status 0 rkt status "$U3"
contains sigterm-status-exited "$T/out" "state=exited"
contains sigterm-status-app "$T/out" "app-probe=143"
start int "$BB" --exec /bin/sleep -- 30
U4=$uuid P4=$pid
kill -INT "$P4"
exit_of "$P4"
# The contract (stage1-interface.md): SIGINT is a graceful stop like SIGTERM, which SIGTERMs the
# apps, and rkt exits with the first app's status, so 143, not 128+SIGINT.
equals sigint-run-exit "$rc" 143
check sigint-status 0 rkt status "$U4"
contains sigint-status-exited "$T/out" "state=exited"
contains sigint-status-app "$T/out" "app-busybox=143"

# --- 6. gc: the default grace period keeps the exited pods, --mark-only marks, 0s removes.
check gc-default 0 rkt gc
contains gc-default-marks "$T/err" "moving pod \"$U3\" to garbage"
contains gc-default-grace "$T/err" "pod \"$U3\" not removed: still within grace period (30m0s)"
exists gc-default-kept "$D/pods/exited-garbage/$U3"
check gc-status-marked 0 rkt status "$U3"
contains gc-status-marked-state "$T/out" "state=exited garbage"
start mark "$PR" --exec /probe -- sleep 30
U5=$uuid P5=$pid
check gc-mark-only-running 0 rkt gc --mark-only
exists gc-mark-only-keeps-running "$(pod_dir "$U5")"
rkt stop "$U5" >/dev/null 2>&1
exit_of "$P5"
equals mark-run-exit "$rc" 143
check gc-mark-only 0 rkt gc --mark-only --grace-period=0s
exists gc-mark-only-marked "$D/pods/exited-garbage/$U5"
lacks gc-mark-only-no-sweep "$T/out" "Garbage collecting"
check prepare 0 rkt prepare --quiet "$BB" --exec /bin/true
U6=$(cat "$T/out")
uuids+=("$U6")
exists prepared "$D/pods/prepared/$U6"
sleep 0.1
check gc-sweep 0 rkt gc --grace-period=0s --expire-prepared=0s
for u in "$U1" "$U3" "$U4" "$U5"; do
  contains "gc-sweep-$u" "$T/out" "Garbage collecting pod \"$u\""
  gone "gc-sweep-dir-$u" "$D/pods/exited-garbage/$u"
  equals "gc-sweep-cgroups-$u" "$(pod_cgroups "$u")" ""
done
contains gc-expired-msg "$T/err" "moving expired prepared pod \"$U6\" to garbage"
gone gc-expired-gone "$D/pods/prepared/$U6"
gone gc-expired-swept "$D/pods/garbage/$U6"

# --- 4. SIGKILL of the stage1 (`rkt run`, now /init), then of the pod's PID 1 (`pid`).
for victim in stage1 pid1; do
  start "kill-$victim" "$PR" --exec /probe -- sleep 30
  u=$uuid
  run_pid=$pid
  apps=$(app_pids "$u" probe)
  [ -n "$apps" ] && ok || bad "kill-$victim: no app process"
  pod_procs=$(pod_pids "$u")
  if [ $victim = stage1 ]; then kill -KILL "$run_pid"; else kill -KILL "$(cat "$(pod_dir "$u")/pid")"; fi
  exit_of "$run_pid"
  [ "$rc" != still-running ] && ok || bad "kill-$victim: rkt run survived"
  [ $victim = pid1 ] && echo "  (rkt run exited $rc after SIGKILL of the pod's PID 1)"
  eventually 5 status_exited "$u" && ok || bad "kill-$victim: status is not exited: $(rkt status "$u" 2>&1)"
  for p in $pod_procs; do
    eventually 2 dead "$p" && ok || bad "kill-$victim: pod process $p ($(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)) survived"
  done
  check "kill-$victim-gc" 0 rkt gc --grace-period=0s
  contains "kill-$victim-gc-msg" "$T/out" "Garbage collecting pod \"$u\""
  gone "kill-$victim-gc-dir" "$(pod_dir "$u")"
  gone "kill-$victim-gc-marked" "$D/pods/exited-garbage/$u"
  equals "kill-$victim-gc-cgroups" "$(pod_cgroups "$u")" ""
  check "kill-$victim-list" 0 rkt list --full --no-legend
  lacks "kill-$victim-list-gone" "$T/out" "$u"
done

# --- 11. an app that ends while its pod runs on: its cgroups go at once, its sibling's stay.
start early "$BB" --name quick --exec /bin/true "$PR" --name slow --exec /probe -- sleep 30
U11=$uuid P11=$pid
app_cgroups() {  # app_cgroups UUID APP: the app's cgroup directories, one per hierarchy
  local dir
  for dir in $(pod_cgroups "$1"); do [ -d "$dir/$2" ] && echo "$dir/$2"; done
}
quick_gone() { [ -z "$(app_cgroups "$U11" quick)" ]; }
eventually 10 quick_gone && ok || bad "ended app: cgroups left while the pod runs: $(app_cgroups "$U11" quick | tr '\n' ' ')"
[ -n "$(app_cgroups "$U11" slow)" ] && ok || bad "running app: its cgroups are gone"
# With a sibling, an app has a memory cgroup of its own (where a v1 host has one).
if [ -d /sys/fs/cgroup/memory ]; then
  slow_dirs=$(app_cgroups "$U11" slow | tr '\n' ' ')
  case "$slow_dirs" in
    */memory/*) ok ;;
    *) bad "two apps: slow has no memory cgroup of its own: $slow_dirs" ;;
  esac
fi
equals early-status-quick "$(cat "$D/pods/run/$U11/stage1/rkt/status/quick" 2>/dev/null)" 0
check early-stop 0 rkt stop "$U11"
exit_of "$P11"
equals early-run-exit "$rc" 143
equals early-cgroups "$(pod_cgroups "$U11")" ""

# --- 7. exit codes through `rkt run`.
check exit-0 0 rkt run "$PR" --exec /probe -- exit 0
check exit-3 3 rkt run "$PR" --exec /probe -- exit 3
check exit-127 127 rkt run "$BB" --exec /nonexistent
check exit-kill-self 137 rkt run "$PR" --exec /probe -- kill-self KILL
SECONDS=0
check multi-app-fails 3 rkt run --uuid-file-save="$T/multi.uuid" "$BB" --name=failer --exec /bin/sh -- -c 'sleep 0.5; exit 3' --- \
  "$PR" --name=sleeper --exec /probe -- sleep 30
[ $SECONDS -lt 15 ] && ok || bad "multi-app: the failing app did not stop its sibling (took ${SECONDS}s)"
U7=$(cat "$T/multi.uuid" 2>/dev/null)
uuids+=("$U7")
check multi-app-status 0 rkt status "$U7"
contains multi-app-failer "$T/out" "app-failer=3"
contains multi-app-sleeper "$T/out" "app-sleeper=143"

# --- 8. NOTIFY_SOCKET: READY=1 arrives while the app runs.
python3 - "$T/notify.sock" "$T/notify.log" <<'EOP' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as log:
    while True:
        data = s.recv(4096).decode(errors="replace")
        for line in data.splitlines():
            log.write(line + "\n")
        log.flush()
EOP
helper_pids+=($!)
eventually 5 test -S "$T/notify.sock" || bad "notify: the listener did not bind"
touch "$T/notify.log"
NOTIFY_SOCKET=$T/notify.sock start notify "$BB" --exec /bin/sleep -- 30
U8=$uuid P8=$pid
if eventually 10 grep -qx 'READY=1' "$T/notify.log"; then
  ok
  alive "$P8" && ok || bad "notify: READY=1 came after the pod exited"
  [ -n "$(app_pids "$U8" busybox)" ] && ok || bad "notify: READY=1 came with no app running"
else
  bad "notify: no READY=1 on NOTIFY_SOCKET: $(cat "$T/notify.log")"
fi
rkt stop "$U8" >/dev/null 2>&1
exit_of "$P8"
equals notify-run-exit "$rc" 143

# --- 9. --interactive under a pty: the shell reads the terminal, its exit code is rkt's.
python3 - "$RKT" --dir="$D" --local-config="$T/etc" --system-config="$T/sys" \
  run --interactive "$BB" --exec /bin/sh >"$T/pty.out" 2>&1 <<'EOP'
import fcntl, os, select, subprocess, sys, termios, time
master, slave = os.openpty()
def ctty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave,
                     start_new_session=True, preexec_fn=ctty)
os.close(slave)
out = b""
sent = False
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    if not sent and (b"# " in out or b"$ " in out):
        os.write(master, b"echo hello-$((6*7)); exit 5\n")
        sent = True
    r, _, _ = select.select([master], [], [], 0.2)
    if r:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    elif p.poll() is not None:
        break
try:
    rc = p.wait(timeout=max(0.1, deadline - time.monotonic()))
except subprocess.TimeoutExpired:
    p.kill()
    rc = "timeout"
sys.stdout.write(out.decode(errors="replace"))
print("\nEXIT=%s SENT=%s" % (rc, sent))
EOP
contains interactive-output "$T/pty.out" "hello-42"
contains interactive-exit "$T/pty.out" "EXIT=5 SENT=True"

# --- 10. nothing of the pods is left on the host: mounts, cgroups, processes.
check final-gc 0 rkt gc --grace-period=0s --expire-prepared=0s
for u in $(all_uuids | sort -u); do
  equals "leftover-cgroups-$u" "$(pod_cgroups "$u")" ""
done
equals leftover-pod-dirs "$(find "$D/pods" -mindepth 2 -maxdepth 2 | wc -l)" 0
for p in "${bg_pids[@]}" "${seen_pids[@]}"; do
  dead "$p" && ok || bad "stray process $p: $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"
done
stray=$(for p in /proc/[0-9]*; do
  case "$(readlink "$p/cwd" 2>/dev/null)" in "$T"/*) echo "${p#/proc/}" ;; esac
done)
equals stray-processes-in-test-dir "$stray" ""
mounts_after=$(host_mounts)
new_mounts=$(comm -13 <(echo "$mounts_before") <(echo "$mounts_after"))
equals host-mounts-under-test-dir "$(echo "$new_mounts" | grep -F "$T" || true)" ""
[ -z "$new_mounts" ] || echo "  note: new host mounts, not below $T (another test?): $new_mounts"

finish pods_e2e_test
