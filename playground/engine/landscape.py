"""Cost landscapes: the cost over a plane through parameter space (SPEC F9, F11).

Every landscape here is the cost on a plane θ + α·d₁ + β·d₂ through the network's
parameters θ, for a grid of (α, β):

- ``cost_surface``: d₁ and d₂ pick two single parameters (the sliders' ``W[l][i,j]``,
  ``b[l][j]``), so the surface is the cost as those two move and the rest stay;
- ``cost_slice``: d₁ and d₂ are random Gaussian directions, filter-normalised as Li et al.
  (2018) do, for a picture of a big network's landscape around its trained parameters;
- ``trajectory_plane``: the plane of a training run's path, by PCA of its parameter vectors.

How it is fast: ``playground.engine.plane`` works out the cost on any plane in blocks of
grid points, three matrix products per layer; a surface over two sliders goes through
``playground.engine.surface``, which broadcasts each number over only the axes it depends on.
The network itself is never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from playground.engine.network import Network
from playground.engine.plane import check_grid, plane_costs, plane_l1, plane_l2
from playground.engine.surface import two_parameter_costs

Array = np.ndarray
Address = tuple[Any, ...]  # ("W", l, i, j) or ("b", l, j), l counted from 1 as the sliders count (checked by locate)

NORMALISATIONS = ("filter", "layer", "none")


# ------------------------------------------------------------------ naming parameters


def parameter_addresses(network: Network) -> list[Address]:
    """Every weight and bias of the network, in the sliders' order: layer by layer, W then b."""
    addresses: list[Address] = []
    for number, layer in enumerate(network.weighted_layers, start=1):
        addresses += [("W", number, *index) for index in np.ndindex(layer.weights.shape)]
        addresses += [("b", number, *index) for index in np.ndindex(layer.biases.shape)]
    return addresses


def parameter_name(address: Address) -> str:
    """The sliders' label: W[2][3,5] (from node 3 of layer 1 to node 5 of layer 2) or b[1][4]."""
    kind, layer, *index = address
    return f"{kind}[{layer}][{','.join(str(int(i)) for i in index)}]"


def locate(network: Network, address: Address) -> tuple[int, tuple[int, ...]]:
    """(position in ``network.parameters()``, index in that array) of a parameter, or a ValueError."""
    try:
        kind, layer_given, *index_given = address
        layer, index = int(layer_given), tuple(int(i) for i in index_given)
    except (TypeError, ValueError):
        raise ValueError(f"a parameter is ('W', layer, i, j) or ('b', layer, j), not {address!r}") from None
    layers = network.weighted_layers
    if kind not in ("W", "b") or not 1 <= layer <= len(layers):
        raise ValueError(f"the network has no parameter {address!r}: weight-layers are 1…{len(layers)}")
    array = layers[layer - 1].weights if kind == "W" else layers[layer - 1].biases
    if len(index) != array.ndim or not all(0 <= i < n for i, n in zip(index, array.shape)):
        raise ValueError(
            f"the network has no parameter {parameter_name(address)}: "
            f"{'weights' if kind == 'W' else 'biases'} of layer {layer} have shape {array.shape}"
        )
    return 2 * (layer - 1) + (0 if kind == "W" else 1), index


def parameter_value(network: Network, address: Address) -> float:
    position, index = locate(network, address)
    return float(network.parameters()[position][index])


# ------------------------------------------------------------------ the cost on a plane


# ------------------------------------------------------------------ two chosen parameters


def unit_direction(network: Network, address: Address) -> list[Array]:
    """A direction that moves one parameter only, by 1 per unit of α."""
    position, index = locate(network, address)
    direction = [np.zeros_like(p) for p in network.parameters()]
    direction[position][index] = 1
    return direction


def cost_surface(
    network: Network,
    inputs: Array,
    labels: Array,
    first: Address,
    second: Address,
    values_first: Sequence[float] | Array,
    values_second: Sequence[float] | Array,
    l2: float = 0.0,
    l1: float = 0.0,
) -> Array:
    """The average cost (with the L2 and L1 terms) with parameter ``first`` set to each of ``values_first``
    and ``second`` to each of ``values_second``, every other parameter as it is.

    Returns shape (len(values_second), len(values_first)). Parameters are addressed as the
    sliders name them, ("W", l, i, j) or ("b", l, j) with l from 1.
    """
    if locate(network, first) == locate(network, second):
        raise ValueError(f"{parameter_name(first)} was chosen twice: choose two different parameters")
    check_grid(len(values_first), len(values_second))
    alphas = np.asarray(values_first, dtype=np.float64) - parameter_value(network, first)
    betas = np.asarray(values_second, dtype=np.float64) - parameter_value(network, second)
    d1, d2 = unit_direction(network, first), unit_direction(network, second)
    costs = two_parameter_costs(network, inputs, labels, locate(network, first), locate(network, second), alphas, betas)
    grid_alpha, grid_beta = np.meshgrid(alphas, betas)
    grid = np.column_stack([grid_alpha.ravel(), grid_beta.ravel()])
    if costs is None:  # not a network of dense layers: the general plane
        costs = plane_costs(network, inputs, labels, d1, d2, alphas, betas, l2)
    else:
        costs = costs + plane_l2(network, d1, d2, grid, l2).reshape(costs.shape)
    return costs + plane_l1(network, d1, d2, grid, l1).reshape(costs.shape)


# ------------------------------------------------------------------ random directions (Li et al. 2018)


def random_directions(
    network: Network, seed: int = 0, normalisation: str = "filter"
) -> tuple[list[Array], list[Array]]:
    """Two random Gaussian directions shaped like ``network.parameters()``.

    ``filter``: each direction's slice for one output node (a column of a dense layer's
    (n_in, n_out) weights; one output channel of a conv kernel, its last axis) gets the norm
    of the same slice of the weights; ``layer``: each weight array as a whole gets the norm of
    the layer's weights; ``none``: as drawn. Bias directions are zero (as in Li et al.).
    ReLU networks are unchanged when one layer's weights are scaled up and the next one's
    down, so without normalisation a direction's length means nothing across networks.
    """
    if normalisation not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {', '.join(NORMALISATIONS)}, not {normalisation!r}")
    rng = np.random.default_rng(seed)
    directions = []
    for _ in range(2):
        direction = []
        for layer in network.weighted_layers:
            weights = layer.weights.astype(np.float64)
            d = rng.standard_normal(weights.shape)
            if normalisation == "filter":
                axes = tuple(range(weights.ndim - 1))  # all but the output axis
                d *= np.sqrt(np.sum(weights**2, axis=axes)) / np.maximum(np.sqrt(np.sum(d**2, axis=axes)), 1e-12)
            elif normalisation == "layer":
                d *= np.linalg.norm(weights) / max(float(np.linalg.norm(d)), 1e-12)
            direction += [d.astype(network.dtype), np.zeros_like(layer.biases)]
        directions.append(direction)
    return directions[0], directions[1]


def cost_slice(
    network: Network,
    inputs: Array,
    labels: Array,
    steps: int = 51,
    span: float = 1.0,
    seed: int = 0,
    normalisation: str = "filter",
    l2: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Array, Array, Array]:
    """(alphas, betas, costs): the cost on the plane θ + α·d₁ + β·d₂ of two random directions.

    alphas = betas = linspace(−span, span, steps) (steps odd, so 0, the network itself, is on the
    grid); costs[k, j] is the cost at β = betas[k], α = alphas[j].
    """
    if int(steps) != steps or steps < 3 or steps % 2 == 0:
        raise ValueError(f"steps must be an odd whole number ≥ 3 (so 0 is on the grid), not {steps}")
    if not span > 0 or not np.isfinite(span):
        raise ValueError(f"span must be a positive number, not {span}")
    axis = np.linspace(-span, span, int(steps))
    d1, d2 = random_directions(network, seed, normalisation)
    return axis, axis.copy(), plane_costs(network, inputs, labels, d1, d2, axis, axis, l2, progress)


# ------------------------------------------------------------------ the plane of a trajectory


def flatten(parameters: list[Array]) -> Array:
    """All parameters as one float64 vector (the order of ``network.parameters()``)."""
    return np.concatenate([p.astype(np.float64).ravel() for p in parameters])


def unflatten(vector: Array, like: list[Array]) -> list[Array]:
    """A vector cut back into arrays shaped (and typed) like ``like``."""
    arrays, start = [], 0
    for p in like:
        arrays.append(vector[start : start + p.size].reshape(p.shape).astype(p.dtype))
        start += p.size
    return arrays


def trajectory_plane(points: Array) -> tuple[Array, Array, Array, float]:
    """PCA of a run's parameter vectors (one row per step) about its last point.

    Returns (origin, components (2, P), coordinates (steps, 2), explained): the plane through
    the last point spanned by the path's two main directions, the path projected onto it, and
    the fraction of the path's variance those two directions hold. A projected path is not
    the true path: the rest of its variance is off the plane.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or len(points) < 3:
        raise ValueError("a trajectory plane needs at least three points of the path")
    origin = points[-1]
    centred = points - origin
    _, singular, rows = np.linalg.svd(centred - centred.mean(axis=0), full_matrices=False)
    components = rows[:2]
    if len(components) < 2:
        components = np.vstack([components, np.zeros_like(components[0])])
    total = float(np.sum(singular**2))
    explained = float(np.sum(singular[:2] ** 2) / total) if total > 0 else 1.0
    return origin, components, centred @ components.T, explained


# ------------------------------------------------------------------ curvature


def two_parameter_gradient(
    network: Network, inputs: Array, labels: Array, addresses: Sequence[Address], l2: float = 0.0, l1: float = 0.0
) -> tuple[float, Array]:
    """The cost (with the L2 and L1 terms) and its slope along the given parameters, by backpropagation."""
    gradients = network.gradients(inputs, labels, l2, l1)
    slope = np.array([float(gradients[position][index]) for position, index in (locate(network, a) for a in addresses)])
    return network.cost(inputs, labels) + network.l2_cost(l2) + network.l1_cost(l1), slope


def hessian(
    network: Network, inputs: Array, labels: Array, first: Address, second: Address, l2: float = 0.0, h: float = 1e-4
) -> Array:
    """The 2×2 Hessian of the cost along two parameters: central differences of backprop gradients.

    The network is left exactly as it was.
    """
    addresses = (first, second)
    columns = []
    parameters = network.parameters()
    for address in addresses:
        position, index = locate(network, address)
        original = parameters[position][index]
        parameters[position][index] = original + h
        up = two_parameter_gradient(network, inputs, labels, addresses, l2)[1]
        parameters[position][index] = original - h
        down = two_parameter_gradient(network, inputs, labels, addresses, l2)[1]
        parameters[position][index] = original
        columns.append((up - down) / (2 * h))
    matrix = np.column_stack(columns)
    return 0.5 * (matrix + matrix.T)


def largest_curvature(matrix: Array) -> float:
    """λmax: the Hessian's largest eigenvalue (the steepest curvature)."""
    return float(np.linalg.eigvalsh(matrix)[-1])


def learn_rate_limit(largest: float, momentum: float = 0.0) -> float:
    """Plain gradient descent diverges above 2/λmax; with momentum β above (2 + 2β)/λmax."""
    return float("inf") if largest <= 0 else (2 + 2 * momentum) / largest
