"""The boundary's view settings as controls (TensorFlow Playground's *discretize output* and
*show test data*), kept beside the boundary; their one writer is in ``callbacks.py``."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.playground import ids
from playground.app.pages.playground.shapes import view_settings

ON = "on"


def checkbox(component_id: str, label: str, on: bool, title: str) -> html.Span:
    return html.Span(
        title=title,
        children=dcc.Checklist(
            id=component_id,
            options=[{"label": label, "value": ON}],
            value=[ON] if on else [],
            inline=True,
            className="view-option",
        ),
    )


def view_options(look: dict | None) -> html.Div:
    """The two checkboxes, showing the session's view settings."""
    look = view_settings(look)
    return html.Div(
        className="view-options",
        children=[
            checkbox(
                ids.SHOW_TEST,
                "show test data",
                look["show_test"],
                "the test points (hollow): held out, never trained on",
            ),
            checkbox(
                ids.DISCRETIZE,
                "discretize output",
                look["discretize"],
                "each pixel the colour of its predicted class, not shaded by how confident the network is",
            ),
        ],
    )


def look_from(discretize: list | None, show_test: list | None) -> dict:
    """The view settings the checkboxes show."""
    return {"discretize": ON in (discretize or []), "show_test": ON in (show_test or [])}
