"""Where rooms are kept: a real database, so a web server's restart loses nothing.

One machine: SQLite (the standard library's ``sqlite3``, in WAL mode, so the board reads while a
submission writes), one file under the cache folder (``$PLAYGROUND_ROOMS_FILE`` to choose it).
Class mode: the class's Redis (``$PLAYGROUND_REDIS_URL``), which every web process of every machine
reaches. Both keep the same records, as JSON, under the same few operations:

- a room: its ``meta`` (small: version, settings, round; read on every request) and its ``problem``
  (the points, test points included, and the starting network; read when they change);
- its students: each a record (nickname, token hash, network, votes, last action) by nickname,
  and by the hash of their token;
- its entries: per round, each student's best score (small, for the board) and beside it that
  submission's picture and network (for the teacher's gallery).

A room and everything of it expire ``room_hours`` after its last activity.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.app.session import keys

FILE_VARIABLE = "PLAYGROUND_ROOMS_FILE"

Change = Callable[[dict], dict | None]  # a record in, the record to keep out (None: keep it as it was)


def rooms_file() -> Path:
    """The SQLite file of this machine's rooms."""
    chosen = os.environ.get(FILE_VARIABLE)
    return Path(chosen) if chosen else keys.secret_file().parent / "rooms.sqlite3"


class RoomStore:
    """The operations the rooms need, whatever keeps them (``SqliteRooms``, ``RedisRooms``)."""

    def create(self, code: str, meta: dict, problem: dict, keep_seconds: float) -> bool:
        """A new room; False when the code is taken."""
        raise NotImplementedError

    def meta(self, code: str) -> dict | None:
        raise NotImplementedError

    def problem(self, code: str) -> dict | None:
        raise NotImplementedError

    def update_meta(self, code: str, change: Change, problem: dict | None = None) -> dict | None:
        """Change the room's meta atomically (and its problem with it, when given); the meta kept, or None."""
        raise NotImplementedError

    def add_student(self, code: str, nickname: str, token_hash: str, record: dict, seats: int) -> str:
        """'ok', 'taken' (the nickname is) or 'full' (``seats`` are)."""
        raise NotImplementedError

    def student_by_token(self, code: str, token_hash: str) -> dict | None:
        raise NotImplementedError

    def update_student(self, code: str, nickname: str, change: Change) -> dict | None:
        """Change a student's record atomically; the record kept, or None without such a student."""
        raise NotImplementedError

    def remove_student(self, code: str, nickname: str) -> bool:
        raise NotImplementedError

    def count_students(self, code: str) -> int:
        raise NotImplementedError

    def put_entry(self, code: str, round_id: int, nickname: str, entry: dict, picture: dict | None) -> None:
        """A student's entry on a round's board, and its picture and network (None: keep the old ones)."""
        raise NotImplementedError

    def entries(self, code: str, round_id: int) -> dict[str, dict]:
        """Every entry of a round, by nickname."""
        raise NotImplementedError

    def pictures(self, code: str, round_id: int) -> dict[str, dict]:
        raise NotImplementedError

    def count_rooms(self, now: float) -> int:
        """Rooms open now (expired ones are forgotten first)."""
        raise NotImplementedError

    def touch(self, code: str, keep_seconds: float) -> None:
        """The room was active now: it expires ``keep_seconds`` from now."""
        raise NotImplementedError


def record_of(text: Any) -> dict | None:
    return None if text is None else json.loads(text)


def text_of(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"))


# ------------------------------------------------------------------ SQLite


SCHEMA = """
CREATE TABLE IF NOT EXISTS rooms (code TEXT PRIMARY KEY, meta TEXT NOT NULL, problem TEXT NOT NULL,
                                  expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS students (code TEXT NOT NULL, nickname TEXT NOT NULL, token_hash TEXT NOT NULL,
                                     record TEXT NOT NULL, PRIMARY KEY (code, nickname));
CREATE UNIQUE INDEX IF NOT EXISTS students_by_token ON students (code, token_hash);
CREATE TABLE IF NOT EXISTS entries (code TEXT NOT NULL, round INTEGER NOT NULL, nickname TEXT NOT NULL,
                                    entry TEXT NOT NULL, picture TEXT, PRIMARY KEY (code, round, nickname));
"""


class SqliteRooms(RoomStore):
    """Rooms in one SQLite file: one connection per thread, each change one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.local = threading.local()
        with self.connection() as db:
            db.executescript(SCHEMA)

    def connection(self) -> sqlite3.Connection:
        db = getattr(self.local, "db", None)
        if db is None:
            # isolation_level=None: transactions only where this code opens them (BEGIN IMMEDIATE).
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL keeps every commit across a crash of the process
            self.local.db = db
        return db

    def one(self, query: str, *arguments: Any) -> Any:
        row = self.connection().execute(query, arguments).fetchone()
        return None if row is None else row[0]

    def changing(self, read: str, write: str, change: Change, *key: Any) -> dict | None:
        """Read a record, change it, write it back: one transaction, so no change is lost to another."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            old = record_of(self.one(read, *key))
            new = None if old is None else change(old)
            if new is not None:
                db.execute(write, (text_of(new), *key))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return old if new is None else new

    def create(self, code, meta, problem, keep_seconds):
        try:
            self.connection().execute(
                "INSERT INTO rooms VALUES (?, ?, ?, ?)",
                (code, text_of(meta), text_of(problem), time.time() + keep_seconds),
            )
            return True
        except sqlite3.IntegrityError:
            return False

    def meta(self, code):
        return record_of(self.one("SELECT meta FROM rooms WHERE code = ? AND expires > ?", code, time.time()))

    def problem(self, code):
        return record_of(self.one("SELECT problem FROM rooms WHERE code = ? AND expires > ?", code, time.time()))

    def update_meta(self, code, change, problem=None):
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            old = record_of(self.one("SELECT meta FROM rooms WHERE code = ? AND expires > ?", code, time.time()))
            new = None if old is None else change(old)
            if new is not None:
                db.execute("UPDATE rooms SET meta = ? WHERE code = ?", (text_of(new), code))
                if problem is not None:
                    db.execute("UPDATE rooms SET problem = ? WHERE code = ?", (text_of(problem), code))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return old if new is None else new

    def add_student(self, code, nickname, token_hash, record, seats):
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            if self.one("SELECT count(*) FROM students WHERE code = ?", code) >= seats:
                outcome = "full"
            elif self.one("SELECT 1 FROM students WHERE code = ? AND nickname = ?", code, nickname):
                outcome = "taken"
            else:
                db.execute("INSERT INTO students VALUES (?, ?, ?, ?)", (code, nickname, token_hash, text_of(record)))
                outcome = "ok"
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return outcome

    def student_by_token(self, code, token_hash):
        return record_of(self.one("SELECT record FROM students WHERE code = ? AND token_hash = ?", code, token_hash))

    def update_student(self, code, nickname, change):
        return self.changing(
            "SELECT record FROM students WHERE code = ? AND nickname = ?",
            "UPDATE students SET record = ? WHERE code = ? AND nickname = ?",
            change,
            code,
            nickname,
        )

    def remove_student(self, code, nickname):
        db = self.connection()
        removed = db.execute("DELETE FROM students WHERE code = ? AND nickname = ?", (code, nickname)).rowcount
        db.execute("DELETE FROM entries WHERE code = ? AND nickname = ?", (code, nickname))
        return removed > 0

    def count_students(self, code):
        return self.one("SELECT count(*) FROM students WHERE code = ?", code)

    def put_entry(self, code, round_id, nickname, entry, picture):
        self.connection().execute(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?) ON CONFLICT (code, round, nickname) DO UPDATE SET "
            "entry = excluded.entry, picture = coalesce(excluded.picture, entries.picture)",
            (code, round_id, nickname, text_of(entry), None if picture is None else text_of(picture)),
        )

    def entries(self, code, round_id):
        rows = self.connection().execute(
            "SELECT nickname, entry FROM entries WHERE code = ? AND round = ?", (code, round_id)
        )
        return {nickname: json.loads(entry) for nickname, entry in rows}

    def pictures(self, code, round_id):
        rows = self.connection().execute(
            "SELECT nickname, picture FROM entries WHERE code = ? AND round = ? AND picture IS NOT NULL",
            (code, round_id),
        )
        return {nickname: json.loads(picture) for nickname, picture in rows}

    def count_rooms(self, now):
        db = self.connection()
        expired = [row[0] for row in db.execute("SELECT code FROM rooms WHERE expires <= ?", (now,))]
        for code in expired:  # forgotten entirely: students, entries, pictures
            for table in ("entries", "students", "rooms"):
                db.execute(f"DELETE FROM {table} WHERE code = ?", (code,))
        return self.one("SELECT count(*) FROM rooms")

    def touch(self, code, keep_seconds):
        self.connection().execute("UPDATE rooms SET expires = ? WHERE code = ?", (time.time() + keep_seconds, code))


# ------------------------------------------------------------------ Redis


class RedisRooms(RoomStore):
    """Rooms in the class's Redis: a key per part of a room, all expiring together."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.watch_error = redis.WatchError

    @staticmethod
    def key(code: str, part: str) -> str:
        return f"playground:room:{code}:{part}"

    def parts(self, code: str) -> list[str]:
        return [self.key(code, part) for part in ("meta", "problem", "students", "tokens", "rounds")]

    def create(self, code, meta, problem, keep_seconds):
        if not self.redis.set(self.key(code, "meta"), text_of(meta), nx=True, px=int(keep_seconds * 1000)):
            return False
        self.redis.set(self.key(code, "problem"), text_of(problem), px=int(keep_seconds * 1000))
        self.redis.zadd("playground:rooms", {code: time.time() + keep_seconds})
        return True

    def meta(self, code):
        return record_of(self.redis.get(self.key(code, "meta")))

    def problem(self, code):
        return record_of(self.redis.get(self.key(code, "problem")))

    def changing(self, key: str, field: str | None, change: Change, extra: Callable | None = None) -> dict | None:
        """WATCH, read, change, write in MULTI: retried when another writer came between."""
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    text = pipe.get(key) if field is None else pipe.hget(key, field)
                    old = record_of(text)
                    new = None if old is None else change(old)
                    if new is None:
                        pipe.unwatch()
                        return old
                    pipe.multi()
                    if field is None:
                        pipe.set(key, text_of(new), keepttl=True)
                    else:
                        pipe.hset(key, field, text_of(new))
                    if extra:
                        extra(pipe)
                    pipe.execute()
                    return new
                except self.watch_error:
                    continue

    def update_meta(self, code, change, problem=None):
        extra = None
        if problem is not None:

            def extra(pipe):
                pipe.set(self.key(code, "problem"), text_of(problem), keepttl=True)

        return self.changing(self.key(code, "meta"), None, change, extra)

    def add_student(self, code, nickname, token_hash, record, seats):
        students = self.key(code, "students")
        if self.redis.hlen(students) >= seats:
            return "full"
        if not self.redis.hsetnx(students, nickname, text_of({**record, "token_hash": token_hash})):
            return "taken"
        pipe = self.redis.pipeline()
        pipe.hset(self.key(code, "tokens"), token_hash, nickname)
        self.expire_with_room(pipe, code, students, self.key(code, "tokens"))
        pipe.execute()
        return "ok"

    def expire_with_room(self, pipe, code: str, *keys: str) -> None:
        """New keys of a room expire when its meta does (``touch`` pushes them all back together)."""
        left = self.redis.pttl(self.key(code, "meta"))
        for key in keys:
            pipe.pexpire(key, max(int(left), 1000))

    def student_by_token(self, code, token_hash):
        nickname = self.redis.hget(self.key(code, "tokens"), token_hash)
        if nickname is None:
            return None
        return record_of(self.redis.hget(self.key(code, "students"), nickname))

    def update_student(self, code, nickname, change):
        return self.changing(self.key(code, "students"), nickname, change)

    def remove_student(self, code, nickname):
        record = record_of(self.redis.hget(self.key(code, "students"), nickname))
        if record is None:
            return False
        pipe = self.redis.pipeline()
        pipe.hdel(self.key(code, "students"), nickname)
        pipe.hdel(self.key(code, "tokens"), record.get("token_hash", ""))
        for round_id in self.redis.smembers(self.key(code, "rounds")):
            pipe.hdel(self.key(code, f"entries:{int(round_id)}"), nickname)
            pipe.hdel(self.key(code, f"pictures:{int(round_id)}"), nickname)
        pipe.execute()
        return True

    def count_students(self, code):
        return self.redis.hlen(self.key(code, "students"))

    def put_entry(self, code, round_id, nickname, entry, picture):
        pipe = self.redis.pipeline()
        written = [self.key(code, "rounds"), self.key(code, f"entries:{round_id}")]
        pipe.sadd(written[0], round_id)
        pipe.hset(written[1], nickname, text_of(entry))
        if picture is not None:
            written.append(self.key(code, f"pictures:{round_id}"))
            pipe.hset(written[2], nickname, text_of(picture))
        self.expire_with_room(pipe, code, *written)
        pipe.execute()

    def entries(self, code, round_id):
        found = self.redis.hgetall(self.key(code, f"entries:{round_id}"))
        return {nickname.decode(): json.loads(entry) for nickname, entry in found.items()}

    def pictures(self, code, round_id):
        found = self.redis.hgetall(self.key(code, f"pictures:{round_id}"))
        return {nickname.decode(): json.loads(picture) for nickname, picture in found.items()}

    def count_rooms(self, now):
        self.redis.zremrangebyscore("playground:rooms", "-inf", now)
        return self.redis.zcard("playground:rooms")

    def touch(self, code, keep_seconds):
        milliseconds = int(keep_seconds * 1000)
        rounds = [
            self.key(code, f"{kind}:{int(r)}")
            for r in self.redis.smembers(self.key(code, "rounds"))
            for kind in ("entries", "pictures")
        ]
        pipe = self.redis.pipeline()
        for key in self.parts(code) + rounds:
            pipe.pexpire(key, milliseconds)
        pipe.zadd("playground:rooms", {code: time.time() + keep_seconds})
        pipe.execute()
