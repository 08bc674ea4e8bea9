"""The image page's figures: the library's builders (``playground.plots``), one builder per view,
so a notebook and the page draw the same figure from the same data."""

from __future__ import annotations

from playground.plots.cost import CURVES_WAITING, accuracy_range, curves_figure
from playground.plots.images import (
    FONT,
    confusion_figure,
    map_figure,
    per_class_figure,
    robustness_figure,
    row_share,
    threshold_figure,
)

__all__ = [
    "CURVES_WAITING",
    "FONT",
    "accuracy_range",
    "confusion_figure",
    "curves_figure",
    "map_figure",
    "per_class_figure",
    "robustness_figure",
    "row_share",
    "threshold_figure",
]
