#!/usr/bin/env bash
# Usage: scripts/pg-stop.sh DIR
# Stops the cluster that scripts/pg-start.sh started in DIR (fast shutdown; immediate,
# then SIGKILL, if that hangs) and removes DIR. Safe to call when the cluster never
# started or DIR is already gone.
set -uo pipefail

if [[ $# -ne 1 || -z $1 ]]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
[[ -d $dir ]] || exit 0
dir=$(cd "$dir" && pwd)
bin=/usr/lib/postgresql/15/bin

as_pg=()
[[ $(id -u) -eq 0 ]] && as_pg=(runuser -u postgres --)

status=0
if [[ -f $dir/data/postmaster.pid ]]; then
    if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 &&
        ! "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1; then
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
            echo "pg-stop: pg_ctl stop failed; killing postmaster $pid" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
fi

if [[ -f $dir/.onramp-pg && $dir != / ]]; then
    rm -rf "$dir" || status=1
else
    echo "pg-stop: $dir was not made by pg-start.sh; not removing it" >&2
    status=1
fi
exit "$status"
