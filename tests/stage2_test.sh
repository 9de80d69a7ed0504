#!/usr/bin/env bash
# stage2 as stage1 runs it: in a private mount and PID namespace, with the probe image's rootfs
# as "/" and the app's JSON on fd 3. Checks what the app sees (ids, groups, env, cwd,
# capabilities, no_new_privs, seccomp, fds) with the probe's report, and that the probe's escape
# attempts fail. Needs root.
# Usage: stage2_test.sh STAGE2 PROBE_ACI
set -uo pipefail
STAGE2=$1
ACI=$2
[ "$(id -u)" = 0 ] || { echo "FAIL stage2_test.sh must run as root (it uses namespaces)"; exit 1; }
T=$(mktemp -d)
cleanup() {
  # The namespaces (and the /proc mount inside) die with the last process; only files remain.
  rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0

R=$T/rootfs
tar -xzf "$ACI" -C "$T" --numeric-owner rootfs || { echo "FAIL extracting $ACI"; exit 1; }
mkdir -p "$R/proc"
cp "$STAGE2" "$R/stage2"

# run_app APP_JSON [STAGE2 FLAGS...]: runs stage2 on the app, stdout in $T/out, stderr in
# $T/err, exit code in $rc. Extra fds 4 and 7 are open on purpose: stage2 must close them.
run_app() {
  printf '%s' "$1" > "$T/app.json"
  shift
  LEAKED_VAR=1 unshare --mount --pid --fork --root="$R" --mount-proc /stage2 --app=probe "$@" \
    3<"$T/app.json" 4<"$T/app.json" 7>/dev/null >"$T/out" 2>"$T/err"
  rc=$?
}
ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL $1"
  sed 's/^/  | /' "$T/err" | head -5
}
expect_rc() {  # expect_rc NAME WANT
  if [ "$rc" = "$2" ]; then ok; else bad "$1: exit $rc, wanted $2"; fi
}
# field EXPR: a Python expression over the report `r` (the JSON on stdout), printed.
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/out" "$1" 2>/dev/null; }
expect() {  # expect NAME EXPR WANT
  local got
  got=$(field "$2")
  if [ "$got" = "$3" ]; then ok; else bad "$1: $2 = '$got', wanted '$3'"; fi
}
expect_out() {  # expect_out NAME WANT (the whole stdout)
  local got
  got=$(cat "$T/out")
  if [ "$got" = "$2" ]; then ok; else bad "$1: printed '$got', wanted '$2'"; fi
}
expect_err() {  # expect_err NAME WANT (the whole stderr, one line)
  local got
  got=$(cat "$T/err")
  if [ "$got" = "$2" ]; then ok; else bad "$1: stderr '$got', wanted '$2'"; fi
}
app() {  # app USER GROUP [EXTRA JSON MEMBERS]: an App object running "/probe report"
  printf '{"exec":["/probe","report"],"user":"%s","group":"%s"%s}' "$1" "$2" "${3:+,$3}"
}

DEFAULT_CAPS=00000000a80425fb  # the 14 capabilities of the appc spec
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# A root app: the default capability set, in bounding, permitted and effective; nothing
# inheritable or ambient; seccomp on, no_new_privs off; only AC_APP_NAME and PATH; cwd "/"; and
# only fds 0, 1 and 2 although stage2 got 3, 4 and 7.
run_app "$(app 0 0)"
expect_rc root-rc 0
expect root-uid '(r["uid"],r["euid"],r["gid"],r["egid"],r["groups"])' "(0, 0, 0, 0, [])"
expect root-bnd 'r["CapBnd"]' $DEFAULT_CAPS
expect root-eff 'r["CapEff"]' $DEFAULT_CAPS
expect root-prm 'r["CapPrm"]' $DEFAULT_CAPS
expect root-inh 'r["CapInh"]' 0000000000000000
expect root-amb 'r["CapAmb"]' 0000000000000000
expect root-nnp 'r["NoNewPrivs"]' 0
expect root-seccomp 'r["Seccomp"]' 2
expect root-env 'sorted(r["env"].items())' "[('AC_APP_NAME', 'probe'), ('PATH', '$DEFAULT_PATH')]"
expect root-cwd 'r["cwd"]' /
expect root-fds 'sorted(r["fds"])' "['0', '1', '2']"

# Users and groups: names from the image's /etc files, numbers, and the owner of a path.
run_app "$(app user wheel '"supplementaryGIDs":[10,20]')"
expect_rc name-rc 0
expect name-ids '(r["uid"],r["euid"],r["gid"],r["egid"],sorted(r["groups"]))' "(1000, 1000, 10, 10, [10, 20])"
expect nonroot-eff 'r["CapEff"]+r["CapPrm"]+r["CapInh"]+r["CapAmb"]' 0000000000000000000000000000000000000000000000000000000000000000
expect nonroot-bnd 'r["CapBnd"]' $DEFAULT_CAPS
run_app "$(app 4321 8765)"
expect numeric-ids '(r["uid"],r["gid"],r["groups"])' "(4321, 8765, [])"
run_app "$(app /home/owned /home/owned)"
expect path-ids '(r["uid"],r["gid"])' "(1234, 5678)"
run_app "$(app nosuchuser 0)"
expect_rc unknown-user-rc 254
expect_err unknown-user-msg "stage2: app probe: user \"nosuchuser\" not found in the image's /etc/passwd"

# Environment: the app's PATH wins over the default, its AC_APP_NAME does not; nothing of
# stage2's own environment leaks.
run_app "$(app 0 0 '"environment":[{"name":"PATH","value":"/opt/x:/bin"},{"name":"AC_APP_NAME","value":"evil"},{"name":"FOO","value":"a b=c"}]')"
expect env-precedence 'sorted(r["env"].items())' "[('AC_APP_NAME', 'probe'), ('FOO', 'a b=c'), ('PATH', '/opt/x:/bin')]"
run_app "$(app 0 0 '"workingDirectory":"/home/user"')"
expect cwd 'r["cwd"]' /home/user
run_app "$(app 0 0 '"workingDirectory":"/nonexistent"')"
expect_rc cwd-missing-rc 254
expect_err cwd-missing-msg "stage2: app probe: changing directory to /nonexistent: No such file or directory"

# Seccomp and capabilities refuse the escapes.
for op in keyctl keyctl-int80 mount umount unshare-user bpf perf_event_open userfaultfd init_module; do
  run_app "{\"exec\":[\"/probe\",\"try\",\"$op\"],\"user\":\"0\",\"group\":\"0\"}"
  expect_out "try-$op" "denied: EPERM"
done
run_app '{"exec":["/probe","try","sethostname"],"user":"0","group":"0"}'
expect_out try-sethostname "denied: EPERM"
run_app '{"exec":["/probe","try","ptrace-attach","1"],"user":"0","group":"0"}'
expect_out try-ptrace "denied: EPERM"
run_app '{"exec":["/probe","try","open-write","/etc/passwd"],"user":"user","group":"user"}'
expect_out nonroot-write-etc "denied: EACCES"
run_app '{"exec":["/probe","try","keyctl"],"user":"0","group":"0"}' --disable-seccomp
expect_out no-seccomp-keyctl allowed
run_app "$(app 0 0)" --disable-seccomp
expect no-seccomp 'r["Seccomp"]' 0

# no_new_privs only when asked, and seccomp still loaded after it.
run_app "$(app user user '"isolators":[{"name":"os/linux/no-new-privileges","value":true}]')"
expect_rc nnp-rc 0
expect nnp '(r["NoNewPrivs"],r["Seccomp"])' "('1', '2')"

# Capability isolators.
run_app "$(app user user '"isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_NET_BIND_SERVICE"]}}]')"
expect retain-nonroot '(r["CapBnd"],r["CapEff"],r["CapPrm"],r["CapAmb"])' "('0000000000000400', '0000000000000400', '0000000000000400', '0000000000000400')"
run_app "$(app 0 0 '"isolators":[{"name":"os/linux/capabilities-remove-set","value":{"set":["CAP_CHOWN"]}}]')"
expect remove-root '(r["CapBnd"],r["CapEff"])' "('00000000a80425fa', '00000000a80425fa')"
host_bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
run_app "$(app 0 0)" --disable-capabilities-restriction
expect no-cap-restriction '(r["CapBnd"],r["CapEff"],r["CapInh"])' "('$host_bnd', '$host_bnd', '0000000000000000')"
run_app "$(app 0 0 '"isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_SYS_ADMIN"]}}]')"
expect sysadmin-caps 'r["CapEff"]' 0000000000200000
run_app '{"exec":["/probe","try","mount"],"user":"0","group":"0","isolators":[{"name":"os/linux/capabilities-retain-set","value":{"set":["CAP_SYS_ADMIN"]}}]}'
expect_out sysadmin-may-mount allowed

# Exec failures: one line naming the app and the path; 127 not found, 126 not executable.
run_app '{"exec":["/nonexistent"],"user":"0","group":"0"}'
expect_rc missing-rc 127
expect_err missing-msg "stage2: app probe: exec /nonexistent: No such file or directory"
run_app '{"exec":["/not-executable"],"user":"0","group":"0"}'
expect_rc noexec-rc 126
expect_err noexec-msg "stage2: app probe: exec /not-executable: Permission denied"
run_app '{"exec":["no-such-tool"],"user":"0","group":"0"}'
expect_rc path-missing-rc 127
# argv[0] without "/" is looked up in the app's PATH, as execvp does.
run_app '{"exec":["sh","-c","exit 3"],"user":"0","group":"0"}'
expect_rc path-lookup 3

# Event handlers.
run_app '{"exec":["/probe","exit","1"],"user":"0","group":"0","eventHandlers":[{"name":"pre-start","exec":["/probe","exit","5"]}]}' --event=pre-start
expect_rc pre-start 5
run_app "$(app 0 0)" --event=post-stop
expect_rc no-handler 254
expect_err no-handler-msg "stage2: app probe: the app has no post-stop event handler"

# Bad input: one line, 254.
run_app '{"exec":["/probe"],"user":"0"}'
expect_rc bad-json-rc 254
[ "$(wc -l < "$T/err")" = 1 ] && ok || bad "bad-json: not one line"
run_app "$(app 0 0)" --no-such-flag
expect_rc bad-flag 254
unshare --mount --pid --fork --root="$R" --mount-proc /stage2 --app=probe >"$T/out" 2>"$T/err" 3<&-
rc=$?
expect_rc no-fd3 254

# --root-ready-fd: stage2 started before its root is ready waits on fd 4 for stage1's message
# (stage2/root_ready.h). "x" and a code: the app never runs and stage2 exits with the code;
# the socket closed without a word: 254; "n": go, with fd 0 on the root's /dev/null; "g": go,
# fd 0 as given. stdin is a file with a line in it each time.
mkdir -p "$R/dev" && [ -c "$R/dev/null" ] || mknod -m 666 "$R/dev/null" c 1 3
echo caller-line >"$T/stdin"
run_ready() {  # run_ready MESSAGE APP_JSON (MESSAGE as a Python bytes literal, or None)
  printf '%s' "$2" >"$T/app.json"
  python3 - "$1" "$R" "$T" <<'PY'
import fcntl, os, socket, subprocess, sys
msg, root, t = eval(sys.argv[1]), sys.argv[2], sys.argv[3]
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
with open(f"{t}/app.json") as app, open(f"{t}/stdin") as stdin, \
        open(f"{t}/out", "w") as out, open(f"{t}/err", "w") as err:
    # Above 9 first, so that placing them on 3 and 4 cannot clobber one with the other; placed
    # after the fork, where close_fds would close them again.
    app_fd = fcntl.fcntl(app.fileno(), fcntl.F_DUPFD_CLOEXEC, 10)
    sock_fd = fcntl.fcntl(theirs.fileno(), fcntl.F_DUPFD_CLOEXEC, 10)
    def place():
        os.dup2(app_fd, 3)
        os.dup2(sock_fd, 4)
    p = subprocess.Popen(["unshare", "--mount", "--pid", "--fork", f"--root={root}", "--mount-proc",
                          "/stage2", "--app=probe", "--root-ready-fd=4"],
                         stdin=stdin, stdout=out, stderr=err, preexec_fn=place, close_fds=False)
    os.close(app_fd)
    os.close(sock_fd)
    theirs.close()
    if msg is not None:
        ours.send(msg)
    ours.close()
    sys.exit(p.wait())
PY
  rc=$?
}
run_ready "b'x\\x05'" "$(app 0 0)"
expect_rc ready-abort-code 5
expect_out ready-abort-app-never-ran ""
run_ready None "$(app 0 0)"
expect_rc ready-closed 254
expect_out ready-closed-app-never-ran ""
run_ready "b'n'" "$(app 0 0)"
expect_rc ready-null-rc 0
expect ready-null-stdin 'r["fds"]["0"]' /dev/null
expect ready-null-fds 'sorted(r["fds"])' "['0', '1', '2']"
run_ready "b'g'" '{"exec":["/bin/sh","-c","cat"],"user":"0","group":"0"}'
expect_rc ready-go-rc 0
expect_out ready-go-stdin-kept caller-line
run_app "$(app 0 0)" --root-ready-fd=4 --enter
expect_rc ready-with-enter 254

echo "stage2: $pass passed, $fail failed"
[ "$fail" = 0 ]
