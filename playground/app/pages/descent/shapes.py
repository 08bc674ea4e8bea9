"""The 1-D descent page's shapes: its view state in the session, and its step route's body and answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from playground.app.pages.descent.logic import DIVERGENCE_LIMIT, MAX_PATH
from playground.app.session.shapes import Memory, Shape

Coordinate = Annotated[float, Field(ge=-DIVERGENCE_LIMIT, le=DIVERGENCE_LIMIT)]


class BallState(Shape):
    x: Coordinate
    steps: Annotated[int, Field(ge=0)]
    memory: Memory | None = None  # the momentum optimizer's velocity


class Descent(Shape):
    """``session-view-descent``: the function, the ball and its path, and the settings of its steps."""

    preset: Annotated[str, Field(max_length=40)]
    formula: Annotated[str, Field(max_length=1000)]
    x_range: Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
    start: Coordinate
    learn_rate: Annotated[float, Field(ge=1e-6, le=1e3)]
    momentum_on: bool
    momentum: Annotated[float, Field(ge=0, le=0.999)]
    slope: Literal["exact", "finite"]
    h: Annotated[float, Field(ge=1e-12, le=1)]
    steps_per_second: Annotated[int, Field(ge=1, le=60)]
    message: Annotated[str, Field(max_length=1000)]
    ball: BallState
    path: Annotated[
        list[Annotated[list[float], Field(min_length=2, max_length=2)]], Field(min_length=1, max_length=MAX_PATH)
    ]


class DescentRequest(Shape):
    """Steps of the ball from where the session's store has it."""

    descent: Descent
    steps: Annotated[int, Field(ge=1, le=1000)] = 1


class DescentAnswer(Shape):
    """The store after the steps, whether the run ends there and why, and what to show."""

    descent: Descent
    ended: bool
    message: str
    paint: dict[str, Any]
