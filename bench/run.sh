#!/usr/bin/env bash
# Builds the service and the harness, then runs the benchmark against the local PostgreSQL and
# RabbitMQ (127.0.0.1:5432 / :5672) with the service started as a separate process.
# Results: a table on stdout, bench/results/<timestamp>.{json,md} and bench/results/latest.md.
# Knobs (environment): BENCH_SECONDS (per measured run, default 10), BENCH_CONCURRENCY
# (closed-loop sweep, default 4,8,16,32,64), BENCH_GROWTH_ROWS (default 1000000),
# BENCH_BACKLOG (default 100000), BENCH_SCENARIOS (default prepare,prepare-confirm,lifecycle,send).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -Pbench -DskipTests -Dspotless.check.skip=true install
exec java -Xmx2g -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.rms.bench.Bench \
  message-service/target/message-service-0.1.0-SNAPSHOT-exec.jar bench/results
