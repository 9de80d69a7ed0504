#!/usr/bin/env bash
# Builds the stage1 ACI (Documentation/devel/stage1-interface.md):
#   make-stage1-aci.sh OUT.aci VERSION ARCH INIT STOP GC ENTER STAGE2
# The tar is deterministic (sorted names, mtime 0, owner 0:0), so the same binaries always give
# the same image ID.
set -euo pipefail

out=$1 version=$2 arch=$3 init=$4 stop=$5 gc=$6 enter=$7 stage2=$8
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

root=$work/rootfs
mkdir -p "$root/rkt/status" "$root/rkt/oom-killed" "$root/opt/stage2"
install -s -m 0755 "$init" "$root/init"
install -s -m 0755 "$stop" "$root/stop"
install -s -m 0755 "$gc" "$root/gc"
install -s -m 0755 "$enter" "$root/enter"
install -s -m 0755 "$stage2" "$root/stage2"
chmod 0755 "$root" "$root/rkt" "$root/rkt/status" "$root/rkt/oom-killed" "$root/opt" "$root/opt/stage2"

cat > "$work/manifest" <<JSON
{
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "coreos.com/rkt/stage1-rocket",
  "labels": [
    {"name": "version", "value": "$version"},
    {"name": "os", "value": "linux"},
    {"name": "arch", "value": "$arch"}
  ],
  "annotations": [
    {"name": "coreos.com/rkt/stage1/run", "value": "/init"},
    {"name": "coreos.com/rkt/stage1/stop", "value": "/stop"},
    {"name": "coreos.com/rkt/stage1/gc", "value": "/gc"},
    {"name": "coreos.com/rkt/stage1/enter", "value": "/enter"},
    {"name": "coreos.com/rkt/stage1/interface-version", "value": "5"}
  ]
}
JSON
chmod 0644 "$work/manifest"

tar --create --file "$work/stage1.tar" --directory "$work" --owner=0 --group=0 --numeric-owner \
  --mtime=@0 --sort=name --format=gnu manifest rootfs
gzip -n -6 < "$work/stage1.tar" > "$out.tmp"
mv "$out.tmp" "$out"
