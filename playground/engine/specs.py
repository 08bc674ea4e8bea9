"""Layer specs: one short syntax for a network's hidden layers, everywhere (CLI, app, docs).

    conv16x5     a convolution: 16 filters of 5×5, 'same' padding, stride 1
    pool2        2×2 max pooling
    128          a dense layer of 128 nodes

e.g. ``conv16x5,pool2,conv32x5,pool2,128``. The input shape comes from the data set; a Flatten
goes before the first dense layer and the output layer is appended. Other strides and
'valid' padding are for the Python API (``Conv2D``, ``MaxPool2D``).

Also here: the checks of a plain architecture (layer sizes such as '2,3,2', an activation
name per layer), each naming what is wrong, and a layer written back in this syntax.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from playground.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, activation_name
from playground.engine.conv import Conv2D, Flatten, MaxPool2D, Pool2D
from playground.engine.layers import Dense, Layer

MAX_WIDTH = 100_000
MAX_FILTERS = 1024
MAX_KERNEL = 15
MAX_POOL = 16
PART = re.compile(r"conv(\d+)x(\d+)|pool(\d+)|(\d+)")

# ("conv", filters, kernel), ("pool", size) or ("dense", width): a kind, then whole numbers
SpecPart = tuple[Any, ...]


def parse_spec(spec: str) -> list[SpecPart]:
    """The parts of a spec: ("conv", filters, kernel), ("pool", size) or ("dense", width);
    ValueError naming the bad part. '' or 'none': no hidden layers."""
    if not isinstance(spec, str):
        raise ValueError(f"a layer spec is text such as conv16x5,pool2,128, not {spec!r}")
    if spec.strip().lower() in ("", "none"):
        return []
    parts: list[SpecPart] = []
    for text in (part.strip().lower() for part in spec.split(",")):
        found = PART.fullmatch(text)
        if not found:
            raise ValueError(f"layer spec part {text!r}: expected convFxK (filters × kernel), poolS or a width")
        filters, kernel, pool, width = (None if g is None else int(g) for g in found.groups())
        if width is not None:
            if not 1 <= width <= MAX_WIDTH:
                raise ValueError(f"layer spec part {text!r}: a dense layer has 1 to {MAX_WIDTH:,} nodes")
            parts.append(("dense", width))
        elif pool is not None:
            if not 2 <= pool <= MAX_POOL:
                raise ValueError(f"layer spec part {text!r}: a pool is 2 to {MAX_POOL} pixels wide")
            parts.append(("pool", pool))
        else:
            assert filters is not None and kernel is not None  # the conv alternative matched
            if not 1 <= filters <= MAX_FILTERS or not 1 <= kernel <= MAX_KERNEL:
                raise ValueError(
                    f"layer spec part {text!r}: 1 to {MAX_FILTERS} filters of 1×1 to {MAX_KERNEL}×{MAX_KERNEL}"
                )
            parts.append(("conv", filters, kernel))
    return parts


def spec_text(layers: str | list[int] | None) -> str:
    """A spec from a spec or a list of hidden widths ([300] → '300', [] → 'none')."""
    if layers is None or isinstance(layers, str):
        return layers or "none"
    return ",".join(str(width) for width in layers) or "none"


def has_images_layers(spec: str) -> bool:
    """Whether a spec has convolution or pooling (its network takes images, not rows)."""
    return any(part[0] in ("conv", "pool") for part in parse_spec(spec))


def spec_parameter_count(spec: str, input_shape: tuple[int, ...], n_outputs: int) -> int:
    """How many weights and biases ``layers_from_spec`` would make, counted without making them
    (the spec syntax's conv keeps the image size: 'same' padding, stride 1)."""
    shape, count = tuple(input_shape), 0
    for part in parse_spec(spec) + [("dense", n_outputs)]:
        if part[0] == "conv":
            count += part[2] * part[2] * shape[2] * part[1] + part[1]
            shape = (shape[0], shape[1], part[1])
        elif part[0] == "pool":
            shape = (shape[0] // part[1], shape[1] // part[1], shape[2])
        else:
            count += (int(np.prod(shape)) + 1) * part[1]
            shape = (part[1],)
    return count


def spec_multiply_adds(spec: str, input_shape: tuple[int, ...], n_outputs: int) -> int:
    """Multiply-adds of one forward pass of one sample (what a conv network costs to run)."""
    shape, count = tuple(input_shape), 0
    for part in parse_spec(spec) + [("dense", n_outputs)]:
        if part[0] == "conv":
            count += shape[0] * shape[1] * part[2] * part[2] * shape[2] * part[1]
            shape = (shape[0], shape[1], part[1])
        elif part[0] == "pool":
            shape = (shape[0] // part[1], shape[1] // part[1], shape[2])
        else:
            count += int(np.prod(shape)) * part[1]
            shape = (part[1],)
    return count


def layers_from_spec(
    spec: str,
    input_shape: tuple[int, ...],
    n_outputs: int,
    activation: str = "relu",
    output_activation: str = "softmax",
    seed: int = 0,
    dtype: Any = np.float32,
) -> list[Layer]:
    """The layers a spec describes for inputs of ``input_shape`` ((H, W, C) images, or (n,) rows),
    ending in a dense output layer; ValueError when a part does not fit what comes before it."""
    rng = np.random.default_rng(seed)  # one stream through all layers, in order
    shape = tuple(int(side) for side in input_shape)
    layers: list[Layer] = []

    def add(layer: Layer, text: str) -> None:
        nonlocal shape
        try:
            shape = layer.output_shape(shape)
        except ValueError as error:
            raise ValueError(f"layer spec part {text!r}: {error}") from None
        layers.append(layer)

    for part in parse_spec(spec):
        text = (
            f"conv{part[1]}x{part[2]}" if part[0] == "conv" else f"pool{part[1]}" if part[0] == "pool" else str(part[1])
        )
        if part[0] in ("conv", "pool") and len(shape) != 3:
            raise ValueError(
                f"layer spec part {text!r}: convolution and pooling need images, and come before the dense layers"
            )
        if part[0] == "conv":
            add(Conv2D(shape[2], part[1], part[2], activation=activation, seed=rng, dtype=dtype), text)
        elif part[0] == "pool":
            add(MaxPool2D(part[1]), text)
        else:
            if len(shape) != 1:
                add(Flatten(), text)
            add(Dense(shape[0], part[1], activation, seed=rng, dtype=dtype), text)
    if len(shape) != 1:
        add(Flatten(), "the output layer")
    add(Dense(shape[0], n_outputs, output_activation, seed=rng, dtype=dtype), "the output layer")
    return layers


# ------------------------------------------------------------------ layer sizes and activations, checked


def layer_name(layer: Layer) -> str:
    """A layer as the spec syntax writes it: '128', 'conv16x5', 'pool2'."""
    if isinstance(layer, Dense):
        return str(layer.n_out)
    if isinstance(layer, Conv2D):
        return f"conv{layer.out_channels}x{layer.kernel_size[0]}"
    pool = cast(Pool2D, layer)  # the only other layers a spec writes (a Flatten is implied)
    return f"{'pool' if pool.kind == 'maxpool2d' else 'avgpool'}{pool.size}"


def parse_layer_sizes(text: str) -> list[int]:
    """'2,3,2' → [2, 3, 2], with a clear error naming any bad value (e.g. '2,x,2')."""
    parts = [part.strip() for part in str(text).split(",")]
    sizes = []
    for part in parts:
        if not part.isdigit() or int(part) < 1:
            raise ValueError(f"invalid layer spec {text!r}: {part!r} is not a positive whole number")
        sizes.append(int(part))
    return sizes


def check_layer_sizes(layer_sizes: Sequence[int] | str) -> list[int]:
    """Validated layer sizes: at least an input and an output layer, each 1…100,000 wide."""
    if isinstance(layer_sizes, str):
        layer_sizes = parse_layer_sizes(layer_sizes)
    sizes = list(layer_sizes)
    if len(sizes) < 2:
        raise ValueError(f"a network needs at least an input and an output layer, got {sizes}")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= MAX_WIDTH:
            raise ValueError(f"invalid layer size {size!r} in {sizes}: each layer needs 1…{MAX_WIDTH} nodes")
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
        raise ValueError(f"{name!r} cannot be an output activation; choose one of: {', '.join(OUTPUT_ACTIVATIONS)}")
    return name
