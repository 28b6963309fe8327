-- Keys the replicas share, made once by the first replica that starts (insert ... on conflict do
-- nothing) and read by every replica at start: e.g. the HMAC key of the OIDC login's
-- authorization-request cookie.
create table login_key (
    name       text        primary key,
    secret     bytea       not null check (length(secret) >= 32),
    created_at timestamptz not null default now()
);
