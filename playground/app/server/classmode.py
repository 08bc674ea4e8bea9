"""Class mode: the background jobs on Celery workers, with Redis as broker, result store and job store.

On one machine the long jobs (the image page's training, the landscape slices) run as Dash
background callbacks on a disk cache, in processes the web server starts. For a class, the
web server only serves pages and the jobs go to Celery workers, on this machine or others,
that all reach one Redis server:

    redis-server --port 6379                                       # once
    playground serve --host 0.0.0.0 --workers 2 --redis-url redis://127.0.0.1:6379/0
    playground worker --redis-url redis://127.0.0.1:6379/0 --concurrency 2    # per machine

A worker builds the same Dash app, which registers each background callback as a Celery task
of the same name (the name is a hash of the callback's source), and runs what the web
server queues. The job store (``playground.app.server.jobs``) then lives in the same Redis, so
every web process and every worker sees each session's job, progress and model.

Celery and the Redis client are pinned in pyproject.toml (the ``class`` extra) rather than
taken from ``dash[celery]``, which pins Celery < 5.4 and redis ≤ 5.0.4; Dash 4's
``CeleryManager`` only needs a ``celery.Celery`` app with a result backend.
"""

from __future__ import annotations

import os
from functools import cache

import dash

from playground.app.server import slots
from playground.app.server.jobs import CALLBACKS_CACHE, REDIS_VARIABLE, JobStoreError, jobs_folder

# A job is at least seconds and often minutes: take one at a time, never two in advance, and
# do not give a task that was running on a killed worker to another (it starts from scratch
# if the session asks again).
CELERY_SETTINGS = {
    "worker_prefetch_multiplier": 1,
    "task_acks_late": False,
    "task_track_started": True,
    "result_expires": 3600,
    "broker_connection_retry_on_startup": True,
    "broker_connection_timeout": 5,
    "redis_socket_timeout": 5,
    "redis_socket_connect_timeout": 5,
    "redis_backend_health_check_interval": 10,
    "broker_transport_options": {"socket_timeout": 5, "socket_connect_timeout": 5},
    "result_backend_transport_options": {"socket_timeout": 5, "socket_connect_timeout": 5},
    "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1},
    "worker_hijack_root_logger": False,
}


def redis_url() -> str | None:
    """The Redis of class mode (``$PLAYGROUND_REDIS_URL``), or None on a single machine."""
    return os.environ.get(REDIS_VARIABLE) or None


@cache
def celery_app(url: str):
    """The Celery app on ``url`` (one per process: the web server's and the worker's must be
    the same object the Dash callbacks register their tasks in)."""
    from celery import Celery

    app = Celery("playground", broker=url, backend=url)
    app.conf.update(CELERY_SETTINGS)
    return app


class PolledJobs:
    """What this server adds to Dash's background-callback managers: a job knows its own key
    (``slots.job_key()`` inside it), and each poll of a job is noted (``slots.note_poll``), so
    that a job whose page has gone stops (``slots.abandoned``)."""

    def call_job_fn(self, key, job_fn, args, context):
        custom = {**dict(context.get("custom_data") or {}), slots.JOB_KEY: key}
        return super().call_job_fn(key, job_fn, args, {**context, "custom_data": custom})

    def get_result(self, key, job):
        try:
            slots.note_poll(key)
        except JobStoreError:
            pass  # the store is away: the job cannot read the note either, and goes on
        return super().get_result(key, job)


class PolledCeleryManager(PolledJobs, dash.CeleryManager):
    """Dash's Celery manager (class mode), its jobs' polls noted."""


class SpawningDiskcacheManager(dash.DiskcacheManager):
    """Dash's disk-cache manager, its jobs in fresh processes (spawned, not forked).

    Dash forks the server for each job; the server's threads use the job store (SQLite) all the
    time (every page's poll), and a fork taken while one of them holds SQLite's lock leaves the
    job waiting on that lock for ever ("queued" on the page, a process that outlives the
    server). A spawned process starts clean, a second later.
    """

    def call_job_fn(self, key, job_fn, args, context):
        from multiprocess import (
            get_context,  # Dash's own process library (it pickles the job's closure)
        )

        process = get_context("spawn").Process(
            target=job_fn, args=(key, self._make_progress_key(key), args, context), daemon=True
        )  # a job ends with the server that started it
        process.start()
        return process.pid


class PolledDiskcacheManager(PolledJobs, SpawningDiskcacheManager):
    """The disk-cache manager (one machine), its jobs spawned and their polls noted."""


def background_manager():
    """Dash's background-callback manager: Celery on Redis in class mode, else a disk cache in
    the folder every process of this server shares (``playground.app.server.jobs.jobs_folder``)."""
    url = redis_url()
    if url:
        return PolledCeleryManager(celery_app(url))
    import diskcache

    return PolledDiskcacheManager(diskcache.Cache(str(jobs_folder() / CALLBACKS_CACHE)))


def redis_memory_advice(url: str) -> str | None:
    """What to change in Redis's memory settings for class mode (None: nothing). Without
    ``maxmemory`` it grows until the machine runs out; with an evicting policy a full Redis drops
    a session's model or a running job's state to make room."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
    try:
        settings = {**client.config_get("maxmemory"), **client.config_get("maxmemory-policy")}
        persistence = client.config_get("appendonly").get("appendonly")
    except redis.exceptions.RedisError:  # CONFIG may be disabled on a managed Redis: nothing to say
        return None
    finally:
        client.close()
    advice = []
    if str(settings.get("maxmemory", "0")) == "0":
        advice.append("Redis has no maxmemory: set one (e.g. --maxmemory 2gb)")
    if settings.get("maxmemory-policy", "noeviction") != "noeviction":
        advice.append(
            f"its maxmemory-policy {settings['maxmemory-policy']} evicts sessions' data: "
            "use noeviction (a full Redis then refuses, and the page says so)"
        )
    if persistence != "yes":
        advice.append("it keeps nothing across its own restart: start it with --appendonly yes")
    return "; ".join(advice) or None


def redis_problem(url: str, seconds: float = 3.0) -> str | None:
    """Why Redis at ``url`` cannot be used (unreachable, not Redis, a bad URL), or None."""
    try:
        import celery  # noqa: F401
        import redis
    except ImportError:
        return "class mode needs Celery and the Redis client: pip install 'neural-playground[class]'"
    try:
        client = redis.Redis.from_url(url, socket_timeout=seconds, socket_connect_timeout=seconds)
    except ValueError as error:
        return f"--redis-url {url}: {error}"
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        return (
            f"cannot reach Redis at {url} ({error}); start it (`redis-server --port 6379`) or "
            f"point --redis-url at a running one"
        )
    finally:
        client.close()
    return None
