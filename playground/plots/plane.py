"""The input plane the pages draw a network over: its range, its grid of cells, and what the
network says at each (pure NumPy; the figures draw it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.data.features import feature_matrix
from playground.engine import Network

Array = np.ndarray


def plane_range(inputs: Array, margin: float = 0.1) -> tuple[tuple[float, float], tuple[float, float]]:
    """The data's range on each axis plus ``margin`` of its width on both sides."""
    if len(inputs) == 0:
        return (0.0, 1.0), (0.0, 1.0)
    low, high = inputs.min(axis=0).astype(float), inputs.max(axis=0).astype(float)
    width = np.where(high > low, high - low, 1.0)
    low, high = low - margin * width, high + margin * width
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def grid_axes(x_range: tuple[float, float], y_range: tuple[float, float], resolution: int) -> tuple[Array, Array]:
    """The centres of a resolution × resolution grid's cells along x1 and x2."""
    cells = np.arange(resolution) + 0.5
    xs = x_range[0] + (x_range[1] - x_range[0]) / resolution * cells
    ys = y_range[0] + (y_range[1] - y_range[0]) / resolution * cells
    return xs, ys


def grid_outputs(network: Network, xs: Array, ys: Array) -> Array:
    """The network's outputs at every cell (rows: x2 ascending, then x1): (len(ys) · len(xs), k).
    A network of feature inputs (x1², sin x1, …) takes them, computed from each cell's point."""
    grid_x, grid_y = np.meshgrid(xs, ys)
    points = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    return network.forward(points if network.input_names is None else feature_matrix(points, network.input_names))


def output_confidence(outputs: Array, output_activation: str) -> Array:
    """How far the winning output is ahead of the runner-up, scaled to 0…1."""
    if outputs.shape[1] == 1:
        return np.ones(len(outputs))
    top_two = np.sort(outputs, axis=1)[:, -2:]
    margin = top_two[:, 1] - top_two[:, 0]
    output_span = 2.0 if output_activation == "tanh" else 1.0
    return np.clip(margin / output_span, 0.0, 1.0)


@dataclass
class ClassMap:
    """The predicted class and the confidence of every cell of a grid over the input plane."""

    xs: Array  # cell centres along x1, shape (resolution,)
    ys: Array  # cell centres along x2, shape (resolution,)
    predicted: Array  # class index, shape (len(ys), len(xs))
    confidence: Array  # 0 (a tie) … 1 (certain), same shape


def class_map(
    network: Network, x_range: tuple[float, float], y_range: tuple[float, float], resolution: int = 100
) -> ClassMap:
    """Evaluate the network at the centre of every cell of a resolution × resolution grid."""
    xs, ys = grid_axes(x_range, y_range, resolution)
    outputs = grid_outputs(network, xs, ys)
    shape = (len(ys), len(xs))
    return ClassMap(
        xs,
        ys,
        outputs.argmax(axis=1).reshape(shape),
        output_confidence(outputs, network.output_activation).reshape(shape),
    )
