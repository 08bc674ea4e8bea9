"""The server's job slots: long work of any page runs as a job, a few at once, one per session.

A job (the image page's training, a landscape slice, a t-SNE map) runs in a process of its
own, outside the web worker and its request budget. So that a class cannot start more of
them than the machine has cores, every job holds a *slot* while it computes: at most
``limits.jobs`` on the server, one per session. A slot is a mark in the job store, renewed
while the job's process lives and expiring ``RUNNING_SECONDS`` after it dies (a killed
worker frees its slot by itself). The mark names its process, so a job killed on this machine
(Dash's cancel kills it) frees its slot at once: the page's next start is not refused.

A job also stops when nobody is waiting for it: Dash's background callbacks poll their job
about once a second, each poll is noted (``note_poll``), and a job whose polls stopped for
``ABANDONED_SECONDS`` (its tab closed) ends (``abandoned``). And it stops when its page asks
(``ask_stop``, ``stop_asked``): the job ends itself and says so, in the first second as at any
other time (Dash's own cancel loses a click made before the page knows the job's process, and a
killed job cannot say that it stopped).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from playground.app.server.jobs import JobStore, JobStoreError
from playground.limits import current as current_limits

PREFIX = "jobs:running:"  # + the session's key: its job's mark
RUNNING_SECONDS = 20.0  # a mark outlives its job's process by at most this
ABANDONED_SECONDS = 6.0  # a job whose page has not polled for this long stops (Dash polls every second)
STOP = "jobs:stop:"  # + the session's key: the run its page asked to stop
HEARD = "jobs:heard:"  # + a background callback's job key: when its page last polled
JOB_KEY = "playground_job_key"  # where a background job finds its key (in its callback context's custom data)


def running_key(session: str) -> str:
    return PREFIX + session


def mark(what: str) -> dict:
    """A running mark: what the job is, and the process computing it."""
    return {"what": what, "host": socket.gethostname(), "pid": os.getpid()}


def is_live(running: object) -> bool:
    """Whether a mark's process may still be computing: a process of this machine that is gone (or
    a zombie) is not; one on another machine is trusted until its mark expires."""
    import psutil

    if not isinstance(running, dict) or running.get("host") != socket.gethostname():
        return True
    try:
        return psutil.Process(int(running["pid"])).status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, KeyError, TypeError, ValueError):
        return False


def running_marks(store: JobStore) -> dict[str, object]:
    """The server's running marks by key, a dead process's mark deleted on the way."""
    marks = {}
    for key in store.keys(PREFIX):
        running = store.get(key)
        if running is None:
            continue  # expired meanwhile
        if is_live(running):
            marks[key] = running
        else:
            store.delete(key)
    return marks


def running_job(store: JobStore, session: str) -> str | None:
    """What the session's job is doing ("a landscape slice") while its process lives, else None."""
    running = store.get(running_key(session))
    if running is None or not is_live(running):
        return None
    return str(running["what"]) if isinstance(running, dict) else str(running)


def why_not(store: JobStore, session: str) -> str | None:
    """Why the session cannot start a job now (None: it can)."""
    marks = running_marks(store)
    running = running_job(store, session) if running_key(session) in marks else None
    if running:
        return f"this session is already running a job ({running}): wait for it, or stop it"
    limit = current_limits().jobs
    if len(marks) >= limit:
        return (
            f"busy: this server runs at most {limit} long jobs at once (training, scoring, slices, maps) and "
            f"all are taken; try again in a minute"
        )
    return None


def keep_marked(session: str, what: str, done: threading.Event) -> None:
    """Renew the session's running mark until ``done`` (in a thread of the job's process)."""
    with JobStore() as store:
        while not done.is_set():
            try:
                store.put(running_key(session), mark(what), seconds=RUNNING_SECONDS)
            except (JobStoreError, sqlite3.Error):
                pass  # Redis away, or the disk cache busy, for a moment: the mark is renewed next time
            done.wait(RUNNING_SECONDS / 4)


@contextmanager
def marked_running(session: str, what: str) -> Iterator[None]:
    """Hold the session's mark among the server's running jobs while the block runs."""
    done = threading.Event()
    marker = threading.Thread(target=keep_marked, args=(session, what, done), daemon=True)
    marker.start()
    try:
        yield
    finally:
        done.set()
        marker.join()
        with JobStore() as store:
            store.delete(running_key(session))


class SlotRefused(RuntimeError):
    """No slot for this job now: the message says why."""


class JobAbandoned(RuntimeError):
    """The page that started a job stopped polling it: the job ends."""


class JobStopped(RuntimeError):
    """The page asked its job to stop: the job ends (the message says where)."""


def ask_stop(session: str, run: int) -> None:
    """The session's page asks its job ``run`` (the count of its start button's clicks) to stop."""
    with JobStore() as store:
        store.put(STOP + session, run, seconds=10 * ABANDONED_SECONDS)


def stop_asked(session: str, run: int) -> bool:
    """Whether the session's page asked its job ``run`` to stop (a later run is not stopped)."""
    with JobStore() as store:
        return store.get(STOP + session) == run


@contextmanager
def job_slot(session: str, what: str) -> Iterator[None]:
    """Take a slot for the session's job ``what`` ("a landscape slice") while the block runs, or
    raise SlotRefused saying why not."""
    with JobStore() as store:
        reason = why_not(store, session)
        if reason is None and not store.add(running_key(session), mark(what), seconds=RUNNING_SECONDS):
            reason = f"this session is already running a job ({what}): wait for it"
    if reason:
        raise SlotRefused(reason)
    with marked_running(session, what):
        yield


def job_key() -> str | None:
    """Inside a background callback's job: the key its page polls it by (None elsewhere)."""
    import dash

    try:
        return dash.ctx.custom_data.get(JOB_KEY)
    except Exception:  # outside a callback Dash raises its own MissingCallbackContextException
        return None


def note_poll(job_key: str) -> None:
    """A page polled its background job: it is still waiting for it."""
    with JobStore() as store:
        store.put(HEARD + job_key, time.time(), seconds=10 * ABANDONED_SECONDS)


def abandoned(job_key: str | None, started: float) -> bool:
    """Whether the page that started this background job has stopped polling it."""
    if not job_key:
        return False
    with JobStore() as store:
        heard = store.get(HEARD + job_key) or 0.0
    return time.time() - max(heard, started) > ABANDONED_SECONDS
