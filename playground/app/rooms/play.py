"""What students do in a room (join, submit, train, vote) and what everyone reads (the board).

The server scores every submission itself on the room's test points; each student's best of a
round is their entry on the board (a try never loses a place; ties go to the earlier one).
"""

from __future__ import annotations

import math
import secrets
import time
import unicodedata
from typing import Any

from playground.app.rooms import scoring
from playground.app.rooms.room import (
    RoomError,
    check_pace,
    checked,
    hashed,
    open_for,
    problem_of,
    room_meta,
    store,
    student,
    teacher,
    touch,
)
from playground.app.session import keys, model
from playground.app.session.problem import architecture, dense_network_json
from playground.app.session.room_shapes import Join, Submission, TrainChoice, Vote
from playground.app.session.training import held_numbers
from playground.limits import current as current_limits

GALLERY_TILES = 200  # the projector's small multiples


def join(code: Any, body: Any) -> dict:
    """A seat in the room under a nickname no one there has yet."""
    nickname = check_nickname(checked(Join, body, "joining")["nickname"])
    meta = room_meta(code)
    if meta["closed"]:
        raise RoomError(409, "the room is closed")
    token = keys.issue()
    record = {"nickname": nickname, "joined": time.time(), "last_action": 0.0, "network": None}
    outcome = store().add_student(meta["code"], nickname, hashed(token), record, current_limits().room_students)
    if outcome == "taken":
        raise RoomError(409, f"someone in the room is called {nickname!r} already: choose another nickname")
    if outcome == "full":
        raise RoomError(409, f"the room is full ({current_limits().room_students} seats)")
    touch(meta["code"])
    return {"student_token": token, "nickname": nickname}


def check_nickname(text: str) -> str:
    """A nickname as the board shows it: trimmed, composed, printable, ≤ ``nickname_characters``."""
    nickname = " ".join(unicodedata.normalize("NFC", text).split())
    most = current_limits().nickname_characters
    if not nickname:
        raise RoomError(400, "type a nickname")
    if len(nickname) > most:
        raise RoomError(400, f"a nickname has at most {most} characters")
    if any(unicodedata.category(c).startswith("C") for c in nickname):
        raise RoomError(400, "a nickname is plain text: no control characters")
    return nickname


# ------------------------------------------------------------------ scores


def ranks_before(entry: dict, other: dict) -> bool:
    """Whether ``entry`` ranks before ``other``: higher accuracy, then lower cost, then earlier."""
    return rank_key(entry) < rank_key(other)


def rank_key(entry: dict) -> tuple:
    accuracy = entry.get("test_accuracy")
    return (-(accuracy if accuracy is not None else -math.inf), entry["test_cost"], entry["time"])


def ranked(entries: dict[str, dict]) -> list[dict]:
    """The scored entries in board order, each with its rank."""
    scored = sorted((e for e in entries.values() if "test_cost" in e), key=rank_key)
    return [{**entry, "rank": k + 1} for k, entry in enumerate(scored)]


def rank_of(code: str, round_id: int, nickname: str) -> int | None:
    for entry in ranked(store().entries(code, round_id)):
        if entry["nickname"] == nickname:
            return entry["rank"]
    return None


def record_score(meta: dict, record: dict, network: dict, scores: dict, now: float) -> dict:
    """Keep the student's network and, when it is their best of the round, the entry and picture."""
    code, round_id, nickname = meta["code"], meta["round"]["id"], record["nickname"]
    entry = {"nickname": nickname, **scores, "time": now}
    better = False

    def change(kept: dict) -> dict:
        nonlocal better
        check_pace(kept, now)  # again, atomically: two requests at once cannot both pass
        best = kept.get("best") if kept.get("best_round") == round_id else None
        better = best is None or ranks_before(entry, best)
        count = (best or {}).get("submissions", 0) + 1
        return {
            **kept,
            "last_action": now,
            "network": network,
            "best_round": round_id,
            "best": {**(entry if better or best is None else best), "submissions": count},
        }

    kept = store().update_student(code, nickname, change)
    if kept is None:
        raise RoomError(401, "you are no longer in this room (removed by the teacher): join again")
    drawn = {"picture": scoring.picture(network, problem_of(meta)["data"]), "network": network} if better else None
    store().put_entry(code, round_id, nickname, kept["best"], drawn)
    touch(code)
    return {**scores, "rank": rank_of(code, round_id, nickname), "best": public_entry(kept["best"])}


def public_entry(entry: dict) -> dict:
    return {key: entry[key] for key in ("test_cost", "test_accuracy", "submissions") if key in entry}


# ------------------------------------------------------------------ the three kinds of round


def submit(code: Any, token: str | None, body: Any) -> dict:
    """A hand-tuned network, scored by the server on the room's test points."""
    meta, record = student(code, token)
    network = checked(Submission, body, "the submission")["network"]
    open_for(meta, "hand-tune")
    now = time.time()
    check_pace(record, now)
    problem = problem_of(meta)
    if architecture(network) != architecture(problem["network"]):
        raise RoomError(400, "a hand-tuned network keeps the room's layers: only its weights and biases change")
    check_held(network, problem["network"], meta["settings"])
    scores = score(network, problem["data"])
    return record_score(meta, record, network, scores, now)


def score(network: dict, data: dict) -> dict:
    try:
        return scoring.score(network, data)
    except ValueError as error:
        raise RoomError(400, str(error)) from None


def check_held(network: dict, start: dict, settings: dict) -> None:
    """Refuse a network that changed a weight the teacher holds still."""
    if not settings.get("held_layers") and not settings.get("held_weights"):
        return  # (most rooms hold nothing: no network built for it)
    held = held_numbers(model.playground_network(start), settings)
    mine, theirs = model.playground_network(network).parameters(), model.playground_network(start).parameters()
    if any(mine[a].flat[i] != theirs[a].flat[i] for a, i in held):
        raise RoomError(400, "a locked weight was changed: the teacher holds those still")


def train(code: Any, token: str | None, body: Any) -> dict:
    """The student's network (within the round's limits) trained on the room's points by the server."""
    meta, record = student(code, token)
    choice = checked(TrainChoice, body, "the training")
    round_ = open_for(meta, "train")
    now = time.time()
    check_pace(record, now)
    hidden, activation = choice["hidden"], choice["activation"]
    if len(hidden) > round_["max_hidden_layers"] or any(width > round_["max_width"] for width in hidden):
        raise RoomError(
            400, f"this round allows at most {round_['max_hidden_layers']} hidden layers of {round_['max_width']} nodes"
        )
    if activation not in round_["activations"]:
        raise RoomError(400, f"this round's activations are {', '.join(round_['activations'])}")
    problem = problem_of(meta)
    start = architecture(problem["network"])
    wanted = {
        **start,
        "layer_sizes": [start["layer_sizes"][0], *hidden, start["layer_sizes"][-1]],
        "activations": [activation] * len(hidden),
    }
    network = record.get("network") if choice.get("continue") else None
    if network is None or architecture(network) != wanted:
        network = dense_network_json(**wanted, seed=secrets.randbelow(2**31))
    trained = scoring.train_for(
        network, problem["data"], choice["learn_rate"], round_["epochs"], current_limits().request_seconds
    )
    scores = score(trained["network"], problem["data"])
    return {**trained, **record_score(meta, record, trained["network"], scores, now)}


def vote(code: Any, token: str | None, body: Any) -> dict:
    """The student's answer to a predict round's question, before or after the run."""
    meta, record = student(code, token)
    choice = checked(Vote, body, "the vote")["choice"]
    round_ = open_for(meta, "predict")
    if choice >= len(round_["options"]):
        raise RoomError(400, f"there are {len(round_['options'])} answers: choose 0 to {len(round_['options']) - 1}")
    now, phase = time.time(), round_["phase"]
    check_pace(record, now)
    code, round_id, nickname = meta["code"], round_["id"], record["nickname"]

    def change(kept: dict) -> dict:
        check_pace(kept, now)
        votes = (kept.get("votes") or {}) if kept.get("votes_round") == round_id else {}
        return {**kept, "last_action": now, "votes_round": round_id, "votes": {**votes, phase: choice}}

    kept = store().update_student(code, nickname, change)
    if kept is None:
        raise RoomError(401, "you are no longer in this room (removed by the teacher): join again")
    store().put_entry(code, round_id, nickname, {"nickname": nickname, "votes": kept["votes"], "time": now}, None)
    return {"phase": phase, "choice": choice}


# ------------------------------------------------------------------ reading


def me(code: Any, token: str | None) -> dict:
    """The student's own seat: their network, their best of this round, its rank, their votes."""
    meta, record = student(code, token)
    round_id = meta["round"]["id"]
    best = record.get("best") if record.get("best_round") == round_id else None
    return {
        "nickname": record["nickname"],
        "network": record.get("network"),
        "best": public_entry(best) if best else None,
        "rank": rank_of(meta["code"], round_id, record["nickname"]) if best else None,
        "votes": record.get("votes") if record.get("votes_round") == round_id else {},
    }


def board(code: Any) -> dict:
    """The round's board: every scored entry in order, the counts, and a predict round's votes."""
    meta = room_meta(code)
    round_ = meta["round"]
    entries = store().entries(meta["code"], round_["id"])
    votes = None
    if round_["kind"] == "predict":
        votes = {"options": round_["options"]}
        for phase in ("before", "after"):
            counts = [0] * len(round_["options"])
            for entry in entries.values():
                choice = entry.get("votes", {}).get(phase)
                if choice is not None and choice < len(counts):
                    counts[choice] += 1
            votes[phase] = counts
    classification = not model.is_regression(problem_of(meta)["data"])
    return {
        "code": meta["code"],
        "version": meta["version"],
        "round": round_,
        "joined": store().count_students(meta["code"]),
        "submitted": len(entries),
        "metric": "test_accuracy" if classification else "test_cost",
        "entries": [
            {
                "rank": e["rank"],
                "nickname": e["nickname"],
                "test_cost": e["test_cost"],
                "test_accuracy": e["test_accuracy"],
                "submissions": e["submissions"],
            }
            for e in ranked(entries)
        ],
        "votes": votes,
        "updated": time.time(),
    }


def gallery(code: Any, token: str | None) -> dict:
    """The teacher's gallery: every submitted boundary (best first, up to 200) and the best network."""
    meta = teacher(code, token)
    round_id = meta["round"]["id"]
    pictures = store().pictures(meta["code"], round_id)
    order = [e for e in ranked(store().entries(meta["code"], round_id)) if e["nickname"] in pictures]
    entries = [
        {
            "nickname": e["nickname"],
            "picture": pictures[e["nickname"]]["picture"],
            "rank": e["rank"],
            "test_cost": e["test_cost"],
            "test_accuracy": e["test_accuracy"],
        }
        for e in order[:GALLERY_TILES]
    ]
    best = {"nickname": order[0]["nickname"], "network": pictures[order[0]["nickname"]]["network"]} if order else None
    return {"entries": entries, "best": best}
