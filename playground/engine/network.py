"""A fully connected neural network, written the way the maths reads.

For every weight-layer l (counted from 1) with weights W (n_in × n_out) and biases b (n_out):

    weighted_inputs   z = a_prev @ W + b
    activations       a = activation(z)

Backpropagation walks the same layers backwards with the *node values*
δ = ∂C/∂z (the seed's name for them):

    output layer      δ = ∂C/∂a · activation'(z)      (or simply a − y, see below)
    hidden layer      δ = (δ_next @ W_nextᵀ) · activation'(z)
    gradients         ∂C/∂W = a_prevᵀ @ δ,   ∂C/∂b = Σ over samples of δ

Everything works on a whole mini-batch at once: one matrix product per layer.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from playground.engine import costs
from playground.engine.activations import (
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    activation_name,
    softmax_backward,
)

Array = np.ndarray

MAX_LAYER_WIDTH = 100_000
# Activations that start best with He initialisation (they pass on half the signal).
HE_ACTIVATIONS = {"relu", "leaky_relu", "elu", "silu"}


class Network:
    """A fully connected network: ``Network([2, 3, 2])`` has 2 inputs, 3 hidden nodes, 2 outputs.

    ``weights[l]`` has shape (n_in, n_out) and ``biases[l]`` shape (n_out,), for
    weight-layer l + 1. Both lists hold plain arrays that may be edited in place.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str | Sequence[str] = "sigmoid",
        output_activation: str = "softmax",
        cost: str = "cross_entropy",
        seed: int = 0,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        self.layer_sizes = check_layer_sizes(layer_sizes)
        self.activations = check_hidden_activations(activation, len(self.layer_sizes) - 2)
        self.output_activation = check_output_activation(output_activation)
        self.cost_name = costs.cost_name(cost)
        costs.check_output_pair(self.cost_name, self.output_activation)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, not {self.dtype}")
        self.seed = seed
        self.weights: list[Array] = []
        self.biases: list[Array] = []
        self.initialise(seed)

    # ----------------------------------------------------------------- set-up

    @property
    def layer_activations(self) -> list[str]:
        """The activation of every weight-layer: the hidden ones, then the output one."""
        return self.activations + [self.output_activation]

    @property
    def n_parameters(self) -> int:
        """How many weights and biases the network has."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def parameters(self) -> list[Array]:
        """All parameter arrays in order: W1, b1, W2, b2, … (the arrays themselves, not copies)."""
        return [p for pair in zip(self.weights, self.biases) for p in pair]

    def initialise(self, seed: int) -> None:
        """New random weights (Xavier, or He for ReLU-like layers) and zero biases, from a seed."""
        rng = np.random.default_rng(seed)
        self.seed = seed
        self.weights, self.biases = [], []
        for n_in, n_out, name in zip(self.layer_sizes, self.layer_sizes[1:], self.layer_activations):
            if name in HE_ACTIVATIONS:
                scale = np.sqrt(2.0 / n_in)
            else:
                scale = np.sqrt(2.0 / (n_in + n_out))
            self.weights.append((rng.standard_normal((n_in, n_out)) * scale).astype(self.dtype))
            self.biases.append(np.zeros(n_out, dtype=self.dtype))

    def copy(self) -> "Network":
        """An independent network with the same architecture and parameters."""
        twin = Network.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin.layer_sizes = list(self.layer_sizes)
        twin.activations = list(self.activations)
        twin.weights = [w.copy() for w in self.weights]
        twin.biases = [b.copy() for b in self.biases]
        return twin

    def describe(self) -> str:
        """A one-line summary, e.g. '2-3-2 sigmoid → softmax, cross_entropy'."""
        sizes = "-".join(str(n) for n in self.layer_sizes)
        hidden = ",".join(self.activations) or "no hidden layer"
        return f"{sizes} {hidden} → {self.output_activation}, {self.cost_name}"

    # ---------------------------------------------------------- forward pass

    def forward_pass(self, inputs: Array) -> tuple[list[Array], list[Array]]:
        """Weighted inputs z and activations a of every layer (activations[0] is the input)."""
        a = inputs
        weighted_inputs, activations = [], [a]
        for W, b, name in zip(self.weights, self.biases, self.layer_activations):
            z = a @ W + b
            a = ACTIVATIONS[name].function(z)
            weighted_inputs.append(z)
            activations.append(a)
        return weighted_inputs, activations

    def forward(self, inputs: Array) -> Array:
        """The network's outputs for a batch of inputs (n_samples, n_inputs)."""
        a = self._check_inputs(inputs)
        for W, b, name in zip(self.weights, self.biases, self.layer_activations):
            a = ACTIVATIONS[name].function(a @ W + b)
        return a

    def predict(self, inputs: Array) -> Array:
        """The predicted class of every sample: the index of the largest output."""
        return self.forward(inputs).argmax(axis=1)

    def cost(self, inputs: Array, labels: Array) -> float:
        """Average cost over the samples (without any L2 term)."""
        inputs = self._check_inputs(inputs)
        weighted_inputs, activations = self.forward_pass(inputs)
        targets = self.one_hot(labels, len(inputs))
        return costs.cost(self.cost_name, self.output_activation, weighted_inputs[-1], activations[-1], targets)

    def l2_cost(self, l2: float) -> float:
        """The L2 regularisation term ½·λ·Σ W² (weights only, not biases)."""
        if not l2:
            return 0.0
        return 0.5 * l2 * float(sum(np.sum(W.astype(np.float64) ** 2) for W in self.weights))

    def accuracy(self, inputs: Array, labels: Array) -> float:
        """Fraction of samples whose predicted class is the label."""
        labels = self._check_labels(labels, len(inputs))
        return float(np.mean(self.predict(inputs) == labels))

    # ---------------------------------------------------------- backpropagation

    def output_node_values(self, z: Array, a: Array, targets: Array) -> Array:
        """δ = ∂C/∂z of the output layer for a batch (already divided by the batch size)."""
        n_samples = len(a)
        if self.cost_name == "cross_entropy":
            # Softmax + cross-entropy and sigmoid + binary cross-entropy both simplify to
            # a − y: the activation's slope cancels the 1/a of the log's slope exactly.
            return (a - targets) / n_samples
        cost_slope = costs.cost_slope(self.cost_name, a, targets)
        if self.output_activation == "softmax":
            return softmax_backward(a, cost_slope)
        return cost_slope * ACTIVATIONS[self.output_activation].derivative(z, a)

    def backpropagate(self, inputs: Array, targets: Array, l2: float = 0.0) -> tuple[list[tuple[Array, Array]], float]:
        """Gradients (dW, db) of every weight-layer for one-hot targets, and the batch's cost.

        The fast path used by training: inputs and targets are already checked arrays
        of the network's dtype.
        """
        weighted_inputs, activations = self.forward_pass(inputs)
        node_values = self.output_node_values(weighted_inputs[-1], activations[-1], targets)
        gradients = []
        for layer in reversed(range(len(self.weights))):
            weight_gradient = activations[layer].T @ node_values
            if l2:
                weight_gradient += l2 * self.weights[layer]
            gradients.append((weight_gradient, node_values.sum(axis=0)))
            if layer > 0:
                # Chain rule one layer back: through the weights, then the activation's slope.
                slope = ACTIVATIONS[self.activations[layer - 1]].derivative(
                    weighted_inputs[layer - 1], activations[layer]
                )
                node_values = (node_values @ self.weights[layer].T) * slope
        gradients.reverse()
        batch_cost = costs.cost(self.cost_name, self.output_activation, weighted_inputs[-1], activations[-1], targets)
        return gradients, batch_cost

    def gradients(self, inputs: Array, labels: Array, l2: float = 0.0) -> list[tuple[Array, Array]]:
        """∂C/∂W and ∂C/∂b of every weight-layer by backpropagation, for integer labels."""
        inputs = self._check_inputs(inputs)
        targets = self.one_hot(labels, len(inputs))
        return self.backpropagate(inputs, targets, l2)[0]

    def finite_difference_gradients(
        self, inputs: Array, labels: Array, h: float = 1e-4, method: str = "forward", l2: float = 0.0
    ) -> list[tuple[Array, Array]]:
        """The same gradients the slow way: nudge each parameter by h and watch the cost.

        ``forward``: (C(w + h) − C(w)) / h, the seed's way; ``central``:
        (C(w + h) − C(w − h)) / 2h, far more accurate (what the tests use).
        """
        if method not in ("forward", "central"):
            raise ValueError(f"method must be 'forward' or 'central', not {method!r}")
        inputs = self._check_inputs(inputs)
        labels = self._check_labels(labels, len(inputs))

        def total_cost() -> float:
            return self.cost(inputs, labels) + self.l2_cost(l2)

        base_cost = total_cost() if method == "forward" else 0.0
        result = []
        for W, b in zip(self.weights, self.biases):
            pair = []
            for parameter in (W, b):
                gradient = np.zeros(parameter.shape, dtype=np.float64)
                flat, flat_gradient = parameter.reshape(-1), gradient.reshape(-1)
                for i in range(flat.size):
                    original = flat[i]
                    flat[i] = original + h
                    cost_up = total_cost()
                    if method == "forward":
                        flat_gradient[i] = (cost_up - base_cost) / h
                    else:
                        flat[i] = original - h
                        flat_gradient[i] = (cost_up - total_cost()) / (2 * h)
                    flat[i] = original
                pair.append(gradient.astype(self.dtype))
            result.append((pair[0], pair[1]))
        return result

    # ---------------------------------------------------------- checking input

    def one_hot(self, labels: Array, n_samples: int) -> Array:
        """The one-hot target matrix (n_samples, n_outputs) for integer labels."""
        labels = self._check_labels(labels, n_samples)
        targets = np.zeros((n_samples, self.layer_sizes[-1]), dtype=self.dtype)
        targets[np.arange(n_samples), labels] = 1
        return targets

    def _check_inputs(self, inputs: Array) -> Array:
        inputs = np.asarray(inputs)
        if inputs.ndim == 1 and inputs.size == self.layer_sizes[0]:
            inputs = inputs[None, :]
        if inputs.ndim != 2 or inputs.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"inputs must have shape (n_samples, {self.layer_sizes[0]}), got {inputs.shape}"
            )
        if not np.issubdtype(inputs.dtype, np.number):
            raise ValueError(f"inputs must be numbers, got dtype {inputs.dtype}")
        return inputs.astype(self.dtype, copy=False)

    def _check_labels(self, labels: Array, n_samples: int) -> Array:
        labels = np.asarray(labels)
        if labels.shape != (n_samples,):
            raise ValueError(f"labels must have shape ({n_samples},), got {labels.shape}")
        if n_samples and not np.issubdtype(labels.dtype, np.integer):
            if not np.all(np.mod(labels, 1) == 0):
                raise ValueError("labels must be whole numbers (class indices)")
            labels = labels.astype(np.int64)
        n_classes = self.layer_sizes[-1]
        if n_samples and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(
                f"labels must be class indices 0…{n_classes - 1} for {n_classes} output nodes, "
                f"got values from {labels.min()} to {labels.max()}"
            )
        return labels


# ------------------------------------------------------------------ validation


def parse_layer_sizes(text: str) -> list[int]:
    """'2,3,2' → [2, 3, 2], with a clear error naming any bad value (e.g. '2,x,2')."""
    parts = [part.strip() for part in str(text).split(",")]
    sizes = []
    for part in parts:
        if not part.isdigit() or int(part) < 1:
            raise ValueError(f"invalid layer spec {text!r}: {part!r} is not a positive whole number")
        sizes.append(int(part))
    return sizes


def check_layer_sizes(layer_sizes: Sequence[int]) -> list[int]:
    """Validated layer sizes: at least an input and an output layer, each 1…100,000 wide."""
    if isinstance(layer_sizes, str):
        layer_sizes = parse_layer_sizes(layer_sizes)
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least an input and an output layer, got {sizes}")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= MAX_LAYER_WIDTH:
            raise ValueError(
                f"invalid layer size {size!r} in {sizes}: each layer needs 1…{MAX_LAYER_WIDTH} nodes"
            )
    return [int(size) for size in sizes]


def check_hidden_activations(activation: str | Sequence[str], n_hidden: int) -> list[str]:
    """One validated activation name per hidden layer (a single name is used for all)."""
    names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
    if len(names) != n_hidden:
        raise ValueError(f"got {len(names)} activations for {n_hidden} hidden layers")
    names = [activation_name(name) for name in names]
    for name in names:
        if name not in HIDDEN_ACTIVATIONS:
            raise ValueError(
                f"{name!r} can only be an output activation (it mixes all its inputs); "
                f"hidden layers take: {', '.join(HIDDEN_ACTIVATIONS)}"
            )
    return names


def check_output_activation(name: str) -> str:
    """A validated output activation: softmax, sigmoid, tanh or linear."""
    name = activation_name(name)
    if name not in OUTPUT_ACTIVATIONS:
        raise ValueError(
            f"{name!r} cannot be an output activation; choose one of: {', '.join(OUTPUT_ACTIVATIONS)}"
        )
    return name
