"""The cost over a grid of two single parameters (the sliders' surface), by broadcasting.

When the grid moves one parameter along α and another along β, most numbers in the
network depend on one of the two or on neither. A bias b[1][4] moved along β changes node 4
of layer 1 for every β, and the same for every α; the other nodes of that layer do not
change at all. So each layer's activations are kept as a few groups of nodes, each an array
shaped

    (β values or 1, α values or 1, samples, nodes in the group),

and NumPy's broadcasting does each sum for only the axes its numbers depend on. Only what
lies downstream of both parameters is computed for the whole grid: for the 2-8-8-2 surface
over (W[2][3,5], b[1][4]) that is one node of layer 2 and the two outputs.
"""

from __future__ import annotations

from typing import cast

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.layers import Dense
from playground.engine.network import Network

Array = np.ndarray
Group = tuple[Array, Array]  # (the nodes' indices, their activations (B or 1, A or 1, samples, k))
Located = tuple[int, tuple[int, ...]]  # (position in network.parameters(), index in that array)
Move = tuple[Located, Array]  # a parameter and its coefficients along one axis

BLOCK_VALUES = 100_000  # numbers in one block's widest whole-grid array (measured: smaller blocks stay in cache)


def two_parameter_costs(
    network: Network, inputs: Array, labels: Array, first: Located, second: Located, alphas: Array, betas: Array
) -> Array | None:
    """The average cost (no L2 term) with parameter ``first`` moved by each α and ``second`` by each β.

    ``first`` and ``second`` are (position in ``network.parameters()``, index in that array),
    as ``landscape.locate`` gives them. Returns shape (len(betas), len(alphas)), or None
    for a network that is not all dense layers (the general plane handles those).
    """
    if any(layer.kind != "dense" for layer in network.layers):
        return None
    inputs = network.check_inputs(inputs)
    targets = network.targets(labels, len(inputs))
    alphas = np.asarray(alphas, dtype=network.dtype).reshape(1, -1, 1)  # broadcasts over (B, A, samples)
    betas = np.asarray(betas, dtype=network.dtype).reshape(-1, 1, 1)
    moves: list[Move] = [(first, alphas), (second, betas)]
    start = min(first[0], second[0]) // 2  # the first layer either parameter is in
    shared = inputs
    for layer in network.layers[:start]:  # the same for every grid point: computed once
        shared = layer.forward(shared, keep=False)
    # Only the moved nodes of the later parameter's layer and every layer after it depend on
    # both axes: their width sets how many β rows a block can hold.
    later = max(first[0], second[0]) // 2
    widest = max([2] + [cast(Dense, layer).n_out for layer in network.layers[later + 1 :]])
    rows = max(1, BLOCK_VALUES // (alphas.shape[1] * len(inputs) * widest))
    costs = np.empty((betas.shape[0], alphas.shape[1]))
    for row in range(0, betas.shape[0], rows):
        block = [(address, c if c is alphas else c[row : row + rows]) for address, c in moves]
        costs[row : row + rows] = _block_costs(network, start, shared, block, targets)
    return costs


def _block_costs(network: Network, start: int, shared: Array, moves: list[Move], targets: Array) -> Array:
    """The mean costs (B, A) of one block of β rows, every α."""
    groups: list[Group] = [(np.arange(shared.shape[1]), shared[None, None])]
    last = len(network.layers) - 1
    for index in range(start, len(network.layers)):
        layer = cast(Dense, network.layers[index])  # all dense (two_parameter_costs checked)
        groups = _weighted_groups(layer, index, groups, moves)
        if index < last:
            activation = ACTIVATIONS[layer.activation].function
            groups = [(nodes, activation(z)) for nodes, z in groups]
    n_points, n_out = (moves[1][1].shape[0], moves[0][1].shape[1]), cast(Dense, network.layers[-1]).n_out
    z = _whole_grid(groups, n_points, n_out)  # (B·A·samples, outputs), outputs outermost in memory
    cost = network.cost_function
    outputs = ACTIVATIONS[network.output_activation].function(z) if cost.needs_outputs else None
    shaped = (n_points[0] * n_points[1], len(targets), n_out)
    per_sample = cost.per_sample(
        z.reshape(shaped),
        None if outputs is None else outputs.reshape(shaped),
        targets[None],
        network.output_activation,
    )
    return per_sample.mean(axis=1, dtype=np.float64).reshape(n_points)


def _weighted_groups(layer: Dense, index: int, groups: list[Group], moves: list[Move]) -> list[Group]:
    """z = a_prev·W + b for one dense layer, as groups: the nodes a moved parameter of this
    layer feeds get their own group, because they depend on one axis more than the rest."""
    z = layer.biases + sum(_product(a, layer.weights[nodes]) for nodes, a in groups)
    extra: dict[int, Array] = {}  # node → what the moved parameters add to its weighted input
    for (position, parameter_index), coefficient in moves:
        if position // 2 != index:
            continue
        if position % 2 == 0:  # a weight W[i, j]: α·a_i added to z_j
            i, j = parameter_index
            term = coefficient * _node(groups, int(i))
        else:  # a bias b[j]: α added to z_j
            j, term = parameter_index[0], coefficient
        extra[int(j)] = extra.get(int(j), 0) + term
    if not extra:
        return [(np.arange(layer.n_out), z)]
    moved = np.array(sorted(extra))
    rest = np.setdiff1d(np.arange(layer.n_out), moved)
    split = [(rest, z[..., rest])] if rest.size else []
    return split + [(np.array([j]), (z[..., j] + extra[j])[..., None]) for j in moved]


def _product(a: Array, weights: Array) -> Array:
    """a·W over the last axis, as one matrix product however many leading axes a has."""
    return (a.reshape(-1, a.shape[-1]) @ weights).reshape(*a.shape[:-1], weights.shape[1])


def _node(groups: list[Group], node: int) -> Array:
    """One node's activations (B or 1, A or 1, samples), from the group that holds it."""
    for nodes, a in groups:
        where = np.flatnonzero(nodes == node)
        if where.size:
            return a[..., where[0]]
    raise ValueError(f"no node {node} in this layer")


def _whole_grid(groups: list[Group], n_points: tuple[int, int], n_out: int) -> Array:
    """The output layer's groups broadcast to every grid point, as (B·A·samples, outputs).

    The costs sum over a few output nodes per sample: with the nodes outermost in memory
    (Fortran order) those sums run ten times faster than along a short last axis.
    """
    n_samples = groups[0][1].shape[2]
    store = np.empty((n_out, *n_points, n_samples), dtype=groups[0][1].dtype)
    for nodes, z in groups:
        store[nodes] = np.moveaxis(z, -1, 0)
    return store.reshape(n_out, -1).T
