#!/usr/bin/env bash
# rkt list, status, cat-manifest, stop, rm, gc and image gc against fabricated pod directories in
# every lifecycle state (Documentation/devel/pod-lifecycle.md). A process holding an exclusive
# flock on a pod dir stands for a running stage1; a fake stage1 tree in the tree store provides
# the stop and gc entrypoints, which log how they were called. Needs root (gc and rm are
# root-only) and util-linux (flock, setpriv).
# Usage: pods_lifecycle_test.sh RKT
set -uo pipefail
RKT=$1
T=$(mktemp -d)
holders=()
cleanup() {
  for p in "${holders[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
D=$T/data
rkt() { "$RKT" --dir="$D" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {  # check NAME EXPECTED_RC CMD...
  local name=$1 want=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" = "$want" ]; then ok; else
    bad "$name: exit $rc, wanted $want"
    sed 's/^/  | /' "$T/err" | head -5
  fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then ok; else
    bad "$1: $2 lacks \"$3\""
    sed 's/^/  | /' "$2" | head -8
  fi
}
lacks() {  # lacks NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then bad "$1: $2 has \"$3\""; else ok; fi
}
exists() { if [ -e "$2" ]; then ok; else bad "$1: $2 is missing"; fi; }
gone() { if [ -e "$2" ]; then bad "$1: $2 still exists"; else ok; fi; }

if [ "$(id -u)" != 0 ]; then echo "FAIL pods_lifecycle_test.sh must run as root"; exit 1; fi
for tool in flock setpriv python3; do
  command -v $tool >/dev/null || { echo "FAIL missing $tool"; exit 1; }
done

# The fake stage1: a tree in the tree store with /stop and /gc, named by a stage1 manifest.
TREE=deps-sha512-00000000000000000000000000000000000000000000000000000000000000ff
mkdir -p "$D/cas/tree/$TREE/rootfs"
cat >"$D/cas/tree/$TREE/rootfs/stop" <<EOS
#!/bin/sh
echo "stop \$* cwd=\$(pwd)" >>"$T/entrypoints.log"
kill "\$(cat pid)"
EOS
cat >"$D/cas/tree/$TREE/rootfs/gc" <<EOS
#!/bin/sh
echo "gc \$* cwd=\$(pwd)" >>"$T/entrypoints.log"
EOS
chmod 755 "$D/cas/tree/$TREE/rootfs/stop" "$D/cas/tree/$TREE/rootfs/gc"
touch "$T/entrypoints.log"
ID=sha512-$(printf '%0128d' 7)
STAGE1_MANIFEST='{"acKind":"ImageManifest","acVersion":"0.8.11","name":"coreos.com/rkt/stage1-rocket","annotations":[{"name":"coreos.com/rkt/stage1/run","value":"/init"},{"name":"coreos.com/rkt/stage1/stop","value":"/stop"},{"name":"coreos.com/rkt/stage1/gc","value":"/gc"}]}'

# mkpod STATE UUID: a pod dir as stage0 prepares it, with apps web and db.
mkpod() {
  local p=$D/pods/$1/$2
  mkdir -p "$p/stage1" "$p/appsinfo/web" "$p/appsinfo/db" "$p/overlay/$TREE/upper/rkt/status"
  mkdir -p "$D/pods/embryo" "$D/pods/prepare" "$D/pods/prepared" "$D/pods/run" \
    "$D/pods/exited-garbage" "$D/pods/garbage"
  local app='{"name":"%s","image":{"name":"example.com/%s","id":"'$ID'"},"app":{"exec":["/x"],"user":"0","group":"0"}}'
  printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[%s,%s]}' \
    "$(printf "$app" web web)" "$(printf "$app" db db)" >"$p/pod"
  touch "$p/pod-created"
  printf '%s' "$TREE" >"$p/stage1TreeStoreID"
  echo "$STAGE1_MANIFEST" >"$p/stage1/manifest"
  for a in web db; do
    printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/%s","labels":[{"name":"version","value":"1.0"}]}' $a >"$p/appsinfo/$a/manifest"
  done
  echo "$p"
}
# hold DIR: an exclusive flock on DIR in a background process (a "running" stage1); its pid
# goes to DIR/pid, as stage1 writes it. The lock is released when that process dies.
hold() {
  (exec 9<"$1" && flock -x 9 && exec sleep 1000) &
  holders+=($!)
  echo $! >"$1/pid"
  for _ in $(seq 50); do
    flock -n -s "$1" true 2>/dev/null || return 0
    sleep 0.05
  done
  echo "FAIL could not lock $1"
}

U_RUN=11111111-0000-4000-8000-000000000001
U_EXITED=22222222-0000-4000-8000-000000000002
U_PREPARED=33333333-0000-4000-8000-000000000003
U_ABORTED=44444444-0000-4000-8000-000000000004
U_PREPARING=55555555-0000-4000-8000-000000000005
U_GARBAGE=66666666-0000-4000-8000-000000000006
P_RUN=$(mkpod run $U_RUN)
hold "$P_RUN"
P_EXITED=$(mkpod run $U_EXITED)
echo 4242 >"$P_EXITED/pid"
echo 0 >"$P_EXITED/overlay/$TREE/upper/rkt/status/web"
mkdir -p "$P_EXITED/stage1/rootfs/rkt/status"
echo 3 >"$P_EXITED/stage1/rootfs/rkt/status/db"
P_PREPARED=$(mkpod prepared $U_PREPARED)
P_ABORTED=$(mkpod prepare $U_ABORTED)
P_PREPARING=$(mkpod prepare $U_PREPARING)
rm "$P_PREPARING/pod"
hold "$P_PREPARING"

# --- list
check list 0 rkt list
contains list-header "$T/out" "UUID"
contains list-header2 "$T/out" "IMAGE NAME"
contains list-running "$T/out" "11111111"
contains list-image "$T/out" "example.com/web:1.0"
contains list-running-state "$T/out" "running"
contains list-exited-state "$T/out" "exited"
contains list-prepared-state "$T/out" "prepared"
contains list-aborted-state "$T/out" "aborted prepare"
contains list-preparing-state "$T/out" "preparing"
check list-full 0 rkt list --full --no-legend
contains list-full-uuid "$T/out" "$U_EXITED"
contains list-full-id "$T/out" "${ID:0:19}"
lacks list-no-legend "$T/out" "UUID"
check list-json 0 rkt list --format=json
python3 - "$T/out" <<'EOP' && ok || bad "list-json content"
import json, sys
pods = {p["name"]: p for p in json.load(open(sys.argv[1]))}
e = pods["22222222-0000-4000-8000-000000000002"]
assert e["state"] == "exited", e
assert e["app_names"] == ["web", "db"], e
assert [a["exit_code"] for a in e["apps"]] == [0, 3], e
assert e["apps"][0]["state"] == "exited" and e["apps"][0]["image_id"].startswith("sha512-")
assert e["created_at"] < 10**11 and e["apps"][0]["created_at"] > 10**17  # s vs ns
assert pods["11111111-0000-4000-8000-000000000001"]["state"] == "running"
assert pods["33333333-0000-4000-8000-000000000003"]["apps"][0]["state"] == "created"
assert pods["55555555-0000-4000-8000-000000000005"]["state"] == "preparing"
EOP
check list-json-pretty 0 rkt list --format=json-pretty
contains list-json-pretty-tabs "$T/out" "$(printf '\t\t"name"')"
check list-bad-format 254 rkt list --format=yaml

# --- status
check status-exited 0 rkt status $U_EXITED
contains status-state "$T/out" "state=exited"
contains status-pid "$T/out" "pid=4242"
contains status-exited-flag "$T/out" "exited=true"
contains status-app-web "$T/out" "app-web=0"
contains status-app-db "$T/out" "app-db=3"
contains status-created "$T/out" "created="
check status-running 0 rkt status 1111
contains status-running-state "$T/out" "state=running"
contains status-running-exited "$T/out" "exited=false"
lacks status-running-no-codes "$T/out" "app-web="
check status-json 0 rkt status --format=json $U_EXITED
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["state"]=="exited" and p["name"].startswith("2222")' "$T/out" && ok || bad status-json-content
check status-wait-timeout 254 rkt status --wait=1s $U_RUN
contains status-wait-timeout-msg "$T/err" "timed out"
check status-wait-ready-timeout 254 rkt status --wait-ready=300ms $U_RUN
ln -s ready "$P_RUN/overlay/$TREE/upper/rkt/supervisor-status"
check status-wait-ready 0 rkt status --wait-ready=2s $U_RUN
check status-wait-false 0 rkt status --wait=false $U_RUN
check status-bad-wait 254 rkt status --wait=soon $U_RUN
echo "$U_EXITED" >"$T/uuid"
check status-uuid-file 0 rkt status --uuid-file="$T/uuid"
contains status-uuid-file-state "$T/out" "state=exited"
check status-missing 254 rkt status ffff
contains status-missing-msg "$T/err" "no matches found"
check status-ambiguous-setup 0 true
U_AMB=22222222-0000-4000-8000-0000000000aa
P_AMB=$(mkpod prepared $U_AMB)
check status-ambiguous 254 rkt status 2222
contains status-ambiguous-msg "$T/err" "ambiguous"
rm -rf "$P_AMB"

# --wait returns once the "stage1" lets go of the lock.
U_WAIT=77777777-0000-4000-8000-000000000007
P_WAIT=$(mkpod run $U_WAIT)
hold "$P_WAIT"
wait_holder=${holders[-1]}
rkt status --wait $U_WAIT >"$T/wait.out" 2>&1 &
waiter=$!
sleep 0.5
if kill -0 $waiter 2>/dev/null; then ok; else bad "status --wait returned while the pod ran"; fi
kill $wait_holder
if timeout 5 tail --pid=$waiter -f /dev/null; then ok; else bad "status --wait did not return"; kill $waiter; fi
wait $waiter && ok || bad "status --wait exit code"
contains status-wait-state "$T/wait.out" "state=exited"

# --- cat-manifest
check cat-manifest 0 rkt cat-manifest $U_EXITED
contains cat-manifest-kind "$T/out" '"acKind": "PodManifest"'
contains cat-manifest-tabs "$T/out" "$(printf '\t"apps"')"
check cat-manifest-compact 0 rkt cat-manifest --pretty-print=false 3333
contains cat-manifest-compact-kind "$T/out" '{"acVersion":"0.8.11","acKind":"PodManifest"'

# --- stop
check stop-running 0 rkt stop $U_RUN
contains stop-prints-quoted "$T/out" "\"$U_RUN\""
contains stop-entrypoint-args "$T/entrypoints.log" "stop $U_RUN cwd=$P_RUN"
sleep 0.3
check stop-then-status 0 rkt status $U_RUN
contains stop-then-exited "$T/out" "state=exited"
check stop-already-stopped 0 rkt stop $U_RUN
contains stop-already-msg "$T/out" "is already stopped"
check stop-prepared 254 rkt stop $U_PREPARED
contains stop-prepared-msg "$T/err" "is not running"
U_FORCE=88888888-0000-4000-8000-000000000008
P_FORCE=$(mkpod run $U_FORCE)
hold "$P_FORCE"
echo "$U_FORCE" >"$T/force-uuid"
check stop-force 0 rkt stop --force --uuid-file="$T/force-uuid"
contains stop-force-args "$T/entrypoints.log" "stop --force $U_FORCE"

# --- root-only commands refuse other users, and touch nothing.
for c in gc "rm $U_EXITED"; do
  check "nonroot-$c" 254 setpriv --reuid=65534 --regid=65534 --clear-groups "$RKT" --dir="$D" $c
  contains "nonroot-$c-msg" "$T/err" "cannot run as unprivileged user"
done
exists nonroot-untouched "$P_EXITED"

# --- rm
U_RM=99999999-0000-4000-8000-000000000009
P_RM=$(mkpod run $U_RM)
hold "$P_RM"
rm_holder=${holders[-1]}
check rm-running 254 rkt rm $U_RM
contains rm-running-msg "$T/err" "is currently running"
exists rm-running-kept "$P_RM"
kill $rm_holder
sleep 0.3
echo "$U_RM" >"$T/rm-uuid"
check rm-exited 0 rkt rm --uuid-file="$T/rm-uuid"
contains rm-prints-quoted "$T/out" "\"$U_RM\""
gone rm-exited-removed "$P_RM"
gone rm-exited-not-in-garbage "$D/pods/exited-garbage/$U_RM"
contains rm-ran-stage1-gc "$T/entrypoints.log" "gc --local-config=$T/etc $U_RM cwd=$D/pods/exited-garbage/$U_RM"
check rm-prepared 0 rkt rm 3333
gone rm-prepared-removed "$P_PREPARED"
check rm-preparing 254 rkt rm $U_PREPARING
contains rm-preparing-msg "$T/err" "being prepared"
check rm-missing 254 rkt rm $U_RM
check rm-args-and-file 254 rkt rm --uuid-file="$T/rm-uuid" $U_RM

# --- gc: mark with a grace period, then sweep.
grep -c "^gc " "$T/entrypoints.log" >"$T/gc-before"
check gc-mark 0 rkt gc --grace-period=1h
contains gc-mark-msg "$T/err" "moving pod \"$U_EXITED\" to garbage"
contains gc-aborted-msg "$T/err" "moving failed prepare \"$U_ABORTED\" to garbage"
contains gc-grace-msg "$T/err" "pod \"$U_EXITED\" not removed: still within grace period (1h0m0s)"
exists gc-exited-marked "$D/pods/exited-garbage/$U_EXITED"
gone gc-aborted-swept "$D/pods/garbage/$U_ABORTED"
gone gc-aborted-gone "$P_ABORTED"
exists gc-running-untouched "$P_PREPARING"
check gc-list-marked 0 rkt status $U_EXITED
contains gc-list-marked-state "$T/out" "state=exited garbage"
check gc-sweep 0 rkt gc --grace-period=0s
contains gc-sweep-msg "$T/out" "Garbage collecting pod \"$U_EXITED\""
gone gc-sweep-removed "$D/pods/exited-garbage/$U_EXITED"
contains gc-sweep-stage1 "$T/entrypoints.log" "gc --local-config=$T/etc $U_EXITED"

# --mark-only: moved, never removed, even with no grace period.
U_MARK=aaaaaaaa-0000-4000-8000-00000000000a
mkpod run $U_MARK >/dev/null
check gc-mark-only 0 rkt gc --mark-only --grace-period=0s
exists gc-mark-only-kept "$D/pods/exited-garbage/$U_MARK"
lacks gc-mark-only-no-sweep "$T/out" "Garbage collecting"

# --expire-prepared: a young prepared pod stays, an expired one goes.
U_EXP=bbbbbbbb-0000-4000-8000-00000000000b
P_EXP=$(mkpod prepared $U_EXP)
check gc-prepared-young 0 rkt gc --grace-period=1h
exists gc-prepared-kept "$P_EXP"
sleep 1.1
check gc-prepared-expired 0 rkt gc --grace-period=1h --expire-prepared=1s
contains gc-expired-msg "$T/err" "moving expired prepared pod \"$U_EXP\" to garbage"
gone gc-expired-removed "$P_EXP"
gone gc-expired-not-in-garbage "$D/pods/garbage/$U_EXP"
check gc-bad-duration 254 rkt gc --grace-period=soon

# An embryo, left by a prepare or run killed between its mkdir and its lock, is collected; but
# not while a pod is being made (the prepare lock held shared), as it may be that pod's.
U_EMB=dddddddd-0000-4000-8000-00000000000d
mkdir -p "$D/pods/embryo/$U_EMB" "$D/locks"
touch "$D/locks/prepareLock"
(exec 9<"$D/locks/prepareLock" && flock -s 9 && exec sleep 1000) &
holders+=($!)
for _ in $(seq 50); do flock -n -x "$D/locks/prepareLock" true 2>/dev/null || break; sleep 0.05; done
check gc-embryo-while-preparing 0 rkt gc --grace-period=0s
exists gc-embryo-kept-while-preparing "$D/pods/embryo/$U_EMB"
kill "${holders[-1]}" 2>/dev/null
wait "${holders[-1]}" 2>/dev/null
check gc-embryo 0 rkt gc --grace-period=0s
contains gc-embryo-msg "$T/err" "moving abandoned pod \"$U_EMB\" to garbage"
gone gc-embryo-removed "$D/pods/embryo/$U_EMB"
gone gc-embryo-not-in-garbage "$D/pods/garbage/$U_EMB"

# A mount left below a pod dir is detached, not an EBUSY failure.
U_MNT=cccccccc-0000-4000-8000-00000000000c
P_MNT=$(mkpod exited-garbage $U_MNT)
mkdir -p "$P_MNT/stage1/rootfs"
if mount -t tmpfs none "$P_MNT/stage1/rootfs"; then
  check gc-with-mount 0 rkt gc --grace-period=0s
  gone gc-with-mount-removed "$P_MNT"
  if grep -qF "$P_MNT" /proc/self/mountinfo; then
    bad "gc left the mount at $P_MNT"
    umount -l "$P_MNT/stage1/rootfs"
  else ok; fi
else
  bad "cannot mount a tmpfs for the leftover-mount test"
fi

# --- image gc keeps the trees pods use, and waits for prepares (locks/prepareLock).
UNUSED=deps-sha512-00000000000000000000000000000000000000000000000000000000000000ee
mkdir -p "$D/cas/tree/$UNUSED/rootfs"
U_KEEP=dddddddd-0000-4000-8000-00000000000d
mkpod prepared $U_KEEP >/dev/null
mkdir -p "$D/locks"
(exec 9>"$D/locks/prepareLock" && flock -s 9 && exec sleep 1000) &
prep_holder=$!
holders+=($prep_holder)
sleep 0.3
check image-gc-waits 124 timeout 1 "$RKT" --dir="$D" image gc
exists image-gc-waited "$D/cas/tree/$UNUSED"
kill $prep_holder
sleep 0.2
check image-gc 0 rkt image gc
exists image-gc-keeps-used "$D/cas/tree/$TREE"
gone image-gc-drops-unused "$D/cas/tree/$UNUSED"

# Every holder we started is gone or killed by the trap; no pod dir stays locked by us.
echo "pods_lifecycle_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
