"""Backprop in slow motion: one mini-batch step of gradient descent, stage by stage (SPEC F27).

The four stages a page walks with → and ←, every number of each kept:

    1 forward    weighted_inputs z = a_prev @ W + b,  activations a = activation(z), layer by layer
    2 cost       each output's term ((a − y)², or −y·log a) for one point, and the batch's mean cost
    3 backward   node values δ = ∂C/∂z from the output back: δ = ∂C/∂a · activation'(z),
                 ∂C/∂a_prev = δ @ Wᵀ;  ∂C/∂W = a_prevᵀ @ δ,  ∂C/∂b = Σ δ
    4 update     every weight and bias moved by the optimizer: w ← w − learn_rate · ∂C/∂w for SGD

Nothing here re-derives the engine: the gradients are ``Network.backpropagate``'s, the pieces
of the chain rule come from the same layer methods it calls, and the update is the optimizer's
own ``step``. So the weights after stage 4 are, bit for bit, those of ``Trainer.step`` from the
same state on the same batch (``trainer_slow_step`` takes that batch from a trainer).
The caller's network and optimizer memory are left as they were (the step runs on copies);
``SlowStep.apply`` writes the new weights into a network.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.costs import Quadratic
from playground.engine.layers import Dense
from playground.engine.network import Network
from playground.engine.optimizers import Memory, make_optimizer, memory_as_json

if TYPE_CHECKING:
    from playground.engine.training import Trainer, TrainingSettings

Array = np.ndarray

# The most weights and biases one weight-layer may have: the playground page shows a layer's
# sliders together up to this many (its MAX_SLIDERS, in playground/app/pages/playground/logic.py;
# the engine may not import the app, so the number lives here too and a test keeps them equal).
# Beyond it the page shows one node at a time, and a stage drawn on every edge would be unreadable.
MAX_LAYER_PARAMETERS = 60
FINITE_DIFFERENCE_STEP = 1e-5  # h of the central differences, taken in float64 (as tests/test_gradients.py)


@dataclass
class LayerForward:
    """Stage 1 for one weight-layer: z and a for every point of the batch (rows) and for the chosen one."""

    activation: str
    weighted_inputs: Array  # z, (n, k)
    activations: Array  # a = activation(z), (n, k)
    point_weighted_inputs: Array  # the chosen point's z, (k,)
    point_activations: Array  # … and its a


@dataclass
class CostStage:
    """Stage 2: how wrong the outputs are. ``batch_cost`` is the engine's cost of the batch (what
    ``Network.backpropagate`` and a plain step report); the L2 and L1 terms are shown beside it."""

    cost: str  # "quadratic" or "cross_entropy"
    formula: str  # each output's term, in words the page prints
    targets: Array  # y, (n, k): one-hot rows, or the real targets of a regression
    point_targets: Array  # the chosen point's y, (k,)
    point_terms: Array  # each output's term for the chosen point, (k,)
    point_cost: float  # the chosen point's cost: the sum of its terms
    sample_costs: Array  # every point's cost, (n,): the batch cost is their mean
    batch_cost: float
    l2_cost: float  # ½·λ·Σ W²
    l1_cost: float  # λ₁·Σ |W|
    total_cost: float  # batch_cost + l2_cost + l1_cost: what the step descends


@dataclass
class LayerBackward:
    """Stage 3 for one weight-layer. The batch arrays are the engine's own: δ of the batch's *mean*
    cost, so each row is 1/n of that point's own δ; the ``point_*`` arrays are the chosen point's
    own (n × its row), as if the cost were that point's alone."""

    rule: str  # how δ came about, in words (the chain rule, or the cross-entropy shortcut)
    activation_gradients: Array | None  # ∂C/∂a, (n, k); None where the engine goes straight to δ
    activation_slopes: Array | None  # activation'(z), (n, k); None for softmax (a Jacobian, not one slope per node)
    node_values: Array  # δ = ∂C/∂z, (n, k)
    batch_node_values: Array  # Σ over the batch of δ: the mean of the points' own δ, (k,)
    point_activation_gradients: Array | None
    point_activation_slopes: Array | None
    point_node_values: Array  # the chosen point's own δ, (k,)
    point_weight_gradients: Array  # its own ∂C/∂W = outer(a_prev, δ), (n_in, k)
    cost_weight_gradients: Array  # ∂C/∂W of the cost alone = a_prevᵀ @ δ, (n_in, k)
    cost_bias_gradients: Array  # ∂C/∂b = Σ δ, (k,)
    regularisation_gradients: Array  # what L2 and L1 add to ∂C/∂W: λ·W + λ₁·sign(W) (zeros without them)
    weight_gradients: Array  # the step's ∂C/∂W: exactly ``Network.backpropagate``'s
    bias_gradients: Array  # … and ∂C/∂b


@dataclass
class LayerUpdate:
    """Stage 4 for one weight-layer: the values before and after the optimizer's step."""

    weights_before: Array
    biases_before: Array
    weights_after: Array
    biases_after: Array
    weight_steps: Array  # after − before
    bias_steps: Array


@dataclass
class GradientCheck:
    """How far the step's backprop gradients are from central finite differences on the same batch
    (taken in float64, so the difference shown is backprop's own rounding and nothing of h)."""

    largest_absolute: float  # max |backprop − finite differences| over every parameter
    largest_relative: float  # ‖backprop − finite differences‖ / max(‖backprop‖, ‖finite differences‖), all parameters
    where: str  # the parameter with the largest absolute difference, e.g. 'W[2][1,0]' or 'b[1][3]'
    h: float
    method: str  # "central"


@dataclass
class SlowStep:
    """Every number of one slow step; ``layers`` lists run from weight-layer 1 to the output."""

    point: int  # index of the chosen point in the batch
    inputs: Array  # the batch, (n, n_inputs)
    point_inputs: Array
    forward: list[LayerForward]
    cost: CostStage
    backward: list[LayerBackward]
    optimizer: str
    learn_rate: float
    update: list[LayerUpdate]
    memory: Memory  # the optimizer's memory after the step (for the next one)
    gradient_check: GradientCheck | None

    def apply(self, network: Network) -> None:
        """Write the weights and biases after the step into ``network`` (one of the same shape)."""
        for index, layer in enumerate(self.update):
            network.weights[index] = layer.weights_after
            network.biases[index] = layer.biases_after

    def to_json(self) -> dict[str, Any]:
        """Everything as plain JSON (lists and numbers) for the browser."""
        plain = cast(dict[str, Any], _plain(self))
        plain["memory"] = memory_as_json(self.memory)
        return plain


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, arrays as lists, NumPy numbers as Python ones (float32 values exactly)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in fields(value) if field.name != "memory"}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def check_slow_step_size(network: Network) -> None:
    """A ValueError unless the network is dense and every weight-layer fits the page's sliders."""
    if not all(isinstance(layer, Dense) for layer in network.layers):
        raise ValueError("the slow step is for dense networks (the 2-D playground's), not conv layers")
    for number, layer in enumerate(network.weighted_layers, start=1):
        count = layer.weights.size + layer.biases.size
        if count > MAX_LAYER_PARAMETERS:
            raise ValueError(
                f"the slow step shows every weight of a layer, as the sliders do: weight-layer {number} has "
                f"{count} weights and biases, more than {MAX_LAYER_PARAMETERS}; use narrower layers"
            )


def batch_targets(network: Network, targets: Array, n_samples: int) -> Array:
    """y as ``backpropagate`` takes it: from class indices (n,) or one-hot rows (n, k) for
    classification, real targets (n, k) (or (n,) for one output) for regression; a ValueError else."""
    targets = np.asarray(targets)
    if network.task == "classification" and targets.ndim == 2:
        n_outputs = network.layer_sizes[-1]
        one_hot = targets.shape == (n_samples, n_outputs) and np.all((targets == 0) | (targets == 1))
        if not one_hot or not np.all(targets.sum(axis=1) == 1):
            raise ValueError(f"targets must be class indices or one-hot rows of shape ({n_samples}, {n_outputs})")
        targets = targets.argmax(axis=1)
    return network.targets(targets, n_samples)


def slow_step(
    network: Network,
    inputs: Array,
    targets: Array,
    settings: TrainingSettings,
    point: int = 0,
    memory: Memory | None = None,
    learn_rate: float | None = None,
    check_gradients: bool = True,
) -> SlowStep:
    """One step of ``settings``' optimizer on the batch (``inputs``, ``targets``), stage by stage.

    ``targets`` are class indices or one-hot rows (classification) or real targets (regression);
    ``point`` is the batch row whose own numbers are shown; ``memory`` the optimizer's memory
    before the step (none: a fresh start); ``learn_rate`` the rate after decay (default: the
    settings'). The inputs are used as they are (a trainer's input noise is ``trainer_slow_step``'s).
    ``check_gradients`` adds the finite-difference check (2 cost evaluations per parameter).
    """
    check_slow_step_size(network)
    if settings.gradient != "backprop":
        raise ValueError("the slow step shows backpropagation: set the gradient method to backprop")
    inputs = network.check_inputs(inputs)
    n_samples = len(inputs)
    if n_samples == 0:
        raise ValueError("the batch is empty: a step needs at least one point")
    if isinstance(point, bool) or not isinstance(point, (int, np.integer)) or not 0 <= point < n_samples:
        raise ValueError(f"point must be a whole number from 0 to {n_samples - 1} (a row of the batch), not {point!r}")
    point = int(point)
    y = batch_targets(network, targets, n_samples)
    rate = settings.learn_rate if learn_rate is None else float(learn_rate)
    l2, l1 = settings.l2, settings.l1
    twin = network.copy()  # the step runs on a copy: the caller's network is left as it was
    before = [parameter.copy() for parameter in twin.parameters()]

    # Stages 1–3, the engine's way: one forward pass and backpropagation (with L2 and L1) …
    parameters, batch_cost = twin.backpropagate(inputs, y, l2, l1)
    gradients = [cast(Array, parameter.gradient).copy() for parameter in parameters]
    forward = [_layer_forward(layer, point) for layer in twin.weighted_layers]
    cost = _cost_stage(twin, y, point, batch_cost, l2, l1)
    # … then the same chain rule walked again to keep its pieces (the layers still hold the pass).
    backward = _walk_backward(twin, y, point, gradients)

    # Stage 4: the optimizer's own step on the copy, from a copy of its memory.
    optimizer = make_optimizer(settings.optimizer, settings.momentum)
    memory_after = optimizer.step(twin.parameters(), gradients, rate, optimizer.check_memory(memory, before))
    after = twin.parameters()
    update = [
        LayerUpdate(
            weights_before=before[2 * index],
            biases_before=before[2 * index + 1],
            weights_after=after[2 * index].copy(),
            biases_after=after[2 * index + 1].copy(),
            weight_steps=after[2 * index] - before[2 * index],
            bias_steps=after[2 * index + 1] - before[2 * index + 1],
        )
        for index in range(len(twin.weighted_layers))
    ]
    check = largest_gradient_difference(network, inputs, y, gradients, l2, l1) if check_gradients else None
    return SlowStep(
        point=point,
        inputs=inputs,
        point_inputs=inputs[point].copy(),
        forward=forward,
        cost=cost,
        backward=backward,
        optimizer=optimizer.name,
        learn_rate=rate,
        update=update,
        memory=memory_after,
        gradient_check=check,
    )


def trainer_slow_step(trainer: Trainer, point: int = 0, check_gradients: bool = True) -> SlowStep:
    """The trainer's next step taken slowly: the batch, learn rate and memory ``Trainer.step``
    would use, and the trainer left exactly as that step leaves it (weights, memory, position).

    Unlike a step of the run loop, a step that diverges is not undone: its numbers are the lesson.
    """
    if trainer.train_only is not None:
        raise ValueError("the slow step moves every weight: it cannot train chosen numbers only")
    learn_rate = trainer.learn_rate
    inputs, targets = trainer.next_batch()
    step = slow_step(
        trainer.network, inputs, targets, trainer.settings, point, trainer.memory, learn_rate, check_gradients
    )
    step.apply(trainer.network)
    trainer.memory = step.memory
    trainer.count_batch()
    return step


def _layer_forward(layer: Any, point: int) -> LayerForward:
    z, a = layer.weighted_inputs, layer.outputs
    return LayerForward(layer.activation, z, a, z[point].copy(), a[point].copy())


COST_FORMULAS = {
    "quadratic": "(a − y)²",
    "softmax": "−y·log a",
    "sigmoid": "−[y·log a + (1 − y)·log(1 − a)]",
}


def _cost_stage(network: Network, y: Array, point: int, batch_cost: float, l2: float, l1: float) -> CostStage:
    output = network.layers[-1]
    z, a, activation = output.weighted_inputs, output.outputs, network.output_activation
    sample_costs = network.cost_function.per_sample(z, a, y, activation)
    if network.cost_name == "quadratic":
        formula, terms = COST_FORMULAS["quadratic"], (a[point] - y[point]) ** 2
    elif activation == "softmax":  # −y·log a, from z as the engine computes it: finite when a rounds to 0
        largest = z[point].max()
        log_sum_exp = largest + np.log(np.sum(np.exp(z[point] - largest)))
        formula, terms = COST_FORMULAS["softmax"], y[point] * (log_sum_exp - z[point])
    else:  # one binary question per sigmoid node: log(1 + e^z) − y·z
        formula, terms = COST_FORMULAS["sigmoid"], np.logaddexp(0, z[point]) - y[point] * z[point]
    l2_cost, l1_cost = network.l2_cost(l2), network.l1_cost(l1)
    return CostStage(
        cost=network.cost_name,
        formula=formula,
        targets=y,
        point_targets=y[point].copy(),
        point_terms=terms,
        point_cost=float(sample_costs[point]),
        sample_costs=sample_costs,
        batch_cost=batch_cost,
        l2_cost=l2_cost,
        l1_cost=l1_cost,
        total_cost=batch_cost + l2_cost + l1_cost,
    )


def _walk_backward(network: Network, y: Array, point: int, gradients: list[Array]) -> list[LayerBackward]:
    """``Network.backpropagate``'s loop again, keeping ∂C/∂a, activation'(z) and δ of every layer."""
    layers = cast(list[Dense], network.layers)
    n_samples = len(y)
    cost_function = network.cost_function
    found: list[LayerBackward] = []
    output_gradient: Array | None = None
    for index in range(len(layers) - 1, -1, -1):
        layer = layers[index]
        activation = ACTIVATIONS[layer.activation]
        slopes = activation.derivative(layer.weighted_inputs, layer.outputs) if activation.derivative else None
        if index == len(layers) - 1:
            if isinstance(cost_function, Quadratic):
                output_gradient = cost_function.cost_slope(layer.outputs, y)
                rule = "δ = ∂C/∂a · activation'(z)" if slopes is not None else "δ = softmax's Jacobian · ∂C/∂a"
            else:
                rule = "δ = a − y: the activation's slope cancels the log's (cross-entropy)"
                slopes = None
            node_values = cost_function.output_node_values(layer, y)
        else:
            assert output_gradient is not None  # the layer above handed it back
            node_values = layer.node_values(output_gradient)
            rule = "δ = (δ_next @ W_nextᵀ) · activation'(z)"
        gradient_in = output_gradient
        output_gradient = layer.backward(node_values, input_gradient=index > 0)
        weight_gradient, bias_gradient = cast(Array, layer.weight_gradient), cast(Array, layer.bias_gradient)
        point_node_values = n_samples * node_values[point]
        found.append(
            LayerBackward(
                rule=rule,
                activation_gradients=gradient_in,
                activation_slopes=slopes,
                node_values=node_values,
                batch_node_values=bias_gradient.copy(),
                point_activation_gradients=None if gradient_in is None else n_samples * gradient_in[point],
                point_activation_slopes=None if slopes is None else slopes[point].copy(),
                point_node_values=point_node_values,
                point_weight_gradients=np.outer(layer.inputs[point], point_node_values),
                cost_weight_gradients=weight_gradient,
                cost_bias_gradients=bias_gradient,
                regularisation_gradients=gradients[2 * index] - weight_gradient,
                weight_gradients=gradients[2 * index],
                bias_gradients=gradients[2 * index + 1],
            )
        )
    return found[::-1]


def largest_gradient_difference(
    network: Network,
    inputs: Array,
    targets: Array,
    gradients: list[Array],
    l2: float = 0.0,
    l1: float = 0.0,
    h: float = FINITE_DIFFERENCE_STEP,
) -> GradientCheck:
    """How far ``gradients`` (one per array of ``network.parameters()``) are from central finite
    differences of the batch's cost (with the L2 and L1 terms), on a float64 copy of the network."""
    wide = network.copy(np.float64)
    y = batch_targets(network, targets, len(inputs))
    labels = y if network.task == "regression" else y.argmax(axis=1)
    estimates = wide.finite_difference_gradients(
        np.asarray(inputs, dtype=np.float64), labels, h=h, method="central", l2=l2, l1=l1
    )
    differences = [np.abs(g.astype(np.float64) - e) for g, e in zip(gradients, estimates)]
    flat = np.concatenate([d.ravel() for d in differences])
    position = int(np.argmax(flat)) if flat.size else 0
    array = int(np.searchsorted(np.cumsum([d.size for d in differences]), position, side="right"))
    index = np.unravel_index(position - sum(d.size for d in differences[:array]), differences[array].shape)
    where = f"{'W' if array % 2 == 0 else 'b'}[{array // 2 + 1}][{','.join(map(str, index))}]"
    ours = np.concatenate([g.astype(np.float64).ravel() for g in gradients])
    theirs = np.concatenate([e.ravel() for e in estimates])
    scale = max(float(np.linalg.norm(ours)), float(np.linalg.norm(theirs)), 1e-12)
    return GradientCheck(
        largest_absolute=float(flat.max()) if flat.size else 0.0,
        largest_relative=float(np.linalg.norm(ours - theirs)) / scale,
        where=where,
        h=h,
        method="central",
    )
