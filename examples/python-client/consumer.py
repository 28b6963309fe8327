"""A cart service in Python: consumes a subscription's queue with pika, exactly once per message.

For each AMQP delivery (message_id = the message id, header x-rms-attempt = the attempt):
- a message already in the inbox (a redelivered duplicate) is acknowledged again and skipped;
- every --fail-every-th order fails on its first attempt: it is nacked through the API with
  retry (the service redelivers it after the subscription's backoff, x-rms-attempt + 1);
- otherwise the inbox row and the effect are written in one sqlite transaction, then the message
  is acknowledged through the API (POST /api/v1/subscriptions/{name}/acks).
In every case the AMQP delivery itself is acked to the broker (basic.ack) after the API call:
retries and dead letters belong to the service, never requeue in the broker.

Stops when --expect distinct messages were applied, or after --timeout seconds, and writes a JSON
summary (the order numbers applied, in the order of application) to --out.
"""
import argparse
import json
import sqlite3
import sys
import time

import pika

from rms import RmsClient


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--api-key", required=True)
    p.add_argument("--subscription", required=True)
    p.add_argument("--queue", required=True)
    p.add_argument("--amqp-host", default="127.0.0.1")
    p.add_argument("--amqp-port", type=int, default=5672)
    p.add_argument("--db", required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--fail-every", type=int, default=4)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    client = RmsClient(args.url, args.api_key)
    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("create table if not exists inbox (message_id text primary key, attempt int)")
    db.execute("create table if not exists effects (order_id int not null, message_id text)")
    stats = {"deliveries": 0, "duplicates": 0, "nacked": 0}

    def handle(channel, method, properties, body):
        stats["deliveries"] += 1
        message_id = properties.message_id
        attempt = int((properties.headers or {}).get("x-rms-attempt", 1))
        order = json.loads(body)
        if db.execute("select 1 from inbox where message_id = ?", (message_id,)).fetchone():
            stats["duplicates"] += 1
            client.ack(args.subscription, [message_id])
        elif order["orderId"] % args.fail_every == 0 and attempt == 1:
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
        channel.basic_ack(delivery_tag=method.delivery_tag)

    connection = pika.BlockingConnection(pika.ConnectionParameters(
        host=args.amqp_host, port=args.amqp_port,
        credentials=pika.PlainCredentials("guest", "guest")))
    channel = connection.channel()
    channel.basic_qos(prefetch_count=20)
    channel.basic_consume(queue=args.queue, on_message_callback=handle)
    deadline = time.time() + args.timeout
    applied = 0
    while time.time() < deadline:
        connection.process_data_events(time_limit=0.5)
        applied = db.execute("select count(distinct message_id) from effects").fetchone()[0]
        if applied >= args.expect:
            break
    # a short grace period: late duplicates must still be skipped, not applied
    end = time.time() + 2
    while time.time() < end:
        connection.process_data_events(time_limit=0.5)
    connection.close()
    effects = [row[0] for row in db.execute("select order_id from effects order by rowid")]
    summary = dict(stats, applied=effects)
    with open(args.out, "w") as f:
        json.dump(summary, f)
    print(f"consumer: {len(effects)} effects from {stats['deliveries']} deliveries "
          f"({stats['nacked']} nacked, {stats['duplicates']} duplicates skipped)", flush=True)
    return 0 if len(set(effects)) >= args.expect else 1


if __name__ == "__main__":
    sys.exit(main())
