"""The playground's figures: the library's builders (``playground.plots``: the points over the
plane, the cost curve, the evolution race), one builder per view, and what only this page needs
(each node's activations over the plane, for the browser's network diagram)."""

from __future__ import annotations

import numpy as np

from playground.engine import Network
from playground.plots.boundary import ASPECT_LIMIT, add_valued_points, points_figure, same_scale, value_range
from playground.plots.colours import VALUE_SCALE
from playground.plots.cost import DIVERGED_COLOUR, cost_curve_figure
from playground.plots.evolution import race_boundaries_figure, race_costs_figure
from playground.plots.plane import ClassMap, class_map, output_confidence, plane_range

__all__ = [
    "ASPECT_LIMIT",
    "DIVERGED_COLOUR",
    "VALUE_SCALE",
    "ClassMap",
    "add_valued_points",
    "class_map",
    "cost_curve_figure",
    "node_activation_maps",
    "output_confidence",
    "plane_range",
    "points_figure",
    "race_boundaries_figure",
    "race_costs_figure",
    "same_scale",
    "value_range",
]

Array = np.ndarray


def node_activation_maps(
    network: Network, x_range: tuple[float, float], y_range: tuple[float, float], resolution: int = 24
) -> list[Array]:
    """What every node responds to: each layer's activations over the grid, (n_nodes, res, res) per layer.

    Layer 0 is the input; the browser's network diagram paints these as small heatmaps.
    """
    x_step = (x_range[1] - x_range[0]) / resolution
    y_step = (y_range[1] - y_range[0]) / resolution
    xs = x_range[0] + x_step * (np.arange(resolution) + 0.5)
    ys = y_range[0] + y_step * (np.arange(resolution) + 0.5)
    grid_x, grid_y = np.meshgrid(xs, ys)
    inputs = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(network.dtype)
    _, activations = network.forward_pass(inputs)
    return [a.T.reshape(-1, resolution, resolution) for a in activations]
