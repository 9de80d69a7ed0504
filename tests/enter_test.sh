#!/usr/bin/env bash
# rkt enter against real pods: the entered command must get exactly the app's isolation, which
# rkt's enter did not (CVE-2019-10144: every capability, -10145: no seccomp, -10147: outside the
# pod cgroup). Pods run the probe (tests/probe/probe.cc) sleeping in the background; entered
# commands report from inside (`probe report`, `probe try OP`) and are compared with what the
# host sees of the app's own process. Also: the exit status passed through, the default /bin/sh
# (and its absence), --app selection and its errors, pods that are not running, signals, a pty.
# Needs root, python3, util-linux (script, setpriv).
# Usage: enter_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds demo-pubkey.asc).
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
host_sleep=
cleanup() {
  local u p
  for u in "${uuids[@]}"; do rkt stop --force "$u" >/dev/null 2>&1; done
  for p in "${bg_pids[@]}" $host_sleep; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
one_line() {  # one_line NAME FILE: a failure is exactly one line
  equals "$1-one-line" "$(wc -l <"$2")" 1
}

# start NAME RKT-RUN-ARGS...: lib.sh's start_pod.
start() { start_pod "$@"; }
# app_pid UUID APP: the host PID of the app's own process (the child of the pod's PID 1 in the
# app's cgroup).
app_pid() {
  local pid1 c
  pid1=$(cat "$D/pods/run/$1/pid")
  for c in $(cat "/proc/$pid1/task/$pid1/children"); do
    if grep -q "/rkt-$1/$2\$" "/proc/$c/cgroup" 2>/dev/null; then echo "$c"; return; fi
  done
}
# The security state of a process as /proc/PID/status shows it, one "Key value" a line.
SEC_KEYS='CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp'
host_security() { grep -E "^($SEC_KEYS):" "/proc/$1/status" | awk '{print $1, $2}'; }
# The same from a probe report (JSON on stdin).
report_security() {
  python3 -c '
import json, sys
r = json.load(sys.stdin)
for k in ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"]:
    print("%s: %s" % (k, r[k]))'
}
# field FILE KEY...: a value of a probe report; lists one item a line, objects their keys.
field() {
  python3 - "$@" <<'EOP' 2>/dev/null
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[k]
if isinstance(v, dict):
    v = list(v)
print("\n".join(map(str, v)) if isinstance(v, list) else v)
EOP
}
# ns_of PID: the namespaces of a host process; the entered side reads its own with busybox.
NS="mnt pid uts ipc net"
ns_of() { local n; for n in $NS; do readlink "/proc/$1/ns/$n"; done; }

if [ "$(id -u)" != 0 ]; then echo "FAIL enter_test.sh needs root"; exit 1; fi
command -v python3 >/dev/null || { echo "FAIL python3 is missing"; exit 1; }
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "FAIL no stage1-rocket.aci next to $RKT (the stage1 build is missing)"
  exit 1
fi
cp "$PROBE" "$PROBE.asc" "$T/"
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
if ! image_id=$(rkt fetch "$T/probe.aci" 2>"$T/err"); then
  echo "FAIL cannot fetch the probe image:"; cat "$T/err"; exit 1
fi
# A host process with a marker only the host has: an entered command must not see it.
marker=host-only-$RANDOM$RANDOM
sleep 1000 "$marker" 2>/dev/null &
host_sleep=$!
# The caller's environment must not reach an entered command (rkt#433).
export ENTER_TEST_SECRET=caller-only

# --- 1. one app (root, defaults): the entered command is the app's twin.
start solo "$T/probe.aci" --exec /probe -- sleep 1000 || exit 1
U=$uuid
P=$(app_pid "$U" probe)
[ -n "$P" ] && ok || bad "solo: no app process found"
check report 0 rkt enter "$U" /probe report
cp "$T/out" "$T/solo.json"
equals caps-seccomp-nnp "$(report_security <"$T/solo.json")" "$(host_security "$P")"
equals capbnd-is-the-appc-default "$(field "$T/solo.json" CapBnd)" 00000000a80425fb
equals seccomp-filter "$(field "$T/solo.json" Seccomp)" 2
equals cgroup "$(field "$T/solo.json" cgroup)" "$(cat "/proc/$P/cgroup")"
equals uid "$(field "$T/solo.json" uid)" 0
equals cwd "$(field "$T/solo.json" cwd)" /
equals hostname "$(field "$T/solo.json" hostname)" "rkt-$U"
equals app-name-env "$(field "$T/solo.json" env AC_APP_NAME)" probe
equals caller-env-kept-out "$(field "$T/solo.json" env ENTER_TEST_SECRET)" ""
equals only-stdio-fds "$(field "$T/solo.json" fds | wc -l)" 3
check namespaces 0 rkt enter "$U" /bin/busybox sh -c 'for n in '"$NS"'; do /bin/busybox readlink /proc/self/ns/$n; done'
equals same-namespaces "$(cat "$T/out")" "$(ns_of "$P")"
[ "$(readlink "/proc/$P/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] && ok || bad "the app's mount namespace is the host's"
# The escapes rkt's enter allowed must fail.
check see-host 0 rkt enter "$U" /probe try see-process "$marker"
equals see-host-process "$(cat "$T/out")" "denied: not-visible"
check mount 0 rkt enter "$U" /probe try mount
contains mount-denied "$T/out" "denied: EPERM"
check kcore 0 rkt enter "$U" /probe try kcore
contains kcore-denied "$T/out" "denied:"
check unshare-user 0 rkt enter "$U" /probe try unshare-user
contains unshare-user-denied "$T/out" "denied:"
check ptrace-pid1 0 rkt enter "$U" /probe try ptrace-attach 1
contains ptrace-pid1-denied "$T/out" "denied:"

# Exit codes: the command's own; a signal as 128+N; exec failures as a shell's.
check exit-code 42 rkt enter "$U" /probe exit 42
check exit-signal 137 rkt enter "$U" /bin/sh -c 'kill -9 $$'
check exit-not-found 127 rkt enter "$U" /no/such/command
contains exit-not-found-msg "$T/err" "/no/such/command"
check exit-not-executable 126 rkt enter "$U" /not-executable
# The default command is the app's /bin/sh, reading stdin.
echo 'exit 7' | rkt enter "$U" >"$T/out" 2>"$T/err"
equals default-shell-exit "$?" 7
echo 'echo "in $AC_APP_NAME as $(/bin/busybox id -u)"' | rkt enter "$U" >"$T/out" 2>"$T/err"
contains default-shell-runs "$T/out" "in probe as 0"
# A UUID prefix works as in every pod command; the app needs no --app.
check uuid-prefix 3 rkt enter "${U:0:8}" /probe exit 3
# The entered process is gone with its command: only the app is left in the app's cgroup.
left=$(for f in $(find /sys/fs/cgroup -path "*/rkt-$U/probe/cgroup.procs" 2>/dev/null); do cat "$f"; done | sort -u)
equals nothing-left-in-app-cgroup "$left" "$P"
# SIGTERM to rkt enter reaches the command.
rkt enter "$U" /probe sleep 100 >/dev/null 2>&1 </dev/null &
ep=$!
sleep 0.5
kill -TERM "$ep"
if eventually 5 dead "$ep"; then wait "$ep"; equals sigterm-forwarded "$?" 143; else bad "sigterm: rkt enter still runs"; kill -KILL "$ep"; fi
# Under a terminal, the command's stdin is that terminal.
if command -v script >/dev/null; then
  script -qec "$RKT --dir=$D --local-config=$T/etc --system-config=$T/sys enter $U /bin/sh -c '[ -t 0 ] && echo TTY-IN-APP; exit 5'" /dev/null >"$T/pty.out" 2>&1 </dev/null
  equals pty-exit "$?" 5
  contains pty-tty "$T/pty.out" "TTY-IN-APP"
else
  bad "pty: the 'script' command (util-linux) is missing"
fi
# Unprivileged callers are refused up front.
check unprivileged 254 setpriv --reuid=65534 --regid=65534 --clear-groups "$RKT" --dir="$D" enter "$U" /bin/true
contains unprivileged-msg "$T/err" "cannot run as unprivileged user"
one_line unprivileged "$T/err"

# --- 2. two apps, one of them a non-root user with no_new_privs, its own environment and
# working directory: --app picks the app and the entered command gets that app's settings.
cat >"$T/two.json" <<JSON
{"acVersion": "0.8.11", "acKind": "PodManifest", "apps": [
  {"name": "web", "image": {"name": "example.com/probe", "id": "$image_id"},
   "app": {"exec": ["/probe", "sleep", "1000"], "user": "0", "group": "0"}},
  {"name": "locked", "image": {"name": "example.com/probe", "id": "$image_id"},
   "app": {"exec": ["/probe", "sleep", "1000"], "user": "user", "group": "1000",
           "workingDirectory": "/home/user", "environment": [{"name": "FOO", "value": "bar"}],
           "isolators": [{"name": "os/linux/no-new-privileges", "value": true}]}}]}
JSON
start two --pod-manifest="$T/two.json" || exit 1
U2=$uuid
PW=$(app_pid "$U2" web)
PL=$(app_pid "$U2" locked)
check needs-app 254 rkt enter "$U2" /probe report
contains needs-app-msg "$T/err" "has 2 apps: choose one with --app (web, locked)"
one_line needs-app "$T/err"
check unknown-app 254 rkt enter --app=nope "$U2" /probe report
contains unknown-app-msg "$T/err" "has no app \"nope\" (its apps: web, locked)"
one_line unknown-app "$T/err"
check locked-report 0 rkt enter --app=locked "$U2" /probe report
cp "$T/out" "$T/locked.json"
equals locked-security "$(report_security <"$T/locked.json")" "$(host_security "$PL")"
equals locked-nnp "$(field "$T/locked.json" NoNewPrivs)" 1
equals locked-capeff "$(field "$T/locked.json" CapEff)" 0000000000000000
equals locked-uid "$(field "$T/locked.json" uid)" 1000
equals locked-gid "$(field "$T/locked.json" gid)" 1000
equals locked-cwd "$(field "$T/locked.json" cwd)" /home/user
equals locked-env "$(field "$T/locked.json" env FOO)" bar
equals locked-cgroup "$(field "$T/locked.json" cgroup)" "$(cat "/proc/$PL/cgroup")"
check locked-ns 0 rkt enter --app=locked "$U2" /bin/busybox readlink /proc/self/ns/mnt
equals locked-mount-ns "$(cat "$T/out")" "$(readlink "/proc/$PL/ns/mnt")"
check web-report 0 rkt enter --app=web "$U2" /probe report
equals web-security "$(report_security <"$T/out")" "$(host_security "$PW")"
equals web-cgroup "$(field "$T/out" cgroup)" "$(cat "/proc/$PW/cgroup")"
equals web-uid "$(field "$T/out" uid)" 0
check locked-mount 0 rkt enter --app=locked "$U2" /probe try mount
contains locked-mount-denied "$T/out" "denied: EPERM"

# --- 3. an app whose root has no /bin/sh: the default command is refused with a clear line.
start noshell "$T/probe.aci" --exec /bin/busybox -- sh -c '/bin/busybox rm /bin/sh && exec /probe sleep 1000' || exit 1
U3=$uuid
eventually 5 sh -c "! rkt enter $U3 /bin/busybox test -e /bin/sh" >/dev/null 2>&1
check no-shell 254 rkt enter "$U3"
contains no-shell-msg "$T/err" "the app has no /bin/sh: name the command to run"
one_line no-shell "$T/err"
check no-shell-cmd 0 rkt enter "$U3" /probe exit 0

# --- 4. pods that are not running, and UUIDs that name no pod.
rkt stop "$U3" >/dev/null 2>&1
eventually 10 sh -c "rkt status $U3 2>/dev/null | grep -qx state=exited"
check exited 254 rkt enter "$U3" /probe exit 0
contains exited-msg "$T/err" "is not running (exited)"
one_line exited "$T/err"
if prep=$(rkt prepare --quiet "$T/probe.aci" --exec /probe -- sleep 1 2>"$T/err"); then
  uuids+=("$prep")
  check prepared 254 rkt enter "$prep" /probe exit 0
  contains prepared-msg "$T/err" "is not running (prepared)"
  one_line prepared "$T/err"
else
  bad "prepare failed: $(cat "$T/err")"
fi
check unknown-uuid 254 rkt enter 00000000-1111-2222-3333-444444444444 /probe exit 0
one_line unknown-uuid "$T/err"
check no-uuid 2 rkt enter

# --- 5. the pods end cleanly after being entered.
for u in "$U" "$U2"; do rkt stop "$u" >/dev/null 2>&1; done
for p in "${bg_pids[@]}"; do eventually 15 dead "$p" || bad "pod process $p survived its stop"; done
check final-gc 0 rkt gc --grace-period=0s --expire-prepared=0s
for u in "${uuids[@]}"; do
  equals "leftover-cgroups-$u" "$(find /sys/fs/cgroup -type d -name "rkt-$u" 2>/dev/null)" ""
done

finish enter_test
