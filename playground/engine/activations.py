"""Activation functions and their slopes.

Each activation is a pair: the function a = f(z) and its derivative da/dz.
The derivative takes both z and a, because several slopes are cheapest to
write in terms of the output (sigmoid: a(1 - a), tanh: 1 - a²).

Adding an activation is one small function pair and one entry in
``ACTIVATIONS``; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """An activation function ``f(z)`` and its slope ``f'(z)`` (given z and a = f(z)).

    An activation that mixes its inputs (softmax) has no elementwise slope; it gives
    ``vector_backward(a, ∂C/∂a)`` instead, the product with its Jacobian.
    """

    name: str
    function: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None
    vector_backward: Callable[[Array, Array], Array] | None = None

    def backward(self, z: Array, a: Array, output_gradient: Array) -> Array:
        """The chain rule through the activation: ∂C/∂z from ∂C/∂a."""
        if self.derivative is not None:
            return output_gradient * self.derivative(z, a)
        assert self.vector_backward is not None  # an activation has one slope or the other
        return self.vector_backward(a, output_gradient)


def step(z: Array) -> Array:
    """1 where z > 0, else 0: the first neurons. Its slope is 0 almost everywhere."""
    return (z > 0).astype(z.dtype)


def step_derivative(z: Array, a: Array) -> Array:
    # Zero slope everywhere: gradient descent cannot learn through a step.
    return np.zeros_like(z)


def sigmoid(z: Array) -> Array:
    """1 / (1 + e^-z), written with tanh so large |z| never overflows."""
    return 0.5 * (1 + np.tanh(0.5 * z))


def sigmoid_derivative(z: Array, a: Array) -> Array:
    return a * (1 - a)


def tanh(z: Array) -> Array:
    """Hyperbolic tangent, a sigmoid stretched to (-1, 1)."""
    return np.tanh(z)


def tanh_derivative(z: Array, a: Array) -> Array:
    return 1 - a * a


def relu(z: Array) -> Array:
    """max(0, z)."""
    return np.maximum(z, 0)


def relu_derivative(z: Array, a: Array) -> Array:
    return (z > 0).astype(z.dtype)


def leaky_relu(z: Array) -> Array:
    """z for z > 0, else 0.01·z: never quite switches off."""
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_derivative(z: Array, a: Array) -> Array:
    return np.where(z > 0, 1, LEAKY_SLOPE).astype(z.dtype)


def elu(z: Array) -> Array:
    """z for z > 0, else e^z - 1."""
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))


def elu_derivative(z: Array, a: Array) -> Array:
    # For z <= 0, d/dz (e^z - 1) = e^z = a + 1.
    return np.where(z > 0, 1, a + 1).astype(z.dtype)


def silu(z: Array) -> Array:
    """z · sigmoid(z), also called swish."""
    return z * sigmoid(z)


def silu_derivative(z: Array, a: Array) -> Array:
    s = sigmoid(z)
    return s * (1 + z * (1 - s))


def linear(z: Array) -> Array:
    """The identity: no squashing at all."""
    return z


def linear_derivative(z: Array, a: Array) -> Array:
    return np.ones_like(z)


def softmax(z: Array) -> Array:
    """e^z / Σ e^z over each row: outputs that are positive and sum to 1."""
    # Subtracting the row maximum changes nothing mathematically but keeps exp finite.
    exps = np.exp(z - z.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def softmax_backward(a: Array, cost_slope: Array) -> Array:
    """∂C/∂z for a softmax output, given ∂C/∂a: the Jacobian–vector product per row.

    ∂a_i/∂z_j = a_i (δ_ij − a_j), so ∂C/∂z_j = a_j (g_j − Σ_i g_i a_i) with g = ∂C/∂a.
    """
    return a * (cost_slope - (cost_slope * a).sum(axis=1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in [
        Activation("step", step, step_derivative),
        Activation("sigmoid", sigmoid, sigmoid_derivative),
        Activation("tanh", tanh, tanh_derivative),
        Activation("relu", relu, relu_derivative),
        Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
        Activation("elu", elu, elu_derivative),
        Activation("silu", silu, silu_derivative),
        Activation("linear", linear, linear_derivative),
        # Softmax mixes its inputs, so its slope is a Jacobian, not an elementwise
        # array: the chain rule applies it as a vector product (softmax_backward).
        Activation("softmax", softmax, None, softmax_backward),
    ]
}

HIDDEN_ACTIVATIONS = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "linear"]
OUTPUT_ACTIVATIONS = ["softmax", "sigmoid", "tanh", "linear"]

# Names people type: "leaky-relu", "LeakyReLU", "swish".
_ALIASES = {"leakyrelu": "leaky_relu", "swish": "silu", "identity": "linear", "none": "linear"}


def activation_name(name: str) -> str:
    """The canonical name of an activation, accepting '-', case and a few aliases."""
    key = str(name).strip().lower().replace("-", "_")
    key = _ALIASES.get(key.replace("_", ""), key)
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}")
    return key
