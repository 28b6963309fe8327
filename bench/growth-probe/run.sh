#!/usr/bin/env bash
# Growth probe: the service's schema on a PostgreSQL of its own (autovacuum on, the bench's
# settings), 10 days of finished messages (ROWS_PER_DAY each, with their acked deliveries) and a
# due backlog of BACKLOG deliveries on a pull subscription; then
#   1. EXPLAIN ANALYZE of the list, dashboard, sweep, retention and ordered-key statements
#      (explain.sql) on the plain tables;
#   2. the redelivery sweep's claim before and after DueLeases beside the pull backlog (sweep.sql);
#   3. a copy of message and delivery in schema p, partitioned by day on the UUIDv7 id
#      (partition.sql), and the same EXPLAINs on it;
#   4. retention of the oldest day: the service's batched DELETE on the plain tables against
#      dropping that day's partitions (retention.sh).
# Outputs go to OUT (default bench/results/<timestamp>-growth-probe/). Needs PostgreSQL's server
# binaries (PG_BIN, default the newest under /usr/lib/postgresql) and about 15 GB of disk at the
# default size. Timings are single runs: read plan shapes and orders of magnitude.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export PORT="${PORT:-5499}" ROWS_PER_DAY="${ROWS_PER_DAY:-1000000}" BACKLOG="${BACKLOG:-100000}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
OUT="${OUT:-$repo/bench/results/$(date -u +%Y%m%d-%H%M%S)-growth-probe}"
mkdir -p "$OUT"
dir="$(mktemp -d /tmp/growth-probe.XXXXXX)"
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else bash -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_pg "$PG_BIN/initdb -D $dir/data -U postgres -A trust >/dev/null"
cat >> "$dir/data/postgresql.conf" <<CONF
port=$PORT
listen_addresses='127.0.0.1'
unix_socket_directories='$dir'
shared_buffers=512MB
synchronous_commit=on
wal_level=replica
wal_buffers=16MB
wal_compression=on
max_wal_size=4GB
min_wal_size=1GB
checkpoint_timeout=5min
checkpoint_completion_target=0.9
autovacuum=on
autovacuum_naptime=1min
autovacuum_vacuum_scale_factor=0.05
autovacuum_vacuum_insert_scale_factor=0.05
autovacuum_analyze_scale_factor=0.02
autovacuum_vacuum_cost_limit=1000
maintenance_work_mem=256MB
CONF
as_pg "$PG_BIN/pg_ctl -D $dir/data -l $dir/log -w start >/dev/null"
trap 'as_pg "$PG_BIN/pg_ctl -D $dir/data -m fast stop >/dev/null"; rm -rf "$dir"' EXIT
psql="psql -X -h 127.0.0.1 -p $PORT -U postgres"
$psql -q -c "create database rms"
for f in $(ls "$repo"/message-service/src/main/resources/db/migration/*.sql | sort -V); do
  $psql -q -d rms -v ON_ERROR_STOP=1 -f "$f" >/dev/null
done
cd "$here"
bash seedall.sh | tee "$OUT/seed.txt"
$psql -d rms -f explain.sql > "$OUT/explain-plain.txt" 2>&1
$psql -d rms -f sweep.sql > "$OUT/sweep.txt" 2>&1
{ time $psql -q -d rms -v ON_ERROR_STOP=1 -f partition.sql; } > "$OUT/partition.txt" 2>&1
PGOPTIONS="-c search_path=p,public" $psql -d rms -f explain.sql > "$OUT/explain-partitioned.txt" 2>&1
bash retention.sh | tee "$OUT/retention.txt"
echo "growth probe: $OUT"
