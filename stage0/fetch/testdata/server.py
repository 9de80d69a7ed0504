#!/usr/bin/env python3
"""HTTP(S) server for the stage0/fetch tests.

Listens on 127.0.0.1 only, on a port the kernel picks, and prints that port as the first line
on stdout. Serves a few fixed routes that exercise the client (redirects, ETag, Cache-Control,
big bodies, error statuses) and, for "?ac-discovery=1" requests, the file
ROOT/<Host>/<path>/index.html written by the test. It ends by itself after MAX_REQUESTS
requests or LIFETIME seconds, so a test that dies without killing it leaves nothing running
for long.
"""

import argparse
import http.server
import os
import ssl
import sys
import time
import urllib.parse

MAX_REQUESTS = 1000
LIFETIME = 300.0
IO_TIMEOUT = 10.0
BIG = 2 * 1024 * 1024
HELLO = b"hello world\n"
ETAG = '"v1"'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection; a body ends when it closes
    timeout = IO_TIMEOUT

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=(), length=True):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (a size limit): nothing left to do

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if query == "ac-discovery=1":
            return self.discovery(path)
        if path == "/hello":
            headers = [("ETag", ETAG), ("Cache-Control", "public, max-age=300")]
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                return
            return self.reply(200, HELLO, headers)
        if path == "/nocache":
            return self.reply(200, HELLO, [("Cache-Control", "max-age=60, no-cache")])
        if path == "/redirect":
            return self.reply(302, headers=[("Location", "/hello")])
        if path == "/redirect-to":
            return self.reply(302, headers=[("Location", urllib.parse.unquote(query))])
        if path == "/redirect-loop":
            return self.reply(302, headers=[("Location", "/redirect-loop")])
        if path == "/big":
            return self.reply(200, b"x" * BIG)
        if path == "/stream":
            # No Content-Length: only counting what arrives can stop it.
            return self.reply(200, b"y" * BIG, length=False)
        if path.startswith("/status/"):
            return self.reply(int(path[len("/status/"):]), b"status page\n")
        return self.reply(404, b"not found\n")

    def discovery(self, path):
        host = (self.headers.get("Host") or "").split(":")[0]
        parts = [p for p in (host + path).split("/") if p]
        if not host or any(p in (".", "..") for p in parts):
            return self.reply(400)
        page = os.path.join(self.server.root, *parts, "index.html")
        try:
            with open(page, "rb") as f:
                body = f.read()
        except OSError:
            return self.reply(404, b"no discovery page\n")
        self.reply(200, body, [("Content-Type", "text/html; charset=utf-8")])


class Server(http.server.HTTPServer):
    def __init__(self, root, context):
        super().__init__(("127.0.0.1", 0), Handler)
        self.root = root
        self.context = context
        self.timeout = 0.5  # handle_request returns this often, to check the deadline
        self.served = 0

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(IO_TIMEOUT)
        if self.context is not None:
            # A client that rejects our certificate fails here; handle_request ignores the
            # OSError and the loop goes on.
            sock = self.context.wrap_socket(sock, server_side=True)
        return sock, addr

    def process_request(self, request, client_address):
        self.served += 1
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # clients that abort on purpose are part of the tests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()

    context = None
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)

    server = Server(args.root, context)
    print(server.server_address[1], flush=True)
    deadline = time.monotonic() + LIFETIME
    while server.served < MAX_REQUESTS and time.monotonic() < deadline:
        server.handle_request()
    server.server_close()


if __name__ == "__main__":
    sys.exit(main())
