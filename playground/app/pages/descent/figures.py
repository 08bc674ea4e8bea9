"""Figure builders of the descent page: plain data in, ``go.Figure`` out (tested on their data)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.app.ui.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.engine.formula import Formula, check_values

CURVE_POINTS = 401
TANGENT_HALF_WIDTH = 0.08  # of the x range, each side of the ball
# Trace order in the descent figure (the page patches traces by position).
CURVE, PATH, TANGENT, BALL = range(4)


def curve(formula: Formula, x_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The function over its range (NaN where undefined); raises FormulaError where it overflows."""
    xs = np.linspace(x_range[0], x_range[1], CURVE_POINTS)
    return xs, check_values(formula, xs)


def tangent(formula: Formula, x: float, x_range: tuple[float, float]) -> tuple[list[float], list[float]]:
    """A short piece of the tangent at x: the line the slope describes."""
    value, slope, _ = (float(v) for v in formula.derivatives(x))
    half = TANGENT_HALF_WIDTH * (x_range[1] - x_range[0])
    xs = [x - half, x + half]
    return xs, [value + slope * (t - x) for t in xs]


def y_range(values: np.ndarray) -> list[float]:
    """The curve's own height plus a margin, so a diverging ball leaves the picture, not the axes."""
    finite = values[np.isfinite(values)]
    low, high = float(finite.min()), float(finite.max())
    margin = 0.08 * (high - low or 1.0)
    return [low - margin, high + margin]


def descent_figure(formula: Formula, x_range: tuple[float, float], path: list[list[float]]) -> go.Figure:
    """The curve, the ball's path so far, the tangent at the ball, and the ball (its last point)."""
    xs, values = curve(formula, x_range)
    ball_x, ball_y = path[-1]
    tangent_x, tangent_y = tangent(formula, ball_x, x_range)
    figure = go.Figure(
        [
            go.Scatter(
                x=xs,
                y=values,
                mode="lines",
                name="f(x)",
                line=dict(color="#444", width=2.5),
                hovertemplate="x = %{x:.3f}<br>f = %{y:.4g}<extra>click: start here</extra>",
            ),
            go.Scatter(
                x=[p[0] for p in path],
                y=[p[1] for p in path],
                mode="lines+markers",
                name="steps",
                line=dict(color=NEGATIVE_COLOUR, width=1.5),
                marker=dict(size=6, color=NEGATIVE_COLOUR),
                opacity=0.6,
                hoverinfo="skip",
            ),
            go.Scatter(
                x=tangent_x,
                y=tangent_y,
                mode="lines",
                name="slope",
                line=dict(color=POSITIVE_COLOUR, dash="dash", width=2),
                hoverinfo="skip",
            ),
            go.Scatter(
                x=[ball_x],
                y=[ball_y],
                mode="markers",
                name="ball",
                marker=dict(size=18, color=NEGATIVE_COLOUR, line=dict(color="white", width=2)),
                hoverinfo="skip",
            ),
        ]
    )
    figure.update_layout(
        margin=dict(l=55, r=15, t=10, b=45),
        height=430,
        hovermode="closest",
        showlegend=False,
        xaxis=dict(title="x", range=list(x_range), zeroline=False),
        yaxis=dict(title="f(x)", range=y_range(values), zeroline=False),
        uirevision=f"{formula.text}|{x_range}",
    )
    return figure


def steps_figure(path: list[list[float]]) -> go.Figure:
    """f at every step: falling steadily, bouncing down, or climbing away."""
    figure = go.Figure(
        go.Scatter(
            x=list(range(len(path))),
            y=[p[1] for p in path],
            mode="lines+markers",
            line=dict(color=NEGATIVE_COLOUR),
            marker=dict(size=5),
            name="f(x)",
        )
    )
    figure.update_layout(
        margin=dict(l=55, r=15, t=10, b=40),
        height=200,
        showlegend=False,
        xaxis=dict(title="step", rangemode="tozero"),
        yaxis=dict(title="f(x)", exponentformat="e"),
    )
    return figure


def moved_ball(state: dict, formula: Formula, graph: str, steps_graph: str) -> list[dict]:
    """Plotly restyles moving the path, the tangent and the ball of the descent figure, and the step curve."""
    path = state["path"]
    xs, ys = [p[0] for p in path], [p[1] for p in path]
    tangent_x, tangent_y = tangent(formula, xs[-1], tuple(state["x_range"]))
    return [
        {
            "graph": graph,
            "update": {"x": [xs, tangent_x, xs[-1:]], "y": [ys, tangent_y, ys[-1:]]},
            "traces": [PATH, TANGENT, BALL],
        },
        {"graph": steps_graph, "update": {"x": [list(range(len(path)))], "y": [ys]}, "traces": [0]},
    ]
