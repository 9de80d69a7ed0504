#!/usr/bin/env bash
# stage1 on its own, without stage0's `rkt run`: each test builds a pod directory by hand exactly
# as Documentation/devel/stage1-interface.md says (pod manifest, runtime-config, stage1 rootfs
# with each app's rootfs under opt/stage2/<app>/rootfs), then, as stage0 does, enters a private
# mount namespace (slave of the host), takes the pod dir's lock and execs /init with
# RKT_LOCK_FD. Checks exit codes, the files stage1 writes, what an app sees, stopping, killing,
# gc, volumes and readiness; and after everything, that no mount, cgroup or process was left.
#
#   stage1_test.sh STAGE1_ACI BUSYBOX_ACI [PROBE_ACI]      (as root)
set -uo pipefail

stage1_aci=$1
busybox_aci=$2
probe_aci=${3:-}

[ "$(id -u)" = 0 ] || { echo "stage1_test: must run as root" >&2; exit 1; }
for tool in unshare flock python3 tar; do
  command -v "$tool" >/dev/null || { echo "stage1_test: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d /tmp/stage1-test.XXXXXX)
run_id=$(printf '%08x' $((RANDOM * 32768 + RANDOM)))
uuid_n=0
bg_pids=()
passed=0
failed=0

# Every pod cgroup this run may have made: rkt-<uuid> with our run id.
leftover_cgroups() { find /sys/fs/cgroup -maxdepth 7 -type d -name "rkt-${run_id}-*" 2>/dev/null; }

cleanup() {
  for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  # Deepest first, so each directory is empty when removed.
  leftover_cgroups | while read -r d; do
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { # NAME COMMAND...
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
check_eq() { # NAME WANT GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want: $2" "got:  $3"; fi
}

new_uuid() { # sets $u (not in a subshell, so that the counter advances)
  uuid_n=$((uuid_n + 1))
  u=$(printf '%s-0000-4000-8000-%012x' "$run_id" "$uuid_n")
}

mkdir -p "$work/stage1" "$work/busybox" "$work/probe" "$work/pods"
tar -xzf "$stage1_aci" -C "$work/stage1" || { echo "stage1_test: cannot extract $stage1_aci" >&2; exit 1; }
tar -xzf "$busybox_aci" -C "$work/busybox" || { echo "stage1_test: cannot extract $busybox_aci" >&2; exit 1; }
if [ -n "$probe_aci" ]; then tar -xzf "$probe_aci" -C "$work/probe" || exit 1; fi
T=$'\t'
image_id="sha512-$(printf '%0128d' 0 | tr 0 a)"

# new_pod UUID RUNTIME_CONFIG VOLUMES_JSON APP... where APP is "name<TAB>image<TAB>exec-json" with
# an optional "<TAB>extra-json" (more members of the runtime app, such as "mounts"); $T is a tab.
# Prints the pod dir.
new_pod() {
  local uuid=$1 runtime=$2 volumes=$3; shift 3
  local pod=$work/pods/$uuid apps="" sep=""
  mkdir -p "$pod/stage1" "$pod/sharedVolumes"
  cp "$work/stage1/manifest" "$pod/stage1/manifest"
  cp -a "$work/stage1/rootfs" "$pod/stage1/rootfs"
  for spec in "$@"; do
    IFS=$'\t' read -r name image exec extra <<<"$spec"
    mkdir -p "$pod/stage1/rootfs/opt/stage2/$name"
    cp -a "$work/$image/rootfs" "$pod/stage1/rootfs/opt/stage2/$name/rootfs"
    cp "$work/$image/manifest" "$pod/stage1/rootfs/opt/stage2/$name/manifest"
    apps+="$sep{\"name\":\"$name\",\"image\":{\"id\":\"$image_id\"},\"app\":{\"exec\":$exec,\"user\":\"0\",\"group\":\"0\"}${extra:+,$extra}}"
    sep=","
  done
  printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[%s],"volumes":[%s]}' \
    "$apps" "$volumes" > "$pod/pod"
  printf '%s' "$runtime" > "$pod/runtime-config"
  echo "$pod"
}

# run_pod POD [FLAGS...]: /init as stage0 runs it; returns its exit code.
run_pod() {
  local pod=$1; shift
  (cd "$pod" && exec unshare --mount --propagation slave -- bash -c \
    'exec 9<.; flock -x -n 9 || exit 99; export RKT_LOCK_FD=9; exec ./stage1/rootfs/init "$@"' \
    init --net=host "$@" "$(basename "$pod")")
}

wait_ready() { # POD: until supervisor-status exists (10 s)
  for _ in $(seq 100); do
    [ -L "$1/stage1/rootfs/rkt/supervisor-status" ] && return 0
    sleep 0.1
  done
  return 1
}

lock_is_free() { (exec 8<"$1"; flock -x -n 8); }
status_of() { cat "$1/stage1/rootfs/rkt/status/$2" 2>/dev/null || echo none; }
cgroups_of() { find /sys/fs/cgroup -maxdepth 7 -type d -name "rkt-$1" 2>/dev/null; }

mounts_before=$(cut -d' ' -f5 /proc/self/mountinfo | grep -v '^/run/netns/rkt-' | sort)

# --- exit codes and the files stage1 writes ------------------------------------------------------
new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/true\"]")
run_pod "$pod" >"$work/out" 2>&1
check_eq "exit 0 when the app exits 0" 0 "$?"
check_eq "status file 0" 0 "$(status_of "$pod" main)"
check "pid file holds a number" grep -qE '^[0-9]+$' "$pod/pid"
check_eq "subcgroup names the pod cgroup" "rkt-$u" "$(basename "$(cat "$pod/subcgroup")")"
check_eq "supervisor-status -> ready" ready "$(readlink "$pod/stage1/rootfs/rkt/supervisor-status")"
check_eq "pod cgroups removed on exit" "" "$(cgroups_of "$u")"
check "lock free after exit" lock_is_free "$pod"

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/sh\",\"-c\",\"exit 3\"]")
run_pod "$pod" >/dev/null 2>&1
check_eq "exit 3 is the pod's exit code" 3 "$?"
check_eq "status file 3" 3 "$(status_of "$pod" main)"

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/nonexistent\"]")
run_pod "$pod" >"$work/out" 2>&1
check_eq "missing executable exits 127" 127 "$?"

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/sh\",\"-c\",\"kill -9 \$\$\"]")
run_pod "$pod" >/dev/null 2>&1
check_eq "app killed by signal 9 gives 137" 137 "$?"
check_eq "status file 137" 137 "$(status_of "$pod" main)"

# --- what an app sees -----------------------------------------------------------------------------
new_uuid
script='echo "host=$(hostname)"
echo "dev=$(ls /dev | tr "\n" " ")"
m=""; for f in kcore kallsyms keys timer_list timer_stats sched_debug interrupts; do [ -e /proc/$f ] && m="$m $f=$(cat /proc/$f | wc -c)"; done; echo "masked=$m"
(echo x > /sys/kernel/profiling) 2>/dev/null && echo sys=rw || echo sys=ro
(echo 0 > /proc/sys/kernel/sysrq) 2>/dev/null && echo procsys=rw || echo procsys=ro
(echo h > /proc/sysrq-trigger) 2>/dev/null && echo sysrq=rw || echo sysrq=ro
[ -e /proc/HOSTPID ] && echo hostpid=visible || echo hostpid=hidden
echo "pid1=$(tr "\000" " " < /proc/1/cmdline | cut -d" " -f1)"
echo "ptmx=$(readlink /dev/ptmx)"
echo "environ=$( (tr -d "\000" < /proc/1/environ) 2>/dev/null | wc -c)"
echo "hosts=$(grep -c localhost /etc/hosts)"'
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/sh\",\"-c\",$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "${script//HOSTPID/$$}")]")
MY_SECRET=host-env run_pod "$pod" >"$work/view" 2>&1
check_eq "inspection pod exits 0" 0 "$?"
view() { sed -n "s/^$1=//p" "$work/view"; }
check_eq "hostname defaults to rkt-<uuid>" "rkt-$u" "$(view host)"
check_eq "/dev holds exactly the minimal set" \
  "console fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " "$(view dev)"
masked=$(view masked)
check "sensitive /proc files exist here to be masked" test -n "$masked"
check "sensitive /proc files read empty ($masked)" bash -c "! grep -qE '=[1-9]' <<<'$masked'"
check_eq "/sys is read-only" ro "$(view sys)"
check_eq "/proc/sys is read-only" ro "$(view procsys)"
check_eq "/proc/sysrq-trigger is read-only" ro "$(view sysrq)"
check_eq "the test's own (host) PID is not visible in the pod" hidden "$(view hostpid)"
check_eq "PID 1 is stage1's supervisor, host paths hidden" /init "$(view pid1)"
check_eq "/dev/ptmx -> pts/ptmx" pts/ptmx "$(view ptmx)"
check_eq "PID 1's environment does not leak the host's" 0 "$(view environ)"
check "/etc/hosts has localhost" test "$(view hosts)" -ge 1

new_uuid
pod=$(new_pod "$u" '{"hostname":"from-config"}' '' "main${T}busybox${T}[\"/bin/hostname\"]")
check_eq "hostname from runtime-config" from-config "$(run_pod "$pod" 2>&1)"
new_uuid
pod=$(new_pod "$u" '{"hostname":"from-config"}' '' "main${T}busybox${T}[\"/bin/hostname\"]")
check_eq "--hostname wins over runtime-config" from-flag "$(run_pod "$pod" --hostname=from-flag 2>&1)"

# --- stopping -------------------------------------------------------------------------------------
start_bg() { # POD [FLAGS...]: /init in the background; sets $bg
  run_pod "$@" >"$work/bg.out" 2>&1 &
  bg=$!
  bg_pids+=("$bg")
}

new_uuid
pod=$(new_pod "$u" '{"stopTimeout":5}' '' "main${T}busybox${T}[\"/bin/sleep\",\"1000\"]")
start_bg "$pod"
check "pod becomes ready" wait_ready "$pod"
init_pid=$(pgrep -f "init --net=host $u" | head -1)
kill -TERM "$init_pid"
wait "$bg"
check_eq "SIGTERM to /init stops the pod gracefully (143)" 143 "$?"
check_eq "stopped app's status is 143" 143 "$(status_of "$pod" main)"

new_uuid
pod=$(new_pod "$u" '{"stopTimeout":1}' '' "main${T}busybox${T}[\"/bin/sh\",\"-c\",\"trap '' TERM; while :; do sleep 1; done\"]")
start_bg "$pod"
wait_ready "$pod"
SECONDS=0
(cd "$pod" && ./stage1/rootfs/stop "$u")
check_eq "/stop exits 0" 0 "$?"
wait "$bg"
check_eq "an app ignoring SIGTERM is killed after stopTimeout (137)" 137 "$?"
check "stop timeout is honoured (< 5 s)" test "$SECONDS" -lt 5

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/sleep\",\"1000\"]")
start_bg "$pod"
wait_ready "$pod"
(cd "$pod" && ./stage1/rootfs/stop --force "$u")
wait "$bg"
check_eq "/stop --force kills the pod (137)" 137 "$?"
check_eq "no cgroup left after /stop --force" "" "$(cgroups_of "$u")"

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/sleep\",\"1000\"]" "other${T}busybox${T}[\"/bin/sleep\",\"1000\"]")
start_bg "$pod"
wait_ready "$pod"
init_pid=$(pgrep -f "init --net=host $u" | head -1)
kill -KILL "$init_pid"
wait "$bg" 2>/dev/null
sleep 0.5
procs=""
for d in $(cgroups_of "$u"); do procs+=$(find "$d" -name cgroup.procs -exec cat {} +); done
check_eq "SIGKILL of /init leaves no process in the pod" "" "$procs"
check "SIGKILL of /init frees the lock" lock_is_free "$pod"
check "SIGKILL of /init leaves the cgroups for gc" test -n "$(cgroups_of "$u")"
(cd "$pod" && ./stage1/rootfs/gc "$u")
check_eq "/gc exits 0" 0 "$?"
check_eq "/gc removes the pod cgroups" "" "$(cgroups_of "$u")"
(cd "$pod" && ./stage1/rootfs/gc --debug "$u")
check_eq "/gc is idempotent" 0 "$?"

# --- several apps and volumes ---------------------------------------------------------------------
new_uuid
pod=$(new_pod "$u" '{}' '{"name":"shared","kind":"empty"}' \
  "writer${T}busybox${T}[\"/bin/sh\",\"-c\",\"echo hello > /shared/msg\"]${T}\"mounts\":[{\"volume\":\"shared\",\"path\":\"/shared\"}]" \
  "reader${T}busybox${T}[\"/bin/sh\",\"-c\",\"while [ ! -f /data/msg ]; do sleep 1; done; cat /data/msg\"]${T}\"mounts\":[{\"volume\":\"shared\",\"path\":\"/data\"}]")
out=$(run_pod "$pod" 2>&1)
check_eq "two apps share an empty volume" "0 hello" "$? $out"
check_eq "both statuses recorded" "0 0" "$(status_of "$pod" writer) $(status_of "$pod" reader)"

new_uuid
pod=$(new_pod "$u" '{"stopTimeout":5}' '' "failing${T}busybox${T}[\"/bin/sh\",\"-c\",\"sleep 1; exit 5\"]" \
  "long${T}busybox${T}[\"/bin/sleep\",\"1000\"]")
run_pod "$pod" >/dev/null 2>&1
check_eq "first failing app's code is the pod's" 5 "$?"
check_eq "the other app was stopped" 143 "$(status_of "$pod" long)"

mkdir -p "$work/host-ro" "$work/host-rw"
echo from-host >"$work/host-ro/file"
new_uuid
pod=$(new_pod "$u" '{}' "{\"name\":\"ro\",\"kind\":\"host\",\"source\":\"$work/host-ro\",\"readOnly\":true},{\"name\":\"rw\",\"kind\":\"host\",\"source\":\"$work/host-rw\"}" \
  "main${T}busybox${T}[\"/bin/sh\",\"-c\",\"cat /ro/file; (echo x > /ro/new) 2>/dev/null && echo ro-writable || echo ro-refused; echo written > /rw/out\"]${T}\"mounts\":[{\"volume\":\"ro\",\"path\":\"/ro\"},{\"volume\":\"rw\",\"path\":\"/rw\"}]")
out=$(run_pod "$pod" 2>&1 | tr '\n' ' ')
check_eq "host volumes: read-only and read-write" "from-host ro-refused " "$out"
check_eq "a read-write host volume writes to the host" written "$(cat "$work/host-rw/out" 2>/dev/null)"

# A symlink in the image at a volume's target is resolved inside the app's root.
new_uuid
pod=$(new_pod "$u" '{}' "{\"name\":\"rw\",\"kind\":\"host\",\"source\":\"$work/host-rw\"}" \
  "main${T}busybox${T}[\"/bin/true\"]${T}\"mounts\":[{\"volume\":\"rw\",\"path\":\"/evil/x\"}]")
ln -s "$work/escape" "$pod/stage1/rootfs/opt/stage2/main/rootfs/evil"
run_pod "$pod" >/dev/null 2>&1
check_eq "volume target through an image symlink runs" 0 "$?"
check "the symlink did not reach the host" test ! -e "$work/escape"

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/true\"]")
ln -s /proc "$pod/stage1/rootfs/opt/stage2/main/rootfs/proc"
run_pod "$pod" >"$work/out" 2>&1
check_eq "an image whose /proc is a symlink is refused (254)" 254 "$?"

# --- event handlers -------------------------------------------------------------------------------
mkdir -p "$work/events"
new_uuid
pod=$(new_pod "$u" '{}' "{\"name\":\"ev\",\"kind\":\"host\",\"source\":\"$work/events\"}" \
  "main${T}busybox${T}[\"/bin/sh\",\"-c\",\"cat /ev/pre > /ev/app\"]${T}\"mounts\":[{\"volume\":\"ev\",\"path\":\"/ev\"}]")
python3 - "$pod/pod" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["apps"][0]["app"]["eventHandlers"] = [
    {"name": "pre-start", "exec": ["/bin/sh", "-c", "echo pre > /ev/pre"]},
    {"name": "post-stop", "exec": ["/bin/sh", "-c", "cat /ev/app > /ev/post"]}]
json.dump(m, open(sys.argv[1], "w"))
PY
run_pod "$pod" >"$work/out" 2>&1
check_eq "pod with event handlers exits 0" 0 "$?"
check_eq "pre-start ran before the app, post-stop after it, in the app's root" pre "$(cat "$work/events/post" 2>/dev/null)"

new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/true\"]")
python3 - "$pod/pod" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["apps"][0]["app"]["eventHandlers"] = [{"name": "pre-start", "exec": ["/bin/sh", "-c", "exit 9"]}]
json.dump(m, open(sys.argv[1], "w"))
PY
run_pod "$pod" >"$work/out" 2>&1
check_eq "a failing pre-start handler fails the pod with its code" 9 "$?"

# --- readiness ------------------------------------------------------------------------------------
new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/sleep\",\"2\"]")
python3 - "$work/notify.sock" >"$work/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
print(s.recv(4096).decode())
PY
listener=$!
bg_pids+=("$listener")
for _ in $(seq 50); do [ -S "$work/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$work/notify.sock run_pod "$pod" >/dev/null 2>&1
check_eq "pod with NOTIFY_SOCKET exits 0" 0 "$?"
wait "$listener"
check "READY=1 reached NOTIFY_SOCKET" grep -q '^READY=1' "$work/notify.out"

# --- the probe image ------------------------------------------------------------------------------
if [ -n "$probe_aci" ]; then
  new_uuid
  pod=$(new_pod "$u" '{}' '' "main${T}probe${T}[\"/probe\",\"try\",\"mount\"]")
  check_eq "probe: mount is denied in the pod" "denied: EPERM" "$(run_pod "$pod" 2>&1)"
  new_uuid
  pod=$(new_pod "$u" '{}' '' "main${T}probe${T}[\"/probe\",\"exit\",\"7\"]")
  run_pod "$pod" >/dev/null 2>&1
  check_eq "probe: exit 7" 7 "$?"
fi

# --- bad input ------------------------------------------------------------------------------------
new_uuid
pod=$(new_pod "$u" '{}' '' "main${T}busybox${T}[\"/bin/true\"]")
err=$(cd "$pod" && ./stage1/rootfs/init --net=host "$u" 2>&1)
check_eq "no RKT_LOCK_FD: 254" 254 "$?"
check_eq "no RKT_LOCK_FD: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
err=$(run_pod "$pod" --net=default 2>&1)
check_eq "CNI --net without the netns and net-config.json stage0 writes: 254" 254 "$?"
check_eq "no pin made by stage1" "" "$(ls /run/netns/rkt-"$u" 2>/dev/null)"
echo '{"acKind":"PodManifest"' >"$pod/pod"
run_pod "$pod" >/dev/null 2>&1
check_eq "broken pod manifest: 254" 254 "$?"
check "bad input leaves no pid file" test ! -e "$pod/pid"
check_eq "bad input leaves no cgroup" "" "$(cgroups_of "$u")"

# --- nothing leaked -------------------------------------------------------------------------------
check_eq "no new host mounts" "$mounts_before" "$(cut -d' ' -f5 /proc/self/mountinfo | grep -v '^/run/netns/rkt-' | sort)"
check_eq "no leftover pod cgroup" "" "$(leftover_cgroups)"
check_eq "no leftover pod process" "" "$(pgrep -f "init --net=host ${run_id}-" || true)"

echo "stage1: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
