#!/usr/bin/env bash
# bench/start.sh: start-up of /bin/true in a fresh container, `rkt run` against crun, runc,
# bubblewrap, systemd-nspawn and unshare + chroot, all on the same busybox rootfs, in one run.
#
#   bench/start.sh [--quick] [--rkt PATH]      PATH defaults to build/stage0/rkt
#
# Every row is a whole-process timing (fork of the command to its exit being reaped: start-up
# and teardown) by hyperfine -N (no shell): RUNS timed runs (30, or 10 with --quick) in ROUNDS
# rounds (5, or 2), the rows taking turns round by round so that the machine's drift over
# minutes falls on every row alike; each round starts with warm-up runs (WARMUP in the first
# round: 5, or 2; then 2, or 1), so a runner's timed runs still follow one another back to back.
# The table shows the median over all rounds, each peer's median divided by rkt run's, and the
# mean cpu (user + sys) of the processes waited for.
# Peak RSS is GNU time %M (the largest process waited for), median of RSS_RUNS runs.
#
# rkt runs an ACI built from exactly the rootfs the peers use, with exec ["/bin/true"], signed
# with a throwaway key trusted as a root key in a scratch --local-config and fetched once into a
# scratch --dir; then `rkt run IMAGE` with the default stage1 (every isolation on). Two rows:
# pods left to accumulate in the data dir, and `rkt gc --grace-period=0s` before each run
# (untimed, hyperfine --prepare), each in a data dir of its own. A failed rkt row is reported;
# the peers are measured anyway.
#
# Env: RUNS, ROUNDS, WARMUP, RSS_RUNS override the counts. Needs root, hyperfine, GNU time, python3,
# gpg, busybox-static; missing peers are installed with apt-get, and skipped (and said so) only
# if that fails.
set -euo pipefail
BENCH_NAME=start
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

QUICK=0
RKT=$HERE/../build/stage0/rkt
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1; shift ;;
    --rkt) RKT=$2; shift 2 ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) bench_die "unknown argument $1 (see --help)" ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  RUNS=${RUNS:-10} ROUNDS=${ROUNDS:-2} WARMUP=${WARMUP:-2} RSS_RUNS=${RSS_RUNS:-3}
else
  RUNS=${RUNS:-30} ROUNDS=${ROUNDS:-5} WARMUP=${WARMUP:-5} RSS_RUNS=${RSS_RUNS:-5}
fi
[ "$ROUNDS" -ge 1 ] && [ "$RUNS" -ge "$ROUNDS" ] || bench_die "ROUNDS must be between 1 and RUNS"
# Warm-up runs of the later rounds: the caches and the kernel's fast paths a runner left warm
# have gone cold while the other rows ran.
ROUND_WARMUP=$((WARMUP < 2 ? WARMUP : (QUICK == 1 ? 1 : 2)))
[ "$(id -u)" = 0 ] || bench_die "run as root (namespaces, mounts, cgroups)"
for tool in hyperfine /usr/bin/time python3 gpg busybox; do
  command -v "$tool" >/dev/null || bench_die "$tool is missing (apt-get install hyperfine time python3 gnupg busybox-static)"
done
[ -x "$RKT" ] || echo "start.sh: no rkt at $RKT: its rows will say so" >&2
RKT=$(realpath -m "$RKT")

W=$(bench_scratch)
R=$W/rootfs
D=$W/data
DACC=$W/data-acc
C=$W/etc

# systemd-nspawn without systemd as PID 1 leaves empty payload/ and supervisor/ cgroups beside its
# own and /run/systemd/nspawn/{locks,propagate}: remove those it made (empty dirs only).
NSPAWN_LEFT=(/sys/fs/cgroup/{systemd,unified}/{payload,supervisor} /run/systemd/nspawn/{locks,propagate} /run/systemd/nspawn)
NSPAWN_NEW=()
nspawn_mark() {
  local p
  for p in "${NSPAWN_LEFT[@]}"; do [ -e "$p" ] || NSPAWN_NEW+=("$p"); done
}
nspawn_tidy() {
  local p
  for p in "${NSPAWN_NEW[@]}"; do [ -d "$p" ] && rmdir "$p" 2>/dev/null; done
  NSPAWN_NEW=()
}

cleanup() {
  local rc=$?
  set +e
  # Pods of an interrupted run: stop them, then let rkt's gc remove their cgroups and dirs.
  local d u
  for d in "$D" "$DACC"; do
    [ -x "$RKT" ] && [ -d "$d/pods" ] || continue
    for u in $(bench_pod_uuids "$d"); do
      "$RKT" --dir="$d" --local-config="$C" stop --force "$u" >/dev/null 2>&1
    done
    sleep 0.2
    "$RKT" --dir="$d" --local-config="$C" gc --grace-period=0s >/dev/null 2>&1
  done
  bench_gpg_stop "$W/gnupg"
  nspawn_tidy
  # crun/runc state of an interrupted run (a finished `run` deletes its own container)
  crun delete -f "bench-crun-$$" >/dev/null 2>&1
  runc delete -f "bench-runc-$$" >/dev/null 2>&1
  rm -rf "$W"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "preparing in $W ..." >&2
bench_rootfs "$R"

# --- peers present (installing the missing ones) -------------------------------------------
SKIPPED=()
have() { # have CMD PKG: CMD usable, else noted as skipped
  if bench_need_pkg "$1" "$2"; then return 0; fi
  SKIPPED+=("$1 (apt-get install $2 failed)")
  return 1
}
HAVE_CRUN=0 HAVE_RUNC=0 HAVE_BWRAP=0 HAVE_NSPAWN=0 HAVE_UNSHARE=0
have crun crun && HAVE_CRUN=1
have runc runc && HAVE_RUNC=1
have bwrap bubblewrap && HAVE_BWRAP=1
have systemd-nspawn systemd-container && HAVE_NSPAWN=1
have unshare util-linux && HAVE_UNSHARE=1

# crun <= 1.8 refuses a cgroup-v1 hybrid host whose v2 hierarchy lists a controller ("cgroups in
# hybrid mode not supported"), whatever --cgroup-manager. Its rows then run in a private mount
# namespace with a tmpfs over /sys/fs/cgroup/unified, so crun sees a pure v1 host and uses
# cgroupfs on the v1 controllers. The namespace is made once per hyperfine, not per run.
CRUN_VIEW=host
if [ -d /sys/fs/cgroup/unified ] && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
  CRUN_VIEW=legacy
fi
cat >"$W/legacy-view.sh" <<'EOF'
#!/bin/sh
mount -t tmpfs benchcgv2hide /sys/fs/cgroup/unified || exit 1
exec "$@"
EOF
chmod +x "$W/legacy-view.sh"

# One OCI bundle for crun and runc: the runtime's own default spec (namespaces pid, net, ipc,
# uts, mount; read-only root; no seccomp), with args /bin/true and the shared rootfs.
if [ $HAVE_CRUN = 1 ] || [ $HAVE_RUNC = 1 ]; then
  mkdir -p "$W/bundle"
  if [ $HAVE_CRUN = 1 ]; then (cd "$W/bundle" && crun spec); else (cd "$W/bundle" && runc spec); fi
  python3 - "$W/bundle/config.json" "$R" <<'EOF'
import json, sys
path, root = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
c["root"]["path"] = root
json.dump(c, open(path, "w"), indent=1)
EOF
fi
# systemd-nspawn writes into the tree it is given (/etc/resolv.conf, /etc/localtime, ...): it
# gets its own copy of the rootfs so the others' tree stays exactly the image's.
if [ $HAVE_NSPAWN = 1 ]; then cp -a "$R" "$W/rootfs-nspawn"; fi

# --- the rkt image --------------------------------------------------------------------------
RKT_IMAGE=
RKT_PREP_ERR=
if [ -x "$RKT" ]; then
  bench_aci "$R" "$W/true.aci" bench.rocket.example/true '["/bin/true"]'
  bench_gpg_key "$W/gnupg" "$W/pubkey.asc"
  # Two data dirs: the rows take turns, and one gc's before each run while the other keeps its pods.
  if RKT_IMAGE=$(bench_rkt_import "$RKT" "$D" "$C" "$W/gnupg" "$W/pubkey.asc" "$W/true.aci" 2>"$W/import.err") &&
    "$RKT" --dir="$DACC" --local-config="$C" fetch --full "$W/true.aci" >/dev/null 2>>"$W/import.err"; then
    RKT_IMAGE=bench.rocket.example/true
  else
    RKT_IMAGE=
    RKT_PREP_ERR="trust/fetch failed: $(tr '\n|' '  ' <"$W/import.err" | cut -c1-200)"
  fi
  bench_gpg_stop "$W/gnupg"
else
  RKT_PREP_ERR="no rkt binary at $RKT"
fi
printf '#!/bin/sh\nexec %s --dir=%s --local-config=%s gc --grace-period=0s\n' "$RKT" "$D" "$C" >"$W/gc.sh"

# --- timing ---------------------------------------------------------------------------------
declare -A NAME MED MIN MAX N CPU RSS ERR NOTE VIEW PREP CMD
KEYS=()
# row KEY NAME NOTE VIEW PREPARE_SCRIPT CMD: adds a row timing CMD (split on blanks, as hyperfine
# -N does), after one checked run: a command that fails is reported, not timed.
row() {
  local key=$1 name=$2 note=$3 view=$4 prep=$5 cmd=$6
  KEYS+=("$key")
  NAME[$key]=$name NOTE[$key]=$note VIEW[$key]=$view PREP[$key]=$prep CMD[$key]=$cmd
  echo "checking $name ..." >&2
  if [ -n "$prep" ]; then sh "$prep" >/dev/null 2>&1 || true; fi
  local rc=0 argv
  read -ra argv <<<"$cmd"
  in_view "$view" "${argv[@]}" >"$W/$key.out" 2>&1 || rc=$?
  [ $rc = 0 ] || ERR[$key]="FAILED rc=$rc: $(tr '\n|' '  ' <"$W/$key.out" | cut -c1-200)"
}
# in_view VIEW CMD...: CMD in the host's view of the cgroups, or in crun's legacy one (above).
in_view() {
  local view=$1
  shift
  if [ "$view" = legacy ]; then
    unshare -m --propagation private -- "$W/legacy-view.sh" "$@"
  else
    "$@"
  fi
}
# time_round ROUND KEY: KEY's share of the timed runs for round ROUND, under hyperfine.
time_round() {
  local round=$1 key=$2
  local runs=$(((RUNS * round) / ROUNDS - (RUNS * (round - 1)) / ROUNDS))
  local warm=$ROUND_WARMUP
  [ "$round" = 1 ] && warm=$WARMUP
  local hf=(hyperfine -N --style none --warmup "$warm" --runs "$runs" --export-json "$W/$key.$round.json")
  [ -n "${PREP[$key]}" ] && hf+=(--prepare "sh ${PREP[$key]}")
  if ! in_view "${VIEW[$key]}" "${hf[@]}" -- "${CMD[$key]}" >"$W/$key.hf" 2>&1; then
    ERR[$key]="FAILED under hyperfine: $(tail -2 "$W/$key.hf" | tr '\n|' '  ' | cut -c1-200)"
  fi
}
# merge_rounds KEY: KEY's rounds as one hyperfine-like JSON, its times in the order they ran.
merge_rounds() {
  python3 - "$W/$1.json" "$W/$1".[0-9]*.json <<'EOF'
import json, sys
out, paths = sys.argv[1], sorted(sys.argv[2:], key=lambda p: int(p.rsplit(".", 2)[1]))
times, user, system = [], 0.0, 0.0
for p in paths:
    r = json.load(open(p))["results"][0]
    times += r["times"]
    user += r["user"] * len(r["times"])
    system += r["system"] * len(r["times"])
json.dump({"results": [{"times": times, "user": user / len(times), "system": system / len(times)}]},
          open(out, "w"))
EOF
}
# peak_rss KEY: the median of RSS_RUNS runs' GNU time %M.
peak_rss() {
  local key=$1 rss=() argv
  read -ra argv <<<"${CMD[$key]}"
  for _ in $(seq "$RSS_RUNS"); do
    if [ -n "${PREP[$key]}" ]; then sh "${PREP[$key]}" >/dev/null 2>&1 || true; fi
    in_view "${VIEW[$key]}" /usr/bin/time -f %M -o "$W/$key.rss" "${argv[@]}" >/dev/null 2>&1 || true
    rss+=("$(tail -1 "$W/$key.rss")")
  done
  RSS[$key]=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(((${#rss[@]} + 1) / 2))p")
}

B=$R/bin/busybox
row host "host: busybox true (no container)" "floor of any process" host "" "$B true"
# Where stage0's own start goes: `rkt version` against an empty program linked, like rkt, to
# every library rkt names (DT_NEEDED), so the difference is rkt's own work.
LIBS_LOADED=
if [ -x "$RKT" ] && command -v gcc >/dev/null && command -v readelf >/dev/null; then
  mapfile -t needed < <(readelf -d "$RKT" | sed -n 's/.*Shared library: \[\(.*\)\]/-l:\1/p' | grep -v ld-linux)
  echo 'int main(void) { return 0; }' >"$W/stub.c"
  if gcc -O2 -o "$W/stub-libs" "$W/stub.c" -Wl,--no-as-needed "${needed[@]}" 2>"$W/stub.err"; then
    LIBS_LOADED=$(ldd "$RKT" | grep -c '=>\|ld-linux' || true)
    row rktver "rkt version (no pod)" "stage0 alone: load its $LIBS_LOADED shared objects, print, exit" host "" "$RKT version"
    row stub "empty program linked to rkt's libraries" "the same ${#needed[@]} DT_NEEDED, $(ldd "$W/stub-libs" | grep -c '=>\|ld-linux' || true) shared objects loaded" \
      host "" "$W/stub-libs"
  fi
fi
if [ -n "$RKT_IMAGE" ]; then
  row rkt "rkt run" "mount+pid+uts+ipc ns (host net), overlay, cgroup, caps, seccomp; gc before each run (untimed)" \
    host "$W/gc.sh" "$RKT --dir=$D --local-config=$C run --net=host $RKT_IMAGE"
  sh "$W/gc.sh" >/dev/null 2>&1 || true
  row rkt_acc "rkt run, pods accumulating" "as above, no gc: exited pods pile up in a data dir of their own" \
    host "" "$RKT --dir=$DACC --local-config=$C run --net=host $RKT_IMAGE"
else
  KEYS+=(rkt)
  NAME[rkt]="rkt run"
  ERR[rkt]="NOT RUN: $RKT_PREP_ERR"
fi
[ $HAVE_CRUN = 1 ] && row crun "crun run" "pid+net+ipc+uts+mount ns, ro root, cgroupfs$([ $CRUN_VIEW = legacy ] && echo ', v2 hidden (hybrid workaround)')" \
  $CRUN_VIEW "" "crun run -b $W/bundle bench-crun-$$"
[ $HAVE_RUNC = 1 ] && row runc "runc run" "same OCI bundle as crun" host "" "runc run -b $W/bundle bench-runc-$$"
[ $HAVE_BWRAP = 1 ] && row bwrap "bwrap --unshare-all" "user+pid+net+ipc+uts+mount+cgroup ns, bind root, /proc, /dev" \
  host "" "bwrap --unshare-all --bind $R / --proc /proc --dev /dev /bin/true"
[ $HAVE_UNSHARE = 1 ] && row unshare "unshare + chroot" "pid+mount+uts+ipc+net ns, --mount-proc, chroot" \
  host "" "unshare --fork --pid --mount --uts --ipc --net --mount-proc chroot $R /bin/true"
[ $HAVE_NSPAWN = 1 ] && nspawn_mark && row nspawn "systemd-nspawn" "--register=no --keep-unit, own copy of the rootfs" \
  host "" "systemd-nspawn -D $W/rootfs-nspawn --quiet --register=no --keep-unit /bin/true"

# The rounds: every row that passed its check, starting one row further on each round, so that
# no row always follows the same one.
TIMED=()
for k in "${KEYS[@]}"; do [ -n "${ERR[$k]:-}" ] || TIMED+=("$k"); done
for round in $(seq "$ROUNDS"); do
  echo "round $round of $ROUNDS ..." >&2
  for i in $(seq 0 $((${#TIMED[@]} - 1))); do
    k=${TIMED[$(((i + round - 1) % ${#TIMED[@]}))]}
    [ -n "${ERR[$k]:-}" ] || time_round "$round" "$k"
  done
done
for k in "${TIMED[@]}"; do
  [ -z "${ERR[$k]:-}" ] || continue
  merge_rounds "$k"
  read -r "MED[$k]" "MIN[$k]" "MAX[$k]" "N[$k]" "CPU[$k]" < <(bench_median_ms "$W/$k.json")
  peak_rss "$k"
done
ACC_PODS=$( (find "$DACC/pods" -mindepth 2 -maxdepth 2 -type d 2>/dev/null || true) | wc -l)
nspawn_tidy

# --- report ---------------------------------------------------------------------------------
echo "# start.sh: /bin/true in a fresh container"
echo
bench_machine "$W"
echo "- runs: $RUNS timed per row in $ROUNDS rounds, the rows taking turns, each round after warm-up runs ($WARMUP in the first, then $ROUND_WARMUP) (hyperfine -N); peak RSS: median of $RSS_RUNS GNU time %M"
echo
echo "Versions:"
echo
echo "- rkt: $( [ -x "$RKT" ] && "$RKT" version 2>&1 | tr '\n' ' ' || echo "not built ($RKT)")"
[ $HAVE_CRUN = 1 ] && echo "- crun: $(bench_version crun --version)"
[ $HAVE_RUNC = 1 ] && echo "- runc: $(bench_version runc --version)"
[ $HAVE_BWRAP = 1 ] && echo "- bwrap: $(bench_version bwrap --version)"
[ $HAVE_NSPAWN = 1 ] && echo "- systemd-nspawn: $(bench_version systemd-nspawn --version)"
[ $HAVE_UNSHARE = 1 ] && echo "- unshare: $(bench_version unshare --version)"
echo "- busybox: $(bench_version "$B" | cut -d' ' -f1-2); hyperfine: $(bench_version hyperfine --version)"
for s in "${SKIPPED[@]}"; do echo "- SKIPPED: $s"; done
echo
REF=${MED[rkt]:-}
echo "| runner | median ms | min ms | max ms | runs | peer ÷ rkt run | cpu ms | peak RSS KiB | what it sets up |"
echo "|---|---|---|---|---|---|---|---|---|"
for k in "${KEYS[@]}"; do
  if [ -n "${ERR[$k]:-}" ]; then
    printf '| %s | %s | | | | | | | %s |\n' "${NAME[$k]}" "${ERR[$k]}" "${NOTE[$k]:-}"
    continue
  fi
  ratio=n/a
  [ -n "$REF" ] && ratio=$(python3 -c "print(f'{${MED[$k]} / $REF:.2f}')")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${NAME[$k]}" "${MED[$k]}" "${MIN[$k]}" \
    "${MAX[$k]}" "${N[$k]}" "$ratio" "${CPU[$k]}" "${RSS[$k]}" "${NOTE[$k]}"
done
echo
if [ -n "$LIBS_LOADED" ]; then
  # The dynamic loader's own account (symbol lookup and relocation), in TSC cycles.
  LD_DEBUG=statistics "$RKT" version 2>"$W/ld-stats" >/dev/null || true
  python3 - "$W/ld-stats" "$LIBS_LOADED" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
mhz = float(re.search(r"cpu MHz\s*:\s*([0-9.]+)", open("/proc/cpuinfo").read()).group(1))
tot = re.search(r"total startup time in dynamic loader: (\d+) cycles", text)
rel = re.search(r"time needed for relocation: (\d+) cycles", text)
n = re.search(r"number of relocations: (\d+)", text)
if tot and rel and n:
    print(f"rkt version: ld.so reports {int(tot.group(1)) / mhz / 1000:.2f} ms in the dynamic loader "
          f"({int(rel.group(1)) / mhz / 1000:.2f} ms of it relocating, {n.group(1)} symbol relocations) "
          f"at {mhz:.0f} MHz; the rest is the kernel mapping and faulting in {sys.argv[2]} objects, "
          "their constructors, and exit.")
EOF
  echo
fi
if [ -n "${MED[rkt_acc]:-}" ]; then
  # Does a growing pods/ dir slow rkt run down? Compare the first and last third of the runs.
  python3 - "$W/rkt_acc.json" "$ACC_PODS" "${MED[rkt]:-}" <<'EOF'
import json, statistics, sys
t = [x * 1000 for x in json.load(open(sys.argv[1]))["results"][0]["times"]]
k = max(len(t) // 3, 1)
first, last = statistics.median(t[:k]), statistics.median(t[-k:])
print(f"Pods accumulating: {sys.argv[2]} pods in the data dir at the end; median of the first "
      f"{k} timed runs {first:.2f} ms, of the last {k} {last:.2f} ms ({(last / first - 1) * 100:+.0f} %)"
      + (f"; with gc before each run the median is {float(sys.argv[3]):.2f} ms." if sys.argv[3] else "."))
EOF
fi
