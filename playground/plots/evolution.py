"""Evolution against gradient descent (the playground's race, SPEC F20): the two boundaries side by
side, and both training costs against the same budget."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.engine import Network
from playground.plots.colours import CLASS_COLOURS, EVOLUTION_COLOUR, GRADIENT_COLOUR, class_symbol
from playground.plots.plain_text import plotly_text
from playground.plots.plane import class_map, plane_range
from playground.plots.waiting import note_in_the_middle

Array = np.ndarray


def race_boundaries_figure(
    inputs: Array, labels: Array, class_names: list[str], networks: list[tuple[str, Network]], resolution: int = 60
) -> go.Figure:
    """Boundaries side by side, one per (title, network): each class map under the training points."""
    x_range, y_range = plane_range(inputs)
    figure = make_subplots(
        rows=1, cols=len(networks), subplot_titles=[plotly_text(t) for t, _ in networks], horizontal_spacing=0.06
    )
    classes = len(class_names)
    # Class k's colour over [k − ½, k + ½]: the map shows the predicted class.
    scale = [[(k + side) / classes, CLASS_COLOURS[k % len(CLASS_COLOURS)]] for k in range(classes) for side in (0, 1)]
    for column, (_, network) in enumerate(networks, start=1):
        grid = class_map(network, x_range, y_range, resolution)
        figure.add_trace(
            go.Heatmap(
                x=grid.xs,
                y=grid.ys,
                z=grid.predicted,
                zmin=-0.5,
                zmax=classes - 0.5,
                colorscale=scale,
                opacity=0.35,
                showscale=False,
                hoverinfo="skip",
            ),
            row=1,
            col=column,
        )
        for k, name in enumerate(map(plotly_text, class_names)):
            chosen = labels == k
            figure.add_trace(
                go.Scatter(
                    x=inputs[chosen, 0],
                    y=inputs[chosen, 1],
                    mode="markers",
                    name=name,
                    legendgroup=name,
                    showlegend=column == 1,
                    marker=dict(
                        color=CLASS_COLOURS[k % len(CLASS_COLOURS)],
                        symbol=class_symbol(k),
                        size=6,
                        line=dict(color="white", width=1),
                    ),
                ),
                row=1,
                col=column,
            )
        figure.update_xaxes(range=list(x_range), showgrid=False, zeroline=False, row=1, col=column)
        figure.update_yaxes(range=list(y_range), showgrid=False, zeroline=False, row=1, col=column)
    figure.update_layout(
        height=320, margin=dict(l=40, r=10, t=40, b=30), legend=dict(orientation="h", y=-0.12), plot_bgcolor="white"
    )
    return figure


def race_costs_figure(race: dict | None) -> go.Figure:
    """Both training-cost curves against the race's budget, samples pushed through the network
    (forward 1, forward and back 3) or CPU seconds, from the shared start at 0 to the budget
    (a dotted line): evolution's best member, and gradient descent from the same weights."""
    figure = go.Figure()
    kind = "samples" if race is None else race["budget"]["kind"]
    xaxis: dict[str, Any] = dict(
        title=(
            "samples pushed through the network (forward 1, forward and back 3)"
            if kind == "samples"
            else "CPU seconds, each its own"
        ),
        rangemode="tozero",
        exponentformat="SI",
    )
    yaxis: dict[str, Any] = dict(title="training cost", rangemode="tozero", automargin=True, exponentformat="e")
    if race is None:
        xaxis["range"], yaxis["range"] = [0, 50_000], [0, 1]
        note_in_the_middle(figure, "press race: both curves appear here")
    else:
        for part, name, colour in (
            ("evolution", "evolution (its best member)", EVOLUTION_COLOUR),
            ("gradient", "gradient descent", GRADIENT_COLOUR),
        ):
            figure.add_trace(
                go.Scatter(
                    x=race[part][kind], y=race[part]["cost"], mode="lines", name=name, line=dict(color=colour, width=2)
                )
            )
        figure.add_vline(x=race["budget"]["limit"], line=dict(color="#777", dash="dot", width=1))
    figure.update_layout(
        height=260, margin=dict(l=50, r=10, t=10, b=40), xaxis=xaxis, yaxis=yaxis, legend=dict(orientation="h", y=1.12)
    )
    return figure
