#!/usr/bin/env bash
# `make bench`: builds the release binary and measures, on this machine:
#   - cold start: process launch to the first 200 from /readyz, in ms
#   - idle resident memory (VmRSS) 1 s after readiness, and again after the load run
#   - wrk -t2 -c64 -d10s --latency on /healthz (wrk is installed from Debian if missing)
# Server: .build/release/onramp serve on a free loopback port, ONRAMP_ENV=development
# (production bcrypt cost), LOG_LEVEL=warning (no access log line per request), a
# temp ONRAMP_DATA_DIR. It is stopped, and the temp dir removed, on every exit.
# Note: wrk and the server share the machine's cores, so req/s is a lower bound.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
LIB_PREFIX=bench

SERVER_PID=""
DATA_DIR=""
LOG=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [[ -n $SERVER_PID ]] && stop_processes "$SERVER_PID"
    [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
    [[ -n $LOG ]] && rm -f "$LOG"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { # wall clock in ms, from bash's microsecond clock
    local t
    t=$(now_us)
    echo $((t / 1000))
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

echo "==> swift build -c release"
swift build -c release
bin=.build/release/onramp
[[ -x $bin ]] || { echo "bench: $bin not built" >&2; exit 1; }

if ! command -v wrk >/dev/null 2>&1; then
    echo "==> installing wrk"
    apt_install wrk || echo "bench: could not install wrk; skipping the load run" >&2
fi

port=$(free_port)
base="http://127.0.0.1:$port"
DATA_DIR=$(mktemp -d -t onramp-bench.XXXXXX)
LOG=$(mktemp -t onramp-bench-log.XXXXXX)

echo "==> starting $bin on $base"
t0=$(now_ms)
env -u DATABASE_URL ONRAMP_ENV=development LOG_LEVEL=warning ONRAMP_DATA_DIR="$DATA_DIR" \
    "$bin" serve --hostname 127.0.0.1 --port "$port" </dev/null >"$LOG" 2>&1 &
SERVER_PID=$!
wait_ready "$base/readyz" "$SERVER_PID" 60 0.01 "$LOG" || exit 1
cold_ms=$(($(now_ms) - t0))

sleep 1
idle_rss=$(rss_kib "$SERVER_PID")

rps="n/a" p99="n/a" after_rss="n/a" upd_rps="n/a" upd_p50="n/a" upd_p99="n/a" ratio="n/a"
if command -v wrk >/dev/null 2>&1; then
    echo "==> wrk -t2 -c64 -d10s --latency $base/healthz"
    wrk_out=$(wrk -t2 -c64 -d10s --latency "$base/healthz")
    printf '%s\n' "$wrk_out"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$wrk_out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$wrk_out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$wrk_out")
    if grep -q 'Non-2xx' <<<"$wrk_out"; then
        echo "bench: warning: some /healthz answers were not 2xx (see above)" >&2
    fi
    after_rss="$(rss_kib "$SERVER_PID") KiB"

    # updateOnboardingStep (issue 3's figure) beside the trivial route, same server, same run.
    token=$(signup "$base" "Bench Co" Bench bench@example.com | json_field api_token)
    echo "==> wrk -t2 -c64 -d10s --latency -s scripts/bench/update-step.lua (PATCH updateOnboardingStep)"
    upd_out=$(ONRAMP_TOKEN="$token" wrk -t2 -c64 -d10s --latency -s scripts/bench/update-step.lua "$base")
    printf '%s\n' "$upd_out"
    upd_rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$upd_out")
    upd_p50=$(awk '$1 == "50%" { print $2 }' <<<"$upd_out")
    upd_p99=$(awk '$1 == "99%" { print $2 }' <<<"$upd_out")
    ratio=$(awk -v a="$upd_rps" -v b="$rps" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }')
fi

cat <<REPORT

==> bench results (release build, ONRAMP_ENV=development, LOG_LEVEL=warning, $(nproc) cores)
  cold start to first 200 from /readyz: ${cold_ms} ms
  idle RSS 1 s after readiness:         ${idle_rss} KiB ($((idle_rss / 1024)) MiB)
  /healthz under wrk -t2 -c64 -d10s:    ${rps} req/s, p50 ${p50:-n/a}, p99 ${p99}
  updateOnboardingStep (SQLite), same:  ${upd_rps} req/s, p50 ${upd_p50}, p99 ${upd_p99}
  ratio updateOnboardingStep / healthz: ${ratio} (goal ≥ 0.3, p99 ≤ 25 ms)
  RSS after the load runs:              ${after_rss}
REPORT

# Issue 6's figures: SLA due-time computations and routing-rule evaluations per second.
echo
echo "==> .build/release/onramp-bench"
.build/release/onramp-bench

# Issue 5's figure: importing 1,000,000 Zendesk-like ticket rows (BENCH_IMPORT_ROWS to change),
# side by side with sqlite3 .import and a Python csv + sqlite3 script.
echo
bash scripts/bench-import.sh "${BENCH_IMPORT_ROWS:-1000000}"
