#!/usr/bin/env bash
# Runs a tool of the system-tests module (the fault harness) on its copied classpath, building the project first
# when a packaged service or the tool itself is missing. The benchmarks run as tests: deploy/system-benchmark.sh.
#
#   deploy/system-tool.sh MAIN_CLASS [ARGS...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
main_class="$1"
shift

missing=false
for jar in deploy/spotify-emulator auth-service scheduler-service archive-worker api-service; do
    [[ -f "$ROOT/$jar/target/quarkus-app/quarkus-run.jar" ]] || missing=true
done
[[ -d "$ROOT/system-tests/target/lib" && -d "$ROOT/system-tests/target/classes" ]] || missing=true
[[ -d "$ROOT/deploy/kafka-broker/target/lib" ]] || missing=true
if $missing; then
    echo "[system-tool] building (tests skipped)"
    (cd "$ROOT" && ./mvnw -B -q install -DskipTests)
fi

cd "$ROOT"
exec java -Xmx1g -Daudiospective.root="$ROOT" -cp "system-tests/target/classes:system-tests/target/lib/*" \
    "$main_class" "$@"
