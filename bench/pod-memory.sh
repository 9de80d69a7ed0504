#!/usr/bin/env bash
# bench/pod-memory.sh: what Rocket keeps resident per running pod. Starts N pods side by side
# (default 20, 5 with --quick), each running one app `/bin/sleep 60` from a busybox ACI, waits
# until every app runs, then sums the PSS (/proc/PID/smaps_rollup) of Rocket's own processes
# that stay alive per pod: everything in the tree of each `rkt run` process (which became stage1's
# /init) except the app processes, i.e. that /init and the pod's PID 1 supervisor. Prints total
# and per-pod PSS against the target (300 KiB per pod), the apps' own PSS for contrast, then
# stops and removes every pod (rkt stop --force, rkt rm, rkt gc) and checks that no process,
# mount, cgroup or pod directory is left. Exit status 1 if anything is left or a pod failed.
#
#   bench/pod-memory.sh [--quick] [--rkt PATH] [-n N]     PATH defaults to build/stage0/rkt
#
# Env: TARGET_KIB (default 300). Needs root, python3, gpg, busybox-static.
set -euo pipefail
BENCH_NAME=pod-memory
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

N=20
RKT=$HERE/../build/stage0/rkt
TARGET_KIB=${TARGET_KIB:-300}
while [ $# -gt 0 ]; do
  case $1 in
    --quick) N=5; shift ;;
    --rkt) RKT=$2; shift 2 ;;
    -n) N=$2; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) bench_die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $N =~ ^[1-9][0-9]*$ ]] || bench_die "-n wants a positive count, not $N"
[ "$(id -u)" = 0 ] || bench_die "run as root (namespaces, mounts, cgroups)"
for tool in python3 gpg busybox; do
  command -v "$tool" >/dev/null || bench_die "$tool is missing (apt-get install python3 gnupg busybox-static)"
done
[ -x "$RKT" ] || bench_die "no rkt at $RKT (build it, or pass --rkt PATH)"
RKT=$(realpath "$RKT")

W=$(bench_scratch)
D=$W/data
C=$W/etc
RKTG=("$RKT" --dir="$D" --local-config="$C")
STARTERS=()

# Stops whatever pod of ours still runs: rkt stop --force, then SIGKILL of the `rkt run`
# processes this script started (by PID), then rkt gc removes their cgroups and directories.
stop_all() {
  local u p
  for u in $(bench_pod_uuids "$D"); do
    "${RKTG[@]}" stop --force "$u" >/dev/null 2>&1 || true
  done
  for _ in $(seq 100); do
    local alive=0
    for p in "${STARTERS[@]}"; do [ -d "/proc/$p" ] && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for p in "${STARTERS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  if [ -d "$D/pods" ]; then
    stop_all
    "${RKTG[@]}" gc --grace-period=0s >/dev/null 2>&1
  fi
  bench_gpg_stop "$W/gnupg"
  rm -rf "$W"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "preparing in $W ..." >&2
bench_rootfs "$W/rootfs"
bench_aci "$W/rootfs" "$W/sleep.aci" bench.rocket.example/sleep '["/bin/sleep","60"]'
bench_gpg_key "$W/gnupg" "$W/pubkey.asc"
bench_rkt_import "$RKT" "$D" "$C" "$W/gnupg" "$W/pubkey.asc" "$W/sleep.aci" >/dev/null 2>"$W/import.err" \
  || { cat "$W/import.err" >&2; bench_die "rkt trust/fetch of the sleep image failed"; }
bench_gpg_stop "$W/gnupg"
IMAGE=bench.rocket.example/sleep

# Kernel-side memory (Slab + KernelStack + PageTables), KiB: its change is printed per pod.
kmem() { awk '/^(Slab|KernelStack|PageTables):/ {s += $2} END {print s}' /proc/meminfo; }
K0=$(kmem)

echo "starting $N pods ..." >&2
T0=$(date +%s.%N)
for i in $(seq "$N"); do
  "${RKTG[@]}" run --net=host "$IMAGE" </dev/null >"$W/pod$i.log" 2>&1 &
  STARTERS+=($!)
done

# Ready: every `rkt run` process is alive and has a `sleep` descendant, and N pods have a `pid`.
ready() {
  local p q
  for p in "${STARTERS[@]}"; do [ -d "/proc/$p" ] || return 2; done
  [ "$( (ls "$D"/pods/run/*/pid 2>/dev/null || true) | wc -l)" -ge "$N" ] || return 1
  for p in "${STARTERS[@]}"; do
    local found=0
    for q in $(bench_descendants "$p"); do [ "$(bench_comm "$q")" = sleep ] && found=1 && break; done
    [ $found = 1 ] || return 1
  done
}
deadline=$(($(date +%s) + 40))
st=1
while [ "$(date +%s)" -lt "$deadline" ]; do
  st=0
  ready || st=$?
  [ $st = 1 ] || break
  sleep 0.05
done
T1=$(date +%s.%N)
if [ $st != 0 ]; then
  echo "pod-memory.sh: the $N pods did not all come up ($([ $st = 2 ] && echo 'a rkt run exited' || echo 'timeout 40 s'))" >&2
  for i in $(seq "$N"); do
    [ -s "$W/pod$i.log" ] && { echo "pod $i:"; head -5 "$W/pod$i.log"; } >&2
  done
  exit 1
fi
sleep 1 # let the pods settle (lazy page faults of the first seconds)
K1=$(kmem)

# The pods' cgroups, to check after removal that none is left.
SUBCGROUPS=()
for f in "$D"/pods/run/*/subcgroup; do
  [ -f "$f" ] && SUBCGROUPS+=("$(cat "$f")")
done

# Measure: for each rkt run process, its tree; app = a process named sleep; the rest is Rocket.
{
  for i in "${!STARTERS[@]}"; do
    s=${STARTERS[$i]}
    for q in $(bench_descendants "$s"); do
      comm=$(bench_comm "$q")
      read -r rss priv < <(awk '/^Rss:/ {r = $2} /^Private_(Clean|Dirty):/ {p += $2} END {print r + 0, p + 0}' \
        "/proc/$q/smaps_rollup" 2>/dev/null || echo 0 0)
      role=rocket
      [ "$comm" = sleep ] && role=app
      [ "$q" = "$s" ] && role=stage1-run
      echo "$i $q ${comm// /_} $role ${rss:-0} $(bench_pss_kib "$q") ${priv:-0}"
    done
  done
} >"$W/procs.txt"
# The pods' PID 1, one `pid` file each (written without a newline).
PIDFILES=
for f in "$D"/pods/run/*/pid; do
  if [ -f "$f" ]; then PIDFILES+="$(cat "$f") "; fi
done

echo "# pod-memory.sh: $N pods running busybox sleep 60"
echo
bench_machine "$W"
echo "- rkt: $("$RKT" version 2>&1 | tr '\n' ' ')"
echo "- busybox: $(bench_version "$W/rootfs/bin/busybox" | cut -d' ' -f1-2)"
echo
python3 - "$W/procs.txt" "$N" "$TARGET_KIB" "$PIDFILES" "$T0" "$T1" "$K0" "$K1" <<'EOF'
import collections, sys
path, n, target = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pod_pids = set(sys.argv[4].split())
t0, t1, k0, k1 = float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
rows = [l.split() for l in open(path) if l.strip()]
roles = collections.defaultdict(lambda: [0, 0, 0, set(), 0])  # count, rss, pss, names, private
for _, pid, comm, role, rss, pss, priv in rows:
    if role == "rocket" and pid in pod_pids:
        role = "pod-pid1"
    r = roles[role]
    r[0] += 1; r[1] += int(rss); r[2] += int(pss); r[3].add(comm); r[4] += int(priv)
label = {"stage1-run": "`rkt run` → stage1 /init (host PID ns)",
         "pod-pid1": "pod PID 1 (supervisor)",
         "rocket": "other Rocket processes",
         "app": "apps (`sleep 60`)"}
print(f"All {n} pods up in {t1 - t0:.2f} s ({(t1 - t0) * 1000 / n:.0f} ms per pod, started all at once).")
print()
print("| processes | count | RSS KiB per pod | PSS KiB per pod | private KiB per pod | PSS KiB total |")
print("|---|---|---|---|---|---|")
for key in ("stage1-run", "pod-pid1", "rocket", "app"):
    if key not in roles: continue
    c, rss, pss, names, priv = roles[key]
    print(f"| {label[key]} ({', '.join(sorted(names))}) | {c} | {rss / n:.0f} | {pss / n:.0f} | {priv / n:.0f} | {pss} |")
ours = [roles[k] for k in ("stage1-run", "pod-pid1", "rocket") if k in roles]
total_pss = sum(r[2] for r in ours); total_rss = sum(r[1] for r in ours)
total_priv = sum(r[4] for r in ours)
count = sum(r[0] for r in ours)
per = total_pss / n
print(f"| **Rocket, all** | {count} | {total_rss / n:.0f} | **{per:.0f}** | {total_priv / n:.0f} | {total_pss} |")
print()
print("Private = Private_Clean + Private_Dirty: what each further pod adds at the least, as PSS per "
      "pod falls towards it when more pods share the same binaries.")
print()
verdict = "meets" if per <= target else "MISSES"
print(f"Rocket's resident cost: {total_pss} KiB PSS for {n} pods = **{per:.0f} KiB per pod** "
      f"({count / n:.1f} processes per pod), target {target} KiB per pod: {verdict} it.")
if "app" in roles:
    print(f"For contrast, each app (`sleep`) is {roles['app'][2] / max(roles['app'][0], 1):.0f} KiB PSS "
          f"/ {roles['app'][1] / max(roles['app'][0], 1):.0f} KiB RSS.")
print(f"Kernel memory (Slab + KernelStack + PageTables) grew by {(k1 - k0) / n:.0f} KiB per pod "
      "(host-wide, so noisy on a shared machine).")
if "pod-pid1" not in roles:
    print("NOTE: no process of the trees matched a pod's `pid` file.")
EOF

# --- stop, remove, check ------------------------------------------------------------------
# A pod that printed something while running (sleep prints nothing) is worth a look.
failed_pods=0
for i in $(seq "$N"); do
  if grep -q . "$W/pod$i.log" 2>/dev/null; then failed_pods=$((failed_pods + 1)); fi
done
ALL_PIDS=$(awk '{print $2 ":" $3}' "$W/procs.txt")
T2=$(date +%s.%N)
stop_all
T3=$(date +%s.%N)
UUIDS=$(bench_pod_uuids "$D" | tr '\n' ' ')
rm_failed=0
for u in $UUIDS; do
  "${RKTG[@]}" rm "$u" >"$W/rm.out" 2>&1 || { rm_failed=$((rm_failed + 1)); sed 's/^/  rkt rm: /' "$W/rm.out" | head -3; }
done
"${RKTG[@]}" gc --grace-period=0s >/dev/null 2>&1 || echo "  rkt gc failed"
T4=$(date +%s.%N)

left=()
for pc in $ALL_PIDS; do
  p=${pc%%:*}
  [ -d "/proc/$p" ] && [ "$(bench_comm "$p")" = "${pc#*:}" ] && left+=("process $p (${pc#*:})")
done
while read -r mnt; do left+=("mount $mnt"); done < <(awk -v w="$W" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo)
for sub in "${SUBCGROUPS[@]}"; do
  for h in /sys/fs/cgroup /sys/fs/cgroup/*/; do
    [ -n "$sub" ] && [ "$sub" != / ] && [ -d "${h%/}/${sub#/}" ] && left+=("cgroup ${h%/}/${sub#/}")
  done
done
pods_left=$( (find "$D/pods" -mindepth 2 -maxdepth 2 2>/dev/null || true) | wc -l)
[ "$pods_left" = 0 ] || left+=("$pods_left pod directories under $D/pods")

echo
python3 -c "import sys; a = list(map(float, sys.argv[1:])); print(f'Stop (rkt stop --force, all pods gone): {a[1] - a[0]:.2f} s; rkt rm + gc: {a[2] - a[1]:.2f} s.')" "$T2" "$T3" "$T4"
echo "Pod cgroups recorded: ${#SUBCGROUPS[@]} (e.g. ${SUBCGROUPS[0]:-none}); rkt rm failures: $rm_failed; pods that printed anything while running: $failed_pods."
if [ ${#left[@]} = 0 ]; then
  echo "After removal: no process, mount, cgroup or pod directory left."
else
  echo "After removal, LEFT BEHIND:"
  printf -- '- %s\n' "${left[@]}"
  # Reported; now removed, so that a failing rkt does not leave the host dirty.
  for l in "${left[@]}"; do
    case $l in "process "*) p=${l#process }; kill -KILL "${p%% *}" 2>/dev/null || true ;; esac
  done
  sleep 0.5
  for l in "${left[@]}"; do
    case $l in
      "mount "*) umount -l "${l#mount }" 2>/dev/null || true ;;
      "cgroup "*) rmdir "${l#cgroup }" 2>/dev/null || true ;;
    esac
  done
  exit 1
fi
