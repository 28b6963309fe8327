insert into app (id) values ('bench-consumer') on conflict do nothing;
insert into subscription (name, topic, app_id, queue, ack_timeout_ms, max_attempts, backoff_initial_ms, backoff_multiplier, backoff_max_ms, delivery_mode)
values ('bench.backlog', 'bench.backlog', 'bench-consumer', 'q1', 30000, 10, 1000, 2, 60000, 'pull'),
       ('bench.sub', 'bench.topic', 'bench-consumer', 'q2', 30000, 10, 1000, 2, 60000, 'amqp') on conflict do nothing;
analyze subscription;
\echo == before: one scan of delivery_due, subscriptions filtered afterwards
begin;
explain (analyze, costs off, timing off, summary on) select message_id, subscription from delivery d where status = 'SCHEDULED' and next_attempt_at <= now() and not exists (select 1 from subscription s where s.name = d.subscription and (s.paused_at is not null or (d.status = 'SCHEDULED' and s.delivery_mode = 'pull'))) order by next_attempt_at limit 100 for update skip locked;
rollback;
\echo == per subscription along delivery_pull_due (DueLeases)
begin;
explain (analyze, costs off, timing off, summary on)
select d.message_id, d.subscription
  from subscription s,
       lateral (select message_id, subscription, next_attempt_at from delivery
                 where subscription = s.name and status = 'SCHEDULED' and next_attempt_at <= now()
                 order by next_attempt_at
                 limit 500
                   for update skip locked) d
 where s.paused_at is null and s.delivery_mode <> 'pull'
 order by d.next_attempt_at
 limit 500;
rollback;
