"""Cost landscapes of big networks (SPEC F11): a filter-normalised slice as a surface and a contour."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go


def shown_values(costs: np.ndarray, log: bool) -> np.ndarray:
    """What the colours show: the cost, or log₁₀ of it (costs are ≥ 0; zero is clipped)."""
    return np.log10(np.maximum(costs, 1e-12)) if log else costs


def slice_figures(alphas, betas, costs, log: bool = False, title: str = ""):
    """A filter-normalised slice (Li et al. 2018): the surface and its contour, the network at (0, 0)."""
    z = shown_values(np.asarray(costs, dtype=float), log)
    surface = go.Figure(
        go.Surface(
            x=alphas,
            y=betas,
            z=z,
            colorscale="Viridis",
            showscale=False,
            hovertemplate="α %{x:.3f}<br>β %{y:.3f}<br>cost %{z:.4g}<extra></extra>",
        )
    )
    surface.update_layout(
        margin=dict(l=0, r=0, t=40 if title else 10, b=0),
        height=480,
        title=dict(text=title, font=dict(size=13)) if title else None,
        scene=dict(
            xaxis_title="α (direction 1)", yaxis_title="β (direction 2)", zaxis_title="log₁₀ cost" if log else "cost"
        ),
    )
    contour = go.Figure(
        [
            go.Contour(
                x=alphas,
                y=betas,
                z=z,
                colorscale="Viridis",
                ncontours=30,
                colorbar=dict(title="log₁₀ cost" if log else "cost", thickness=12),
            ),
            go.Scatter(
                x=[0],
                y=[0],
                mode="markers",
                name="the network",
                marker=dict(size=10, color="white", line=dict(color="black", width=2)),
            ),
        ]
    )
    contour.update_layout(
        margin=dict(l=60, r=10, t=40 if title else 10, b=50),
        height=480,
        showlegend=False,
        title=dict(text=title, font=dict(size=13)) if title else None,
        xaxis_title="α (direction 1)",
        yaxis_title="β (direction 2)",
    )
    return surface, contour


def slice_report_figure(alphas, betas, costs, log: bool = False, title: str = "") -> go.Figure:
    """The slice's surface and contour side by side in one figure (for an HTML or PNG file)."""
    from plotly.subplots import make_subplots

    surface, contour = slice_figures(alphas, betas, costs, log)
    figure = make_subplots(
        rows=1,
        cols=2,
        specs=[[{"type": "surface"}, {"type": "xy"}]],
        subplot_titles=("the cost over the plane", "seen from above (the network at 0, 0)"),
    )
    figure.add_trace(surface.data[0], row=1, col=1)
    for trace in contour.data:
        figure.add_trace(trace, row=1, col=2)
    figure.update_layout(
        title=dict(text=title, font=dict(size=14)),
        height=620,
        width=1400,
        showlegend=False,
        margin=dict(l=20, r=20, t=80, b=40),
        scene=dict(xaxis_title="α", yaxis_title="β", zaxis_title="log₁₀ cost" if log else "cost"),
    )
    figure.update_xaxes(title_text="α (direction 1)", row=1, col=2)
    figure.update_yaxes(title_text="β (direction 2)", row=1, col=2)
    return figure
