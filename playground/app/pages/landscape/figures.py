"""Figure builders of the landscape page: grids and paths in, ``go.Figure`` out (tested on their data).

Trace order is fixed (the page patches traces by position while a walk moves):
surface and contour figures hold the landscape (0), the path (1) and the current point (2).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.app.ui.colours import CLASS_COLOURS, PATH_COLOUR
from playground.plots.landscape import shown_values

LANDSCAPE, PATH, POINT = range(3)
OVERLAY_PATH, OVERLAY_POINT = range(2)  # the path overlay holds only these two
# The contour and the path overlay above it share these margins (and the plot area with them).
CONTOUR_MARGIN = dict(l=60, r=100, t=30, b=50)
CONTOUR_HEIGHT = 440
# Blue, wine, sage, …: the path's vermillion last.
RUNNER_COLOURS = CLASS_COLOURS[:1] + CLASS_COLOURS[2:] + CLASS_COLOURS[1:2]


def path_lift(costs, log: bool) -> float:
    """How far above the surface a path is drawn (1 % of its height), so that it stays in sight."""
    z = shown_values(np.asarray(costs, dtype=float), log)
    return float(0.01 * (np.nanmax(z) - np.nanmin(z) or 1.0))


def surface_figure(xs, ys, costs, path, x_title: str, y_title: str, log: bool = False, note: str = "") -> go.Figure:
    """The cost as a 3-D surface over the two axes, the path drawn on it (a little above, to stay visible)."""
    z = shown_values(np.asarray(costs, dtype=float), log)
    path = np.asarray(path, dtype=float).reshape(-1, 3)
    path_z = shown_values(path[:, 2], log) + path_lift(costs, log)
    figure = go.Figure(
        [
            go.Surface(
                x=xs,
                y=ys,
                z=z,
                colorscale="Viridis",
                showscale=False,
                opacity=0.92,
                name="cost",
                hovertemplate=f"{x_title} %{{x:.3f}}<br>{y_title} %{{y:.3f}}<br>cost %{{z:.4g}}<extra></extra>",
            ),
            go.Scatter3d(
                x=path[:, 0],
                y=path[:, 1],
                z=path_z,
                mode="lines+markers",
                name="path",
                line=dict(color=PATH_COLOUR, width=5),
                marker=dict(size=2.5, color=PATH_COLOUR),
            ),
            go.Scatter3d(
                x=path[-1:, 0],
                y=path[-1:, 1],
                z=path_z[-1:],
                mode="markers",
                name="now",
                marker=dict(size=6, color="white", line=dict(color=PATH_COLOUR, width=3)),
            ),
        ]
    )
    figure.update_layout(
        margin=dict(l=0, r=0, t=10, b=18 * (note.count("<br>") + 1) if note else 0),
        height=440,
        showlegend=False,
        uirevision="landscape-surface",
        scene=dict(
            xaxis_title=x_title,
            yaxis_title=y_title,
            zaxis_title="log₁₀ cost" if log else "cost",
            camera=dict(eye=dict(x=1.5, y=-1.5, z=1.1)),
        ),
    )
    if note:  # below the plot: the top belongs to Plotly's buttons
        figure.add_annotation(
            text=note,
            x=0.5,
            y=0,
            xref="paper",
            yref="paper",
            yanchor="top",
            showarrow=False,
            font=dict(size=12, color="#555"),
        )
    return figure


def contour_figure(
    xs, ys, costs, path, x_title: str, y_title: str, log: bool = False, title: str = "", with_path: bool = True
) -> go.Figure:
    """The same cost as contour lines seen from above, with the path (or, ``with_path=False``, without:
    then ``path_overlay_figure`` draws it in a graph laid exactly over this one)."""
    z = shown_values(np.asarray(costs, dtype=float), log)
    traces = [
        go.Contour(
            x=xs,
            y=ys,
            z=z,
            colorscale="Viridis",
            ncontours=24,
            name="cost",
            colorbar=dict(title="log₁₀ cost" if log else "cost", thickness=12, x=1.02, xanchor="left"),
            hovertemplate=f"{x_title} %{{x:.3f}}<br>{y_title} %{{y:.3f}}<br>cost %{{z:.4g}}<extra></extra>",
        )
    ]
    if with_path:
        traces += path_traces(path)
    figure = go.Figure(traces)
    figure.update_layout(
        margin=CONTOUR_MARGIN,
        height=CONTOUR_HEIGHT,
        showlegend=False,
        title=dict(text=title, font=dict(size=13)) if title else None,
        xaxis=dict(title=x_title, range=[xs[0], xs[-1]]),
        yaxis=dict(title=y_title, range=[ys[0], ys[-1]]),
        uirevision=f"landscape-contour-{title}",
    )
    return figure


def path_traces(path) -> list:
    path = np.asarray(path, dtype=float).reshape(-1, 3)
    return [
        go.Scatter(
            x=path[:, 0],
            y=path[:, 1],
            mode="lines+markers",
            name="path",
            hoverinfo="skip",
            line=dict(color=PATH_COLOUR, width=2),
            marker=dict(size=4, color=PATH_COLOUR),
        ),
        go.Scatter(
            x=path[-1:, 0],
            y=path[-1:, 1],
            mode="markers",
            name="now",
            hoverinfo="skip",
            marker=dict(size=12, color="white", line=dict(color=PATH_COLOUR, width=3)),
        ),
    ]


def path_overlay_figure(xs, ys, path) -> go.Figure:
    """The path alone on a see-through plot with the contour's axes: it can move ten times a
    second without the contour (tens of milliseconds to draw) being drawn again."""
    figure = go.Figure(path_traces(path))
    hidden = dict(visible=False, fixedrange=True)
    figure.update_layout(
        margin=CONTOUR_MARGIN,
        height=CONTOUR_HEIGHT,
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
        xaxis=dict(range=[xs[0], xs[-1]], **hidden),
        yaxis=dict(range=[ys[0], ys[-1]], **hidden),
        uirevision="landscape-path",
    )
    return figure


def plane_figure(coordinates: np.ndarray, explained: float) -> go.Figure:
    """The path of a run that trains every parameter, projected on its PCA plane."""
    figure = go.Figure(
        go.Scatter(
            x=coordinates[:, 0],
            y=coordinates[:, 1],
            mode="lines+markers",
            line=dict(color=PATH_COLOUR),
            marker=dict(size=4),
            name="path",
        )
    )
    figure.update_layout(
        margin=dict(l=60, r=10, t=50, b=50),
        height=300,
        showlegend=False,
        title=dict(
            font=dict(size=13),
            text=f"the path on its PCA plane: {100 * explained:.1f} % of its variance "
            "(a projection, not the true path)",
        ),
        xaxis_title="first principal direction",
        yaxis_title="second principal direction",
    )
    return figure


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
