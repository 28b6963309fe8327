\pset pager off
\echo == list: newest first, keyset
explain (analyze, buffers, costs off, timing off, summary on) select id, status from message where app_id = 'bench-producer' order by id desc limit 51;
\echo == list: status filter
explain (analyze, buffers, costs off, timing off, summary on) select id from message where app_id = 'bench-producer' and status = 'DELIVERED' order by id desc limit 51;
\echo == list: by producerMessageId (idempotent prepare lookup)
explain (analyze, buffers, costs off, timing off, summary on) select id from message where app_id = 'bench-producer' and producer_message_id = 'pm-3-500000';
\echo == get by id
explain (analyze, buffers, costs off, timing off, summary on) select id from message where id = (select id from message where producer_message_id = 'pm-5-777' and app_id='bench-producer') and app_id = 'bench-producer';
\echo == confirm compare-and-set by id (rolled back)
begin;
explain (analyze, buffers, costs off, timing off, summary on) update message set status = 'CONFIRMED', confirmed_at = now() from unnest(array(select id from message where topic = 'bench.backlog' limit 50)) as u(id) where message.id = u.id and message.status = 'CONFIRMED';
rollback;
\echo == check-back sweep
explain (analyze, buffers, costs off, timing off, summary on) select id from message where status = 'PREPARED' and next_check_at <= now() order by next_check_at limit 100 for update skip locked;
\echo == redelivery sweep
explain (analyze, buffers, costs off, timing off, summary on) select message_id, subscription from delivery d where status = 'SCHEDULED' and next_attempt_at <= now() and not exists (select 1 from subscription s where s.name = d.subscription and (s.paused_at is not null or (d.status = 'SCHEDULED' and s.delivery_mode = 'pull'))) order by next_attempt_at limit 100 for update skip locked;
\echo == pull lease
explain (analyze, buffers, costs off, timing off, summary on) select message_id from delivery where subscription = 'bench.backlog' and status = any('{SCHEDULED}') and next_attempt_at <= now() order by next_attempt_at limit 100 for update skip locked;
\echo == retention: oldest finished batch
explain (analyze, buffers, costs off, timing off, summary on) select id from message where finished_at < now() - interval '7 days' and status in ('DELIVERED', 'CANCELLED') order by finished_at limit 1000 for update skip locked;
\echo == dashboard: in flight
explain (analyze, buffers, costs off, timing off, summary on) select count(*) as n, min(created_at) as oldest from delivery where status in ('SCHEDULED', 'PUBLISHED');
\echo == dashboard: last 24 h by topic and status
explain (analyze, buffers, costs off, timing off, summary on) select topic, status, count(*) from (select topic, status from message where id >= rms_uuid_floor(now() - interval '24 hours') order by id desc limit 100000) recent group by 1, 2;
\echo == dashboard: ack latency last 2 h
explain (analyze, buffers, costs off, timing off, summary on) select date_trunc('minute', acked_at), count(*), avg(ms), percentile_cont(0.95) within group (order by ms) from (select d.acked_at, extract(epoch from (d.acked_at - m.confirmed_at)) * 1000 as ms from delivery d join message m on m.id = d.message_id where d.message_id >= rms_uuid_floor(now() - interval '2 hours') and m.id >= rms_uuid_floor(now() - interval '2 hours') and d.acked_at >= now() - interval '61 minutes' limit 100000) recent group by 1;
\echo == stats API: per topic and status (whole table)
explain (analyze, buffers, costs off, timing off, summary on) select topic, status, count(*) from message where app_id = 'bench-producer' group by topic, status;
\echo == stats API since V17: the fold of the history up to a minute ago (once; the stats-fold job does it in batches after an upgrade)
begin;
delete from message_count;
delete from delivery_count;
update stats_fold set watermark = now() - interval '1 minute';
explain (analyze, buffers, costs off, timing off, summary on) insert into message_count select app_id, topic, status, count(*) from message where finished_at <= (select watermark from stats_fold) and status in ('DELIVERED', 'CANCELLED') group by 1, 2, 3;
explain (analyze, buffers, costs off, timing off, summary on) insert into delivery_count select subscription, status, count(*) from delivery where status in ('ACKED', 'DISCARDED') and coalesce(acked_at, discarded_at, 'infinity'::timestamptz) <= (select watermark from stats_fold) group by 1, 2;
commit;
analyze delivery;
select watermark::text as stats_watermark from stats_fold \gset
\echo == stats API since V17: the six statements of MessageQueries.stats (rollup, finished after the watermark, live)
explain (analyze, buffers, costs off, timing off, summary on) select topic, status, n from message_count where app_id = 'bench-producer';
explain (analyze, buffers, costs off, timing off, summary on) select topic, status, count(*) from message where finished_at > :'stats_watermark'::timestamptz and app_id = 'bench-producer' and status in ('DELIVERED', 'CANCELLED') group by topic, status;
explain (analyze, buffers, costs off, timing off, summary on) select topic, status, count(*) from message where app_id = 'bench-producer' and status in ('PREPARED', 'CONFIRMED', 'IN_DOUBT') group by topic, status;
explain (analyze, buffers, costs off, timing off, summary on) select subscription, status, n from delivery_count where subscription = any('{bench.sub,bench.backlog}'::text[]);
explain (analyze, buffers, costs off, timing off, summary on) select subscription, status, count(*) from delivery where status in ('ACKED', 'DISCARDED') and coalesce(acked_at, discarded_at, 'infinity'::timestamptz) > :'stats_watermark'::timestamptz and subscription = any('{bench.sub,bench.backlog}'::text[]) group by subscription, status;
explain (analyze, buffers, costs off, timing off, summary on) select subscription, status, count(*) from delivery where subscription = any('{bench.sub,bench.backlog}'::text[]) and status in ('WAITING', 'SCHEDULED', 'PUBLISHED', 'DEAD') group by subscription, status;
\echo == ordered: key head
explain (analyze, buffers, costs off, timing off, summary on) select id from message where topic = 'bench.topic' and ordering_key = 'k1' and order_seq is not null and status in ('PREPARED','IN_DOUBT','CONFIRMED') order by order_seq limit 1;
\echo == ordered: waiting deliveries of a subscription
explain (analyze, buffers, costs off, timing off, summary on) select count(*) from delivery where subscription = 'bench.sub' and status = 'WAITING';
