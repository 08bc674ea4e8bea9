"""The decision boundary of a network on 2-D points: the points (the playground page's figure, over
which the browser paints the class map) and the whole picture for a notebook or a file (the class
map, shaded by confidence, under the same points).

    figure = boundary_figure(network, dataset)            # a toy Dataset or a points file's Points
    figure = boundary_figure(network, dataset, discretize=True, show_test=False)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from playground.engine import Network
from playground.plots.colours import CLASS_COLOURS, VALUE_SCALE, class_symbol
from playground.plots.plain_text import plotly_text
from playground.plots.plane import grid_axes, grid_outputs, output_confidence, plane_range

Array = np.ndarray


ASPECT_LIMIT = 3  # ranges whose spans differ more (own data in different units) fill the box instead


def same_scale(x_range: tuple[float, float], y_range: tuple[float, float]) -> bool:
    """Are the plane's two spans near enough to draw it with equal aspect?"""
    x_span, y_span = x_range[1] - x_range[0], y_range[1] - y_range[0]
    return x_span > 0 and y_span > 0 and 1 / ASPECT_LIMIT <= x_span / y_span <= ASPECT_LIMIT


def points_figure(
    train_inputs: Array,
    train_labels: Array,
    test_inputs: Array,
    test_labels: Array,
    class_names: list[str],
    feature_names: list[str],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    show_test: bool = True,
) -> go.Figure:
    """The data points over a transparent plane: the browser paints the class map beneath it.

    Training points are filled, test points hollow (``show_test`` False: hidden, their legend
    entries kept); ``customdata`` is each point's index. The traces: the training points of each
    class in the classes' order, then the test points of each.
    """
    figure = go.Figure()
    if not class_names:  # a regression: the points coloured by their targets
        add_valued_points(figure, train_inputs, train_labels, test_inputs, test_labels, show_test)
    for kind, inputs, labels in (("train", train_inputs, train_labels), ("test", test_inputs, test_labels)):
        for k, name in enumerate(map(plotly_text, class_names)):
            chosen = np.flatnonzero(labels == k)
            colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
            figure.add_trace(
                go.Scatter(
                    x=inputs[chosen, 0] if len(chosen) else [],
                    y=inputs[chosen, 1] if len(chosen) else [],
                    customdata=chosen,
                    mode="markers",
                    visible=True if kind == "train" or show_test else "legendonly",
                    name=f"{name} ({kind})",
                    hovertemplate=f"{name} ({kind})<br>%{{x:.3f}}, %{{y:.3f}}<extra>click to remove</extra>",
                    marker=dict(
                        color=colour,
                        size=9,
                        symbol=class_symbol(k) if kind == "train" else f"{class_symbol(k)}-open",
                        line=dict(color="white" if kind == "train" else colour, width=1.5 if kind == "train" else 2),
                    ),
                )
            )
    if same_scale(x_range, y_range):
        # One unit as long across as up (a circle of points looks round): the plot area shrinks
        # in one direction, the ranges stay.
        figure.update_xaxes(constrain="domain")
        figure.update_yaxes(scaleanchor="x", scaleratio=1, constrain="domain")
    figure.update_layout(
        margin=dict(l=50, r=10, t=10, b=92),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=dict(
            title=plotly_text(feature_names[0]), range=list(x_range), showgrid=False, zeroline=False, fixedrange=True
        ),
        yaxis=dict(
            title=plotly_text(feature_names[1]), range=list(y_range), showgrid=False, zeroline=False, fixedrange=True
        ),
        # Two legend rows at any size: the training points' classes, then the test points'.
        legend=dict(
            orientation="h",
            yref="container",
            y=0,
            yanchor="bottom",
            entrywidthmode="fraction",
            entrywidth=1 / max(1, len(class_names)),
        ),
        hovermode="closest",
        dragmode=False,
        uirevision="points",
    )
    return figure


def value_range(train_targets: Array, test_targets: Array) -> float:
    """Half the colour bar's span: the largest |target| (1 when all are 0), as the browser's valueRange."""
    largest = float(np.abs(np.concatenate([np.ravel(train_targets), np.ravel(test_targets)])).max(initial=0.0))
    return largest if largest > 0 else 1.0


def add_valued_points(
    figure: go.Figure,
    train_inputs: Array,
    train_targets: Array,
    test_inputs: Array,
    test_targets: Array,
    show_test: bool,
) -> None:
    """A regression's points: training points filled, test points hollow, each in its target's
    colour on one diverging scale, with its colour bar (the traces: training, then test, then
    their two legend entries: a grey dot and ring, as a legend of coloured points would take the
    first point's colour and read as a class)."""
    span = value_range(train_targets, test_targets)
    for kind, inputs, targets in (("train", train_inputs, train_targets), ("test", test_inputs, test_targets)):
        figure.add_trace(
            go.Scatter(
                x=inputs[:, 0],
                y=inputs[:, 1],
                customdata=np.arange(len(targets)),
                mode="markers",
                visible=True if kind == "train" or show_test else "legendonly",
                name=f"{kind} points",
                legendgroup=kind,
                showlegend=False,
                text=[f"{float(y):.3g}" for y in np.ravel(targets)],
                hovertemplate=f"{kind}: %{{text}}<br>%{{x:.3f}}, %{{y:.3f}}<extra>click to remove</extra>",
                marker=dict(
                    color=np.ravel(targets),
                    colorscale=VALUE_SCALE,
                    cmin=-span,
                    cmax=span,
                    # Smaller than a class's points: a regression set has 1,200 of them, and each
                    # one's colour, not its outline, is what the room reads.
                    size=7,
                    symbol="circle" if kind == "train" else "circle-open",
                    line=dict(color="rgba(40, 40, 40, 0.55)", width=0.6) if kind == "train" else dict(width=1.5),
                    showscale=kind == "train",
                    colorbar=dict(title=dict(text="value", side="right"), thickness=14, len=0.8)
                    if kind == "train"
                    else None,
                ),
            )
        )
    for kind in ("train", "test"):  # the legend: one entry a kind, toggling its points (its group)
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{kind} points",
                legendgroup=kind,
                hoverinfo="skip",
                marker=dict(color="#777777", size=9, symbol="circle" if kind == "train" else "circle-open"),
            )
        )


# ------------------------------------------------------------------ the class map under the points

TIE_SHADE, CERTAIN_SHADE = (
    0.9,
    0.35,
)  # a class's colour mixed with white: at a tie, when certain (as the browser paints)


def boundary_values(network: Network, xs: Array, ys: Array) -> Array:
    """What the boundary paints at every cell, shaped (len(ys), len(xs)) (rows follow x2).

    A classification: the predicted class k plus its confidence c (how far the winning output is
    ahead of the runner-up, 0 a tie … 0.999 certain, to 3 decimals), so ⌊value⌋ is the class and
    the colour deepens with c; a regression: the network's output (to 4 significant digits). A
    network of feature inputs (x1², sin x1, …) takes them, computed from each cell's point.
    """
    outputs = np.asarray(grid_outputs(network, xs, ys), dtype=np.float64)
    shape = (len(ys), len(xs))
    if network.task == "regression":  # four significant digits: the backprop page's frames travel to the browser
        return np.array([float(f"{value:.4g}") for value in outputs[:, 0]]).reshape(shape)
    confidence = np.minimum(output_confidence(outputs, network.output_activation), 0.999)  # ⌊value⌋ stays the class
    return np.round(outputs.argmax(axis=1) + confidence, 3).reshape(shape)


def mix_with_white(colour: str, amount: float) -> str:
    """A ``#rrggbb`` colour moved ``amount`` (0…1) of the way to white, as ``rgb(…)``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "rgb({}, {}, {})".format(*(round(v + (255 - v) * amount) for v in (red, green, blue)))


def class_scale(n_classes: int) -> list[list]:
    """Class k over [k, k + 1): its colour pale at a tie, deep when certain (zmin 0, zmax n_classes)."""
    scale: list[list] = []
    for k in range(n_classes):
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        scale.append([k / n_classes, mix_with_white(colour, TIE_SHADE)])
        scale.append([(k + 1) / n_classes, mix_with_white(colour, CERTAIN_SHADE)])
    return scale


def class_map_trace(
    network: Network, xs: Array, ys: Array, n_classes: int, span: float, discretize: bool
) -> go.Heatmap:
    """The network over the plane as a heatmap: a class's colour deepening with confidence (``discretize``:
    every cell certain), or a regression's value on the diverging scale (-span … span)."""
    values = boundary_values(network, xs, ys)
    if network.task == "regression":
        # Smoothed between cells: a value varies smoothly (a class map keeps its cells' edges).
        return go.Heatmap(
            x=xs, y=ys, z=values, colorscale=VALUE_SCALE, zmin=-span, zmax=span, zsmooth="best", showscale=False
        )
    if discretize:
        values = np.floor(values) + 0.999
    return go.Heatmap(
        x=xs,
        y=ys,
        z=values,
        colorscale=class_scale(n_classes),
        zmin=0,
        zmax=n_classes,
        showscale=False,
        hovertemplate="%{x:.3f}, %{y:.3f}<extra></extra>",
    )


def boundary_figure(
    network: Network, data: Any, resolution: int = 100, show_test: bool = True, discretize: bool = False
) -> go.Figure:
    """The network's decision boundary on 2-D points: the class map shaded by confidence (or a
    regression's values) under the training points (filled) and test points (hollow).

    ``data`` is a toy ``Dataset`` or a file's ``Points`` (anything with train_inputs, train_labels,
    test_inputs, test_labels and class_names). The points are the playground page's own figure
    (``points_figure``); the map is what the page's browser paints beneath them, on the same
    100 × 100 cells over the data's range plus 10 %.
    """
    inputs = np.concatenate([np.reshape(data.train_inputs, (-1, 2)), np.reshape(data.test_inputs, (-1, 2))])
    x_range, y_range = plane_range(inputs)
    class_names = list(data.class_names)
    points = points_figure(
        data.train_inputs,
        data.train_labels,
        data.test_inputs,
        data.test_labels,
        class_names,
        list(getattr(data, "feature_names", None) or ["x1", "x2"]),
        x_range,
        y_range,
        show_test=show_test,
    )
    xs, ys = grid_axes(x_range, y_range, resolution)
    span = value_range(data.train_labels, data.test_labels)
    heat = class_map_trace(network, xs, ys, max(len(class_names), network.layer_sizes[-1]), span, discretize)
    figure = go.Figure([heat, *points.data], points.layout)
    figure.update_layout(plot_bgcolor="white", paper_bgcolor="white", height=460)
    return figure
