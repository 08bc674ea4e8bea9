"""The shapes of a room's requests (docs/rooms.md), described once: the server checks every body
against them, and the contract hands their JSON Schemas to the pages' code (``assets/contract.js``).

A room's points and network are the session's own shapes (``Points``, ``NetworkShape``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from playground.app.session.shapes import (
    MAX_HELD_LAYERS,
    MAX_HELD_WEIGHTS,
    Address,
    NetworkShape,
    Points,
    Shape,
)
from playground.engine import HIDDEN_ACTIVATIONS

RoundKind = Literal["hand-tune", "predict", "train"]
LearnRate = Annotated[float, Field(ge=1e-6, le=100)]
MAX_ROUND_EPOCHS = 500  # a predict round's run, and one press of a train round's "train"
MAX_TRAIN_LAYERS, MAX_TRAIN_WIDTH = 4, 8  # what a train round may allow its students
Activation = Literal[tuple(HIDDEN_ACTIVATIONS)]  # type: ignore[valid-type]  # the engine's names, listed once


class RoomSettings(Shape):
    """What the teacher pushes to every student (any of it)."""

    learn_rate: LearnRate | None = None
    locked: bool | None = None  # students may look but not submit, train or vote
    held_layers: Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=MAX_HELD_LAYERS)] | None = None
    held_weights: Annotated[list[Address], Field(max_length=MAX_HELD_WEIGHTS)] | None = None
    network: NetworkShape | None = None  # a new starting network for everyone
    data: Points | None = None  # new points for everyone


class NewRound(Shape):
    """A round the teacher starts: its kind, and the question or the limits that kind has."""

    kind: RoundKind
    question: Annotated[str, Field(max_length=200)] | None = None  # predict
    options: (
        Annotated[list[Annotated[str, Field(min_length=1, max_length=60)]], Field(min_length=2, max_length=6)] | None
    ) = None
    learn_rate: LearnRate | None = None  # predict: what "run" trains with (default: the room's)
    epochs: Annotated[int, Field(ge=1, le=MAX_ROUND_EPOCHS)] | None = None  # predict: the run; train: one press
    max_hidden_layers: Annotated[int, Field(ge=0, le=MAX_TRAIN_LAYERS)] | None = None  # train
    max_width: Annotated[int, Field(ge=1, le=MAX_TRAIN_WIDTH)] | None = None  # train
    activations: Annotated[list[Activation], Field(min_length=1, max_length=len(HIDDEN_ACTIVATIONS))] | None = (  # type: ignore[valid-type]
        None
    )


class RoundAction(Shape):
    """The teacher ends the round, or runs a predict round's network for everyone to watch."""

    action: Literal["end", "run"]


class OpenRoom(Shape):
    """``POST /api/rooms``: the room's points, starting network, first round and settings (each optional)."""

    data: Points | None = None
    network: NetworkShape | None = None
    round: RoundKind | NewRound | None = None
    settings: RoomSettings | None = None


class Join(Shape):
    nickname: Annotated[str, Field(min_length=1, max_length=100)]  # the limit's own bound comes after


class Submission(Shape):
    network: NetworkShape


class TrainChoice(Shape):
    """A train round's press of "train": the student's network within the round's limits."""

    hidden: Annotated[list[Annotated[int, Field(ge=1, le=MAX_TRAIN_WIDTH)]], Field(max_length=MAX_TRAIN_LAYERS)]
    activation: Activation  # type: ignore[valid-type]
    learn_rate: LearnRate
    # "continue": train the student's last network further (it must have the same layers).
    continue_: bool = Field(False, alias="continue")


class Vote(Shape):
    choice: Annotated[int, Field(ge=0, lt=6)]


ROOM_SHAPES: dict[str, type[Shape]] = {
    "room_open": OpenRoom,
    "room_settings": RoomSettings,
    "room_round": NewRound,
    "room_action": RoundAction,
    "room_join": Join,
    "room_submission": Submission,
    "room_train": TrainChoice,
    "room_vote": Vote,
}
