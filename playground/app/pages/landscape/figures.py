"""The landscape page's figures: the library's builders (``playground.plots.landscape`` and
``playground.plots.race``, one builder per view), and this page's own: a walk's three figures and
what a step of the walk paints (Plotly changes by trace position: its new points appended).
"""

from __future__ import annotations

import numpy as np

from playground.app.pages.landscape.shapes import MAX_PATH
from playground.plots.landscape import (
    CONTOUR_HEIGHT,
    CONTOUR_MARGIN,
    LANDSCAPE,
    OVERLAY_PATH,
    OVERLAY_POINT,
    PATH,
    POINT,
    contour_figure,
    path_lift,
    path_overlay_figure,
    path_traces,
    plane_figure,
    shown_values,
    surface_figure,
)
from playground.plots.race import RUNNER_COLOURS, race_figures

__all__ = [
    "CONTOUR_HEIGHT",
    "CONTOUR_MARGIN",
    "LANDSCAPE",
    "OVERLAY_PATH",
    "OVERLAY_POINT",
    "PATH",
    "POINT",
    "RUNNER_COLOURS",
    "batch_title",
    "contour_figure",
    "path_lift",
    "path_moves",
    "path_overlay_figure",
    "path_traces",
    "plane_figure",
    "race_figures",
    "shown_path",
    "surface_figure",
    "walk_figures",
]


# ------------------------------------------------------------------ a walk's figures and what a step paints


def batch_title(walk: dict, note: str = "") -> str:
    """The mini-batch landscape's title (and the note of a sample of the batch, when there is one)."""
    which = "last" if walk["batch"] else "first"
    title = f"the landscape of the {which} step's mini-batch (a new batch at every step)"
    return f"{title}<br>{note}" if note else title


def walk_figures(xs, ys, costs, walk: dict, titles: tuple[str, str], note: str = "") -> tuple:
    """The surface, the contour and the path laid over the contour, for a walk and the costs over its grid."""
    log = walk["log"]
    return (
        surface_figure(xs, ys, costs, walk["path"], *titles, log, note),
        contour_figure(xs, ys, costs, walk["path"], *titles, log, with_path=False),
        path_overlay_figure(xs, ys, walk["path"]),
    )


def shown_path(walk: dict) -> np.ndarray:
    """The path as the surface draws it: x, y and the cost (or its log) lifted a little above the surface."""
    path = np.asarray(walk["path"], dtype=float).reshape(-1, 3)
    return np.column_stack([path[:, :2], shown_values(path[:, 2], walk["log"]) + walk.get("lift", 0.0)])


def path_moves(walk: dict, kept: int, surface_graph: str, surface_drawn: bool, overlay_graph: str) -> list[dict]:
    """Plotly changes moving the path on the contour's overlay and on the surface: the walk's points
    after its ``kept`` first are new, appended to the drawn paths (which keep the walk's last
    MAX_PATH), or the whole path when it is new (kept 0). The point moves to the last one in the
    figure's data, drawn with the path (one redraw a figure). The surface draws them only when
    ``surface_drawn`` (else its figure holds them until it is: a WebGL redraw is slow)."""
    path = shown_path(walk)[kept:]
    if not len(path):
        return []
    x, y, z = path[:, 0].tolist(), path[:, 1].tolist(), path[:, 2].tolist()
    how = {"extend": kept > 0, "max": MAX_PATH}
    return [
        {"graph": overlay_graph, "update": {"x": [x[-1:]], "y": [y[-1:]]}, "traces": [OVERLAY_POINT], "draw": False},
        {"graph": overlay_graph, "update": {"x": [x], "y": [y]}, "traces": [OVERLAY_PATH], **how},
        {
            "graph": surface_graph,
            "update": {"x": [x[-1:]], "y": [y[-1:]], "z": [z[-1:]]},
            "traces": [POINT],
            "draw": False,
        },
        {
            "graph": surface_graph,
            "update": {"x": [x], "y": [y], "z": [z]},
            "traces": [PATH],
            **how,
            "draw": surface_drawn,
        },
    ]
