#!/usr/bin/env bash
# Proves that `./mvnw quarkus:dev` starts every service against the local infrastructure with no variable exported:
# starts the local KRaft broker as deploy/run-local.sh does (unless one runs already), then each service in dev mode
# with an empty environment (PATH, HOME and JAVA_HOME only) on its usual port, waits until each reports
# /q/health/live UP, stops them all and exits non-zero when any did not come up.
#
#   deploy/dev-mode-check.sh [maven option...]   e.g. -Dmaven.repo.local=/path/to/repository
#
# Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (what dev mode defaults to) and ports 8080-8083
# free. It installs the modules the services depend on (shared-model, service-support, test-support, web-dashboard,
# the parent POM) into the local repository, where dev mode resolves them; the first run downloads dev mode's own
# dependencies (Dev UI and the like) from Maven Central (pass -o to stay
# offline once they are there). It takes about 2 minutes on 2 quiet cores; system-tests' DevModeSystemTest runs it. Environment (optional):
# AUDIOSPECTIVE_HOME (logs in $AUDIOSPECTIVE_HOME/logs/dev-mode-check), READY_TIMEOUT (seconds per service,
# default 600: four dev-mode builds at once are slow on a small machine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${AUDIOSPECTIVE_HOME:-$HOME/.audiospective}"
LOG_DIR="$STATE_DIR/logs/dev-mode-check"
READY_TIMEOUT="${READY_TIMEOUT:-600}"
LOCAL_TAG=dev-mode-check
# shellcheck source=deploy/local-common.sh
source "$ROOT/deploy/local-common.sh"

# name:port; the usual ports, so each finds the others (auth-service's JWKS) at its defaults
SERVICES=(auth-service:8081 scheduler-service:8082 archive-worker:8083 api-service:8080)
MAVEN_OPTIONS=("$@")
started_pids=()

cleanup() {
    trap - EXIT
    trap "" INT TERM PIPE
    if ((${#started_pids[@]})); then
        say "stopping the services"
        # each dev mode runs in a process group of its own: Maven and the application JVM it forked
        for pid in "${started_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
        for _ in $(seq 1 30); do
            alive=false
            for pid in "${started_pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=true; done
            $alive || break
            sleep 1
        done
        for pid in "${started_pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    fi
    stop_kafka_if_started
}

start_dev_mode() {
    local name="$1" port="$2" java_home=()
    [[ -n "${JAVA_HOME:-}" ]] && java_home=("JAVA_HOME=$JAVA_HOME")
    (
        cd "$ROOT/$name"
        exec setsid env -i "PATH=$PATH" "HOME=$HOME" "${java_home[@]}" \
            ../mvnw -B quarkus:dev -Dquarkus.http.port="$port" -Ddebug=false -Dquarkus.console.enabled=false \
            "${MAVEN_OPTIONS[@]}"
    ) >"$LOG_DIR/$name.log" 2>&1 </dev/null &
    started_pids+=($!)
}

main() {
    mkdir -p "$LOG_DIR"
    command -v setsid >/dev/null || fail "setsid is not on the PATH"
    for service in "${SERVICES[@]}"; do
        port_in_use "${service#*:}" && fail "port ${service#*:} (${service%%:*}) is already in use"
    done
    trap cleanup EXIT
    trap 'cleanup; exit 130' INT
    trap 'cleanup; exit 143' TERM

    local started=$SECONDS
    # dev mode resolves the modules a service depends on from the local repository, which a fresh clone's
    # `./mvnw verify` never filled: install them (not the services) first
    say "installing the shared modules into the local repository"
    (cd "$ROOT" && ./mvnw -B -q install -DskipTests -Dopenapi.lint.skip=true \
        -pl .,shared-model,service-support,test-support,web-dashboard "${MAVEN_OPTIONS[@]}") \
        >"$LOG_DIR/install.log" 2>&1 || fail "installing the shared modules failed (log: $LOG_DIR/install.log)"
    start_kafka_unless_running
    for service in "${SERVICES[@]}"; do
        start_dev_mode "${service%%:*}" "${service#*:}"
    done
    local i=0
    for service in "${SERVICES[@]}"; do
        wait_ready "${service%%:*}" "${service#*:}" "${started_pids[$i]}" /q/health/live
        i=$((i + 1))
    done
    say "every service started in dev mode with nothing exported, in $((SECONDS - started)) s (logs: $LOG_DIR)"
}

main "$@"
