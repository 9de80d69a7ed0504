#!/usr/bin/env bash
# rkt fetch and rkt trust over the network, end to end: http and https on loopback (a CA made
# here), appc discovery of images and keys, compressed images, the remote cache (ETag and
# Cache-Control), expired and revoked keys, dependencies and pathWhitelist.
# Usage: fetch_remote_test.sh RKT. Runs as root: it re-executes itself in private mount and
# network namespaces, where the loopback's ports 80 and 443 are its own and a private
# /etc/hosts sends example.com to 127.0.0.1, so rkt runs unchanged, with its default ports.
set -uo pipefail
RKT=$1
HERE=$(cd "$(dirname "$0")" && pwd)

need() {  # a missing tool fails the test, it never skips it
  command -v "$1" >/dev/null 2>&1 || {
    echo "FAIL: $1 is missing (bash .ci/install-deps installs it)"
    exit 1
  }
}
for tool in python3 openssl gpg gzip bzip2 xz tar ip unshare mount; do need "$tool"; done

if [ -z "${ROCKET_FETCH_REMOTE_NS:-}" ]; then
  ROCKET_FETCH_REMOTE_NS=1 exec unshare --mount --net --propagation private bash "$0" "$@"
  echo "FAIL: cannot enter private mount and network namespaces (needs root)"
  exit 1
fi

T=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  gpgconf --homedir "$T/gnupg" --kill all >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
data=$T/data
rkt() { "$RKT" --dir="$data" --local-config="$T/etc" --system-config="$T/sys" "$@"; }
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {  # check NAME EXPECTED_RC CMD...: runs CMD, compares the exit code
  local name=$1 want=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" = "$want" ]; then ok; else
    bad "$name: exit $rc, wanted $want"
    sed 's/^/  | /' "$T/err" | head -5
  fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then ok; else
    bad "$1: $2 lacks \"$3\""
    sed 's/^/  | /' "$2" | head -5
  fi
}
requests() { grep -cF -- "$1" "$T/requests" 2>/dev/null; }  # requests "https example.com /p 200"

# The private network: loopback up, example.com is 127.0.0.1.
ip link set lo up || { echo "FAIL: cannot bring up the loopback"; exit 1; }
printf '127.0.0.1 localhost example.com\n::1 localhost\n' > "$T/hosts"
mount --bind "$T/hosts" /etc/hosts || { echo "FAIL: cannot mount a private /etc/hosts"; exit 1; }

# A CA of our own, and a certificate for example.com signed by it; rkt trusts it via
# SSL_CERT_FILE, and nothing else.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=rocket-test-ca \
  -keyout "$T/ca.key" -out "$T/ca.pem" 2>/dev/null &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=example.com \
    -keyout "$T/server.key" -out "$T/server.csr" 2>/dev/null &&
  printf 'subjectAltName=DNS:example.com,DNS:localhost,IP:127.0.0.1\n' > "$T/san.ext" &&
  openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
    -days 2 -extfile "$T/san.ext" -out "$T/server.pem" 2>/dev/null || {
  echo "FAIL: openssl could not make the test CA"
  exit 1
}
export SSL_CERT_FILE=$T/ca.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other-ca \
  -keyout "$T/other-ca.key" -out "$T/other-ca.pem" 2>/dev/null || { echo "FAIL: openssl"; exit 1; }

# Keys: one for example.com/app (and the images below it), one already expired, one revoked.
export GNUPGHOME=$T/gnupg
mkdir -m 700 "$GNUPGHOME"
gen_key() {  # gen_key UID [EXPIRY] [GPG OPTIONS...]
  local uid=$1 expiry=${2:-never}
  shift 2 2>/dev/null || shift $#
  gpg --batch --quiet "$@" --passphrase '' --quick-generate-key "$uid" ed25519 sign "$expiry" 2>"$T/gpg.err" || {
    echo "FAIL: gpg could not make the key $uid"; cat "$T/gpg.err"; exit 1; }
}
fpr_of() { gpg --batch --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
gen_key 'App <app@example.com>'
# Made on 2020-01-01, valid for one day: expired ever since.
gen_key 'Expired <expired@example.com>' 1d --faked-system-time 20200101T000000!
gen_key 'Revoked <revoked@example.com>'
app_fpr=$(fpr_of app@example.com)
revoked_fpr=$(fpr_of revoked@example.com)
gpg --batch --armor --export app@example.com > "$T/app.asc"
gpg --batch --armor --export expired@example.com > "$T/expired.asc"
sign() {  # sign FILE KEY [GPG OPTIONS...]: FILE.asc
  local file=$1 key=$2
  shift 2
  gpg --batch --yes --quiet "$@" --local-user "$key" --armor --detach-sign --output "$file.asc" "$file" 2>/dev/null
}

# make_aci NAME VERSION DIR [DEPENDENCY-NAME [WHITELIST-JSON]]: DIR/image.aci (uncompressed)
# from DIR/rootfs, whose files the caller wrote.
make_aci() {
  local name=$1 version=$2 dir=$3 dep=${4:-} whitelist=${5:-}
  local extra=""
  [ -n "$dep" ] && extra+=",\"dependencies\":[{\"imageName\":\"$dep\",\"labels\":[{\"name\":\"version\",\"value\":\"1\"}]}]"
  [ -n "$whitelist" ] && extra+=",\"pathWhitelist\":$whitelist"
  mkdir -p "$dir/rootfs"
  cat > "$dir/manifest" <<JSON
{"acKind":"ImageManifest","acVersion":"0.8.11","name":"$name","labels":[{"name":"version","value":"$version"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]$extra}
JSON
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$dir" -cf "$dir/image.aci" manifest rootfs
}
image_id() { echo "sha512-$(sha512sum < "$1" | cut -d' ' -f1)"; }

S=$T/srv
mkdir -p "$S/files/images/example.com/app" "$S/discovery/example.com"
mkdir -p "$T/app/rootfs/bin"
echo app > "$T/app/rootfs/bin/hello"
make_aci example.com/app 1.0.0 "$T/app"
app_id=$(image_id "$T/app/image.aci")
cp "$T/app/image.aci" "$S/files/app.aci"
gzip -c "$T/app/image.aci" > "$S/files/app.aci.gz"
bzip2 -c "$T/app/image.aci" > "$S/files/app.aci.bz2"
xz -c "$T/app/image.aci" > "$S/files/app.aci.xz"
cp "$T/app/image.aci" "$S/files/cached.aci"
echo 'public, max-age=300' > "$S/files/cached.aci.cache-control"
cp "$T/app/image.aci" "$S/files/images/example.com/app-1.0.0-linux-amd64.aci"
for f in app.aci app.aci.gz app.aci.bz2 app.aci.xz cached.aci images/example.com/app-1.0.0-linux-amd64.aci; do
  sign "$S/files/$f" app@example.com
done
cp "$T/app.asc" "$S/files/pubkeys.asc"
# One discovery page at the root of example.com: discovery walks up to it from any name below.
cat > "$S/discovery/example.com/index.html" <<'HTML'
<!DOCTYPE html>
<html><head>
<meta name="ac-discovery" content="example.com https://example.com/images/{name}-{version}-{os}-{arch}.{ext}">
<meta name="ac-discovery-pubkeys" content="example.com/app https://example.com/pubkeys.asc">
</head><body></body></html>
HTML

# Expired and revoked signers, each for its own image name.
mkdir -p "$T/expired/rootfs" "$T/revoked/rootfs"
echo x > "$T/expired/rootfs/x"
echo x > "$T/revoked/rootfs/x"
make_aci example.com/expired 1 "$T/expired"
make_aci example.com/revoked 1 "$T/revoked"
cp "$T/expired/image.aci" "$S/files/expired.aci"
cp "$T/revoked/image.aci" "$S/files/revoked.aci"
sign "$S/files/expired.aci" expired@example.com --faked-system-time 20200101T120000!
sign "$S/files/revoked.aci" revoked@example.com
# gpg wrote a revocation certificate at key generation; its armor line is escaped with ':'.
sed 's/^:-----/-----/' "$GNUPGHOME/openpgp-revocs.d/$revoked_fpr.rev" > "$T/revoke.rev"
gpg --batch --quiet --import "$T/revoke.rev" 2>/dev/null
gpg --batch --armor --export revoked@example.com > "$T/revoked.asc"

# Dependencies: example.com/app/withdeps on example.com/app/base, both found by discovery
# (and signed by the example.com/app key, which covers the names below it).
mkdir -p "$T/base/rootfs/etc" "$T/base/rootfs/usr/lib" "$T/withdeps/rootfs/bin" "$T/withdeps/rootfs/etc"
echo base > "$T/base/rootfs/etc/motd"
echo lib > "$T/base/rootfs/usr/lib/libbase.so"
echo unwanted > "$T/base/rootfs/etc/unwanted"
echo app > "$T/withdeps/rootfs/etc/motd"
echo bin > "$T/withdeps/rootfs/bin/app"
echo unwanted > "$T/withdeps/rootfs/bin/unlisted"
make_aci example.com/app/base 1 "$T/base"
make_aci example.com/app/withdeps 1 "$T/withdeps" example.com/app/base \
  '["/etc/motd","/usr/lib/libbase.so","/bin/app"]'
cp "$T/base/image.aci" "$S/files/images/example.com/app/base-1-linux-amd64.aci"
cp "$T/withdeps/image.aci" "$S/files/images/example.com/app/withdeps-1-linux-amd64.aci"
sign "$S/files/images/example.com/app/base-1-linux-amd64.aci" app@example.com
sign "$S/files/images/example.com/app/withdeps-1-linux-amd64.aci" app@example.com

# The server, on this namespace's own ports 80 and 443.
coproc SERVER { exec python3 "$HERE/fetch_remote_server.py" --root "$S" --log "$T/requests" \
  --cert "$T/server.pem" --key "$T/server.key" 2>"$T/server.err"; }
server=$SERVER_PID
if ! read -r -t 10 line <&"${SERVER[0]}" || [ "$line" != ready ]; then
  echo "FAIL: the test server did not start"
  cat "$T/server.err"
  exit 1
fi

# Trust by discovery: the key named by ac-discovery-pubkeys for the prefix.
check trust-discovery 0 rkt trust --prefix example.com/app --skip-fingerprint-review
contains trust-discovery-output "$T/out" 'Added key for prefix "example.com/app"'
app_fpr_lower=$(echo "$app_fpr" | tr 'A-F' 'a-f')
[ -f "$T/etc/trustedkeys/prefix.d/example.com/app/$app_fpr_lower" ] && ok ||
  bad "trust-discovery stored no key at prefix.d/example.com/app/$app_fpr_lower"
[ "$(requests 'https example.com /?ac-discovery=1 200')" -ge 1 ] && ok ||
  bad "trust-discovery did not walk up to example.com's page"
# A prefix with no ac-discovery-pubkeys tag finds no key.
check trust-discovery-none 254 rkt trust --prefix example.com/other --skip-fingerprint-review

# Plain http only with --insecure-options=http.
check http-refused 254 rkt fetch http://example.com/app.aci
[ "$(requests 'http example.com /app.aci')" = 0 ] && ok || bad "http-refused still sent a request"
check http 0 rkt --insecure-options=http fetch --full http://example.com/app.aci
[ "$(cat "$T/out")" = "$app_id" ] && ok || bad "http id $(cat "$T/out") != $app_id"

# https against the test CA; a client without that CA refuses the server.
data=$T/data-https
check https 0 rkt fetch --full https://example.com/app.aci
[ "$(cat "$T/out")" = "$app_id" ] && ok || bad "https id $(cat "$T/out") != $app_id"
data=$T/data-noca
SSL_CERT_FILE=$T/other-ca.pem check https-unknown-ca 254 rkt fetch https://example.com/app.aci
[ -z "$(find "$data/cas/blob" -type f 2>/dev/null)" ] && ok || bad "https-unknown-ca stored a blob"

# Compressed and uncompressed: the same image ID.
for ext in aci aci.gz aci.bz2 aci.xz; do
  data=$T/data-$ext
  check "compressed-$ext" 0 rkt fetch --full "https://example.com/app.$ext"
  [ "$(cat "$T/out")" = "$app_id" ] && ok || bad "compressed-$ext id $(cat "$T/out")"
done

# ETag: the second fetch revalidates and gets 304 (no max-age on this file).
data=$T/data-etag
check etag-first 0 rkt fetch https://example.com/app.aci.gz
check etag-second 0 rkt fetch https://example.com/app.aci.gz
[ "$(requests 'https example.com /app.aci.gz 200')" = 2 ] && ok ||  # data-etag + compressed-aci.gz
  bad "etag: $(requests 'https example.com /app.aci.gz 200') full downloads of app.aci.gz, wanted 2"
[ "$(requests 'https example.com /app.aci.gz 304')" = 1 ] && ok || bad "etag: no 304 on re-fetch"
# --pull-policy=new takes the stored image without asking the server.
check pull-new 0 rkt fetch --pull-policy=new https://example.com/app.aci.gz
[ "$(requests 'https example.com /app.aci.gz 304')" = 1 ] && ok || bad "pull-policy=new asked the server"

# Cache-Control max-age=300: the second fetch is served from the store without a request.
check max-age-first 0 rkt fetch https://example.com/cached.aci
check max-age-second 0 rkt fetch https://example.com/cached.aci
[ "$(requests 'https example.com /cached.aci ')" = 1 ] && ok ||
  bad "max-age: $(requests 'https example.com /cached.aci ') requests for cached.aci, wanted 1"

# Discovery of the image itself, by name and version.
data=$T/data-discovery
check discovery 0 rkt fetch --full example.com/app:1.0.0
[ "$(cat "$T/out")" = "$app_id" ] && ok || bad "discovery id $(cat "$T/out")"
contains discovery-url "$T/requests" "https example.com /images/example.com/app-1.0.0-linux-amd64.aci 200"
check discovery-unknown-version 254 rkt fetch example.com/app:9.9.9

# An expired key, even trusted, verifies nothing.
check trust-expired 0 rkt trust --prefix example.com/expired --skip-fingerprint-review "$T/expired.asc"
check expired-key 254 rkt fetch https://example.com/expired.aci
contains expired-key-message "$T/err" "expired"

# A revoked key: refused when trusted, and a revocation placed in the store later also stops it.
check trust-revoked 254 rkt trust --prefix example.com/revoked --skip-fingerprint-review "$T/revoked.asc"
mkdir -p "$T/etc/trustedkeys/prefix.d/example.com/revoked"
cp "$T/revoked.asc" "$T/etc/trustedkeys/prefix.d/example.com/revoked/$(echo "$revoked_fpr" | tr 'A-F' 'a-f')"
check revoked-key 254 rkt fetch https://example.com/revoked.aci
contains revoked-key-message "$T/err" "revoked"

# Dependencies by discovery, rendered in order, then filtered by the top image's pathWhitelist.
data=$T/data-deps
check deps-fetch 0 rkt fetch --full example.com/app/withdeps:1
withdeps_id=$(cat "$T/out")
[ "$withdeps_id" = "$(image_id "$T/withdeps/image.aci")" ] && ok || bad "deps id $withdeps_id"
check deps-list 0 rkt image list --no-legend
contains deps-list-base "$T/out" "example.com/app/base:1"
check deps-render 0 rkt image render --rootfs-only "$withdeps_id" "$T/rendered"
r=$T/rendered
[ "$(cat "$r/etc/motd" 2>/dev/null)" = app ] && ok || bad "deps-render: /etc/motd is not the app's"
[ "$(cat "$r/usr/lib/libbase.so" 2>/dev/null)" = lib ] && ok || bad "deps-render: base's library missing"
[ "$(cat "$r/bin/app" 2>/dev/null)" = bin ] && ok || bad "deps-render: /bin/app missing"
[ ! -e "$r/etc/unwanted" ] && [ ! -e "$r/bin/unlisted" ] && ok ||
  bad "deps-render: a path outside pathWhitelist was rendered"
# A second fetch of the top image does not fetch the stored dependency again.
before=$(requests '/images/example.com/app/base-1-linux-amd64.aci ')
check deps-refetch 0 rkt fetch example.com/app/withdeps:1
[ "$(requests '/images/example.com/app/base-1-linux-amd64.aci ')" = "$before" ] && ok ||
  bad "deps-refetch fetched the stored dependency again"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
