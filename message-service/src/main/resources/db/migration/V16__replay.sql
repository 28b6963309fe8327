-- Replay and backfill (docs/design.md §5.2): an operator delivers a subscription's window of
-- history again. A replay is a row with a cursor over its selection (replay_item, fixed when it
-- starts), so it is idempotent by its id and resumable on any replica after a restart.
create table replay (
    id            text        primary key,
    subscription  text        not null,
    kind          text        not null check (kind in ('REPLAY', 'BACKFILL')),
    window_from   timestamptz not null,
    window_to     timestamptz not null,
    business_key  text,
    status_filter text,
    max_messages  int,
    state         text        not null check (state in ('RUNNING', 'DONE')),
    selected      int         not null,
    replayed      int         not null default 0,
    skipped       int         not null default 0,
    -- the position of the last item handled; the next step starts after it
    position      bigint      not null default 0,
    -- the last position of the selection (deferred items of an ordered subscription move behind it)
    last_position bigint      not null,
    -- pacing: the time up to which the replay has used its rate (a token bucket)
    paced_until   timestamptz not null,
    actor         text        not null,
    created_at    timestamptz not null default now(),
    finished_at   timestamptz
);
-- at most one running replay per subscription: a second one is refused (409), also when two
-- requests race on two replicas
create unique index replay_one_running on replay (subscription) where state = 'RUNNING';
create index replay_subscription on replay (subscription, created_at);

-- The messages a replay selected, in the order it delivers them (on an ordered subscription by
-- ordering key and order_seq, so a key's messages are handled together and in order). A key that
-- is busy on the subscription when its turn comes has its remaining items moved behind the last
-- position (ordering_key finds them), in their order.
create table replay_item (
    replay_id    text   not null references replay (id) on delete cascade,
    position     bigint not null,
    message_id   uuid   not null,
    ordering_key text,
    primary key (replay_id, position)
);
create index replay_item_key on replay_item (replay_id, ordering_key) where ordering_key is not null;

-- The replay a delivery's current cycle belongs to (AMQP header x-rms-replay); null for the
-- first cycle.
alter table delivery add column replay_id text;

-- A subscription created with a backfill starts with the topic's history since then.
alter table subscription add column backfill_from timestamptz;
