# Deleting the oldest day (its finished messages with their deliveries): the service's retention
# statement in batches of 10,000 on the plain tables, against dropping that day's partitions.
P="psql -X -q -h 127.0.0.1 -p $PORT -U postgres -d rms -At"
day=$($P -c "select to_char(current_date - 10, 'YYYYMMDD')")
cut="(current_date - 9)::timestamptz"
lsn0=$($P -c "select pg_current_wal_lsn()")
t0=$(date +%s.%N); n=0
while :; do
  k=$($P -c "with d as (delete from message where id in (select id from message where finished_at < $cut and status in ('DELIVERED','CANCELLED') order by finished_at limit 10000 for update skip locked) returning 1) select count(*) from d")
  [ "$k" = 0 ] && break; n=$((n + k))
done
t1=$(date +%s.%N)
wal=$($P -c "select pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0'))")
echo "plain DELETE: $n messages in $(echo "$t1 - $t0" | bc) s, WAL $wal"
t0=$(date +%s.%N); $P -c "vacuum public.message" -c "vacuum public.delivery"; t1=$(date +%s.%N)
echo "plain: vacuum of message and delivery after it: $(echo "$t1 - $t0" | bc) s"
lsn0=$($P -c "select pg_current_wal_lsn()")
cnt=$($P -c "select count(*) from p.message_$day")
t0=$(date +%s.%N)
$P -c "begin" -c "alter table p.delivery detach partition p.delivery_$day" -c "drop table p.delivery_$day" -c "alter table p.message detach partition p.message_$day" -c "drop table p.message_$day" -c "commit"
t1=$(date +%s.%N)
wal=$($P -c "select pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn0'))")
echo "partitioned DROP: $cnt messages in $(echo "$t1 - $t0" | bc) s, WAL $wal"
