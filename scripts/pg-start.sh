#!/usr/bin/env bash
# Usage: scripts/pg-start.sh DIR PORT
# Starts a private, throw-away PostgreSQL 15 cluster in DIR (created if absent, then
# owned by the `postgres` OS user when run as root), listening on 127.0.0.1:PORT and on
# a unix socket in DIR/sock, with trust authentication for local and loopback
# connections. Creates role `onramp` (password `onramp`, superuser) and database
# `onramp_test` owned by it:
#   postgres://onramp:onramp@127.0.0.1:PORT/onramp_test
# Prints nothing but errors. Stop it and remove DIR with scripts/pg-stop.sh DIR.
# Durability is switched off (fsync, synchronous_commit, full_page_writes): tests only.
set -euo pipefail

if [[ $# -ne 2 || -z $1 || ! $2 =~ ^[0-9]+$ ]]; then
    echo "usage: $0 DIR PORT" >&2
    exit 2
fi
dir=$1
port=$2
bin=/usr/lib/postgresql/15/bin

for tool in initdb pg_ctl; do
    [[ -x $bin/$tool ]] || { echo "pg-start: $bin/$tool not found (run scripts/test-deps.sh)" >&2; exit 1; }
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# Marks DIR as ours, so pg-stop.sh may delete it.
: >"$dir/.onramp-pg"

# As root, run PostgreSQL as `postgres` (it refuses to run as root); otherwise as ourselves.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$dir"
    as_pg=(runuser -u postgres --)
fi

fail() {
    echo "pg-start: $1" >&2
    [[ -f $2 ]] && cat "$2" >&2
    exit 1
}

"${as_pg[@]}" mkdir -p "$dir/sock"
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=trust --no-sync >"$dir/initdb.log" 2>&1 ||
    fail "initdb failed" "$dir/initdb.log"

"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -t 60 \
    -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500" \
    start >/dev/null 2>"$dir/pg_ctl.err" ||
    { cat "$dir/pg_ctl.err" >&2; fail "server did not start" "$dir/pg.log"; }

"${as_pg[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE onramp LOGIN SUPERUSER PASSWORD 'onramp'" \
    -c "CREATE DATABASE onramp_test OWNER onramp" >/dev/null ||
    fail "creating role/database failed" "$dir/pg.log"
