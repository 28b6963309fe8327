-- The growth row's tables: :rows finished messages (UUIDv7-ordered, two days old) with their acked
-- deliveries, and a backlog of :backlog messages whose deliveries (on a second subscription that
-- nobody consumes) are due now. Written straight into the service's tables, so this file follows
-- the service's schema of message and delivery: it is the only place that needs adapting when that
-- schema changes. Statements end with ";" at the end of a line and run one by one, in autocommit.
insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                     created_at, confirmed_at, finished_at)
select (lpad(to_hex((extract(epoch from now() - interval '2 days') * 1000)::bigint + i), 12, '0')
        || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
       'bench-producer', 'bench.topic', 'DELIVERED', 'application/json',
       convert_to(repeat('x', 256), 'UTF8'), '\x00',
       now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'
  from generate_series(1, :rows) as i;

insert into delivery (message_id, subscription, status, attempts, acked_at, created_at)
select id, 'bench.sub', 'ACKED', 1, finished_at, created_at from message
 where status = 'DELIVERED' and app_id = 'bench-producer'
   and created_at < now() - interval '1 day';

insert into message (id, app_id, topic, status, content_type, payload, content_hash,
                     created_at, confirmed_at, pending_deliveries)
select (lpad(to_hex((extract(epoch from now() - interval '1 day') * 1000)::bigint + i), 12, '0')
        || '7' || substr(md5(i::text), 1, 3) || '9' || substr(md5(i::text), 4, 15))::uuid,
       'bench-producer', 'bench.backlog', 'CONFIRMED', 'application/json',
       convert_to('{"n":1}', 'UTF8'), '\x00', now() - interval '1 day', now() - interval '1 day', 1
  from generate_series(1, :backlog) as i;

insert into delivery (message_id, subscription, status, attempts, next_attempt_at, created_at)
select id, 'bench.backlog', 'SCHEDULED', 0, now(), created_at from message
 where topic = 'bench.backlog' and status = 'CONFIRMED';

vacuum analyze message;

vacuum analyze delivery;
