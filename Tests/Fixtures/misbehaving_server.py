#!/usr/bin/env python3
"""A small HTTP server that misbehaves on purpose, for tidings' fetcher tests (python3 stdlib only).

Binds 127.0.0.1 on a free port and prints the port on the first line of stdout. Routes:
  /feed                       a valid RSS feed
  /slow-drip?seconds=N        200, then one byte per second (the low-speed abort must end it)
  /delay?seconds=S            the feed after S seconds
  /never                      accepts, reads the request, never answers
  /status/CODE                that status with a short body (500, 404, 410, ...)
  /retry-after/CODE?after=N   CODE (429/503) with Retry-After: N seconds
  /retry-after-date/CODE?after=N   CODE with Retry-After as an HTTP-date N seconds ahead
  /loop/a, /loop/b            302 to each other (a redirect loop)
  /hops/N                     302 to /hops/N-1 ... /hops/0 answers the feed
  /moved/start                301 -> /moved/middle, 308 -> /moved/final (the feed)
  /temp-then-moved            302 -> /moved/middle (308) -> /moved/final: not permanent from the start
  /oversize?mb=N              N MiB body with Content-Length
  /oversize-chunked?mb=N      N MiB body, chunked, no Content-Length
  /gzip-bomb?mb=N             gzip body that decodes to N MiB of zeros
  /truncated                  Content-Length 10000, 100 bytes sent, connection closed
  /encoded/KIND               the feed with a Content-Encoding: gzip-members (two gzip members), deflate
                              (zlib-wrapped), deflate-raw (raw deflate labelled deflate), gzip-corrupt, compress
                              (a coding nobody decodes)
  /html                       an HTML page where a feed was expected
  /wrong-charset              UTF-8 bytes labelled charset=iso-8859-1
  /flaky/ID?fail=N            fails (500) the first N requests for ID, then answers the feed
  /hits/ID                    how many requests /flaky/ID has seen (plain text)
"""
import gzip
import io
import sys
import threading
import time
import zlib
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

FEED = ("""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Misbehaving fixture</title><link>http://example.invalid/</link>
<description>fixture</description>
<item><title>Caf\u00e9 na\u00efve r\u00e9sum\u00e9</title><link>http://example.invalid/1</link><guid>1</guid></item>
</channel></rss>
""").encode("utf-8")

HTML = b"<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>\n"

_bomb_cache = {}
_bomb_lock = threading.Lock()
_hits = {}
_hits_lock = threading.Lock()


def gzip_bomb(mib):
    with _bomb_lock:
        if mib not in _bomb_cache:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
            chunk = b"\0" * (1 << 20)
            parts = [compressor.compress(chunk) for _ in range(mib)]
            parts.append(compressor.flush())
            _bomb_cache[mib] = b"".join(parts)
        return _bomb_cache[mib]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "misbehaving/1"

    def log_message(self, *args):
        pass

    def send_body(self, code, body, content_type="application/rss+xml; charset=utf-8", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, code, location):
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        received = self.rfile.read(length) if length else b""
        url = urlparse(self.path)
        if url.path.startswith("/status/"):
            self.send_body(int(url.path.split("/")[2]), b"status\n", "text/plain")
        elif url.path.startswith("/retry-after/"):
            after = parse_qs(url.query).get("after", ["7"])[0]
            self.send_body(int(url.path.split("/")[2]), b"later\n", "text/plain", [("Retry-After", after)])
        else:
            self.send_body(200, received, "application/octet-stream")

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        path = url.path
        number = lambda name, default: int(query.get(name, [default])[0])

        if path == "/feed":
            self.send_body(200, FEED)
        elif path == "/slow-drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(number("seconds", 60)):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/delay":
            time.sleep(float(query.get("seconds", ["1"])[0]))
            self.send_body(200, FEED)
        elif path == "/never":
            self.close_connection = True
            time.sleep(number("seconds", 120))
        elif path.startswith("/status/"):
            self.send_body(int(path.split("/")[2]), b"status page\n", "text/plain")
        elif path.startswith("/retry-after/"):
            self.send_body(int(path.split("/")[2]), b"slow down\n", "text/plain",
                           [("Retry-After", str(number("after", 120)))])
        elif path.startswith("/retry-after-date/"):
            when = formatdate(time.time() + number("after", 120), usegmt=True)
            self.send_body(int(path.split("/")[2]), b"slow down\n", "text/plain",
                           [("Retry-After", when), ("Date", formatdate(time.time(), usegmt=True))])
        elif path == "/loop/a":
            self.redirect(302, "/loop/b")
        elif path == "/loop/b":
            self.redirect(302, "/loop/a")
        elif path.startswith("/hops/"):
            remaining = int(path.split("/")[2])
            if remaining <= 0:
                self.send_body(200, FEED)
            else:
                self.redirect(302, "/hops/%d" % (remaining - 1))
        elif path == "/moved/start":
            self.redirect(301, "/moved/middle")
        elif path == "/moved/middle":
            self.redirect(308, "/moved/final")
        elif path == "/moved/final":
            self.send_body(200, FEED)
        elif path == "/temp-then-moved":
            self.redirect(302, "/moved/middle")
        elif path == "/oversize":
            size = number("mb", 12) << 20
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            try:
                chunk = b"x" * 65536
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/oversize-chunked":
            size = number("mb", 12) << 20
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                chunk = b"x" * 65536
                for _ in range(size // len(chunk)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/gzip-bomb":
            body = gzip_bomb(number("mb", 64))
            self.send_body(200, body, "application/rss+xml", [("Content-Encoding", "gzip")])
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "10000")
            self.end_headers()
            self.wfile.write(FEED[:100])
            self.wfile.flush()
            self.close_connection = True
        elif path.startswith("/encoded/"):
            kind = path.split("/")[2]
            half = len(FEED) // 2
            raw = zlib.compressobj(6, zlib.DEFLATED, -15)
            bodies = {
                "gzip-members": ("gzip", gzip.compress(FEED[:half]) + gzip.compress(FEED[half:])),
                "deflate": ("deflate", zlib.compress(FEED)),
                "deflate-raw": ("deflate", raw.compress(FEED) + raw.flush()),
                "gzip-corrupt": ("gzip", gzip.compress(FEED)[:12] + b"\xff" * 40),
                "compress": ("compress", FEED),
            }
            coding, body = bodies[kind]
            self.send_body(200, body, "application/rss+xml; charset=utf-8",
                           [("Content-Encoding", coding)])
        elif path == "/html":
            self.send_body(200, HTML, "text/html; charset=utf-8")
        elif path == "/wrong-charset":
            self.send_body(200, FEED, "application/rss+xml; charset=ISO-8859-1")
        elif path.startswith("/flaky/"):
            key = path.split("/")[2]
            with _hits_lock:
                _hits[key] = _hits.get(key, 0) + 1
                count = _hits[key]
            if count <= number("fail", 2):
                self.send_body(500, b"flaky\n", "text/plain")
            else:
                self.send_body(200, FEED)
        elif path.startswith("/hits/"):
            with _hits_lock:
                count = _hits.get(path.split("/")[2], 0)
            self.send_body(200, b"%d\n" % count, "text/plain")
        else:
            self.send_body(404, b"no such route\n", "text/plain")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    sys.stdout.write("%d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
