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
