#!/usr/bin/env bash
# Builds the probe test image: OUT (an unsigned ACI) with the static probe at /probe, Debian's
# busybox-static at /bin/busybox with a few applets, an /etc/passwd and /etc/group with a user
# "user" (1000:1000) and a group "wheel" (10), and /home/owned owned by 1234:5678 (for the
# "user is a path" rule). The app runs "/probe report".
# Usage: make-probe-aci.sh PROBE OUT [NAME [VERSION]]   (default example.com/probe, version 1)
# With SIGN_GNUPGHOME set (the demo key's home from make-busybox-aci.sh), OUT.asc is written too.
set -euo pipefail

probe=$1
out=$2
name=${3:-example.com/probe}
version=${4:-1}
busybox=${BUSYBOX:-/bin/busybox}

[ -x "$probe" ] || { echo "make-probe-aci: $probe not found" >&2; exit 1; }
[ -x "$busybox" ] || { echo "make-probe-aci: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

r=$work/rootfs
mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/home/user"
cp "$probe" "$r/probe"
cp "$busybox" "$r/bin/busybox"
for applet in sh true sleep cat ls; do ln -s busybox "$r/bin/$applet"; done
cat > "$r/etc/passwd" <<'EOF_PASSWD'
root:x:0:0:root:/:/bin/sh
user:x:1000:1000:probe user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
EOF_PASSWD
cat > "$r/etc/group" <<'EOF_GROUP'
root:x:0:
wheel:x:10:user
user:x:1000:
nogroup:x:65534:
EOF_GROUP
echo "owned by 1234:5678" > "$r/home/owned"
printf '#!/bin/sh\necho not executable\n' > "$r/not-executable"
chmod 0644 "$r/not-executable" "$r/home/owned"
chmod 0755 "$r/probe"
chmod 1777 "$r/tmp"

arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
case "$arch" in
  arm64) arch=aarch64 ;; armhf) arch=armv7l ;; *) ;;
esac
cat > "$work/manifest" <<JSON
{
  "acKind": "ImageManifest",
  "acVersion": "0.8.11",
  "name": "$name",
  "labels": [
    {"name": "version", "value": "$version"},
    {"name": "os", "value": "linux"},
    {"name": "arch", "value": "$arch"}
  ],
  "app": {
    "exec": ["/probe", "report"],
    "user": "0",
    "group": "0"
  }
}
JSON

# Everything root-owned with fixed mtimes (a reproducible image ID), then /home/owned appended
# with its own numeric owner: no chown needed, so the build does not have to run as root.
common=(--owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name)
tar --create --file "$work/image.tar" --directory "$work" "${common[@]}" \
  --exclude=rootfs/home/owned manifest rootfs
tar --append --file "$work/image.tar" --directory "$work" --numeric-owner --mtime=@0 \
  --owner=1234 --group=5678 rootfs/home/owned
gzip -n -9 < "$work/image.tar" > "$out.tmp"
mv "$out.tmp" "$out"
if [ -n "${SIGN_GNUPGHOME:-}" ]; then
  GNUPGHOME=$SIGN_GNUPGHOME gpg --batch --quiet --yes --armor --detach-sign --output "$out.asc" "$out"
  gpgconf --homedir "$SIGN_GNUPGHOME" --kill all >/dev/null 2>&1 || true
fi
