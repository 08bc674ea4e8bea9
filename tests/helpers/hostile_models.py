"""Model files as a stranger could make them: a few kilobytes that describe minutes of work or
gigabytes of memory (issue 22's reproductions), for the engine's and the server's tests."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import numpy as np

from playground.engine.persistence import FORMAT, VERSION


def model_file(layers: list[dict], input_shape: list[int], dtype: str, arrays: dict) -> bytes:
    """A model file as a stranger could make it: compressed members, and for ``None`` arrays only
    an .npy header that claims a shape (no data at all behind it)."""
    members = {
        "format": np.array(FORMAT),
        "version": np.array(VERSION),
        "layers": np.array(json.dumps(layers)),
        "input_shape": np.array(input_shape, dtype=np.int64),
        "cost": np.array("cross_entropy"),
        "dtype": np.array(dtype),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in {**members, **arrays}.items():
            member = io.BytesIO()
            if isinstance(value, tuple):  # (shape,): the header alone
                np.lib.format.write_array_header_1_0(
                    member, {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": value}
                )
            else:
                np.lib.format.write_array(member, value)
            archive.writestr(name + ".npy", member.getvalue())
    return buffer.getvalue()


def padded_conv_file() -> bytes:
    """A few kilobytes: one 5×5 conv with 400 pixels of padding on 28×28 digits (824×824 outputs)."""
    layers = [
        {
            "type": "conv2d",
            "in_channels": 1,
            "out_channels": 16,
            "kernel_size": [5, 5],
            "stride": 1,
            "padding": 400,
            "activation": "relu",
        },
        {"type": "maxpool2d", "size": 200, "stride": 200},
        {"type": "flatten"},
        {"type": "dense", "inputs": 256, "outputs": 10, "activation": "softmax"},
    ]
    arrays = {
        "weights_0": np.zeros((5, 5, 1, 16), np.float32),
        "biases_0": np.zeros(16, np.float32),
        "weights_3": np.zeros((256, 10), np.float32),
        "biases_3": np.zeros(10, np.float32),
    }
    return model_file(layers, [28, 28, 1], "float32", arrays)


def wide_conv_file() -> bytes:
    """2,048 filters over 1,024 channels: 75 MB of zeros, a few hundred kilobytes compressed."""
    layers = [
        {
            "type": "conv2d",
            "in_channels": 1,
            "out_channels": 1024,
            "kernel_size": [3, 3],
            "stride": 1,
            "padding": "same",
            "activation": "relu",
        },
        {
            "type": "conv2d",
            "in_channels": 1024,
            "out_channels": 2048,
            "kernel_size": [3, 3],
            "stride": 1,
            "padding": "same",
            "activation": "relu",
        },
        {"type": "maxpool2d", "size": 28, "stride": 28},
        {"type": "flatten"},
        {"type": "dense", "inputs": 2048, "outputs": 10, "activation": "softmax"},
    ]
    arrays = {
        "weights_0": (3, 3, 1, 1024),
        "biases_0": (1024,),
        "weights_1": (3, 3, 1024, 2048),
        "biases_1": (2048,),
        "weights_4": (2048, 10),
        "biases_4": (10,),
    }
    return model_file(layers, [28, 28, 1], "float32", arrays)


def float64_zeros_file() -> bytes:
    """One dense layer of 22.5 M float64 weights (180 MB): the file only claims them."""
    layers = [{"type": "dense", "inputs": 784, "outputs": 28_700, "activation": "softmax"}]
    return model_file(layers, [784], "float64", {"weights_0": (784, 28_700), "biases_0": (28_700,)})


def short_weights(network: dict) -> dict:
    """The network with its first layer's weights cut to one row."""
    cut = copy.deepcopy(network)
    cut["layers"][0]["weights"] = cut["layers"][0]["weights"][:1]
    return cut
