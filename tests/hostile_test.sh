#!/usr/bin/env bash
# Hostile images and manifests (issue 5's hardening suite): a corpus built here
# (tests/hostile_corpus.py: traversal, symlink and hard-link escapes, device nodes, truncated and
# corrupt archives of each compression, a decompression bomb, huge and malformed manifests, bad
# names, labels, isolators, environments and mount points), the same kinds of bad values given as
# `rkt run`/`prepare` flags and in `--pod-manifest` files. Each must be refused by the first
# command that reads it with a one-line error naming the bad thing, exit 254, and leave the
# store, the trust store and the pods exactly as they were (a `find` of the data and config dirs
# and the output of `rkt image list` and `rkt list`, before and after).
# Needs root (pods are prepared), python3, GNU tar (sparse files).
# Usage: hostile_test.sh RKT DEMO_DIR PROBE_ACI (DEMO_DIR holds demo-pubkey.asc).
set -uo pipefail
RKT=$1
DEMO=$2
PROBE=$3
HERE=$(dirname "$0")
T=$(mktemp -d)
# shellcheck source=tests/lib.sh
. "$HERE/lib.sh"
D=$T/data
rkt() { "$RKT" --dir="$D" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
cleanup() {
  rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
  grep -F " $T/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}
trap cleanup EXIT
if [ "$(id -u)" != 0 ]; then echo "hostile_test.sh needs root"; exit 1; fi

# What must not change: every path under the data dir and the config dirs, with its type and,
# for files, its size, plus what the listing commands show. The store's index is a database
# file whose pages may be rewritten in place, so only its existence is compared.
snapshot() {
  find "$D" "$T/etc" "$T/sys" -printf '%y %P %s\n' 2>/dev/null |
    sed -E 's/^(f [^ ]*\.(db|sqlite)[^ ]*) [0-9]+$/\1/' | sort
  rkt image list --no-legend --full 2>&1
  rkt list --no-legend --full 2>&1
}
tried=0
# refused NAME TEXT CMD...: CMD exits 254, its error is one line (a warning that the caller
# disabled signature checks aside) containing TEXT, and nothing changed on disk.
refused() {
  local name=$1 text=$2
  shift 2
  tried=$((tried + 1))
  local before
  before=$(snapshot)
  check "$name" 254 "$@"
  # Progress lines (the image being searched for, a verified signature and its key) are not
  # errors; neither is the warning that the caller disabled signature checks.
  grep -av -e 'signature verification has been disabled' -e '^rkt: image: ' -e '^  ' \
    "$T/err" >"$T/err1"
  local lines
  lines=$(wc -l <"$T/err1")
  if [ "$lines" = 1 ]; then ok; else
    bad "$name: $lines error lines, wanted 1"
    sed 's/^/  | /' "$T/err1" | head -6
  fi
  [ -n "$text" ] && contains "$name names $text" "$T/err1" "$text"
  local after
  after=$(snapshot)
  if [ "$before" = "$after" ]; then ok; else
    bad "$name changed the store or pods:"
    diff <(echo "$before") <(echo "$after") | head -8 | sed 's/^/  | /'
  fi
}

cp "$PROBE" "$PROBE.asc" "$T/"
rkt trust --prefix example.com/probe --skip-fingerprint-review "$DEMO/demo-pubkey.asc" >/dev/null 2>&1
if ! rkt fetch "$T/probe.aci" >/dev/null 2>"$T/err"; then
  echo "cannot fetch the probe image:"; cat "$T/err"; exit 1
fi
# The first pod imports the stage1 image into the store: done once here, so that the snapshots
# below compare only what the hostile inputs did.
rkt prepare --quiet example.com/probe >/dev/null 2>&1 || { echo "FAIL: preparing a good pod"; exit 1; }
rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1
mkdir "$T/corpus"
python3 "$HERE/hostile_corpus.py" "$T/corpus" >/dev/null || { echo "FAIL: building the corpus"; exit 1; }
C=$T/corpus

# 1. Images refused by `rkt fetch` (unsigned, so --insecure-options=image: the archive and the
# manifest are read either way, and a signed copy would only be refused earlier).
while IFS=$'\t' read -r name stage text; do
  [ "$stage" = fetch ] || continue
  refused "fetch $name" "$text" rkt --insecure-options=image fetch "$C/$name.aci"
done <"$C/cases.tsv"
# A trusted, correctly signed image with a hostile archive is refused just the same.
export GNUPGHOME=$T/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-generate-key 'Hostile <h@example.com>' ed25519 sign never
gpg --batch --quiet --armor --export >"$T/hostile.asc"
rkt trust --prefix example.com/hostile --skip-fingerprint-review "$T/hostile.asc" >/dev/null 2>&1
for name in symlink-abs-write hardlink-via-symlink iso-memory-abc; do
  gpg --batch --quiet --armor --detach-sign --output "$C/$name.aci.asc" "$C/$name.aci"
  refused "signed $name" "" rkt fetch "$C/$name.aci"
done
[ ! -e /tmp/pwned ] && [ ! -e /etc/hostile ] && [ ! -e /escape ] && ok || bad "a hostile entry reached the host"

# Refused by prepare and run, as they need the system's syscall table: the fetch is allowed.
while IFS=$'\t' read -r name stage text; do
  [ "$stage" = run ] || continue
  id=$(rkt --insecure-options=image fetch "$C/$name.aci" 2>/dev/null)
  refused "prepare $name" "$text" rkt prepare "$id"
  refused "run $name" "$text" rkt run --net=host "$id"
  rkt image rm "$id" >/dev/null 2>&1
done <"$C/cases.tsv"

# 2. A decompression bomb: 20 GiB of zeros in 20 MiB of gzip. In a 48 MiB data dir, so that the
# test neither waits for 16 GiB of writes nor fills the host's disk: the import stops, with the
# reason, and leaves no partial blob; the space is free again afterwards.
mkdir "$T/small"
mount -t tmpfs -o size=48m tmpfs "$T/small"
small() { "$RKT" --dir="$T/small/data" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
small image list >/dev/null 2>&1
used_before=$(df --output=used "$T/small" | tail -1)
before=$(find "$T/small" | sort)
tried=$((tried + 1))
check "bomb" 254 small --insecure-options=image fetch "$C/bomb-gz.aci"
grep -Eq 'No space left on device|expands beyond' "$T/err" && ok || bad "bomb: error says neither ENOSPC nor the cap: $(tail -1 "$T/err")"
equals "bomb leaves no file" "$(find "$T/small" | sort)" "$before"
equals "bomb's space is free again" "$(df --output=used "$T/small" | tail -1)" "$used_before"
umount "$T/small"

# 3. A sparse-file bomb: 33 GiB declared in 10 KiB of tar, past the 32 GiB cap on what an
# image may expand to; the fetch renders the tree, so the fetch refuses it.
mkdir -p "$T/sparse/rootfs"
truncate -s 33G "$T/sparse/rootfs/zeros"
printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"example.com/sparse","app":{"exec":["/probe"],"user":"0","group":"0"}}' >"$T/sparse/manifest"
tar --sparse -C "$T/sparse" -cf "$C/sparse.aci" manifest rootfs
tar --sparse --format=posix -C "$T/sparse" -cf "$C/sparse-pax.aci" manifest rootfs
rm -rf "$T/sparse"
refused "sparse bomb" "expands beyond" rkt --insecure-options=image fetch "$C/sparse.aci"
refused "sparse bomb (pax)" "expands beyond" rkt --insecure-options=image fetch "$C/sparse-pax.aci"

# 4. Accepted, but made harmless: device nodes are not created when rendering (fifos are);
# symlinked mount points stay inside the rootfs (escape_test.sh runs such a pod).
while IFS=$'\t' read -r name stage _; do
  [ "$stage" = skip ] || continue
  tried=$((tried + 1))
  rkt --insecure-options=image fetch "$C/$name.aci" >"$T/out" 2>"$T/err" && ok || bad "fetch $name: $(tail -1 "$T/err")"
  check "render $name" 0 rkt image render "$(cat "$T/out")" "$T/render-$name"
  equals "$name: no device node rendered" \
    "$(find "$T/render-$name" \( -type b -o -type c \) 2>/dev/null)" ""
  rm -rf "$T/render-$name"
done <"$C/cases.tsv"
[ ! -e /etc/data ] && ok || bad "a mount point symlink reached the host"

# 5. The same bad things as flags, before the image (the pod's) or after it (the app's). A
# prepared pod must not appear; `run` must not start one.
PR=(example.com/probe)
while IFS='|' read -r where text flags; do
  read -ra f <<<"$flags"
  if [ "$where" = app ]; then pre=() post=("${f[@]}"); else pre=("${f[@]}") post=(); fi
  refused "run $flags" "$text" rkt run --net=host "${pre[@]}" "${PR[@]}" "${post[@]}"
  [ "$where" = run ] && continue
  refused "prepare $flags" "$text" rkt prepare "${pre[@]}" "${PR[@]}" "${post[@]}"
done <<'FLAGS'
app|abc|--memory=abc
app|-1|--cpu=-1
app|banana|--cpu-shares=banana
app|5000|--oom-score-adj=5000
app|CAP_BOGUS|--caps-retain=CAP_BOGUS
app|no_such_syscall|--seccomp=mode=retain,no_such_syscall
app|bad_mode|--seccomp=mode=bad_mode,read
app|Bad_Name|--name=Bad_Name
app|1A|--environment=1A=x
pod|--set-env|--set-env==value
pod|--set-env|--set-env=NOVALUE
pod|--volume|--volume=data,kind=host
pod|Bad_Volume|--volume=Bad_Volume,kind=host,source=/tmp
pod|relative|--volume=data,kind=host,source=relative
pod|--mount|--mount=volume=data,target=relative/path
pod|nosuchvolume|--mount=volume=nosuchvolume,target=/x
run|-bad-.example|--hostname=-bad-.example
run|not-an-ip|--dns=not-an-ip
run|999.1.1.1|--hosts-entry=999.1.1.1=host
FLAGS
refused "run bad image name" "Example.com/Probe" rkt run --net=host Example.com/Probe
refused "run unknown image" "example.com/nothing" rkt run --net=host example.com/nothing
refused "run sha512 garbage" "sha512-zzz" rkt run --net=host sha512-zzz
refused "run missing image file" "nonexistent.aci" rkt run --net=host "$T/nonexistent.aci"
printf 'GOOD=1\nBAD LINE\n' >"$T/env-file"
refused "run --set-env-file" "env-file" rkt run --net=host --set-env-file="$T/env-file" "${PR[@]}"

# 6. --pod-manifest files.
probe_id=$(rkt image list --no-legend --full --fields=id 2>/dev/null | head -1)
pm() {  # pm NAME TEXT JSON: refused by run and prepare
  printf '%s' "$3" >"$T/pm-$1.json"
  refused "pod-manifest run $1" "$2" rkt run --net=host --pod-manifest="$T/pm-$1.json"
  refused "pod-manifest prepare $1" "$2" rkt prepare --pod-manifest="$T/pm-$1.json"
}
app() {  # app APPJSON: a pod manifest with one probe app whose "app" object is APPJSON
  printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"p","image":{"id":"%s"},"app":%s}]}' \
    "$probe_id" "$1"
}
pm bad-json "pod-manifest" '{"acKind":"PodManifest",'
pm wrong-kind "acKind" '{"acKind":"ImageManifest","acVersion":"0.8.11","apps":[]}'
pm bad-version "acVersion" '{"acKind":"PodManifest","acVersion":"x.y","apps":[]}'
pm no-apps "no apps" '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[]}'
pm unknown-image "sha512-00" \
  '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"p","image":{"id":"sha512-0000000000000000000000000000000000000000000000000000000000000000"}}]}'
pm bad-app-name "Bad_App" \
  "$(printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"Bad_App","image":{"id":"%s"}}]}' "$probe_id")"
pm duplicate-app "p" \
  "$(printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"p","image":{"id":"%s"}},{"name":"p","image":{"id":"%s"}}]}' "$probe_id" "$probe_id")"
pm iso-memory "abc" "$(app '{"exec":["/probe"],"user":"0","group":"0","isolators":[{"name":"resource/memory","value":{"limit":"abc"}}]}')"
pm iso-cpu "must not be negative" "$(app '{"exec":["/probe"],"user":"0","group":"0","isolators":[{"name":"resource/cpu","value":{"limit":"-1"}}]}')"
pm iso-unknown "example.com/bogus" "$(app '{"exec":["/probe"],"user":"0","group":"0","isolators":[{"name":"example.com/bogus","value":{}}]}')"
pm env-equals "A=B" "$(app '{"exec":["/probe"],"user":"0","group":"0","environment":[{"name":"A=B","value":"x"}]}')"
pm env-nul "environment" "$(app '{"exec":["/probe"],"user":"0","group":"0","environment":[{"name":"A\u0000B","value":"x"}]}')"
pm env-newline "newline" "$(app '{"exec":["/probe"],"user":"0","group":"0","environment":[{"name":"ML","value":"a\nINJECTED=1"}]}')"
pm volume-relative "relative" \
  "$(printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"p","image":{"id":"%s"}}],"volumes":[{"name":"v","kind":"host","source":"relative"}]}' "$probe_id")"
pm volume-kind "kind" \
  "$(printf '{"acKind":"PodManifest","acVersion":"0.8.11","apps":[{"name":"p","image":{"id":"%s"}}],"volumes":[{"name":"v","kind":"nfs"}]}' "$probe_id")"
head -c $((2 << 20)) /dev/zero | tr '\0' ' ' >"$T/pm-huge.json"
refused "pod-manifest huge" "pod-manifest" rkt prepare --pod-manifest="$T/pm-huge.json"
refused "pod-manifest missing" "nonexistent" rkt prepare --pod-manifest="$T/nonexistent.json"

# The trust store and the probe image are intact after all that.
check "probe still verifies" 0 rkt image verify example.com/probe
rkt gc --grace-period=0s --expire-prepared=0s >/dev/null 2>&1

echo "hostile inputs tried: $tried"
finish hostile_test
