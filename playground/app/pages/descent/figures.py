"""Figure builders of the descent page: plain data in, ``go.Figure`` out (tested on their data)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.app.ui.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.engine.formula import Formula, check_values

CURVE_POINTS = 401
TANGENT_HALF_WIDTH = 0.08  # of the x range, each side of the ball
# Trace order in the descent figure (the page patches traces by position).
CURVE, PATH, TANGENT, BALL, AWAY = range(5)


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


# Where a ball outside the frame is marked: the edge it left by, an arrow pointing on, the text inside.
EDGES = {
    "right": ("triangle-right", "middle left"),
    "left": ("triangle-left", "middle right"),
    "top": ("triangle-up", "bottom center"),
    "bottom": ("triangle-down", "top center"),
}


def away_mark(x: float, y: float, x_range, y_range) -> dict:
    """The mark of a ball that left the frame (a diverging run leaves it within a step or two):
    at the edge it left by, an arrow pointing on and where it is. Empty while it is in sight."""
    (x0, x1), (y0, y1) = x_range, y_range
    edge = "right" if x > x1 else "left" if x < x0 else "top" if y > y1 else "bottom" if y < y0 else None
    if edge is None:
        return {"x": [], "y": [], "text": [], "symbol": "circle", "position": "top center"}
    symbol, position = EDGES[edge]
    at_x, at_y = min(max(x, x0), x1), min(max(y, y0), y1)
    if edge in ("left", "right") and at_y in (y0, y1):  # in a corner: the text below (or above) it, inside
        position = position.replace("middle", "bottom" if at_y == y1 else "top")
    return {
        "x": [at_x],
        "y": [at_y],
        "text": [f"ball at x = {x:.3g}, f = {y:.3g}"],
        "symbol": symbol,
        "position": position,
    }


def descent_figure(formula: Formula, x_range: tuple[float, float], path: list[list[float]]) -> go.Figure:
    """The curve, the ball's path so far, the tangent at the ball, and the ball (its last point)."""
    xs, values = curve(formula, x_range)
    ball_x, ball_y = path[-1]
    tangent_x, tangent_y = tangent(formula, ball_x, x_range)
    away = away_mark(ball_x, ball_y, x_range, y_range(values))
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
            go.Scatter(
                x=away["x"],
                y=away["y"],
                text=away["text"],
                mode="markers+text",
                name="ball away",
                marker=dict(size=20, color=NEGATIVE_COLOUR, symbol=away["symbol"]),
                textposition=away["position"],
                textfont=dict(color=NEGATIVE_COLOUR, size=14),
                cliponaxis=False,
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
    """Plotly restyles moving the path, the tangent and the ball of the descent figure (and its mark when
    it left the frame), and the step curve."""
    path = state["path"]
    xs, ys = [p[0] for p in path], [p[1] for p in path]
    x_range = tuple(state["x_range"])
    tangent_x, tangent_y = tangent(formula, xs[-1], x_range)
    away = away_mark(xs[-1], ys[-1], x_range, y_range(curve(formula, x_range)[1]))
    return [
        {
            "graph": graph,
            "update": {"x": [xs, tangent_x, xs[-1:]], "y": [ys, tangent_y, ys[-1:]]},
            "traces": [PATH, TANGENT, BALL],
        },
        {
            "graph": graph,
            "update": {
                "x": [away["x"]],
                "y": [away["y"]],
                "text": [away["text"]],
                "marker.symbol": [away["symbol"]],
                "textposition": [away["position"]],
            },
            "traces": [AWAY],
        },
        {"graph": steps_graph, "update": {"x": [list(range(len(path)))], "y": [ys]}, "traces": [0]},
    ]
