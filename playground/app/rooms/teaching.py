"""What the teacher does to a room: push settings to everyone, start, end and run rounds, remove
an entry, close the room. Each is the teacher's alone (their token) and raises the room's version,
which every page polls to follow."""

from __future__ import annotations

from typing import Any

from playground.app.rooms import scoring
from playground.app.rooms.room import (
    RoomError,
    check_problem,
    checked,
    describe,
    new_round,
    problem_of,
    store,
    teacher,
    touch,
    with_settings,
)
from playground.app.session.room_shapes import RoomSettings, RoundAction


def changed(code: str, change, problem: dict | None = None) -> dict:
    """Change the room's meta (its version raised) and answer its new public description."""

    def with_version(meta: dict) -> dict:
        kept = change(meta)
        return {
            **kept,
            "version": meta["version"] + 1,
            "problem_version": meta["problem_version"] + (problem is not None),
        }

    kept = store().update_meta(code, with_version, problem)
    if kept is None:
        raise RoomError(404, f"there is no room {code!r}")
    touch(code)
    return describe(kept)


def push_settings(code: Any, token: str | None, body: Any) -> dict:
    """The teacher's settings for every student; new points or a new network start a new round."""
    meta = teacher(code, token)
    change = checked(RoomSettings, body, "the settings")
    new_problem, network = None, problem_of(meta)["network"]
    if change.get("network") is not None or change.get("data") is not None:
        old = problem_of(meta)
        new_problem = {"data": change.get("data") or old["data"], "network": change.get("network") or old["network"]}
        check_problem(new_problem["network"], new_problem["data"])
        network = new_problem["network"]
        if change.get("network") is not None:  # the old locks were of the old network's weights
            change = {"held_layers": [], "held_weights": [], **{k: v for k, v in change.items() if v is not None}}
    settings = with_settings(meta["settings"], change, network)

    def apply(kept: dict) -> dict:
        round_ = kept["round"]
        if new_problem is not None:  # everyone starts again on the new problem, in a round of the same kind
            round_ = new_round(
                {k: v for k, v in round_.items() if k not in ("id", "state", "phase", "run")},
                round_["id"] + 1,
                settings,
            )
        return {**kept, "settings": settings, "round": round_}

    return changed(meta["code"], apply, new_problem)


def change_round(code: Any, token: str | None, body: Any) -> dict:
    """A new round (a fresh board), or the round ended, or a predict round run for all to see."""
    meta = teacher(code, token)
    if isinstance(body, dict) and "action" in body:
        action = checked(RoundAction, body, "the round's action")["action"]
        if action == "end":
            return changed(meta["code"], lambda kept: {**kept, "round": {**kept["round"], "state": "ended"}})
        return run_round(meta)
    round_ = new_round(body if isinstance(body, dict) else {}, meta["round"]["id"] + 1, meta["settings"])
    return changed(meta["code"], lambda kept: {**kept, "round": {**round_, "id": kept["round"]["id"] + 1}})


def run_round(meta: dict) -> dict:
    """Train the room's network as the predict round asked, once, for every page to play back."""
    round_ = meta["round"]
    if round_["kind"] != "predict":
        raise RoomError(409, f"only a predict round runs; this is a {round_['kind']} round")
    if round_.get("phase") != "before":
        raise RoomError(409, "this round has run already: start a new round to ask again")
    problem = problem_of(meta)
    try:
        frames = scoring.run_frames(problem["network"], problem["data"], round_["learn_rate"], round_["epochs"])
    except ValueError as error:
        raise RoomError(400, str(error)) from None
    ran = {**problem, "run": frames, "run_round": round_["id"]}

    def reveal(kept: dict) -> dict:
        if kept["round"]["id"] != round_["id"]:
            raise RoomError(409, "the round changed while it ran: run the new one")
        return {**kept, "round": {**kept["round"], "phase": "after"}}

    return changed(meta["code"], reveal, ran)


def close(code: Any, token: str | None) -> dict:
    """Close the room: students may look, not act; it expires as any room does."""
    meta = teacher(code, token)
    return changed(meta["code"], lambda kept: {**kept, "closed": True})


def remove(code: Any, token: str | None, nickname: str) -> dict:
    """Take a student and their entries out of the room (a rude nickname); they may join again."""
    meta = teacher(code, token)
    if not store().remove_student(meta["code"], nickname):
        raise RoomError(404, f"no one in the room is called {nickname[:30]!r}")
    return {"removed": nickname}
