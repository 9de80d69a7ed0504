#!/usr/bin/env bash
# bench/fetch.sh: `rkt fetch` of a large signed ACI against the same work done by separate
# tools, in one run, for the image as a plain tar and gzip-compressed.
#
#   bench/fetch.sh [RKT]        RKT defaults to build/stage0/rkt
#
# For each file it measures, with hyperfine, the median of RUNS runs of:
#   (a) rkt fetch into a fresh data dir (import, verify, render), the key trusted as a root key;
#   (b) sha512sum, gpgv and tar -x into a fresh dir, each on the same file, and their sum;
#   (c) rkt fetch of the image again, now that it is in the store;
# and (d) the peak RSS of (a), with /usr/bin/time -v. It prints the medians and the ratios
# a/b (target <= 1.0) and c/b (target <= 0.5), and peak RSS (target < 32 MiB).
#
# The image is a debootstrap --variant=minbase bookworm tree with python3 and gcc (about 1.5
# minutes and 300 MB; needs the Debian mirror), or the tree named by ROOTFS. The page cache is
# warm: these are CPU and write costs, not cold-disk ones. rkt fsyncs what it stores and the
# tools do not; every run starts after a sync so that neither pays for the other's writeback.
#
# Env: WORK (scratch, on disk; default /tmp/bench-fetch), ROOTFS, RUNS (default 5),
#      MIRROR (default http://deb.debian.org/debian), KEEP=1 keeps the scratch dir.
# Needs: hyperfine, gpg, gpgv, /usr/bin/time (package time), python3, debootstrap (no ROOTFS).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RKT=$(realpath "${1:-$HERE/../build/stage0/rkt}")
RUNS=${RUNS:-5}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
mkdir -p "${WORK:=/tmp/bench-fetch}"

for tool in hyperfine gpg gpgv /usr/bin/time python3 sha512sum tar gzip; do
  command -v "$tool" >/dev/null || { echo "fetch.sh: $tool is missing" >&2; exit 1; }
done
[ -x "$RKT" ] || { echo "fetch.sh: no rkt at $RKT (build it, or pass its path)" >&2; exit 1; }

W=$(mktemp -d -p "$WORK" fetch.XXXXXX)
cleanup() {
  gpgconf --homedir "$W/gnupg" --kill all >/dev/null 2>&1 || true
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# The image.
if [ -z "${ROOTFS:-}" ]; then
  command -v debootstrap >/dev/null || { echo "fetch.sh: debootstrap is missing" >&2; exit 1; }
  echo "debootstrap minbase bookworm (+python3, gcc) into $W/rootfs ..."
  debootstrap --variant=minbase --include=python3,gcc bookworm "$W/rootfs" "$MIRROR" \
    >"$W/debootstrap.log" 2>&1 || { tail "$W/debootstrap.log"; exit 1; }
  rm -rf "$W"/rootfs/var/cache/apt/archives/*.deb "$W"/rootfs/var/lib/apt/lists/*
  ROOTFS=$W/rootfs
fi
ROOTFS=$(realpath "$ROOTFS")
mkdir -p "$W/aci"
cat > "$W/aci/manifest" <<'JSON'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/bench",
 "labels":[{"name":"version","value":"1"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}],
 "app":{"exec":["/bin/true"],"user":"0","group":"0"}}
JSON
base=$(basename "$ROOTFS")
tar --numeric-owner -cf "$W/bench.aci" -C "$W/aci" manifest \
  -C "$(dirname "$ROOTFS")" --transform "s,^$base,rootfs," "$base"
gzip -6 -c "$W/bench.aci" > "$W/bench.aci.gz"

# A throwaway key; rkt trusts it as a root key in its own config dir, gpgv reads it as a keyring.
export GNUPGHOME=$W/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-generate-key 'Bench <bench@example.com>' ed25519 sign never
gpg --batch --armor --export > "$W/pub.asc"
gpg --batch --export > "$W/keyring.gpg"
for f in bench.aci bench.aci.gz; do
  gpg --batch --yes --quiet --armor --detach-sign --output "$W/$f.asc" "$W/$f"
done
rkt() { "$RKT" --dir="$W/data" --local-config="$W/etc" --system-config="$W/sys" "$@"; }
rkt trust --root --skip-fingerprint-review "$W/pub.asc" >"$W/trust.log" 2>&1

median() {  # median NAME PREPARE COMMAND: prints hyperfine's median in seconds
  local name=$1 prepare=$2 cmd=$3
  hyperfine --style none --runs "$RUNS" --prepare "$prepare" --export-json "$W/$name.json" \
    "$cmd" >/dev/null
  python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' \
    "$W/$name.json"
}
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

R="$RKT --dir=$W/data --local-config=$W/etc --system-config=$W/sys"
fresh_data="rm -rf $W/data; sync"
fresh_x="rm -rf $W/x; mkdir $W/x; sync"
echo
echo "rkt: $RKT; $RUNS runs each; $(date -u +%FT%TZ); $(nproc) CPUs; fs $(stat -fc %T "$W")"
echo "rootfs: $ROOTFS, $(du -sh "$ROOTFS" | cut -f1), $(find "$ROOTFS" | wc -l) entries"
for f in bench.aci bench.aci.gz; do
  F=$W/$f
  a=$(median "$f-fetch" "$fresh_data" "$R fetch $F")
  sha=$(median "$f-sha512sum" "sync" "sha512sum $F")
  gpgv=$(median "$f-gpgv" "sync" "gpgv --keyring $W/keyring.gpg $F.asc $F")
  untar=$(median "$f-tar" "$fresh_x" "tar -xf $F -C $W/x")
  b=$(python3 -c 'import sys; print("%.3f" % sum(map(float, sys.argv[1:])))' "$sha" "$gpgv" "$untar")
  rm -rf "$W/data" && rkt fetch "$F" >/dev/null 2>&1
  c=$(median "$f-refetch" "sync" "$R fetch $F")
  rm -rf "$W/data" && sync
  /usr/bin/time -v -o "$W/time.txt" $R fetch "$F" >/dev/null 2>&1
  rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$W/time.txt")
  rm -rf "$W/data" "$W/x"
  echo
  echo "$f: $(( $(stat -c %s "$F") / 1048576 )) MiB"
  printf '  %-44s %8s s\n' "(a) rkt fetch, fresh store" "$a" \
    "(b) sha512sum" "$sha" "    gpgv" "$gpgv" "    tar -x into a fresh dir" "$untar" \
    "    sum of the three" "$b" "(c) rkt fetch, image already stored" "$c"
  printf '  %-44s %8s\n' "a / b (target <= 1.0)" "$(ratio "$a" "$b")" \
    "c / b (target <= 0.5)" "$(ratio "$c" "$b")"
  printf '  %-44s %8s MiB\n' "(d) peak RSS of rkt fetch (target < 32)" \
    "$(python3 -c 'import sys; print("%.1f" % (int(sys.argv[1]) / 1024))' "$rss_kib")"
done
