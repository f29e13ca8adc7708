#!/usr/bin/env bash
# The fault harness: the whole system as separate processes (its own Kafka broker on free ports, the Spotify
# emulator, two replicas of each of the four packaged services, a fresh PostgreSQL database, Redis), hundreds of
# synthetic users over several compressed hours, with faults injected one after the other; at the end the archive
# and api-service's read model are compared with the emulator's ground truth and a report is printed. Exit status 1
# on any missing or duplicated play.
#
#   deploy/fault-harness.sh [short|long]
#
#   short  300 users, 30 s "hours", about 15 minutes: what CI runs (FaultHarnessTest in system-tests)
#   long   1,000 users, 1-minute "hours", the fault sequence stretched to about 50 minutes: a soak run
#
# Environment (optional): DB_HOST, DB_PORT, DB_USER, DB_PASSWORD (PostgreSQL), REDIS_URL. Logs of every process:
# system-tests/target/runs/<run id>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/deploy/system-tool.sh" io.audiospective.systemtest.FaultHarness "${1:-short}"
