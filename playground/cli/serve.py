"""``playground serve`` (the default command): the app on a production WSGI server.

gunicorn with threaded workers (``gthread``): a worker's threads share its CPU, its
processes share nothing, so ``--workers 2`` on a 2-core machine trains two sessions at once.
Every request passes the request guard first (``playground.app.server.guard``): body size and
time, JSON depth, the Host allow-list and the heavy-request pool.

``--debug`` runs Dash's development server instead (tracebacks in the browser, reloading):
only on 127.0.0.1, never for a room.
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
from pathlib import Path

from playground.app.server.jobs import REDIS_VARIABLE
from playground.cli.arguments import fail
from playground.limits import Limits, parse, put_in_force

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# The names a server on this machine always answers to (a page elsewhere cannot send these).
LOCAL_NAMES = {"127.0.0.1", "localhost", "[::1]"}


def default_workers() -> int:
    """The workers a class wants here: one server process per core, up to 4 (a process computes
    on one core at a time, its interpreter lock)."""
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 4))


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``playground serve``."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (0.0.0.0: every network of this machine, e.g. for a class)"
    )
    parser.add_argument("--port", type=int, default=8050, help="port")
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="server processes (default: one per core, up to 4; here %(default)s); sessions never share one's memory",
    )
    parser.add_argument("--threads", type=int, default=32, help="requests each worker handles at once")
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name or address browsers use to reach this server (repeatable; the machine's "
        "own names and addresses are allowed when bound beyond localhost)",
    )
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a request limit, e.g. --limit points=20000 (repeatable; names in playground.limits)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get(REDIS_VARIABLE),
        metavar="URL",
        help="class mode: run the long jobs on Celery workers (`playground worker --redis-url URL`) "
        "through this Redis, e.g. redis://127.0.0.1:6379/0 (default: $PLAYGROUND_REDIS_URL; "
        "without it, jobs run beside the server)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="Dash's development server with tracebacks: only with --host 127.0.0.1"
    )


def allowed_hosts(host: str, extra: list[str]) -> set[str]:
    """The Host names to answer to: localhost's, the bound address's (or, for 0.0.0.0, this
    machine's names and addresses), and any given. Anything else is refused, so a page on
    another site cannot reach the server through DNS rebinding."""
    names = set(LOCAL_NAMES) | {name.strip().lower() for name in extra if name.strip()}
    if host in ("0.0.0.0", "::", ""):
        names |= machine_names()
    elif host not in LOCAL_HOSTS:
        names.add(f"[{host}]" if ":" in host else host)
    return names


def machine_names() -> set[str]:
    """This machine's host names and the addresses others reach it by."""
    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    try:
        names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    try:  # the address of the interface that routes outwards (no packet is sent)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.254.254.254", 1))
            names.add(probe.getsockname()[0])
    except OSError:
        pass
    return {name for name in names if name}


def check_serve_arguments(args: argparse.Namespace) -> tuple[Limits | None, str | None]:
    """The limits asked for, or a message saying what is wrong with the options."""
    if args.debug and args.host not in LOCAL_HOSTS:
        return None, "--debug shows tracebacks to whoever connects: it runs only with --host 127.0.0.1"
    if not 1 <= args.workers <= 64:
        return None, "--workers: a whole number from 1 to 64"
    if not 1 <= args.threads <= 256:
        return None, "--threads: a whole number from 1 to 256"
    if not 0 <= args.port <= 65535:
        return None, "--port: 0 to 65535"
    try:
        return parse(",".join(args.limit)), None
    except ValueError as error:
        return None, f"--limit: {error}"


def run_serve(args: argparse.Namespace) -> int:
    """Start the app and print its URL."""
    limits, problem = check_serve_arguments(args)
    if problem:
        return fail(problem)
    assert limits is not None  # no problem: the limits were read
    if args.redis_url:
        from playground.app.server.classmode import redis_problem

        if problem := redis_problem(args.redis_url):
            return fail(problem)
        os.environ[REDIS_VARIABLE] = args.redis_url  # the server's processes read it
    put_in_force(limits)  # read by every worker process through the environment
    # One store of jobs and models for every process, kept across restarts of the server.
    os.environ.setdefault("PLAYGROUND_JOBS_DIR", str(default_jobs_folder()))
    hosts = allowed_hosts(args.host, args.allow_host)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Neural Playground running on http://{shown}:{args.port}/  (Ctrl+C to stop)", flush=True)
    if args.host not in LOCAL_HOSTS:
        print(f"answering to: {', '.join(sorted(hosts))} (add others with --allow-host)", flush=True)
    if args.redis_url:
        from playground.app.server.classmode import redis_memory_advice

        print(
            f"class mode: long jobs go to Celery workers through {args.redis_url}; start them with "
            f"`playground worker --redis-url {args.redis_url}`",
            flush=True,
        )
        if advice := redis_memory_advice(args.redis_url):
            print(f"class mode: {advice}", flush=True)
    if args.debug:
        from playground.app.main import create_app

        create_app(hosts).run(host=args.host, port=args.port, debug=True)
        return 0
    if not args.redis_url:
        from playground.app.server.jobs import create_disk_stores

        create_disk_stores()  # once, before the workers start (they would race to create them)
    run_gunicorn(args, hosts, limits)
    return 0


def default_jobs_folder() -> Path:
    """Where the server keeps its jobs and the sessions' models (beside the downloaded data)."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = root / "neural-playground" / "jobs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # no writable home: this run's own folder
        return Path(tempfile.mkdtemp(prefix="playground-jobs-"))
    return folder


def prepare_worker(worker) -> None:
    """gunicorn hook, before a worker takes any request: finish Dash's first-request set-up, and
    start the processes for large requests.

    Dash registers the scripts a page loads in its first request's set-up, after marking the
    set-up done: two first requests at once in a fresh worker (a browser fetching its scripts
    from the second worker of a class server) saw no scripts registered and got 400s, and the
    page stayed blank. One set-up here, before the worker accepts connections, closes that race.
    """
    server = worker.wsgi  # the Flask app (its WSGI entry is the request guard)
    with server.test_request_context("/"):
        server.preprocess_request()
    server.wsgi_app.warm()


def run_gunicorn(args: argparse.Namespace, hosts: set[str], limits: Limits) -> None:
    """Serve on gunicorn's threaded workers, in this process (no second command to learn)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}",
                "workers": args.workers,
                "worker_class": "gthread",
                "threads": args.threads,
                # A worker that stops answering its master is restarted; a request's own time is
                # bounded by the guard (body) and the CPU budgets (work).
                "timeout": 60,
                "graceful_timeout": 10,
                "keepalive": 5,
                "limit_request_line": 8190,
                "limit_request_fields": 100,
                "limit_request_field_size": 8190,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "post_worker_init": prepare_worker,
            }
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self):
            from playground.app.main import create_app

            return create_app(hosts).server

    Server().run()
