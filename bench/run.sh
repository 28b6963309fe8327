#!/usr/bin/env bash
# Builds the service and the harness (package, in the reactor: nothing is installed), then runs the
# benchmark: the service as a separate process, three PostgreSQL instances of the harness's own
# (the service's, the producer app's, the consumer app's; production-like settings, deleted at the
# end) and the machine's RabbitMQ (127.0.0.1:5672; queues under the run's prefix, deleted at the
# end). Results: a table on stdout, bench/results/<timestamp>.{json,md} and bench/results/latest.md.
# Knobs (environment):
#   BENCH_SECONDS        per measured run (default 10)
#   BENCH_CONCURRENCY    closed-loop sweep (default 4,8,16,32,64)
#   BENCH_SCENARIOS      default sdk,pull,lifecycle,prepare,send (also: prepare-confirm, keyed, ordered,
#                        push: the service pushes to a receiver in the harness; replay: the sdk flow
#                        at half load, plain and beside a paced replay, after sdk; sdk-generator:
#                        the sdk generator and business transaction without the producer SDK, CPU
#                        per committed order; docs/bench.md)
#   BENCH_ORDERING_KEYS  ordering keys of the keyed and ordered scenarios (default 1000)
#   BENCH_LEVERS         default no-group-commit,no-producer-batching,java25
#                        (also: java25-virtual-threads; aot: service and consumer app on Java 25,
#                        each with a JDK 25 AOT cache the run trains first, BENCH_AOT_TRAINING s
#                        of sdk load, then a clean stop that writes the caches under the work dir;
#                        not counted as warm-up; fails the run if a cache is not used; tracing:
#                        on in service, producer app and consumer app, exported over OTLP/HTTP to
#                        a sink in the harness; tracing-no-export: on, no exporter; default: the
#                        default again; none; one setting as producer:<property>=<value>,
#                        consumer:<property>=<value> or service:<property>=<value>;
#                        producer:bench.own-resolver=true: the producer without its log)
#   BENCH_REPLAY_RATE    the service's replay pacing, rms.replay.rate (default 100, its default)
#   BENCH_GROWTH_ROWS    finished messages seeded for the growth row (default 1000000; 0: no row)
#   BENCH_BACKLOG        due deliveries seeded with them (default 100000)
#   BENCH_WARMUP_WINDOW  seconds per warm-up window (default 5)
#   BENCH_WARMUP_MAX     longest warm-up per scenario in seconds (default 180)
#                        (each row's warm-up seconds: the report's "Warm-up until steady" table)
#   BENCH_AOT_TRAINING   seconds of sdk load that train the aot lever's caches (default 30)
#   BENCH_PROFILE=0      no JFR profiles (the three JVMs during one extra sdk window at the highest
#                        concurrency; the service during a lifecycle closed loop)
#   BENCH_RAW_LATENCY_RATE, BENCH_SERVICE_JVM_ARGS, BENCH_JAVA25, BENCH_PG_BIN, BENCH_KEEP_LOGS=1
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -Pbench -pl bench,message-service -am package -DskipTests \
  -Dspotless.check.skip=true
exec java -Xmx2g -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" io.rms.bench.Bench \
  message-service/target/message-service-0.1.0-SNAPSHOT-exec.jar bench/results
