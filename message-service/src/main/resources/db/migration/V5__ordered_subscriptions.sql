-- Ordered subscriptions (docs/design.md §5): FIFO per ordering key, a DEAD delivery parks only its
-- key, and an operator may discard a DEAD delivery.
alter table subscription add column ordered boolean not null default false;

-- A message's place among the messages of its ordering key, drawn while the key's lock is held
-- (so sequence order is commit order per key). Only messages prepared while their topic had an
-- ordered subscription get one; the others are never held back and hold nothing back.
create sequence message_order_seq;
alter table message add column order_seq bigint;

-- The unfinished messages of a key in prepare order: where the next delivery of a key is found.
-- DELIVERED and CANCELLED messages hold nothing back and leave the index.
create index message_ordering on message (topic, ordering_key, order_seq)
    where order_seq is not null and status in ('PREPARED', 'IN_DOUBT', 'CONFIRMED');

alter table delivery drop constraint delivery_status_check;
alter table delivery add constraint delivery_status_check
    check (status in ('WAITING', 'SCHEDULED', 'PUBLISHED', 'ACKED', 'DEAD', 'DISCARDED'));
-- deliveries held behind their key, per subscription (release when a subscription stops being ordered)
create index delivery_waiting on delivery (subscription) where status = 'WAITING';
