#!/usr/bin/env bash
# Builds the signed example image from Debian's busybox-static: OUT_DIR/busybox.aci, its
# detached signature busybox.aci.asc, and the public key demo-pubkey.asc that signed it.
#
# The signing key is generated here, into OUT_DIR/gnupg, on the first build and reused after:
# a demo key that lives only in the build tree is safer than a private key committed to git.
set -euo pipefail

out=$1
version=${2:-1.35.0}
busybox=${BUSYBOX:-/bin/busybox}
name=rocket.example/busybox

[ -x "$busybox" ] || { echo "make-busybox-aci: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The rootfs: busybox and the applets a shell user expects, plus the files an app's user and
# group are resolved in.
mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp"
cp "$busybox" "$work/rootfs/bin/busybox"
for applet in sh echo cat ls sleep true false id env hostname ps mount uname; do
  ln -s busybox "$work/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$work/rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$work/rootfs/etc/group"
chmod 1777 "$work/rootfs/tmp"

arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
case "$arch" in
  i386) ;; amd64) ;; arm64) arch=aarch64 ;; armhf) arch=armv7l ;; *) ;;
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
    "exec": ["/bin/sh", "-c", "echo Hello from \$AC_APP_NAME in a Rocket pod"],
    "user": "0",
    "group": "0"
  },
  "annotations": [
    {"name": "homepage", "value": "https://packages.debian.org/bookworm/busybox-static"}
  ]
}
JSON

# Fixed owner and mtimes, so the same busybox always gives the same image ID.
tar --create --file "$work/image.tar" --directory "$work" --owner=0 --group=0 --numeric-owner \
  --mtime=@0 --sort=name manifest rootfs
gzip -n -9 < "$work/image.tar" > "$out/busybox.aci.tmp"
mv "$out/busybox.aci.tmp" "$out/busybox.aci"

export GNUPGHOME="$out/gnupg"
if [ ! -f "$GNUPGHOME/.demo-key" ]; then
  rm -rf "$GNUPGHOME"
  mkdir -m 700 -p "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-generate-key \
    'Rocket demo signing key (build tree only) <demo@rocket.example>' ed25519 sign never
  touch "$GNUPGHOME/.demo-key"
fi
gpg --batch --quiet --yes --armor --export > "$out/demo-pubkey.asc"
gpg --batch --quiet --yes --armor --detach-sign --output "$out/busybox.aci.asc" "$out/busybox.aci"
gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
