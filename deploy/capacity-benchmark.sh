#!/usr/bin/env bash
# The capacity benchmark: registers synthetic users through the real sign-in, lets the system poll them and
# measures the sustained polling path (scheduler -> Kafka -> archive-worker -> PostgreSQL -> plays): user-polls/s,
# plays/s, slot-to-archived p50/p99, CPU and RSS per process; beside it the same plays written one row per statement
# and by raw COPY. Prints a table.
#
#   deploy/capacity-benchmark.sh [users=18000] [period=PT1M] [measure=PT2M] [workers=2] [apis=1] [time-scale=1]
#
# 18,000 users polled every minute is 300 user-polls/s: one million users polled hourly, per machine of this size.
# The same as: cd system-tests && ../mvnw verify -Dbenchmark=true -Dtest=CapacityBenchmark -Dcapacity.users=18000 ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/deploy/system-benchmark.sh" CapacityBenchmark capacity "$@"
