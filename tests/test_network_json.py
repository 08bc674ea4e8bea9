"""The network as JSON (session, share links, routes): exact round trips, checks before allocation,
and messages that name the layer and the problem."""

import copy
import json

import numpy as np
import pytest

from playground.engine import DescriptionError, Network, network_from_json, network_to_json
from playground.engine.persistence import check_layers, network_bytes


def round_trip(network, **options):
    return network_from_json(json.loads(json.dumps(network_to_json(network))), **options)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_json_round_trip_is_bit_exact(dtype):
    network = Network(
        [4, 7, 5, 3], activation=["relu", "silu"], output_activation="sigmoid", cost="quadratic", seed=3, dtype=dtype
    )
    network.biases[1][:] = np.random.default_rng(0).normal(size=5)  # values that are not short decimals
    network.weights[0][0, 0] = np.float32(1 / 3)
    loaded = round_trip(network)
    assert loaded.layer_sizes == network.layer_sizes and loaded.activations == ["relu", "silu"]
    assert loaded.cost_name == "quadratic" and loaded.dtype == np.dtype(dtype) and loaded.seed == 3
    for a, b in zip(network.parameters(), loaded.parameters()):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_a_conv_network_round_trips_with_its_layer_list():
    network = Network.from_spec("conv4x3,pool2,16", (8, 8, 1), 3, seed=2)
    description = network_to_json(network)
    assert description["format"] == "neural-playground-network" and description["version"] == 2
    assert description["input_shape"] == [8, 8, 1] and description["dtype"] == "float32"
    assert [layer["type"] for layer in description["layers"]] == ["conv2d", "maxpool2d", "flatten", "dense", "dense"]
    assert set(description["layers"][1]) == set(network.layers[1].to_dict())  # no parameters: just its description
    loaded = round_trip(network)
    inputs = np.random.default_rng(1).random((5, 64), dtype=np.float32)
    np.testing.assert_array_equal(loaded.forward(inputs), network.forward(inputs))
    assert loaded.describe() == network.describe()
    assert round_trip(network, dtype=np.float64).dtype == np.float64


def test_absent_format_and_version_mean_the_current_ones():
    description = network_to_json(Network([2, 3, 2], seed=1))
    del description["format"], description["version"]
    assert network_from_json(description).layer_sizes == [2, 3, 2]


def broken(change):
    description = network_to_json(Network([2, 3, 2], activation="tanh", seed=1))
    change(description)
    return description


CASES = {
    "not a dict": (lambda d: None, "must be a dictionary"),
    "format": (lambda d: d.update(format="keras"), "not a Neural Playground network"),
    "newer": (lambda d: d.update(version=3), r"made by a newer version \(network format 3\)"),
    "version": (lambda d: d.update(version="2"), "unknown network format version '2'"),
    "layers": (lambda d: d.update(layers={"type": "dense"}), "the layer list must be a list"),
    "kind": (lambda d: d["layers"][1].update(type="wormhole"), "layer 2: unknown layer type 'wormhole'"),
    "fraction": (lambda d: d["layers"][0].update(outputs=2.5), r"layer 1 \(dense\): .*whole number ≥ 1, not 2.5"),
    "chain": (lambda d: d["layers"][1].update(inputs=4), "a dense layer with 4 inputs cannot follow"),
    "shape": (
        lambda d: d["layers"][1].update(weights=[[0.0, 0.0, 0.0]] * 2),
        r"layer 2 \(dense\): weights have shape \(2, 3\), expected \(3, 2\)",
    ),
    "ragged": (
        lambda d: d["layers"][0].update(weights=[[0.0, 1.0, 2.0], [0.0]]),
        r"layer 1 \(dense\): weights are not an array of numbers",
    ),
    "text": (lambda d: d["layers"][0].update(biases=["a", "b", "c"]), "biases are not an array of numbers"),
    "nan": (lambda d: d["layers"][1]["biases"].__setitem__(0, float("nan")), "biases hold values that are not finite"),
    "null": (lambda d: d["layers"][1]["biases"].__setitem__(0, None), "biases hold values that are not finite"),
    "missing": (lambda d: d["layers"][1].pop("biases"), r"layer 2 \(dense\): biases are missing"),
    "cost": (lambda d: d.update(cost="hinge"), "unknown cost 'hinge'"),
    "dtype": (lambda d: d.update(dtype="int8"), "float32 or float64"),
    "seed": (lambda d: d.update(seed=-1), "seed must be a whole number"),
    "input shape": (lambda d: d.update(input_shape=[2, "x"]), "input_shape"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_problem_is_a_value_error_naming_the_layer_and_the_problem(case):
    change, message = CASES[case]
    description = None if case == "not a dict" else broken(change)
    with pytest.raises(DescriptionError, match=message):
        network_from_json(description)
    assert issubclass(DescriptionError, ValueError)


def test_sizes_are_checked_before_anything_is_allocated(monkeypatch):
    import tracemalloc

    from playground.engine import network as network_module

    huge = broken(
        lambda d: d["layers"].__setitem__(
            slice(None),
            [
                {"type": "dense", "inputs": 2, "outputs": 15000, "activation": "tanh"},
                {"type": "dense", "inputs": 15000, "outputs": 15000, "activation": "tanh"},
                {"type": "dense", "inputs": 15000, "outputs": 2, "activation": "softmax"},
            ],
        )
    )
    built = []
    monkeypatch.setattr(network_module.Network, "from_layers", classmethod(lambda cls, *a, **k: built.append(1)))
    absurd = broken(lambda d: d["layers"][0].update(inputs=2**62, outputs=2**62))  # no int64 overflow
    small = broken(lambda d: None)
    tracemalloc.start()
    try:
        with pytest.raises(DescriptionError, match="225,090,002 parameters: more than the 50,000,000 allowed"):
            network_from_json(huge)
        with pytest.raises(DescriptionError, match="more than the 10 allowed"):
            network_from_json(small, max_parameters=10)
        with pytest.raises(DescriptionError, match="more than the"):
            network_from_json(absurd)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000 and not built


def test_the_json_and_the_npz_check_a_layer_list_alike(tmp_path):
    """One check for both ways in: the same layer list gets the same verdict from each."""
    from playground.engine import load_network_bytes

    network = Network([2, 3, 2], seed=1)
    description = network_to_json(network)
    assert check_layers(copy.deepcopy(description["layers"])) == [[(2, 3), (3,)], [(3, 2), (2,)]]
    raw = network_bytes(network)
    assert load_network_bytes(raw).layer_sizes == network_from_json(description).layer_sizes
    with pytest.raises(ValueError, match="layer 2: unknown layer type 'wormhole'"):
        check_layers([description["layers"][0], {"type": "wormhole"}])
