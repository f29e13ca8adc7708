#!/usr/bin/env bash
# Benchmark of GET /v1/me/player/recently-played over loopback.
# Starts the packaged emulator on EMULATOR_PORT (default 18089) unless EMULATOR_URL points at a running one,
# runs the load generator (bounded in count and time), then stops the emulator it started.
# Arguments are passed to the load generator, e.g. ./bench.sh seconds=20 concurrency=32 users=50 limit=50
set -euo pipefail
cd "$(dirname "$0")"
MVNW=../../mvnw
if [[ ! -f target/quarkus-app/quarkus-run.jar ]]; then
  "$MVNW" -B -q package -DskipTests
fi
"$MVNW" -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
started=""
url="${EMULATOR_URL:-}"
if [[ -z "$url" ]]; then
  port="${EMULATOR_PORT:-18089}"
  url="http://127.0.0.1:${port}"
  EMULATOR_HOST=127.0.0.1 EMULATOR_PORT="$port" java ${EMULATOR_JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar \
    > target/bench-emulator.log 2>&1 &
  started=$!
  trap '[[ -n "$started" ]] && kill "$started" 2>/dev/null; wait "$started" 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do
    curl -fs "$url/emulator/clock" > /dev/null 2>&1 && break
    sleep 0.5
  done
fi
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  io.audiospective.emulator.bench.RecentlyPlayedBenchmark "url=$url" "$@"
