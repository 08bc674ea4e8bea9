"""Cost functions: how wrong the network's outputs are.

Both costs are averaged over the samples of a batch and summed over the output
nodes, exactly as SPEC F5 defines them:

- quadratic:      C = mean over samples of Σ (a − y)²    (no ½, as in the seed)
- cross-entropy:  C = mean over samples of −Σ y·log a     (softmax outputs)
                  C = mean over samples of −Σ [y·log a + (1 − y)·log(1 − a)]
                                                          (sigmoid outputs, one binary
                                                           question per node)

``y`` here is the one-hot matrix of the targets. Each cost is a small object with its
``value`` and the node values δ = ∂C/∂z it starts backpropagation with; ``COSTS`` maps
names to them (a new cost is one class and one entry).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from playground.engine.layers import Layer

Array = np.ndarray


class Quadratic:
    """C = mean over samples of Σ (a − y)²: the seed's cost, any output activation."""

    name = "quadratic"
    output_activations = ("softmax", "sigmoid", "tanh", "linear")
    needs_outputs = True  # computed from the activations a (cross-entropy needs only z)

    def value(self, weighted_inputs: Array, outputs: Array, targets: Array, output_activation: str) -> float:
        return float(np.sum((outputs - targets) ** 2)) / len(outputs)

    def per_sample(
        self, weighted_inputs: Array, outputs: Array | None, targets: Array, output_activation: str
    ) -> Array:
        """Each sample's Σ (a − y)² (the cost is their mean)."""
        assert outputs is not None  # needs_outputs: the caller computes them for this cost
        return np.sum((outputs - targets) ** 2, axis=-1)

    def cost_slope(self, outputs: Array, targets: Array) -> Array:
        """∂C/∂a = 2(a − y) / n: the slope of the batch's mean cost along each output."""
        return (2 / len(targets)) * (outputs - targets)

    def output_node_values(self, output_layer: Layer, targets: Array) -> Array:
        """δ of the output layer: ∂C/∂a (``cost_slope``), then the chain rule through its activation."""
        return output_layer.node_values(self.cost_slope(output_layer.outputs, targets))


class CrossEntropy:
    """C = mean over samples of −Σ y·log a (softmax), or its binary form for sigmoid outputs."""

    name = "cross_entropy"
    output_activations = ("softmax", "sigmoid")
    needs_outputs = False

    def value(self, weighted_inputs: Array, outputs: Array, targets: Array, output_activation: str) -> float:
        """Computed from the weighted inputs z rather than from log(a):
        −log softmax(z)_y = logsumexp(z) − z_y and −[y·log σ(z) + (1 − y)·log(1 − σ(z))]
        = log(1 + e^z) − y·z are the same numbers, but stay finite when a rounds to 0 or 1.
        """
        z = weighted_inputs
        if output_activation == "softmax":
            largest = z.max(axis=1, keepdims=True)
            log_sum_exp = largest + np.log(np.sum(np.exp(z - largest), axis=1, keepdims=True))
            total = np.sum(log_sum_exp) - np.sum(targets * z)
        else:
            total = np.sum(np.logaddexp(0, z) - targets * z)
        return float(total) / len(outputs)

    def per_sample(
        self, weighted_inputs: Array, outputs: Array | None, targets: Array, output_activation: str
    ) -> Array:
        """Each sample's cross-entropy, from z as in ``value`` (the cost is their mean)."""
        z = weighted_inputs
        if output_activation == "softmax":
            largest = z.max(axis=-1, keepdims=True)
            log_sum_exp = largest[..., 0] + np.log(np.sum(np.exp(z - largest), axis=-1))
            return log_sum_exp - np.sum(targets * z, axis=-1)
        return np.sum(np.logaddexp(0, z) - targets * z, axis=-1)

    def output_node_values(self, output_layer: Layer, targets: Array) -> Array:
        """δ = (a − y) / n: softmax + cross-entropy and sigmoid + binary cross-entropy both
        simplify to it, because the activation's slope cancels the 1/a of the log's slope."""
        return (output_layer.outputs - targets) / len(targets)


COSTS: dict[str, Quadratic | CrossEntropy] = {cost.name: cost for cost in (Quadratic(), CrossEntropy())}

# Names people type: "cross-entropy", "mse", "ce".
_ALIASES = {"mse": "quadratic", "crossentropy": "cross_entropy", "ce": "cross_entropy"}


def cost_name(name: str) -> str:
    """The canonical name of a cost ('cross-entropy' → 'cross_entropy', 'mse' → 'quadratic')."""
    key = str(name).strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in COSTS:
        raise ValueError(f"unknown cost {name!r}; choose one of: {', '.join(COSTS)}")
    return key


def check_output_pair(cost: str, output_activation: str) -> None:
    """Raise a clear error for a cost that cannot be paired with this output activation."""
    allowed = COSTS[cost].output_activations
    if output_activation not in allowed:
        raise ValueError(
            f"the {cost.replace('_', '-')} cost cannot be used with a {output_activation} output: "
            f"it needs outputs between 0 and 1 ({' or '.join(sorted(allowed))}); "
            "use the quadratic cost or change the output activation"
        )
