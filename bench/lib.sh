# shellcheck shell=bash
# bench/lib.sh: helpers shared by bench/start.sh and bench/pod-memory.sh. Sourced, not run.
#
# Everything here writes only below the scratch dir the caller made with bench_scratch, and
# creates cgroups only through the runners it starts.

# bench_die MSG...: one line on stderr, exit 1.
bench_die() {
  echo "${BENCH_NAME:-bench}: $*" >&2
  exit 1
}

# bench_scratch: makes /tmp/bench-<name>.XXXXXX and prints it. It must be on disk: the image store
# and the pods' overlay upper dirs would otherwise live in RAM and hide write costs.
bench_scratch() {
  local d
  d=$(mktemp -d "/tmp/bench-${BENCH_NAME:-bench}.XXXXXX")
  if [ "$(stat -fc %T "$d")" = tmpfs ]; then
    rmdir "$d"
    bench_die "/tmp is a tmpfs here; the scratch dir must be on disk"
  fi
  echo "$d"
}

# bench_need_pkg CMD PACKAGE: true if CMD exists, installing PACKAGE with apt-get first if not.
# A failed install is reported on stderr and returns 1, so the caller can skip that peer.
bench_need_pkg() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  echo "${BENCH_NAME:-bench}: $cmd is missing, installing $pkg" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null 2>&1; then
    echo "${BENCH_NAME:-bench}: apt-get install $pkg failed" >&2
    return 1
  fi
  command -v "$cmd" >/dev/null 2>&1
}

# bench_machine: a few lines describing the machine, as markdown list items.
bench_machine() {
  local cg=v1
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    cg="v2 only"
  elif [ -d /sys/fs/cgroup/unified ]; then
    cg="v1 hybrid (v2 at /sys/fs/cgroup/unified lists: $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || true))"
  fi
  echo "- date: $(date -u +%FT%TZ)"
  echo "- kernel: $(uname -r) ($(uname -m)); nproc: $(nproc); cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "- memory: $(awk '/^MemTotal:/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- cgroups: $cg"
  echo "- scratch: $(df -T "${1:-/tmp}" | awk 'NR == 2 {print $2 " on " $1}')"
}

# bench_version CMD...: the first line of CMD's version output, or "?".
bench_version() {
  local v
  v=$("$@" 2>&1 | head -1) || true
  echo "${v:-?}"
}

# bench_rootfs DIR: a busybox-static rootfs: /bin/busybox plus its applet links, the empty
# mount points a container runner expects, /etc/passwd and /etc/group, and /usr/lib/os-release
# (systemd-nspawn refuses a tree without /usr).
bench_rootfs() {
  local r=$1 bb
  bb=$(command -v busybox) || bench_die "busybox is missing (apt-get install busybox-static)"
  file -L "$bb" 2>/dev/null | grep -q 'statically linked' \
    || ldd "$bb" 2>&1 | grep -q 'not a dynamic executable' \
    || bench_die "$bb is not static (apt-get install busybox-static)"
  mkdir -p "$r"/{bin,proc,sys,dev,tmp,etc,root,run,var,usr/lib}
  cp "$bb" "$r/bin/busybox"
  local applet
  for applet in $("$r/bin/busybox" --list); do
    [ -e "$r/bin/$applet" ] || ln -s busybox "$r/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  printf 'ID=busybox\nNAME=busybox-bench\n' >"$r/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$r/etc/os-release"
  chmod 1777 "$r/tmp"
}

# bench_aci ROOTFS OUT NAME EXEC_JSON: an uncompressed ACI at OUT whose rootfs is exactly the
# tree ROOTFS and whose app runs EXEC_JSON (a JSON array) as root.
bench_aci() {
  local rootfs=$1 out=$2 name=$3 exec_json=$4 arch
  local d
  d=$(mktemp -d "$(dirname "$out")/aci.XXXXXX")
  case $(uname -m) in
    x86_64) arch=amd64 ;; aarch64) arch=aarch64 ;; *) arch=$(uname -m) ;;
  esac
  cat >"$d/manifest" <<JSON
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"$name",
 "labels":[{"name":"version","value":"1"},{"name":"os","value":"linux"},{"name":"arch","value":"$arch"}],
 "app":{"exec":$exec_json,"user":"0","group":"0"}}
JSON
  local base
  base=$(basename "$rootfs")
  tar --create --file "$out" --numeric-owner --owner=0 --group=0 --sort=name \
    -C "$d" manifest -C "$(dirname "$rootfs")" --transform "s,^$base,rootfs," "$base"
  rm -rf "$d"
}

# bench_gpg_key GNUPGHOME PUBKEY_OUT: a throwaway signing key; its public half armored to PUBKEY_OUT.
bench_gpg_key() {
  mkdir -p "$1"
  chmod 700 "$1"
  GNUPGHOME=$1 gpg --batch --quiet --passphrase '' --quick-generate-key \
    'Rocket bench throwaway key <bench@rocket.example>' ed25519 sign never
  GNUPGHOME=$1 gpg --batch --quiet --yes --armor --export >"$2"
}

# bench_sign GNUPGHOME FILE: FILE.asc, an armored detached signature.
bench_sign() {
  GNUPGHOME=$1 gpg --batch --quiet --yes --armor --detach-sign --output "$2.asc" "$2"
}

# bench_gpg_stop GNUPGHOME: stops the agent gpg started for that home, if any.
bench_gpg_stop() {
  gpgconf --homedir "$1" --kill all >/dev/null 2>&1 || true
}

# bench_rkt_import RKT DATA CONF GNUPGHOME PUBKEY ACI: trusts PUBKEY as a root key in CONF, then
# fetches the signed ACI into DATA once. Prints the image ID.
bench_rkt_import() {
  local rkt=$1 data=$2 conf=$3 home=$4 pub=$5 aci=$6
  bench_sign "$home" "$aci"
  "$rkt" --dir="$data" --local-config="$conf" trust --root --skip-fingerprint-review "$pub" >/dev/null
  "$rkt" --dir="$data" --local-config="$conf" fetch --full "$aci"
}

# bench_median_ms HYPERFINE_JSON...: for each file, "median_ms min_ms max_ms runs cpu_ms" of its
# first result; cpu_ms is the mean user + system time of the processes hyperfine waited for (less
# moved by other load on the machine than wall time).
bench_median_ms() {
  python3 - "$@" <<'EOF'
import json, statistics, sys
for path in sys.argv[1:]:
    r = json.load(open(path))["results"][0]
    t = r["times"]
    cpu = (r.get("user", 0) + r.get("system", 0)) * 1000
    print(f"{statistics.median(t) * 1000:.2f} {min(t) * 1000:.2f} {max(t) * 1000:.2f} {len(t)} {cpu:.2f}")
EOF
}

# bench_pss_kib PID: Pss of PID in KiB from /proc/PID/smaps_rollup (0 if it is gone).
bench_pss_kib() {
  awk '/^Pss:/ {print $2; found = 1} END {if (!found) print 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0
}

# bench_descendants PID: PID and all its descendants, one per line (from /proc, no ps).
bench_descendants() {
  local stack=("$1") p t c kids
  while [ ${#stack[@]} -gt 0 ]; do
    p=${stack[-1]}
    unset 'stack[-1]'
    echo "$p"
    for t in /proc/"$p"/task/*/children; do
      kids=
      read -r kids 2>/dev/null <"$t" || true
      for c in $kids; do stack+=("$c"); done
    done
  done
}

# bench_pod_uuids DATA_DIR: the UUIDs of the pods in DATA_DIR/pods/run (running or exited).
bench_pod_uuids() {
  local d
  for d in "$1"/pods/run/*/; do
    [ -d "$d" ] && basename "$d"
  done
  return 0
}

# bench_comm PID: the process name, or empty if it is gone.
bench_comm() {
  local c=
  read -r c 2>/dev/null <"/proc/$1/comm" || true
  echo "$c"
}
