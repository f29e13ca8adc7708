#!/usr/bin/env bash
# A member's first import, the case members meet: a generated Extended Streaming History (200,000 entries over ten
# years naming 30,000 tracks the catalogue does not know) uploaded to a fresh system whose emulator runs in
# development mode with a rate limit, while other members are polled. Prints seconds until stats count every imported
# play, the catalogue completion's rate and projected end, Spotify calls per track, live polling latency before and
# during the import, and for scale the same file once its tracks are known and a raw COPY.
#
#   deploy/first-import-benchmark.sh [entries=200000] [tracks=30000] [years=10] [follow=PT5M] [live=20] [rate=600]
#
# The same as: cd system-tests && ../mvnw verify -Dbenchmark=true -Dtest=FirstImportBenchmark -Dfirst-import.follow=...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/deploy/system-benchmark.sh" FirstImportBenchmark first-import "$@"
