#!/usr/bin/env bash
# Local single-node Kafka broker (KRaft, broker + controller in one JVM) for Audiospective.
#
#   deploy/kafka.sh start          start in the background, return once the broker answers Kafka requests
#   deploy/kafka.sh stop           stop the broker started by this script (SIGTERM, SIGKILL after a timeout)
#   deploy/kafka.sh status         exit 0 if running, 3 if not
#   deploy/kafka.sh logs [-f]      last lines of the broker log (-f: follow)
#   deploy/kafka.sh topics         create the declared topics the broker lacks, set their declared configuration
#                                  (shared-model/.../topics.conf), then check them; `start` does this too
#   deploy/kafka.sh check-topics   only check: exit 1, naming each difference, unless every declared topic exists
#                                  as declared (plays kept forever among them)
#   deploy/kafka.sh tool CLASS ... run a Kafka CLI class on the broker classpath, e.g.
#                                  deploy/kafka.sh tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# Environment:
#   AUDIOSPECTIVE_HOME     state root (default $HOME/.audiospective); the broker uses $AUDIOSPECTIVE_HOME/kafka
#   KAFKA_PORT             client (PLAINTEXT) port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port on 127.0.0.1 (default 9093)
#   KAFKA_HEAP_OPTS        broker heap options (default "-Xms128m -Xmx512m")
#   KAFKA_START_TIMEOUT    seconds to wait for readiness (default 60)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   JAVA_HOME              honoured; otherwise `java` from PATH
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
MODULE_DIR="$SCRIPT_DIR/kafka-broker"
LIB_DIR="$MODULE_DIR/target/lib"
CONFIG_DIR="$MODULE_DIR/src/main/config"
# the one list of topics and their configuration (also read by the tests' broker and the Kubernetes manifests' test)
TOPICS_CONF="$REPO_ROOT/shared-model/src/main/resources/io/audiospective/model/topics.conf"
ENSURE_TOPICS="$MODULE_DIR/src/main/tools/EnsureTopics.java"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

STATE_DIR="${AUDIOSPECTIVE_HOME:-$HOME/.audiospective}/kafka"
DATA_DIR="$STATE_DIR/data"
LOG_DIR="$STATE_DIR/logs"
PID_FILE="$STATE_DIR/kafka.pid"
LOCK_FILE="$STATE_DIR/kafka.lock"
CLUSTER_ID_FILE="$STATE_DIR/cluster.id"
SERVER_PROPERTIES="$STATE_DIR/server.properties"
SERVER_LOG="$LOG_DIR/server.log"
CONSOLE_LOG="$LOG_DIR/console.log"
PROBE_PROPERTIES="$STATE_DIR/probe-client.properties"

BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

if [[ -n "${JAVA_HOME:-}" ]]; then
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA="java"
fi

log() { printf 'kafka.sh: %s\n' "$*"; }
err() { printf 'kafka.sh: ERROR: %s\n' "$*" >&2; }

usage() {
    sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

check_port_value() {
    local name="$1" value="$2"
    if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
        err "$name must be a TCP port number, got '$value'"
        exit 2
    fi
}

# Serialise start/stop of concurrent callers (e.g. two run scripts) on the same state dir.
take_lock() {
    mkdir -p "$STATE_DIR"
    exec 9>"$LOCK_FILE"
    if ! flock -w 120 9; then
        err "another kafka.sh is busy with $STATE_DIR (lock $LOCK_FILE)"
        exit 1
    fi
}

# Build target/lib from Maven Central artifacts when it is missing.
ensure_classpath() {
    if ! compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
        log "broker classpath missing, building it: ./mvnw -B -q -f deploy/kafka-broker/pom.xml package"
        (cd "$REPO_ROOT" && ./mvnw -B -q -f deploy/kafka-broker/pom.xml package)
        if ! compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
            err "build finished but $LIB_DIR has no kafka_2.13 jar"
            exit 1
        fi
    fi
    if ! command -v "$JAVA" >/dev/null 2>&1; then
        err "java not found ('$JAVA'); install a JDK 17+ or set JAVA_HOME"
        exit 1
    fi
}

# Prints the pid if the pid file names a live JVM running kafka.Kafka with our server.properties.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid cmdline
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    [[ -n "$pid" ]] || return 1
    [[ -r "/proc/$pid/cmdline" ]] || return 1
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    if [[ "$cmdline" == *" kafka.Kafka $SERVER_PROPERTIES"* ]]; then
        printf '%s\n' "$pid"
        return 0
    fi
    return 1
}

# True if something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_server_properties() {
    local tmp="$SERVER_PROPERTIES.tmp"
    sed -e "s|@BROKER_PORT@|$KAFKA_PORT|g" \
        -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
        -e "s|@DATA_DIR@|$DATA_DIR|g" \
        "$CONFIG_DIR/server.properties.template" >"$tmp"
    mv -f "$tmp" "$SERVER_PROPERTIES"
}

tool_java() {
    "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
        -Dlog4j2.configurationFile="$CONFIG_DIR/tools-log4j2.properties" \
        -cp "$LIB_DIR/*" "$@"
}

# Format the storage once; the cluster id is kept in $CLUSTER_ID_FILE.
format_storage_once() {
    if [[ -f "$DATA_DIR/meta.properties" ]]; then
        return 0
    fi
    local cluster_id
    if [[ -s "$CLUSTER_ID_FILE" ]]; then
        cluster_id="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
    else
        cluster_id="$(tool_java kafka.tools.StorageTool random-uuid | tr -d '[:space:]')"
        printf '%s\n' "$cluster_id" >"$CLUSTER_ID_FILE"
    fi
    log "formatting $DATA_DIR (cluster id $cluster_id)"
    mkdir -p "$DATA_DIR"
    if ! tool_java kafka.tools.StorageTool format \
        --config "$SERVER_PROPERTIES" --cluster-id "$cluster_id" >>"$LOG_DIR/format.log" 2>&1; then
        err "storage format failed, see $LOG_DIR/format.log:"
        tail -n 20 "$LOG_DIR/format.log" >&2
        exit 1
    fi
}

# One readiness probe: the broker must answer a real Kafka request (list topics through the Admin API).
probe_ready() {
    timeout 20 "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
        -Dlog4j2.configurationFile="$CONFIG_DIR/tools-log4j2.properties" \
        -cp "$LIB_DIR/*" org.apache.kafka.tools.TopicCommand \
        --bootstrap-server "$BOOTSTRAP" --command-config "$PROBE_PROPERTIES" --list
}

show_log_tail() {
    local f
    for f in "$CONSOLE_LOG" "$SERVER_LOG"; do
        if [[ -s "$f" ]]; then
            printf -- '--- last lines of %s ---\n' "$f" >&2
            tail -n 25 "$f" >&2
        fi
    done
}

where() {
    printf 'kafka.sh: bootstrap servers 127.0.0.1:%s (controller 127.0.0.1:%s), data %s, log %s\n' \
        "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$DATA_DIR" "$SERVER_LOG"
}

cmd_start() {
    check_port_value KAFKA_PORT "$KAFKA_PORT"
    check_port_value KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
    take_lock
    local pid
    if pid="$(running_pid)"; then
        log "already running (pid $pid)"
        where
        return 0
    fi
    rm -f "$PID_FILE"

    local port
    for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
        if port_in_use "$port"; then
            err "127.0.0.1:$port is already in use by another process (not a broker started by this script from $STATE_DIR)"
            exit 1
        fi
    done

    ensure_classpath
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    write_server_properties
    printf '%s\n' "request.timeout.ms=3000" "default.api.timeout.ms=5000" \
        "reconnect.backoff.max.ms=500" >"$PROBE_PROPERTIES"
    format_storage_once

    local started_ms now_ms deadline_s
    started_ms="$(date +%s%3N)"
    printf '\n=== %s kafka.sh start ===\n' "$(date -Is)" >>"$CONSOLE_LOG"

    # New session (setsid): Ctrl-C in the calling terminal or script does not reach the broker.
    # The launcher shell writes its own pid and then execs java, so the pid file names the JVM.
    # 9>&-: the broker must not inherit (and so keep holding) the start/stop lock.
    # shellcheck disable=SC2016 # $1/$$/$@ belong to the inner shell
    # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of JVM options
    setsid bash -c 'printf "%s\n" "$$" >"$1"; shift; exec "$@"' kafka-launcher "$PID_FILE" \
        "$JAVA" -server $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -Djava.awt.headless=true \
        -Dkafka.logs.dir="$LOG_DIR" \
        -Dlog4j2.configurationFile="$CONFIG_DIR/log4j2.properties" \
        -cp "$LIB_DIR/*" \
        kafka.Kafka "$SERVER_PROPERTIES" \
        </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- &

    log "starting broker on $BOOTSTRAP, waiting up to ${KAFKA_START_TIMEOUT}s for it to answer"
    deadline_s=$(($(date +%s) + KAFKA_START_TIMEOUT))
    local probe_out=""
    while true; do
        if ! pid="$(running_pid)"; then
            # the launcher may not have written the pid file yet
            sleep 0.3
            if ! pid="$(running_pid)"; then
                err "broker process exited during startup"
                show_log_tail
                rm -f "$PID_FILE"
                exit 1
            fi
        fi
        if port_in_use "$KAFKA_PORT" && probe_out="$(probe_ready 2>&1)"; then
            break
        fi
        if (($(date +%s) >= deadline_s)); then
            err "broker (pid $pid) did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s (KAFKA_START_TIMEOUT); stopping it"
            if [[ -n "$probe_out" ]]; then
                printf -- '--- last readiness probe ---\n%s\n' "$probe_out" | tail -n 10 >&2
            fi
            show_log_tail
            stop_pid "$pid" >&2
            exit 1
        fi
        sleep 0.5
    done
    # auto-creation is off: every topic must exist, with its retention, before a service uses it
    if ! run_ensure_topics ensure; then
        err "the topics could not be created as declared; stopping the broker"
        stop_pid "$pid" >&2
        exit 1
    fi
    now_ms="$(date +%s%3N)"
    log "ready (pid $pid) in $(((now_ms - started_ms) / 1000)).$(printf '%03d' $(((now_ms - started_ms) % 1000)))s"
    where
}

# True while the process exists and is not a zombie (the broker is our child right after `start`).
pid_alive() {
    local state
    state="$(ps -o stat= -p "$1" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z* ]]
}

# SIGTERM (Kafka shuts down cleanly), SIGKILL after KAFKA_STOP_TIMEOUT seconds; removes the pid file.
stop_pid() {
    local pid="$1"
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while pid_alive "$pid"; do
        if ((waited >= KAFKA_STOP_TIMEOUT * 10)); then
            err "broker did not exit ${KAFKA_STOP_TIMEOUT}s after SIGTERM, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_stop() {
    take_lock
    local pid
    if ! pid="$(running_pid)"; then
        if [[ -f "$PID_FILE" ]]; then
            log "not running (removing stale pid file)"
            rm -f "$PID_FILE"
        else
            log "not running"
        fi
        return 0
    fi
    stop_pid "$pid"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        log "running (pid $pid)"
        where
        return 0
    fi
    log "not running"
    return 3
}

cmd_logs() {
    if [[ ! -f "$SERVER_LOG" ]]; then
        log "no log yet at $SERVER_LOG"
        return 0
    fi
    if [[ "${1:-}" == "-f" ]]; then
        exec tail -n 50 -F "$SERVER_LOG"
    fi
    tail -n 100 "$SERVER_LOG"
}

# EnsureTopics.java through the JDK's source launcher on the broker classpath: one JVM for all topics.
run_ensure_topics() {
    "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
        -Dlog4j2.configurationFile="$CONFIG_DIR/tools-log4j2.properties" \
        -cp "$LIB_DIR/*" "$ENSURE_TOPICS" "$TOPICS_CONF" "$BOOTSTRAP" "$1"
}

cmd_topics() {
    check_port_value KAFKA_PORT "$KAFKA_PORT"
    ensure_classpath
    run_ensure_topics "$1"
}

cmd_tool() {
    if (($# == 0)); then
        err "usage: $0 tool MAIN_CLASS [ARGS...]  (e.g. org.apache.kafka.tools.TopicCommand)"
        exit 2
    fi
    ensure_classpath
    tool_java "$@"
}

main() {
    local cmd="${1:-}"
    if (($# > 0)); then
        shift
    fi
    case "$cmd" in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status || exit $? ;;
        logs) cmd_logs "$@" ;;
        topics) cmd_topics ensure ;;
        check-topics) cmd_topics check ;;
        tool) cmd_tool "$@" ;;
        -h | --help | help) usage ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
