"""The playground's figure builders: plain data in, ``go.Figure`` (or arrays) out; no Dash, testable alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from playground.app.ui.colours import (
    ALARM_COLOUR,
    CLASS_COLOURS,
    EVOLUTION_COLOUR,
    GRADIENT_COLOUR,
    TEST_COLOUR,
    TRAIN_COLOUR,
    VALUE_SCALE,
    class_symbol,
)
from playground.app.ui.plain_text import plotly_text
from playground.engine import Network
from playground.plots.plane import grid_axes, grid_outputs, output_confidence, plane_range

Array = np.ndarray


@dataclass
class ClassMap:
    """The predicted class and the confidence of every cell of a grid over the input plane."""

    xs: Array  # cell centres along x1, shape (resolution,)
    ys: Array  # cell centres along x2, shape (resolution,)
    predicted: Array  # class index, shape (len(ys), len(xs))
    confidence: Array  # 0 (a tie) … 1 (certain), same shape


def class_map(
    network: Network, x_range: tuple[float, float], y_range: tuple[float, float], resolution: int = 100
) -> ClassMap:
    """Evaluate the network at the centre of every cell of a resolution × resolution grid."""
    xs, ys = grid_axes(x_range, y_range, resolution)
    outputs = grid_outputs(network, xs, ys)
    shape = (len(ys), len(xs))
    return ClassMap(
        xs,
        ys,
        outputs.argmax(axis=1).reshape(shape),
        output_confidence(outputs, network.output_activation).reshape(shape),
    )


def node_activation_maps(
    network: Network, x_range: tuple[float, float], y_range: tuple[float, float], resolution: int = 24
) -> list[Array]:
    """What every node responds to: each layer's activations over the grid, (n_nodes, res, res) per layer.

    Layer 0 is the input; the browser's network diagram paints these as small heatmaps.
    """
    x_step = (x_range[1] - x_range[0]) / resolution
    y_step = (y_range[1] - y_range[0]) / resolution
    xs = x_range[0] + x_step * (np.arange(resolution) + 0.5)
    ys = y_range[0] + y_step * (np.arange(resolution) + 0.5)
    grid_x, grid_y = np.meshgrid(xs, ys)
    inputs = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(network.dtype)
    _, activations = network.forward_pass(inputs)
    return [a.T.reshape(-1, resolution, resolution) for a in activations]


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


DIVERGED_COLOUR = ALARM_COLOUR


def cost_curve_figure(history: dict, log_scale: bool = False) -> go.Figure:
    """Average cost on train and test data against the epoch, from epoch 0 (the untrained cost).

    Before the first step the axes are a plain 0…10 epochs × 0…1 with a line saying what will
    appear, not Plotly's empty −1…6 × −1…4; ``log_scale`` shows a crawl at 1e-4 as honestly as
    a fall from 1.
    """
    figure = go.Figure()
    for part, colour in (("train", TRAIN_COLOUR), ("test", TEST_COLOUR)):
        figure.add_trace(
            go.Scatter(
                x=history.get("epoch", []),
                y=history.get(part, []),
                mode="lines",
                name=f"{part} cost",
                line=dict(color=colour),
            )
        )
    # A diverging run reaches costs like 1e11: plain exponents, and room for them (automargin).
    yaxis: dict[str, Any] = dict(
        title="cost", automargin=True, exponentformat="e", type="log" if log_scale else "linear"
    )
    xaxis: dict[str, Any] = dict(title="epoch", rangemode="tozero")
    if not history.get("epoch"):
        xaxis["range"], yaxis["range"] = [0, 10], [-2, 0] if log_scale else [0, 1]
        figure.add_annotation(
            text="the cost appears here from the first step",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font=dict(color="#777"),
        )
    diverged = history.get("diverged_at")
    if diverged is not None:
        # Divergence is an event on the time axis, not a reason to squash the curve: a line where
        # it happened, and (on a linear axis) the scale of the run before the cost ran away.
        figure.add_vline(x=diverged, line=dict(color=DIVERGED_COLOUR, dash="dash"))
        figure.add_annotation(
            x=diverged,
            y=1,
            yref="paper",
            text="diverged",
            showarrow=False,
            xanchor="right",
            font=dict(color=DIVERGED_COLOUR),
        )
        costs = [c for c in history.get("train", []) if c is not None]
        if costs and not log_scale and max(costs) > 10 * costs[0] > 0:
            yaxis["range"] = [0, 3 * costs[0]]
    # The legend in a top margin of its own, above the plot (at any font size; lecture mode's too).
    figure.update_layout(
        margin=dict(l=50, r=10, t=34, b=40),
        height=230,
        xaxis=xaxis,
        yaxis=yaxis,
        legend=dict(orientation="h", x=0, xanchor="left", y=1, yanchor="bottom"),
        # A new revision after a divergence, so Plotly takes this axis rather than keep the last.
        uirevision="cost" if diverged is None else f"cost-diverged-{diverged}",
    )
    return figure


def race_boundaries_figure(
    inputs: Array, labels: Array, class_names: list[str], networks: list[tuple[str, Network]], resolution: int = 60
) -> go.Figure:
    """Boundaries side by side, one per (title, network): each class map under the training points."""
    from plotly.subplots import make_subplots

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
        figure.add_annotation(
            text="press race: both curves appear here",
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font=dict(color="#777"),
        )
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
