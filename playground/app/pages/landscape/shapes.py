"""The landscape page's shapes: its view state in the session, and its walk route's body and answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from playground.app.session.shapes import Address, NetworkShape, Points, Settings, Shape, Trainer
from playground.engine import OPTIMIZERS
from playground.engine.surfaces import SURFACES

RESOLUTIONS = (20, 40, 60)
MAX_PATH = 2000
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
PathPoint = Annotated[list[float], Field(min_length=3, max_length=3)]


class Walk(Shape):
    """``session-view-landscape``: a walk on a cost surface, and how the page shows it.

    On two parameters of the session's network (``first``, ``second``; every other parameter
    held, or all of them training when ``train_all``: the surface is then a snapshot) or on a
    classic surface. An empty ``path``: the walk starts where the network is when the page is
    drawn."""

    source: Literal[("network", *SURFACES)]  # type: ignore[valid-type]
    first: Address | None = None
    second: Address | None = None
    span: Annotated[float, Field(gt=0, le=1e6)] | Pair
    centre: Pair | None = None
    start: Pair | None = None
    resolution: Literal[RESOLUTIONS]  # type: ignore[valid-type]
    train_all: bool = False
    view: Literal["full", "batch", "both"] = "full"
    log: bool = False
    optimizer: Literal[tuple(OPTIMIZERS)]  # type: ignore[valid-type]
    learn_rate: Annotated[float, Field(ge=1e-6, le=1e6)]
    momentum: Annotated[float, Field(ge=0, le=0.999)]
    path: Annotated[list[PathPoint], Field(max_length=MAX_PATH)] = []
    vectors: list[list[float]] = []  # every parameter along a run that trains them all (its PCA plane)
    trainer: Trainer = Trainer()
    steps: Annotated[int, Field(ge=0)] = 0
    message: Annotated[str, Field(max_length=1000)] = ""
    lift: Annotated[float, Field(ge=0)] = 0.0  # how far above the surface the path is drawn
    batch: list[Annotated[int, Field(ge=0)]] | None = None  # the last step's mini-batch
    preset: str | None = None


class WalkRequest(Shape):
    """Steps of a walk: on the network (with the session's points and settings) or a classic surface."""

    walk: Walk
    network: NetworkShape | None = None
    data: Points | None = None
    settings: Settings | None = None
    steps: Annotated[int, Field(ge=1, le=1000)] = 1
    playing: bool = False  # while playing the 3-D path moves only every few steps


class WalkKept(Shape):
    """How many of the last points and parameter vectors of the walk the page holds stay in it."""

    path: Annotated[int, Field(ge=0, le=MAX_PATH)]
    vectors: Annotated[int, Field(ge=0)]


class WalkAnswer(Shape):
    """What the steps changed of the walk, the network after them (walks on the network), what to show.

    Only what is new comes back: ``walk.path`` and ``walk.vectors`` hold the points and vectors
    the steps added; the page's walk after the steps is its last ``kept.path`` points followed by
    them (likewise its vectors), everything else as ``walk`` has it."""

    walk: Walk
    kept: WalkKept
    network: NetworkShape | None
    ended: Literal["done", "budget", "diverged", "stopped"]
    message: str
    paint: dict[str, Any]
