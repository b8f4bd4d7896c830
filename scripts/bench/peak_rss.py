#!/usr/bin/env python3
"""Runs a command and reports its peak resident memory.

    peak_rss.py CMD [ARG...]

The command inherits stdin, stdout and stderr. After it ends, the last line on stderr is
    peak_rss_mib=123.4
getrusage(RUSAGE_CHILDREN).ru_maxrss in MiB: the largest RSS of the command, or of any
descendant it waited for. The exit status is the command's own, or 128+N if signal N ended it;
127 if it could not be started. SIGTERM and SIGINT sent to this wrapper are passed on to it.

Floor: Linux carries the RSS a process had before exec() into its ru_maxrss, so the figure is
never below this wrapper's forked copy of itself (~7 MiB; kept small by using fork/exec rather
than the subprocess module). When the figure is not above the wrapper's own peak RSS it is only
an upper bound, and the line reads  peak_rss_mib=7.1 at_most  (then the true figure is lower).
"""
import os
import resource
import signal
import sys


def main():
    if len(sys.argv) < 2:
        print("usage: peak_rss.py CMD [ARG...]", file=sys.stderr)
        return 2
    argv = sys.argv[1:]
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores these; the command should not
                signal.signal(sig, signal.SIG_DFL)
            os.execvp(argv[0], argv)
        except OSError as error:
            os.write(2, f"peak_rss.py: cannot run {argv[0]}: {error}\n".encode())
        os._exit(127)

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    _, status = os.waitpid(pid, 0)  # retried on EINTR (PEP 475)
    own_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    bound = " at_most" if peak_kib <= own_kib else ""
    print(f"peak_rss_mib={peak_kib / 1024:.1f}{bound}", file=sys.stderr, flush=True)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
