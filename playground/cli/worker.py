"""``playground worker``: a Celery worker for class mode, running the pages' long jobs.

Start one per machine that should train (each takes ``--concurrency`` jobs at once); every
worker and every ``playground serve --redis-url`` must name the same Redis.
"""

from __future__ import annotations

import argparse
import os
import socket

from playground.cli.arguments import fail, positive
from playground.limits import parse, put_in_force


def add_worker_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``playground worker``."""
    parser.add_argument(
        "--redis-url",
        required=True,
        metavar="URL",
        help="the class's Redis, e.g. redis://127.0.0.1:6379/0 (the same as the server's)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive(int),
        default=os.cpu_count() or 1,
        help="jobs this worker trains at once (default: one per core)",
    )
    parser.add_argument("--name", default=None, help="the worker's name in Celery (default: playground-<pid>@host)")
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a limit, as for `playground serve` (use the same ones)",
    )


def run_worker(args: argparse.Namespace) -> int:
    """Check Redis, then run a Celery worker in this process until it is stopped."""
    from playground.app.server.classmode import redis_problem
    from playground.app.server.jobs import REDIS_VARIABLE

    try:
        limits = parse(",".join(args.limit))
    except ValueError as error:
        return fail(f"--limit: {error}")
    problem = redis_problem(args.redis_url)
    if problem:
        return fail(problem)
    put_in_force(limits)
    os.environ[REDIS_VARIABLE] = args.redis_url
    from playground.app.worker import celery

    name = args.name or f"playground-{os.getpid()}@{socket.gethostname()}"
    print(f"playground worker {name}: {args.concurrency} job(s) at once from {args.redis_url}", flush=True)
    celery.worker_main(
        [
            "worker",
            "--concurrency",
            str(args.concurrency),
            "--pool",
            "prefork",
            "--hostname",
            name,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
    return 0
