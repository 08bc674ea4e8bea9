"""Layers as objects: each one's forward step and backward step side by side.

A network is a list of layers. Every layer has the same few methods:

- ``forward(a_prev)``: its output for a mini-batch, keeping what ``backward`` needs;
- ``node_values(∂C/∂a)``: the chain rule through its activation, giving δ = ∂C/∂z;
- ``backward(δ)``: from its own node values, the gradients of its parameters
  (``weight_gradient``, ``bias_gradient``) and ∂C/∂a_prev for the layer before it;
- ``parameters()``: its arrays themselves (``[weights, biases]``, or ``[]``);
- ``parameters_and_gradients()``: each of those arrays with its gradient and how much of the
  L2 penalty applies to it, as ``Parameter`` triples (ConvNetJS's ``getParamsAndGrads``);
- ``to_dict()``: a plain description for saving (``layer_from_dict`` builds it again).

A new kind of layer (conv, pooling, flatten) is one new class here and one entry in
``LAYER_TYPES``; the network, the optimizers and the files need nothing else.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast, overload

import numpy as np

from playground.engine.activations import ACTIVATIONS, activation_name

Array = np.ndarray

# Activations that start best with He initialisation (they pass on half the signal).
HE_ACTIVATIONS = {"relu", "leaky_relu", "elu", "silu"}
# How new weights are drawn: Xavier normal (He for ReLU-like layers), or TensorFlow Playground's
# uniform ±0.5 with biases 0.1 (its src/nn.ts), for comparing with it on its own terms.
INIT_SCHEMES = ("xavier", "uniform")
FLOAT_TYPES = (np.float32, np.float64)


def check_dtype(dtype: Any) -> np.dtype:
    """float32 or float64, the only number types the engine computes in."""
    checked: np.dtype = np.dtype(dtype)
    if checked not in FLOAT_TYPES:
        raise ValueError(f"dtype must be float32 or float64, not {checked}")
    return checked


@dataclass
class Parameter:
    """One array a layer learns, its gradient after the last backward step, and how much of the
    L2 penalty applies to it (ConvNetJS's getParamsAndGrads: weights 1, biases 0)."""

    values: Array  # the layer's own array (editing it edits the layer)
    gradient: Array | None  # None before any backward step
    decay: float  # L2 multiplier


class Layer:
    """What every layer shares; a layer without parameters or activation keeps these defaults."""

    kind = "layer"  # its name in saved files and LAYER_TYPES
    activation: str | None = None
    dtype: np.dtype  # the number type of its parameters (a layer without any has none)
    # What ``forward(keep=True)`` keeps for ``backward`` (absent before it and after ``forget``).
    inputs: Array
    weighted_inputs: Array
    outputs: Array

    def forward(self, a_prev: Array, keep: bool = True) -> Array:
        raise NotImplementedError

    def backward(self, node_values: Array, input_gradient: bool = True) -> Array | None:
        raise NotImplementedError

    def node_values(self, output_gradient: Array) -> Array:
        """δ = ∂C/∂z from ∂C/∂a: without an activation they are the same."""
        return output_gradient

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of one sample's output for one sample's input shape (raises if it does not fit)."""
        raise NotImplementedError

    def multiply_adds(self, input_shape: tuple[int, ...]) -> int:
        """The multiply-adds of one sample's forward pass (its backward pass costs about twice as many)."""
        return 0

    def working_numbers(self, input_shape: tuple[int, ...]) -> int:
        """How many numbers one sample's forward pass holds in this layer besides its parameters."""
        return math.prod(self.output_shape(input_shape))

    def parameters(self) -> list[Array]:
        return []

    def parameters_and_gradients(self) -> list[Parameter]:
        """Each parameter array with its latest gradient and L2 multiplier, in ``parameters()`` order."""
        return []

    def initialise(self, rng: np.random.Generator) -> None:
        """New random parameters (nothing to do for a layer without any)."""

    def forget(self) -> None:
        """Drop what ``forward`` kept for ``backward`` (it can be large)."""
        for name in ("inputs", "weighted_inputs", "outputs"):
            self.__dict__.pop(name, None)

    def copy(self, dtype: Any = None) -> Layer:
        """An independent layer with the same parameters (in ``dtype``, when given) and nothing
        kept from a forward pass."""
        twin = copy.copy(self)
        twin.forget()
        if dtype is not None and "dtype" in self.__dict__:
            twin.dtype = check_dtype(dtype)
        for name in ("weights", "biases"):
            if name in self.__dict__:
                setattr(twin, name, getattr(self, name).astype(twin.dtype, copy=True))
        for name in ("weight_gradient", "bias_gradient"):
            if name in self.__dict__:
                setattr(twin, name, None)  # the twin has had no backward step of its own
        return twin

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, description: dict[str, Any], dtype: Any = np.float32) -> Layer:
        """The layer ``to_dict`` described, its parameters zero (the caller reads them in)."""
        raise NotImplementedError

    @classmethod
    def parameter_shapes(cls, description: dict[str, Any]) -> list[tuple[int, ...]]:
        """The shapes of the arrays ``from_dict(description)`` would allocate, in ``parameters()``
        order: known (and checked against a file) before anything is allocated."""
        return []

    @classmethod
    def parameter_count(cls, description: dict[str, Any]) -> int:
        """How many parameters ``from_dict(description)`` would allocate."""
        return sum(int(np.prod(shape, dtype=np.int64)) for shape in cls.parameter_shapes(description))


def whole_number(value: Any, what: str) -> int:
    """A whole number ≥ 1 from a description (2.7 or True is refused, not rounded)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be a whole number ≥ 1, not {value!r}")
    return int(value)


class WeightedLayer(Layer):
    """A layer with weights and biases (dense, conv): what the optimizers, the L2 term and the
    landscape reach into. Its activation is always set."""

    activation: str
    weights: Array
    biases: Array
    weight_gradient: Array | None
    bias_gradient: Array | None

    def weighted_input(self, a_prev: Array, weights: Array, biases: Array) -> Array:
        """z for given weights and biases (a landscape tries many): linear in (W, b)."""
        raise NotImplementedError


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


class Dense(WeightedLayer):
    """A fully connected layer: every node of the layer before feeds every node of this one.

        weighted_inputs   z = a_prev @ W + b          W: (n_in, n_out),  b: (n_out,)
        activations       a = activation(z)

    ``seed`` is a number or a ``numpy.random.Generator`` (a network passes one generator
    through all its layers, so its weights follow from its own seed); None: zeros, for a layer
    whose values are read in (``from_dict``: no random draw to throw away).
    """

    kind = "dense"

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str = "sigmoid",
        seed: int | np.random.Generator | None = 0,
        dtype: Any = np.float32,
    ) -> None:
        self.n_in = whole_number(n_in, "a dense layer's number of inputs")
        self.n_out = whole_number(n_out, "a dense layer's number of outputs")
        self.activation = activation_name(activation)
        self.dtype = check_dtype(dtype)
        if seed is None:
            self.weights = np.zeros((self.n_in, self.n_out), dtype=self.dtype)
            self.biases = np.zeros(self.n_out, dtype=self.dtype)
        else:
            self.initialise(np.random.default_rng(seed))
        self.weight_gradient: Array | None = None
        self.bias_gradient: Array | None = None

    def initialise(self, rng: np.random.Generator, scheme: str = "xavier") -> None:
        """Random weights: Xavier normal (He, for ReLU-like activations) and zero biases; or
        ``uniform``, TensorFlow Playground's start: weights uniform in −0.5…0.5, biases 0.1."""
        if scheme == "uniform":
            self.weights = (rng.random((self.n_in, self.n_out)) - 0.5).astype(self.dtype)
            self.biases = np.full(self.n_out, 0.1, dtype=self.dtype)
            return
        if scheme != "xavier":
            raise ValueError(f"unknown initialisation {scheme!r}; choose one of: {', '.join(INIT_SCHEMES)}")
        if self.activation in HE_ACTIVATIONS:
            scale = np.sqrt(2.0 / self.n_in)
        else:
            scale = np.sqrt(2.0 / (self.n_in + self.n_out))
        self.weights = (rng.standard_normal((self.n_in, self.n_out)) * scale).astype(self.dtype)
        self.biases = np.zeros(self.n_out, dtype=self.dtype)

    def forward(self, a_prev: Array, keep: bool = True) -> Array:
        z = a_prev @ self.weights + self.biases
        a = ACTIVATIONS[self.activation].function(z)
        if keep:  # what backward needs
            self.inputs, self.weighted_inputs, self.outputs = a_prev, z, a
        return a

    def weighted_input(self, a_prev: Array, weights: Array, biases: Array) -> Array:
        """z = a_prev @ W + b for given weights and biases (a landscape tries many): linear in (W, b)."""
        return a_prev @ weights + biases

    def node_values(self, output_gradient: Array) -> Array:
        """δ = ∂C/∂z = ∂C/∂a · activation'(z) (softmax: the product with its Jacobian)."""
        return ACTIVATIONS[self.activation].backward(self.weighted_inputs, self.outputs, output_gradient)

    def backward(self, node_values: Array, input_gradient: bool = True) -> Array | None:
        """∂C/∂W = a_prevᵀ @ δ and ∂C/∂b = Σ δ over the batch; returns ∂C/∂a_prev = δ @ Wᵀ.

        The first layer skips that last product: nothing needs the slope of the inputs.
        """
        self.weight_gradient = self.inputs.T @ node_values
        self.bias_gradient = node_values.sum(axis=0)
        return node_values @ self.weights.T if input_gradient else None

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if tuple(input_shape) != (self.n_in,):
            raise ValueError(
                f"a dense layer with {self.n_in} inputs cannot follow an output of shape {tuple(input_shape)}"
            )
        return (self.n_out,)

    def multiply_adds(self, input_shape: tuple[int, ...]) -> int:
        return self.n_in * self.n_out

    def parameters(self) -> list[Array]:
        return [self.weights, self.biases]

    def parameters_and_gradients(self) -> list[Parameter]:
        return [Parameter(self.weights, self.weight_gradient, 1.0), Parameter(self.biases, self.bias_gradient, 0.0)]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "inputs": self.n_in, "outputs": self.n_out, "activation": self.activation}

    @classmethod
    def from_dict(cls, description: dict[str, Any], dtype: Any = np.float32) -> Dense:
        return cls(description["inputs"], description["outputs"], description["activation"], seed=None, dtype=dtype)

    @classmethod
    def parameter_shapes(cls, description: dict[str, Any]) -> list[tuple[int, ...]]:
        n_in = whole_number(description["inputs"], "a dense layer's number of inputs")
        n_out = whole_number(description["outputs"], "a dense layer's number of outputs")
        return [(n_in, n_out), (n_out,)]

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation!r})"


LAYER_TYPES: dict[str, type[Layer]] = {Dense.kind: Dense}


def register_layer_type(layer_type: type[Layer]) -> type[Layer]:
    """Make a layer class known to ``layer_from_dict`` (and so to saved files)."""
    LAYER_TYPES[layer_type.kind] = layer_type
    return layer_type


def layer_from_dict(description: dict[str, Any], dtype: Any = np.float32) -> Layer:
    """A new layer from ``layer.to_dict()``, its parameters zero (the caller reads them in);
    raises ValueError naming any problem."""
    if not isinstance(description, dict) or description.get("type") not in LAYER_TYPES:
        kind = description.get("type") if isinstance(description, dict) else description
        raise ValueError(f"unknown layer type {kind!r}; known: {', '.join(LAYER_TYPES)}")
    try:
        return LAYER_TYPES[description["type"]].from_dict(description, dtype)
    except (KeyError, TypeError) as error:
        raise ValueError(f"invalid {description['type']} layer {description}: {error}") from None
