-- A partitioned copy of message and delivery in schema p: daily RANGE partitions on the UUIDv7 id
-- (so by creation time), the primary keys unchanged; the producerMessageId index can no longer be
-- unique across partitions (a unique index must contain the partition key).
create schema p;
create table p.message (like public.message including defaults including constraints) partition by range (id);
create table p.delivery (like public.delivery including defaults including constraints) partition by range (message_id);
do $$
declare d date;
begin
  for d in select generate_series(current_date - 11, current_date + 3, interval '1 day')::date loop
    execute format('create table p.message_%s partition of p.message for values from (%L) to (%L) with (fillfactor = 90)',
                   to_char(d, 'YYYYMMDD'), public.rms_uuid_floor(d::timestamptz), public.rms_uuid_floor((d + 1)::timestamptz));
    execute format('create table p.delivery_%s partition of p.delivery for values from (%L) to (%L) with (fillfactor = 80)',
                   to_char(d, 'YYYYMMDD'), public.rms_uuid_floor(d::timestamptz), public.rms_uuid_floor((d + 1)::timestamptz));
  end loop;
end $$;
insert into p.message select * from public.message;
insert into p.delivery select * from public.delivery;
alter table p.message add primary key (id);
alter table p.delivery add primary key (message_id, subscription);
alter table p.delivery add foreign key (message_id) references p.message (id) on delete cascade;
create index on p.message (app_id, producer_message_id) where producer_message_id is not null;
create index on p.message (next_check_at) where status = 'PREPARED';
create index on p.message (app_id, id);
create index on p.message (app_id, status, id);
create index on p.message (app_id, topic, id);
create index on p.message (app_id, business_key) where business_key is not null;
create index on p.message (finished_at) where finished_at is not null;
create index on p.message (id) where status = 'IN_DOUBT';
create index on p.message (topic, ordering_key, order_seq) where order_seq is not null and status in ('PREPARED', 'IN_DOUBT', 'CONFIRMED');
create index on p.delivery (status, next_attempt_at) where status in ('SCHEDULED', 'PUBLISHED');
create index on p.delivery (subscription, status);
create index on p.delivery (subscription) where status = 'WAITING';
create index on p.delivery (subscription, next_attempt_at) where status = 'SCHEDULED';
vacuum analyze p.message;
vacuum analyze p.delivery;
