"""Layer specs: one short syntax for a network's hidden layers, everywhere (CLI, app, docs).

    conv16x5     a convolution: 16 filters of 5×5, 'same' padding, stride 1
    pool2        2×2 max pooling
    128          a dense layer of 128 nodes

e.g. ``conv16x5,pool2,conv32x5,pool2,128``. The input shape comes from the data set; a Flatten
goes before the first dense layer and the output layer is appended. Other strides and
'valid' padding are for the Python API (``Conv2D``, ``MaxPool2D``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from playground.engine.conv import Conv2D, Flatten, MaxPool2D
from playground.engine.layers import Dense, Layer

MAX_WIDTH = 100_000
MAX_FILTERS = 1024
MAX_KERNEL = 15
MAX_POOL = 16
PART = re.compile(r"conv(\d+)x(\d+)|pool(\d+)|(\d+)")


def parse_spec(spec: str) -> list[tuple]:
    """The parts of a spec: ("conv", filters, kernel), ("pool", size) or ("dense", width);
    ValueError naming the bad part. '' or 'none': no hidden layers."""
    if not isinstance(spec, str):
        raise ValueError(f"a layer spec is text such as conv16x5,pool2,128, not {spec!r}")
    if spec.strip().lower() in ("", "none"):
        return []
    parts = []
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
            if not 1 <= filters <= MAX_FILTERS or not 1 <= kernel <= MAX_KERNEL:
                raise ValueError(f"layer spec part {text!r}: 1 to {MAX_FILTERS} filters of 1×1 to "
                                 f"{MAX_KERNEL}×{MAX_KERNEL}")
            parts.append(("conv", filters, kernel))
    return parts


def spec_text(layers: "str | list[int] | None") -> str:
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


def layers_from_spec(spec: str, input_shape: tuple[int, ...], n_outputs: int, activation: str = "relu",
                     output_activation: str = "softmax", seed: int = 0, dtype: Any = np.float32) -> list[Layer]:
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
        text = f"conv{part[1]}x{part[2]}" if part[0] == "conv" else f"pool{part[1]}" if part[0] == "pool" else str(part[1])
        if part[0] in ("conv", "pool") and len(shape) != 3:
            raise ValueError(f"layer spec part {text!r}: convolution and pooling need images, and come before "
                             "the dense layers")
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
