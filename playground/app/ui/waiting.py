"""A figure before its data: defined with the figures (``playground.plots.waiting``)."""

from playground.plots.waiting import waiting_figure

__all__ = ["waiting_figure"]
