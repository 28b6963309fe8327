-- Pull subscriptions (docs/design.md, "Pull subscriptions"): a pull caller leases its
-- subscription's due SCHEDULED deliveries, oldest due first, with FOR UPDATE SKIP LOCKED.
-- delivery_due ((status, next_attempt_at) over every subscription) would make one subscription's
-- lease walk past the due rows of all others; this index walks only its own, in due order.
create index delivery_pull_due on delivery (subscription, next_attempt_at) where status = 'SCHEDULED';
