#!/usr/bin/env bash
# Runs a benchmark of the system-tests module: a JUnit class in system-tests/src/test/java/.../bench, switched on by
# -Dbenchmark=true. Its key=value arguments become system properties under PREFIX (users=9000 -> -Dcapacity.users=9000).
# Builds the project first when a packaged service is missing. Further Maven options (-o, -Dmaven.repo.local=...)
# go in MAVEN_ARGS.
#
#   deploy/system-benchmark.sh CLASS PREFIX [key=value ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
benchmark="$1"
prefix="$2"
shift 2

properties=()
for argument in "$@"; do
    if [[ "$argument" != *=* ]]; then
        echo "[$benchmark] arguments are key=value, not: $argument" >&2
        exit 2
    fi
    properties+=("-D$prefix.$argument")
done

missing=false
for module in deploy/spotify-emulator auth-service scheduler-service archive-worker api-service; do
    [[ -f "$ROOT/$module/target/quarkus-app/quarkus-run.jar" ]] || missing=true
done
[[ -d "$ROOT/deploy/kafka-broker/target/lib" ]] || missing=true
if $missing; then
    echo "[$benchmark] building (tests skipped)"
    (cd "$ROOT" && ./mvnw -B -q install -DskipTests)
fi

cd "$ROOT"
# -Xmx1g: the heap the benchmark had when it ran as a tool (its table prints it)
exec ./mvnw -B verify -pl system-tests -Dbenchmark=true -Dtest="$benchmark" -DargLine=-Xmx1g "${properties[@]}"
