# Shell code the scripts share; `source scripts/lib.sh` (from the repository root) or
# `source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"`. Defines functions only: sourcing it
# sets no shell option and runs nothing. Messages go to stderr, prefixed with $LIB_PREFIX
# (default: the calling script's file name).
# shellcheck shell=bash

lib_prefix() {
    printf '%s' "${LIB_PREFIX:-${0##*/}}"
}

# free_port: prints a TCP port on 127.0.0.1 that is free right now (the kernel picks it).
free_port() {
    python3 -c '
import socket
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
'
}

# now_us: wall clock in µs, from bash's microsecond clock.
now_us() {
    echo "${EPOCHREALTIME/[.,]/}"
}

# wait_ready URL PID TIMEOUT_S [POLL_S [LOG]]: polls URL (every POLL_S seconds, default 0.2)
# until it answers 200; fails, saying why, if PID exits first or TIMEOUT_S pass. On failure
# prints LOG (the server's log), if given.
wait_ready() {
    local url=$1 pid=$2 timeout=$3 poll=${4:-0.2} log=${5:-} deadline=$((SECONDS + $3)) code
    while :; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)
        [[ $code == 200 ]] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$(lib_prefix): the server exited before $url answered 200" >&2
            break
        fi
        if ((SECONDS >= deadline)); then
            echo "$(lib_prefix): $url did not answer 200 within $timeout s (last status: ${code:-none})" >&2
            break
        fi
        sleep "$poll"
    done
    if [[ -n $log ]]; then
        echo "---- server log ($log) ----" >&2
        cat "$log" >&2
        echo "---- end of server log ----" >&2
    fi
    return 1
}

# stop_processes PID...: SIGTERM to each, then up to 10 s for each to exit (a graceful
# shutdown) before SIGKILL; reaps them. PIDs already gone are fine.
stop_processes() {
    local pid
    for pid in "$@"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "$@"; do
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "$(lib_prefix): process $pid ignored SIGTERM for 10 s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

# signup BASE ORGANIZATION NAME EMAIL [PASSWORD]: signs a new tenant up through the API
# (POST BASE/api/v1/auth/signup) and prints the response body (JSON: api_token, tenant, …).
# Fails on any error status.
signup() {
    local base=$1 body
    body=$(python3 -c '
import json, sys
keys = ("organization_name", "name", "email", "password")
print(json.dumps(dict(zip(keys, sys.argv[1:])), separators=(",", ":")))
' "$2" "$3" "$4" "${5:-violet tractor marmalade 77}") || return 1
    curl -sf -X POST "$base/api/v1/auth/signup" -H 'Content-Type: application/json' -d "$body"
}

# json_field KEY...: prints the value at KEY (a nested one: KEY KEY …) of the JSON on stdin.
json_field() {
    python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[key]
print(value)
' "$@"
}

# apt_install PACKAGE...: installs Debian packages quietly (through sudo when not root and
# sudo exists).
apt_install() {
    local sudo=()
    if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -qq update >/dev/null &&
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
