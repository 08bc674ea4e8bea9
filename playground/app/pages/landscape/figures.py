"""The landscape page's figures: the library's builders (``playground.plots.landscape`` and
``playground.plots.race``, one builder per view), and this page's own: a walk's three figures and
what a step of the walk paints (restyles by trace position).
"""

from __future__ import annotations

import numpy as np

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


def path_moves(walk: dict, surface_graph: str | None, overlay_graph: str) -> list[dict]:
    """Plotly restyles moving the path and the point on the surface (when given) and on the contour's overlay."""
    path = shown_path(walk)
    x, y, z = path[:, 0].tolist(), path[:, 1].tolist(), path[:, 2].tolist()
    moves = [
        {
            "graph": overlay_graph,
            "update": {"x": [x, x[-1:]], "y": [y, y[-1:]]},
            "traces": [OVERLAY_PATH, OVERLAY_POINT],
        }
    ]
    if surface_graph:
        moves.append(
            {
                "graph": surface_graph,
                "update": {"x": [x, x[-1:]], "y": [y, y[-1:]], "z": [z, z[-1:]]},
                "traces": [PATH, POINT],
            }
        )
    return moves
