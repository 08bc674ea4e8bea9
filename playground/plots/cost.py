"""Cost curves: the playground's cost over the epochs (train and test, from the untrained cost at
epoch 0, divergence marked), and an image network's cost and accuracy per epoch.

    figure = cost_curve_figure({"epoch": [0, 1, 2], "train": [0.3, 0.2, 0.1], "test": [0.3, 0.25, 0.2]})
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.plots.colours import ALARM_COLOUR, TEST_COLOUR, TRAIN_COLOUR
from playground.plots.images import FONT
from playground.plots.waiting import note_in_the_middle, waiting_figure

CURVES_WAITING = "cost and accuracy appear here, epoch by epoch, once training starts"

DIVERGED_COLOUR = ALARM_COLOUR  # a diverged run: a line and the word, in the alarm colour


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
        note_in_the_middle(figure, "the cost appears here from the first step")
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


def accuracy_range(history: list[dict]) -> list[float]:
    """The accuracy axis: from a round tenth at or below the lowest accuracy shown (0.9 at the
    most) to just over 100 %, and 0…100 % before the first epoch's figures. At least ten points
    of range, so whole-percent ticks never repeat a label ("97 %, 97 %, 97 %"), and no empty
    −100 %…400 % frame while the first epoch runs."""
    values = [h[key] for h in history for key in ("train_accuracy", "test_accuracy") if h.get(key) is not None]
    low = math.floor(min(values) * 10) / 10 if values else 0.0
    return [min(low, 0.9), 1.01]


def curves_figure(history: list[dict], curve: list[list[float]]) -> go.Figure:
    """Cost (left) and accuracy (right) against the epoch: every epoch's train and test figures,
    and the running mean of the batch costs every few batches (a thin line)."""
    if not history and not curve:
        return waiting_figure(CURVES_WAITING, 400)
    figure = make_subplots(rows=1, cols=2, subplot_titles=("cost", "accuracy"), horizontal_spacing=0.1)
    if curve:
        xs, ys = zip(*curve)
        figure.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", name="batch cost (mean)", line=dict(color=TRAIN_COLOUR, width=1), opacity=0.45
            ),
            1,
            1,
        )
    epochs = [h["epoch"] for h in history]
    for name, colour, column, key in (
        ("train cost", TRAIN_COLOUR, 1, "train_cost"),
        ("test cost", TEST_COLOUR, 1, "test_cost"),
        ("train accuracy", TRAIN_COLOUR, 2, "train_accuracy"),
        ("test accuracy", TEST_COLOUR, 2, "test_accuracy"),
    ):
        figure.add_trace(
            go.Scatter(
                x=epochs,
                y=[h.get(key) for h in history],
                mode="lines+markers",
                name=name,
                line=dict(color=colour, dash="solid" if "test" in name else "dot"),
            ),
            1,
            column,
        )
    figure.update_xaxes(title_text="epoch", rangemode="tozero")
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(tickformat=".0%", range=accuracy_range(history), row=1, col=2)
    # The legend in a bottom margin of its own (two entries a row), clear of the axes at any font size.
    figure.update_layout(
        height=400,
        margin=dict(l=50, r=10, t=44, b=110),
        font=FONT,
        uirevision="curves",
        legend=dict(
            orientation="h",
            yref="container",
            y=0,
            yanchor="bottom",
            entrywidthmode="fraction",
            entrywidth=0.5,
            font=dict(size=12),
        ),
    )
    return figure
