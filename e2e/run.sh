#!/usr/bin/env bash
# The fault-injection suite (docs/reliability.md): builds what it needs, starts its own PostgreSQL
# instances, a three-node RabbitMQ cluster, service instances, producer and consumer, runs the
# scenarios and prints their figures (also written to e2e/target/e2e-work/figures.md; process logs
# next to it).
#
#   e2e/run.sh            # short run (CI): a few hundred messages per scenario
#   e2e/run.sh long       # long run: >= 100k messages in total
#   E2E_SCENARIOS=s01,s07 e2e/run.sh    # a subset
#   E2E_SCENARIOS=model MODEL_SEEDS=25 e2e/run.sh   # only the ordering model test, 25 seeds
#   (MODEL_SEED: the first seed, MODEL_STEPS: steps per seed, MODEL_LEAVE_OUT: step kinds not
#   drawn, e.g. STRAY_NACK,CHANGE_TOPIC; see docs/reliability.md)
#
# Needs PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin) and rabbitmq-server, and for
# s17 Debian's patroni and etcd-server; as root they run as the postgres / rabbitmq users. Nothing
# else on the machine is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-short}
exec ./mvnw -B -ntp -Pe2e -pl e2e -am verify \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -De2e.scale="$scale" -De2e.scenarios="${E2E_SCENARIOS:-}" \
  ${MODEL_SEED:+-Dmodel.seed="$MODEL_SEED"} ${MODEL_SEEDS:+-Dmodel.seeds="$MODEL_SEEDS"} \
  ${MODEL_STEPS:+-Dmodel.steps="$MODEL_STEPS"} ${MODEL_LEAVE_OUT:+-Dmodel.leaveOut="$MODEL_LEAVE_OUT"}
