"""Where rooms are kept: a real database, so a web server's restart loses nothing.

One machine: SQLite (the standard library's ``sqlite3``, in WAL mode, so the board reads while a
submission writes), one file under the cache folder (``$PLAYGROUND_ROOMS_FILE`` to choose it).
Class mode: the class's Redis (``$PLAYGROUND_REDIS_URL``), which every web process of every machine
reaches. Both keep the same records, as JSON, under the same few operations (``sqlite_rooms``, ``redis_rooms``):

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
