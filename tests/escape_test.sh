#!/usr/bin/env bash
# Escape attempts from inside a pod, each of which must fail, run twice: with DEFAULT settings,
# then with the TIGHTEST isolators (a non-root user, one capability, Docker's seccomp allowlist
# with EPERM, no_new_privs, a 32 MiB memory and a quarter-CPU limit, a read-only rootfs). The
# attacks: seeing host processes, ptrace of a host process and of PID 1, writing /proc/sys, /sys
# and the pod's own cgroup files (raising its own limits), mounting, loading modules, reading
# /proc/kcore, changing the host's hostname, reaching PID 1 through /proc/1/{exe,root,environ},
# leaked fds, keyrings, bpf, perf, userfaultfd, new user namespaces, host block devices through
# mknod, TIOCSTI into a terminal, growing past the memory limit without being killed; and the
# security state the app starts in (bounding set, seccomp, no_new_privs, uid, hostname). Once:
# a symlink planted at a volume's mount target.
# Every pod runs the probe (tests/probe/probe.cc): `probe try OP` prints "allowed" or
# "denied: ERRNO".
# Usage: escape_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
PROBE=$3
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# The pass under way: the image and the per-app flags every pod of it gets, and global flags.
IMAGE=example.com/probe
APP_FLAGS=()
GLOBAL_FLAGS=()
rkt() { "$RKT" --dir="$T/data" --local-config="$T/etc" --system-config="$T/sys" "${GLOBAL_FLAGS[@]}" "$@"; }
host_sleep=
loopdev=
cleanup() {
  [ -n "$host_sleep" ] && kill "$host_sleep" 2>/dev/null
  [ -n "$loopdev" ] && losetup -d "$loopdev"
  rkt gc --grace-period=0s >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
PASS=default
matches() {  # matches NAME GOT ERE
  if [[ "$2" =~ $3 ]]; then ok; echo "ok $1: ${2//$'\n'/ | }"; else bad "$1: got \"$2\", wanted /$3/"; fi
}
# pod [RUN FLAGS...] -- APP ARGS...: one pod of the probe image, /probe with APP ARGS; stdout
# and stderr go through pipes (so no fd of the app is a host file), stderr ends in $T/err.
pod() {
  local flags=()
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  rkt run --net=host "${flags[@]}" "$IMAGE" "${APP_FLAGS[@]}" --exec /probe -- "$@" --- 2> >(cat >"$T/err") </dev/null | cat
}
# try NAME ERE OP [ARG]: `probe try OP ARG` in a pod of its own must print a line matching ERE.
try() {
  local name=$1 want=$2
  shift 2
  local got
  got=$(pod -- try "$@")
  matches "$PASS $name" "$got" "$want"
  [ -z "$got" ] && sed 's/^/  | /' "$T/err" | tail -5
}

if [ "$(id -u)" != 0 ]; then echo "escape_test.sh needs root"; exit 1; fi
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "no stage1-rocket.aci next to $RKT (the stage1 build is missing)"
  exit 1
fi
cp "$PROBE" "$PROBE.asc" "$T/"
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
if ! rkt fetch "$T/probe.aci" >/dev/null 2>"$T/err"; then
  echo "cannot fetch the probe image:"; cat "$T/err"; exit 1
fi
host_hostname=$(hostname)

# attacks: every attack of the pass under way (PASS, IMAGE, APP_FLAGS, GLOBAL_FLAGS, WANT_*).
attacks() {
  # The app's starting state, as the pass says (WANT_*); hostname rkt-<uuid>.
  pod --uuid-file-save="$T/uuid" -- report >"$T/report"
  uuid=$(cat "$T/uuid" 2>/dev/null)
  field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/report" "$1" 2>/dev/null; }
  equals "$PASS report-uid" "$(field uid)" "$WANT_UID"
  equals "$PASS report-CapBnd" "$(field CapBnd)" "$WANT_CAPBND"
  equals "$PASS report-CapEff" "$(field CapEff)" "$WANT_CAPEFF"
  equals "$PASS report-CapInh" "$(field CapInh)" "$WANT_CAPINH"
  equals "$PASS report-Seccomp" "$(field Seccomp)" 2
  equals "$PASS report-NoNewPrivs" "$(field NoNewPrivs)" "$WANT_NNP"
  equals "$PASS report-hostname" "$(field hostname)" "rkt-$uuid"

  # Open fds: only 0, 1 and 2, none of them a host file or directory, even though the caller
  # holds fd 7 (no CLOEXEC) on a host file when it runs rkt.
  echo secret >"$T/leak"
  exec 7<"$T/leak"
  pod -- report >"$T/report"
  exec 7<&-
  equals "$PASS fds-open" "$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["fds"])))' "$T/report" 2>&1)" "0 1 2"
  fd_targets=$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["fds"].values())))' "$T/report" 2>&1)
  matches "$PASS fds-targets" "$fd_targets" '^(/dev/null|pipe:\[[0-9]+\]|socket:\[[0-9]+\])( (/dev/null|pipe:\[[0-9]+\]|socket:\[[0-9]+\])){2}$'

  # Host processes: a host sleep with a unique argv is invisible in the pod's /proc (and the
  # probe does see a process of its own pod: the check can succeed), and cannot be traced.
  marker="86399.$$$RANDOM"
  sleep "$marker" &
  host_sleep=$!
  try host-process-invisible '^denied: not-visible$' see-process "$marker"
  got=$(rkt run --net=host "$IMAGE" "${APP_FLAGS[@]}" --exec /bin/sh -- -c "/bin/sleep 77.$$ & /probe try see-process 77.$$; kill \$!" --- 2>"$T/err" </dev/null | cat)
  matches "$PASS pod-process-visible" "$got" '^allowed: [0-9]+$'
  pid1=$(pod -- cat /proc/1/cmdline | tr '\0' ' ')
  matches "$PASS pid1-is-supervisor" "$pid1" 'init'
  # PID 1's command line is readable by the apps: it must not name the host's paths.
  case "$pid1" in *"$T"* | *pods/run*) bad "$PASS pid1-hides-host-paths: $pid1" ;; *) ok ;; esac
  try ptrace-host-pid '^denied' ptrace-attach "$host_sleep"
  try ptrace-pid1 '^denied' ptrace-attach 1
  kill "$host_sleep" 2>/dev/null
  wait "$host_sleep" 2>/dev/null
  host_sleep=

  # PID 1 (the supervisor, with every capability) through /proc: its exe, root, cwd, environ.
  try pid1-exe-write '^denied' open-write /proc/1/exe
  try pid1-root '^denied: (EACCES|EPERM)$' open-read /proc/1/root/init
  try pid1-cwd '^denied: (EACCES|EPERM)$' open-read /proc/1/cwd/init
  try pid1-environ '^denied' open-read /proc/1/environ

  # /proc/sys, /proc/sysrq-trigger, /proc/kcore, /sys, the pod's own cgroup files.
  try proc-sys-hostname '^denied' open-write /proc/sys/kernel/hostname
  try proc-sys-drop-caches '^denied' open-write /proc/sys/vm/drop_caches
  try proc-sysrq-trigger '^denied' open-write /proc/sysrq-trigger
  kcore=$(pod -- cat /proc/kcore 2>/dev/null | head -c 16 | wc -c)
  equals "$PASS kcore-empty-or-denied" "$kcore" 0
  # Directories hidden under an empty read-only tmpfs (/proc/acpi and /sys/firmware exist on
  # CI's kernel): one instance per app, bound on each (the same device in mountinfo).
  pod -- cat /proc/self/mountinfo >"$T/mountinfo"
  python3 - "$T/mountinfo" <<'EOP' && ok || bad "$PASS masked-dirs: $(grep -E ' /(proc/acpi|sys/firmware) ' "$T/mountinfo")"
import sys
seen = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f[4] in ("/proc/acpi", "/sys/firmware"):
        fstype, opts = f[f.index("-") + 1], f[5].split(",")
        assert fstype == "tmpfs" and "ro" in opts, line
        seen[f[4]] = f[2]
assert len(seen) == 2 and len(set(seen.values())) == 1, seen
EOP
  if pod -- write /sys/firmware/planted x >/dev/null; then bad "$PASS masked-dir-write: wrote /sys/firmware/planted"; else ok; fi
  try sys-write '^denied' open-write /sys/kernel/mm/transparent_hugepage/enabled
  try sys-uevent-helper '^denied' open-write /sys/kernel/uevent_helper
  pod -- report >"$T/report"
  python3 -c '
import json, sys
for line in json.load(open(sys.argv[1]))["cgroup"]:
    _, ctrl, path = line.split(":", 2)
    if ctrl == "memory": print("/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes")
    if ctrl == "": print("/sys/fs/cgroup/unified" + path + "/cgroup.procs")
    if ctrl == "": print("/sys/fs/cgroup" + path + "/cgroup.procs")
  ' "$T/report" >"$T/cgroup-files"
  [ -s "$T/cgroup-files" ] && ok || bad "$PASS cgroup: no memory or unified line in the pod's /proc/self/cgroup"
  while read -r f; do
    try "cgroup-write $f" '^denied' open-write "$f"
  done <"$T/cgroup-files"
  # pipefail: pod's status is rkt's, which is the probe's.
  if pod -- write /sys/fs/cgroup/escape x >/dev/null; then bad "$PASS sys-create: the pod created /sys/fs/cgroup/escape"; else ok; fi

  # Mounts, modules, namespaces, keyrings, bpf, perf, userfaultfd, chroot.
  try mount '^denied' mount
  try umount '^denied' umount
  try init_module '^denied: EPERM$' init_module
  try finit_module '^denied: EPERM$' finit_module
  try unshare-user '^denied' unshare-user
  try keyctl '^denied' keyctl
  try keyctl-int80 '^denied' keyctl-int80
  try bpf '^denied' bpf
  try perf_event_open '^denied' perf_event_open
  try userfaultfd '^denied' userfaultfd
  try chroot-escape '^denied' chroot-escape

  # The host's hostname: sethostname in the pod is refused or changes the pod's UTS namespace only.
  try sethostname '^(denied|allowed)' sethostname
  equals "$PASS host-hostname-unchanged" "$(hostname)" "$host_hostname"

  # A host block device: CAP_MKNOD is in the default set, so the app can make a node for any
  # device number, in the image's rootfs (/tmp) or in its writable /dev tmpfs; a node for a host
  # disk (here a loop device holding a known secret) must not open, or the pod reads and writes
  # the host's disks.
  if [ -n "$loopdev" ]; then
    got=$(rkt run --net=host "$IMAGE" "${APP_FLAGS[@]}" --exec /bin/sh -- -c "/bin/busybox mknod /dev/hostdisk b $maj $min; /bin/busybox head -c 16 /dev/hostdisk; echo; /bin/busybox mknod /tmp/hostdisk b $maj $min 2>/dev/null; /bin/busybox head -c 16 /tmp/hostdisk; echo" --- 2>"$T/err" </dev/null | cat)
    [[ "$got" != *HOST-DISK-SECRET* ]] && ok ||
      bad "$PASS mknod-host-disk: the pod read the host block device $loopdev ($maj:$min) through a node it made: $(echo $got)"
  else
    bad "$PASS mknod-host-disk: no loop device (losetup, loop module)"
  fi

  # The memory limit: an app that allocates past it is killed by the OOM killer (or sees malloc
  # fail); it never gets all it asked for. (The tight pass has the limit already.)
  local limit=(--memory=32Mi)
  [[ " ${APP_FLAGS[*]} " == *" --memory=32Mi "* ]] && limit=()
  got=$(rkt run --net=host "$IMAGE" "${APP_FLAGS[@]}" "${limit[@]}" --exec /probe -- alloc 256 --- 2>"$T/err" </dev/null | cat)
  rc=$?
  if [ "$rc" = 137 ] || [[ "$got" == *"malloc failed"* ]]; then
    ok; echo "ok $PASS memory-limit: exit $rc, $(echo "$got" | tail -1)"
  else
    bad "$PASS memory-limit: exit $rc under a 32 MiB limit asking for 256 MiB: $(echo "$got" | tail -1) $(tail -1 "$T/err")"
  fi

  # TIOCSTI: pushing input into the caller's terminal, which a later host shell would read.
  if command -v script >/dev/null; then
    # Not interactive, stdout on the caller's terminal: the app is in a session of its own.
    script -qec "$RKT --dir=$T/data --local-config=$T/etc --system-config=$T/sys ${GLOBAL_FLAGS[*]} run --net=host $IMAGE ${APP_FLAGS[*]} --exec /probe -- try tiocsti 1 ---" /dev/null >"$T/out" 2>&1 </dev/null
    matches "$PASS tiocsti-stdout" "$(tr -d '\r' <"$T/out" | grep -E 'allowed|denied')" '^denied: (EPERM|EIO)$'
    # Interactive: the terminal is the app's controlling terminal.
    script -qec "$RKT --dir=$T/data --local-config=$T/etc --system-config=$T/sys ${GLOBAL_FLAGS[*]} run --net=host --interactive $IMAGE ${APP_FLAGS[*]} --exec /probe -- try tiocsti 0 ---" /dev/null >"$T/out" 2>&1 </dev/null
    matches "$PASS tiocsti-interactive" "$(tr -d '\r' <"$T/out" | grep -E 'allowed|denied')" '^denied: (EPERM|EIO)$'
  else
    bad "$PASS tiocsti: the 'script' command (util-linux) is missing"
  fi
}

# The host block device the mknod attack aims at: a loop device holding a known secret.
loopdev=
if command -v losetup >/dev/null && truncate -s 64K "$T/disk.img" &&
   printf 'HOST-DISK-SECRET' | dd of="$T/disk.img" conv=notrunc status=none &&
   loopdev=$(losetup -f --show "$T/disk.img" 2>"$T/err"); then
  maj=$((0x$(stat -c %t "$loopdev"))) min=$((0x$(stat -c %T "$loopdev")))
fi

# Pass 1, default settings: root inside, the appc spec's 14 capabilities as the bounding set
# (CAP_CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW
# SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP), the default seccomp filter, no_new_privs off.
PASS=default WANT_UID=0 WANT_CAPBND=00000000a80425fb WANT_CAPEFF=00000000a80425fb WANT_NNP=0
WANT_CAPINH=0000000000000000
attacks

# Pass 2, the tightest isolators: the probe image with os/linux/no-new-privileges in its manifest
# (unsigned, hence --insecure-options=image), run as uid 1000 with CAP_NET_BIND_SERVICE only in
# its bounding set (raised as ambient, so also effective and inheritable: how a non-root app
# keeps a retained capability across execve), Docker's allowlist failing calls with EPERM,
# 32 MiB, a quarter CPU, a read-only rootfs. The probe must still run and report.
mkdir -p "$T/tight"
tar -xzf "$T/probe.aci" -C "$T/tight"
python3 - "$T/tight/manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["name"] = "example.com/probe-tight"
m["app"].setdefault("isolators", []).append({"name": "os/linux/no-new-privileges", "value": True})
json.dump(m, open(sys.argv[1], "w"))
PY
tar -czf "$T/tight.aci" -C "$T/tight" manifest rootfs
PASS=tight IMAGE=$T/tight.aci GLOBAL_FLAGS=(--insecure-options=image)
APP_FLAGS=(--user=1000 --group=1000 --caps-retain=CAP_NET_BIND_SERVICE
  --seccomp=mode=retain,errno=EPERM,@docker/default-whitelist --memory=32Mi --cpu=250m
  --readonly-rootfs=true)
WANT_UID=1000 WANT_CAPBND=0000000000000400 WANT_CAPEFF=0000000000000400 WANT_NNP=1
WANT_CAPINH=0000000000000400
attacks
IMAGE=example.com/probe APP_FLAGS=() GLOBAL_FLAGS=() PASS=once

# A symlink planted in the image at a volume's mount target: the mount lands inside the rootfs
# (the symlink is resolved as if the rootfs were /), never on the host's /etc or $T.
mkdir -p "$T/img"
tar -xzf "$T/probe.aci" -C "$T/img"
ln -s /etc "$T/img/rootfs/abs"
ln -s ../../../../../../../../etc "$T/img/rootfs/rel"
ln -s "$T/dangling-target" "$T/img/rootfs/dangling"
sed -i 's|"example.com/probe"|"example.com/probe-symlinks"|' "$T/img/manifest"
tar -czf "$T/symlinks.aci" -C "$T/img" manifest rootfs
mkdir "$T/vol"
echo volume-content >"$T/vol/marker"
etc_before=$(ls -la --time-style=full-iso /etc | md5sum)
for target in /abs /rel /dangling; do
  got=$(rkt run --insecure-options=image --volume=v,kind=host,source="$T/vol" \
    --mount volume=v,target=$target "$T/symlinks.aci" --exec /bin/sh -- \
    -c "cat $target/marker && echo via-$target >$target/written && cat /etc/marker 2>/dev/null; true" \
    --- 2>"$T/err" </dev/null | cat)
  if [ -z "$got" ] && grep -q . "$T/err"; then
    ok  # refused: acceptable as long as it said why and touched nothing
    echo "  (symlink target $target refused: $(head -1 "$T/err"))"
  else
    matches "symlink-volume $target content" "$got" '^volume-content'
    equals "symlink-volume $target wrote into the volume" "$(cat "$T/vol/written" 2>/dev/null)" "via-$target"
  fi
  [ ! -e /etc/marker ] && [ ! -e /etc/written ] && ok || bad "symlink-volume $target: reached the host's /etc"
  rm -f /etc/marker /etc/written "$T/vol/written"
done
[ ! -e "$T/dangling-target" ] && ok || bad "symlink-volume /dangling: created $T/dangling-target on the host"
equals host-etc-unchanged "$(ls -la --time-style=full-iso /etc | md5sum)" "$etc_before"

finish escape_test
