#!/usr/bin/env bash
# Prints a TCP port on 127.0.0.1 that is free right now (the kernel picks it): free_port
# from scripts/lib.sh, for use outside bash scripts.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
free_port
