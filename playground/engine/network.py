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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast, overload

import numpy as np

from playground.engine.costs import COSTS, check_output_pair, cost_name
from playground.engine.layers import Dense, Layer, Parameter, WeightedLayer, check_dtype
from playground.engine.specs import (
    check_hidden_activations,
    check_layer_sizes,
    check_output_activation,
    layer_name,
    layers_from_spec,
)

Array = np.ndarray

SCORE_VALUES = 2**26  # numbers per layer output when scoring: 256 MB of float32


class LayerArrays(Sequence[Array]):
    """``network.weights`` / ``network.biases``: the weighted layers' own arrays, in order.

    Editing an array edits the network (the sliders and loaders write there); assigning
    ``network.weights[l] = values`` copies the values into that layer's array, so no
    assignment can leave the network holding something else than it shows.
    """

    def __init__(self, layers: list[WeightedLayer], name: str) -> None:
        self._layers, self._name = layers, name

    def __len__(self) -> int:
        return len(self._layers)

    @overload
    def __getitem__(self, index: int) -> Array: ...

    @overload
    def __getitem__(self, index: slice) -> list[Array]: ...

    def __getitem__(self, index: int | slice) -> Array | list[Array]:
        if isinstance(index, slice):
            return [getattr(layer, self._name) for layer in self._layers[index]]
        return cast(Array, getattr(self._layers[index], self._name))

    def __setitem__(self, index: int, values: Any) -> None:
        target = self[index]
        values = np.asarray(values)
        if values.shape != target.shape:
            raise ValueError(f"{self._name}[{index}] has shape {target.shape}, not {values.shape}")
        target[...] = values

    def __repr__(self) -> str:
        return repr(list(self))


class Network:
    """A network of layers: ``Network([2, 3, 2])`` is dense, with 2 inputs, 3 hidden nodes, 2 outputs.

    ``weights[l]`` has shape (n_in, n_out) and ``biases[l]`` shape (n_out,), for
    weight-layer l + 1: the layers' own arrays, which may be edited in place.
    ``Network.from_layers`` builds any other list of layers.
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
        self._set_layers(layers, cost)
        self.seed = seed

    @classmethod
    def from_layers(
        cls, layers: Sequence[Layer], cost: str = "cross_entropy", input_shape: tuple[int, ...] | None = None
    ) -> Network:
        """A network of these layer objects (used as they are, not copied).

        The last layer's activation is the output activation; ``input_shape`` (one sample's)
        defaults to what the first layer takes.
        """
        network = cls.__new__(cls)
        network._set_layers(list(layers), cost_name(cost), input_shape)
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
    ) -> Network:
        """A network from a layer spec such as ``conv16x5,pool2,conv32x5,pool2,128`` for inputs of
        ``input_shape`` ((H, W, C) images, or (n,) rows), with a dense output layer of
        ``n_outputs`` (see ``playground.engine.specs``); ValueError naming a bad part."""

        cost = cost_name(cost)
        check_output_pair(cost, check_output_activation(output_activation))
        check_hidden_activations([activation], 1)
        layers = layers_from_spec(spec, input_shape, n_outputs, activation, output_activation, seed, check_dtype(dtype))
        network = cls.from_layers(layers, cost, tuple(input_shape))
        network.seed = seed
        return network

    def _set_layers(self, layers: list[Layer], cost: str, input_shape: tuple[int, ...] | None = None) -> None:
        if not layers:
            raise ValueError("a network needs at least one layer")
        output = layers[-1].activation
        if output is None:
            raise ValueError(f"the last layer ({layers[-1]!r}) must have an activation: it makes the outputs")
        check_output_activation(output)
        check_output_pair(cost, output)
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

    def initialise(self, seed: int) -> None:
        """New random weights (Xavier, or He for ReLU-like layers) and zero biases, from a seed."""
        rng = np.random.default_rng(seed)
        for layer in self.layers:
            layer.initialise(rng)
        self.seed = seed

    def copy(self, dtype: Any = None) -> Network:
        """An independent network with the same architecture and parameters (in ``dtype``, when given:
        ``network.copy(np.float32)`` of a float64 network is half its size)."""
        twin = Network.from_layers([layer.copy(dtype) for layer in self.layers], self.cost_name, self.input_shape)
        twin.seed = self.seed
        return twin

    def describe(self) -> str:
        """A one-line summary, e.g. '2-3-2 sigmoid → softmax, cross_entropy'."""
        hidden = ",".join(self.activations) or "no hidden layer"
        if all(isinstance(layer, Dense) for layer in self.layers):
            sizes = "-".join(str(n) for n in self.layer_sizes)
        else:  # e.g. '28×28×1-conv16x5-pool2-128-10 relu'
            sizes = "-".join(
                ["×".join(map(str, self.input_shape))]
                + [layer_name(layer) for layer in self.layers if layer.kind != "flatten"]
            )
            hidden = ",".join(dict.fromkeys(self.activations)) or "no hidden layer"
        return f"{sizes} {hidden} → {self.output_activation}, {self.cost_name}"

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
        """The predicted class of every sample: the index of the largest output."""
        return self.forward(inputs).argmax(axis=1)

    def cost(self, inputs: Array, labels: Array) -> float:
        """Average cost over the samples (without any L2 term)."""
        return self.cost_and_accuracy(inputs, labels)[0]

    def cost_and_accuracy(self, inputs: Array, labels: Array) -> tuple[float, float]:
        """Average cost (without any L2 term) and the fraction classified right, in one forward pass."""
        inputs = self.check_inputs(inputs)
        labels = self.check_labels(labels, len(inputs))
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
        """Average cost of a batch for one-hot targets: the fast path of finite differences
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

    def accuracy(self, inputs: Array, labels: Array) -> float:
        """Fraction of samples whose predicted class is the label."""
        labels = self.check_labels(labels, len(inputs))
        return float(np.mean(self.predict(inputs) == labels))

    # ---------------------------------------------------------- backpropagation

    def backpropagate(self, inputs: Array, targets: Array, l2: float = 0.0) -> tuple[list[Parameter], float]:
        """Every weighted layer's parameters with their gradients for one-hot targets (in
        ``parameters()`` order), and the batch's cost (without L2).

        The one place L2 enters a gradient: each gets λ · decay · values (weights 1, biases 0).
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
        if l2:
            for parameter in parameters:
                if parameter.decay:
                    assert parameter.gradient is not None  # the backward step above made it
                    parameter.gradient += (l2 * parameter.decay) * parameter.values
        return parameters, batch_cost

    def gradients(self, inputs: Array, labels: Array, l2: float = 0.0) -> list[Array]:
        """∂C/∂θ for every array of ``parameters()`` (W1, b1, W2, …) by backpropagation, for integer labels."""
        inputs = self.check_inputs(inputs)
        targets = self.one_hot(labels, len(inputs))
        return [cast(Array, parameter.gradient) for parameter in self.backpropagate(inputs, targets, l2)[0]]

    def finite_difference_gradients(
        self, inputs: Array, labels: Array, h: float = 1e-4, method: str = "forward", l2: float = 0.0
    ) -> list[Array]:
        """The same gradients the slow way: nudge each parameter by h and watch the cost.

        ``forward``: (C(w + h) − C(w)) / h, the seed's way; ``central``:
        (C(w + h) − C(w − h)) / 2h, far more accurate (what the tests use).
        """
        if method not in ("forward", "central"):
            raise ValueError(f"method must be 'forward' or 'central', not {method!r}")
        inputs = self.check_inputs(inputs)
        targets = self.one_hot(labels, len(inputs))

        def total_cost() -> float:
            return self.batch_cost(inputs, targets) + self.l2_cost(l2)

        base_cost = total_cost() if method == "forward" else 0.0
        result = []
        for parameter in self.parameters():
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
            result.append(gradient.astype(self.dtype))
        return result

    # ---------------------------------------------------------- checking input

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
        """Labels as class indices 0…n_outputs − 1, one per sample, or a clear ValueError."""
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
