#!/usr/bin/env python3
"""Real clients of tidings' web server, for Tests/DaemonTests/WebEndToEndTests.swift.

  web_clients.py feed URL            feedparser's reading of an Atom feed, as one JSON object
  web_clients.py raw HOST PORT HEX   sends the hex-decoded bytes as they are, prints the status code (or "closed")
  web_clients.py long HOST PORT N    a GET of a path N bytes long, prints the status code (or "closed")
  web_clients.py hold HOST PORT N    opens N idle connections, one client sending its request a byte a second and
                                     one reading its response a byte a second; prints "ready" once all are open,
                                     then a progress line a second: "slow_reader=BYTES slow_sender=SENT idle_open=K";
                                     stops by itself after 150 s (or when killed)
"""
import html
import json
import socket
import sys
import time


def feed(url):
    import feedparser
    parsed = feedparser.parse(url)
    entries = []
    for entry in parsed.entries:
        content = entry.get("content", [{}])[0].get("value", "")
        entries.append({"id": entry.get("id"), "title": entry.get("title"), "link": entry.get("link"),
                        "updated": entry.get("updated"), "content_text": html.unescape(content), "content": content})
    print(json.dumps({"bozo": bool(parsed.bozo), "version": parsed.version, "title": parsed.feed.get("title"),
                      "entries": entries}))


def raw(host, port, payload):
    with socket.create_connection((host, port), timeout=20) as connection:
        try:
            connection.sendall(payload)
        except OSError:
            pass  # the server may close on an oversized request before reading it all
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    print(parts[1] if len(parts) > 1 and parts[0].startswith("HTTP/") else "closed")


def hold(host, port, count):
    idle = [socket.create_connection((host, port), timeout=20) for _ in range(count)]
    reader = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)  # small window: the server must wait for us
    reader.connect((host, port))
    reader.sendall(b"GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n")
    sender = socket.create_connection((host, port), timeout=20)
    request = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: " + b"s" * 400 + b"\r\n\r\n"
    print("ready", flush=True)
    received = sent = 0
    deadline = time.time() + 150
    while time.time() < deadline:
        try:
            reader.settimeout(1.0)
            chunk = reader.recv(1)
            received += len(chunk)
        except socket.timeout:
            pass
        except OSError:
            pass
        if sent < len(request):
            try:
                sender.sendall(request[sent:sent + 1])
                sent += 1
            except OSError:
                pass
        open_count = 0
        for connection in idle:
            try:
                connection.setblocking(False)
                if connection.recv(1, socket.MSG_PEEK) != b"":
                    open_count += 1
            except BlockingIOError:
                open_count += 1
            except OSError:
                pass
        print("slow_reader=%d slow_sender=%d idle_open=%d" % (received, sent, open_count), flush=True)
        time.sleep(1.0)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "feed":
        feed(sys.argv[2])
    elif mode == "raw":
        raw(sys.argv[2], int(sys.argv[3]), bytes.fromhex(sys.argv[4]))
    elif mode == "long":
        raw(sys.argv[2], int(sys.argv[3]), b"GET /" + b"a" * int(sys.argv[4]) + b" HTTP/1.1\r\nHost: test\r\n\r\n")
    elif mode == "hold":
        hold(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
