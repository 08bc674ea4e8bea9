"""Text from a user or a link, made safe for Plotly: defined with the figures (``playground.plots.plain_text``)."""

from playground.plots.plain_text import plotly_text

__all__ = ["plotly_text"]
