"""Cost landscapes: the cost over a plane through parameter space (SPEC F9, F11).

Every landscape here is the cost on a plane θ + α·d₁ + β·d₂ through the network's
parameters θ, for a grid of (α, β):

- ``cost_surface``: d₁ and d₂ pick two single parameters (the sliders' ``W[l][i,j]``,
  ``b[l][j]``), so the surface is the cost as those two move and the rest stay;
- ``cost_slice``: d₁ and d₂ are random Gaussian directions, filter-normalised as Li et al.
  (2018) do, for a picture of a big network's landscape around its trained parameters;
- ``trajectory_plane``: the plane of a training run's path, by PCA of its parameter vectors.

How it is fast: a weighted layer's weighted inputs are linear in its weights and biases,

    z(W + α·D₁ + β·D₂) = a_prev·W + b + α·(a_prev·D₁ + d₁) + β·(a_prev·D₂ + d₂),

so each layer does three matrix products for a whole block of grid points at once, and the
layers before the first one the plane moves are computed once for all grid points. The grid
is worked through in blocks that keep memory bounded; no Python loop runs over grid points
or samples. The network itself is never changed.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.network import Network

Array = np.ndarray
Address = tuple  # ("W", l, i, j) or ("b", l, j), l counted from 1 as the sliders count

MAX_GRID_POINTS = 250_000
BLOCK_VALUES = 250_000  # numbers in one block's widest activations: 2 MB in float64, so blocks stay in cache
NORMALISATIONS = ("filter", "layer", "none")


# ------------------------------------------------------------------ naming parameters


def parameter_addresses(network: Network) -> list[Address]:
    """Every weight and bias of the network, in the sliders' order: layer by layer, W then b."""
    addresses: list[Address] = []
    for l, layer in enumerate(network.weighted_layers, start=1):
        addresses += [("W", l, *index) for index in np.ndindex(layer.weights.shape)]
        addresses += [("b", l, *index) for index in np.ndindex(layer.biases.shape)]
    return addresses


def parameter_name(address: Address) -> str:
    """The sliders' label: W[2][3,5] (from node 3 of layer 1 to node 5 of layer 2) or b[1][4]."""
    kind, layer, *index = address
    return f"{kind}[{layer}][{','.join(str(int(i)) for i in index)}]"


def locate(network: Network, address: Address) -> tuple[int, tuple[int, ...]]:
    """(position in ``network.parameters()``, index in that array) of a parameter, or a ValueError."""
    try:
        kind, layer, *index = address
        layer, index = int(layer), tuple(int(i) for i in index)
    except (TypeError, ValueError):
        raise ValueError(f"a parameter is ('W', layer, i, j) or ('b', layer, j), not {address!r}") from None
    layers = network.weighted_layers
    if kind not in ("W", "b") or not 1 <= layer <= len(layers):
        raise ValueError(f"the network has no parameter {address!r}: weight-layers are 1…{len(layers)}")
    array = layers[layer - 1].weights if kind == "W" else layers[layer - 1].biases
    if len(index) != array.ndim or not all(0 <= i < n for i, n in zip(index, array.shape)):
        raise ValueError(f"the network has no parameter {parameter_name(address)}: "
                         f"{'weights' if kind == 'W' else 'biases'} of layer {layer} have shape {array.shape}")
    return 2 * (layer - 1) + (0 if kind == "W" else 1), index


def parameter_value(network: Network, address: Address) -> float:
    position, index = locate(network, address)
    return float(network.parameters()[position][index])


# ------------------------------------------------------------------ the cost on a plane


def plane_costs(network: Network, inputs: Array, labels: Array, d1: list[Array], d2: list[Array],
                alphas: Sequence[float], betas: Sequence[float], l2: float = 0.0,
                progress: Callable[[int, int], None] | None = None) -> Array:
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
    targets = network.one_hot(labels, len(inputs))
    grid_alpha, grid_beta = np.meshgrid(alphas, betas)  # rows: β, columns: α
    coefficients = np.column_stack([grid_alpha.ravel(), grid_beta.ravel()]).astype(network.dtype)

    directions = _layer_directions(network, d1, d2)
    moving = [k for k, pair in enumerate(directions) if pair is not None]
    first = moving[0] if moving else len(network.layers) - 1  # a flat plane: still one output layer to compute
    shared = inputs.reshape(len(inputs), *network.input_shape)
    for layer in network.layers[:first]:  # the same for every grid point: computed once
        shared = layer.forward(shared, keep=False)
    start_layer = FirstLayer(network.layers[first], shared, directions[first])  # its products, once
    widest = max(int(np.prod(shape)) for shape in network.shapes[first + 1:])
    block = max(1, BLOCK_VALUES // (len(inputs) * widest))
    costs = np.empty(len(coefficients))
    for start in range(0, len(coefficients), block):
        part = coefficients[start:start + block]
        costs[start:start + len(part)] = _block_costs(network, start_layer, first, directions, part, targets)
        if progress is not None:
            progress(min(start + block, len(coefficients)), len(coefficients))
    costs += _plane_l2(network, d1, d2, coefficients, l2)
    return costs.reshape(len(betas), len(alphas))


def _layer_directions(network: Network, d1: list[Array], d2: list[Array]) -> list:
    """Per layer: None if the plane leaves it alone, else ((D₁, d₁), (D₂, d₂)) for its weights and biases."""
    found, position = [], 0
    for layer in network.layers:
        if not layer.parameters():
            found.append(None)
            continue
        pair = ((d1[position], d1[position + 1]), (d2[position], d2[position + 1]))
        position += 2
        moves = any(np.any(array) for direction in pair for array in direction)
        found.append(pair if moves else None)
    return found


def _touched(D: Array, d: Array) -> Array:
    """The output nodes (last axis) a direction moves."""
    return np.flatnonzero(np.any(D.reshape(-1, D.shape[-1]) != 0, axis=0) | (d != 0))


class FirstLayer:
    """The first layer the plane moves, on inputs that are the same for every grid point.

    Its weighted inputs at θ + α·d₁ + β·d₂ are z + α·z₁ + β·z₂ with z = a·W + b and
    zₖ = a·Dₖ + dₖ: three products, computed once for the whole grid (and only for the
    output nodes each direction touches).
    """

    def __init__(self, layer, inputs: Array, pair) -> None:
        self.layer, self.inputs = layer, inputs
        self.weighted_inputs = layer.weighted_input(inputs, layer.weights, layer.biases)
        self.terms = []  # (nodes touched, their z_k), one per direction
        for D, d in pair or ():
            touched = _touched(D, d)
            self.terms.append((touched, layer.weighted_input(inputs, D[..., touched], d[touched])))
        moved = [touched for touched, _ in self.terms]
        self.moved = np.unique(np.concatenate(moved)) if moved else np.zeros(0, dtype=int)

    def at(self, coefficients: Array, nodes: Array | None = None) -> Array:
        """Weighted inputs (C, n, …) of the given nodes (all: None) at every grid point of a block."""
        z = self.weighted_inputs if nodes is None else self.weighted_inputs[..., nodes]
        z = np.repeat(z[None], len(coefficients), axis=0)
        for (touched, term), coefficient in zip(self.terms, coefficients.T):
            where = touched if nodes is None else np.searchsorted(nodes, touched)
            z[..., where] += coefficient.reshape(-1, *([1] * (z.ndim - 1))) * term[None]
        return z


def _block_costs(network: Network, start_layer: FirstLayer, first: int, directions: list, coefficients: Array,
                 targets: Array) -> Array:
    """The costs of one block of grid points (coefficients: (C, 2) of α, β)."""
    n_points, n_samples = len(coefficients), len(start_layer.inputs)
    last = len(network.layers) - 1
    z = _few_nodes_moved(network, start_layer, first, directions, coefficients) if first < last else None
    if z is not None:  # layers first and first + 1 are done
        start = first + 2
    else:
        z, start = start_layer.at(coefficients), first + 1
    if start <= last:
        a = ACTIVATIONS[network.layers[start - 1].activation].function(z.reshape(n_points * n_samples, *z.shape[2:]))
    for index in range(start, len(network.layers)):
        layer, pair = network.layers[index], directions[index]
        if not layer.parameters():
            a = layer.forward(a, keep=False)
            continue
        z = layer.weighted_input(a, layer.weights, layer.biases).reshape(n_points, n_samples, -1)
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
    per_sample = cost.per_sample(z.reshape(shaped), None if outputs is None else outputs.reshape(shaped),
                                 targets[None], network.output_activation)
    return per_sample.mean(axis=1, dtype=np.float64)


def _few_nodes_moved(network: Network, start_layer: FirstLayer, first: int, directions: list,
                     coefficients: Array) -> Array | None:
    """Layer first + 1's weighted inputs (C, n, out) when the plane moves few nodes of layer ``first``.

    A surface over two sliders moves one or two nodes of its first layer: only those differ
    between grid points, so the next layer sees a change of low rank,
    z_next = a_shared·W + b + (a_moved − a_shared[:, moved])·W[moved], plus its own directions'
    terms worked out the same way. Returns None where that does not apply (most nodes moved,
    or layers other than two dense ones).
    """
    layer, following = network.layers[first], network.layers[first + 1]
    moved = start_layer.moved
    if layer.kind != "dense" or following.kind != "dense" or 2 * len(moved) > layer.n_out:
        return None
    n_points, n_samples = len(coefficients), len(start_layer.inputs)
    activation = ACTIVATIONS[layer.activation].function
    a_shared = activation(start_layer.weighted_inputs)
    change = (activation(start_layer.at(coefficients, moved)) - a_shared[None, :, moved]).reshape(-1, len(moved))
    z = (change @ following.weights[moved]).reshape(n_points, n_samples, -1)
    z += following.weighted_input(a_shared, following.weights, following.biases)[None]
    if directions[first + 1] is not None:
        for (D, d), coefficient in zip(directions[first + 1], coefficients.T):
            touched = _touched(D, d)
            if touched.size:
                term = following.weighted_input(a_shared, D[:, touched], d[touched])[None] + (
                    change @ D[moved][:, touched]).reshape(n_points, n_samples, -1)
                z[..., touched] += coefficient[:, None, None] * term
    return z


def _move_along(z: Array, layer, a: Array, D: Array, d: Array, coefficient: Array, n_samples: int) -> None:
    """z += coefficient · (a·D + d), for the output nodes the direction touches only (in place).

    A direction that moves one parameter (a surface over two sliders) touches one output node,
    so this is one column, not a whole matrix product.
    """
    touched = _touched(D, d)
    if touched.size == 0:
        return
    term = layer.weighted_input(a, D[..., touched], d[touched])
    term = term.reshape(-1, n_samples, *term.shape[1:])
    z[..., touched] += coefficient.reshape(-1, *([1] * (z.ndim - 1))) * term


def _plane_l2(network: Network, d1: list[Array], d2: list[Array], coefficients: Array, l2: float) -> Array:
    """½·λ·Σ‖W + αD₁ + βD₂‖² at every grid point, from six dot products (weights only)."""
    if not l2:
        return np.zeros(len(coefficients))
    ww = wd1 = wd2 = d1d1 = d2d2 = d1d2 = 0.0
    for k, layer in enumerate(network.weighted_layers):
        W, D1, D2 = (x.astype(np.float64) for x in (layer.weights, d1[2 * k], d2[2 * k]))
        ww += np.sum(W * W); wd1 += np.sum(W * D1); wd2 += np.sum(W * D2)
        d1d1 += np.sum(D1 * D1); d2d2 += np.sum(D2 * D2); d1d2 += np.sum(D1 * D2)
    a, b = coefficients[:, 0].astype(np.float64), coefficients[:, 1].astype(np.float64)
    return 0.5 * l2 * (ww + 2 * a * wd1 + 2 * b * wd2 + a * a * d1d1 + 2 * a * b * d1d2 + b * b * d2d2)


def check_grid(n_first: int, n_second: int) -> None:
    """Refuse an empty grid or one of more than 250,000 points."""
    if n_first < 1 or n_second < 1:
        raise ValueError("the grid needs at least one value along each axis")
    if n_first * n_second > MAX_GRID_POINTS:
        raise ValueError(f"a {n_first} × {n_second} grid has {n_first * n_second:,} points: "
                         f"at most {MAX_GRID_POINTS:,}")


# ------------------------------------------------------------------ two chosen parameters


def unit_direction(network: Network, address: Address) -> list[Array]:
    """A direction that moves one parameter only, by 1 per unit of α."""
    position, index = locate(network, address)
    direction = [np.zeros_like(p) for p in network.parameters()]
    direction[position][index] = 1
    return direction


def cost_surface(network: Network, inputs: Array, labels: Array, first: Address, second: Address,
                 values_first: Sequence[float], values_second: Sequence[float], l2: float = 0.0) -> Array:
    """The average cost (with the L2 term) with parameter ``first`` set to each of ``values_first``
    and ``second`` to each of ``values_second``, every other parameter as it is.

    Returns shape (len(values_second), len(values_first)). Parameters are addressed as the
    sliders name them, ("W", l, i, j) or ("b", l, j) with l from 1.
    """
    if locate(network, first) == locate(network, second):
        raise ValueError(f"{parameter_name(first)} was chosen twice: choose two different parameters")
    check_grid(len(values_first), len(values_second))
    alphas = np.asarray(values_first, dtype=np.float64) - parameter_value(network, first)
    betas = np.asarray(values_second, dtype=np.float64) - parameter_value(network, second)
    return plane_costs(network, inputs, labels, unit_direction(network, first), unit_direction(network, second),
                       alphas, betas, l2)


# ------------------------------------------------------------------ random directions (Li et al. 2018)


def random_directions(network: Network, seed: int = 0, normalisation: str = "filter") -> tuple[list[Array], list[Array]]:
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
                d *= np.linalg.norm(weights) / max(np.linalg.norm(d), 1e-12)
            direction += [d.astype(network.dtype), np.zeros_like(layer.biases)]
        directions.append(direction)
    return directions[0], directions[1]


def cost_slice(network: Network, inputs: Array, labels: Array, steps: int = 51, span: float = 1.0, seed: int = 0,
               normalisation: str = "filter", l2: float = 0.0,
               progress: Callable[[int, int], None] | None = None) -> tuple[Array, Array, Array]:
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
        arrays.append(vector[start:start + p.size].reshape(p.shape).astype(p.dtype))
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


def two_parameter_gradient(network: Network, inputs: Array, labels: Array, addresses: Sequence[Address],
                           l2: float = 0.0) -> tuple[float, Array]:
    """The cost (with L2) and its slope along the given parameters, by backpropagation."""
    gradients = network.gradients(inputs, labels, l2)
    flat = [g for pair in gradients for g in pair]
    slope = np.array([float(flat[position][index]) for position, index in (locate(network, a) for a in addresses)])
    return network.cost(inputs, labels) + network.l2_cost(l2), slope


def hessian(network: Network, inputs: Array, labels: Array, first: Address, second: Address, l2: float = 0.0,
            h: float = 1e-4) -> Array:
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
