-- Stats rollup (docs/design.md §6.1): GET /api/v1/stats answers from counts of the finished
-- rows (final status, never changed again but by replay and retention) folded up to a watermark,
-- plus exact counts of the rows finished after it and of the live ones. So a call costs in
-- proportion to the live work and the short slice after the watermark, not to the history.

-- When a delivery finished: ACKED rows have acked_at (every version sets it); a discard now sets
-- discarded_at. A DISCARDED row of an earlier version has neither: its finish is 'infinity', so it
-- is never folded and always counted with the recent slice (they are few: an operator's discards).
alter table delivery add column discarded_at timestamptz;

-- The fold and the stats read finished deliveries by finish time (as message_finished does for
-- messages). The expression is StatsRollup.DELIVERY_FINISH; a query must spell it so to use the index.
create index delivery_finished on delivery ((coalesce(acked_at, discarded_at, 'infinity'::timestamptz)))
    where status in ('ACKED', 'DISCARDED');
-- The planner ignores the expression statistics of a partial index: without these (PostgreSQL 14+,
-- built by the next ANALYZE) it guesses that a third of the rows finished after the watermark and
-- may read a subscription's whole history through delivery_subscription_status instead.
create statistics delivery_finish on (coalesce(acked_at, discarded_at, 'infinity'::timestamptz))
    from delivery;

-- Finished messages per (app, topic, final status) and finished deliveries per (subscription,
-- final status) with finish time <= stats_fold.watermark. Kept exact by the fold (adds), retention
-- (subtracts what it deletes) and replay (subtracts what it reopens), each in its own transaction.
create table message_count (
    app_id text   not null,
    topic  text   not null,
    status text   not null check (status in ('DELIVERED', 'CANCELLED')),
    n      bigint not null,
    primary key (app_id, topic, status)
);
create table delivery_count (
    subscription text   not null,
    status       text   not null check (status in ('ACKED', 'DISCARDED')),
    n            bigint not null,
    primary key (subscription, status)
);

-- One row: everything finished at or before the watermark is in the counts. It only moves forward,
-- by compare-and-set (update ... where watermark = <the one read>), so two folds never add one
-- range twice. Retention and replay hold it FOR SHARE while they subtract, so no fold moves it
-- between their reading it and their commit.
create table stats_fold (
    id        boolean     primary key default true check (id),
    watermark timestamptz not null
);
insert into stats_fold (watermark) values ('-infinity');
