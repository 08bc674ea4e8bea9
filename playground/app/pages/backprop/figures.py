"""The backprop page's figures: the network's diagram with one stage's numbers (the library's
``playground.plots.diagram``, one builder for every diagram) and the boundary under the batch
(this page's own: the glide's frames change its heatmap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.plots.boundary import boundary_values, class_scale
from playground.plots.colours import CLASS_COLOURS, VALUE_SCALE
from playground.plots.diagram import (
    EDGE_LABEL_LIMIT,
    INK,
    NOT_YET,
    Diagram,
    diagram_figure,
    node_positions,
    sign_colour,
)

__all__ = [
    "BOUNDARY_RESOLUTION",
    "EDGE_LABEL_LIMIT",
    "GLIDE_FRAMES",
    "NOT_YET",
    "VALUE_SCALE",
    "Boundary",
    "Diagram",
    "boundary_figure",
    "boundary_values",
    "class_scale",
    "diagram_figure",
    "node_positions",
    "sign_colour",
]

# ------------------------------------------------------------------ the boundary (stage 4)

BOUNDARY_RESOLUTION = 32  # cells along each axis of the boundary's grid
GLIDE_FRAMES = 7  # the update's glide: the network at t = 0, 1/6, …, 1 of its step
BEFORE_LINE = "#1b1f24"  # the boundary before the step, dashed over the one after it


@dataclass
class Boundary:
    """The boundary figure's data: the grid, what the network paints on it, and the batch's points."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray  # boundary_values on the grid: the network after the step (or the one shown)
    task: str  # "classification" or "regression"
    n_classes: int  # the classes (a regression: 0)
    points: np.ndarray  # the batch's points on the plane, (n, 2)
    targets: np.ndarray  # their classes, or their values
    span: float = 1.0  # a regression's colour bar: −span … span
    before: np.ndarray | None = None  # the values before the step: its class boundary drawn dashed


def boundary_figure(boundary: Boundary) -> dict:
    """The network over the data's plane, with the batch's points: a Plotly figure as a dict.

    Trace 0 is the heatmap (its ``z`` is ``boundary.values``, the one the update's glide changes);
    a classification's boundary before the step follows as a dashed line, then the points.
    """
    regression = boundary.task == "regression"
    heat: dict = {
        "type": "heatmap",
        "x": boundary.xs.tolist(),
        "y": boundary.ys.tolist(),
        "z": boundary.values.tolist(),
        "hoverinfo": "skip",
        "showscale": False,
    }
    if regression:
        # Smoothed between cells (a value varies smoothly; a class map keeps its cells' edges).
        heat.update(colorscale=VALUE_SCALE, zmin=-boundary.span, zmax=boundary.span, zsmooth="best")
    else:
        heat.update(colorscale=class_scale(boundary.n_classes), zmin=0, zmax=boundary.n_classes)
    traces = [heat]
    if boundary.before is not None and not regression and boundary.n_classes > 1:
        traces.append(
            {
                "type": "contour",
                "x": boundary.xs.tolist(),
                "y": boundary.ys.tolist(),
                "z": np.floor(boundary.before).tolist(),
                "contours": {"coloring": "none", "start": 0.5, "end": boundary.n_classes - 1.5, "size": 1},
                "line": {"color": BEFORE_LINE, "dash": "dash", "width": 2},
                "showscale": False,
                "hoverinfo": "skip",
                "name": "before the step",
            }
        )
    points = boundary.points.reshape(-1, 2)
    marker: dict = {"size": 11, "line": {"color": "white", "width": 1.5}}
    if regression:
        marker.update(color=np.ravel(boundary.targets).tolist(), colorscale=VALUE_SCALE)
        marker.update(cmin=-boundary.span, cmax=boundary.span, line={"color": INK, "width": 1})
    else:
        marker["color"] = [CLASS_COLOURS[int(k) % len(CLASS_COLOURS)] for k in np.ravel(boundary.targets)]
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": points[:, 0].tolist(),
            "y": points[:, 1].tolist(),
            "marker": marker,
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    x_range = [float(boundary.xs[0] * 1.5 - boundary.xs[1] * 0.5), float(boundary.xs[-1] * 1.5 - boundary.xs[-2] * 0.5)]
    y_range = [float(boundary.ys[0] * 1.5 - boundary.ys[1] * 0.5), float(boundary.ys[-1] * 1.5 - boundary.ys[-2] * 0.5)]
    axis = {"showgrid": False, "zeroline": False, "fixedrange": True, "showticklabels": False, "ticks": ""}
    x_axis, y_axis = {**axis, "range": x_range}, {**axis, "range": y_range}
    spans = (x_range[1] - x_range[0]) / (y_range[1] - y_range[0])
    if 1 / 3 <= spans <= 3:  # one unit as long across as up (as the playground's plane), the box kept
        x_axis["constrain"] = "domain"
        y_axis.update(scaleanchor="x", scaleratio=1, constrain="domain")
    return {
        "data": traces,
        "layout": {
            "xaxis": x_axis,
            "yaxis": y_axis,
            "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
            "showlegend": False,
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "dragmode": False,
            "hovermode": False,
        },
    }
