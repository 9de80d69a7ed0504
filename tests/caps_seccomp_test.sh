#!/usr/bin/env bash
# Capability and seccomp isolators with real pods, seen from inside by the probe: --caps-retain
# and --caps-remove in CapBnd/CapEff/CapPrm/CapAmb for a root and a non-root app, a removed
# capability really denied; --seccomp in retain (allowlist) and remove (denylist) mode, killing
# (exit 159 = 128+SIGSYS) without errno= and failing with the errno with it; rkt's named groups;
# isolators from an image manifest built here, and the command line replacing them; unknown
# names refused with exit 254 and no pod left; --insecure-options switching them off, with a
# warning.
# Usage: caps_seccomp_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
PROBE=$3
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
D=$T/data
rkt() { "$RKT" --dir="$D" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
cleanup() {
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
lacks() { if grep -qF -- "$3" "$2"; then bad "$1: $2 has \"$3\""; else ok; fi; }
pod_dirs() { find "$D/pods" -mindepth 2 -maxdepth 2 2>/dev/null | wc -l; }
# field KEY: a field of the probe's report in $T/out.
field() {
  python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' \
    "$T/out" "$1" 2>/dev/null
}
# caps NAME BND EFF PRM AMB: the capability sets of the report in $T/out (hex, 16 digits).
caps() {
  equals "$1 CapBnd" "$(field CapBnd)" "$(printf %016x "$2")"
  equals "$1 CapEff" "$(field CapEff)" "$(printf %016x "$3")"
  equals "$1 CapPrm" "$(field CapPrm)" "$(printf %016x "$4")"
  equals "$1 CapAmb" "$(field CapAmb)" "$(printf %016x "$5")"
}

if [ "$(id -u)" != 0 ]; then echo "FAIL caps_seccomp_test.sh needs root"; exit 1; fi
command -v python3 >/dev/null || { echo "FAIL python3 is missing"; exit 1; }
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "FAIL no stage1-rocket.aci next to $RKT (the stage1 build is missing)"
  exit 1
fi
cp "$PROBE" "$PROBE.asc" "$T/"
PR=$T/probe.aci
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
PROBE_ID=$(rkt fetch --full "$PR" 2>/dev/null | tail -1)
case "$PROBE_ID" in sha512-*) ok ;; *) bad "fetch: no image ID (\"$PROBE_ID\")"; exit 1 ;; esac

# Capability numbers: CHOWN 0, MKNOD 27, NET_ADMIN 12, NET_RAW 13, SYS_CHROOT 18.
DEFAULT=0xa80425fb
CHOWN=$((1 << 0)) NET_ADMIN=$((1 << 12)) NET_RAW=$((1 << 13)) SYS_CHROOT=$((1 << 18))
MKNOD=$((1 << 27))

# --- 1. root app: the default set, a retain-set, a remove-set (and the removed ones denied).
check root-default 0 rkt run "$PR" --exec /probe -- report
caps root-default $DEFAULT $DEFAULT $DEFAULT 0
check root-retain 0 rkt run "$PR" --caps-retain=CAP_NET_ADMIN,chown --exec /probe -- report
caps root-retain $((NET_ADMIN | CHOWN)) $((NET_ADMIN | CHOWN)) $((NET_ADMIN | CHOWN)) 0
check root-remove 0 rkt run "$PR" --caps-remove=CAP_CHOWN,MKNOD,NET_RAW --exec /probe -- report
left=$((DEFAULT & ~(CHOWN | MKNOD | NET_RAW)))
caps root-remove $left $left $left 0
# rkt's deprecated spellings: the same isolators, and rkt's warning on stderr.
check root-cap-retain-deprecated 0 rkt run --net=host "$PR" --cap-retain=CAP_NET_ADMIN,chown --exec /probe -- report
caps root-cap-retain-deprecated $((NET_ADMIN | CHOWN)) $((NET_ADMIN | CHOWN)) $((NET_ADMIN | CHOWN)) 0
contains root-cap-retain-warns "$T/err" "Flag --cap-retain has been deprecated, use --caps-retain instead"
check root-cap-remove-deprecated 0 rkt run --net=host "$PR" --cap-remove=CAP_CHOWN,MKNOD,NET_RAW --exec /probe -- report
caps root-cap-remove-deprecated $left $left $left 0
contains root-cap-remove-warns "$T/err" "Flag --cap-remove has been deprecated, use --caps-remove instead"
# The same operations with the default set and without the capabilities.
try_ops='/probe try chown /probe; /probe try mknod /tmp/null; /probe try raw-socket'
check root-ops-default 0 rkt run "$PR" --exec /bin/sh -- -c "$try_ops"
equals root-ops-default "$(tr '\n' ' ' <"$T/out")" "allowed allowed allowed "
check root-ops-removed 0 rkt run "$PR" --caps-remove=CHOWN,MKNOD,NET_RAW --exec /bin/sh -- -c "$try_ops"
equals root-ops-removed "$(tr '\n' ' ' <"$T/out")" "denied: EPERM denied: EPERM denied: EPERM "

# --- 2. non-root app: nothing by default; a retain-set is raised as ambient capabilities, so
# it survives execve; a remove-set only narrows the bounding set.
check user-default 0 rkt run "$PR" --user=1000 --exec /probe -- report
caps user-default $DEFAULT 0 0 0
check user-retain 0 rkt run "$PR" --user=1000 --caps-retain=NET_RAW,CAP_CHOWN --exec /probe -- report
caps user-retain $((NET_RAW | CHOWN)) $((NET_RAW | CHOWN)) $((NET_RAW | CHOWN)) $((NET_RAW | CHOWN))
check user-remove 0 rkt run "$PR" --user=1000 --caps-remove=NET_RAW --exec /probe -- report
caps user-remove $((DEFAULT & ~NET_RAW)) 0 0 0
user_ops='/probe write /tmp/mine x && /probe try chown /tmp/mine; /probe try raw-socket'
check user-ops-default 0 rkt run "$PR" --user=1000 --exec /bin/sh -- -c "$user_ops"
equals user-ops-default "$(tr '\n' ' ' <"$T/out")" "denied: EPERM denied: EPERM "
check user-ops-retained 0 rkt run "$PR" --user=1000 --caps-retain=NET_RAW,CHOWN \
  --exec /bin/sh -- -c "$user_ops"
equals user-ops-retained "$(tr '\n' ' ' <"$T/out")" "allowed allowed "

# --- 3. seccomp remove mode (a denylist replacing the default): errno or kill.
check remove-errno 0 rkt run "$PR" --seccomp mode=remove,errno=EACCES,uname \
  --exec /bin/sh -- -c '/probe try uname; /probe try getcwd; /probe try keyctl'
equals remove-errno "$(tr '\n' ' ' <"$T/out")" "denied: EACCES allowed allowed "
check remove-kill 159 rkt run "$PR" --seccomp mode=remove,uname --exec /probe -- try uname
check remove-kill-other-calls 0 rkt run "$PR" --seccomp mode=remove,uname --exec /probe -- try getcwd

# --- 4. seccomp retain mode (an allowlist): only the named calls (and the lifecycle minimum).
# The static probe needs readlink (glibc reads /proc/self/exe at start-up) and, for its output,
# newfstatat and write; nothing else beyond the lifecycle minimum.
probe_calls=readlink,write,fstat,newfstatat
check retain-errno 0 rkt run "$PR" --seccomp mode=retain,errno=ENOSYS,$probe_calls \
  --exec /probe -- try uname
equals retain-errno "$(cat "$T/out")" "denied: ENOSYS"
check retain-kill-listed 0 rkt run "$PR" --seccomp mode=retain,$probe_calls,getcwd \
  --exec /probe -- try getcwd
equals retain-kill-listed "$(cat "$T/out")" "allowed"
check retain-kill 159 rkt run "$PR" --seccomp mode=retain,$probe_calls,getcwd --exec /probe -- try uname
equals retain-kill-silent "$(cat "$T/out")" ""
check retain-report 0 rkt run "$PR" --seccomp mode=retain,errno=EPERM,@rkt/default-whitelist \
  --exec /probe -- report
equals retain-report-Seccomp "$(field Seccomp)" 2

# --- 5. the named groups.
for g in @rkt/default-whitelist @docker/default-whitelist; do
  # A whole busybox shell runs under the allowlist in kill mode; keyctl is not on it.
  check "$g shell" 0 rkt run "$PR" --seccomp "mode=retain,$g" \
    --exec /bin/sh -- -c '/probe try uname; /probe try getcwd; /probe try chown /probe'
  equals "$g shell" "$(tr '\n' ' ' <"$T/out")" "allowed allowed allowed "
  check "$g keyctl" 159 rkt run "$PR" --seccomp "mode=retain,$g" --exec /probe -- try keyctl
  check "$g errno" 0 rkt run "$PR" --seccomp "mode=retain,errno=EPERM,$g" \
    --exec /bin/sh -- -c '/probe try keyctl; /probe try mount; /probe try unshare-user'
  equals "$g errno" "$(tr '\n' ' ' <"$T/out")" "denied: EPERM denied: EPERM denied: EPERM "
done
for g in @rkt/default-blacklist @docker/default-blacklist; do
  check "$g" 0 rkt run "$PR" --seccomp "mode=remove,errno=EXDEV,$g" \
    --exec /bin/sh -- -c '/probe try keyctl; /probe try uname; /probe try bpf'
  equals "$g" "$(tr '\n' ' ' <"$T/out")" "denied: EXDEV allowed denied: EXDEV "
  check "$g kill" 159 rkt run "$PR" --seccomp "mode=remove,$g" --exec /probe -- try keyctl
done
# @appc.io/all: every call; @appc.io/empty: nothing removed (not even the default list).
check appc-all 0 rkt run "$PR" --seccomp mode=retain,@appc.io/all --exec /probe -- try keyctl
lacks appc-all "$T/out" "denied: EPERM"
check appc-empty 0 rkt run "$PR" --seccomp mode=remove,@appc.io/empty --exec /probe -- try keyctl
lacks appc-empty "$T/out" "denied: EPERM"
# The default filter, for comparison: keyctl fails with EPERM.
check default-keyctl 0 rkt run "$PR" --exec /probe -- try keyctl
equals default-keyctl "$(cat "$T/out")" "denied: EPERM"

# --- 6. isolators from an image manifest built here, and the command line replacing them.
build_image() {  # build_image NAME ISOLATORS_JSON OUT
  rm -rf "$T/img"
  mkdir -p "$T/img"
  tar -xzf "$PR" -C "$T/img"
  python3 - "$T/img/manifest" "$1" "$2" <<'EOP'
import json, sys
m = json.load(open(sys.argv[1]))
m["name"] = sys.argv[2]
m["app"]["isolators"] = json.loads(sys.argv[3])
json.dump(m, open(sys.argv[1], "w"))
EOP
  tar -czf "$3" -C "$T/img" manifest rootfs
}
build_image example.com/probe-caps '[
  {"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_RAW","CAP_SYS_CHROOT"]}},
  {"name":"os/linux/seccomp-remove-set","value":{"set":["uname"],"errno":"EACCES"}}]' "$T/caps.aci"
check image-report 0 rkt --insecure-options=image run "$T/caps.aci" --exec /probe -- report
caps image-report $((NET_RAW | SYS_CHROOT)) $((NET_RAW | SYS_CHROOT)) $((NET_RAW | SYS_CHROOT)) 0
check image-seccomp 0 rkt --insecure-options=image run "$T/caps.aci" --exec /probe -- try uname
equals image-seccomp "$(cat "$T/out")" "denied: EACCES"
# --caps-remove replaces the image's retain-set, --seccomp its remove-set.
check image-overridden 0 rkt --insecure-options=image run "$T/caps.aci" --caps-remove=MKNOD \
  --seccomp mode=remove,errno=EPERM,getcwd --exec /bin/sh -- -c '/probe report; /probe try uname; /probe try getcwd'
caps image-overridden $((DEFAULT & ~MKNOD)) $((DEFAULT & ~MKNOD)) $((DEFAULT & ~MKNOD)) 0
contains image-overridden-uname "$T/out" "allowed"
contains image-overridden-getcwd "$T/out" "denied: EPERM"
# --insecure-options switch both off, and say so.
check image-insecure 0 rkt --insecure-options=image,capabilities,seccomp run "$T/caps.aci" --exec /probe -- report
equals image-insecure-Seccomp "$(field Seccomp)" 0
[ "$(field CapBnd)" != "$(printf %016x $((NET_RAW | SYS_CHROOT)))" ] && ok ||
  bad "image-insecure: the retain-set still bounds the app"
contains image-insecure-caps-warning "$T/err" \
  "app probe-caps: isolator os/linux/capabilities-retain-set ignored: --insecure-options=capabilities"
contains image-insecure-seccomp-warning "$T/err" \
  "app probe-caps: isolator os/linux/seccomp-remove-set ignored: --insecure-options=seccomp"

# --- 7. bad names: one line naming the thing, exit 254, no pod left.
before=$(pod_dirs)
refused() {  # refused NAME TEXT RKT-ARGS...
  local name=$1 text=$2
  shift 2
  check "$name" 254 rkt "$@"
  contains "$name names it" "$T/err" "$text"
  # (--insecure-options=image adds its own warning line)
  equals "$name one line" "$(grep -vc 'signature verification has been disabled' "$T/err")" 1
  equals "$name no pod" "$(pod_dirs)" "$before"
}
refused bad-syscall 'unknown system call "nosuchcall"' run "$PR" --seccomp mode=remove,uname,nosuchcall
refused bad-group 'unknown seccomp group "@rkt/nothing"' run "$PR" --seccomp mode=retain,@rkt/nothing
refused bad-group-mode '"@rkt/default-blacklist" is a denylist' run "$PR" --seccomp mode=retain,@rkt/default-blacklist
refused bad-errno 'unknown errno name "EPONY"' run "$PR" --seccomp mode=remove,errno=EPONY,uname
refused bad-mode 'mode must be retain or remove' run "$PR" --seccomp mode=both,uname
refused no-mode 'mode=retain or mode=remove is required' run "$PR" --seccomp uname
refused bad-cap 'unknown capability "CAP_PONIES"' run "$PR" --caps-retain=CAP_PONIES
refused bad-cap-remove 'unknown capability "PONIES"' run "$PR" --caps-remove=CHOWN,PONIES
refused caps-both '--caps-retain and --caps-remove cannot be used together' run "$PR" --caps-retain=CHOWN --caps-remove=MKNOD
refused bad-prepare 'unknown system call "nosuchcall"' prepare "$PR" --seccomp mode=remove,nosuchcall
check seccomp-twice 2 rkt run "$PR" --seccomp mode=remove,uname --seccomp mode=remove,getcwd
equals seccomp-twice-no-pod "$(pod_dirs)" "$before"
build_image example.com/probe-bad '[{"name":"os/linux/seccomp-remove-set","value":{"set":["uname","unamee"]}}]' "$T/bad.aci"
refused bad-image 'unknown system call "unamee"' --insecure-options=image run "$T/bad.aci"
build_image example.com/probe-badcap '[{"name":"os/linux/capabilities-remove-set","value":{"set":["CAP_PONIES"]}}]' "$T/badcap.aci"
refused bad-image-cap 'CAP_PONIES' --insecure-options=image run "$T/badcap.aci"
cat >"$T/bad-pod.json" <<EOF
{"acKind":"PodManifest","acVersion":"0.8.11",
 "apps":[{"name":"probe","image":{"name":"example.com/probe","id":"$PROBE_ID"},
          "app":{"exec":["/probe","report"],"user":"0","group":"0",
                 "isolators":[{"name":"os/linux/seccomp-retain-set","value":{"set":["@docker/nothing"]}}]}}]}
EOF
refused bad-pod-manifest 'unknown seccomp group "@docker/nothing"' run --pod-manifest="$T/bad-pod.json"

finish caps_seccomp_test
