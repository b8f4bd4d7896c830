#!/usr/bin/env bash
# `make test`: the whole test suite, as CI runs it (bash .ci/run → make test).
# `bash scripts/test.sh [PHASE...]` runs only the phases named (make test-postgres,
# test-e2e, test-fuzz), with the ones they need: sqlite needs build; postgres, e2e, live
# and fuzz need deps and build. Phases run in the order below whatever the order named.
#
#   1. deps      scripts/test-deps.sh (PostgreSQL 15, Chromium + chromedriver, selenium, pytest)
#   2. lint      scripts/lint.sh (swift format lint with .swift-format, text checks; no build)
#   3. build     swift build --build-tests
#   4. sqlite    swift test                 (no ONRAMP_TEST_DATABASE_URL: SQLite)
#   5. postgres  swift test on a private PostgreSQL cluster
#                (ONRAMP_TEST_DATABASE_URL=postgres://onramp:onramp@127.0.0.1:PORT/onramp_test)
#   6. e2e       .build/debug/onramp serve on a free port + python3 -m pytest Tests/e2e
#                (ONRAMP_BASE_URL, ONRAMP_TEST_OUTPUT=test-output/e2e; server log in
#                test-output/e2e/server.log)
#                A platform operator is created with `onramp create-operator` for the
#                operator dashboard tests (ONRAMP_OPERATOR_EMAIL, ONRAMP_OPERATOR_PASSWORD).
#   7. live      two servers on one private PostgreSQL; a browser on one sees changes made
#                through the other (Tests/e2e/test_across_instances.py; ONRAMP_BASE_URL_A/_B)
#   8. fuzz      schemathesis against the served /openapi.json (test-output/fuzz)
#
# Every phase runs even when an earlier phase (lint, a test phase) failed; only a failed
# deps or build phase skips the rest. Exits non-zero if any phase failed. Whatever it starts (the
# PostgreSQL cluster, the server) is stopped, and its temp dirs removed, on every exit,
# including failures and Ctrl-C.
#
# Every swift command runs with the same environment (SwiftPM re-plans the build when
# the environment changes): nothing is exported here, per-run variables go through
# `env VAR=… swift test`, and the test runs use --skip-build since the build phase built them.
# Functions are reached through traps and run_phase "$fn": not unreachable.
# shellcheck disable=SC2317
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

readonly ALL_PHASES=(deps lint build sqlite postgres e2e live fuzz)

usage() {
    cat <<USAGE
usage: bash scripts/test.sh [PHASE...]
  PHASE: ${ALL_PHASES[*]} (default: all of them)
  sqlite also runs build; postgres, e2e, live and fuzz also run deps and build.
USAGE
}

# The phases asked for, then the ones they need; PHASES keeps the order of ALL_PHASES.
declare -A WANT=()
for arg in "$@"; do
    case $arg in
    -h | --help)
        usage
        exit 0
        ;;
    esac
    if [[ " ${ALL_PHASES[*]} " != *" $arg "* ]]; then
        echo "test.sh: unknown phase '$arg'" >&2
        usage >&2
        exit 2
    fi
    WANT[$arg]=1
done
if (($# == 0)); then
    for p in "${ALL_PHASES[@]}"; do WANT[$p]=1; done
fi
for p in postgres e2e live fuzz; do
    if [[ -n ${WANT[$p]:-} ]]; then WANT[deps]=1 WANT[build]=1; fi
done
if [[ -n ${WANT[sqlite]:-} ]]; then WANT[build]=1; fi
PHASES=()
for p in "${ALL_PHASES[@]}"; do
    if [[ -n ${WANT[$p]:-} ]]; then PHASES+=("$p"); fi
done
readonly PHASES

# The SQLite run must not see a database URL from the caller's shell. Unset before the
# first swift command, so every swift command sees the same environment.
unset ONRAMP_TEST_DATABASE_URL

declare -A RESULT=() DURATION=()
for p in "${PHASES[@]}"; do RESULT[$p]="not run"; done
T0=$SECONDS

# State that cleanup() undoes; each is set only while the thing exists.
PG_DIR=""
PG_URL=""
SERVER_PID=""
SERVER_DATA_DIR=""
BASE=""
OUT=""
EXTRA_PIDS=()
EXTRA_DIRS=()
SINK_PID=""
SINK_FD=""
SINK_DIR=""
SERVER_EXTRA_ENV=()

# header PHASE TEXT: the phase's banner, numbered among the phases of this run.
header() {
    local phase=$1 i
    shift
    for i in "${!PHASES[@]}"; do
        [[ ${PHASES[$i]} == "$phase" ]] && break
    done
    printf '\n==> [%d/%d] %s: %s\n\n' $((i + 1)) "${#PHASES[@]}" "$phase" "$*"
}

stop_server() {
    [[ -n $SERVER_PID ]] || return 0
    local pid=$SERVER_PID
    SERVER_PID=""
    stop_processes "$pid"
}

stop_extra_servers() {
    local dir
    stop_processes ${EXTRA_PIDS[@]+"${EXTRA_PIDS[@]}"}
    EXTRA_PIDS=()
    for dir in "${EXTRA_DIRS[@]}"; do rm -rf "$dir"; done
    EXTRA_DIRS=()
}

stop_postgres() {
    [[ -n $PG_DIR ]] || return 0
    local dir=$PG_DIR
    PG_DIR=""
    scripts/pg-stop.sh "$dir"
}

summary() {
    local total=$((SECONDS - T0))
    printf '\n==> summary\n\n'
    for p in "${PHASES[@]}"; do
        if [[ -n ${DURATION[$p]:-} ]]; then
            printf '  %-9s %-8s %4ss\n' "$p" "${RESULT[$p]}" "${DURATION[$p]}"
        else
            printf '  %-9s %s\n' "$p" "${RESULT[$p]}"
        fi
    done
    printf '  total wall time: %dm%02ds\n' $((total / 60)) $((total % 60))
}

cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    for p in "${PHASES[@]}"; do
        [[ ${RESULT[$p]} == running ]] && RESULT[$p]="interrupted"
    done
    stop_server
    stop_extra_servers
    stop_smtp_sink
    [[ -n $SINK_DIR ]] && rm -rf "$SINK_DIR"
    if [[ -n $SERVER_DATA_DIR ]]; then
        rm -rf "$SERVER_DATA_DIR"
        SERVER_DATA_DIR=""
    fi
    stop_postgres || true
    summary
    exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "test.sh: interrupted" >&2; exit 130' INT
trap 'echo "test.sh: terminated" >&2; exit 143' TERM

# run_phase NAME FUNCTION: runs FUNCTION and records ok/failed and its duration.
# Phase functions run in an `if`, where `set -e` does not apply: they check every
# command themselves (`|| return 1`).
run_phase() {
    local name=$1 fn=$2 t=$SECONDS
    RESULT[$name]="running"
    if "$fn"; then
        RESULT[$name]=ok
    else
        RESULT[$name]=failed
    fi
    DURATION[$name]=$((SECONDS - t))
    [[ ${RESULT[$name]} == ok ]]
}

# start_postgres: a private PostgreSQL cluster (scripts/pg-start.sh) on a free loopback
# port; sets PG_DIR and PG_URL. stop_postgres stops it.
start_postgres() {
    local port
    PG_DIR=$(mktemp -d -t onramp-pg.XXXXXX) || return 1
    port=$(free_port) || { rm -rf "$PG_DIR"; PG_DIR=""; return 1; }
    echo "starting PostgreSQL on 127.0.0.1:$port (cluster in $PG_DIR)"
    scripts/pg-start.sh "$PG_DIR" "$port" || { stop_postgres; return 1; }
    PG_URL="postgres://onramp:onramp@127.0.0.1:$port/onramp_test"
}

phase_deps() {
    header deps "scripts/test-deps.sh"
    scripts/test-deps.sh
}

phase_lint() {
    header lint "scripts/lint.sh"
    bash scripts/lint.sh
}

phase_build() {
    header build "swift build --build-tests"
    swift build --build-tests
}

phase_sqlite() {
    header sqlite "swift test (SQLite)"
    swift test --skip-build
}

phase_postgres() {
    header postgres "swift test on PostgreSQL 15"
    local rc=0
    start_postgres || return 1
    env ONRAMP_TEST_DATABASE_URL="$PG_URL" swift test --skip-build || rc=$?
    stop_postgres || rc=1
    return "$rc"
}

# start_server NAME: starts .build/debug/onramp on a free port with a fresh data dir;
# sets SERVER_PID, SERVER_DATA_DIR and BASE; its log is test-output/NAME/server.log.
start_server() {
    local name=$1 port log
    [[ -x .build/debug/onramp ]] || { echo "test.sh: .build/debug/onramp not built" >&2; return 1; }
    OUT=test-output/$name
    rm -rf "$OUT" && mkdir -p "$OUT" || return 1
    log=$OUT/server.log
    SERVER_DATA_DIR=$(mktemp -d -t "onramp-$name.XXXXXX") || return 1
    port=$(free_port) || return 1
    BASE="http://127.0.0.1:$port"
    echo "starting onramp on $BASE (data in $SERVER_DATA_DIR, log in $log)"
    # `env` execs the server, so $! is the server's own PID. DATABASE_URL is dropped so
    # a developer's setting cannot point the test server at a real database.
    # Browser tests sign up one account each: more than the default 20 per IP and hour.
    # ONRAMP_PUBLIC_URL: the links in mails (invitations) lead to this server.
    env -u DATABASE_URL ONRAMP_ENV=testing ONRAMP_DATA_DIR="$SERVER_DATA_DIR" ONRAMP_SIGNUPS_PER_IP_PER_HOUR=1000 \
        ONRAMP_PUBLIC_URL="$BASE" ${SERVER_EXTRA_ENV[@]+"${SERVER_EXTRA_ENV[@]}"} .build/debug/onramp serve --hostname 127.0.0.1 --port "$port" \
        </dev/null >"$log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$BASE/readyz" "$SERVER_PID" 60 0.2 "$log" || { stop_server; return 1; }
    echo "server ready (pid $SERVER_PID)"
}

# finish_server RC: stops the server, shows its log tail when RC is non-zero, returns RC.
finish_server() {
    local rc=$1
    stop_server
    if ((rc != 0)); then
        echo "---- last 40 lines of the server log ($OUT/server.log) ----" >&2
        tail -n 40 "$OUT/server.log" >&2
    fi
    rm -rf "$SERVER_DATA_DIR"
    SERVER_DATA_DIR=""
    return "$rc"
}

# start_smtp_sink: a real SMTP server (aiosmtpd, scripts/smtp_sink.py) on a free loopback
# port; sets SINK_PID, SINK_DIR and SINK_PORT. Each accepted mail is SINK_DIR/mail/<n>.json.
start_smtp_sink() {
    SINK_DIR=$(mktemp -d -t onramp-smtp.XXXXXX) || return 1
    # The sink exits when its standard input closes: a FIFO this shell holds open until stop_smtp_sink.
    mkfifo "$SINK_DIR/stdin" || return 1
    python3 scripts/smtp_sink.py --mail-dir "$SINK_DIR/mail" --ready-file "$SINK_DIR/port" \
        <"$SINK_DIR/stdin" >"$SINK_DIR/sink.log" 2>&1 &
    SINK_PID=$!
    exec {SINK_FD}>"$SINK_DIR/stdin"
    local deadline=$((SECONDS + 20))
    until [[ -s $SINK_DIR/port ]]; do
        if ! kill -0 "$SINK_PID" 2>/dev/null || ((SECONDS >= deadline)); then
            echo "test.sh: the SMTP sink did not start:" >&2
            cat "$SINK_DIR/sink.log" >&2
            return 1
        fi
        sleep 0.1
    done
    SINK_PORT=$(cat "$SINK_DIR/port")
    echo "SMTP sink (aiosmtpd) on 127.0.0.1:$SINK_PORT, mail in $SINK_DIR/mail"
}

stop_smtp_sink() {
    [[ -n $SINK_FD ]] && exec {SINK_FD}>&-
    SINK_FD=""
    [[ -n $SINK_PID ]] && { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; }
    SINK_PID=""
    return 0
}

phase_e2e() {
    header e2e "browser tests (Tests/e2e) against .build/debug/onramp"
    local rc=0 operator_email="operator-e2e@example.com" operator_password="orbit lantern pebble 58"
    start_smtp_sink || return 1
    SERVER_EXTRA_ENV=("ONRAMP_SMTP_URL=smtp://127.0.0.1:$SINK_PORT")
    start_server e2e || { SERVER_EXTRA_ENV=(); stop_smtp_sink; return 1; }
    SERVER_EXTRA_ENV=()
    env -u DATABASE_URL ONRAMP_ENV=testing ONRAMP_DATA_DIR="$SERVER_DATA_DIR" \
        .build/debug/onramp create-operator --email "$operator_email" --name "Olga Operator" \
        --password "$operator_password" >>"$OUT/server.log" 2>&1 || { finish_server 1; return 1; }
    env ONRAMP_BASE_URL="$BASE" ONRAMP_TEST_OUTPUT="$OUT" \
        ONRAMP_OPERATOR_EMAIL="$operator_email" ONRAMP_OPERATOR_PASSWORD="$operator_password" \
        ONRAMP_CLI="$PWD/.build/debug/onramp" ONRAMP_DATA_DIR="$SERVER_DATA_DIR" ONRAMP_MAIL_DIR="$SINK_DIR/mail" \
        python3 -m pytest -q -p no:cacheprovider --tb=short Tests/e2e \
        --ignore=Tests/e2e/test_across_instances.py || rc=$?
    ((rc == 0)) || echo "---- screenshots: $OUT ----" >&2
    stop_smtp_sink
    rm -rf "$SINK_DIR"
    finish_server "$rc"
}

# Live progress across server instances: two servers share one PostgreSQL database (and
# master key); the browser test opens the wizard on B and changes onboarding through A.
phase_live() {
    header live "two servers on one PostgreSQL (LISTEN/NOTIFY across instances)"
    local rc=0 key name port dir pid
    local -a bases=()
    OUT=test-output/live
    rm -rf "$OUT" && mkdir -p "$OUT" || return 1
    start_postgres || return 1
    key=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
    for name in a b; do
        port=$(free_port) || { stop_postgres; return 1; }
        dir=$(mktemp -d -t "onramp-live-$name.XXXXXX")
        EXTRA_DIRS+=("$dir")
        env ONRAMP_ENV=testing ONRAMP_DATA_DIR="$dir" DATABASE_URL="$PG_URL" ONRAMP_MASTER_KEY="$key" \
            .build/debug/onramp serve --hostname 127.0.0.1 --port "$port" </dev/null >"$OUT/server-$name.log" 2>&1 &
        EXTRA_PIDS+=($!)
        bases+=("http://127.0.0.1:$port")
    done
    for i in 0 1; do
        pid=${EXTRA_PIDS[$i]}
        wait_ready "${bases[$i]}/readyz" "$pid" 60 || rc=1
    done
    if ((rc == 0)); then
        env ONRAMP_BASE_URL="${bases[0]}" ONRAMP_BASE_URL_A="${bases[0]}" ONRAMP_BASE_URL_B="${bases[1]}" \
            ONRAMP_TEST_OUTPUT="$OUT" python3 -m pytest -q -p no:cacheprovider --tb=short \
            Tests/e2e/test_across_instances.py || rc=$?
    fi
    stop_extra_servers
    if ((rc != 0)); then
        for name in a b; do
            echo "---- last 30 lines of $OUT/server-$name.log ----" >&2
            tail -n 30 "$OUT/server-$name.log" >&2 || true
        done
    fi
    stop_postgres || rc=1
    return "$rc"
}

# Property-based API fuzzing: schemathesis generates requests from /openapi.json and
# checks every response against the document (status codes, schemas, headers, problem
# details), with a signed-up tenant's API token.
phase_fuzz() {
    header fuzz "schemathesis against /openapi.json"
    local rc=0 token
    start_server fuzz || return 1
    token=$(signup "$BASE" "Fuzz Co" Fuzz fuzz@example.com | json_field api_token) || { finish_server 1; return 1; }
    python3 -m schemathesis.cli --config-file Tests/fuzz/schemathesis.toml run "$BASE/openapi.json" \
        -H "Authorization: Bearer $token" --checks all --max-examples 40 \
        --seed 20261121 --report junit --report-dir "$OUT" || rc=$?
    finish_server "$rc"
}

# run PHASE: runs the phase if this run includes it; fails if it failed.
run() {
    [[ -n ${WANT[$1]:-} ]] || return 0
    run_phase "$1" "phase_$1"
}

failed=0
if run deps; then
    run lint || failed=1
fi
if [[ ${RESULT[deps]:-ok} == ok ]] && run build; then
    for p in sqlite postgres e2e live fuzz; do
        run "$p" || failed=1
    done
else
    failed=1
    for p in "${PHASES[@]}"; do
        if [[ ${RESULT[$p]} == "not run" ]]; then RESULT[$p]="skipped"; fi
    done
fi
exit "$failed"
