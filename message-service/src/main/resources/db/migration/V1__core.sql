-- Registry: apps and subscriptions (Spring Data JPA).
create table app (
    id                text primary key,
    api_key_hashes    text[]      not null default '{}',
    produces          text[]      not null default '{}',
    check_back_url    text,
    check_back_secret text,
    roles             text[]      not null default '{}',
    active            boolean     not null default true,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);

create table subscription (
    name               text primary key,
    topic              text             not null,
    app_id             text             not null references app (id),
    queue              text             not null,
    ack_timeout_ms     bigint           not null check (ack_timeout_ms > 0),
    max_attempts       int              not null check (max_attempts > 0),
    backoff_initial_ms bigint           not null,
    backoff_multiplier double precision not null,
    backoff_max_ms     bigint           not null,
    active             boolean          not null default true,
    created_at         timestamptz      not null default now(),
    updated_at         timestamptz      not null default now()
);
create index subscription_topic on subscription (topic) where active;

-- Messages. The id is a UUIDv7, so ordering by id is ordering by creation (keyset pagination).
-- Every status change is a compare-and-set: UPDATE ... WHERE id = ? AND status = ANY(?).
create table message (
    id                  uuid primary key,
    app_id              text        not null,
    producer_message_id text,
    topic               text        not null,
    status              text        not null
        check (status in ('PREPARED', 'CONFIRMED', 'DELIVERED', 'CANCELLED', 'IN_DOUBT')),
    content_type        text        not null,
    payload             bytea       not null,
    content_hash        bytea       not null,
    business_key        text,
    ordering_key        text,
    headers             jsonb,
    deliver_after       timestamptz,
    created_at          timestamptz not null default now(),
    confirmed_at        timestamptz,
    finished_at         timestamptz,
    check_count         int         not null default 0,
    next_check_at       timestamptz,
    pending_deliveries  int         not null default 0
) with (fillfactor = 90);

-- idempotent prepare
create unique index message_producer_message_id
    on message (app_id, producer_message_id) where producer_message_id is not null;
-- check-back sweep: PREPARED messages due for a check
create index message_check_due on message (next_check_at) where status = 'PREPARED';
-- list and dashboard filters, keyset on id
create index message_app_id on message (app_id, id);
create index message_app_status on message (app_id, status, id);
create index message_app_topic on message (app_id, topic, id);
create index message_app_business_key on message (app_id, business_key) where business_key is not null;
-- retention: finished messages by age
create index message_finished on message (finished_at) where finished_at is not null;

-- One delivery per (message, subscription). next_attempt_at is when the redelivery sweep looks at
-- it next: the due time when SCHEDULED, the ack deadline when PUBLISHED.
create table delivery (
    message_id      uuid        not null references message (id) on delete cascade,
    subscription    text        not null,
    status          text        not null check (status in ('SCHEDULED', 'PUBLISHED', 'ACKED', 'DEAD')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz,
    ack_deadline    timestamptz,
    published_at    timestamptz,
    acked_at        timestamptz,
    last_error      text,
    created_at      timestamptz not null default now(),
    primary key (message_id, subscription)
) with (fillfactor = 80);

-- recovery sweeps: due SCHEDULED and overdue PUBLISHED deliveries
create index delivery_due on delivery (status, next_attempt_at) where status in ('SCHEDULED', 'PUBLISHED');
-- stats, dead deliveries per subscription, bulk redeliver
create index delivery_subscription_status on delivery (subscription, status);

-- Everything off the happy path, append-only. message_id is null for registry/audit entries.
create table message_event (
    id           bigint generated always as identity primary key,
    message_id   uuid references message (id) on delete cascade,
    at           timestamptz not null default now(),
    type         text        not null,
    subscription text,
    actor        text        not null,
    detail       jsonb
);
create index message_event_message on message_event (message_id, id);
create index message_event_at on message_event (at);
