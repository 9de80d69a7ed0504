#!/usr/bin/env bash
# bench/isolators.sh: what the tightest isolators cost against the defaults, in one run. Times
# `rkt run` of a busybox ACI whose app is /bin/true (stage0 + stage1 + stage2 + teardown) with
# the default isolation and with the tightest set the escape suite uses (a non-root user, one
# capability, Docker's seccomp allowlist, no_new_privs from the image manifest, 32 MiB, a
# quarter CPU, a read-only rootfs), both in one hyperfine call (medians, ratio); then, for
# each, the PSS of the pod's processes (stage1 /init, the pod's PID 1, the app) while the app
# sleeps, as bench/pod-memory.sh measures it. Leaves nothing behind (rkt gc, scratch removed).
#
#   bench/isolators.sh [--rkt PATH]        PATH defaults to build/stage0/rkt
#
# Env: RUNS (default 20), WARMUP (3). Needs root, hyperfine, python3, gpg, busybox-static.
set -euo pipefail
BENCH_NAME=isolators
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

RKT=$HERE/../build/stage0/rkt
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
while [ $# -gt 0 ]; do
  case $1 in
    --rkt) RKT=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) bench_die "unknown argument $1 (see --help)" ;;
  esac
done
[ "$(id -u)" = 0 ] || bench_die "run as root (namespaces, mounts, cgroups)"
for tool in hyperfine python3 gpg busybox; do
  command -v "$tool" >/dev/null || bench_die "$tool is missing (apt-get install hyperfine python3 gnupg busybox-static)"
done
[ -x "$RKT" ] || bench_die "no rkt at $RKT (build it, or pass --rkt PATH)"
RKT=$(realpath "$RKT")

W=$(bench_scratch)
D=$W/data
C=$W/etc
RKTG=("$RKT" --dir="$D" --local-config="$C")
STARTER=
cleanup() {
  local rc=$?
  set +e
  [ -n "$STARTER" ] && kill -KILL "$STARTER" 2>/dev/null && wait "$STARTER" 2>/dev/null
  if [ -d "$D/pods" ]; then
    for u in $(bench_pod_uuids "$D"); do "${RKTG[@]}" stop --force "$u" >/dev/null 2>&1; done
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
bench_aci "$W/rootfs" "$W/true.aci" bench.rocket.example/true '["/bin/true"]'
# The tight image: the same, with os/linux/no-new-privileges (no flag sets it).
mkdir "$W/tight"
tar -xf "$W/true.aci" -C "$W/tight"
python3 - "$W/tight/manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["name"] = "bench.rocket.example/true-tight"
m["app"]["isolators"] = [{"name": "os/linux/no-new-privileges", "value": True}]
json.dump(m, open(sys.argv[1], "w"))
PY
tar --create --file "$W/tight.aci" --numeric-owner --owner=0 --group=0 -C "$W/tight" manifest rootfs
rm -rf "$W/tight"
bench_gpg_key "$W/gnupg" "$W/pubkey.asc"
bench_rkt_import "$RKT" "$D" "$C" "$W/gnupg" "$W/pubkey.asc" "$W/true.aci" >/dev/null 2>"$W/import.err" \
  || { cat "$W/import.err" >&2; bench_die "rkt trust/fetch of the true image failed"; }
bench_sign "$W/gnupg" "$W/tight.aci"
"${RKTG[@]}" fetch "$W/tight.aci" >/dev/null 2>"$W/import.err" \
  || { cat "$W/import.err" >&2; bench_die "rkt fetch of the tight image failed"; }
bench_gpg_stop "$W/gnupg"

DEFAULT_ARGS="run --net=host bench.rocket.example/true"
TIGHT_ARGS="run --net=host bench.rocket.example/true-tight --user=1000 --group=1000 --caps-retain=CAP_NET_BIND_SERVICE --seccomp=mode=retain,errno=EPERM,@docker/default-whitelist --memory=32Mi --cpu=250m --readonly-rootfs=true"
printf '#!/bin/sh\nexec %s --dir=%s --local-config=%s gc --grace-period=0s\n' "$RKT" "$D" "$C" >"$W/gc.sh"

# One checked run of each first: a command that fails is reported, not timed.
for args in "$DEFAULT_ARGS" "$TIGHT_ARGS"; do
  # shellcheck disable=SC2086
  "${RKTG[@]}" $args >"$W/check.out" 2>&1 </dev/null ||
    { cat "$W/check.out" >&2; bench_die "rkt $args failed"; }
done
echo "timing $RUNS runs of each ..." >&2
hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --prepare "sh $W/gc.sh" \
  --export-json "$W/times.json" -n default -n tight \
  -- "${RKTG[*]} $DEFAULT_ARGS" "${RKTG[*]} $TIGHT_ARGS" >"$W/hf.out" 2>&1 ||
  { tail -5 "$W/hf.out" >&2; bench_die "hyperfine failed"; }
sh "$W/gc.sh" >/dev/null 2>&1

# pss_of_pod ARGS...: `rkt run ARGS --exec /bin/sleep -- 30 ---` in the background; once the
# sleep runs (and a second more to settle), prints "rocket_kib app_kib processes" (PSS), then
# stops the pod.
pss_of_pod() {
  "${RKTG[@]}" "$@" --exec /bin/sleep -- 30 --- </dev/null >"$W/pod.log" 2>&1 &
  STARTER=$!
  local deadline=$(($(date +%s) + 20)) found= q
  while [ -z "$found" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    for q in $(bench_descendants "$STARTER"); do [ "$(bench_comm "$q")" = sleep ] && found=$q; done
    sleep 0.05
  done
  [ -n "$found" ] || { cat "$W/pod.log" >&2; bench_die "the pod's app did not start: $*"; }
  sleep 1
  local rocket=0 app=0 n=0 pss
  for q in $(bench_descendants "$STARTER"); do
    pss=$(bench_pss_kib "$q")
    n=$((n + 1))
    if [ "$(bench_comm "$q")" = sleep ]; then app=$((app + pss)); else rocket=$((rocket + pss)); fi
  done
  echo "$rocket $app $n"
  for u in $(bench_pod_uuids "$D"); do "${RKTG[@]}" stop --force "$u" >/dev/null 2>&1 || true; done
  wait "$STARTER" 2>/dev/null || true
  STARTER=
  sh "$W/gc.sh" >/dev/null 2>&1
}
echo "measuring memory ..." >&2
# shellcheck disable=SC2086
read -r MEM_DEF_ROCKET MEM_DEF_APP MEM_DEF_N < <(pss_of_pod $DEFAULT_ARGS)
# shellcheck disable=SC2086
read -r MEM_TIGHT_ROCKET MEM_TIGHT_APP MEM_TIGHT_N < <(pss_of_pod $TIGHT_ARGS)

echo "# isolators.sh: default isolation against the tightest isolators"
echo
bench_machine "$W"
echo "- rkt: $("$RKT" version 2>&1 | tr '\n' ' ')"
echo "- tight: ${TIGHT_ARGS#run --net=host bench.rocket.example/true-tight } + os/linux/no-new-privileges in the image"
echo "- runs: $RUNS timed after $WARMUP warm-up (hyperfine -N, both commands in one call, rkt gc between runs untimed)"
echo
python3 - "$W/times.json" "$MEM_DEF_ROCKET" "$MEM_DEF_APP" "$MEM_DEF_N" \
  "$MEM_TIGHT_ROCKET" "$MEM_TIGHT_APP" "$MEM_TIGHT_N" <<'PY'
import json, statistics, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
d_r, d_a, d_n, t_r, t_a, t_n = map(int, sys.argv[2:8])
def row(name):
    r = res[name]
    t = r["times"]
    return statistics.median(t) * 1000, min(t) * 1000, max(t) * 1000, (r["user"] + r["system"]) * 1000
d, t = row("default"), row("tight")
print("| rkt run /bin/true | median ms | min ms | max ms | CPU ms (user+sys) |")
print("|---|---|---|---|---|")
for name, v in (("default", d), ("tightest", t)):
    print(f"| {name} | {v[0]:.1f} | {v[1]:.1f} | {v[2]:.1f} | {v[3]:.1f} |")
print()
print(f"Time overhead of the tightest isolators: median ratio **{t[0] / d[0]:.2f}x** "
      f"({t[0] - d[0]:+.1f} ms), CPU ratio {t[3] / d[3]:.2f}x.")
print()
print("| pod with a sleeping app | processes | Rocket PSS KiB | app PSS KiB | total PSS KiB |")
print("|---|---|---|---|---|")
print(f"| default | {d_n} | {d_r} | {d_a} | {d_r + d_a} |")
print(f"| tightest | {t_n} | {t_r} | {t_a} | {t_r + t_a} |")
print()
print(f"Peak memory overhead of the tightest isolators: total PSS ratio "
      f"**{(t_r + t_a) / max(d_r + d_a, 1):.2f}x** ({(t_r + t_a) - (d_r + d_a):+d} KiB).")
PY
