#!/usr/bin/env python3
"""A push receiver for the reliable message service: only the Python standard library.

The service POSTs each delivery of a push subscription to this server (docs/design.md, push).
The receiver checks the signature before anything else (HMAC-SHA256 of the bytes
X-RMS-Timestamp + "." + body, one "sha256=<hex>" entry per valid service secret, a 5-minute
tolerance), keeps an inbox of the message ids it applied (a push can arrive twice: at least
once), and answers 204 to ack. A push whose signature does not verify is answered 401 (the
service counts that as a failed attempt, so a wrong secret shows up as retries and DEAD
deliveries, never as silently applied forgeries).

--busy-every N answers the first push of every Nth message with 429 and Retry-After: 1, to show
that the service comes back after that second with the same X-RMS-Attempt.
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

TOLERANCE_SECONDS = 300


def verify(secrets, timestamp, signature, body, now=None):
    """True when one sha256= entry of the signature header matches one of the secrets."""
    if not timestamp or not signature:
        return False
    try:
        at = int(timestamp.strip())
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - at) > TOLERANCE_SECONDS:
        return False
    signed = timestamp.strip().encode("utf-8") + b"." + body
    entries = [e.strip() for e in signature.split(",")]
    ok = False
    for secret in secrets:
        expected = "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
        for entry in entries:
            ok |= hmac.compare_digest(expected, entry)
    return ok


class Inbox:
    """The ids applied, each once, and what the receiver saw."""

    def __init__(self, busy_every):
        self.lock = threading.Lock()
        self.applied = []
        self.seen = set()
        self.duplicates = 0
        self.refused = 0
        self.busy = []
        self.busy_every = busy_every
        self.pushes = 0
        self.arrivals = 0

    def summary(self):
        with self.lock:
            return {"applied": list(self.applied), "duplicates": self.duplicates,
                    "refused": self.refused, "busy": list(self.busy), "pushes": self.pushes}


def handler(secrets, inbox):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if not verify(secrets, self.headers.get("X-RMS-Timestamp"),
                          self.headers.get("X-RMS-Signature"), body):
                with inbox.lock:
                    inbox.refused += 1
                self.answer(401)
                return
            message = json.loads(body)
            message_id = self.headers.get("X-RMS-Message-Id")
            if message.get("id") != message_id:
                self.answer(400)
                return
            attempt = self.headers.get("X-RMS-Attempt")
            with inbox.lock:
                inbox.pushes += 1
                first_time = message_id not in inbox.seen and message_id not in inbox.busy
                if first_time:
                    inbox.arrivals += 1
                if (first_time and inbox.busy_every
                        and inbox.arrivals % inbox.busy_every == 0):
                    inbox.busy.append(message_id)
                    busy = True
                else:
                    busy = False
                    if message_id in inbox.seen:
                        inbox.duplicates += 1
                    else:
                        inbox.seen.add(message_id)
                        inbox.applied.append({"id": message_id, "attempt": attempt,
                                              "payload": message.get("payload")})
            if busy:
                self.answer(429, {"Retry-After": "1"})
            else:
                self.answer(204)

        def answer(self, status, headers=None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8096)
    parser.add_argument("--secret", action="append", required=True,
                        help="a valid service secret (repeat during a rotation)")
    parser.add_argument("--busy-every", type=int, default=0)
    parser.add_argument("--out", help="write what arrived here (JSON) every half second")
    args = parser.parse_args()
    inbox = Inbox(args.busy_every)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(args.secret, inbox))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("push receiver on http://127.0.0.1:%d/" % args.port, flush=True)
    try:
        while True:
            time.sleep(0.5)
            if args.out:
                with open(args.out + ".tmp", "w") as f:
                    json.dump(inbox.summary(), f)
                os.replace(args.out + ".tmp", args.out)
    except KeyboardInterrupt:
        server.shutdown()
        return 0


if __name__ == "__main__":
    sys.exit(main())
