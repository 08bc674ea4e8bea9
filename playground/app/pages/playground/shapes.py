"""The playground page's shapes: its view settings in the session (``session-view-playground``).

How the page shows the session, not what it holds: TensorFlow Playground's *discretize output*
and *show test data*; and an exercise (``exercise.py``: what a student sees and may change, the
task and when it is met). They travel in links and files like every page's view; a link or file
made before them (no playground view, or a view without a key) opens with the defaults here.
"""

from __future__ import annotations

from playground.app.pages.playground.exercise import Exercise
from playground.app.session.shapes import Shape


class PlaygroundView(Shape):
    """``session-view-playground``: the boundary's view settings."""

    discretize: bool = False  # the class map in hard classes (each class one colour), not shaded by confidence
    show_test: bool = True  # the test points (hollow) drawn on the boundary
    exercise: Exercise | None = None  # an exercise link's: controls hidden or locked, the task (None: none)


def new_view() -> dict:
    """A new session's view settings (and what a link without them opens with)."""
    return PlaygroundView().model_dump(exclude={"exercise"})  # none: as before exercises, a key fewer


def view_settings(value: dict | None) -> dict:
    """The view settings ``value`` holds, each one it lacks at its default."""
    return {**new_view(), **(value or {})}
