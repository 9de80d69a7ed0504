#!/usr/bin/env bash
# Load and races (issue 5's hardening suite): 50 pods started at once while `rkt gc` and
# `rkt image gc` run in a loop; every pod's exit status is right, through `rkt run` and
# `rkt status`; `image gc` never removes an image or tree a live pod uses; two `run-prepared`
# of one pod race and exactly one wins; at the end nothing leaks: no mount, cgroup or process
# of the test's pods, and `gc` leaves the pods dir empty.
# Needs root. Usage: load_test.sh RKT DEMO_DIR (DEMO_DIR holds busybox.aci, .asc, demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
D=$T/data
PODS=${ROCKET_LOAD_PODS:-50}
rkt() { "$RKT" --dir="$D" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
bg=()
all_uuids() { find "$D/pods" -mindepth 2 -maxdepth 2 -printf '%f\n' 2>/dev/null; cat "$T"/uuid.* 2>/dev/null; }
cleanup() {
  local p u dir
  for p in "${bg[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for u in $(all_uuids | sort -u); do rkt stop --force "$u" >/dev/null 2>&1; done
  wait 2>/dev/null
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  for u in $(all_uuids | sort -u); do
    for dir in $(pod_cgroups "$u"); do find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  grep -F " $T/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then echo "load_test.sh needs root"; exit 1; fi
rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
rkt fetch "$DEMO/busybox.aci" >/dev/null 2>&1 || { echo "FAIL: fetch"; exit 1; }
IMG=rocket.example/busybox:1.35.0
mounts_before=$(host_mounts)

# A long pod that holds the image while image gc runs with no grace at all.
rkt run --uuid-file-save="$T/uuid.holder" "$IMG" --exec /bin/sleep -- 30 >/dev/null 2>&1 </dev/null &
holder=$!
bg+=("$holder")
for _ in $(seq 100); do
  [ -s "$T/uuid.holder" ] && rkt status "$(cat "$T/uuid.holder")" 2>/dev/null | grep -q '^state=running' && break
  sleep 0.1
done

# gc and image gc in a loop while the pods start, run and exit.
stop_loop=$T/stop-loop
(
  while [ ! -e "$stop_loop" ]; do
    rkt gc --grace-period=0s >/dev/null 2>&1
    rkt image gc --grace-period=0s >/dev/null 2>&1
  done
) &
loop=$!
bg+=("$loop")

# PODS pods at once, pod i exiting with i % 7 after a short sleep.
starts=()
for i in $(seq "$PODS"); do
  rkt run --uuid-file-save="$T/uuid.$i" "$IMG" --exec /bin/sh -- -c "sleep 0.3; exit $((i % 7))" \
    >"$T/out.$i" 2>"$T/err.$i" </dev/null &
  starts+=($!)
  bg+=($!)
done
wrong=0
for i in $(seq "$PODS"); do
  wait "${starts[$((i - 1))]}"
  rc=$?
  if [ "$rc" != $((i % 7)) ]; then
    wrong=$((wrong + 1))
    echo "  pod $i exited $rc, wanted $((i % 7)): $(head -c 300 "$T/err.$i")"
  fi
done
equals "every concurrent rkt run returns its app's status" "$wrong" 0

# While the holder still runs: its image and tree survived image gc.
equals "holder still running" "$(rkt status "$(cat "$T/uuid.holder")" 2>/dev/null | grep '^state=')" "state=running"
rkt image list --no-legend 2>/dev/null | grep -q 'rocket.example/busybox' && ok ||
  bad "image gc removed the image a running pod uses"
touch "$stop_loop"
wait "$loop"

# The exit status of every pod that gc has not collected yet reads right in `rkt status`.
misread=0
for i in $(seq "$PODS"); do
  u=$(cat "$T/uuid.$i" 2>/dev/null) || continue
  st=$(rkt status "$u" 2>/dev/null) || continue # collected by the gc loop: fine
  if ! grep -q "^app-busybox=$((i % 7))\$" <<<"$st" || ! grep -q '^state=exited' <<<"$st"; then
    misread=$((misread + 1))
    echo "  pod $i status: $(tr '\n' ' ' <<<"$st")"
  fi
done
equals "rkt status of every exited pod" "$misread" 0

# Two run-prepared of one pod at once: exactly one runs it.
for round in 1 2 3; do
  u=$(rkt prepare --quiet "$IMG" --exec /bin/true 2>/dev/null </dev/null)
  echo "$u" >"$T/uuid.prep$round"
  rkt run-prepared "$u" >/dev/null 2>&1 </dev/null &
  a=$!
  rkt run-prepared "$u" >/dev/null 2>&1 </dev/null &
  b=$!
  bg+=("$a" "$b")
  wait "$a"
  ra=$?
  wait "$b"
  rb=$?
  equals "run-prepared race $round: one winner (exit codes $ra $rb)" "$(printf '%s\n' "$ra" "$rb" | sort | tr '\n' ' ')" "0 254 "
done

# The holder ends; then gc leaves nothing.
rkt stop "$(cat "$T/uuid.holder")" >/dev/null 2>&1
wait "$holder"
rkt gc --grace-period=0s >/dev/null 2>&1
rkt gc --grace-period=0s >/dev/null 2>&1
equals "gc leaves no pod" "$(find "$D/pods" -mindepth 2 -maxdepth 2 | wc -l)" 0
leaked=0
for u in $(all_uuids | sort -u); do
  [ -n "$(pod_cgroups "$u")" ] && leaked=$((leaked + 1))
done
equals "no pod cgroup left" "$leaked" 0
equals "no mount left" "$(host_mounts)" "$mounts_before"
left=$(pgrep -fc -- "$D/pods/run/" || true)
equals "no stage1 process left" "$left" 0
rkt image list >/dev/null 2>&1 && ok || bad "image list fails after the load"
rkt list >/dev/null 2>&1 && ok || bad "list fails after the load"

finish load_test
