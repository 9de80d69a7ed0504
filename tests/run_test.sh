#!/usr/bin/env bash
# rkt run, prepare and run-prepared end to end, as root, with the stage1 next to the rkt binary:
# exit codes, exec and args, environment precedence, multi-app pods, volumes, prepare +
# run-prepared, signature checks, usage errors, and that a failure leaves no pod dir and a pod
# leaves no mount on the host.
# Usage: run_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds busybox.aci, .asc, demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
PROBE=$3
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
rkt() { "$RKT" --dir="$T/data" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
cleanup() {
  rkt gc --grace-period=0s >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
pod_dirs() { find "$T/data/pods" -mindepth 2 -maxdepth 2 2>/dev/null | wc -l; }
no_pod_left() {  # no_pod_left NAME BEFORE
  equals "$1 left a pod dir" "$(pod_dirs)" "$2"
}

if [ "$(id -u)" != 0 ]; then echo "run_test.sh needs root"; exit 1; fi
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "no stage1-rocket.aci next to $RKT (the stage1 build is missing)"
  exit 1
fi
BB="$T/busybox.aci"
cp "$DEMO/busybox.aci" "$DEMO/busybox.aci.asc" "$T/"
cp "$PROBE" "$PROBE.asc" "$T/"
PR="$T/probe.aci"
rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
mounts_before=$(host_mounts)

# Exit codes: the app's, through stage1.
check exit-0 0 rkt run "$BB" --exec /bin/true
check exit-3 3 rkt run "$BB" --exec /bin/sh -- -c 'exit 3'
check exit-127 127 rkt run "$BB" --exec /nonexistent
check probe-exit 0 rkt run "$PR" -- exit 0 ---
check probe-exit-5 5 rkt run "$PR" --exec /probe -- exit 5
equals mounts-after-pods "$(host_mounts)" "$mounts_before"

# --exec and "-- args ---": the args end at "---", the next image is a second app.
check args 0 rkt run "$BB" --exec /bin/echo -- one "two words" --- "$PR" -- exit 0
contains args-output "$T/out" "one two words"

# Environment: image < --set-env-file < --set-env < --environment; --inherit-env lowest.
printf '# comment\nA=file\nB=file\nC=file\n' >"$T/env"
export INHERITED=yes
check env 0 rkt run --inherit-env --set-env-file="$T/env" --set-env=A=set \
  --set-env=C=set "$BB" --environment=C=app --exec /bin/sh -- -c 'echo "$A $B $C $INHERITED $AC_APP_NAME"'
contains env-precedence "$T/out" "set file app yes busybox"
check no-inherit 0 rkt run "$BB" --exec /bin/sh -- -c 'echo "[${INHERITED:-unset}]"'
contains no-inherit-output "$T/out" "[unset]"
unset INHERITED

# Two apps, each named; a duplicate name is refused before any pod dir exists.
check two-apps 0 rkt run "$BB" --name=first --exec /bin/sh -- -c 'echo "I am $AC_APP_NAME"' --- \
  "$BB" --name=second --exec /bin/true
contains two-apps-output "$T/out" "I am first"
n=$(pod_dirs)
check duplicate-names 254 rkt run "$BB" "$BB"
contains duplicate-names-message "$T/err" 'two apps are named "busybox"'
no_pod_left duplicate-names "$n"

# An empty volume shared by two apps: one writes, the other waits for the file and reads it.
check shared-volume 0 rkt run --volume=v,kind=empty,mode=0777 --mount volume=v,target=/v \
  "$BB" --name=writer --exec /bin/sh -- -c 'echo shared-data >/v/f' --- \
  "$BB" --name=reader --exec /bin/sh -- -c 'for i in $(seq 100); do [ -f /v/f ] && cat /v/f && exit 0; sleep 0.1; done; exit 9'
contains shared-volume-output "$T/out" "shared-data"

# Host volumes: read-write shows on the host, read-only refuses writes.
mkdir "$T/host"
check host-rw 0 rkt run --volume=h,kind=host,source="$T/host" "$BB" --mount volume=h,target=/h \
  --exec /bin/sh -- -c 'echo from-pod >/h/out'
equals host-rw-file "$(cat "$T/host/out" 2>/dev/null)" "from-pod"
check host-ro 7 rkt run --volume=h,kind=host,source="$T/host",readOnly=true "$BB" \
  --mount volume=h,target=/h --exec /bin/sh -- -c 'echo x >/h/ro 2>/dev/null && exit 0; exit 7'
[ ! -e "$T/host/ro" ] && ok || bad "host-ro: the pod wrote through a read-only volume"

# --net=none: a network namespace of the pod's own, with only lo, and lo up.
check net-none 0 rkt run --net=none "$BB" --exec /bin/sh -- -c \
  'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; cat /sys/class/net/lo/flags'
equals net-none-only-lo "$(head -1 "$T/out")" "lo"
equals net-none-one-interface "$(grep -vc '^0x' "$T/out")" 1
equals net-none-lo-up "$(tail -1 "$T/out")" "0x9"
check net-none-loopback-works 0 rkt run --net=none "$BB" --exec /bin/sh -- -c 'ping -c1 -W2 127.0.0.1'
check net-host-sees-host 0 rkt run --net=host "$BB" --exec /bin/cat -- /proc/net/dev
equals net-host-interfaces "$(tail -n +3 "$T/out" | cut -d: -f1 | tr -d ' ' | sort)" \
  "$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort)"

# DNS and hosts flags (rkt's): a generated resolv.conf, the host's files, none.
check dns-generated 0 rkt run --dns=10.1.2.3 --dns=2001:db8::1 --dns-search=a.example \
  --dns-search=b.example --dns-opt=ndots:3 --dns-domain=pod.example "$BB" --exec /bin/cat -- /etc/resolv.conf
contains dns-servers "$T/out" "nameserver 10.1.2.3"
contains dns-servers-v6 "$T/out" "nameserver 2001:db8::1"
contains dns-search "$T/out" "search a.example b.example"
contains dns-opt "$T/out" "options ndots:3"
contains dns-domain "$T/out" "domain pod.example"
check dns-host 0 rkt run --dns=host "$BB" --exec /bin/cat -- /etc/resolv.conf
equals dns-host-content "$(cat "$T/out")" "$(cat /etc/resolv.conf)"
check dns-none 0 rkt run --dns=none "$BB" --exec /bin/sh -- -c 'test ! -e /etc/resolv.conf'
check hosts-host 0 rkt run --hosts-entry=host "$BB" --exec /bin/cat -- /etc/hosts
equals hosts-host-content "$(cat "$T/out")" "$(cat /etc/hosts)"
check hosts-host-ro 0 rkt run --hosts-entry=host "$BB" --exec /bin/sh -- -c '! echo x >>/etc/hosts'
check hosts-entries 0 rkt run --hosts-entry=10.9.8.7=db,10.9.8.7=db2 "$BB" --exec /bin/cat -- /etc/hosts
contains hosts-entries-line "$T/out" "10.9.8.7"
before=$(pod_dirs)
check dns-not-ip 254 rkt run --dns=not-an-ip "$BB" --exec /bin/true
contains dns-not-ip-message "$T/err" "not-an-ip"
check dns-host-and-ip 254 rkt run --dns=host --dns=1.1.1.1 "$BB" --exec /bin/true
check dns-search-blank 254 rkt run "--dns-search=a b" "$BB" --exec /bin/true
check hosts-host-and-entry 254 rkt run --hosts-entry=host --hosts-entry=1.2.3.4=x "$BB" --exec /bin/true
no_pod_left bad-dns-flags "$before"

# prepare, then run-prepared once; a second run-prepared of the same pod fails.
check prepare 0 rkt prepare --quiet "$BB" --exec /bin/sh -- -c 'exit 4'
uuid=$(cat "$T/out")
equals prepare-output-is-uuid "${#uuid}" 36
[ -d "$T/data/pods/prepared/$uuid" ] && ok || bad "prepare: no pods/prepared/$uuid"
check run-prepared 4 rkt run-prepared "$uuid"
check run-prepared-again 254 rkt run-prepared "$uuid"

# --uuid-file-save is written before the pod runs, with the pod's UUID.
check uuid-file-save 0 rkt run --uuid-file-save="$T/uuid" "$BB" --exec /bin/true
saved=$(cat "$T/uuid" 2>/dev/null)
[ -n "$saved" ] && [ -d "$T/data/pods/run/$saved" ] && ok || bad "uuid-file-save: \"$saved\" is no pod in run/"

# An unsigned image is refused unless --insecure-options=image.
cp "$DEMO/busybox.aci" "$T/unsigned.aci"
cp "$DEMO/busybox.aci" "$T/unsigned-too.aci"  # another path, so no earlier import is reused
touch -d '1 hour ago' "$T/unsigned.aci"
n=$(pod_dirs)
check unsigned 254 rkt run "$T/unsigned.aci" --exec /bin/true
no_pod_left unsigned "$n"
check unsigned-insecure 0 rkt run --insecure-options=image "$T/unsigned-too.aci" --exec /bin/true

# Usage errors: exit 2, nothing made.
n=$(pod_dirs)
check unknown-pod-flag 2 rkt run --memory=1G "$BB"
check unknown-app-flag 2 rkt run "$BB" --bogus
check app-flag-before-image 2 rkt run --exec /bin/true "$BB"
contains app-flag-before-image-message "$T/err" "--exec must follow an image"
check two-arg-lists 2 rkt run "$BB" -- a --- -- b
check stray-triple-dash 2 rkt run "$BB" ---
check missing-flag-value 2 rkt run "$BB" --exec
no_pod_left usage-errors "$n"

# Bad input: exit 254 with one line naming the thing, and no pod dir.
check missing-image 254 rkt run "$T/nonexistent.aci"
check bad-volume 254 rkt run --volume=x,kind=nfs "$BB" --exec /bin/true
contains bad-volume-message "$T/err" "--volume"
check undefined-volume 254 rkt run "$BB" --mount volume=nope,target=/x --exec /bin/true
check host-volume-missing 254 rkt run --volume=h,kind=host,source=/nonexistent-src "$BB" --exec /bin/true
check net-unknown-refused 254 rkt run --net=no-such-net "$BB" --exec /bin/true
check interactive-two 254 rkt run --interactive "$BB" "$BB" --name=b
check no-image 254 rkt run
check pod-manifest-conflict 254 rkt run --pod-manifest="$T/env" "$BB"
no_pod_left bad-input "$n"

# Unprivileged: refused up front.
check unprivileged 254 setpriv --reuid=65534 --regid=65534 --clear-groups "$RKT" --dir="$T/data" run "$BB"
contains unprivileged-message "$T/err" "cannot run as unprivileged user"

# Not interactive: the app reads nothing of the caller's stdin; its fd 0 is the pod's own
# /dev/null (the same inode as /dev/null in its root), not the caller's pipe nor the host's.
echo caller-secret | rkt run "$BB" --exec /bin/sh -- -c \
  'cat; [ /proc/self/fd/0 -ef /dev/null ] && echo STDIN-IS-THE-PODS-NULL' >"$T/out" 2>"$T/err"
equals stdin-not-interactive "$(cat "$T/out")" STDIN-IS-THE-PODS-NULL

# --interactive under a pty: the app's stdin is the terminal.
if command -v script >/dev/null; then
  script -qec "$RKT --dir=$T/data --local-config=$T/etc --system-config=$T/sys run --interactive $BB --exec /bin/sh -- -c '[ -t 0 ] && echo STDIN-IS-A-TTY'" /dev/null >"$T/out" 2>&1 </dev/null
  contains interactive-tty "$T/out" "STDIN-IS-A-TTY"
else
  bad "interactive: the 'script' command (util-linux) is missing"
fi

equals mounts-at-end "$(host_mounts)" "$mounts_before"
finish run_test
