"""A figure before its data: a line saying what will appear there, not Plotly's empty axes."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go

LINE = 34  # characters a line: a long note breaks into lines, so lecture mode's bigger text still fits


def waiting_figure(text: str, height: int = 300) -> go.Figure:
    """No axes (Plotly's empty ones run −1…6 × −1…4 and mean nothing), one grey line of text."""
    figure = go.Figure()
    note_in_the_middle(figure, "<br>".join(textwrap.wrap(text, LINE)) or text, size=15)
    figure.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(visible=False),
        yaxis=dict(visible=False),
        plot_bgcolor="rgba(0,0,0,0)",
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return figure


def note_in_the_middle(figure: go.Figure, text: str, size: int | None = None) -> None:
    """A grey line in the middle of a plot that has no data yet, saying what will appear there."""
    figure.add_annotation(
        text=text,
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font=dict(color="#777", **({"size": size} if size else {})),
    )
