"""Saving and loading networks: bit-exact round trips and clear errors for bad files."""

import json
import zipfile

import numpy as np
import pytest

from playground.engine import (
    ModelFileError,
    Network,
    load_network,
    network_from_json,
    network_to_json,
    save_network,
)


def test_round_trip_is_bit_exact(tmp_path):
    for dtype in (np.float32, np.float64):
        network = Network(
            [4, 7, 5, 3],
            activation=["relu", "silu"],
            output_activation="sigmoid",
            cost="quadratic",
            seed=3,
            dtype=dtype,
        )
        network.biases[1][:] = np.arange(5) * 0.25  # hand-edited values survive too
        loaded = load_network(save_network(network, tmp_path / "model.npz"))
        assert loaded.layer_sizes == network.layer_sizes
        assert loaded.activations == ["relu", "silu"] and loaded.output_activation == "sigmoid"
        assert loaded.cost_name == "quadratic" and loaded.dtype == np.dtype(dtype)
        for a, b in zip(network.parameters(), loaded.parameters()):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


@pytest.fixture
def saved(tmp_path):
    return save_network(Network([2, 3, 2], seed=1), tmp_path / "model.npz")


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="model.npz: not a model file, or truncated or corrupted"):
        load_network(saved)


def test_corrupted_and_foreign_files(tmp_path, saved):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip file at all" * 10)
    with pytest.raises(ModelFileError, match="garbage.npz: not a model file"):
        load_network(garbage)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="foreign.npz: not a Neural Playground model"):
        load_network(foreign)
    with pytest.raises(ModelFileError, match="no such file"):
        load_network(tmp_path / "missing.npz")


def test_pickled_object_is_refused(tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(evil, format=np.array("neural-playground-network"), layer_sizes=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError, match="evil.npz"):
        load_network(evil)


def test_wrong_shapes_are_named(tmp_path, saved):
    with np.load(saved) as archive:
        contents = dict(archive)
    contents["weights_1"] = np.zeros((4, 2), dtype=np.float32)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **contents)
    with pytest.raises(ModelFileError, match=r"weights_1 has shape \(4, 2\), expected \(3, 2\)"):
        load_network(bad)
    contents["weights_1"] = np.full((3, 2), np.nan, dtype=np.float32)
    np.savez(bad, **contents)
    with pytest.raises(ModelFileError, match="not finite"):
        load_network(bad)


def test_a_zip_with_a_broken_member(tmp_path, saved):
    broken = tmp_path / "broken.npz"
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:20] if item.filename.startswith("weights_0") else data)
    with pytest.raises(ModelFileError, match="broken.npz"):
        load_network(broken)


def test_a_zip_whose_member_claims_encryption(tmp_path, saved):
    data = bytearray(saved.read_bytes())
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):  # local and central headers: set the "encrypted" flag
        start = 0
        while (start := data.find(marker, start)) != -1:
            flags = start + (6 if marker == b"PK\x03\x04" else 8)
            data[flags] |= 1
            start += 4
    odd = tmp_path / "encrypted.npz"
    odd.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="encrypted.npz"):
        load_network(odd)


DATA = __import__("pathlib").Path(__file__).parent / "data"


def test_a_file_saved_before_layers_were_objects_still_loads_with_the_same_outputs():
    # tests/data/model-v1.npz was written by the version-1 code (4-7-5-3 relu, silu → softmax);
    # its outputs on the stored inputs were computed then.
    network = load_network(DATA / "model-v1.npz")
    assert network.layer_sizes == [4, 7, 5, 3] and network.activations == ["relu", "silu"]
    inputs = np.load(DATA / "model-v1-inputs.npy")
    # (on another machine: its BLAS may round the last bit differently, so to float32's precision)
    np.testing.assert_allclose(network.forward(inputs), np.load(DATA / "model-v1-outputs.npy"), rtol=1e-6, atol=1e-7)
    with np.load(DATA / "model-v1.npz") as archive:  # and by hand, from the stored arrays
        hidden = np.maximum(inputs @ archive["weights_0"] + archive["biases_0"], 0)
        z = hidden @ archive["weights_1"] + archive["biases_1"]
        hidden = z / (1 + np.exp(-z))
        z = hidden @ archive["weights_2"] + archive["biases_2"]
    np.testing.assert_allclose(network.forward(inputs), np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-5)


def test_a_conv_file_saved_before_the_session_carried_the_layer_list_loads_with_the_same_outputs():
    # tests/data/model-conv-f77ffa5.npz was written by commit f77ffa5's save_network
    # (8×8×1-conv4x3-pool2-8-4, relu → softmax); its outputs on the stored inputs were computed then.
    network = load_network(DATA / "model-conv-f77ffa5.npz")
    inputs = np.load(DATA / "model-conv-f77ffa5-inputs.npy")
    expected = np.load(DATA / "model-conv-f77ffa5-outputs.npy")
    # Computed on another machine: its BLAS kernels may round the last bit differently (an AMD EPYC
    # here differs by 1 ulp in 3 of 12 numbers), so the same weights give the same outputs to float32's precision.
    outputs = network.forward(inputs)
    np.testing.assert_allclose(outputs, expected, rtol=1e-6, atol=1e-7)
    # and the session's JSON of it (what links, files and routes carry) is the same network, to the bit
    again = network_from_json(json.loads(json.dumps(network_to_json(network))))
    np.testing.assert_array_equal(again.forward(inputs), outputs)


def test_files_describe_the_layer_list(tmp_path):

    network = Network([3, 5, 2], activation="tanh", output_activation="sigmoid", cost="quadratic")
    path = save_network(network, tmp_path / "m.npz")
    with np.load(path) as archive:
        assert int(archive["version"]) == 2
        assert json.loads(str(archive["layers"])) == [
            {"type": "dense", "inputs": 3, "outputs": 5, "activation": "tanh"},
            {"type": "dense", "inputs": 5, "outputs": 2, "activation": "sigmoid"},
        ]


def write_zip(path, members: dict) -> None:
    """An .npz whose members are given as raw .npy bytes or arrays."""
    import io

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in members.items():
            if isinstance(value, np.ndarray) or not isinstance(value, bytes):
                buffer = io.BytesIO()
                np.save(buffer, np.asarray(value))
                value = buffer.getvalue()
            archive.writestr(name + ".npy", value)


def npy_header(shape, dtype="<f4") -> bytes:
    """Just the header of a .npy file that declares ``shape`` (no data follows)."""
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def members_of(saved) -> dict:
    with np.load(saved) as archive:
        return dict(archive)


def test_sizes_are_checked_before_anything_is_allocated(tmp_path, saved):
    import tracemalloc

    cases = {
        # a small file declaring a network of 15000 × 15000 nodes
        "huge": {
            **members_of(saved),
            "layers": np.array(
                json.dumps(
                    [
                        {"type": "dense", "inputs": 2, "outputs": 15000, "activation": "sigmoid"},
                        {"type": "dense", "inputs": 15000, "outputs": 15000, "activation": "sigmoid"},
                        {"type": "dense", "inputs": 15000, "outputs": 2, "activation": "softmax"},
                    ]
                )
            ),
        },
        # a header declaring 16 GB for a small matrix
        "bighead": {**members_of(saved), "weights_0": npy_header((2_000_000_000, 2))},
        # an unused member of 400 MB of zeros (a few hundred KB compressed)
        "unused": {**members_of(saved), "padding": np.zeros(100_000_000, dtype=np.float32)},
    }
    messages = {}
    for name, members in cases.items():
        write_zip(tmp_path / f"{name}.npz", members)
    tracemalloc.start()
    for name in ("huge", "bighead"):
        with pytest.raises(ModelFileError) as error:
            load_network(tmp_path / f"{name}.npz")
        messages[name] = str(error.value)
    loaded = load_network(tmp_path / "unused.npz")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20_000_000
    assert "more than the 50,000,000 allowed" in messages["huge"]
    assert "weights_0 has shape (2000000000, 2), expected (2, 3)" in messages["bighead"]
    assert loaded.layer_sizes == [2, 3, 2]


def test_odd_descriptions_get_named_errors(tmp_path, saved):

    layers = [
        {"type": "dense", "inputs": 2.7, "outputs": 3.9, "activation": "sigmoid"},
        {"type": "dense", "inputs": 3.9, "outputs": 2, "activation": "softmax"},
    ]
    cases = {
        "fractional": ({**members_of(saved), "layers": np.array(json.dumps(layers))}, "whole number ≥ 1, not 2.7"),
        "version": ({**members_of(saved), "version": np.array("abc")}, "version must be whole numbers"),
        "deep": ({**members_of(saved), "layers": np.array("[" * 100_000 + "]" * 100_000)}, "not valid JSON"),
        "notalist": ({**members_of(saved), "layers": np.array('{"type": "dense"}')}, "must be a list"),
        "kind": ({**members_of(saved), "layers": np.array('[{"type": "wormhole"}]')}, "unknown layer type"),
        "dtype": ({**members_of(saved), "dtype": np.array("int8")}, "float32 or float64"),
    }
    for name, (members, message) in cases.items():
        write_zip(tmp_path / f"{name}.npz", members)
        with pytest.raises(ModelFileError, match=message):
            load_network(tmp_path / f"{name}.npz")


def test_parameter_headers_are_checked_before_the_network_is_built(tmp_path, saved, monkeypatch):
    """A 3 kB file declaring 25 M parameters (within the limit) is refused from its headers alone."""

    from playground.engine import network as network_module

    layers = [
        {"type": "dense", "inputs": 2, "outputs": 5000, "activation": "sigmoid"},
        {"type": "dense", "inputs": 5000, "outputs": 5000, "activation": "sigmoid"},
        {"type": "dense", "inputs": 5000, "outputs": 2, "activation": "softmax"},
    ]
    write_zip(tmp_path / "declared.npz", {**members_of(saved), "layers": np.array(json.dumps(layers))})
    built = []
    monkeypatch.setattr(network_module.Network, "from_layers", classmethod(lambda cls, *a, **k: built.append(1)))
    with pytest.raises(ModelFileError, match=r"weights_0 has shape \(2, 3\), expected \(2, 5000\)"):
        load_network(tmp_path / "declared.npz")
    assert not built


def test_a_file_over_the_size_limit_is_not_opened(tmp_path, saved):
    big = tmp_path / "big.npz"
    big.write_bytes(saved.read_bytes() + b"\0" * 2_000_000)
    with pytest.raises(ModelFileError, match="model files of at most 1,000,000 bytes are read"):
        load_network(big, max_bytes=1_000_000)
