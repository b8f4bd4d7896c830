#!/usr/bin/env bash
# `bash scripts/bench-import.sh [ROWS]` (default 1000000): the CSV import benchmark.
# Generates ROWS Zendesk-like ticket rows (scripts/bench/gen_tickets.py, fixed seed, ~319 bytes a
# row: 1M rows ≈ 319 MB, ~1 % invalid on purpose) and imports the same file, one after the other:
#   (a) sqlite3 DB ".import --csv FILE tickets_plain": no mapping or validation, one table of
#       TEXT columns (sqlite3 is installed from Debian if missing);
#   (b) scripts/bench/python_import.py: csv + sqlite3 with Onramp's validation, contact/ticket
#       dedupe, 10,000-row transactions, WAL + synchronous=NORMAL;
#   (c) .build/release/onramp import FILE --tenant SLUG into a fresh tenant (signed up through a
#       short-lived `onramp serve`, stopped again before the import) in a temp ONRAMP_DATA_DIR.
#   (d) scripts/bench/schema_floor.py: as many tickets and first messages inserted straight into
#       Onramp's own tables (schema copied from (c)'s database) with prepared statements: what
#       the storage costs by itself, without reading, mapping, validation or deduplication.
# For each: wall-clock seconds (bash's EPOCHREALTIME around the command; includes ~20 ms of the
# Python wrapper that measures memory), rows/s = ROWS / seconds, and peak RSS in MiB
# (scripts/bench/peak_rss.py: ru_maxrss of the command; "<=7.1" when the figure is no higher
# than the wrapper's own ~7 MiB floor, as for sqlite3). Then the issue's goals: onramp ≥ 0.7×
# sqlite3 .import, ≥ 1.5× python, peak RSS ≤ 200 MiB.
# The release binary must have been built (swift build -c release) before. If it has no `import`
# command yet, (c) is reported as not available and (a), (b) are still printed (exit status 0).
# Everything lives in one temp dir (TMPDIR, ~4× the CSV size in all), removed on every exit,
# like the server. Note: the file is read from the page cache (it was just written), and the
# steps run one at a time on the same cores.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
LIB_PREFIX=bench-import

ROWS=${1:-1000000}
if [[ ! $ROWS =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: bash scripts/bench-import.sh [ROWS]   (ROWS a positive integer, default 1000000)" >&2
    exit 2
fi

bin=.build/release/onramp
if [[ ! -x $bin ]]; then
    echo "bench-import: $bin is missing: run 'swift build -c release' first" >&2
    exit 1
fi

SERVER_PID=""
WORK=""

stop_server() { # TERM, up to 10 s to finish, then KILL
    [[ -n $SERVER_PID ]] && stop_processes "$SERVER_PID"
    SERVER_PID=""
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_server
    [[ -n $WORK ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# measure NAME CMD...: runs CMD under peak_rss.py with stdout in $WORK/NAME.out and stderr in
# $WORK/NAME.err; sets SECS and RSS_MIB. On failure prints its output and exits.
SECS="" RSS_MIB=""
measure() {
    local name=$1 t0 t1 rc=0
    shift
    sync # earlier steps' dirty pages are not written back during this one
    t0=$(now_us)
    python3 -I -S scripts/bench/peak_rss.py "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null || rc=$?
    t1=$(now_us)
    if ((rc != 0)); then
        echo "bench-import: $name failed (exit $rc): $*" >&2
        cat "$WORK/$name.out" "$WORK/$name.err" >&2
        exit 1
    fi
    SECS=$(awk -v d="$((t1 - t0))" 'BEGIN { printf "%.3f", d / 1e6 }')
    RSS_MIB=$(tail -n 1 "$WORK/$name.err" | sed -n 's/^peak_rss_mib=//p')
    # "7.1 at_most": no higher than the wrapper's own floor, so only an upper bound.
    [[ $RSS_MIB == *" at_most" ]] && RSS_MIB="<=${RSS_MIB% at_most}"
    return 0
}

rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }

if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "==> installing sqlite3"
    apt_install sqlite3
fi

WORK=$(mktemp -d -t onramp-bench-import.XXXXXX)
csv_file=$WORK/tickets.csv
mkdir -p "$WORK/data"
# The environment of every onramp run here: SQLite in $WORK/data (never the repo's data/).
# `env` execs the binary, so $! below is the server itself.
ONRAMP_RUN=(env -u DATABASE_URL ONRAMP_ENV=development ONRAMP_DATA_DIR="$WORK/data" LOG_LEVEL=warning "$bin")

echo "==> generating $ROWS ticket rows"
python3 scripts/bench/gen_tickets.py "$csv_file" --rows "$ROWS" --seed 42
csv_bytes=$(stat -c %s "$csv_file")

# (a) sqlite3 .import: the table does not exist, so the header names its TEXT columns.
echo "==> (a) sqlite3 .import --csv"
measure sqlite3 sqlite3 "$WORK/plain.sqlite" ".import --csv '$csv_file' tickets_plain"
a_secs=$SECS a_rss=$RSS_MIB
a_count=$(sqlite3 "$WORK/plain.sqlite" "SELECT count(*) FROM tickets_plain")
if [[ $a_count != "$ROWS" ]]; then
    echo "bench-import: sqlite3 .import stored $a_count rows, not $ROWS" >&2
    exit 1
fi
rm -f "$WORK/plain.sqlite"

echo "==> (b) python csv + sqlite3 (scripts/bench/python_import.py)"
measure python python3 scripts/bench/python_import.py "$csv_file" "$WORK/python.sqlite"
b_secs=$SECS b_rss=$RSS_MIB
b_summary=$(cat "$WORK/python.out")
echo "    $b_summary"
rm -f "$WORK/python.sqlite" "$WORK/python.sqlite-wal" "$WORK/python.sqlite-shm"

# (c) Onramp, if this build has the import command. The probe gets its own data dir: the
# binary opens (and migrates) the database before it looks at the command.
c_secs="" c_rss="" c_summary=""
if ! env -u DATABASE_URL ONRAMP_ENV=development ONRAMP_DATA_DIR="$WORK/probe" LOG_LEVEL=warning \
    timeout 60 "$bin" import --help >/dev/null 2>&1; then
    echo "==> (c) onramp import not available: '$bin import --help' fails in this build; skipping (c)"
else
    port=$(free_port)
    base="http://127.0.0.1:$port"
    echo "==> (c) creating a tenant: $bin serve on $base"
    "${ONRAMP_RUN[@]}" serve --hostname 127.0.0.1 --port "$port" </dev/null >"$WORK/serve.log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$base/readyz" "$SERVER_PID" 60 0.05 "$WORK/serve.log" || exit 1
    slug=$(signup "$base" "Bench Import Co" Bench bench@example.com | json_field tenant slug)
    stop_server
    echo "    tenant $slug; server stopped"

    echo "==> (c) onramp import $csv_file --tenant $slug"
    measure onramp "${ONRAMP_RUN[@]}" import "$csv_file" --tenant "$slug"
    c_secs=$SECS c_rss=$RSS_MIB
    c_summary=$(grep -h 'records read' "$WORK/onramp.out" "$WORK/onramp.err" | tail -n 1 || true)
    echo "    ${c_summary:-(no summary line printed)}"
    # Same validation, same outcome? Onramp prints "  tickets: N created, M rejected".
    c_tickets=$(grep -h '^ *tickets:' "$WORK/onramp.out" "$WORK/onramp.err" | tail -n 1 || true)
    [[ -n $c_tickets ]] && echo "    onramp ${c_tickets#"${c_tickets%%[! ]*}"}"
    b_created=$(sed -n 's/.*created=\([0-9]*\).*/\1/p' <<<"$b_summary")
    b_rejected=$(sed -n 's/.*rejected=\([0-9]*\).*/\1/p' <<<"$b_summary")
    if [[ $c_tickets =~ ([0-9]+)\ created.*\ ([0-9]+)\ rejected ]] &&
        [[ ${BASH_REMATCH[1]} == "$b_created" && ${BASH_REMATCH[2]} == "$b_rejected" ]]; then
        echo "    tickets created/rejected agree with python_import.py ($b_created / $b_rejected)"
    else
        echo "    note: python_import.py created $b_created and rejected $b_rejected tickets; onramp's counts differ or were not printed" >&2
    fi
    # (d) the storage's own floor: the same number of tickets and first messages inserted into
    # Onramp's tables (schema copied from the database just filled) with prepared statements.
    echo "==> (d) schema floor: $ROWS tickets + messages straight into Onramp's tables (scripts/bench/schema_floor.py)"
    d_out=$(python3 scripts/bench/schema_floor.py "$WORK/data/onramp.sqlite" "$WORK/floor.sqlite" "$ROWS")
    d_secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$d_out")
    echo "    $d_out"
fi

a_rate=$(rate "$a_secs") b_rate=$(rate "$b_secs")
row() { printf '  %-28s %10s %12s %14s\n' "$@"; }
echo
echo "==> import bench: $ROWS rows, $csv_bytes bytes ($((csv_bytes / 1048576)) MiB) CSV, $(nproc) cores, sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(python3 --version)"
row "tool" "seconds" "rows/s" "peak RSS MiB"
row "(a) sqlite3 .import --csv" "$a_secs" "$a_rate" "$a_rss"
row "(b) python csv + sqlite3" "$b_secs" "$b_rate" "$b_rss"
if [[ -n $c_secs ]]; then
    c_rate=$(rate "$c_secs")
    row "(c) onramp import" "$c_secs" "$c_rate" "$c_rss"
    [[ -n ${d_secs:-} ]] && row "(d) inserts alone, same tables" "$d_secs" "$(rate "$d_secs")" "-"
    echo
    awk -v c="$c_rate" -v a="$a_rate" -v b="$b_rate" -v m="${c_rss#<=}" 'BEGIN {
        printf "  onramp / sqlite3 .import: %.2f  (goal ≥ 0.7: %s)\n", c / a, (c / a >= 0.7 ? "met" : "NOT met")
        printf "  onramp / python:          %.2f  (goal ≥ 1.5: %s)\n", c / b, (c / b >= 1.5 ? "met" : "NOT met")
        printf "  onramp peak RSS:          %.1f MiB  (goal ≤ 200 MiB: %s)\n", m, (m <= 200 ? "met" : "NOT met")
    }'
else
    row "(c) onramp import" "n/a" "n/a" "n/a"
    echo
    echo "  onramp import not available in $bin: no ratios (goals: ≥ 0.7× sqlite3 .import, ≥ 1.5× python, peak RSS ≤ 200 MiB)"
fi
