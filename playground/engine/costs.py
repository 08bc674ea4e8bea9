"""Cost functions: how wrong the network's outputs are.

Both costs are averaged over the samples of a batch and summed over the output
nodes, exactly as SPEC F5 defines them:

- quadratic:      C = mean over samples of Σ (a − y)²    (no ½, as in the seed)
- cross-entropy:  C = mean over samples of −Σ y·log a     (softmax outputs)
                  C = mean over samples of −Σ [y·log a + (1 − y)·log(1 − a)]
                                                          (sigmoid outputs, one binary
                                                           question per node)

``y`` here is the one-hot matrix of the targets.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

COSTS = ["quadratic", "cross_entropy"]

# Which output activations each cost accepts; everything else is a clear error.
VALID_OUTPUTS = {
    "quadratic": {"softmax", "sigmoid", "tanh", "linear"},
    "cross_entropy": {"softmax", "sigmoid"},
}


def cost_name(name: str) -> str:
    """The canonical name of a cost ('cross-entropy' → 'cross_entropy', 'mse' → 'quadratic')."""
    key = str(name).strip().lower().replace("-", "_")
    key = {"mse": "quadratic", "crossentropy": "cross_entropy", "ce": "cross_entropy"}.get(key, key)
    if key not in COSTS:
        raise ValueError(f"unknown cost {name!r}; choose one of: quadratic, cross_entropy")
    return key


def check_output_pair(cost: str, output_activation: str) -> None:
    """Raise a clear error for a cost that cannot be paired with this output activation."""
    if output_activation not in VALID_OUTPUTS[cost]:
        allowed = " or ".join(sorted(VALID_OUTPUTS[cost]))
        raise ValueError(
            f"the {cost.replace('_', '-')} cost cannot be used with a {output_activation} output: "
            f"it needs outputs between 0 and 1 ({allowed}); "
            "use the quadratic cost or change the output activation"
        )


def cost(name: str, output_activation: str, weighted_inputs: Array, outputs: Array, targets: Array) -> float:
    """The average cost of a batch, from the output layer's z and a and one-hot targets.

    Cross-entropy is computed from the weighted inputs z rather than from log(a):
    −log softmax(z)_y = logsumexp(z) − z_y and −[y·log σ(z) + (1 − y)·log(1 − σ(z))]
    = log(1 + e^z) − y·z are the same numbers, but stay finite when a rounds to 0 or 1.
    """
    n_samples = len(outputs)
    if name == "quadratic":
        total = np.sum((outputs - targets) ** 2)
    elif output_activation == "softmax":
        largest = weighted_inputs.max(axis=1, keepdims=True)
        log_sum_exp = largest + np.log(np.sum(np.exp(weighted_inputs - largest), axis=1, keepdims=True))
        total = np.sum(log_sum_exp) - np.sum(targets * weighted_inputs)
    else:
        total = np.sum(np.logaddexp(0, weighted_inputs) - targets * weighted_inputs)
    return float(total) / n_samples


def cost_slope(name: str, outputs: Array, targets: Array) -> Array:
    """∂C/∂a for the quadratic cost: 2(a − y) / n_samples.

    Cross-entropy never needs this: its output node values are fused (see network).
    """
    if name != "quadratic":
        raise ValueError("cross-entropy uses the fused output node values a − y")
    return (2 / len(outputs)) * (outputs - targets)
