"""The optimizer race (SPEC F11's race on a test surface or a network's two numbers): every
runner's path on the contour and on the surface, and its cost against the step.

    contour, surface, cost = race_figures(xs, ys, costs, runs, ["SGD", "momentum", "Adam"], "x", "y")
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plots.colours import CLASS_COLOURS
from playground.plots.landscape import shown_values

# Blue, wine, sage, …: the path's vermillion last.
RUNNER_COLOURS = CLASS_COLOURS[:1] + CLASS_COLOURS[2:] + CLASS_COLOURS[1:2]


def race_figures(xs, ys, costs, runs, labels: list[str], x_title: str, y_title: str, log: bool = False):
    """The race: every runner's path on the contour and the surface, and cost against step."""
    z = shown_values(np.asarray(costs, dtype=float), log)
    contour = go.Figure(
        go.Contour(
            x=xs, y=ys, z=z, colorscale="Greys", reversescale=True, ncontours=24, showscale=False, hoverinfo="skip"
        )
    )
    surface = go.Figure(
        go.Surface(
            x=xs, y=ys, z=z, colorscale="Greys", reversescale=True, showscale=False, opacity=0.85, hoverinfo="skip"
        )
    )
    cost = go.Figure()
    lift = 0.01 * (np.nanmax(z) - np.nanmin(z) or 1.0)
    for k, (run, label) in enumerate(zip(runs, labels)):
        colour = RUNNER_COLOURS[k % len(RUNNER_COLOURS)]
        path = np.asarray(run.path, dtype=float)
        path_costs = np.asarray(run.costs, dtype=float)
        contour.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers",
                name=label,
                line=dict(color=colour, width=2),
                marker=dict(size=3),
            )
        )
        surface.add_trace(
            go.Scatter3d(
                x=path[:, 0],
                y=path[:, 1],
                z=shown_values(path_costs, log) + lift,
                mode="lines",
                name=label,
                line=dict(color=colour, width=5),
            )
        )
        cost.add_trace(go.Scatter(y=path_costs, mode="lines", name=label, line=dict(color=colour)))
    contour.update_layout(
        margin=dict(l=60, r=10, t=10, b=50),
        height=420,
        legend=dict(orientation="h", y=-0.2),
        xaxis=dict(title=x_title, range=[xs[0], xs[-1]]),
        yaxis=dict(title=y_title, range=[ys[0], ys[-1]]),
    )
    surface.update_layout(
        margin=dict(l=0, r=0, t=10, b=0),
        height=420,
        showlegend=False,
        scene=dict(xaxis_title=x_title, yaxis_title=y_title, zaxis_title="log₁₀ cost" if log else "cost"),
    )
    cost.update_layout(
        margin=dict(l=60, r=10, t=10, b=40),
        height=260,
        xaxis_title="step",
        yaxis=dict(title="cost", type="log" if log else "linear", exponentformat="e"),
        legend=dict(orientation="h", y=1.15),
    )
    return contour, surface, cost
