"""The command line: ``playground serve`` (the default), ``train``, ``evaluate``, ``landscape``,
``download`` and ``worker`` (class mode's Celery worker).

The recipes of training (defaults per data set, loading, preprocessing, evaluation) live
in ``playground.recipes``; these modules read arguments and print, one per command.

Exit status: 0 success, 1 a download failed, 2 bad arguments or input (including missing or
corrupt data files), 3 training diverged.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from playground.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playground`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["serve", *argv]
    args = parser.parse_args(argv)
    try:
        return command(args.command)(args)
    except KeyboardInterrupt:  # a second Ctrl-C while training, or one while loading
        print("\nplayground: interrupted", file=sys.stderr)
        return 130


def command(name: str | None):
    """The function that runs a sub-command (imported when needed: ``serve`` loads the app)."""
    if name == "train":
        from playground.cli.train import run_train as run
    elif name == "evaluate":
        from playground.cli.evaluate import run_evaluate as run
    elif name == "landscape":
        from playground.cli.landscape import run_landscape as run
    elif name == "download":
        from playground.cli.download import run_download as run
    elif name == "worker":
        from playground.cli.worker import run_worker as run
    else:
        from playground.cli.serve import run_serve as run
    return run
