#!/usr/bin/env bash
# bench/net.sh: what Rocket adds to the CNI plugins' own work when a pod joins a network.
#
#   bench/net.sh [RKT [DEMO_DIR]]    RKT defaults to build/stage0/rkt, DEMO_DIR to build/tests
#
# One run, interleaved (each round runs the three, so that drift hits them alike), RUNS rounds:
#   host     rkt run --net=host busybox /bin/true      (no network work at all)
#   default  rkt run --net=default busybox /bin/true   (the built-in ptp + host-local network)
#   plugins  CNI ADD then DEL of the same config, invoked by hand (ptp, which runs host-local and
#            iptables), into a namespace made beforehand (untimed)
# Every rkt run is preceded by an untimed `rkt gc`. It prints the medians and
#   overhead = (default - host - plugins) / plugins
# i.e. the time Rocket adds around the plugins (config loading, the namespace and its pin,
# net-info.json, tearing down), as a share of the plugins' own time. Target: at most 20%.
#
# Env: RUNS (default 30). Needs root, python3, iproute2 and Debian's containernetworking-plugins.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_NAME=net
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
RKT=$(realpath "${1:-$HERE/../build/stage0/rkt}")
DEMO=$(realpath "${2:-$HERE/../build/tests}")
RUNS=${RUNS:-30}
[ "$(id -u)" = 0 ] || bench_die "needs root"
[ -x "$RKT" ] || bench_die "no rkt at $RKT (build it, or pass its path)"
[ -f "$DEMO/busybox.aci" ] || bench_die "no busybox.aci in $DEMO"
[ -x /usr/lib/cni/ptp ] || bench_die "no /usr/lib/cni/ptp (apt-get install containernetworking-plugins)"

W=$(bench_scratch)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/etc" "$W/sys"
R=("$RKT" --dir="$W/data" --local-config="$W/etc" --system-config="$W/sys")
"${R[@]}" --insecure-options=image fetch "$DEMO/busybox.aci" >/dev/null 2>&1 ||
  bench_die "fetching busybox.aci failed"
# The built-in default network, exactly as stage1 gets it (net-config.json of a pod).
"${R[@]}" run --net=default rocket.example/busybox:1.35.0 --exec /bin/true >/dev/null 2>&1 ||
  bench_die "a first rkt run --net=default failed"
conf=$(python3 -c 'import glob, json, sys
p = glob.glob(sys.argv[1] + "/data/pods/*/*/net-config.json")[0]
print(json.dumps(json.load(open(p))["networks"][0]["plugins"][0]))' "$W")

echo "## bench/net.sh"
bench_machine "$W"
echo "- rkt: $RKT; plugins: /usr/lib/cni ($(dpkg-query -W -f='${Version}' containernetworking-plugins 2>/dev/null || echo '?')); $RUNS rounds"
echo
python3 - "$RUNS" "$W" "$conf" "${R[@]}" <<'PY'
import os, statistics, subprocess, sys, time
runs, work, conf, rkt = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
image = "rocket.example/busybox:1.35.0"
quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def timed(argv, **kw):
    t = time.perf_counter()
    r = subprocess.run(argv, **kw)
    d = (time.perf_counter() - t) * 1000
    if r.returncode != 0:
        sys.exit(f"net.sh: {' '.join(argv)} failed ({r.returncode})")
    return d

def pod(net):
    subprocess.run(rkt + ["gc", "--grace-period=0s"], **quiet)
    return timed(rkt + ["run", "--net=" + net, image, "--exec", "/bin/true"], **quiet)

def plugins(i):
    ns = f"rkt-bench-{os.getpid()}-{i}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    env = {"CNI_CONTAINERID": f"bench-{os.getpid()}-{i}", "CNI_NETNS": "/run/netns/" + ns,
           "CNI_IFNAME": "eth0", "CNI_PATH": "/usr/lib/cni", "CNI_ARGS": "",
           "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    try:
        t = 0.0
        for cmd in ("ADD", "DEL"):
            t += timed(["/usr/lib/cni/ptp"], input=conf.encode(), env=dict(env, CNI_COMMAND=cmd),
                       stdout=subprocess.DEVNULL)
        return t
    finally:
        subprocess.run(["ip", "netns", "del", ns])

rows = {"host": [], "default": [], "plugins": []}
for i in range(runs):
    rows["host"].append(pod("host"))
    rows["default"].append(pod("default"))
    rows["plugins"].append(plugins(i))
med = {k: statistics.median(v) for k, v in rows.items()}
print("| what | median ms | min ms | max ms |")
print("|---|---|---|---|")
for k, label in (("host", "rkt run --net=host"), ("default", "rkt run --net=default"),
                 ("plugins", "ptp ADD + DEL by hand")):
    v = rows[k]
    print(f"| {label} | {med[k]:.1f} | {min(v):.1f} | {max(v):.1f} |")
added = med["default"] - med["host"]
print()
print(f"- network cost in rkt run (default - host): {added:.1f} ms; the plugins' own: {med['plugins']:.1f} ms")
print(f"- Rocket's overhead around the plugins: {added - med['plugins']:.1f} ms = "
      f"{(added - med['plugins']) / med['plugins'] * 100:.0f}% of the plugins' time (target <= 20%)")
PY
