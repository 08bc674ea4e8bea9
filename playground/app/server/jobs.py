"""Work of a session that outlives one request: the job store.

A long job (the image page's training) runs in a background callback's process (Dash's
disk-cache manager on one machine, Celery workers in class mode) and talks to the pages
through a store every process shares: the job's status and progress, the controls a page
sends it (pause, resume, stop), the page's heartbeat, and what the job leaves behind (the
trained model, its test predictions). Everything is keyed by the session's key, a random
token signed by the server (``session.keys``) and kept in the tab's sessionStorage: a reload
of the tab finds its job again, no session can name another's, and none can be made up.

The store is a disk cache in ``$PLAYGROUND_JOBS_DIR`` by default, or Redis when
``$PLAYGROUND_REDIS_URL`` is set (class mode, shared by several machines).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playground.app.session import keys

if TYPE_CHECKING:
    from redis import Redis

SESSION_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")
KEEP_SECONDS = 12 * 3600  # a session's job and model are kept this long after they were last written
REDIS_VARIABLE = "PLAYGROUND_REDIS_URL"
STORE_CACHE, CALLBACKS_CACHE = "store", "callbacks"  # the disk caches under the jobs folder
FOLDER_VARIABLE = "PLAYGROUND_JOBS_DIR"


def check_key_format(key: Any) -> str:
    """The key itself, or ValueError: keys name files and store entries, so only these characters."""
    if not isinstance(key, str) or not SESSION_KEY.fullmatch(key):
        raise ValueError("the session key must be 20 to 64 letters, digits, '-' or '_'")
    return key


def check_session_key(key: Any) -> str:
    """The key itself, or ValueError: only keys this server issued and signed (``session.keys``)
    name a session's work."""
    return keys.check(check_key_format(key))


def jobs_folder() -> Path:
    """The folder shared by the web process and its job processes (made once, then inherited)."""
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        folder = tempfile.mkdtemp(prefix="playground-jobs-")
        os.environ[FOLDER_VARIABLE] = folder  # processes started from here share it
    return Path(folder)


def create_disk_stores() -> None:
    """Create the disk caches (the job store, the background callbacks') once, before the
    server starts its processes: processes creating one SQLite cache at the same moment can
    wait on each other's locks for up to a minute."""
    import diskcache

    for name in (STORE_CACHE, CALLBACKS_CACHE):
        diskcache.Cache(str(jobs_folder() / name)).close()


class StoreFull(ValueError):
    """The job store has no room for what a session asks to keep (a message says so)."""


class JobStoreError(RuntimeError):
    """The job store cannot be reached (class mode's Redis is down): the message says so."""


class JobStore:
    """Values (JSON or bytes) under keys, with expiry; a disk cache or Redis underneath."""

    redis: Redis | None  # class mode's Redis, else None (and the disk cache instead)
    disk: Any  # the diskcache.Cache (a library without types), else None

    def __init__(self, redis_url: str | None = None) -> None:
        redis_url = redis_url if redis_url is not None else os.environ.get(REDIS_VARIABLE)
        if redis_url:
            import redis

            # Short timeouts: a page waiting on a Redis that is down hears so in seconds.
            self.redis = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
            self.disk = None
        else:
            import diskcache

            self.redis = None
            # Never evicts: a full store refuses new models (``room_for``), it does not drop another
            # session's. Expired entries still go.
            self.disk = diskcache.Cache(str(jobs_folder() / STORE_CACHE), eviction_policy="none")

    def _redis(self, method: str, *args, **kwargs) -> Any:
        """Call a Redis command; an outage becomes a JobStoreError naming it."""
        import redis

        assert self.redis is not None  # called in class mode only
        try:
            result = getattr(self.redis, method)(*args, **kwargs)
            return list(result) if method == "scan_iter" else result
        except redis.exceptions.RedisError as error:
            where = self.redis.connection_pool.connection_kwargs
            raise JobStoreError(
                f"the job server (Redis at {where.get('host')}:{where.get('port')}) is not "
                f"answering ({error}): training and saved models are unavailable until it is "
                f"back; nothing on this page was lost"
            ) from None

    # ------------------------------------------------------------ raw values

    def put_bytes(self, key: str, value: bytes, seconds: float = KEEP_SECONDS) -> None:
        if self.redis is not None:
            self._redis("set", key, value, ex=max(int(seconds), 1))
        else:
            self.disk.set(key, value, expire=seconds)

    def get_bytes(self, key: str) -> bytes | None:
        return self._redis("get", key) if self.redis is not None else self.disk.get(key)

    def add_bytes(self, key: str, value: bytes, seconds: float) -> bool:
        """Store only if the key is absent (atomic): True when this call stored it."""
        if self.redis is not None:
            return bool(self._redis("set", key, value, ex=max(int(seconds), 1), nx=True))
        return bool(self.disk.add(key, value, expire=seconds))

    def delete(self, key: str) -> None:
        if self.redis is not None:
            self._redis("delete", key)
        else:
            self.disk.delete(key)

    def keys(self, prefix: str) -> list[str]:
        """The live keys that start with ``prefix``."""
        if self.redis is not None:
            return [key.decode() for key in self._redis("scan_iter", match=prefix + "*", count=500)]
        self.disk.expire()
        return [key for key in self.disk.iterkeys() if isinstance(key, str) and key.startswith(prefix)]

    def count(self, prefix: str) -> int:
        """How many live keys start with ``prefix``."""
        return len(self.keys(prefix))

    def used_bytes(self) -> int:
        """What the store holds now: a disk cache's files, or the memory Redis uses."""
        if self.redis is not None:
            return int(self._redis("info", "memory")["used_memory"])
        self.disk.expire()
        return int(self.disk.volume())

    def room_for(self, size: int, limit: int) -> None:
        """StoreFull unless ``size`` more bytes fit within ``limit`` (the store never evicts to make room)."""
        used = self.used_bytes()
        if used + size > limit:
            raise StoreFull(
                f"the server's storage for trained models is full ({used / 1e6:,.0f} MB of "
                f"{limit / 1e6:,.0f} MB; this one needs {size / 1e6:,.1f} MB), so it was not kept: "
                f"models expire {KEEP_SECONDS // 3600} hours after they are made"
            )

    # ------------------------------------------------------------ JSON values

    def put(self, key: str, value: Any, seconds: float = KEEP_SECONDS) -> None:
        self.put_bytes(key, json.dumps(value).encode(), seconds)

    def get(self, key: str, default: Any = None) -> Any:
        raw = self.get_bytes(key)
        return default if raw is None else json.loads(raw)

    def add(self, key: str, value: Any, seconds: float) -> bool:
        return self.add_bytes(key, json.dumps(value).encode(), seconds)

    def close(self) -> None:
        if self.disk is not None:
            self.disk.close()
        elif self.redis is not None:
            self.redis.close()

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *_) -> None:
        self.close()
