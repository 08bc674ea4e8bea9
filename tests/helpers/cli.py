"""The command line run inside the test's process: ``playground(*args)`` is ``playground …`` in a
shell, without a new interpreter's start-up for every call.

What it runs is the console script's own ``main`` with its arguments; its output is captured and
its exit code returned (argparse's exits included), as a subprocess's would be. What a command may
change in the process it runs in (the BLAS thread count, the SIGINT handler) is put back. The
tests of the process itself (Ctrl-C, the installed script) still start a real one.
"""

from __future__ import annotations

import io
import json
import signal
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from threadpoolctl import threadpool_limits


@dataclass
class Run:
    """What a run of the command line left: like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


def playground(*args: str, timeout: float | None = None) -> Run:
    """``playground *args``, in this process (``timeout`` is pytest-timeout's job here)."""
    from playground.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGINT)
    with redirect_stdout(out), redirect_stderr(err), threadpool_limits(limits=None):
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as exit_:  # argparse's --help and usage errors
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
            if isinstance(exit_.code, str):
                err.write(exit_.code)
        finally:
            signal.signal(signal.SIGINT, handler)
    return Run(code or 0, out.getvalue(), err.getvalue())


def last_json(run: Run) -> dict:
    """The JSON report a ``--json`` run prints last."""
    return json.loads(run.stdout.strip().splitlines()[-1])
