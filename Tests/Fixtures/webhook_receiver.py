#!/usr/bin/env python3
"""A webhook receiver for tidings' end-to-end tests (python3 standard library only).

POST /hook           an alert delivery: checks Idempotency-Key == body id, the HMAC-SHA256 signature over
                     "<X-Tidings-Timestamp>.<raw body>" with --secret, and that the timestamp is within 300 s.
                     Answers 200, or the status set through /_control (e.g. 500 or 503 with Retry-After).
                     Every delivery attempt is appended to --records as one JSON line (flushed, fsync'd), so a
                     receiver restarted on the same file keeps its history.
POST /_control       JSON {"status": 503, "retry_after": 1, "times": 5} answers the next `times` deliveries
                     (or all of them when "times" is absent) with that status; {"status": 200} heals it.
GET  /_records       the records so far, as one JSON array.

--reply-delay S holds every /hook response for S seconds after the attempt is recorded (a receiver that acts on a
delivery before it answers).

Prints "LISTENING <port>" on stdout once it accepts connections (--port 0 picks a free port).
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"status": 200, "retry_after": None, "times": None}
args = None


def record(entry):
    line = json.dumps(entry, sort_keys=True) + "\n"
    with lock:
        with open(args.records, "a", encoding="utf-8") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())


def read_records():
    try:
        with open(args.records, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def reply(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        if self.path == "/_records":
            self.reply(200, json.dumps(read_records()).encode(), {"Content-Type": "application/json"})
        else:
            self.reply(404)

    def do_POST(self):
        raw = self.body()
        if self.path == "/_control":
            command = json.loads(raw or b"{}")
            with lock:
                state["status"] = int(command.get("status", 200))
                state["retry_after"] = command.get("retry_after")
                state["times"] = command.get("times")
            self.reply(204)
            return
        if self.path != "/hook":
            self.reply(404)
            return

        problems = []
        try:
            alert = json.loads(raw)
        except ValueError:
            alert = {}
            problems.append("body is not JSON")
        alert_id = alert.get("id") if isinstance(alert, dict) else None
        key = self.headers.get("Idempotency-Key")
        if key is None or key != alert_id:
            problems.append("Idempotency-Key %r does not match the alert id %r" % (key, alert_id))
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            problems.append("Content-Type is %r" % self.headers.get("Content-Type"))
        signature_ok = timestamp_ok = None
        if args.secret is not None:
            timestamp = self.headers.get("X-Tidings-Timestamp", "")
            signature = self.headers.get("X-Tidings-Signature", "")
            expected = "sha256=" + hmac.new(args.secret.encode(), timestamp.encode() + b"." + raw,
                                            hashlib.sha256).hexdigest()
            signature_ok = hmac.compare_digest(signature, expected)
            try:
                timestamp_ok = abs(time.time() - int(timestamp)) <= 300
            except ValueError:
                timestamp_ok = False
            if not signature_ok:
                problems.append("bad signature")
            if not timestamp_ok:
                problems.append("timestamp %r too far from now" % timestamp)

        with lock:
            status, retry_after = state["status"], state["retry_after"]
            if state["times"] is not None:
                state["times"] -= 1
                if state["times"] < 0:
                    status, retry_after = 200, None
                    state.update(status=200, retry_after=None, times=None)
        if problems:
            status = 400
        record({"id": alert_id, "status": status, "problems": problems, "signature_ok": signature_ok,
                "timestamp_ok": timestamp_ok, "received": time.time(), "alert": alert})
        if args.reply_delay > 0:
            time.sleep(args.reply_delay)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None and status in (429, 503) else {}
        self.reply(status, b"{}" if 200 <= status < 300 else b"no", headers)


def main():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret")
    parser.add_argument("--records", required=True)
    parser.add_argument("--reply-delay", type=float, default=0.0)
    args = parser.parse_args()
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("LISTENING %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
