set -e
P="psql -X -q -h 127.0.0.1 -p $PORT -U postgres -d rms -v ON_ERROR_STOP=1"
start=$(date +%s)
for d in 10 9 8 7 6 5 4 3 2 1; do $P -v day=$d -v n=$ROWS_PER_DAY -f seed.sql; echo "day $d messages $(( $(date +%s) - start ))s"; done
$P -c "insert into delivery (message_id, subscription, status, attempts, acked_at, published_at, created_at) select id, 'bench.sub', 'ACKED', 1, finished_at, created_at, created_at from message"
echo "deliveries $(( $(date +%s) - start ))s"
$P -c "insert into message (id, app_id, topic, status, content_type, payload, content_hash, created_at, confirmed_at, pending_deliveries)
select (lpad(to_hex((extract(epoch from now() - interval '1 hour') * 1000)::bigint + i), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '9' || substr(md5(i::text), 4, 15))::uuid,
 'bench-producer', 'bench.backlog', 'CONFIRMED', 'application/json', convert_to('{\"n\":1}', 'UTF8'), '\x00', now() - interval '1 hour', now() - interval '1 hour', 1 from generate_series(1, $BACKLOG) as i"
$P -c "insert into delivery (message_id, subscription, status, attempts, next_attempt_at, created_at) select id, 'bench.backlog', 'SCHEDULED', 0, now(), created_at from message where topic = 'bench.backlog' and status = 'CONFIRMED'"
$P -c "vacuum analyze message" -c "vacuum analyze delivery"
echo "done $(( $(date +%s) - start ))s"
$P -Atc "select pg_size_pretty(pg_total_relation_size('message')), pg_size_pretty(pg_total_relation_size('delivery'))"
