"""The playground page's shapes: its view settings in the session (``session-view-playground``).

How the page shows the session, not what it holds: TensorFlow Playground's *discretize output*
and *show test data*. They travel in links and files like every page's view; a link or file
made before them (no playground view, or a view without a key) opens with the defaults here.
"""

from __future__ import annotations

from playground.app.session.shapes import Shape


class PlaygroundView(Shape):
    """``session-view-playground``: the boundary's view settings."""

    discretize: bool = False  # the class map in hard classes (each class one colour), not shaded by confidence
    show_test: bool = True  # the test points (hollow) drawn on the boundary


def new_view() -> dict:
    """A new session's view settings (and what a link without them opens with)."""
    return PlaygroundView().model_dump()


def view_settings(value: dict | None) -> dict:
    """The view settings ``value`` holds, each one it lacks at its default."""
    return {**new_view(), **(value or {})}
