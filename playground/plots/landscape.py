"""Cost landscapes: the cost over two of a network's numbers as a 3-D surface and as contours, a
descent's path drawn on both (the landscape page's walk), and big networks' filter-normalised
slices (SPEC F11).

    costs = engine.landscape.cost_surface(network, inputs, labels, ("W", 1, 0, 0), ("W", 1, 1, 0), xs, ys)
    figure = surface_figure(xs, ys, costs, path, "W[1][0,0]", "W[1][1,0]")   # path: rows of (x, y, cost)

Trace order is fixed (the landscape page moves traces by position while a walk goes on):
surface and contour figures hold the landscape (0), the path (1) and the current point (2).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.plots.colours import PATH_COLOUR

LANDSCAPE, PATH, POINT = range(3)
OVERLAY_PATH, OVERLAY_POINT = range(2)  # the path overlay holds only these two
# Where the 3-D surface is seen from: far enough that lecture mode's big axis titles stay inside
# the figure (1.2× the distance that clipped "cost" to "ost" at 1280×720).
SURFACE_EYE = dict(x=1.8, y=-1.8, z=1.3)
# The contour and the path overlay above it share these margins (and the plot area with them).
CONTOUR_MARGIN = dict(l=60, r=100, t=30, b=50)
CONTOUR_HEIGHT = 440


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
            xaxis_title="α (direction 1)",
            yaxis_title="β (direction 2)",
            zaxis_title="log₁₀ cost" if log else "cost",
            camera=dict(eye=dict(x=1.5, y=1.5, z=1.5)),  # Plotly's view, 1.2× farther: see SURFACE_EYE
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
            go.Scatter3d(  # lists, not typed arrays: a walk's page appends its new points to them
                x=path[:, 0].tolist(),
                y=path[:, 1].tolist(),
                z=path_z.tolist(),
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
            camera=dict(eye=SURFACE_EYE),
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
        go.Scatter(  # lists, not typed arrays: a walk's page appends its new points to them
            x=path[:, 0].tolist(),
            y=path[:, 1].tolist(),
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
