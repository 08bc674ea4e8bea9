"""A neural network as a list of layers, written the way the maths reads.

For a dense weight-layer l (counted from 1) with weights W (n_in × n_out) and biases b (n_out):

    weighted_inputs   z = a_prev @ W + b
    activations       a = activation(z)

Backpropagation walks the same layers backwards with the *node values*
δ = ∂C/∂z (the seed's name for them):

    output layer      δ = ∂C/∂a · activation'(z)      (or simply a − y, see costs)
    any layer         ∂C/∂W = a_prevᵀ @ δ,   ∂C/∂b = Σ over samples of δ
    one layer back    δ_prev = (δ @ Wᵀ) · activation'(z_prev)

Each layer does its own step (``playground.engine.layers``); the network only
passes the node values along. Everything works on a whole mini-batch at once.

A network is for classification (labels are class indices, y their one-hot rows) or for
regression (y real numbers, quadratic cost): its ``task`` (``playground.engine.tasks``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from playground.engine.costs import COSTS, check_output_pair, cost_name
from playground.engine.finite_differences import nudged_slopes
from playground.engine.layers import Dense, Layer, LayerArrays, Parameter, WeightedLayer, check_dtype
from playground.engine.specs import (
    check_hidden_activations,
    check_layer_sizes,
    check_output_activation,
    layer_name,
    layers_from_spec,
)
from playground.engine.tasks import check_real_targets, check_task, r_squared

Array = np.ndarray

SCORE_VALUES = 2**26  # numbers per layer output when scoring: 256 MB of float32


class Network:
    """A network of layers: ``Network([2, 3, 2])`` is dense, with 2 inputs, 3 hidden nodes, 2 outputs.

    ``weights[l]`` has shape (n_in, n_out) and ``biases[l]`` shape (n_out,), for
    weight-layer l + 1: the layers' own arrays, which may be edited in place.
    ``Network.from_layers`` builds any other list of layers. ``task="regression"``
    (with the quadratic cost and e.g. a linear output) makes its outputs real numbers.
    """

    seed: int | None  # None: built from layers (or read from a file) rather than from a seed

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str | Sequence[str] = "sigmoid",
        output_activation: str = "softmax",
        cost: str = "cross_entropy",
        seed: int = 0,
        dtype: type | np.dtype = np.float32,
        task: str = "classification",
        init: str = "xavier",
    ) -> None:
        sizes = check_layer_sizes(layer_sizes)
        names = check_hidden_activations(activation, len(sizes) - 2) + [check_output_activation(output_activation)]
        cost = cost_name(cost)
        check_output_pair(cost, names[-1])
        dtype = check_dtype(dtype)
        rng = np.random.default_rng(seed)  # one stream through all layers, in order
        layers: list[Layer] = [
            Dense(n_in, n_out, name, seed=rng, dtype=dtype) for n_in, n_out, name in zip(sizes, sizes[1:], names)
        ]
        self._set_layers(layers, cost, task=task)
        self.seed = seed
        if init != "xavier":
            self.initialise(seed, init)

    @classmethod
    def from_layers(
        cls,
        layers: Sequence[Layer],
        cost: str = "cross_entropy",
        input_shape: tuple[int, ...] | None = None,
        task: str = "classification",
    ) -> Network:
        """A network of these layer objects (used as they are, not copied).

        The last layer's activation is the output activation; ``input_shape`` (one sample's)
        defaults to what the first layer takes.
        """
        network = cls.__new__(cls)
        network._set_layers(list(layers), cost_name(cost), input_shape, task)
        network.seed = None
        return network

    @classmethod
    def from_spec(
        cls,
        spec: str,
        input_shape: tuple[int, ...],
        n_outputs: int,
        activation: str = "relu",
        output_activation: str = "softmax",
        cost: str = "cross_entropy",
        seed: int = 0,
        dtype: type | np.dtype = np.float32,
        task: str = "classification",
    ) -> Network:
        """A network from a layer spec such as ``conv16x5,pool2,conv32x5,pool2,128`` for inputs of
        ``input_shape`` ((H, W, C) images, or (n,) rows), with a dense output layer of
        ``n_outputs`` (see ``playground.engine.specs``); ValueError naming a bad part."""

        cost = cost_name(cost)
        check_output_pair(cost, check_output_activation(output_activation))
        check_hidden_activations([activation], 1)
        layers = layers_from_spec(spec, input_shape, n_outputs, activation, output_activation, seed, check_dtype(dtype))
        network = cls.from_layers(layers, cost, tuple(input_shape), task)
        network.seed = seed
        return network

    def _set_layers(
        self, layers: list[Layer], cost: str, input_shape: tuple[int, ...] | None = None, task: str = "classification"
    ) -> None:
        if not layers:
            raise ValueError("a network needs at least one layer")
        output = layers[-1].activation
        if output is None:
            raise ValueError(f"the last layer ({layers[-1]!r}) must have an activation: it makes the outputs")
        check_output_activation(output)
        check_output_pair(cost, output)
        task = check_task(task, cost, output)
        for layer in layers[:-1]:
            if layer.activation is not None:
                check_hidden_activations([layer.activation], 1)
        # Without an input shape the first layer is dense: it takes n_in numbers.
        shape = tuple(input_shape) if input_shape is not None else (cast(Dense, layers[0]).n_in,)
        shapes = [shape]
        for layer in layers:
            shape = layer.output_shape(shape)
            shapes.append(shape)
        if len(shape) != 1:
            raise ValueError(f"the last layer must give one output per class, not shape {shape}: add a Flatten")
        # The layers with parameters: dense and conv, each a WeightedLayer.
        weighted = [cast(WeightedLayer, layer) for layer in layers if layer.parameters()]
        dtypes = {layer.dtype for layer in weighted}
        if len(dtypes) > 1:
            raise ValueError(f"all layers must use one number type, got {sorted(map(str, dtypes))}")
        self.layers = layers
        self._weighted_layers = weighted  # the layer list is fixed once the network is built
        self.cost_name = cost
        self.cost_function = COSTS[cost]
        self.task = task  # "classification" or "regression"
        # What each input node is, when known (e.g. feature inputs 'x1^2', 'x1*x2'): saved with the network.
        self.input_names: tuple[str, ...] | None = None
        self.shapes = shapes  # one sample's shape before the first layer and after each
        self.dtype = dtypes.pop() if dtypes else np.dtype(np.float32)

    # ----------------------------------------------------------------- set-up

    @property
    def weighted_layers(self) -> list[WeightedLayer]:
        """The layers with weights and biases (dense, later conv), in order."""
        return self._weighted_layers

    @property
    def weights(self) -> LayerArrays:
        return LayerArrays(self.weighted_layers, "weights")

    @property
    def biases(self) -> LayerArrays:
        return LayerArrays(self.weighted_layers, "biases")

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.shapes[0]

    @property
    def input_size(self) -> int:
        """How many numbers one sample has."""
        return math.prod(self.shapes[0])

    @property
    def layer_sizes(self) -> list[int]:
        """Nodes before the first layer and after each one: [2, 3, 2] for ``Network([2, 3, 2])``."""
        return [math.prod(shape) for shape in self.shapes]

    @property
    def activations(self) -> list[str]:
        """The hidden layers' activations (the output layer's is ``output_activation``)."""
        return [layer.activation for layer in self.layers[:-1] if layer.activation is not None]

    @property
    def output_activation(self) -> str:
        activation = self.layers[-1].activation
        assert activation is not None  # _set_layers refused a last layer without one
        return activation

    @property
    def layer_activations(self) -> list[str]:
        """The activation of every weight-layer: the hidden ones, then the output one."""
        return self.activations + [self.output_activation]

    @property
    def n_parameters(self) -> int:
        """How many weights and biases the network has."""
        return sum(p.size for p in self.parameters())

    def parameters(self) -> list[Array]:
        """All parameter arrays in order: W1, b1, W2, b2, … (the arrays themselves, not copies)."""
        return [p for layer in self._weighted_layers for p in layer.parameters()]

    def initialise(self, seed: int, scheme: str = "xavier") -> None:
        """New random weights (Xavier, or He for ReLU-like layers) and zero biases, from a seed;
        ``scheme="uniform"``: TensorFlow Playground's start (dense layers: uniform ±0.5, biases 0.1)."""
        rng = np.random.default_rng(seed)
        if scheme != "xavier" and any(not isinstance(layer, Dense) for layer in self._weighted_layers):
            raise ValueError(f"the {scheme} initialisation is for dense networks only")
        for layer in self.layers:
            if scheme == "xavier":
                layer.initialise(rng)
            elif isinstance(layer, Dense):
                layer.initialise(rng, scheme)
        self.seed = seed

    def copy(self, dtype: Any = None) -> Network:
        """An independent network with the same architecture and parameters (in ``dtype``, when given:
        ``network.copy(np.float32)`` of a float64 network is half its size)."""
        layers = [layer.copy(dtype) for layer in self.layers]
        twin = Network.from_layers(layers, self.cost_name, self.input_shape, self.task)
        twin.seed, twin.input_names = self.seed, self.input_names
        return twin

    def describe(self) -> str:
        """A one-line summary, e.g. '2-3-2 sigmoid → softmax, cross_entropy' ('…, regression' for one)."""
        hidden = ",".join(self.activations) or "no hidden layer"
        if all(isinstance(layer, Dense) for layer in self.layers):
            sizes = "-".join(str(n) for n in self.layer_sizes)
        else:  # e.g. '28×28×1-conv16x5-pool2-128-10 relu'
            sizes = "-".join(
                ["×".join(map(str, self.input_shape))]
                + [layer_name(layer) for layer in self.layers if layer.kind != "flatten"]
            )
            hidden = ",".join(dict.fromkeys(self.activations)) or "no hidden layer"
        task = ", regression" if self.task == "regression" else ""
        return f"{sizes} {hidden} → {self.output_activation}, {self.cost_name}{task}"

    # ---------------------------------------------------------- forward pass

    def forward_pass(self, inputs: Array) -> tuple[list[Array], list[Array]]:
        """Weighted inputs z and activations a of every layer (activations[0] is the input).

        Each layer keeps what its backward step needs.
        """
        a = inputs if len(self.input_shape) == 1 else inputs.reshape(len(inputs), *self.input_shape)
        weighted_inputs, activations = [], [inputs]
        for layer in self.layers:
            a = layer.forward(a)
            weighted_inputs.append(layer.weighted_inputs)
            activations.append(a)
        return weighted_inputs, activations

    def score_chunk(self) -> int:
        """Samples per piece when scoring many at once, so that no layer's output for a piece
        passes SCORE_VALUES numbers (a conv layer's outputs for 60,000 images would be gigabytes)."""
        return max(1, SCORE_VALUES // max(math.prod(shape) for shape in self.shapes))

    def forward(self, inputs: Array) -> Array:
        """The network's outputs for a batch of inputs (n_samples, n_inputs)."""
        inputs = self.check_inputs(inputs)
        step = self.score_chunk()
        if len(inputs) > step:
            return np.concatenate([self.forward(inputs[start : start + step]) for start in range(0, len(inputs), step)])
        a = inputs.reshape(len(inputs), *self.input_shape)
        for layer in self.layers:
            a = layer.forward(a, keep=False)
        return a

    def predict(self, inputs: Array) -> Array:
        """The predicted class of every sample: the index of the largest output (a regression
        network's prediction is its outputs)."""
        outputs = self.forward(inputs)
        return outputs if self.task == "regression" else outputs.argmax(axis=1)

    def cost(self, inputs: Array, labels: Array) -> float:
        """Average cost over the samples (without any L1 or L2 term)."""
        return self.cost_and_accuracy(inputs, labels)[0]

    def cost_and_accuracy(self, inputs: Array, labels: Array) -> tuple[float, float]:
        """Average cost (without any L1 or L2 term) and the fraction classified right, in one
        forward pass; for regression, the cost and R² (``tasks.r_squared``) instead."""
        inputs = self.check_inputs(inputs)
        labels = self.check_labels(labels, len(inputs))
        if self.task == "regression":  # the quadratic cost needs the outputs a alone
            outputs = self.forward(inputs)
            return self.cost_function.value(outputs, outputs, labels, self.output_activation), r_squared(
                outputs, labels
            )
        step = self.score_chunk()
        if len(inputs) > step:
            pieces = [
                (
                    self.cost_and_accuracy(inputs[start : start + step], labels[start : start + step]),
                    len(labels[start : start + step]),
                )
                for start in range(0, len(inputs), step)
            ]
            return (
                float(sum(cost * n for (cost, _), n in pieces) / len(inputs)),
                float(sum(right * n for (_, right), n in pieces) / len(inputs)),
            )
        targets = self.one_hot(labels, len(inputs))
        value, outputs = self._cost_and_outputs(inputs, targets)
        return value, float(np.mean(outputs.argmax(axis=1) == labels))

    def batch_cost(self, inputs: Array, targets: Array) -> float:
        """Average cost of a batch for targets y (one-hot, or real for regression): the fast path of finite differences
        (inputs and targets already checked arrays of the network's dtype, as for ``backpropagate``)."""
        return self._cost_and_outputs(inputs, targets)[0]

    def _cost_and_outputs(self, inputs: Array, targets: Array) -> tuple[float, Array]:
        a = inputs.reshape(len(inputs), *self.input_shape)
        for layer in self.layers[:-1]:
            a = layer.forward(a, keep=False)
        output = self.layers[-1]
        output.forward(a)  # the cost needs its weighted inputs too
        value = self.cost_function.value(output.weighted_inputs, output.outputs, targets, self.output_activation)
        outputs = output.outputs
        output.forget()
        return value, outputs

    def l2_cost(self, l2: float) -> float:
        """The L2 regularisation term ½·λ·Σ W² (weights only, not biases)."""
        if not l2:
            return 0.0
        return 0.5 * l2 * float(sum(np.sum(W.astype(np.float64) ** 2) for W in self.weights))

    def l1_cost(self, l1: float) -> float:
        """The L1 regularisation term λ₁·Σ |W| (weights only, not biases, as for L2)."""
        if not l1:
            return 0.0
        return l1 * float(sum(np.sum(np.abs(W.astype(np.float64))) for W in self.weights))

    def accuracy(self, inputs: Array, labels: Array) -> float:
        """Fraction of samples whose predicted class is the label (R² for regression)."""
        if self.task == "regression":
            return self.cost_and_accuracy(inputs, labels)[1]
        labels = self.check_labels(labels, len(inputs))
        return float(np.mean(self.predict(inputs) == labels))

    # ---------------------------------------------------------- backpropagation

    def backpropagate(
        self, inputs: Array, targets: Array, l2: float = 0.0, l1: float = 0.0
    ) -> tuple[list[Parameter], float]:
        """Every weighted layer's parameters with their gradients for targets y (one-hot, or real
        for regression; in ``parameters()`` order), and the batch's cost (without L1 or L2).

        The one place L1 and L2 enter a gradient: each gets λ · decay · values plus
        λ₁ · decay · sign(values) (decay: weights 1, biases 0).
        The fast path used by training: inputs and targets are already checked arrays of the
        network's dtype.
        """
        self.forward_pass(inputs)
        output = self.layers[-1]
        batch_cost = self.cost_function.value(output.weighted_inputs, output.outputs, targets, self.output_activation)
        node_values = self.cost_function.output_node_values(output, targets)
        for index in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[index]
            output_gradient = layer.backward(node_values, input_gradient=index > 0)
            if index > 0:
                assert output_gradient is not None  # asked for (input_gradient) below the output layer
                # Chain rule one layer back: through this layer's weights, then the activation's slope.
                node_values = self.layers[index - 1].node_values(output_gradient)
        parameters = [p for layer in self._weighted_layers for p in layer.parameters_and_gradients()]
        for parameter in parameters:
            if parameter.decay and (l2 or l1):
                assert parameter.gradient is not None  # the backward step above made it
                if l2:
                    parameter.gradient += (l2 * parameter.decay) * parameter.values
                if l1:  # the slope of |w|: ±1 (0 at w = 0)
                    parameter.gradient += (l1 * parameter.decay) * np.sign(parameter.values)
        return parameters, batch_cost

    def gradients(self, inputs: Array, labels: Array, l2: float = 0.0, l1: float = 0.0) -> list[Array]:
        """∂C/∂θ for every array of ``parameters()`` (W1, b1, W2, …) by backpropagation, for integer
        labels (real targets for regression)."""
        inputs = self.check_inputs(inputs)
        targets = self.targets(labels, len(inputs))
        return [cast(Array, parameter.gradient) for parameter in self.backpropagate(inputs, targets, l2, l1)[0]]

    def finite_difference_gradients(
        self,
        inputs: Array,
        labels: Array,
        h: float = 1e-4,
        method: str = "forward",
        l2: float = 0.0,
        l1: float = 0.0,
    ) -> list[Array]:
        """The same gradients the slow way: nudge each parameter by h and watch the cost.

        ``forward``: (C(w + h) − C(w)) / h, the seed's way; ``central``:
        (C(w + h) − C(w − h)) / 2h, far more accurate (what the tests use).
        """
        inputs = self.check_inputs(inputs)
        targets = self.targets(labels, len(inputs))

        def total_cost() -> float:
            return self.batch_cost(inputs, targets) + self.l2_cost(l2) + self.l1_cost(l1)

        return [gradient.astype(self.dtype) for gradient in nudged_slopes(self.parameters(), total_cost, h, method)]

    # ---------------------------------------------------------- checking input

    def targets(self, labels: Array, n_samples: int) -> Array:
        """The target matrix y (n_samples, n_outputs): one-hot rows of the labels for
        classification, the real targets themselves for regression."""
        if self.task == "regression":
            return self.check_labels(labels, n_samples)
        return self.one_hot(labels, n_samples)

    def one_hot(self, labels: Array, n_samples: int) -> Array:
        """The one-hot target matrix (n_samples, n_outputs) for integer labels."""
        labels = self.check_labels(labels, n_samples)
        targets = np.zeros((n_samples, self.layer_sizes[-1]), dtype=self.dtype)
        targets[np.arange(n_samples), labels] = 1
        return targets

    def check_inputs(self, inputs: Array) -> Array:
        """Inputs as an (n_samples, n_inputs) array of the network's dtype, or a clear ValueError.

        A batch shaped like the first layer's input (images: n × height × width × channels)
        is accepted too, as rows.
        """
        inputs = np.asarray(inputs)
        n_inputs = self.input_size
        if inputs.ndim == 1 and inputs.size == n_inputs:
            inputs = inputs[None, :]
        if len(self.input_shape) > 1 and inputs.shape[1:] == self.input_shape:
            inputs = inputs.reshape(len(inputs), n_inputs)
        if inputs.ndim != 2 or inputs.shape[1] != n_inputs:
            raise ValueError(f"inputs must have shape (n_samples, {n_inputs}), got {inputs.shape}")
        if not np.issubdtype(inputs.dtype, np.number):
            raise ValueError(f"inputs must be numbers, got dtype {inputs.dtype}")
        return inputs.astype(self.dtype, copy=False)

    def check_labels(self, labels: Array, n_samples: int) -> Array:
        """Labels as class indices 0…n_outputs − 1, one per sample, or a clear ValueError; for
        regression, real targets of shape (n_samples, n_outputs) (``tasks.check_real_targets``)."""
        if self.task == "regression":
            return check_real_targets(labels, n_samples, self.layer_sizes[-1], self.output_activation, self.dtype)
        labels = np.asarray(labels)
        if labels.shape != (n_samples,):
            raise ValueError(f"labels must have shape ({n_samples},), got {labels.shape}")
        if n_samples and not np.issubdtype(labels.dtype, np.integer):
            if not np.issubdtype(labels.dtype, np.number) or not np.all(np.mod(labels, 1) == 0):
                raise ValueError("labels must be whole numbers (class indices)")
            labels = labels.astype(np.int64)
        n_classes = self.layer_sizes[-1]
        if n_samples and (labels.min() < 0 or labels.max() >= n_classes):
            raise ValueError(
                f"labels must be class indices 0…{n_classes - 1} for {n_classes} output nodes, "
                f"got values from {labels.min()} to {labels.max()}"
            )
        return labels
