"""The cost on a plane θ + α·d₁ + β·d₂ through a network's parameters, for a grid of (α, β).

How it is fast: a weighted layer's weighted inputs are linear in its weights and biases,

    z(W + α·D₁ + β·D₂) = a_prev·W + b + α·(a_prev·D₁ + d₁) + β·(a_prev·D₂ + d₂),

so each layer does three matrix products for a whole block of grid points at once, and the
layers before the first one the plane moves are computed once for all grid points. The grid
is worked through in blocks that keep memory bounded; no Python loop runs over grid points
or samples. The network itself is never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.layers import Dense, Layer, WeightedLayer
from playground.engine.network import Network

Array = np.ndarray
Direction = tuple[Array, Array]  # one direction's part for a layer: (D for its weights, d for its biases)
DirectionPair = tuple[Direction, Direction]  # the layer's parts of d₁ and d₂

MAX_GRID_POINTS = 250_000
BLOCK_VALUES = 250_000  # numbers in one block's widest activations: 2 MB in float64, so blocks stay in cache


def check_grid(n_first: int, n_second: int) -> None:
    """Refuse an empty grid or one of more than 250,000 points."""
    if n_first < 1 or n_second < 1:
        raise ValueError("the grid needs at least one value along each axis")
    if n_first * n_second > MAX_GRID_POINTS:
        raise ValueError(
            f"a {n_first} × {n_second} grid has {n_first * n_second:,} points: at most {MAX_GRID_POINTS:,}"
        )


def plane_costs(
    network: Network,
    inputs: Array,
    labels: Array,
    d1: list[Array],
    d2: list[Array],
    alphas: Sequence[float] | Array,
    betas: Sequence[float] | Array,
    l2: float = 0.0,
    progress: Callable[[int, int], None] | None = None,
) -> Array:
    """The average cost (plus the L2 term) at θ + α·d₁ + β·d₂ for every α and β.

    ``d1`` and ``d2`` are shaped like ``network.parameters()``. Returns an array of shape
    (len(betas), len(alphas)): rows follow β, columns α. ``progress(done, total)`` is told
    after every block of grid points.
    """
    alphas, betas = np.asarray(alphas, dtype=np.float64), np.asarray(betas, dtype=np.float64)
    check_grid(len(alphas), len(betas))
    parameters = network.parameters()
    if [d.shape for d in d1] != [p.shape for p in parameters] or [d.shape for d in d2] != [p.shape for p in parameters]:
        raise ValueError("directions must be shaped like the network's parameters")
    inputs = network.check_inputs(inputs)
    targets = network.targets(labels, len(inputs))
    grid_alpha, grid_beta = np.meshgrid(alphas, betas)  # rows: β, columns: α
    coefficients = np.column_stack([grid_alpha.ravel(), grid_beta.ravel()]).astype(network.dtype)

    directions = _layer_directions(network, d1, d2)
    moving = [k for k, pair in enumerate(directions) if pair is not None]
    first = moving[0] if moving else len(network.layers) - 1  # a flat plane: still one output layer to compute
    shared = inputs.reshape(len(inputs), *network.input_shape)
    for layer in network.layers[:first]:  # the same for every grid point: computed once
        shared = layer.forward(shared, keep=False)
    # Its products, once: the first layer the plane moves (else the output layer), one with weights.
    start_layer = FirstLayer(cast(WeightedLayer, network.layers[first]), shared, directions[first])
    widest = max(int(np.prod(shape)) for shape in network.shapes[first + 1 :])
    block = max(1, BLOCK_VALUES // (len(inputs) * widest))
    costs = np.empty(len(coefficients))
    for start in range(0, len(coefficients), block):
        part = coefficients[start : start + block]
        costs[start : start + len(part)] = _block_costs(network, start_layer, first, directions, part, targets)
        if progress is not None:
            progress(min(start + block, len(coefficients)), len(coefficients))
    costs += plane_l2(network, d1, d2, coefficients, l2)
    return costs.reshape(len(betas), len(alphas))


def _layer_directions(network: Network, d1: list[Array], d2: list[Array]) -> list[DirectionPair | None]:
    """Per layer: None if the plane leaves it alone, else ((D₁, d₁), (D₂, d₂)) for its weights and biases."""
    found: list[DirectionPair | None] = []
    position = 0
    for layer in network.layers:
        if not layer.parameters():
            found.append(None)
            continue
        pair = ((d1[position], d1[position + 1]), (d2[position], d2[position + 1]))
        position += 2
        moves = any(np.any(array) for direction in pair for array in direction)
        found.append(pair if moves else None)
    return found


def _touched(layer: Layer, D: Array, d: Array) -> Array:
    """The output nodes (last axis) a direction moves: all or none of a conv layer's channels
    (its products are made for all channels at once)."""
    touched = np.any(D.reshape(-1, D.shape[-1]) != 0, axis=0) | (d != 0)
    if layer.kind != "dense":
        return np.arange(D.shape[-1]) if touched.any() else np.zeros(0, dtype=int)
    return np.flatnonzero(touched)


class FirstLayer:
    """The first layer the plane moves, on inputs that are the same for every grid point.

    Its weighted inputs at θ + α·d₁ + β·d₂ are z + α·z₁ + β·z₂ with z = a·W + b and
    zₖ = a·Dₖ + dₖ: three products, computed once for the whole grid (and only for the
    output nodes each direction touches).
    """

    def __init__(self, layer: WeightedLayer, inputs: Array, pair: DirectionPair | None) -> None:
        self.layer, self.inputs = layer, inputs
        self.weighted_inputs = layer.weighted_input(inputs, layer.weights, layer.biases)
        self.terms: list[tuple[int, Array, Array]] = []  # (which direction, nodes touched, their z_k)
        for k, (D, d) in enumerate(pair or ()):
            touched = _touched(layer, D, d)
            if touched.size:  # a direction may leave this layer alone while the other moves it
                self.terms.append((k, touched, layer.weighted_input(inputs, D[..., touched], d[touched])))
        moved = [touched for _, touched, _ in self.terms]
        self.moved = np.unique(np.concatenate(moved)) if moved else np.zeros(0, dtype=int)

    def at(self, coefficients: Array, nodes: Array | None = None) -> Array:
        """Weighted inputs (C, n, …) of the given nodes (all: None) at every grid point of a block."""
        z = self.weighted_inputs if nodes is None else self.weighted_inputs[..., nodes]
        z = np.repeat(z[None], len(coefficients), axis=0)
        for k, touched, term in self.terms:
            coefficient = coefficients[:, k]
            where = touched if nodes is None else np.searchsorted(nodes, touched)
            z[..., where] += coefficient.reshape(-1, *([1] * (z.ndim - 1))) * term[None]
        return z


def _block_costs(
    network: Network,
    start_layer: FirstLayer,
    first: int,
    directions: list[DirectionPair | None],
    coefficients: Array,
    targets: Array,
) -> Array:
    """The costs of one block of grid points (coefficients: (C, 2) of α, β)."""
    n_points, n_samples = len(coefficients), len(start_layer.inputs)
    last = len(network.layers) - 1
    z = _few_nodes_moved(network, start_layer, first, directions, coefficients) if first < last else None
    if z is not None:  # layers first and first + 1 are done
        start = first + 2
    else:
        z, start = start_layer.at(coefficients), first + 1
    if start <= last:  # layer start - 1 has weights: the first one moved, or the dense one after it
        before = cast(WeightedLayer, network.layers[start - 1])
        a = ACTIVATIONS[before.activation].function(z.reshape(n_points * n_samples, *z.shape[2:]))
    for index in range(start, len(network.layers)):
        pair = directions[index]
        if not network.layers[index].parameters():
            a = network.layers[index].forward(a, keep=False)
            continue
        layer = cast(WeightedLayer, network.layers[index])
        # (points, samples, …): a conv layer's z keeps its (H, W, C), as _move_along adds channel by channel.
        z = layer.weighted_input(a, layer.weights, layer.biases)
        z = z.reshape(n_points, n_samples, *z.shape[1:])
        if pair is not None:
            for (D, d), coefficient in zip(pair, coefficients.T):
                _move_along(z, layer, a, D, d, coefficient, n_samples)
        if index < last:
            a = ACTIVATIONS[layer.activation].function(z.reshape(n_points * n_samples, *z.shape[2:]))
    # The costs sum over a few output nodes per sample: with the nodes outermost in memory
    # (Fortran order) those sums run ten times faster than along a short last axis.
    z = np.asfortranarray(z.reshape(n_points * n_samples, -1))
    cost = network.cost_function
    outputs = ACTIVATIONS[network.output_activation].function(z) if cost.needs_outputs else None
    shaped = (n_points, n_samples, z.shape[1])
    per_sample = cost.per_sample(
        z.reshape(shaped),
        None if outputs is None else outputs.reshape(shaped),
        targets[None],
        network.output_activation,
    )
    return per_sample.mean(axis=1, dtype=np.float64)


def _few_nodes_moved(
    network: Network,
    start_layer: FirstLayer,
    first: int,
    directions: list[DirectionPair | None],
    coefficients: Array,
) -> Array | None:
    """Layer first + 1's weighted inputs (C, n, out) when the plane moves few nodes of layer ``first``.

    A surface over two sliders moves one or two nodes of its first layer: only those differ
    between grid points, so the next layer sees a change of low rank,
    z_next = a_shared·W + b + (a_moved − a_shared[:, moved])·W[moved], plus its own directions'
    terms worked out the same way. Returns None where that does not apply (most nodes moved,
    or layers other than two dense ones).
    """
    layer, following = network.layers[first], network.layers[first + 1]
    moved = start_layer.moved
    if not isinstance(layer, Dense) or not isinstance(following, Dense) or 2 * len(moved) > layer.n_out:
        return None
    n_points, n_samples = len(coefficients), len(start_layer.inputs)
    activation = ACTIVATIONS[layer.activation].function
    a_shared = activation(start_layer.weighted_inputs)
    change = (activation(start_layer.at(coefficients, moved)) - a_shared[None, :, moved]).reshape(-1, len(moved))
    z = (change @ following.weights[moved]).reshape(n_points, n_samples, -1)
    z += following.weighted_input(a_shared, following.weights, following.biases)[None]
    following_pair = directions[first + 1]
    if following_pair is not None:
        for (D, d), coefficient in zip(following_pair, coefficients.T):
            touched = _touched(following, D, d)
            if touched.size:
                from_shared = following.weighted_input(a_shared, D[:, touched], d[touched])[None]
                from_moved = (change @ D[moved][:, touched]).reshape(n_points, n_samples, -1)
                z[..., touched] += coefficient[:, None, None] * (from_shared + from_moved)
    return z


def _move_along(
    z: Array, layer: WeightedLayer, a: Array, D: Array, d: Array, coefficient: Array, n_samples: int
) -> None:
    """z += coefficient · (a·D + d), for the output nodes the direction touches only (in place).

    A direction that moves one parameter (a surface over two sliders) touches one output node,
    so this is one column, not a whole matrix product.
    """
    touched = _touched(layer, D, d)
    if touched.size == 0:
        return
    term = layer.weighted_input(a, D[..., touched], d[touched])
    term = term.reshape(-1, n_samples, *term.shape[1:])
    z[..., touched] += coefficient.reshape(-1, *([1] * (z.ndim - 1))) * term


def plane_l2(network: Network, d1: list[Array], d2: list[Array], coefficients: Array, l2: float) -> Array:
    """½·λ·Σ‖W + αD₁ + βD₂‖² at every grid point, from six dot products (weights only)."""
    if not l2:
        return np.zeros(len(coefficients))
    ww = wd1 = wd2 = d1d1 = d2d2 = d1d2 = 0.0
    for k, layer in enumerate(network.weighted_layers):
        W, D1, D2 = (x.astype(np.float64) for x in (layer.weights, d1[2 * k], d2[2 * k]))
        ww += np.sum(W * W)
        wd1 += np.sum(W * D1)
        wd2 += np.sum(W * D2)
        d1d1 += np.sum(D1 * D1)
        d2d2 += np.sum(D2 * D2)
        d1d2 += np.sum(D1 * D2)
    a, b = coefficients[:, 0].astype(np.float64), coefficients[:, 1].astype(np.float64)
    return 0.5 * l2 * (ww + 2 * a * wd1 + 2 * b * wd2 + a * a * d1d1 + 2 * a * b * d1d2 + b * b * d2d2)


def plane_l1(network: Network, d1: list[Array], d2: list[Array], coefficients: Array, l1: float) -> Array:
    """λ₁·Σ|W + αD₁ + βD₂| at every grid point (weights only). Only the weights a direction moves
    change from point to point: the rest is one sum, the moved ones one column each."""
    if not l1:
        return np.zeros(len(coefficients))
    a, b = coefficients[:, 0].astype(np.float64), coefficients[:, 1].astype(np.float64)
    total = np.zeros(len(coefficients))
    for k, layer in enumerate(network.weighted_layers):
        W, D1, D2 = (x.astype(np.float64).ravel() for x in (layer.weights, d1[2 * k], d2[2 * k]))
        moved = (D1 != 0) | (D2 != 0)
        total += np.sum(np.abs(W[~moved]))
        total += np.abs(W[moved] + np.outer(a, D1[moved]) + np.outer(b, D2[moved])).sum(axis=1)
    return l1 * total
