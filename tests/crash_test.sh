#!/usr/bin/env bash
# Crashes (issue 5's hardening suite): `rkt fetch`, `prepare`, `run` (stage0, then the stage1
# it execs into), `gc` and `image gc` killed with SIGKILL at many points, spread over the time
# each takes when left alone. After every kill `rkt list` and `rkt image list` work, every pod
# listed has a sane state and `rkt status` reads it, every image listed verifies; then `gc` and
# `image gc` clean up, leaving no pod, mount, cgroup or process, and the command killed
# succeeds when run again. Then a full disk: a 40 MiB tmpfs as the data dir, filled by a fetch
# and by the pod's files, refused with ENOSPC and nothing half-made, then the same command
# succeeds once there is room.
# Needs root. Usage: crash_test.sh RKT DEMO_DIR (DEMO_DIR holds busybox.aci, .asc and
# demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
D=$T/data
POINTS=${ROCKET_CRASH_POINTS:-12}
RK=("$RKT" --dir="$D" --local-config="$T/etc" --system-config="$T/sys")
rkt() { "${RK[@]}" "$@"; }
seen_uuids() { find "$D/pods" -mindepth 2 -maxdepth 2 -printf '%f\n' 2>/dev/null; }
cleanup() {
  local u dir
  for u in $(cat "$T/uuids" 2>/dev/null; seen_uuids); do rkt stop --force "$u" >/dev/null 2>&1; done
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  for u in $(sort -u "$T/uuids" 2>/dev/null); do
    for dir in $(pod_cgroups "$u"); do find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  grep -F " $T/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}
trap cleanup EXIT
if [ "$(id -u)" != 0 ]; then echo "crash_test.sh needs root"; exit 1; fi
if [ ! -f "$(dirname "$RKT")/stage1-rocket.aci" ]; then
  echo "no stage1-rocket.aci next to $RKT (the stage1 build is missing)"; exit 1
fi
cp "$DEMO/busybox.aci" "$DEMO/busybox.aci.asc" "$T/"
rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null 2>&1
IMG=rocket.example/busybox:1.35.0
our_mounts() { grep -F " $T/" /proc/self/mountinfo | cut -d' ' -f5 | sort; }
now_ms() { date +%s%3N; }
# Processes whose root or cwd is in the data dir: the pod's stage1 and apps.
our_procs() {
  local p
  for p in /proc/[0-9]*; do
    case "$(readlink "$p/root" 2>/dev/null)$(readlink "$p/cwd" 2>/dev/null)" in
      *"$D/"*) echo "${p#/proc/}" ;;
    esac
  done
}

# sane WHAT: what must hold after any kill, whatever it interrupted.
sane() {
  local what=$1 line uuid state
  if ! rkt list --no-legend --full >"$T/list" 2>"$T/err"; then
    bad "$what: rkt list fails: $(tail -1 "$T/err")"; return
  fi
  ok
  while IFS=$'\t' read -r uuid _ _ _ state _; do
    [ -n "$uuid" ] || continue
    echo "$uuid" >>"$T/uuids"
    case "$state" in
      # Shown as what they are: not yet (or never to be) usable.
      embryo | preparing | "aborted prepare" | deleting | "exited deleting" | garbage | "exited garbage") ok ;;
      # Shown as usable: the pod must be whole.
      prepared | running | exited)
        rkt cat-manifest "$uuid" >/dev/null 2>"$T/err" && ok ||
          bad "$what: pod $uuid listed as $state has no manifest: $(tail -1 "$T/err")" ;;
      *) bad "$what: pod $uuid listed as \"$state\"" ;;
    esac
    rkt status "$uuid" >/dev/null 2>"$T/err" && ok || bad "$what: status $uuid: $(tail -1 "$T/err")"
  done < <(awk -F'\t' '$1 ~ /^[0-9a-f-]{36}$/' "$T/list")
  if ! rkt image list --no-legend --full --fields=id >"$T/images" 2>"$T/err"; then
    bad "$what: rkt image list fails: $(tail -1 "$T/err")"; return
  fi
  ok
  while read -r line; do
    [ -n "$line" ] || continue
    rkt image verify "$line" >/dev/null 2>"$T/err" && ok ||
      bad "$what: image $line is listed but does not verify: $(tail -1 "$T/err")"
  done <"$T/images"
}
# settle: a pod whose stage1 was killed ends on its own (its PID 1 has a parent-death signal)
# but not at once, and gc rightly leaves a pod that still runs: wait up to 5 s for that.
settle() {
  local _
  for _ in $(seq 50); do
    [ -z "$(our_procs)" ] && ! rkt list --no-legend 2>/dev/null | grep -q running && return
    sleep 0.1
  done
}
# clean WHAT: gc and image gc leave nothing behind.
clean() {
  local what=$1 u
  settle
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>"$T/err" || bad "$what: gc: $(tail -1 "$T/err")"
  rkt image gc --grace-period=0s >/dev/null 2>"$T/err" || bad "$what: image gc: $(tail -1 "$T/err")"
  # state/uuid: where a pod that gc did not collect was left says what was missed.
  equals "$what: no pod left" "$(find "$D/pods" -mindepth 2 -maxdepth 2 -printf '%P\n' 2>/dev/null)" ""
  equals "$what: no image left" "$(rkt image list --no-legend 2>&1)" ""
  equals "$what: no mount left" "$(our_mounts)" "$mounts_before"
  equals "$what: no process left" "$(our_procs)" ""
  local left=
  for u in $(sort -u "$T/uuids" 2>/dev/null); do
    [ -n "$(pod_cgroups "$u")" ] && left="$left $u"
  done
  equals "$what: no cgroup left" "$left" ""
}
# time_of CMD...: how long CMD takes in ms when left alone (it must succeed).
time_of() {
  local t0
  t0=$(now_ms)
  "$@" >/dev/null 2>"$T/err" </dev/null || { bad "untouched $*: $(tail -1 "$T/err")"; }
  echo $(($(now_ms) - t0))
}
points=0
# kill_at MS SETUP CMD...: runs SETUP (a function), then CMD in the background; SIGKILL after MS
# milliseconds, with the stage1 it may have exec'd into (same PID).
kill_at() {
  local ms=$1 setup=$2
  shift 2
  "$setup"
  # The binary itself, not the rkt function: SIGKILL of the subshell that runs a function
  # would leave rkt running.
  local cmd=("$@")
  [ "${cmd[0]}" = rkt ] && cmd=("${RK[@]}" "${cmd[@]:1}")
  "${cmd[@]}" >/dev/null 2>&1 </dev/null &
  local pid=$!
  sleep "$(printf '0.%03d' "$ms")"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  points=$((points + 1))
}
# crash_loop NAME SETUP CMD...: CMD killed at POINTS moments from 0 to the time it takes;
# after each, sane; after all of them, clean, then SETUP and CMD must succeed.
crash_loop() {
  local name=$1 setup=$2
  shift 2
  local t_start=$SECONDS
  "$setup"
  local total
  total=$(time_of "$@")
  [ "$total" -gt 999 ] && total=999
  local i
  for i in $(seq 0 $((POINTS - 1))); do
    kill_at $((total * i / POINTS)) "$setup" "$@"
    sane "$name killed at $((total * i / POINTS)) ms"
    # A run killed after its stage1 started: the pod's processes die with their PID 1, but the
    # pod stays until gc. Clean often, so that the next kill starts from a known store.
    if [ $((i % 4)) = 3 ]; then clean "$name after kill $i"; fi
  done
  clean "$name"
  "$setup"
  check "$name again" 0 "$@"
  clean "$name final"
  echo "$name: $POINTS kills over $total ms ($((SECONDS - t_start)) s)"
}

mounts_before=$(our_mounts)
no_setup() { :; }
have_image() {
  [ -n "$(rkt image list --no-legend 2>/dev/null)" ] && return
  rkt fetch "$T/busybox.aci" >/dev/null 2>&1 || bad "setup fetch"
}
# Pods for gc to collect, kept while an earlier kill left them: an exited one and a prepared one.
have_pods() {
  have_image
  [ "$(seen_uuids | wc -l)" -ge 2 ] && return
  rkt run --net=host "$IMG" --exec /bin/true >/dev/null 2>&1 </dev/null
  rkt prepare --quiet "$IMG" >/dev/null 2>&1
}
crash_loop fetch no_setup rkt fetch "$T/busybox.aci"
crash_loop prepare have_image rkt prepare --quiet "$IMG" --exec /bin/true
crash_loop run have_image rkt run --net=host "$IMG" --exec /bin/sh -- -c "sleep 0.2"
crash_loop gc have_pods rkt gc --grace-period=0s --expire-prepared=0s
# Image gc with no pod left, so that it removes the image and its tree (and the stage1 image).
unused_image() {
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  have_image
  rkt image render "$IMG" "$T/render" >/dev/null 2>&1
  rm -rf "$T/render"
}
crash_loop "image gc" unused_image rkt image gc --grace-period=0s

# The stage1 alone: killed once the pod runs (stage0 has exec'd long ago), at several points of
# the app's life; the app dies with it and gc collects the pod.
have_image
for ms in 0 50 100 200 400; do
  "${RK[@]}" run --net=host --uuid-file-save="$T/uuid" "$IMG" --exec /bin/sh -- -c "sleep 0.5" \
    >/dev/null 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 100); do
    [ -s "$T/uuid" ] && rkt status "$(cat "$T/uuid")" 2>/dev/null | grep -q '^state=running' && break
    sleep 0.05
  done
  cat "$T/uuid" >>"$T/uuids"
  sleep "$(printf '0.%03d' "$ms")"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  points=$((points + 1))
  sane "stage1 killed ${ms} ms into the app"
  rm -f "$T/uuid"
done
clean "stage1 kills"
echo "stage1 kills done at $SECONDS s"

# Full disk: the data dir on a 40 MiB tmpfs. First the store fills it: a 60 MiB image (random
# data does not compress) cannot be imported; then, with the space taken by a ballast file, a
# pod of the busybox image cannot be prepared. Each must say ENOSPC, exit 254, and leave
# nothing half-made; once the space is back, the same command succeeds.
FULL=$T/full
mkdir "$FULL"
mount -t tmpfs -o size=40m tmpfs "$FULL"
full() { "$RKT" --dir="$FULL/data" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
python3 - "$T/big.aci" <<'PY'
import io, os, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz", compresslevel=1) as tar:
    m = b'{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/big"}'
    i = tarfile.TarInfo("manifest"); i.size = len(m); tar.addfile(i, io.BytesIO(m))
    d = tarfile.TarInfo("rootfs"); d.type = tarfile.DIRTYPE; tar.addfile(d)
    data = os.urandom(60 << 20)
    i = tarfile.TarInfo("rootfs/big"); i.size = len(data); tar.addfile(i, io.BytesIO(data))
PY
full image list >/dev/null 2>&1
snap() { find "$FULL/data" -printf '%y %P\n' | grep -v 'index.sqlite3' | sort; }
before=$(snap)
check "full disk: fetch" 254 full --insecure-options=image fetch "$T/big.aci"
contains "full disk: fetch names ENOSPC" "$T/err" "No space left on device"
equals "full disk: fetch leaves nothing" "$(snap)" "$before"
equals "full disk: fetch lists nothing" "$(full image list --no-legend 2>&1)" ""
mount -o remount,size=200m "$FULL"
check "full disk: fetch with room" 0 full --insecure-options=image fetch "$T/big.aci"
full image rm example.com/big >/dev/null 2>&1
mount -o remount,size=40m "$FULL"

full fetch "$T/busybox.aci" >/dev/null 2>&1 || bad "full disk: busybox fetch"
free_kb=$(df --output=avail "$FULL" | tail -1)
# Leave less room than one rendered busybox tree (about 2 MiB) needs.
fallocate -l $(((free_kb - 256) * 1024)) "$FULL/ballast" 2>/dev/null ||
  head -c $(((free_kb - 256) * 1024)) /dev/zero >"$FULL/ballast"
before=$(snap)
check "full disk: prepare" 254 full prepare --quiet "$IMG" --exec /bin/true
contains "full disk: prepare names ENOSPC" "$T/err" "No space left on device"
equals "full disk: prepare leaves nothing" "$(snap)" "$before"
equals "full disk: no pod listed" "$(full list --no-legend 2>&1)" ""
check "full disk: run" 254 full run --net=host "$IMG" --exec /bin/true
contains "full disk: run names ENOSPC" "$T/err" "No space left on device"
equals "full disk: run leaves nothing" "$(snap)" "$before"
rm -f "$FULL/ballast"
check "full disk: prepare with room" 0 full prepare --quiet "$IMG" --exec /bin/true
check "full disk: run with room" 0 full run --net=host "$IMG" --exec /bin/true
full gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
umount "$FULL" 2>/dev/null || umount -l "$FULL"
echo "full disk done at $SECONDS s"

echo "crash points tried: $points"
finish crash_test
