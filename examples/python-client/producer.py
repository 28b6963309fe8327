"""An order service in Python: prepare -> local transaction (sqlite) -> confirm or cancel.

Each order is prepared with producerMessageId "order-<n>" (so a retried prepare is harmless), then
the order row and the message id are written in one sqlite transaction, which commits or (for
every --rollback-every-th order) rolls back; then the message is confirmed or cancelled. For every
--die-every-th order the producer "dies" before confirming or cancelling: the service's signed
check-back asks this process's /rms/check-back, which answers from the database: COMMIT when the
order row exists, ROLLBACK when it does not.

Writes a JSON summary (committed and rolled-back order numbers, message ids) to --out and keeps
answering check-backs until every message it prepared is decided (not PREPARED any more).
"""
import argparse
import json
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rms import CheckBackVerifier, RmsClient


def open_db(path):
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.execute("create table if not exists orders (id integer primary key, message_id text unique,"
               " customer text not null)")
    return db


def check_back_server(port, verifier, db, lock):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            verdict = verifier.verify(self.headers.get("X-RMS-Timestamp"),
                                      self.headers.get("X-RMS-Signature"), body)
            if verdict != "VALID":
                self._answer(401, {"error": verdict})
                return
            message_id = json.loads(body)["messageId"]
            with lock:
                row = db.execute("select 1 from orders where message_id = ?",
                                 (message_id,)).fetchone()
            # the order row and the message id commit together: a row means COMMIT; no row
            # means the transaction rolled back (or never ran): ROLLBACK
            decision = "COMMIT" if row else "ROLLBACK"
            # the service believes only a signed answer
            self._answer(200, {"decision": decision}, verifier.sign_answer(message_id, decision))

        def _answer(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def place_order(client, db, lock, topic, n, rollback, dies):
    message = client.prepare(topic, {"orderId": n, "customer": f"c{n % 7}"},
                             producer_message_id=f"order-{n}", business_key=str(n))
    message_id = message["id"]
    with lock:
        db.execute("begin")
        db.execute("insert into orders (id, message_id, customer) values (?, ?, ?)",
                   (n, message_id, f"c{n % 7}"))
        if rollback:
            db.execute("rollback")
        else:
            db.execute("commit")
    if not dies:
        if rollback:
            client.cancel(message_id)
        else:
            client.confirm(message_id)
    return message_id


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--topic", default="order.created")
    p.add_argument("--check-back-port", type=int, required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--orders", type=int, default=40)
    p.add_argument("--rollback-every", type=int, default=5)
    p.add_argument("--die-every", type=int, default=7)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    client = RmsClient(args.url, args.api_key)
    db = open_db(args.db)
    lock = threading.Lock()
    server = check_back_server(args.check_back_port, CheckBackVerifier(args.secret), db, lock)
    print(f"check-back listening on {args.check_back_port}", flush=True)

    committed, rolled_back, died, ids = [], [], [], {}
    for n in range(1, args.orders + 1):
        rollback = n % args.rollback_every == 0
        dies = n % args.die_every == 0
        ids[n] = place_order(client, db, lock, args.topic, n, rollback, dies)
        (rolled_back if rollback else committed).append(n)
        if dies:
            died.append(n)

    # keep answering check-backs until the service has decided every message
    deadline = time.time() + args.timeout
    pending = dict(ids)
    while pending and time.time() < deadline:
        for n, message_id in list(pending.items()):
            if client.get(message_id)["status"] != "PREPARED":
                del pending[n]
        time.sleep(0.5)
    server.shutdown()
    summary = {"committed": committed, "rolledBack": rolled_back, "died": died,
               "messageIds": {str(n): i for n, i in ids.items()},
               "undecided": sorted(pending)}
    with open(args.out, "w") as f:
        json.dump(summary, f)
    print(f"producer: {len(committed)} committed, {len(rolled_back)} rolled back, "
          f"{len(died)} left to the check-back, {len(pending)} undecided", flush=True)
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main())
