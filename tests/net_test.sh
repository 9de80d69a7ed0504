#!/usr/bin/env bash
# CNI networking with real pods (Documentation/networking.md): the default network (a private
# namespace on ptp + host-local 172.16.28.0/24 with masquerading) reaching another pod and an
# "outside" made by the test, default-restricted without a route out, none and host, a bridge
# network from net.d, CNI_ARGS, --port from the host's loopback and from another namespace, DNS
# from a CNI result and rkt's precedence, list/status/JSON, bad configs and plugins refused or
# undone, a SIGKILLed stage1 cleaned by gc, and 300 pods in a row on one /24 (leases released).
# After every pod: no namespace pin, lease, iptables rule or host veth of it is left.
# Traffic stays between namespaces the test makes, the pods' and loopback.
# Usage: net_test.sh RKT DEMO_DIR (DEMO_DIR holds busybox.aci, .asc, demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
D=$T/data
E=$T/etc
rkt_flags=(--dir="$D" --local-config="$E" --system-config="$T/sys")
rkt() { "$RKT" "${rkt_flags[@]}" "$@"; }
# Names of the test's own host objects, unique per run.
TAG=$$
OUT_NS=rkt-test-out-$TAG
OUT_IF=rkto$TAG
BRIDGE=rktbr$TAG
N=$((TAG % 200 + 20))
OUT_HOST=10.250.$N.1
OUT_ADDR=10.250.$N.2
BR_NET=10.251.$N
bg_pids=()
uuids=()
cleanup() {
  local p u
  for u in "${uuids[@]}"; do rkt stop --force "$u" >/dev/null 2>&1; done
  for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  ip netns pids "$OUT_NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns del "$OUT_NS" 2>/dev/null
  ip link del "$OUT_IF" 2>/dev/null
  ip link del "$BRIDGE" 2>/dev/null
  for u in "${uuids[@]}"; do
    for dir in $(pod_cgroups "$u"); do find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  rm -rf "$T"
}
trap cleanup EXIT
# http_get HOST PORT PATH: a shell command for busybox in the pod (its wget is not in the image).
http_get() { printf "printf 'GET %s HTTP/1.0\\r\\n\\r\\n' | nc -w 5 %s %s" "$3" "$1" "$2"; }

# start NAME RKT-RUN-ARGS...: lib.sh's start_pod.
start() { start_pod "$@"; }
stop_pod() {
  rkt stop --force "$1" >/dev/null 2>&1
  eventually 20 dead "$2"
  wait "$2" 2>/dev/null
}
# pod_ip UUID NET: the address `rkt status` gives the pod on network NET.
pod_ip() { rkt status "$1" | sed -n "s/^networks=.*$2:ip4=\([0-9.]*\).*/\1/p"; }
# no_leftovers NAME UUID: nothing of the pod's networking is left on the host.
no_leftovers() {
  local name=$1 u=$2
  if [ -e "/run/netns/rkt-$u" ]; then bad "$name: the namespace pin is left"; else ok; fi
  if grep -rqs "$u" /var/lib/cni/networks "$T/ipam" 2>/dev/null; then
    bad "$name: an IP lease is left: $(grep -rls "$u" /var/lib/cni/networks "$T/ipam")"
  else ok; fi
  if iptables-save 2>/dev/null | grep -q "$u"; then
    bad "$name: iptables rules are left: $(iptables-save | grep "$u" | head -3)"
  else ok; fi
}

if [ "$(id -u)" != 0 ]; then echo "FAIL net_test.sh needs root"; exit 1; fi
for tool in ip iptables iptables-save python3; do
  command -v "$tool" >/dev/null || { echo "FAIL $tool is missing (apt-get install iproute2 iptables python3)"; exit 1; }
done
for plugin in ptp bridge host-local portmap; do
  [ -x /usr/lib/cni/$plugin ] || { echo "FAIL /usr/lib/cni/$plugin is missing (apt-get install containernetworking-plugins)"; exit 1; }
done

mkdir -p "$E/net.d" "$T/sys"
cp "$DEMO/busybox.aci" "$DEMO/busybox.aci.asc" "$T/"
BB=$T/busybox.aci
rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null
rkt fetch "$BB" >/dev/null || { echo "FAIL fetching busybox"; exit 1; }
# The same image with a port named "http" (8080/tcp), unsigned.
python3 - "$BB" "$T/web.aci" <<'PY'
import io, json, sys, tarfile
src, dst = sys.argv[1:3]
with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
    for m in tin.getmembers():
        data = tin.extractfile(m).read() if m.isfile() else None
        if m.name == "manifest":
            j = json.loads(data)
            j["name"] = "rocket.example/web"
            j["app"]["ports"] = [{"name": "http", "protocol": "tcp", "port": 8080}]
            data = json.dumps(j).encode()
            m.size = len(data)
        tout.addfile(m, io.BytesIO(data) if data is not None else None)
PY
rkt --insecure-options=image fetch "$T/web.aci" >/dev/null || { echo "FAIL fetching web.aci"; exit 1; }

# "Outside": a namespace behind a veth, with a web server, standing for the rest of the world.
ip netns add "$OUT_NS"
ip link add "$OUT_IF" type veth peer name eth0 netns "$OUT_NS"
ip addr add "$OUT_HOST/24" dev "$OUT_IF"
ip link set "$OUT_IF" up
ip -n "$OUT_NS" addr add "$OUT_ADDR/24" dev eth0
ip -n "$OUT_NS" link set eth0 up
ip -n "$OUT_NS" link set lo up
mkdir -p "$T/www"
echo outside-says-hi >"$T/www/hello"
ip netns exec "$OUT_NS" python3 -m http.server 8000 --bind "$OUT_ADDR" --directory "$T/www" \
  >/dev/null 2>&1 &
bg_pids+=($!)
eventually 10 ip netns exec "$OUT_NS" python3 -c "import socket; socket.create_connection(('$OUT_ADDR', 8000), 1)" 2>/dev/null ||
  bad "the outside server did not start"

# --- The default network: the default --net, with an address, a route out, and DNS as rkt.
check default-out 0 rkt run "$BB" --exec /bin/sh -- -c \
  "ip -4 -o addr show eth0; ip route; $(http_get "$OUT_ADDR" 8000 /hello)"
contains default-address "$T/out" "inet 172.16.28."
contains default-route "$T/out" "default via 172.16.28.1"
contains default-reaches-outside "$T/out" "outside-says-hi"

# Two pods on the default network reach each other; list, status and JSON show the address.
start web "$BB" --exec /bin/sh -- -c "mkdir /www; echo pod-a-says-hi >/www/a; exec httpd -f -p 8080 -h /www"
web_uuid=$uuid web_pid=$pid
web_ip=$(pod_ip "$web_uuid" default)
matches web-ip "$web_ip" '^172\.16\.28\.[0-9]+$'
check status-networks 0 rkt status "$web_uuid"
contains status-networks "$T/out" "networks=default:ip4=$web_ip"
check list-networks 0 rkt list --no-legend --full
contains list-networks "$T/out" "default:ip4=$web_ip"
check status-json 0 rkt status --format=json "$web_uuid"
equals json-netname "$(python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["networks"][0]; print(n["netName"], n["ifName"], n["ip"], n["mask"], n["pluginPath"])' "$T/out")" \
  "default eth0 $web_ip 255.255.255.0 /usr/lib/cni/ptp"
[ -e "/run/netns/rkt-$web_uuid" ] && ok || bad "no namespace pin while the pod runs"
check pod-to-pod 0 rkt run "$BB" --exec /bin/sh -- -c "$(http_get "$web_ip" 8080 /a)"
contains pod-to-pod "$T/out" "pod-a-says-hi"
stop_pod "$web_uuid" "$web_pid"
no_leftovers web-exited "$web_uuid"
check status-exited-networks 0 rkt status "$web_uuid"
contains status-exited-networks "$T/out" "networks=default:ip4=$web_ip"

# CNI_ARGS: host-local takes the address asked for.
check cni-args 0 rkt run --net=default:IP=172.16.28.213 "$BB" --exec /bin/sh -- -c "ip -4 -o addr show eth0"
contains cni-args "$T/out" "inet 172.16.28.213/24"

# --- default-restricted: an address, but no route out of the host.
check restricted 0 rkt run --net=default-restricted "$BB" --exec /bin/sh -- -c \
  "ip -4 -o addr show eth0; $(http_get "$OUT_ADDR" 8000 /hello) 2>&1; true"
contains restricted-address "$T/out" "inet 172.31."
contains restricted-unreachable "$T/out" "Network is unreachable"
if grep -q "outside-says-hi" "$T/out"; then bad "default-restricted reached the outside"; else ok; fi

# --- none and host.
check none 0 rkt run --net=none "$BB" --exec /bin/sh -- -c "ls /sys/class/net"
equals none-only-lo "$(tr '\n' ' ' <"$T/out")" "lo "
check host 0 rkt run --net=host "$BB" --exec /bin/sh -- -c "ls /sys/class/net"
contains host-sees-host "$T/out" "$OUT_IF"

# --- --net belongs to run-prepared too: the network is chosen when the pod starts.
check prepare-for-net 0 rkt prepare --quiet "$BB" --exec /bin/sh -- -c "ls /sys/class/net; ip -4 -o addr show eth0"
p_uuid=$(tr -d '\n' <"$T/out")
check run-prepared-net 0 rkt run-prepared --net=default "$p_uuid"
contains run-prepared-eth0 "$T/out" "inet 172.16.28."
no_leftovers run-prepared-net "$p_uuid"
check prepare-for-none 0 rkt prepare --quiet "$BB" --exec /bin/sh -- -c "ls /sys/class/net"
check run-prepared-none 0 rkt run-prepared --net=none "$(tr -d '\n' <"$T/out")"
equals run-prepared-only-lo "$(tr '\n' ' ' <"$T/out")" "lo "

# --- A bridge network from net.d, with DNS in its config (ptp and bridge pass it on).
cat >"$E/net.d/10-lan.conf" <<JSON
{"cniVersion":"0.4.0","name":"lan","type":"bridge","bridge":"$BRIDGE","isGateway":true,
 "ipMasq":false,"dns":{"nameservers":["10.99.0.53"],"search":["corp.test"]},
 "ipam":{"type":"host-local","subnet":"$BR_NET.0/24","dataDir":"$T/ipam"}}
JSON
check bridge 0 rkt run --net=lan "$BB" --exec /bin/sh -- -c "ip -4 -o addr show eth0; cat /etc/resolv.conf"
contains bridge-address "$T/out" "inet $BR_NET.2/24"
contains bridge-dns "$T/out" "nameserver 10.99.0.53"
contains bridge-dns-search "$T/out" "search corp.test"
ip link show "$BRIDGE" >/dev/null 2>&1 && ok || bad "bridge $BRIDGE was not made on the host"
# rkt's precedence: --dns over the CNI result; --dns=none: no resolv.conf from it.
check dns-flag-wins 0 rkt run --net=lan --dns=10.1.1.1 "$BB" --exec /bin/cat -- /etc/resolv.conf
contains dns-flag-wins "$T/out" "nameserver 10.1.1.1"
if grep -q 10.99.0.53 "$T/out"; then bad "dns-flag-wins: the CNI server is there too"; else ok; fi
check dns-none 0 rkt run --net=lan --dns=none "$BB" --exec /bin/sh -- -c "cat /etc/resolv.conf 2>/dev/null; true"
if grep -q 10.99.0.53 "$T/out"; then bad "dns-none: the CNI server is there"; else ok; fi
# Two networks at once, eth0 and eth1 in --net order.
check two-nets 0 rkt run --net=lan,default "$BB" --exec /bin/sh -- -c "ip -4 -o addr"
contains two-nets-eth0 "$T/out" "eth0    inet $BR_NET."
contains two-nets-eth1 "$T/out" "eth1    inet 172.16.28."

# --- --port: from the host's loopback, from the host's address and from another namespace.
HP=$((20000 + TAG % 20000))
start port --port=http:$HP rocket.example/web --exec /bin/sh -- -c \
  "mkdir /www; echo forwarded >/www/f; exec httpd -f -p 8080 -h /www"
port_uuid=$uuid port_pid=$pid
check port-loopback 0 python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$HP/f', timeout=5).read().decode())"
contains port-loopback "$T/out" "forwarded"
check port-from-outside 0 ip netns exec "$OUT_NS" python3 -c "import urllib.request; print(urllib.request.urlopen('http://$OUT_HOST:$HP/f', timeout=5).read().decode())"
contains port-from-outside "$T/out" "forwarded"
stop_pod "$port_uuid" "$port_pid"
no_leftovers port-exited "$port_uuid"
check port-gone 1 python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$HP/f', timeout=2)"

# --- Bad input: refused before any pod exists, or undone; exit 254 and a message naming it.
pods_before=$(find "$D/pods" -mindepth 2 -maxdepth 2 | wc -l)
check unknown-net 254 rkt run --net=nope "$BB" --exec /bin/true
contains unknown-net "$T/err" "network nope is not defined"
check net-host-port 254 rkt run --net=host --port=http:$HP rocket.example/web --exec /bin/true
contains net-host-port "$T/err" "--port needs a private network"
check port-unknown-name 254 rkt run --port=nope:$HP rocket.example/web --exec /bin/true
contains port-unknown-name "$T/err" "no app's image has a port named nope"
check net-twice 254 rkt run --net=default,default "$BB" --exec /bin/true
contains net-twice "$T/err" "network default is given twice"
echo '{"name":"broken", "type":' >"$E/net.d/20-broken.conf"
check broken-config 254 rkt run --net=default "$BB" --exec /bin/true
contains broken-config "$T/err" "$E/net.d/20-broken.conf"
rm "$E/net.d/20-broken.conf"
echo '{"cniVersion":"0.4.0","name":"noplugin","type":"no-such-plugin"}' >"$E/net.d/30-noplugin.conf"
check missing-plugin 254 rkt run --net=noplugin "$BB" --exec /bin/true
contains missing-plugin "$T/err" "network noplugin: plugin no-such-plugin not found in"
equals nothing-made "$(find "$D/pods" -mindepth 2 -maxdepth 2 | wc -l)" "$pods_before"
# A plugin that fails, and one that hangs (killed at RKT_NET_PLUGIN_TIMEOUT); the failing one
# comes second, so the first network must be left again. Plugins may live in net.d (rkt).
printf '#!/bin/sh\ncat >/dev/null\n[ "$CNI_COMMAND" = DEL ] && exit 0\necho %s\nexit 1\n' \
  "'{\"cniVersion\":\"0.4.0\",\"code\":7,\"msg\":\"out of cheese\"}'" >"$E/net.d/failing"
printf '#!/bin/sh\n[ "$CNI_COMMAND" = DEL ] && exit 0\nexec sleep 60\n' >"$E/net.d/hanging"
chmod +x "$E/net.d/failing" "$E/net.d/hanging"
echo '{"cniVersion":"0.4.0","name":"fails","type":"failing"}' >"$E/net.d/40-fails.conf"
echo '{"cniVersion":"0.4.0","name":"hangs","type":"hanging"}' >"$E/net.d/50-hangs.conf"
check failing-plugin 254 rkt run --uuid-file-save="$T/fail.uuid" --net=default,fails "$BB" --exec /bin/true
contains failing-plugin "$T/err" "network fails: plugin failing ($E/net.d/failing) ADD failed: out of cheese"
no_leftovers failing-plugin "$(cat "$T/fail.uuid")"
SECONDS=0
RKT_NET_PLUGIN_TIMEOUT=1s check hanging-plugin 254 rkt run --uuid-file-save="$T/hang.uuid" --net=default,hangs "$BB" --exec /bin/true
contains hanging-plugin "$T/err" "network hangs: plugin hanging"
contains hanging-plugin-timeout "$T/err" "did not finish within 1000 ms"
[ $SECONDS -lt 20 ] && ok || bad "the hanging plugin took ${SECONDS}s to be given up"
no_leftovers hanging-plugin "$(cat "$T/hang.uuid")"
rm "$E/net.d/40-fails.conf" "$E/net.d/50-hangs.conf" "$E/net.d/30-noplugin.conf"

# --- stage1 killed with SIGKILL: the namespace stays pinned until gc leaves the networks.
start killed "$BB" --exec /bin/sleep -- 600
k_uuid=$uuid k_pid=$pid
# stage1's /init: the parent of the pod's PID 1 (the pid file).
k_init=$(ps -o ppid= -p "$(cat "$D/pods/run/$k_uuid/pid")" | tr -d ' ')
kill -KILL "$k_init"
eventually 20 dead "$k_pid"
wait "$k_pid" 2>/dev/null
[ -e "/run/netns/rkt-$k_uuid" ] && ok || bad "killed: the pin went with stage1 (DEL could not find the interface)"
grep -rqs "$k_uuid" /var/lib/cni/networks && ok || bad "killed: the lease went without DEL"
check killed-gc 0 rkt gc --grace-period=0s
no_leftovers killed-gc "$k_uuid"

# --- 300 pods in a row on the default /24 (253 addresses): every one gets one, and each one's
# lease and pin are gone when its `rkt run` returns.
got=0 pins_left=0
for i in $(seq 300); do
  if rkt run --uuid-file-save="$T/lease.uuid" --net=default "$BB" --exec /bin/true >/dev/null 2>"$T/lease.err"; then
    got=$((got + 1))
  else
    bad "lease pod $i failed: $(head -2 "$T/lease.err")"
    break
  fi
  cat "$T/lease.uuid" >>"$T/lease.uuids"
  [ -e "/run/netns/rkt-$(cat "$T/lease.uuid")" ] && pins_left=$((pins_left + 1))
done
equals leases-300 "$got" 300
equals leases-pins-left "$pins_left" 0
# Leases held by other suites' pods running meanwhile are theirs: only these 300 pods count.
equals leases-released "$(grep -rlsF -f "$T/lease.uuids" /var/lib/cni/networks/default | wc -l)" 0
check gc-after-leases 0 rkt gc --grace-period=0s

finish net_test.sh
