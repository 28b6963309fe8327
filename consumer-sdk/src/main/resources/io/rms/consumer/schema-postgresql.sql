-- The consumer SDK's inbox (see docs/sdk.md): one row per message a subscription has processed,
-- written in the same local transaction as the handler's work. A redelivered message finds its row
-- and skips the handler, so the handler's effect happens once.
create table if not exists rms_inbox (
    subscription text        not null,
    message_id   uuid        not null,
    processed_at timestamptz not null default now(),
    primary key (subscription, message_id)
);
create index if not exists rms_inbox_processed on rms_inbox (processed_at);

-- A replayed message (AMQP header x-rms-replay) is applied once per replay: the replay id is part
-- of the key, so an operator's replay runs the handler again, and a redelivery within it does not.
create table if not exists rms_inbox_replay (
    subscription text        not null,
    message_id   uuid        not null,
    replay_id    text        not null,
    processed_at timestamptz not null default now(),
    primary key (subscription, message_id, replay_id)
);
create index if not exists rms_inbox_replay_processed on rms_inbox_replay (processed_at);
