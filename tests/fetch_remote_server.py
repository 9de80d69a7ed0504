#!/usr/bin/env python3
"""HTTP and HTTPS file server for tests/fetch_remote_test.sh.

Serves ROOT/files/<path> on both ports, with an ETag derived from the file's size and mtime
(If-None-Match answers 304) and, when ROOT/files/<path>.cache-control exists, its first line as
the Cache-Control header. "?ac-discovery=1" requests get ROOT/discovery/<Host>/<path>/index.html.
Every request is appended to LOG as "SCHEME HOST PATH STATUS", so a test can count what was
asked. Prints "ready" once both ports listen. Ends by itself after LIFETIME seconds, so a test
that dies without killing it leaves nothing running for long.
"""

import argparse
import http.server
import os
import ssl
import sys
import threading
import time

LIFETIME = 600.0
IO_TIMEOUT = 10.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    timeout = IO_TIMEOUT

    def log_message(self, *args):
        pass

    def record(self, status):
        host = (self.headers.get("Host") or "").split(":")[0]
        with self.server.log_lock:
            with open(self.server.log, "a") as f:
                f.write(f"{self.server.scheme} {host} {self.path} {status}\n")

    def reply(self, status, body=b"", headers=()):
        self.record(status)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def do_GET(self):
        path, _, query = self.path.partition("?")
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") for p in parts):
            return self.reply(400)
        if query == "ac-discovery=1":
            host = (self.headers.get("Host") or "").split(":")[0]
            page = os.path.join(self.server.root, "discovery", host, *parts, "index.html")
            return self.send_file(page, [("Content-Type", "text/html; charset=utf-8")], False)
        return self.send_file(os.path.join(self.server.root, "files", *parts), [], True)

    def send_file(self, name, headers, cache):
        try:
            st = os.stat(name)
            with open(name, "rb") as f:
                body = f.read()
        except OSError:
            return self.reply(404, b"not found\n")
        headers = list(headers)
        if cache:
            etag = '"%x-%x"' % (st.st_size, st.st_mtime_ns)
            headers.append(("ETag", etag))
            try:
                with open(name + ".cache-control") as f:
                    headers.append(("Cache-Control", f.readline().strip()))
            except OSError:
                pass
            if self.headers.get("If-None-Match") == etag:
                return self.reply(304, b"", headers)
        self.reply(200, body, headers)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, args, context):
        super().__init__(("127.0.0.1", port), Handler)
        self.root = args.root
        self.log = args.log
        self.log_lock = threading.Lock()
        self.scheme = "https" if context else "http"
        self.context = context

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(IO_TIMEOUT)
        if self.context is not None:
            sock = self.context.wrap_socket(sock, server_side=True)
        return sock, addr

    def handle_error(self, request, client_address):
        pass  # clients that reject the certificate or abort are part of the tests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--http-port", type=int, default=80)
    parser.add_argument("--https-port", type=int, default=443)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    servers = [Server(args.http_port, args, None), Server(args.https_port, args, context)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print("ready", flush=True)
    time.sleep(LIFETIME)


if __name__ == "__main__":
    sys.exit(main())
