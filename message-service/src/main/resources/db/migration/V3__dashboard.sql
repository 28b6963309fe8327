-- Dashboard users: form login with bcrypt hashes; the first admin comes from configuration.
create table dashboard_user (
    username      text primary key,
    password_hash text        not null,
    role          text        not null check (role in ('VIEWER', 'OPERATOR', 'ADMIN')),
    active        boolean     not null default true,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);

-- The smallest UUIDv7 of a moment: message ids are UUIDv7, so "created since ts" becomes a primary
-- key range (id >= rms_uuid_floor(ts)) that the dashboard's time-bounded queries scan cheaply.
-- (A classic SQL body, not PostgreSQL 14's "return ...", so older servers run it too.)
create function rms_uuid_floor(ts timestamptz) returns uuid
    language sql immutable strict parallel safe
as $$
    select (lpad(to_hex(floor(extract(epoch from ts) * 1000)::bigint), 12, '0')
            || '00000000000000000000')::uuid
$$;

-- IN_DOUBT messages are rare and wait for an operator: a small partial index finds them all.
create index message_in_doubt on message (id) where status = 'IN_DOUBT';
-- audit page (operator and admin events) and recent check-back outcomes per app
create index message_event_type on message_event (type, id);
