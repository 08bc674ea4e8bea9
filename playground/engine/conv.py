"""Layers for images: convolution, pooling and flattening, on channels-last mini-batches (N, H, W, C).

A convolution slides a small stack of filters over the image. For one output pixel it is a
dense layer over the patch under the filter, so the whole mini-batch is one matrix product
once every patch is laid out as a row ("im2col"):

    patches           P = the kh × kw × C patch under each output pixel, one row each
    weighted_inputs   z = P @ W + b        W: (kh·kw·C, filters),  b: (filters,)
    activations       a = activation(z)

and backwards, with the node values δ = ∂C/∂z laid out the same way:

    ∂C/∂W = Pᵀ @ δ,   ∂C/∂b = Σ δ,
    ∂C/∂a_prev: for each filter position (i, j), δ @ W[i, j]ᵀ added onto the pixels at that shift

Cross-correlation, as in every deep-learning library: the filter is not flipped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from playground.engine.activations import ACTIVATIONS, activation_name
from playground.engine.layers import (
    HE_ACTIVATIONS,
    Layer,
    Parameter,
    WeightedLayer,
    check_dtype,
    register_layer_type,
    whole_number,
)

Array = np.ndarray

WORKSPACE_BYTES = 512 * 2**20  # above this the patches of a batch are made a few samples at a time


def check_padding(padding: Any) -> str | int:
    if padding in ("same", "valid"):
        return padding
    if isinstance(padding, (int, np.integer)) and not isinstance(padding, bool) and padding >= 0:
        return int(padding)
    raise ValueError(f"padding must be 'same', 'valid' or a whole number ≥ 0, not {padding!r}")


def windows(images: Array, size: tuple[int, ...], stride: int) -> Array:
    """Every size[0] × size[1] window of (N, H, W, C) images, ``stride`` apart: a view of shape
    (N, H_out, W_out, C, size[0], size[1]) (no copy)."""
    return sliding_window_view(images, size, axis=(1, 2))[:, ::stride, ::stride]


def add_windows(target: Array, values: Array, stride: int) -> None:
    """The reverse of ``windows``: add values (N, H_out, W_out, C, kh, kw) back onto the pixels
    they came from. One vectorised addition per position in the window (kh · kw of them)."""
    _, rows, columns = values.shape[:3]
    for i in range(values.shape[4]):
        for j in range(values.shape[5]):
            target[:, i : i + stride * rows : stride, j : j + stride * columns : stride, :] += values[:, :, :, :, i, j]


class Conv2D(WeightedLayer):
    """``out_channels`` filters of ``kernel_size`` over (N, H, W, in_channels) images.

    weights (kernel_h, kernel_w, in_channels, out_channels), biases (out_channels,); ``padding``
    "same" (the output keeps ⌈H / stride⌉ rows), "valid" (no padding) or a number of pixels.
    """

    kind = "conv2d"

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int = 1,
        padding: str | int = "same",
        activation: str = "relu",
        seed: int | np.random.Generator | None = 0,
        dtype: Any = np.float32,
    ) -> None:
        self.in_channels = whole_number(in_channels, "a conv layer's input channels")
        self.out_channels = whole_number(out_channels, "a conv layer's number of filters")
        kernel = (kernel_size, kernel_size) if not isinstance(kernel_size, (tuple, list)) else tuple(kernel_size)
        self.kernel_size = tuple(whole_number(k, "a conv layer's kernel size") for k in kernel)
        self.stride = whole_number(stride, "a conv layer's stride")
        self.padding = check_padding(padding)
        self.activation = activation_name(activation)
        self.dtype = check_dtype(dtype)
        if seed is None:  # a layer whose values are read in (``from_dict``)
            self.weights = np.zeros((*self.kernel_size, self.in_channels, self.out_channels), dtype=self.dtype)
            self.biases = np.zeros(self.out_channels, dtype=self.dtype)
        else:
            self.initialise(np.random.default_rng(seed))
        self.weight_gradient: Array | None = None
        self.bias_gradient: Array | None = None

    def initialise(self, rng: np.random.Generator) -> None:
        """He (ReLU-like) or Xavier random filters by fan-in, zero biases."""
        kh, kw = self.kernel_size
        fan_in, fan_out = kh * kw * self.in_channels, kh * kw * self.out_channels
        scale = np.sqrt(2.0 / fan_in) if self.activation in HE_ACTIVATIONS else np.sqrt(2.0 / (fan_in + fan_out))
        self.weights = (rng.standard_normal((kh, kw, self.in_channels, self.out_channels)) * scale).astype(self.dtype)
        self.biases = np.zeros(self.out_channels, dtype=self.dtype)

    # ------------------------------------------------------------ shapes

    def pads(self) -> tuple[tuple[int, int], ...]:
        """Pixels added before and after, for rows and for columns."""
        if self.padding == "valid":
            return (0, 0), (0, 0)
        if self.padding == "same":
            return tuple(((k - 1) // 2, k - 1 - (k - 1) // 2) for k in self.kernel_size)
        assert isinstance(self.padding, int)  # check_padding: a number of pixels
        return (self.padding, self.padding), (self.padding, self.padding)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(input_shape) != 3 or input_shape[2] != self.in_channels:
            raise ValueError(
                f"a conv layer over {self.in_channels} channels needs (height, width, "
                f"{self.in_channels}) images, not shape {tuple(input_shape)}"
            )
        sides = []
        for side, k, (before, after) in zip(input_shape[:2], self.kernel_size, self.pads()):
            out = (side + before + after - k) // self.stride + 1
            if side + before + after < k or out < 1:
                raise ValueError(f"a {k}×{k} filter does not fit a {input_shape[0]}×{input_shape[1]} image")
            sides.append(out)
        return (sides[0], sides[1], self.out_channels)

    def multiply_adds(self, input_shape: tuple[int, ...]) -> int:
        rows, columns, filters = self.output_shape(input_shape)
        return rows * columns * self.kernel_size[0] * self.kernel_size[1] * self.in_channels * filters

    def working_numbers(self, input_shape: tuple[int, ...]) -> int:
        """The padded image, its patch matrix (im2col) and the output, for one sample."""
        rows, columns, filters = self.output_shape(input_shape)
        (top, bottom), (left, right) = self.pads()
        padded = (input_shape[0] + top + bottom) * (input_shape[1] + left + right) * self.in_channels
        patches = rows * columns * self.kernel_size[0] * self.kernel_size[1] * self.in_channels
        return padded + patches + rows * columns * filters

    # ------------------------------------------------------------ forward and backward

    def padded(self, a_prev: Array) -> Array:
        (top, bottom), (left, right) = self.pads()
        if top == bottom == left == right == 0:
            return a_prev
        return np.pad(a_prev, ((0, 0), (top, bottom), (left, right), (0, 0)))

    def patches(self, x: Array) -> Array:
        """im2col: one row per output pixel, (N·H_out·W_out, kh·kw·C), ordered as the weights are."""
        view = windows(x, self.kernel_size, self.stride)  # (N, Ho, Wo, C, kh, kw)
        n, rows, columns = view.shape[:3]
        return view.transpose(0, 1, 2, 4, 5, 3).reshape(n * rows * columns, -1)

    def chunk(self, n: int, rows: int, columns: int) -> int:
        """Samples per piece so that one piece's patches stay within WORKSPACE_BYTES."""
        per_sample = rows * columns * int(np.prod(self.kernel_size)) * self.in_channels * self.dtype.itemsize
        return max(1, min(n, WORKSPACE_BYTES // max(per_sample, 1)))

    def forward(self, a_prev: Array, keep: bool = True) -> Array:
        x = self.padded(a_prev)
        n = len(x)
        rows, columns, filters = self.output_shape(a_prev.shape[1:])
        flat_weights = self.weights.reshape(-1, filters)
        step = self.chunk(n, rows, columns)
        z = np.empty((n, rows, columns, filters), dtype=np.result_type(x.dtype, self.weights.dtype))
        for start in range(0, n, step):  # one piece unless the batch is very large
            piece = self.patches(x[start : start + step])
            z[start : start + step] = (piece @ flat_weights + self.biases).reshape(-1, rows, columns, filters)
        a = ACTIVATIONS[self.activation].function(z)
        if keep:  # what backward needs: the padded inputs, and their patches when they fit
            self.inputs, self.weighted_inputs, self.outputs = x, z, a
            self.input_shape = a_prev.shape
            self.kept_patches = piece if step >= n else None
        return a

    def weighted_input(self, a_prev: Array, weights: Array, biases: Array) -> Array:
        """z for given weights and biases (a landscape tries many): linear in (W, b)."""
        x = self.padded(a_prev)
        rows, columns, filters = self.output_shape(a_prev.shape[1:])
        return (self.patches(x) @ weights.reshape(-1, filters) + biases).reshape(len(x), rows, columns, filters)

    def node_values(self, output_gradient: Array) -> Array:
        return ACTIVATIONS[self.activation].backward(self.weighted_inputs, self.outputs, output_gradient)

    def backward(self, node_values: Array, input_gradient: bool = True) -> Array | None:
        """∂C/∂W = Pᵀ @ δ, ∂C/∂b = Σ δ; returns ∂C/∂a_prev."""
        x, filters = self.inputs, self.out_channels
        n, rows, columns = node_values.shape[:3]
        kh, kw = self.kernel_size
        step = n if self.kept_patches is not None else self.chunk(n, rows, columns)
        self.weight_gradient = np.zeros((kh * kw * self.in_channels, filters), dtype=self.weights.dtype)
        gradient = np.zeros_like(x) if input_gradient else None
        # ∂C/∂a_prev filter position by filter position: δ @ W[i, j]ᵀ lands on the pixels shifted
        # by (i, j); made this way each product's rows are already laid out like the image.
        turned = np.ascontiguousarray(self.weights.transpose(0, 1, 3, 2)) if input_gradient else None
        s = self.stride
        for start in range(0, n, step):
            piece = self.kept_patches if self.kept_patches is not None else self.patches(x[start : start + step])
            deltas = node_values[start : start + step].reshape(-1, filters)
            self.weight_gradient += piece.T @ deltas
            if gradient is not None and turned is not None:  # input_gradient
                target = gradient[start : start + step]
                for i in range(kh):
                    for j in range(kw):
                        spread = (deltas @ turned[i, j]).reshape(-1, rows, columns, self.in_channels)
                        target[:, i : i + s * rows : s, j : j + s * columns : s, :] += spread
        self.weight_gradient = self.weight_gradient.reshape(self.weights.shape)
        self.bias_gradient = node_values.sum(axis=(0, 1, 2))
        if gradient is None:  # not input_gradient
            return None
        (top, _), (left, _) = self.pads()
        height, width = self.input_shape[1:3]
        return gradient[:, top : top + height, left : left + width, :]

    def forget(self) -> None:
        super().forget()
        for name in ("kept_patches", "input_shape"):
            self.__dict__.pop(name, None)

    # ------------------------------------------------------------ parameters and files

    def parameters(self) -> list[Array]:
        return [self.weights, self.biases]

    def parameters_and_gradients(self) -> list[Parameter]:
        return [Parameter(self.weights, self.weight_gradient, 1.0), Parameter(self.biases, self.bias_gradient, 0.0)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": self.stride,
            "padding": self.padding,
            "activation": self.activation,
        }

    @classmethod
    def from_dict(cls, description: dict[str, Any], dtype: Any = np.float32) -> Conv2D:
        return cls(
            description["in_channels"],
            description["out_channels"],
            tuple(description["kernel_size"]),
            description.get("stride", 1),
            description.get("padding", "same"),
            description["activation"],
            seed=None,
            dtype=dtype,
        )

    @classmethod
    def parameter_shapes(cls, description: dict[str, Any]) -> list[tuple[int, ...]]:
        kh, kw = (whole_number(k, "a conv layer's kernel size") for k in description["kernel_size"])
        c_in = whole_number(description["in_channels"], "a conv layer's input channels")
        c_out = whole_number(description["out_channels"], "a conv layer's number of filters")
        return [(kh, kw, c_in, c_out), (c_out,)]

    def __repr__(self) -> str:
        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, {self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding!r}, activation={self.activation!r})"
        )


class Pool2D(Layer):
    """What max and average pooling share: windows of ``size`` × ``size``, ``stride`` apart
    (None: ``size``, windows side by side); the output has ⌊(H − size) / stride⌋ + 1 rows."""

    def __init__(self, size: int, stride: int | None = None) -> None:
        self.size = whole_number(size, "a pooling layer's size")
        self.stride = self.size if stride is None else whole_number(stride, "a pooling layer's stride")

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(input_shape) != 3:
            raise ValueError(f"pooling needs (height, width, channels) images, not shape {tuple(input_shape)}")
        height, width, channels = input_shape
        if min(height, width) < self.size:
            raise ValueError(f"a {self.size}×{self.size} pool does not fit a {height}×{width} image")
        return ((height - self.size) // self.stride + 1, (width - self.size) // self.stride + 1, channels)

    def multiply_adds(self, input_shape: tuple[int, ...]) -> int:
        """Its comparisons (max) or additions (average), one per number in each window."""
        rows, columns, channels = self.output_shape(input_shape)
        return rows * columns * channels * self.size * self.size

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind, "size": self.size, "stride": self.stride}

    @classmethod
    def from_dict(cls, description: dict[str, Any], dtype: Any = np.float32) -> Pool2D:
        return cls(description["size"], description.get("stride"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.size}, stride={self.stride})"


class MaxPool2D(Pool2D):
    """Each window's largest value; its gradient goes to that pixel alone (a tie: the first
    maximum in row-major order)."""

    kind = "maxpool2d"

    def tiles(self, images: Array) -> Array:
        """Windows side by side (stride = size) as a view (N, H_out, size, W_out, size, C): no copy."""
        n, height, width, channels = images.shape
        rows, columns = height // self.size, width // self.size
        cropped = images[:, : rows * self.size, : columns * self.size]
        return cropped.reshape(n, rows, self.size, columns, self.size, channels)

    def forward(self, a_prev: Array, keep: bool = True) -> Array:
        if self.stride == self.size:  # the usual case: a maximum over size² strided views
            tiles = self.tiles(a_prev)
            a = tiles.max(axis=(2, 4))
            winners = None
        else:
            view = windows(a_prev, (self.size, self.size), self.stride)  # (N, Ho, Wo, C, s, s)
            flat = view.reshape(*view.shape[:4], -1)
            winners = flat.argmax(axis=-1)  # the first maximum, row-major within the window
            a = np.take_along_axis(flat, winners[..., None], axis=-1)[..., 0]
        if keep:
            self.inputs, self.weighted_inputs, self.outputs = a_prev, a, a
            self.winners = winners
        return a

    def backward(self, node_values: Array, input_gradient: bool = True) -> Array | None:
        if not input_gradient:
            return None
        gradient = np.zeros_like(self.inputs)
        if self.winners is None:
            # Walk the window's positions in row-major order; each maximum not yet claimed takes
            # the gradient, so a tie sends it to the first one.
            tiles, targets = self.tiles(self.inputs), self.tiles(gradient)
            claimed = np.zeros(self.outputs.shape, dtype=bool)
            for i in range(self.size):
                for j in range(self.size):
                    first = (tiles[:, :, i, :, j, :] == self.outputs) & ~claimed
                    targets[:, :, i, :, j, :] = first * node_values
                    claimed |= first
            return gradient
        positions = np.arange(self.size * self.size).reshape(self.size, self.size)
        spread = (self.winners[..., None, None] == positions) * node_values[..., None, None]
        add_windows(gradient, spread.astype(gradient.dtype, copy=False), self.stride)
        return gradient

    def forget(self) -> None:
        super().forget()
        self.__dict__.pop("winners", None)


class AvgPool2D(Pool2D):
    """Each window's mean; its gradient is shared equally by the window's pixels."""

    kind = "avgpool2d"

    def forward(self, a_prev: Array, keep: bool = True) -> Array:
        a = windows(a_prev, (self.size, self.size), self.stride).mean(axis=(-2, -1), dtype=a_prev.dtype)
        if keep:
            self.inputs, self.weighted_inputs, self.outputs = a_prev, a, a
        return a

    def backward(self, node_values: Array, input_gradient: bool = True) -> Array | None:
        if not input_gradient:
            return None
        gradient = np.zeros_like(self.inputs)
        share = np.broadcast_to(
            (node_values / (self.size * self.size))[..., None, None], (*node_values.shape, self.size, self.size)
        )
        add_windows(gradient, share, self.stride)
        return gradient


class Flatten(Layer):
    """(N, H, W, C) → (N, H·W·C), row-major over H, W, C: images become rows for a dense layer."""

    kind = "flatten"

    def forward(self, a_prev: Array, keep: bool = True) -> Array:
        a = a_prev.reshape(len(a_prev), -1)
        if keep:
            self.input_shape = a_prev.shape
            self.weighted_inputs = self.outputs = a
        return a

    def backward(self, node_values: Array, input_gradient: bool = True) -> Array | None:
        return node_values.reshape(self.input_shape) if input_gradient else None

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(input_shape)),)

    def forget(self) -> None:
        super().forget()
        self.__dict__.pop("input_shape", None)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind}

    @classmethod
    def from_dict(cls, description: dict[str, Any], dtype: Any = np.float32) -> Flatten:
        return cls()

    def __repr__(self) -> str:
        return "Flatten()"


for _layer_type in (Conv2D, MaxPool2D, AvgPool2D, Flatten):
    register_layer_type(_layer_type)
