"""Large training requests in processes of their own, at low CPU priority.

A request near the limits (10,000 points, the widest deepest network) computes for its whole
CPU budget. Inside the web process it would hold the interpreter lock that every small
request needs, and no thread priority exists to stop it. In a separate process at nice 10
the operating system's scheduler does what the lock cannot: small requests run first, and
the large ones take the CPU that is left. At most ``heavy_requests`` run at once (the
request guard admits them); their answers are the training route's own.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from playground.app.server.routes import respond
from playground.app.session.pages import handler
from playground.engine import use_blas_threads
from playground.limits import current as current_limits

NICENESS = 10
ANSWER_SECONDS = 60.0  # wall time a large request may wait for its answer (its CPU is budgeted apart)


def _start_process() -> None:
    """A pool process: low priority, and BLAS on one thread as in the web process."""
    use_blas_threads(1)
    try:
        os.nice(NICENESS)
    except OSError:
        pass  # not allowed here: same priority, still off the web process's lock


def _ready(handlers: list[str]) -> bool:
    """Import the routes' handlers (the engine with them: a second or two) before any request needs them."""
    for dotted in handlers:
        handler(dotted)
    return True


class HeavyPool:
    """A few low-priority processes for large training requests (started on first use)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or current_limits().heavy_requests
        self.executor: ProcessPoolExecutor | None = None
        self.lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self.lock:
            if self.executor is None:
                # spawn, not fork: forking a process that runs threads can copy a held lock
                self.executor = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_process
                )
            return self.executor

    def warm(self, handlers: list[str]) -> list[Future]:
        """Start every process now and let each import the routes' ``handlers`` (at low priority),
        so that no request pays for it. It does not wait: a web worker that is starting must not
        stall on it (gunicorn would count a long start as a hung worker). Returns the imports' futures."""
        executor = self._executor()
        return [executor.submit(_ready, handlers) for _ in range(self.workers)]

    def respond(self, dotted: str, raw: bytes) -> tuple[int, bytes]:
        """(status, JSON body) of a route's handler (by name) for this body; 503 when a process failed."""
        try:
            future = self._executor().submit(respond, dotted, raw)
            return future.result(timeout=ANSWER_SECONDS)
        except BrokenProcessPool:
            with self.lock:
                self.executor = None  # a process died (killed, out of memory): start afresh next time
            return 503, json.dumps({"error": "the large-request worker stopped; try again"}).encode()
        except TimeoutError:
            return 503, json.dumps({"error": f"busy: no answer within {ANSWER_SECONDS:g} s; try again"}).encode()

    def shutdown(self) -> None:
        with self.lock:
            if self.executor is not None:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = None
