-- :day from 1..10 (days ago), :n finished messages each (psql -v), UUIDv7 ids in time order

insert into message (id, app_id, producer_message_id, topic, status, content_type, payload, content_hash,
                     created_at, confirmed_at, finished_at)
select (lpad(to_hex(t.ms), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text || 'x'), 1, 15))::uuid,
       'bench-producer', 'pm-' || :day || '-' || i, 'bench.topic', 'DELIVERED', 'application/json',
       convert_to(repeat('x', 256), 'UTF8'), '\x00',
       to_timestamp(t.ms / 1000.0), to_timestamp(t.ms / 1000.0), to_timestamp(t.ms / 1000.0 + 0.05)
  from generate_series(1, :n) as i,
       lateral (select ((extract(epoch from date_trunc('day', now()) - make_interval(days => :day)) * 1000)::bigint
                        + (i::bigint * 86400000 / :n)) as ms) t;
