"""A room's rules (docs/rooms.md): who may do what and when, and what the board says.

Each function here is one request of the API (``playground.app.rooms.api`` only turns them into
HTTP): it checks the body against its shape, the caller's token, the room's state, and answers a
dictionary or raises ``RoomError`` with the HTTP status and a sentence for a person.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from functools import lru_cache
from typing import Any

from playground.app.rooms.redis_rooms import RedisRooms
from playground.app.rooms.sqlite_rooms import SqliteRooms
from playground.app.rooms.store import RoomStore, rooms_file
from playground.app.server.classmode import redis_url
from playground.app.session import keys, model
from playground.app.session.room_shapes import (
    NewRound,
    OpenRoom,
)
from playground.app.session.shapes import Shape, check_shape
from playground.app.session.training import held_numbers
from playground.limits import current as current_limits

# Five characters without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B): 25⁵ ≈ 9.8 million codes.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 5
TOUCH_SECONDS = 60.0  # a room's expiry is pushed back at most this often (per process)
PREDICT_OPTIONS = ["crawl", "converge", "bounce", "diverge"]
ROUND_DEFAULTS: dict[str, dict[str, Any]] = {
    "hand-tune": {},
    "predict": {"question": "What will the network do when it trains?", "options": PREDICT_OPTIONS, "epochs": 50},
    "train": {"max_hidden_layers": 2, "max_width": 6, "activations": ["tanh", "relu", "sigmoid"], "epochs": 50},
}


class RoomError(Exception):
    """A request the room refuses: the HTTP status and why, in a sentence."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@lru_cache(maxsize=4)
def _store(url: str | None, path: str) -> RoomStore:
    return RedisRooms(url) if url else SqliteRooms(rooms_file())


def store() -> RoomStore:
    """This process's rooms: the class's Redis in class mode, else the SQLite file."""
    return _store(redis_url(), str(rooms_file()))


def checked(shape: type[Shape], body: Any, what: str) -> dict:
    try:
        return check_shape(shape, body, what)
    except ValueError as error:
        raise RoomError(400, str(error)) from None


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ------------------------------------------------------------------ opening a room


def open_room(body: Any, base_url: str) -> dict:
    """A new room on the body's points and network (default: the fruit and the seed's 2-3-2 network)."""
    body = checked(OpenRoom, body, "the room")
    start = model.initial_state()
    data, network = body.get("data") or start["data"], body.get("network") or start["network"]
    check_problem(network, data)
    settings = {"learn_rate": start["settings"]["learn_rate"], "locked": False, "held_layers": [], "held_weights": []}
    settings = with_settings(settings, body.get("settings") or {}, network)
    first = body.get("round") or "hand-tune"
    limits, now = current_limits(), time.time()
    if store().count_rooms(now) >= limits.rooms:
        raise RoomError(429, f"this server has {limits.rooms:,} rooms open: try again when one has closed")
    teacher_token = keys.issue()
    meta = {
        "version": 1,
        "problem_version": 1,
        "closed": False,
        "created": now,
        "settings": settings,
        "round": new_round({"kind": first} if isinstance(first, str) else first, 1, settings),
        "teacher_hash": hashed(teacher_token),
    }
    for _ in range(20):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if store().create(code, {**meta, "code": code}, {"data": data, "network": network}, keep_seconds()):
            base = base_url.rstrip("/")
            return {
                "code": code,
                "teacher_token": teacher_token,
                "join_url": f"{base}/join/{code}",
                "room_url": f"{base}/room/{code}",
            }
    raise RoomError(429, "no free room code was found: try again")


def check_problem(network: dict, data: dict) -> None:
    """The room's network must fit its points, and a room scores on test points: it needs some."""
    try:
        model.session_problem(network, data)
    except ValueError as error:
        raise RoomError(400, str(error)) from None
    if not data["test_labels"]:
        raise RoomError(400, "a room scores every submission on test points: these points have none")


def keep_seconds() -> float:
    return current_limits().room_hours * 3600


def new_round(given: dict, round_id: int, settings: dict) -> dict:
    """A round of ``given["kind"]``, its settings defaulted, open, and numbered ``round_id``."""
    given = checked(NewRound, given, "the round")
    kind = given["kind"]
    defaults = {**ROUND_DEFAULTS[kind], **({"learn_rate": settings["learn_rate"]} if kind == "predict" else {})}
    chosen = {key: value for key, value in given.items() if value is not None and key in {*defaults, "kind"}}
    round_ = {**defaults, **chosen, "id": round_id, "state": "open"}
    if kind == "predict":
        round_["phase"] = "before"
    return round_


def with_settings(settings: dict, change: dict, network: dict) -> dict:
    """The settings with the teacher's change (its held weights checked against the network)."""
    kept = {**settings, **{k: v for k, v in change.items() if k not in ("network", "data") and v is not None}}
    try:
        held_numbers(model.playground_network(network), kept)
    except ValueError as error:
        raise RoomError(400, str(error)) from None
    return kept


# ------------------------------------------------------------------ reading a room


def room_meta(code: Any) -> dict:
    """The room's meta, or 404."""
    meta = store().meta(code) if isinstance(code, str) and len(code) == CODE_LENGTH else None
    if meta is None:
        raise RoomError(
            404,
            f"there is no room {str(code)[:10]!r} (closed rooms expire after {current_limits().room_hours:g} hours)",
        )
    return meta


@lru_cache(maxsize=64)
def _problem(code: str, version: int) -> dict:
    problem = store().problem(code)
    if problem is None:
        raise RoomError(404, f"there is no room {code!r}")
    return problem


def problem_of(meta: dict) -> dict:
    """The room's points and starting network (and a predict round's run), read once per change."""
    return _problem(meta["code"], meta["problem_version"])


def describe(meta: dict) -> dict:
    """The room's public description (of its meta as read): never its test points, tokens or
    students' networks."""
    problem = problem_of(meta)
    round_ = dict(meta["round"])
    if round_["kind"] == "predict" and problem.get("run") and problem.get("run_round") == round_["id"]:
        round_["run"] = problem["run"]
    return {
        "code": meta["code"],
        "version": meta["version"],
        "closed": meta["closed"],
        "created": meta["created"],
        "data": {**problem["data"], "test_inputs": [], "test_labels": []},
        "network": problem["network"],
        "settings": meta["settings"],
        "round": round_,
        "joined": store().count_students(meta["code"]),
    }


LAST_TOUCHED: dict[str, float] = {}  # this process's memory of when it last pushed each room's expiry back


def touch(code: str) -> None:
    """The room was active: it expires ``room_hours`` from now (written at most once a minute)."""
    now = time.monotonic()
    if now - LAST_TOUCHED.get(code, -TOUCH_SECONDS) >= TOUCH_SECONDS:
        LAST_TOUCHED[code] = now
        store().touch(code, keep_seconds())


# ------------------------------------------------------------------ who is asking


def teacher(code: Any, token: str | None) -> dict:
    """The room's meta when ``token`` is its teacher's (401 without a token, 403 with another)."""
    meta = room_meta(code)
    if not token:
        raise RoomError(401, "this needs the teacher's token (Authorization: Bearer …, from the teacher's link)")
    if not secrets.compare_digest(hashed(token), meta["teacher_hash"]):
        raise RoomError(403, "only the room's teacher may do this: this token is not the teacher's")
    return meta


def student(code: Any, token: str | None) -> tuple[dict, dict]:
    """The room's meta and the student whose token this is (401 when none is)."""
    meta = room_meta(code)
    if not token:
        raise RoomError(401, "this needs a student's token (Authorization: Bearer …): join the room first")
    record = store().student_by_token(meta["code"], hashed(token))
    if record is None:
        if secrets.compare_digest(hashed(token), meta["teacher_hash"]):
            raise RoomError(403, "this is the teacher's token: students submit, train and vote with their own")
        raise RoomError(401, "this token is no student's of this room (removed by the teacher?): join again")
    return meta, record


def open_for(meta: dict, kind: str) -> dict:
    """The room's round, when students may act in it now (else 409 saying why not)."""
    round_ = meta["round"]
    if meta["closed"]:
        raise RoomError(409, "the room is closed")
    if meta["settings"]["locked"]:
        raise RoomError(409, "the teacher has locked the room for now: look at the projector")
    if round_["state"] != "open":
        raise RoomError(409, "the round has ended: wait for the next one")
    if round_["kind"] != kind:
        raise RoomError(409, f"this is a {round_['kind']} round: {kind} is not open now")
    return round_


def check_pace(record: dict, now: float) -> None:
    pause = current_limits().room_action_seconds
    if now - record.get("last_action", 0.0) < pause:
        raise RoomError(429, f"one at a time: at most one every {pause:g} s")
