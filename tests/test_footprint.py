"""A network's cost, known before it runs, and model files refused by what they would cost.

The oracle for the counts is the engine's own work: a dense layer's product is (1, n_in) @
(n_in, n_out); a conv layer's is its im2col patch matrix times its filters, so its multiply-adds
are the sizes of the matrices it really multiplies.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from playground.engine import (
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ModelFileError,
    ModelTooCostly,
    Network,
    check_footprint,
    footprint,
    load_network,
    load_network_bytes,
    save_network,
)
from playground.engine.specs import spec_multiply_adds

from helpers.hostile_models import float64_zeros_file, padded_conv_file, wide_conv_file


def test_a_dense_network_costs_its_weight_products():
    network = Network([784, 100, 10])
    cost = footprint(network)
    assert cost.layer_multiply_adds == (784 * 100, 100 * 10)
    assert cost.parameter_bytes == network.n_parameters * 4
    assert cost.working_bytes == 100 * 4  # the widest layer's outputs for one sample


@pytest.mark.parametrize("padding", ["same", "valid", 3])
def test_a_conv_layers_count_is_the_size_of_the_products_it_computes(padding):
    layer = Conv2D(3, 8, 5, stride=2, padding=padding)
    image = np.zeros((1, 17, 15, 3), dtype=np.float32)
    patches = layer.patches(layer.padded(image))  # what forward multiplies by the filters
    assert layer.multiply_adds((17, 15, 3)) == patches.shape[0] * patches.shape[1] * 8
    rows, columns, filters = layer.output_shape((17, 15, 3))
    assert layer.working_numbers((17, 15, 3)) == layer.padded(image).size + patches.size + rows * columns * filters


def test_a_spec_network_costs_what_the_spec_count_says_plus_its_pools():
    spec, shape = "conv32x5,pool2,conv64x5,pool2,256", (32, 32, 3)
    network = Network.from_spec(spec, shape, 10)
    pools = 16 * 16 * 32 * 4 + 8 * 8 * 64 * 4  # one comparison per number in each 2×2 window
    assert footprint(network).multiply_adds == spec_multiply_adds(spec, shape, 10) + pools
    check_footprint(network)  # the largest preset runs within the limits


def peak_memory_kb() -> int:
    """This process's peak resident memory (VmHWM), in kB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM"))
    return int(line.split()[1])


@pytest.mark.parametrize(
    "make, words",
    [
        (padded_conv_file, ["too costly to run here", "layer 1", "Conv2D", "multiply-adds per sample"]),
        (wide_conv_file, ["too costly to run here", "layer 2", "multiply-adds per sample"]),
        (float64_zeros_file, ["too large to run here", "parameters take 180 MB", "150 MB allowed"]),
    ],
)
def test_a_model_file_that_would_cost_too_much_is_refused_before_it_runs(make, words):
    raw = make()
    assert len(raw) < 100_000
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from what is resident now
    before, began = peak_memory_kb(), time.process_time()
    with pytest.raises(ModelTooCostly) as refusal:
        load_network_bytes(raw, "the file")
    seconds, grown = time.process_time() - began, peak_memory_kb() - before
    for word in words:
        assert word in str(refusal.value)
    assert isinstance(refusal.value, ModelFileError)  # every caller's existing handling applies
    assert grown < 20_000, f"{grown / 1000:.0f} MB more resident memory to refuse it"
    assert seconds < 2.0, f"{seconds:.2f} s of CPU to refuse it"


def test_limits_are_the_callers_choice(tmp_path):
    path = save_network(
        Network.from_layers([Conv2D(1, 4, 3), Flatten(), Dense(28 * 28 * 4, 10, "softmax")], input_shape=(28, 28, 1)),
        tmp_path / "small.npz",
    )
    cost = footprint(load_network(path))
    with pytest.raises(ModelTooCostly, match="more than the 1,000 allowed"):
        load_network(path, max_multiply_adds=1_000)
    with pytest.raises(ModelTooCostly, match="MB allowed"):
        load_network(path, max_memory_bytes=cost.memory_bytes - 1)
    assert (
        footprint(load_network(path, max_multiply_adds=cost.multiply_adds, max_memory_bytes=cost.memory_bytes)) == cost
    )


def test_pools_count_their_windows():
    assert MaxPool2D(2).multiply_adds((8, 6, 3)) == 4 * 3 * 3 * 4
