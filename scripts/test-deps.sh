#!/usr/bin/env bash
# Installs what `make test` needs on a Debian 12 machine:
#   Debian: postgresql (15), chromium, chromium-driver, curl (and python3/python3-pip if absent)
#   PyPI:   selenium, pytest, schemathesis, aiosmtpd (the SMTP server mail tests send to)
#   Debian: openssl (the SMTP server's test certificate)
# Idempotent; when everything is present it only checks (well under a second, no apt-get update).
set -euo pipefail

log() { printf 'test-deps: %s\n' "$*"; }

SUDO=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
fi

# Prints the Python modules (of pip, selenium, pytest, schemathesis, aiosmtpd) that python3 cannot import.
# One python3 start, no real import (importing selenium is slow).
missing_python_modules() {
    python3 - <<'PY'
import importlib.util
print(" ".join(m for m in ("pip", "selenium", "pytest", "schemathesis", "aiosmtpd") if importlib.util.find_spec(m) is None))
PY
}

# --- Debian packages ------------------------------------------------------------
apt_missing=()
[[ -x /usr/lib/postgresql/15/bin/initdb && -x /usr/lib/postgresql/15/bin/pg_ctl ]] &&
    command -v psql >/dev/null 2>&1 || apt_missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || apt_missing+=(chromium-driver)
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
command -v openssl >/dev/null 2>&1 || apt_missing+=(openssl)
if ! command -v python3 >/dev/null 2>&1; then
    apt_missing+=(python3 python3-pip)
elif [[ " $(missing_python_modules) " == *" pip "* ]]; then
    apt_missing+=(python3-pip) # Debian's own python3 comes without pip
fi

if ((${#apt_missing[@]} > 0)); then
    log "installing Debian packages: ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
    apt_log=$(mktemp)
    trap 'rm -f "$apt_log"' EXIT
    if ! { "${SUDO[@]}" apt-get "${apt_opts[@]}" update -qq &&
        "${SUDO[@]}" apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${apt_missing[@]}"; } \
        >"$apt_log" 2>&1; then
        cat "$apt_log" >&2
        log "apt-get failed" >&2
        exit 1
    fi
fi

# --- PyPI packages ----------------------------------------------------------------
pypi_missing=()
for mod in $(missing_python_modules); do
    [[ $mod == pip ]] && { log "python3 has no pip" >&2; exit 1; }
    pypi_missing+=("$mod")
done

if ((${#pypi_missing[@]} > 0)); then
    log "installing PyPI packages: ${pypi_missing[*]}"
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_ROOT_USER_ACTION=ignore
    pip_cmd=(python3 -m pip install --quiet --no-warn-script-location)
    # Debian's own python3 (prefix /usr) needs root and, under PEP 668,
    # --break-system-packages; a pyenv or venv python3 needs neither.
    if [[ "$(python3 -c 'import sys; print(sys.prefix)')" == /usr ]]; then
        pip_cmd=("${SUDO[@]}" "${pip_cmd[@]}")
    fi
    if ! pip_out=$("${pip_cmd[@]}" "${pypi_missing[@]}" 2>&1); then
        if grep -q externally-managed <<<"$pip_out"; then
            "${pip_cmd[@]}" --break-system-packages "${pypi_missing[@]}"
        else
            printf '%s\n' "$pip_out" >&2
            log "pip install failed" >&2
            exit 1
        fi
    fi
    still=$(missing_python_modules)
    [[ -z $still ]] || { log "python3 still cannot import: $still" >&2; exit 1; }
fi

# --- Final check: fail here, not in the middle of the tests -----------------------
for f in /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/pg_ctl \
    /usr/bin/chromium /usr/bin/chromedriver; do
    [[ -x $f ]] || { log "missing after install: $f" >&2; exit 1; }
done
