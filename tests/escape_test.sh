#!/usr/bin/env bash
# Escape attempts from a pod run with DEFAULT settings, each of which must fail: seeing host
# processes, writing /proc/sys, /sys and cgroup files, mounting, loading modules, reading
# /proc/kcore, changing the host's hostname, reaching PID 1 through /proc/1/{exe,root,environ},
# leaked fds, a symlink planted at a volume's mount target, ptrace, keyrings, bpf, perf,
# userfaultfd, new user namespaces, host block devices through mknod, TIOCSTI into a terminal; and the security
# state the app starts in (bounding set, seccomp, no_new_privs, uid, hostname).
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
rkt() { "$RKT" --dir="$T/data" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
host_sleep=
loopdev=
cleanup() {
  [ -n "$host_sleep" ] && kill "$host_sleep" 2>/dev/null
  [ -n "$loopdev" ] && losetup -d "$loopdev"
  rkt gc --grace-period=0s >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
matches() {  # matches NAME GOT ERE
  if [[ "$2" =~ $3 ]]; then ok; echo "ok $1: ${2//$'\n'/ | }"; else bad "$1: got \"$2\", wanted /$3/"; fi
}
# pod [RUN FLAGS...] -- APP ARGS...: one pod of the probe image, /probe with APP ARGS; stdout
# and stderr go through pipes (so no fd of the app is a host file), stderr ends in $T/err.
pod() {
  local flags=()
  while [ "$1" != -- ]; do flags+=("$1"); shift; done
  shift
  rkt run "${flags[@]}" example.com/probe --exec /probe -- "$@" --- 2> >(cat >"$T/err") </dev/null | cat
}
# try NAME ERE OP [ARG]: `probe try OP ARG` in a pod of its own must print a line matching ERE.
try() {
  local name=$1 want=$2
  shift 2
  local got
  got=$(pod -- try "$@")
  matches "$name" "$got" "$want"
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

# The app's starting state: root inside, the appc spec's 14 capabilities as the bounding set
# (CAP_CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW
# SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP), a seccomp filter, no_new_privs off (only the
# os/linux/no-new-privileges isolator sets it), hostname rkt-<uuid>.
pod --uuid-file-save="$T/uuid" -- report >"$T/report"
uuid=$(cat "$T/uuid" 2>/dev/null)
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/report" "$1" 2>/dev/null; }
equals report-uid "$(field uid)" 0
equals report-CapBnd "$(field CapBnd)" 00000000a80425fb
equals report-CapEff "$(field CapEff)" 00000000a80425fb
equals report-CapInh "$(field CapInh)" 0000000000000000
equals report-Seccomp "$(field Seccomp)" 2
equals report-NoNewPrivs "$(field NoNewPrivs)" 0
equals report-hostname "$(field hostname)" "rkt-$uuid"

# Open fds: only 0, 1 and 2, none of them a host file or directory, even though the caller
# holds fd 7 (no CLOEXEC) on a host file when it runs rkt.
echo secret >"$T/leak"
exec 7<"$T/leak"
pod -- report >"$T/report"
exec 7<&-
equals fds-open "$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["fds"])))' "$T/report" 2>&1)" "0 1 2"
fd_targets=$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["fds"].values())))' "$T/report" 2>&1)
matches fds-targets "$fd_targets" '^(/dev/null|pipe:\[[0-9]+\]|socket:\[[0-9]+\])( (/dev/null|pipe:\[[0-9]+\]|socket:\[[0-9]+\])){2}$'

# Host processes: a host sleep with a unique argv is invisible in the pod's /proc (and the
# probe does see a process of its own pod: the check can succeed), and cannot be traced.
marker="86399.$$$RANDOM"
sleep "$marker" &
host_sleep=$!
try host-process-invisible '^denied: not-visible$' see-process "$marker"
got=$(rkt run example.com/probe --exec /bin/sh -- -c "/bin/sleep 77.$$ & /probe try see-process 77.$$; kill \$!" --- 2>"$T/err" </dev/null | cat)
matches pod-process-visible "$got" '^allowed: [0-9]+$'
pid1=$(pod -- cat /proc/1/cmdline | tr '\0' ' ')
matches pid1-is-supervisor "$pid1" 'init'
# PID 1's command line is readable by the apps: it must not name the host's paths.
case "$pid1" in *"$T"* | *pods/run*) bad "pid1-hides-host-paths: $pid1" ;; *) ok ;; esac
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
equals kcore-empty-or-denied "$kcore" 0
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
[ -s "$T/cgroup-files" ] && ok || bad "cgroup: no memory or unified line in the pod's /proc/self/cgroup"
while read -r f; do
  try "cgroup-write $f" '^denied' open-write "$f"
done <"$T/cgroup-files"
# pipefail: pod's status is rkt's, which is the probe's.
if pod -- write /sys/fs/cgroup/escape x >/dev/null; then bad "sys-create: the pod created /sys/fs/cgroup/escape"; else ok; fi

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
equals host-hostname-unchanged "$(hostname)" "$host_hostname"

# A host block device: CAP_MKNOD is in the default set, so the app can make a node for any
# device number, in the image's rootfs (/tmp) or in its writable /dev tmpfs; a node for a host
# disk (here a loop device holding a known secret) must not open, or the pod reads and writes
# the host's disks.
if command -v losetup >/dev/null && truncate -s 64K "$T/disk.img" &&
   printf 'HOST-DISK-SECRET' | dd of="$T/disk.img" conv=notrunc status=none &&
   loopdev=$(losetup -f --show "$T/disk.img" 2>"$T/err"); then
  maj=$((0x$(stat -c %t "$loopdev"))) min=$((0x$(stat -c %T "$loopdev")))
  got=$(rkt run example.com/probe --exec /bin/sh -- -c "/bin/busybox mknod /dev/hostdisk b $maj $min; /bin/busybox head -c 16 /dev/hostdisk; echo; /bin/busybox mknod /tmp/hostdisk b $maj $min; /bin/busybox head -c 16 /tmp/hostdisk; echo" --- 2>"$T/err" </dev/null | cat)
  [[ "$got" != *HOST-DISK-SECRET* ]] && ok ||
    bad "mknod-host-disk: the pod read the host block device $loopdev ($maj:$min) through a node it made: $(echo $got)"
else
  bad "mknod-host-disk: cannot set up a loop device (losetup, loop module): $(head -1 "$T/err")"
fi

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

# TIOCSTI: pushing input into the caller's terminal, which a later host shell would read.
if command -v script >/dev/null; then
  # Not interactive, stdout on the caller's terminal: the app is in a session of its own.
  script -qec "$RKT --dir=$T/data --local-config=$T/etc --system-config=$T/sys run example.com/probe --exec /probe -- try tiocsti 1 ---" /dev/null >"$T/out" 2>&1 </dev/null
  matches tiocsti-stdout "$(tr -d '\r' <"$T/out" | grep -E 'allowed|denied')" '^denied: (EPERM|EIO)$'
  # Interactive: the terminal is the app's controlling terminal.
  script -qec "$RKT --dir=$T/data --local-config=$T/etc --system-config=$T/sys run --interactive example.com/probe --exec /probe -- try tiocsti 0 ---" /dev/null >"$T/out" 2>&1 </dev/null
  matches tiocsti-interactive "$(tr -d '\r' <"$T/out" | grep -E 'allowed|denied')" '^denied: (EPERM|EIO)$'
else
  bad "tiocsti: the 'script' command (util-linux) is missing"
fi

finish escape_test
