#!/usr/bin/env bash
# rkt fetch, rkt trust and rkt image end to end, as a user runs them: signed and unsigned
# images, wrong keys, hostile archives, concurrent fetches and fetches killed part-way.
# Usage: image_test.sh RKT DEMO_DIR (DEMO_DIR holds busybox.aci, .asc and demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
rkt() { "$RKT" --dir="$T/data" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
check() {  # check NAME EXPECTED_RC CMD...: runs CMD, compares the exit code
  local name=$1 want=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" = "$want" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: exit $rc, wanted $want"
    sed 's/^/  | /' "$T/err" | head -5
  fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else
    fail=$((fail + 1))
    echo "FAIL $1: $2 lacks \"$3\""
    sed 's/^/  | /' "$2" | head -5
  fi
}
blobs() { find "$T/data/cas/blob" -type f 2>/dev/null | wc -l; }
trees() { find "$T/data/cas/tree" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
export GNUPGHOME="$T/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-generate-key 'Other <other@example.com>' ed25519 sign never
gpg --batch --quiet --armor --export > "$T/other.asc"
cp "$DEMO/busybox.aci" "$DEMO/busybox.aci.asc" "$T/"

# No key trusted yet: refused, nothing stored.
check untrusted 254 rkt fetch "$T/busybox.aci"
contains untrusted-message "$T/err" 'rkt trust --prefix "rocket.example/busybox"'
[ "$(blobs)" = 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL untrusted left a blob"; }

# A key trusted for a sibling prefix must not verify (rkt's string-prefix bug).
check trust-sibling 0 rkt trust --prefix rocket.example/busy --skip-fingerprint-review "$DEMO/demo-pubkey.asc"
check sibling-prefix 254 rkt fetch "$T/busybox.aci"
rm -rf "$T/etc"

# Signed by a key that is trusted, but for the wrong image: refused.
check trust-other 0 rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$T/other.asc"
check wrong-key 254 rkt --debug fetch "$T/busybox.aci"
contains wrong-key-message "$T/err" "verifying"
# The check started during the import found that key, which is not trusted for the name: it
# left the verdict to the usual check, and nothing was stored.
contains wrong-key-early "$T/err" "did not settle the signature"
[ "$(blobs)" = 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL wrong-key left a blob"; }
rm -rf "$T/etc"

# An import that fails while the signature check runs beside it: the check's thread and its
# temporary GnuPG home are gone when rkt exits, and nothing is stored.
check trust-other-root 0 rkt trust --root --skip-fingerprint-review "$T/other.asc"
head -c 300000 /dev/urandom > "$T/garbage.aci"
gpg --batch --quiet --armor --detach-sign --output "$T/garbage.aci.asc" "$T/garbage.aci"
mkdir "$T/gpgtmp"
check import-fails 254 env TMPDIR="$T/gpgtmp" "$RKT" --dir="$T/data" --local-config="$T/etc" \
  --system-config="$T/sys" fetch "$T/garbage.aci"
contains import-fails-message "$T/err" "not an ACI"
[ -z "$(ls -A "$T/gpgtmp")" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL import-fails left $(ls "$T/gpgtmp")"; }
[ "$(blobs)" = 0 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL import-fails left a blob"; }
rm -rf "$T/etc"

check trust 0 rkt trust --prefix rocket.example/busybox --skip-fingerprint-review "$DEMO/demo-pubkey.asc"
contains trust-output "$T/out" 'Added key for prefix "rocket.example/busybox"'
check fetch 0 rkt --debug fetch --full "$T/busybox.aci"
# Settled by the check that ran during the import: gpg ran once.
grep -qF "did not settle the signature" "$T/err" && { fail=$((fail + 1)); echo "FAIL fetch checked twice"; } || pass=$((pass + 1))
id=$(tail -1 "$T/out")
[ "${#id}" = 135 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL full id: $id"; }
expected="sha512-$(gzip -dc "$T/busybox.aci" | sha512sum | cut -d' ' -f1)"
[ "$id" = "$expected" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL id $id != $expected"; }

# A repeat fetch of the unchanged file reuses the stored image, but checks its signature again
# against the trust store as it is now; a file changed since is read again.
sleep 1.1  # a file changed within the last second is not remembered (file times are coarse)
check refetch-first 0 rkt fetch "$T/busybox.aci"
check refetch-same 0 rkt --debug fetch --full "$T/busybox.aci"
[ "$(cat "$T/out")" = "$id" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL refetch id"; }
contains refetch-reused "$T/err" "is unchanged since its import"
contains refetch-verified "$T/err" "signature verified"
mv "$T/etc" "$T/etc.saved"
check refetch-untrusted 254 rkt fetch "$T/busybox.aci"
mv "$T/etc.saved" "$T/etc"
touch "$T/busybox.aci"
check refetch-changed 0 rkt --debug fetch "$T/busybox.aci"
grep -qF "is unchanged since its import" "$T/err" && { fail=$((fail + 1)); echo "FAIL refetch-changed reused"; } || pass=$((pass + 1))

# A file that changes while it is fetched is refused, and nothing is stored: gpg and the import
# each read the file, so they must have read the same one. The signature comes from a FIFO, and
# the writer opens it only once rkt has (after opening and inspecting the image), so the image
# is touched exactly between rkt's first look at it and its reads.
mkfifo "$T/sig.fifo"
sig_after() {  # sig_after CMD...: runs CMD once rkt waits on the FIFO, then hands it the signature
  timeout 30 bash -c '{ "${@:2}"; cat "$1"; } >"$0"' "$T/sig.fifo" "$T/busybox.aci.asc" "$@" &
}
sig_after true
check fifo-signature 0 rkt fetch --signature "$T/sig.fifo" "$T/busybox.aci"
wait
cp "$T/busybox.aci" "$T/racy.aci"
sig_after touch "$T/racy.aci"
check changed-while-fetched 254 "$RKT" --dir="$T/racy-data" --local-config="$T/etc" \
  --system-config="$T/sys" fetch --signature "$T/sig.fifo" "$T/racy.aci"
wait
contains changed-while-fetched-message "$T/err" "racy.aci changed while it was being fetched"
[ "$(find "$T/racy-data/cas/blob" -type f; find "$T/racy-data/cas/tree" -mindepth 1 -maxdepth 1)" = "" ] &&
  pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL changed-while-fetched: something was stored"; }
# The same for an image already in the store (only its signature is checked again).
sig_after touch "$T/busybox.aci"
check changed-while-refetched 254 rkt fetch --signature "$T/sig.fifo" "$T/busybox.aci"
wait
contains changed-while-refetched-message "$T/err" "busybox.aci changed while it was being fetched"

# A signature over another file.
echo other > "$T/other-file"
gpg --batch --quiet --armor --detach-sign --output "$T/other-file.asc" "$T/other-file"
check other-signature 254 rkt fetch --signature "$T/other-file.asc" "$T/busybox.aci"
# No signature at all: refused unless --insecure-options=image.
cp "$T/busybox.aci" "$T/nosig.aci"
check no-signature 254 rkt fetch "$T/nosig.aci"
contains no-signature-message "$T/err" "no signature found"
check insecure-image 0 rkt --insecure-options=image fetch "$T/nosig.aci"
contains insecure-warning "$T/err" "signature verification has been disabled"

# Uncompressed: same ID, signed over the file as distributed.
gzip -dc "$T/busybox.aci" > "$T/plain.aci"
gpg --batch --quiet --armor --detach-sign --output "$T/plain.aci.asc" "$T/plain.aci"
check uncompressed-other-key 254 rkt fetch "$T/plain.aci"

# The image commands.
check list 0 rkt image list
contains list-name "$T/out" "rocket.example/busybox:1.35.0"
check list-json 0 rkt image list --format=json
contains list-json-id "$T/out" "\"id\":\"$id\""
contains list-json-fields "$T/out" '"import_time":'
check cat-manifest 0 rkt image cat-manifest --pretty-print "$id"
contains cat-manifest-name "$T/out" '"name": "rocket.example/busybox"'
check export 0 rkt image export "$id" "$T/exported.aci"
[ "sha512-$(sha512sum < "$T/exported.aci" | cut -d' ' -f1)" = "$id" ] && pass=$((pass + 1)) || {
  fail=$((fail + 1)); echo "FAIL export hash"; }
check export-exists 254 rkt image export "$id" "$T/exported.aci"
check extract 0 rkt image extract --rootfs-only "$id" "$T/extracted"
[ -x "$T/extracted/bin/busybox" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL extract"; }
check render 0 rkt image render "$id" "$T/rendered"
[ -f "$T/rendered/manifest" ] && [ -L "$T/rendered/rootfs/bin/sh" ] && pass=$((pass + 1)) || {
  fail=$((fail + 1)); echo "FAIL render"; }
check verify 0 rkt image verify "$id"
tree=$(find "$T/data/cas/tree" -mindepth 1 -maxdepth 1 -name 'deps-*' | head -1)
echo tampered >> "$tree/rootfs/etc/passwd"
check verify-tampered 254 rkt image verify "$id"
contains verify-message "$T/err" "modified after it was rendered"

# Hostile archives: each refused with the entry named, the store unchanged.
before_blobs=$(blobs)
before_trees=$(trees)
mkdir -p "$T/h/rootfs"
cat > "$T/h/manifest" <<'JSON'
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"rocket.example/busybox"}
JSON
python3 - "$T" <<'PY'
import io, sys, tarfile
t = sys.argv[1]
def aci(name, entries):
    with tarfile.open(f"{t}/{name}.aci", "w") as tar:
        m = open(f"{t}/h/manifest", "rb").read()
        i = tarfile.TarInfo("manifest"); i.size = len(m); tar.addfile(i, io.BytesIO(m))
        d = tarfile.TarInfo("rootfs"); d.type = tarfile.DIRTYPE; tar.addfile(d)
        for e in entries:
            tar.addfile(e[0], io.BytesIO(e[1]) if len(e) > 1 else None)
def reg(path, data=b"x"):
    i = tarfile.TarInfo(path); i.size = len(data); return (i, data)
def link(path, target, kind):
    i = tarfile.TarInfo(path); i.type = kind; i.linkname = target; return (i,)
aci("dotdot", [reg("rootfs/../../escape")])
aci("absolute", [reg("/etc/evil")])
aci("symlink-escape", [link("rootfs/evil", "/tmp", tarfile.SYMTYPE), reg("rootfs/evil/pwned")])
aci("hardlink-escape", [link("rootfs/passwd", "/etc/passwd", tarfile.LNKTYPE)])
aci("duplicate", [reg("rootfs/a"), reg("rootfs/a")])
PY
for h in dotdot absolute symlink-escape hardlink-escape duplicate; do
  check "hostile-$h" 254 rkt --insecure-options=image fetch "$T/$h.aci"
done
head -c 100000 "$T/busybox.aci" > "$T/truncated.aci"
check hostile-truncated 254 rkt --insecure-options=image fetch "$T/truncated.aci"
[ "$(blobs)" = "$before_blobs" ] && [ "$(trees)" = "$before_trees" ] && pass=$((pass + 1)) || {
  fail=$((fail + 1)); echo "FAIL hostile archives changed the store"; }
[ ! -e /tmp/pwned ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL /tmp/pwned exists"; }

# rm, then two fetches at once: both succeed, one copy.
check rm 0 rkt image rm "$id"
check rm-again 254 rkt image rm "$id"
rkt fetch "$T/busybox.aci" >"$T/a" 2>&1 &
p1=$!
rkt fetch "$T/busybox.aci" >"$T/b" 2>&1 &
p2=$!
wait $p1 && wait $p2 && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL concurrent fetch"; cat "$T/a" "$T/b"; }
[ "$(blobs)" = 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL concurrent fetch left $(blobs) blobs"; }

# Fetches killed with SIGKILL at several points: the store stays readable and a fetch succeeds.
rkt image rm "$id" >/dev/null 2>&1
for delay in 0.005 0.01 0.02 0.04 0.08 0.15; do
  rkt fetch "$T/busybox.aci" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check "list-after-kill-$delay" 0 rkt image list --no-legend
  n=$(wc -l < "$T/out")
  [ "$n" -le 1 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL $n images listed"; }
done
check gc 0 rkt image gc --grace-period=0s
check refetch 0 rkt fetch "$T/busybox.aci"

gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
