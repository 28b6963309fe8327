-- Delivery modes (docs/design.md §10): how a subscription's deliveries reach its consumer.
--   amqp: published to the subscription's queue, the consumer reads it (the default);
--   push: published to the queue, the service's push workers POST each one to push_url;
--   pull: never published, the consumer leases them over HTTP.
alter table subscription add column delivery_mode text not null default 'amqp'
    check (delivery_mode in ('amqp', 'push', 'pull'));
alter table subscription add column push_url text;
alter table subscription add column push_timeout_ms bigint check (push_timeout_ms > 0);
alter table subscription add column push_concurrency int check (push_concurrency > 0);
alter table subscription add column push_rate double precision check (push_rate > 0);
alter table subscription add column push_pause_after_ms bigint check (push_pause_after_ms > 0);
alter table subscription add column push_secrets text[] not null default '{}';
alter table subscription add constraint subscription_push_url
    check (delivery_mode <> 'push' or push_url is not null);

-- Paused (by an operator, or by a push circuit open too long): deliveries are still created,
-- none is sent until resumed.
alter table subscription add column paused_at timestamptz;
alter table subscription add column paused_by text;
alter table subscription add column pause_reason text;
