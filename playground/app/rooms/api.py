"""The rooms' HTTP API (docs/rooms.md) on the app's Flask server: each view reads the token and
the body, calls the room's rule, and answers JSON; a refusal is a 4xx with a sentence, never a 500.

Bodies are bounded before they are read (``BODY_LIMIT``, by the request guard, which also counts a
token's requests in work as its own sender's).
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from functools import cache
from typing import Any

import segno
from flask import Blueprint, Response, request

from playground.app.rooms import play, teaching
from playground.app.rooms.room import RoomError, describe, open_room, room_meta
from playground.app.session.jsontext import DEPTH_CHECKED, load_json
from playground.limits import current as current_limits

PREFIX = "/api/rooms"
BODY_LIMIT = "training_body_bytes"  # a room's body: a network or points, as a training request's

api = Blueprint("rooms", __name__, url_prefix=PREFIX)


@cache
def store_errors() -> tuple[type[Exception], ...]:
    """What a store that is away or busy raises (Redis's only in class mode, where it is installed)."""
    errors: tuple[type[Exception], ...] = (sqlite3.OperationalError,)
    try:
        import redis

        errors += (redis.RedisError,)
    except ImportError:
        pass
    return errors


def answer(rule: Callable[[], Any], status: int = 200) -> Response:
    """The rule's answer as JSON, or its refusal."""
    try:
        body, status = rule(), status
        if isinstance(body, Response):  # the rule answered itself (a 304)
            return body
    except RoomError as error:
        return refused(error)
    except (ValueError, KeyError, TypeError, OverflowError) as error:
        body, status = {"error": str(error)}, 400
    except store_errors() as error:
        body, status = (
            {"error": f"the rooms' store cannot be reached just now ({type(error).__name__}): try again"},
            503,
        )
    return json_response(body, status)


def refused(error: RoomError) -> Response:
    return json_response({"error": str(error)}, error.status)


def json_response(body: Any, status: int) -> Response:
    response = Response(json.dumps(body, separators=(",", ":")), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    if status == 429:
        response.headers["Retry-After"] = "1"
    return response


def body() -> Any:
    """The request's JSON body (an empty body is an empty object)."""
    raw = request.get_data(cache=False)
    if not raw:
        return {}
    depth = None if request.environ.get(DEPTH_CHECKED) else current_limits().json_depth
    return load_json(raw, "the request", depth)


def token() -> str | None:
    """The bearer token of ``Authorization: Bearer …``, if any."""
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if kind.lower() == "bearer" else None


@api.post("")
def open_a_room():
    return answer(lambda: open_room(body(), request.host_url), 201)


@api.get("/<code>")
def public_description(code: str):
    """The room's public description, or a bodiless 304 while its version is the one the page holds."""

    def described() -> Response:
        meta = room_meta(code)
        tag = f'"{meta["version"]}"'
        if request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag, "Cache-Control": "no-cache"})
        response = json_response(describe(meta), 200)
        response.headers["ETag"] = tag
        return response

    return answer(described)


@api.get("/<code>/qr.svg")
def qr_code(code: str):
    try:
        room_meta(code)
    except RoomError as error:
        return refused(error)
    link = f"{request.host_url.rstrip('/')}/join/{code}"
    # A standalone SVG (its namespace declared: an <img> shows nothing without it), not svg_inline's.
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", xmldecl=False, scale=10, border=2, dark="#000", light="#fff")
    return Response(svg.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})


@api.post("/<code>/students")
def join(code: str):
    return answer(lambda: play.join(code, body()), 201)


@api.get("/<code>/me")
def me(code: str):
    return answer(lambda: play.me(code, token()))


@api.post("/<code>/submissions")
def submit(code: str):
    return answer(lambda: play.submit(code, token(), body()))


@api.post("/<code>/train")
def train(code: str):
    return answer(lambda: play.train(code, token(), body()))


@api.post("/<code>/votes")
def vote(code: str):
    return answer(lambda: play.vote(code, token(), body()))


@api.get("/<code>/board")
def board(code: str):
    return answer(lambda: play.board(code))


@api.get("/<code>/gallery")
def gallery(code: str):
    return answer(lambda: play.gallery(code, token()))


@api.post("/<code>/settings")
def settings(code: str):
    return answer(lambda: teaching.push_settings(code, token(), body()))


@api.post("/<code>/round")
def round_(code: str):
    return answer(lambda: teaching.change_round(code, token(), body()))


@api.post("/<code>/close")
def close(code: str):
    return answer(lambda: teaching.close(code, token()))


@api.delete("/<code>/students/<nickname>")
def remove(code: str, nickname: str):
    return answer(lambda: teaching.remove(code, token(), nickname))
