#!/usr/bin/env bash
# Starts the whole Audiospective system on this machine: the Kafka broker, the Spotify emulator, a local mailbox
# (GreenMail SMTP with a web page of every mail auth-service sent, deploy/mailbox) and the four
# services, as separate processes, against the local PostgreSQL and Redis. Prints where everything listens, then watches until Ctrl-C,
# which stops every process this script started (and nothing else: a broker that was already running stays).
#
#   deploy/run-local.sh [--rebuild]
#
# Environment (all optional): AUDIOSPECTIVE_HOME (state and logs, default ~/.audiospective), DB_HOST, DB_PORT,
# DB_NAME (default audiospective, created if missing), DB_USER, DB_PASSWORD, REDIS_URL, KAFKA_PORT,
# EMULATOR_PORT (default 8089), MAILBOX_SMTP_PORT (default 3025), MAILBOX_WEB_PORT (default 8025), READY_TIMEOUT (seconds per service, default 180),
# POLLING_PERIOD (how often each user is polled, default PT1H; e.g. PT2M compresses an hour into two minutes)
# and SCHEDULE_WINDOW (the scheduler's publishing window, default PT1M, PT5S when the period is shorter).
# Local secrets (service credential, token vault key, OIDC state secret) are generated once into
# $AUDIOSPECTIVE_HOME/secrets.env, and the key signing API tokens into $AUDIOSPECTIVE_HOME/api-token-signing-key.pem
# (both mode 600, never printed), so a restart keeps members signed in. Every service listens on 127.0.0.1 only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${AUDIOSPECTIVE_HOME:-$HOME/.audiospective}"
LOG_DIR="$STATE_DIR/logs"
READY_TIMEOUT="${READY_TIMEOUT:-180}"

export DB_HOST="${DB_HOST:-127.0.0.1}" DB_PORT="${DB_PORT:-5432}" DB_NAME="${DB_NAME:-audiospective}"
export DB_USER="${DB_USER:-postgres}" DB_PASSWORD="${DB_PASSWORD:-}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
EMULATOR_PORT="${EMULATOR_PORT:-8089}"
MAILBOX_SMTP_PORT="${MAILBOX_SMTP_PORT:-3025}" MAILBOX_WEB_PORT="${MAILBOX_WEB_PORT:-8025}"
# auth-service's mails (reconnect reminders) go to the local mailbox, nowhere else
export SMTP_HOST=127.0.0.1 SMTP_PORT="$MAILBOX_SMTP_PORT"
MAILBOX_CLASSPATH="$ROOT/deploy/mailbox/target/mailbox-0.1.0-SNAPSHOT.jar:$ROOT/deploy/mailbox/target/lib/*"
export POLLING_PERIOD="${POLLING_PERIOD:-PT1H}"
if [[ -z "${SCHEDULE_WINDOW:-}" && "$POLLING_PERIOD" != "PT1H" ]]; then
    export SCHEDULE_WINDOW=PT5S
fi
# auth-service signs in against the emulator instead of Spotify
export SPOTIFY_ACCOUNTS_URL="http://127.0.0.1:$EMULATOR_PORT" SPOTIFY_API_URL="http://127.0.0.1:$EMULATOR_PORT"
# the app's client secret, registered at the emulator too: auth-service's app token for catalogue look-ups
export SPOTIFY_CLIENT_SECRET="${SPOTIFY_CLIENT_SECRET:-audiospective-local-secret}"
# plain HTTP on loopback: a Secure sign-in cookie would not come back
export AUTH_SECURE_COOKIES=false
# the emulator serves its catalogue's album covers: the dashboard may load them from there
export DASHBOARD_IMAGE_ORIGINS="https://i.scdn.co,http://127.0.0.1:$EMULATOR_PORT"
EMULATOR_JAR="$ROOT/deploy/spotify-emulator/target/quarkus-app/quarkus-run.jar"

# name:port, in start order
SERVICES=(auth-service:8081 scheduler-service:8082 archive-worker:8083 api-service:8080)

started_pids=()
LOCAL_TAG=run-local
# shellcheck source=deploy/local-common.sh
source "$ROOT/deploy/local-common.sh"

cleanup() {
    trap - EXIT
    # Finish stopping even if the terminal or a pipe reading our output is already gone.
    trap "" INT TERM PIPE
    if ((${#started_pids[@]})); then
        say "stopping services"
        kill -TERM "${started_pids[@]}" 2>/dev/null || true
        for _ in $(seq 1 30); do
            alive=false
            for pid in "${started_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=true; done
            $alive || break
            sleep 1
        done
        kill -KILL "${started_pids[@]}" 2>/dev/null || true
    fi
    stop_kafka_if_started
    say "stopped"
}

check_prerequisites() {
    command -v java >/dev/null || fail "java is not on the PATH"
    pg_isready -q -h "$DB_HOST" -p "$DB_PORT" || fail "PostgreSQL does not answer at $DB_HOST:$DB_PORT"
    local redis_host_port="${REDIS_URL#redis://}"
    redis_host_port="${redis_host_port%%/*}"
    [[ "$(redis-cli -h "${redis_host_port%%:*}" -p "${redis_host_port##*:}" ping 2>/dev/null)" == "PONG" ]] \
        || fail "Redis does not answer at $REDIS_URL"
    for service in "${SERVICES[@]}" "spotify-emulator:$EMULATOR_PORT" "mailbox:$MAILBOX_SMTP_PORT" \
        "mailbox:$MAILBOX_WEB_PORT"; do
        port_in_use "${service#*:}" && fail "port ${service#*:} (${service%%:*}) is already in use"
    done
    return 0
}

# Secrets for this machine only: generated on first use, kept out of the source tree and never printed.
load_local_secrets() {
    local secrets="$STATE_DIR/secrets.env"
    if [[ ! -f "$secrets" ]]; then
        say "generating local secrets in $secrets"
        (
            umask 077
            cat >"$secrets" <<SECRETS
SERVICE_TOKEN=$(openssl rand -base64 32)
VAULT_KEYS=local1:$(openssl rand -base64 32)
VAULT_ACTIVE_KEY_ID=local1
OIDC_STATE_SECRET=$(openssl rand -base64 32)
SECRETS
        )
    fi
    set -a
    # shellcheck disable=SC1090
    source "$secrets"
    set +a
    # auth-service runs in the prod profile, which refuses to start without a signing key
    local signing_key="$STATE_DIR/api-token-signing-key.pem"
    if [[ ! -f "$signing_key" ]]; then
        say "generating the API token signing key in $signing_key"
        (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$signing_key" 2>/dev/null)
    fi
    export API_TOKEN_SIGNING_KEY="$(cat "$signing_key")"
}

# An API token with the admin role (deploy/admin-token.sh): the scheduler's admin endpoints take nothing else.
admin_token() {
    "$ROOT/deploy/admin-token.sh"
}

ensure_database() {
    local exists
    exists=$(PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
    if [[ "$exists" != "1" ]]; then
        say "creating database $DB_NAME"
        PGPASSWORD="$DB_PASSWORD" psql -q -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres \
            -c "CREATE DATABASE \"$DB_NAME\""
    fi
}

build_if_needed() {
    local missing=false
    for service in "${SERVICES[@]}"; do
        [[ -f "$ROOT/${service%%:*}/target/quarkus-app/quarkus-run.jar" ]] || missing=true
    done
    [[ -d "$ROOT/deploy/mailbox/target/lib" ]] || missing=true
    if $missing || [[ "${1:-}" == "--rebuild" ]]; then
        say "building (tests skipped; run them with ./mvnw -B verify)"
        (cd "$ROOT" && ./mvnw -B -q -DskipTests install)
    fi
}

start_service() {
    local name="$1" port="$2"
    HTTP_PORT="$port" java -Xmx384m -jar "$ROOT/$name/target/quarkus-app/quarkus-run.jar" \
        >"$LOG_DIR/$name.log" 2>&1 &
    started_pids+=($!)
}

start_emulator() {
    EMULATOR_HOST=127.0.0.1 EMULATOR_PORT="$EMULATOR_PORT" \
        EMULATOR_REDIRECT_URIS="http://127.0.0.1/login/spotify" EMULATOR_CLIENT_SECRET="$SPOTIFY_CLIENT_SECRET" \
        java -Xmx256m -jar "$EMULATOR_JAR" >"$LOG_DIR/spotify-emulator.log" 2>&1 &
    emulator_pid=$!
    started_pids+=("$emulator_pid")
    wait_ready spotify-emulator "$EMULATOR_PORT" "$emulator_pid" /emulator/settings
}

start_mailbox() {
    MAILBOX_SMTP_PORT="$MAILBOX_SMTP_PORT" MAILBOX_WEB_PORT="$MAILBOX_WEB_PORT" \
        java -Xmx128m -cp "$MAILBOX_CLASSPATH" io.audiospective.mailbox.LocalMailbox >"$LOG_DIR/mailbox.log" 2>&1 &
    mailbox_pid=$!
    started_pids+=("$mailbox_pid")
    wait_ready mailbox "$MAILBOX_WEB_PORT" "$mailbox_pid" /count
}

# Signs the emulator's users in through the real OAuth flow (login_hint approves without the login page).
sign_in_demo_users() {
    local users user jar authorize callback status signed_in=0
    users=$(curl -fsS "http://127.0.0.1:$EMULATOR_PORT/emulator/users" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
    for user in $users; do
        jar=$(mktemp)
        authorize=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" "http://127.0.0.1:8081/login/spotify")
        callback=$(curl -sS -o /dev/null -w '%{redirect_url}' "$authorize&login_hint=$user")
        status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$callback")
        rm -f "$jar"
        [[ "$status" == "303" ]] && signed_in=$((signed_in + 1))
    done
    say "signed in $signed_in of $(wc -w <<<"$users") demo users through the emulator"
    # A first poll right away, so the demo users' plays show up now rather than at their slot in the period.
    local token
    token=$(admin_token)
    for user in $users; do
        for _ in $(seq 1 20); do
            curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $token" \
                "http://127.0.0.1:8082/admin/users/$user/poll-now" && break
            sleep 0.5
        done
    done
}

# One line of progress: members, polls by outcome (from the worker's metrics), plays archived. Rewritten in place
# on a terminal, printed every minute otherwise.
last_progress=0
show_progress() {
    local members plays polls line
    members=$(PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" -tAc \
        "SELECT count(*) FILTER (WHERE status = 'ACTIVE') || ' active, ' || count(*) FILTER (WHERE status = 'NEEDS_REAUTH') || ' need to sign in again' FROM auth.members" 2>/dev/null || echo "?")
    plays=$(PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" -tAc \
        "SELECT count(*) FROM archive.play_events" 2>/dev/null || echo "?")
    polls=$(curl -fsS "http://127.0.0.1:8083/q/metrics" 2>/dev/null \
        | awk '/^archive_polls_total\{/ { match($0, /outcome="[^"]*"/); o = substr($0, RSTART + 9, RLENGTH - 10); n[o] += $NF }
               END { s = ""; for (o in n) s = s (s ? ", " : "") o " " int(n[o]); print (s ? s : "none yet") }')
    line="users: $members | polls: $polls | plays archived: $plays"
    if [[ -t 1 ]]; then
        printf '\r\033[K[run-local] %s' "$line"
    elif ((SECONDS - last_progress >= 60)); then
        say "$line"
        last_progress=$SECONDS
    fi
}

main() {
    mkdir -p "$LOG_DIR"
    check_prerequisites
    build_if_needed "${1:-}"
    ensure_database
    load_local_secrets
    trap cleanup EXIT
    trap 'cleanup; exit 130' INT
    trap 'cleanup; exit 143' TERM

    start_kafka_unless_running

    start_emulator
    start_mailbox
    local first_service=${#started_pids[@]}
    for service in "${SERVICES[@]}"; do
        start_service "${service%%:*}" "${service#*:}"
    done
    local i=$first_service
    for service in "${SERVICES[@]}"; do
        wait_ready "${service%%:*}" "${service#*:}" "${started_pids[$i]}"
        i=$((i + 1))
    done

    sign_in_demo_users

    cat <<INFO

Audiospective is running. Ctrl-C stops everything this script started.
  dashboard          http://127.0.0.1:8080/   (sign in as any synthetic user from the emulator's login page)
  api-service        http://127.0.0.1:8080   (OpenAPI: /q/openapi, Swagger UI: /q/swagger-ui)
  auth-service       http://127.0.0.1:8081   (sign in: http://127.0.0.1:8081/login, JWKS: /.well-known/jwks.json)
  Spotify emulator   http://127.0.0.1:$EMULATOR_PORT   (synthetic users: /emulator/users)
  mailbox            http://127.0.0.1:$MAILBOX_WEB_PORT/   (every mail auth-service sent; SMTP 127.0.0.1:$MAILBOX_SMTP_PORT)
  scheduler-service  http://127.0.0.1:8082
  archive-worker     http://127.0.0.1:8083
  each service       /q/health/live  /q/health/ready  /q/metrics
  Kafka              $KAFKA_BOOTSTRAP_SERVERS
  PostgreSQL         $DB_HOST:$DB_PORT/$DB_NAME     Redis  $REDIS_URL
  logs               $LOG_DIR
INFO

    while true; do
        kill -0 "$emulator_pid" 2>/dev/null || fail "spotify-emulator stopped unexpectedly (log: $LOG_DIR/spotify-emulator.log)"
        kill -0 "$mailbox_pid" 2>/dev/null || fail "mailbox stopped unexpectedly (log: $LOG_DIR/mailbox.log)"
        i=$first_service
        for service in "${SERVICES[@]}"; do
            kill -0 "${started_pids[$i]}" 2>/dev/null || fail "${service%%:*} stopped unexpectedly (log: $LOG_DIR/${service%%:*}.log)"
            i=$((i + 1))
        done
        show_progress
        sleep 5
    done
}

main "$@"
