"""Saving and loading networks: bit-exact round trips and clear errors for bad files."""

import zipfile

import numpy as np
import pytest

from playground.engine import ModelFileError, Network, load_network, save_network


def test_round_trip_is_bit_exact(tmp_path):
    for dtype in (np.float32, np.float64):
        network = Network([4, 7, 5, 3], activation=["relu", "silu"], output_activation="sigmoid",
                          cost="quadratic", seed=3, dtype=dtype)
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
