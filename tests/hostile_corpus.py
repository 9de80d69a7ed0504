#!/usr/bin/env python3
"""Builds the hostile image corpus of tests/hostile_test.sh into OUTDIR.

Usage: hostile_corpus.py OUTDIR

Writes OUTDIR/<case>.aci for every case and OUTDIR/cases.tsv, one line per case:
"<case>\t<stage>\t<text>", where stage says which command must refuse the image (fetch: `rkt
fetch`; run: `rkt prepare` and `rkt run`, the fetch being allowed) and text is what the one-line
error must contain (the entry, field or value it names). Everything is generated here, so the
corpus needs no files from elsewhere and no network.
"""
import bz2
import gzip
import io
import json
import lzma
import os
import struct
import sys
import tarfile
import zlib

OUT = sys.argv[1]
CASES = []

GOOD_APP = {"exec": ["/probe"], "user": "0", "group": "0"}


def manifest(name="example.com/hostile", **fields):
    m = {"acKind": "ImageManifest", "acVersion": "0.8.11", "name": name,
         "labels": [{"name": "os", "value": "linux"}, {"name": "arch", "value": "amd64"}],
         "app": dict(GOOD_APP)}
    m.update(fields)
    return json.dumps(m).encode()


def reg(path, data=b"x", mode=0o644):
    i = tarfile.TarInfo(path)
    i.size = len(data)
    i.mode = mode
    return (i, data)


def dirent(path):
    i = tarfile.TarInfo(path)
    i.type = tarfile.DIRTYPE
    i.mode = 0o755
    return (i, None)


def link(path, target, kind=tarfile.SYMTYPE):
    i = tarfile.TarInfo(path)
    i.type = kind
    i.linkname = target
    return (i, None)


def node(path, kind, major, minor):
    i = tarfile.TarInfo(path)
    i.type = kind
    i.devmajor, i.devminor = major, minor
    return (i, None)


def tar_bytes(entries, raw_manifest=None, with_rootfs=True):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        m = manifest() if raw_manifest is None else raw_manifest
        if m is not False:
            i = tarfile.TarInfo("manifest")
            i.size = len(m)
            tar.addfile(i, io.BytesIO(m))
        if with_rootfs:
            tar.addfile(dirent("rootfs")[0])
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def write(case, data, stage, text):
    with open(os.path.join(OUT, case + ".aci"), "wb") as f:
        f.write(data)
    CASES.append((case, stage, text))


def case(name, stage, text, entries=(), raw_manifest=None, **kw):
    write(name, tar_bytes(list(entries), raw_manifest, **kw), stage, text)


# Archive entries that try to leave the rootfs.
case("dotdot", "fetch", "..", [reg("rootfs/../../escape")])
case("dotdot-deep", "fetch", "..", [dirent("rootfs/a"), reg("rootfs/a/../../../escape")])
case("absolute", "fetch", "/etc/hostile", [reg("/etc/hostile")])
case("absolute-rootfs", "fetch", "/rootfs", [reg("/rootfs/x")])
case("symlink-abs-write", "fetch", "rootfs/evil/pwned",
     [link("rootfs/evil", "/tmp"), reg("rootfs/evil/pwned")])
case("symlink-rel-write", "fetch", "rootfs/up/pwned",
     [link("rootfs/up", "../../../../.."), reg("rootfs/up/pwned")])
case("symlink-dir-write", "fetch", "rootfs/d/x",
     [link("rootfs/d", "/etc"), dirent("rootfs/d/x")])
case("symlink-chain-write", "fetch", "rootfs/b/pwned",
     [link("rootfs/a", "/"), link("rootfs/b", "a/tmp"), reg("rootfs/b/pwned")])
case("hardlink-abs", "fetch", "/etc/passwd",
     [link("rootfs/passwd", "/etc/passwd", tarfile.LNKTYPE)])
case("hardlink-dotdot", "fetch", "..",
     [link("rootfs/passwd", "rootfs/../../../etc/passwd", tarfile.LNKTYPE)])
case("hardlink-manifest", "fetch", "manifest",
     [link("rootfs/m", "manifest", tarfile.LNKTYPE)])
case("hardlink-via-symlink", "fetch", "rootfs/s/passwd",
     [link("rootfs/s", "/etc"), link("rootfs/h", "rootfs/s/passwd", tarfile.LNKTYPE)])
case("hardlink-to-dir", "fetch", "rootfs/d",
     [dirent("rootfs/d"), link("rootfs/h", "rootfs/d", tarfile.LNKTYPE)])
case("hardlink-missing", "fetch", "rootfs/nothing",
     [link("rootfs/h", "rootfs/nothing", tarfile.LNKTYPE)])
case("outside-layout", "fetch", "etc/x", [reg("etc/x")])
case("duplicate", "fetch", "rootfs/a", [reg("rootfs/a"), reg("rootfs/a")])
case("long-name", "fetch", "name", [reg("rootfs/" + "a/" * 2100 + "b")])
# Device nodes and fifos are not created (skipped, as the unit tests check), so an image with
# one fetches; what the test checks is that the rendered pod has no such node.
case("device-nodes", "skip", "",
     [dirent("rootfs/dev"), node("rootfs/dev/sda", tarfile.BLKTYPE, 8, 0),
      node("rootfs/dev/mem", tarfile.CHRTYPE, 1, 1), node("rootfs/fifo", tarfile.FIFOTYPE, 0, 0)])

# Manifests.
case("no-manifest", "fetch", "manifest", [], raw_manifest=False)
case("huge-manifest", "fetch", "manifest",
     [], raw_manifest=manifest(annotations=[{"name": "pad", "value": "x" * (1 << 20)}]))
case("bad-json", "fetch", "manifest", [], raw_manifest=b'{"acKind": "ImageManifest",')
case("json-trailing", "fetch", "manifest", [], raw_manifest=manifest() + b"{}")
case("json-deep", "fetch", "manifest", [], raw_manifest=b"[" * 100000 + b"]" * 100000)
case("wrong-ackind", "fetch", "acKind", [], raw_manifest=manifest(acKind="PodManifest"))
case("bad-acversion", "fetch", "acVersion", [], raw_manifest=manifest(acVersion="banana"))
case("name-upper", "fetch", "Example.com/Hostile", [],
     raw_manifest=manifest(name="Example.com/Hostile"))
case("name-empty", "fetch", "name", [], raw_manifest=manifest(name=""))
case("name-traversal", "fetch", "../../etc", [], raw_manifest=manifest(name="../../etc"))
case("label-bad-name", "fetch", "Bad_Label", [],
     raw_manifest=manifest(labels=[{"name": "Bad_Label", "value": "x"}]))
case("label-duplicate", "fetch", "version", [],
     raw_manifest=manifest(labels=[{"name": "version", "value": "1"},
                                   {"name": "version", "value": "2"}]))
case("label-os", "fetch", "os", [],
     raw_manifest=manifest(labels=[{"name": "os", "value": "plan9"}]))
case("labels-not-array", "fetch", "labels", [], raw_manifest=manifest(labels="os=linux"))
case("app-no-user", "fetch", "user", [], raw_manifest=manifest(app={"exec": ["/probe"]}))


def app(**fields):
    a = dict(GOOD_APP)
    a.update(fields)
    return a


def iso(name, value):
    return app(isolators=[{"name": name, "value": value}])


case("iso-memory-abc", "fetch", "abc", [],
     raw_manifest=manifest(app=iso("resource/memory", {"limit": "abc"})))
case("iso-memory-negative", "fetch", "limit: must not be negative", [],
     raw_manifest=manifest(app=iso("resource/memory", {"limit": "-1G"})))
case("iso-cpu-negative", "fetch", "limit: must not be negative", [],
     raw_manifest=manifest(app=iso("resource/cpu", {"limit": "-1"})))
case("iso-cpu-string", "fetch", "isolators[0].value", [],
     raw_manifest=manifest(app=iso("resource/cpu", "lots")))
case("iso-unknown", "fetch", "example.com/bogus", [],
     raw_manifest=manifest(app=iso("example.com/bogus", {"x": 1})))
case("iso-caps-bogus", "fetch", "CAP_BOGUS", [],
     raw_manifest=manifest(app=iso("os/linux/capabilities-retain-set", {"set": ["CAP_BOGUS"]})))
case("iso-seccomp-bogus", "run", "no_such_syscall", [],
     raw_manifest=manifest(app=iso("os/linux/seccomp-remove-set", {"set": ["no_such_syscall"]})))
case("iso-oom-range", "fetch", "between -1000 and 1000", [],
     raw_manifest=manifest(app=iso("os/linux/oom-score-adj", 5000)))
case("env-name-equals", "fetch", "A=B", [],
     raw_manifest=manifest(app=app(environment=[{"name": "A=B", "value": "x"}])))
case("env-name-nul", "fetch", "A\\x00B", [],
     raw_manifest=manifest(app=app(environment=[{"name": "A\u0000B", "value": "x"}])))
case("env-name-empty", "fetch", "environment", [],
     raw_manifest=manifest(app=app(environment=[{"name": "", "value": "x"}])))
case("env-value-nul", "fetch", "environment", [],
     raw_manifest=manifest(app=app(environment=[{"name": "A", "value": "x\u0000y"}])))
# The spec allows any string as a value; Rocket refuses newlines (its env files are line
# based, see Documentation/appc-spec-notes.md), which also keeps a value from forging a variable.
case("env-value-newline", "fetch", "newline", [],
     raw_manifest=manifest(app=app(environment=[{"name": "A", "value": "x\nINJECTED=1"}])))
case("env-value-escape", "fetch", "\\x1b", [],
     raw_manifest=manifest(app=app(environment=[{"name": "A\u001b[2J", "value": "x"}])))
case("mountpoint-bad-name", "fetch", "Bad Volume", [],
     raw_manifest=manifest(app=app(mountPoints=[{"name": "Bad Volume", "path": "/data"}])))
case("mountpoint-relative", "fetch", "data", [],
     raw_manifest=manifest(app=app(mountPoints=[{"name": "data", "path": "data"}])))
case("port-range", "fetch", "between 1 and 65535", [],
     raw_manifest=manifest(app=app(ports=[{"name": "http", "protocol": "tcp", "port": 70000}])))
case("dependency-bad-id", "fetch", "sha512-zz", [],
     raw_manifest=manifest(dependencies=[{"imageName": "example.com/dep", "imageID": "sha512-zz"}]))

# A mount point whose target in the image is a symlink to the host's /etc: allowed in the
# archive (symlinks may point anywhere), resolved inside the rootfs when the pod mounts it
# (escape_test.sh runs that pod). Here the image must at least fetch and render without
# touching the host.
case("mountpoint-symlink", "skip", "",
     [dirent("rootfs/etc"), link("rootfs/data", "/etc"), link("rootfs/up", "../../../..")],
     raw_manifest=manifest(name="example.com/hostile-symlink",
                           app=app(mountPoints=[{"name": "data", "path": "/data"},
                                                {"name": "up", "path": "/up/etc"}])))

# Archives: each compression truncated and corrupted, and other non-ACIs.
plain = tar_bytes([reg("rootfs/file", os.urandom(300000))])
compressors = {"gz": lambda b: gzip.compress(b, 6), "bz2": lambda b: bz2.compress(b),
               "xz": lambda b: lzma.compress(b)}
for ext, comp in compressors.items():
    packed = comp(plain)
    write(f"truncated-{ext}", packed[: len(packed) // 2], "fetch", "")
    write(f"truncated-tail-{ext}", packed[:-9], "fetch", "")
    corrupt = bytearray(packed)
    for off in range(len(corrupt) // 3, len(corrupt) // 3 + 64):
        corrupt[off] ^= 0x5A
    write(f"corrupt-{ext}", bytes(corrupt), "fetch", "")
# Stored (level 0) deflate blocks: only the gzip trailer's CRC-32 covers their bytes, which
# libarchive never checked.
stored = bytearray(gzip.compress(plain, 0))
stored[len(stored) // 2] ^= 0x5A
write("corrupt-stored-gz", bytes(stored), "fetch", "CRC-32")
write("gz-bad-length", gzip.compress(plain)[:-1] + b"\x7f", "fetch", "length in the trailer")
write("gz-trailing-garbage", gzip.compress(plain) + b"junk", "fetch", "data after the end")
write("truncated-tar", plain[: len(plain) // 2], "fetch", "")
write("empty", b"", "fetch", "empty")
write("garbage", os.urandom(100000), "fetch", "not an ACI")
write("zeros", bytes(100000), "fetch", "not an ACI")
write("gzip-in-xz", lzma.compress(gzip.compress(plain)), "fetch", "compressed more than once")
write("zstd-magic", b"\x28\xb5\x2f\xfd" + os.urandom(1000), "fetch", "not an ACI")


def gzip_zero_bomb(header, zeros):
    """A gzip member whose body is `header` then about `zeros` zero bytes, made in a second
    whatever `zeros` is: after a full flush deflate starts afresh, so every MiB of zeros
    compresses to the same bytes, which are repeated. The trailer's CRC is wrong: rkt must stop
    long before it reads it."""
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = z.compress(header) + z.flush(zlib.Z_FULL_FLUSH)
    chunk = z.compress(bytes(1 << 20)) + z.flush(zlib.Z_FULL_FLUSH)
    again = z.compress(bytes(1 << 20)) + z.flush(zlib.Z_FULL_FLUSH)
    assert chunk == again
    tail = z.flush(zlib.Z_FINISH)
    gz_header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return gz_header + head + chunk * (zeros >> 20) + tail + bytes(8)


def big_file_header(size):
    i = tarfile.TarInfo("rootfs/zeros")
    i.size = size
    return i.tobuf(tarfile.GNU_FORMAT)


# A decompression bomb: 20 GiB of zeros (past the 16 GiB an import may decompress to) in 20 MiB
# of gzip, after a manifest. hostile_test.sh fetches it into a small data dir only.
bomb_head = tar_bytes([])[:-1024]  # manifest and rootfs/, without the end-of-archive blocks
write("bomb-gz", gzip_zero_bomb(bomb_head + big_file_header(20 << 30), 20 << 30), "bomb", "")

with open(os.path.join(OUT, "cases.tsv"), "w") as f:
    for c in CASES:
        f.write("\t".join(c) + "\n")
print(len(CASES))
