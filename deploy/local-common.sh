# Sourced by deploy/run-local.sh and deploy/dev-mode-check.sh: how a local run reports, waits for a service and
# starts and stops the local KRaft broker (deploy/kafka.sh). Not a script of its own.
#
# The sourcing script sets ROOT (the repository), LOG_DIR (one <name>.log per process), READY_TIMEOUT (seconds a
# service may take to answer) and LOCAL_TAG (the prefix of its messages), and calls stop_kafka_if_started when it
# stops.

started_kafka=false

say() { printf '[%s] %s\n' "$LOCAL_TAG" "$*"; }
fail() { printf '[%s] ERROR: %s\n' "$LOCAL_TAG" "$*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until http://127.0.0.1:<port><path> answers 2xx; fails when the process exits or READY_TIMEOUT passes.
wait_ready() {
    local name="$1" port="$2" pid="$3" path="${4:-/q/health/ready}" deadline=$((SECONDS + READY_TIMEOUT))
    until curl -fs -o /dev/null "http://127.0.0.1:$port$path"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$LOG_DIR/$name.log" >&2
            fail "$name exited during start-up (log: $LOG_DIR/$name.log)"
        fi
        if ((SECONDS > deadline)); then
            curl -sS "http://127.0.0.1:$port$path" >&2 || true
            fail "$name was not ready after ${READY_TIMEOUT}s (log: $LOG_DIR/$name.log)"
        fi
        sleep 1
    done
    say "$name is ready on http://127.0.0.1:$port"
}

# A broker already running (started by deploy/kafka.sh) is used and left running; otherwise one is started (which
# creates the declared topics and sets their retention). Either way the topics are then checked: the run refuses
# to start on a broker whose plays would not be kept forever, since a replay from it would silently read a
# truncated history.
start_kafka_unless_running() {
    if "$ROOT/deploy/kafka.sh" status >/dev/null 2>&1; then
        say "using the Kafka broker already running on 127.0.0.1:${KAFKA_PORT:-9092} (it stays running)"
    else
        "$ROOT/deploy/kafka.sh" start
        started_kafka=true
    fi
    if ! "$ROOT/deploy/kafka.sh" check-topics; then
        fail "the broker's topics are not as declared (above). 'deploy/kafka.sh topics' sets them; plays that a
shorter retention already deleted come back with a republish from the archive (docs/runbook-republish.md)"
    fi
}

stop_kafka_if_started() {
    if $started_kafka; then
        # into the log: if our output pipe is gone, kafka.sh writing to it would die before the broker stops
        "$ROOT/deploy/kafka.sh" stop >>"$LOG_DIR/kafka-stop.log" 2>&1 || true
    fi
}
