-- The producer SDK's prepared-message log (see docs/sdk.md). A row with rolled_back = false is
-- written in the business transaction that sent the message, so it exists if and only if that
-- transaction committed. A row with rolled_back = true is a tombstone the check-back resolver
-- writes when it answers ROLLBACK; a late business transaction then fails on the primary key
-- instead of committing after its message was cancelled.
create table if not exists rms_producer_log (
    message_id  uuid        primary key,
    topic       text        not null,
    rolled_back boolean     not null default false,
    created_at  timestamptz not null default now()
);
create index if not exists rms_producer_log_created on rms_producer_log (created_at);
