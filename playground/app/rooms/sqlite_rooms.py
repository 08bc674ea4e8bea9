"""Rooms in one SQLite file (one machine): WAL, so the board reads while a submission writes; each
change one transaction (``BEGIN IMMEDIATE``), so no change is lost to another."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playground.app.rooms.store import Change, RoomStore, record_of, text_of

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

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction that takes the write lock at once: its reads and writes are never interleaved
        with another process's, so no change is lost."""
        db = self.connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def changing(self, read: str, write: str, change: Change, *key: Any, also: tuple | None = None) -> dict | None:
        """Read a record, change it, write it back (and ``also``, another (statement, values), with
        it) in one transaction; the record kept, or None when there is none."""
        with self.transaction() as db:
            old = record_of(self.one(read, *key))
            new = None if old is None else change(old)
            if new is not None:
                db.execute(write, (text_of(new), *key))
                if also is not None:
                    db.execute(*also)
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
        also = None if problem is None else ("UPDATE rooms SET problem = ? WHERE code = ?", (text_of(problem), code))
        return self.changing(
            "SELECT meta FROM rooms WHERE code = ?",  # (an expired room is refused before: room_meta)
            "UPDATE rooms SET meta = ? WHERE code = ?",
            change,
            code,
            also=also,
        )

    def add_student(self, code, nickname, token_hash, record, seats):
        with self.transaction() as db:
            if self.one("SELECT count(*) FROM students WHERE code = ?", code) >= seats:
                return "full"
            if self.one("SELECT 1 FROM students WHERE code = ? AND nickname = ?", code, nickname):
                return "taken"
            db.execute("INSERT INTO students VALUES (?, ?, ?, ?)", (code, nickname, token_hash, text_of(record)))
            return "ok"

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
