#!/usr/bin/env python3
"""Runs a command and reports its peak resident memory.

    peak_rss.py CMD [ARG...]

The command inherits stdin, stdout and stderr. After it ends, the last line on stderr is
    peak_rss_mib=123.4
(getrusage(RUSAGE_CHILDREN).ru_maxrss, the largest RSS of the command or of any descendant it
waited for, in MiB). The exit status is the command's own, or 128+N if signal N ended it;
127 if it could not be started. SIGTERM and SIGINT sent to this wrapper are passed on to it.
"""
import resource
import signal
import subprocess
import sys


def main():
    if len(sys.argv) < 2:
        print("usage: peak_rss.py CMD [ARG...]", file=sys.stderr)
        return 2
    try:
        child = subprocess.Popen(sys.argv[1:])
    except OSError as error:
        print(f"peak_rss.py: cannot run {sys.argv[1]}: {error}", file=sys.stderr)
        print("peak_rss_mib=0.0", file=sys.stderr)
        return 127

    def forward(signum, _frame):
        try:
            child.send_signal(signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    rc = child.wait()
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    sys.stdout.flush()
    print(f"peak_rss_mib={peak_kib / 1024:.1f}", file=sys.stderr, flush=True)
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main())
