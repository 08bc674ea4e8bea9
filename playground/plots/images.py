"""Image networks' figures: the confusion matrix (rows true, columns predicted, the mistakes
coloured), each class's accuracy, test images placed by a layer's activations, accuracy under
growing changes, and answering only when confident.

    matrix = sklearn.metrics.confusion_matrix(labels, network.predict(images))
    figure = confusion_figure(matrix, ["0", "1", …, "9"])
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.plots.colours import CLASS_COLOURS, TEST_COLOUR, TRAIN_COLOUR, class_symbol
from playground.plots.plain_text import plotly_text

Array = np.ndarray
FONT = dict(size=14)  # read from the back of a lecture hall


def confusion_figure(matrix: Array, class_names: list[str], normalised: bool = False) -> go.Figure:
    """The confusion matrix as a heatmap (rows: true class, columns: predicted), the numbers in
    each cell; ``normalised``: each row as fractions of that class. Click a cell to see its images."""
    names = [plotly_text(name) for name in class_names]
    totals = matrix.sum(axis=1, keepdims=True)
    shown = np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0) if normalised else matrix
    text = [[f"{v:.0%}" if normalised else f"{v:,}" for v in row] for row in shown]
    # Each number once: the mistakes' trace writes the cells off the diagonal, the right answers' the diagonal.
    mistakes_text = [[t if i != j else "" for j, t in enumerate(row)] for i, row in enumerate(text)]
    right_text = [[t if i == j else "" for j, t in enumerate(row)] for i, row in enumerate(text)]
    # Colour the mistakes, not the (large) diagonal: it would wash every other cell out.
    colour = np.array(row_share(matrix), dtype=float)
    np.fill_diagonal(colour, np.nan)
    figure = go.Figure(
        go.Heatmap(
            z=colour,
            x=names,
            y=names,
            text=mistakes_text,
            texttemplate="%{text}",
            # Reds up to a middle red: the darkest cell's dark number still reads on it.
            colorscale=[[0, "#fff5f0"], [0.5, "#fcae91"], [1, "#ef6548"]],
            showscale=False,
            customdata=matrix,
            xgap=1,
            ygap=1,
            hoverongaps=False,
            hovertemplate="true %{y}, predicted %{x}: %{customdata:,} images<extra></extra>",
        )
    )
    figure.add_trace(
        go.Heatmap(
            z=np.where(np.eye(len(names)) > 0, 1.0, np.nan),
            x=names,
            y=names,
            text=right_text,
            texttemplate="<b>%{text}</b>",
            # A pale blue, not green: under deuteranopia a green and the mistakes' reds both turn
            # olive (bench/colour_blind_view.py); blue against red-orange stays apart for every reader.
            colorscale=[[0, "#d4e6f7"], [1, "#d4e6f7"]],
            showscale=False,
            customdata=matrix,
            xgap=1,
            ygap=1,
            hoverongaps=False,
            hovertemplate="%{y}: %{customdata:,} right<extra></extra>",
        )
    )
    figure.update_layout(
        height=440,
        # t=34: room for the page's toolbar above row 0 (it covered row 0's last cells, and a click there).
        margin=dict(l=90, r=10, t=34, b=80),
        font=FONT,
        xaxis=dict(title="predicted class", side="bottom", tickangle=-35),
        yaxis=dict(title="true class", autorange="reversed"),
        clickmode="event",
    )
    return figure


def row_share(matrix: Array) -> Array:
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)


def per_class_figure(accuracy: Array, class_names: list[str]) -> go.Figure:
    """Each class's test accuracy as a bar."""
    names = [plotly_text(name) for name in class_names]
    figure = go.Figure(
        go.Bar(
            x=names,
            y=accuracy,
            marker_color=[CLASS_COLOURS[k % len(CLASS_COLOURS)] for k in range(len(names))],
            # Whole percents: at lecture size ten labels side by side keep apart ("89.7%84.8%" ran
            # together); the value to 0.01 % is on hover.
            text=[f"{a:.0%}" for a in accuracy],
            textposition="outside",
            hovertemplate="%{x}: %{y:.2%}<extra></extra>",
        )
    )
    low = float(np.nanmin(accuracy)) if len(accuracy) else 0.0
    figure.update_layout(
        height=260,
        margin=dict(l=50, r=10, t=10, b=70),
        font=FONT,
        yaxis=dict(title="test accuracy", tickformat=".0%", range=[max(low - 0.1, 0), 1.05]),
        xaxis=dict(tickangle=-35),
    )
    return figure


def map_figure(points: Array, labels: Array, class_names: list[str], title: str) -> go.Figure:
    """Test images placed by a layer's activations, one colour per true class; ``customdata``
    is the image's index among the mapped ones (the page shows it on hover). A plain list: Dash
    reads a hovered point's customdata by index, which an array sent in Plotly's binary encoding
    does not have."""
    figure = go.Figure()
    for k, name in enumerate(class_names):
        chosen = np.flatnonzero(labels == k)
        figure.add_trace(
            go.Scattergl(
                x=points[chosen, 0],
                y=points[chosen, 1],
                mode="markers",
                name=plotly_text(name),
                customdata=chosen.tolist(),
                hoverinfo="none",
                # Past the six classes that stay apart by colour, a shape of its own too.
                marker=dict(size=6, color=CLASS_COLOURS[k % len(CLASS_COLOURS)], symbol=class_symbol(k), opacity=0.8),
            )
        )
    figure.update_layout(
        height=460,
        margin=dict(l=30, r=10, t=36, b=30),
        font=FONT,
        title=dict(text=plotly_text(title), font=dict(size=14)),
        legend=dict(itemsizing="constant"),
        xaxis=dict(showticklabels=False, zeroline=False),
        yaxis=dict(showticklabels=False, zeroline=False),
    )
    return figure


def robustness_figure(curves: dict[str, tuple[list, list]], note: str = "") -> go.Figure:
    """Accuracy against the size of each change, one small chart per change (``note``: on which images)."""
    kinds = list(curves)
    # Two charts a row: each wide enough for its title and ticks, at lecture size too.
    columns = min(2, len(kinds))
    rows = -(-len(kinds) // columns)
    figure = make_subplots(
        rows=rows, cols=columns, subplot_titles=kinds, shared_yaxes=True, horizontal_spacing=0.06, vertical_spacing=0.22
    )
    for k, kind in enumerate(kinds):
        row, column = divmod(k, columns)
        levels, accuracies = curves[kind]
        figure.add_trace(
            go.Scatter(
                x=levels,
                y=accuracies,
                mode="lines+markers",
                showlegend=False,
                line=dict(color=TEST_COLOUR),
                hovertemplate="%{x}: %{y:.1%}<extra></extra>",
            ),
            row + 1,
            column + 1,
        )
    figure.update_yaxes(tickformat=".0%", range=[0, 1.02])
    figure.update_yaxes(title_text="test accuracy", col=1)
    figure.update_layout(
        height=180 * rows + 70 + 20 * bool(note),
        margin=dict(l=60, r=10, t=40, b=40 + 20 * bool(note)),
        font=dict(size=12),
    )
    figure.update_annotations(font_size=12)
    if note:
        figure.add_annotation(
            text=note,
            x=1,
            y=0,
            yshift=-28,  # under the bottom charts' ticks, whatever the figure's height
            xref="paper",
            yref="paper",
            xanchor="right",
            yanchor="top",
            showarrow=False,
            font=dict(size=11, color="#666"),
        )
    return figure


def threshold_figure(thresholds: Array, answered: Array, accuracy: Array, chosen: float) -> go.Figure:
    """How many test images the network still answers, and how many of those it gets right,
    as the confidence it needs grows."""
    figure = go.Figure(
        [
            go.Scatter(x=thresholds, y=answered, name="answered", line=dict(color=TRAIN_COLOUR)),
            go.Scatter(x=thresholds, y=accuracy, name="right, of those answered", line=dict(color=TEST_COLOUR)),
        ]
    )
    figure.add_vline(x=chosen, line=dict(color="#555", dash="dash"))
    figure.update_layout(
        height=260,
        margin=dict(l=50, r=10, t=10, b=40),
        font=FONT,
        xaxis=dict(title="confidence needed to answer", tickformat=".0%"),
        yaxis=dict(tickformat=".0%", range=[0, 1.02]),
        legend=dict(orientation="h", y=1.15),
    )
    return figure
