"""A cart service in Python that receives by HTTP pull: no AMQP client, only the REST API.

It long-polls POST /api/v1/subscriptions/{name}/pull (a subscription with `delivery: pull`) and,
for each leased delivery (messageId, attempt, message):
- a message already in the inbox (a duplicate) is acked again and skipped;
- every --fail-every-th order fails on its first attempt: it is nacked with retry (it comes back
  after the subscription's backoff, attempt + 1);
- every --abandon-every-th order is dropped on its first attempt, as if this consumer had died
  holding it: neither acked nor nacked, its lease expires and it comes back (attempt + 1);
- otherwise the inbox row and the effect are written in one sqlite transaction, then the message
  is acked (POST /api/v1/subscriptions/{name}/acks).

Stops when --expect distinct messages were applied, or after --timeout seconds, and writes a JSON
summary (the order numbers applied, in the order of application) to --out.
"""
import argparse
import json
import sqlite3
import sys
import time

from rms import RmsClient


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--subscription", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--max", type=int, default=10)
    p.add_argument("--wait", type=int, default=5)
    p.add_argument("--lease", type=int, default=30)
    p.add_argument("--fail-every", type=int, default=0)
    p.add_argument("--abandon-every", type=int, default=0)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    client = RmsClient(args.url, args.api_key)
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("create table if not exists inbox (message_id text primary key, attempt int)")
    db.execute("create table if not exists effects (order_id int not null, message_id text)")
    stats = {"deliveries": 0, "duplicates": 0, "nacked": 0, "abandoned": 0, "polls": 0}

    def every(n, order_id):
        return n > 0 and order_id % n == 0

    def handle(delivery):
        stats["deliveries"] += 1
        message_id = delivery["messageId"]
        attempt = delivery["attempt"]
        order = delivery["message"]["payload"]
        if db.execute("select 1 from inbox where message_id = ?", (message_id,)).fetchone():
            stats["duplicates"] += 1
            client.ack(args.subscription, [message_id])
        elif every(args.abandon_every, order["orderId"]) and attempt == 1:
            stats["abandoned"] += 1  # no ack, no nack: the lease runs out
        elif every(args.fail_every, order["orderId"]) and attempt == 1:
            stats["nacked"] += 1
            client.nack(args.subscription, message_id, "first attempt fails (example)", retry=True)
        else:
            db.execute("begin")
            db.execute("insert into inbox (message_id, attempt) values (?, ?)",
                       (message_id, attempt))
            db.execute("insert into effects (order_id, message_id) values (?, ?)",
                       (order["orderId"], message_id))
            db.execute("commit")
            client.ack(args.subscription, [message_id])

    deadline = time.time() + args.timeout
    applied = 0
    while time.time() < deadline and applied < args.expect:
        stats["polls"] += 1
        for delivery in client.pull(args.subscription, max=args.max, wait_seconds=args.wait,
                                    lease_seconds=args.lease):
            handle(delivery)
        applied = db.execute("select count(distinct message_id) from effects").fetchone()[0]
    # a short grace period: late duplicates must still be skipped, not applied
    end = time.time() + 2
    while time.time() < end:
        for delivery in client.pull(args.subscription, max=args.max, wait_seconds=1,
                                    lease_seconds=args.lease):
            handle(delivery)
    effects = [row[0] for row in db.execute("select order_id from effects order by rowid")]
    summary = dict(stats, applied=effects)
    with open(args.out, "w") as f:
        json.dump(summary, f)
    print(f"pull consumer: {len(effects)} effects from {stats['deliveries']} deliveries in "
          f"{stats['polls']} polls ({stats['nacked']} nacked, {stats['abandoned']} abandoned, "
          f"{stats['duplicates']} duplicates skipped)", flush=True)
    return 0 if len(set(effects)) >= args.expect else 1


if __name__ == "__main__":
    sys.exit(main())
