"""``playground train`` on image data and ``playground download``, run as a user runs them.

Tests marked ``data`` use the real data sets in PLAYGROUND_DATA_DIR and skip with a reason
without it (fail instead under PLAYGROUND_REQUIRE_DATA=1). Downloads go to a small HTTP
server on 127.0.0.1 (tests/helpers/download_server.py), never to the internet.
"""

from __future__ import annotations

import gzip
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.engine import Network, load_network
from playground.recipes import Standardization

from helpers.cli import last_json, playground

# The local HTTP server with Range support, and fixture writers, of the download tests.
from helpers.download_server import mnist_files
from helpers.needs import real_data_dir

# ---------------------------------------------------------------------------
# Fixtures in the official formats


def write_quickdraw(folder: Path, categories: dict[str, int]) -> None:
    """``<category>.npy`` files of N × 784 uint8 rows; each category draws a different bar."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for label, (name, rows) in enumerate(categories.items()):
        images = rng.integers(0, 40, (rows, 28, 28), dtype=np.uint8)
        images[:, 4 + 6 * label : 8 + 6 * label, 4:24] = 255
        np.save(folder / f"{name}.npy", images.reshape(rows, 784))


def write_cifar(folder: Path, n_train: int = 200, n_test: int = 100) -> None:
    """A tiny CIFAR-10 binary version whose classes differ in colour."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2)
    for name, n in [("data_batch_1.bin", n_train), ("test_batch.bin", n_test)]:
        labels = np.arange(n) % 10
        planes = rng.integers(0, 60, (n, 3, 32, 32)).astype(np.uint8)
        planes[np.arange(n), labels % 3] += (20 * labels).astype(np.uint8)[:, None, None]
        records = np.concatenate([labels[:, None].astype(np.uint8), planes.reshape(n, -1)], axis=1)
        (folder / name).write_bytes(records.tobytes())


# ---------------------------------------------------------------------------
# Training on real data


@pytest.mark.data
def test_mnist_subset_trains_in_seconds_and_reports_held_out_accuracy():
    data_dir = real_data_dir("mnist")
    run = playground(
        "train",
        "--data",
        "mnist",
        "--data-dir",
        str(data_dir),
        "--train-samples",
        "3000",
        "--layers",
        "64",
        "--epochs",
        "3",
        "--augment",
        "rotate=10,shift=1",
        "--json",
    )
    assert run.returncode == 0, run.stderr
    report = last_json(run)
    assert report["train_samples"] == 3000 and report["test_samples"] == 10_000
    assert report["layers"] == [784, 64, 10] and report["epochs"] == 3
    assert report["test_accuracy"] >= 0.85
    assert report["augment"] == "rotate=10,shift=1" and report["standardize"] is False
    assert [entry["epoch"] for entry in report["history"]] == [1, 2, 3]
    # The per-epoch progress bars go to stderr, with speed, cost and accuracy.
    assert "epoch 3/3" in run.stderr and "samples/s" in run.stderr
    assert "cost=" in run.stderr and "acc=" in run.stderr


@pytest.mark.data
def test_quickdraw_categories_and_cap_from_real_files():
    data_dir = real_data_dir("quickdraw")
    run = playground(
        "train",
        "--data",
        "quickdraw",
        "--data-dir",
        str(data_dir),
        "--categories",
        "cat,bicycle",
        "--per-category",
        "500",
        "--layers",
        "32",
        "--epochs",
        "2",
        "--json",
        "--quiet",
    )
    assert run.returncode == 0, run.stderr
    report = last_json(run)
    # 500 rows per category, the last 20 % of each held out.
    assert report["train_samples"] == 800 and report["test_samples"] == 200
    assert report["layers"] == [784, 32, 2] and report["test_accuracy"] >= 0.8


# ---------------------------------------------------------------------------
# Training on fixtures (no real data needed)


def test_digits_default_is_the_image_path_with_progress_per_epoch():
    run = playground("train", "--data", "digits", "--epochs", "2", "--augment", "shift=1")
    assert run.returncode == 0, run.stderr
    assert "digits: 1,437 training and 360 test images of 8×8" in run.stderr
    assert "epoch 1/2" in run.stderr and "epoch 2/2" in run.stderr and "samples/s" in run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[0] == "network: 64-64-10 tanh → softmax, cross_entropy"
    assert lines[-1].startswith("test accuracy: ")


def test_a_validation_run_scores_held_out_training_images():
    run = playground("train", "--data", "digits", "--epochs", "2", "--validation", "237")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1].startswith("validation accuracy: ")
    assert "validation run: 237 training images held out" in run.stderr
    report = last_json(playground("train", "--data", "digits", "--epochs", "2", "--validation", "237", "--json"))
    assert report["validation"] == 237 and report["test_samples"] == 237 and report["train_samples"] == 1437 - 237
    assert len(report["history"]) == 2  # the per-epoch validation accuracy that settings are chosen on


def test_same_seed_same_model_with_augmentation_and_input_noise(tmp_path):
    paths = [tmp_path / "a.npz", tmp_path / "b.npz"]
    for path in paths:
        assert (
            main(
                [
                    "train",
                    "--data",
                    "digits",
                    "--epochs",
                    "2",
                    "--augment",
                    "rotate=10,noise=0.05",
                    "--input-noise",
                    "0.1",
                    "--save",
                    str(path),
                    "--quiet",
                ]
            )
            == 0
        )
    for a, b in zip(load_network(paths[0]).parameters(), load_network(paths[1]).parameters()):
        assert a.tobytes() == b.tobytes()


def test_quickdraw_fixture_split_and_labels(tmp_path, capsys):
    write_quickdraw(tmp_path / "quickdraw", {"cat": 50, "house plant": 30})
    code = main(
        [
            "train",
            "--data",
            "quickdraw",
            "--data-dir",
            str(tmp_path),
            "--categories",
            "cat,house plant",
            "--layers",
            "16",
            "--epochs",
            "5",
            "--json",
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["train_samples"] == 40 + 24 and report["test_samples"] == 10 + 6
    assert report["layers"] == [784, 16, 2] and report["test_accuracy"] == 1.0


def test_cifar_standardised_by_default_and_saved_network_takes_plain_pixels(tmp_path, capsys):
    from playground.data.images import load_cifar10

    write_cifar(tmp_path / "cifar-10")
    model = tmp_path / "cifar.npz"
    code = main(
        [
            "train",
            "--data",
            "cifar-10",
            "--data-dir",
            str(tmp_path),
            "--layers",
            "16",
            "--epochs",
            "3",
            "--save",
            str(model),
            "--json",
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["standardize"] is True and report["layers"] == [3072, 16, 10]
    # The standardisation is folded into the first layer: [0, 1] pixels in, the same accuracy out.
    data = load_cifar10(tmp_path)
    network = load_network(model)
    assert network.accuracy(data.test_inputs(), data.test_labels) == pytest.approx(report["test_accuracy"])


def test_standardization_folds_exactly_into_the_first_layer():
    rng = np.random.default_rng(0)
    inputs = rng.random((50, 4 * 4 * 3), dtype=np.float32)
    scaling = Standardization.fit(inputs, channels=3)
    standardised = scaling.apply(inputs)
    per_channel = standardised.reshape(-1, 3)
    np.testing.assert_allclose(per_channel.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(per_channel.std(axis=0), 1, atol=1e-4)
    network = Network([48, 5, 3], activation="relu", seed=1)
    expected = network.forward(standardised)
    scaling.fold_into(network)
    np.testing.assert_allclose(network.forward(inputs), expected, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------
# Bad input: exit status 2 and a clear message


@pytest.mark.parametrize(
    "spec,message",
    [
        ("rotate=abc", "rotate: 'abc' is not a number"),
        ("spin=3", "unknown augmentation 'spin'"),
        ("scale=2", "scale must be a fraction"),
        ("rotate", "expected key=value"),
    ],
)
def test_bad_augment_spec_exits_2(spec, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--data", "digits", "--augment", spec])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "argument --augment" in error and message in error


@pytest.mark.parametrize(
    "args,message",
    [
        (["--data", "moons", "--augment", "shift=1"], "--augment applies to image data sets only"),
        (["--data", "mnist", "--categories", "cat"], "--categories applies to --data quickdraw only"),
        (["--data", "digits", "--test-fraction", "1"], "--test-fraction must be below 1"),
        (["--data", "moons", "--validation", "20"], "--validation applies to image data sets only"),
        (["--data", "digits", "--validation", "100000"], "--validation 100000: hold out between 1 and"),
    ],
)
def test_options_for_the_wrong_data_exit_2(args, message, capsys):
    assert main(["train", *args]) == 2
    assert message in capsys.readouterr().err


def test_missing_data_exits_2_naming_the_folder_and_the_download(tmp_path):
    empty = tmp_path / "nothing here"
    run = playground("train", "--data", "mnist", "--data-dir", str(empty), "--epochs", "1")
    assert run.returncode == 2
    assert str(empty / "mnist") in run.stderr and "playground download mnist" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ["fashion-mnist", "cifar-10", "quickdraw"])
def test_every_image_set_names_its_missing_folder(name, tmp_path, capsys):
    empty = tmp_path / "nothing here"
    assert main(["train", "--data", name, "--data-dir", str(empty), "--epochs", "1"]) == 2
    error = capsys.readouterr().err
    assert str(empty / name) in error and f"playground download {name}" in error


def test_corrupt_data_file_exits_2_naming_it(tmp_path, capsys):
    folder = tmp_path / "mnist"
    folder.mkdir()
    for file_name, content in mnist_files(20).items():
        (folder / file_name).write_bytes(content)
    images = folder / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(images.read_bytes())
    images.write_bytes(gzip.compress(raw[: len(raw) // 2]))  # a valid gzip of half the images
    assert main(["train", "--data", "mnist", "--data-dir", str(tmp_path), "--epochs", "1"]) == 2
    error = capsys.readouterr().err
    assert str(images) in error and "truncated" in error and "playground download mnist" in error


def test_wrong_magic_number_exits_2(tmp_path, capsys):
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    for file_name, content in mnist_files(20).items():
        (folder / file_name).write_bytes(content)
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    raw = gzip.decompress(labels.read_bytes())
    labels.write_bytes(gzip.compress(struct.pack(">I", 0x803) + raw[4:]))
    assert main(["train", "--data", "fashion-mnist", "--data-dir", str(tmp_path), "--epochs", "1"]) == 2
    assert "wrong magic number" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Augmented training prepares the next batch in a helper thread: same weights as serially


def test_prefetched_augmentation_is_bit_identical_to_serial():
    from playground.data.augment import parse_augment_spec
    from playground.engine import Trainer, TrainingSettings

    rng = np.random.default_rng(0)
    inputs = rng.random((1050, 64), dtype=np.float32)
    labels = rng.integers(0, 10, 1050)
    augment = parse_augment_spec("rotate=10,shift=1,noise=0.05").batch_function((8, 8))

    def weights(prefetch: bool, stops: tuple[int, ...] = ()) -> list[bytes]:
        network = Network([64, 32, 10], activation="relu", seed=0)
        settings = TrainingSettings(batch_size=100, seed=3, input_noise=0.1, optimizer="adam", learn_rate=0.01)
        trainer = Trainer(network, inputs, labels, settings, augment=augment, prefetch=prefetch)
        batches = []
        for stop in stops:  # stop once `stop` batches are done, then carry on
            trainer.train(3 - trainer.epoch, on_batch=batches.append, should_stop=lambda: len(batches) >= stop)
        trainer.train(3 - trainer.epoch)
        assert trainer.epoch == 3
        return [parameter.tobytes() for parameter in network.parameters()]

    serial = weights(prefetch=False)
    assert weights(prefetch=True) == serial
    # Stopped mid-epoch and right at an epoch's end (11 batches per epoch), then resumed.
    assert weights(prefetch=True, stops=(5, 11, 25)) == serial


def test_flip_mirrors_about_half_of_a_batch_left_to_right():
    from playground.recipes import with_flip

    images = np.arange(200 * 4 * 5 * 3, dtype=np.float32).reshape(200, 4, 5, 3)
    flipped = with_flip(None, (4, 5, 3))(images.reshape(200, -1), np.random.default_rng(0)).reshape(images.shape)
    mirrored = np.array([np.array_equal(after, before[:, ::-1]) for after, before in zip(flipped, images)])
    unchanged = np.array([np.array_equal(after, before) for after, before in zip(flipped, images)])
    assert np.all(mirrored | unchanged) and 70 < mirrored.sum() < 130


def test_help_documents_image_options_and_per_data_set_defaults(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for flag in [
        "--data-dir",
        "--categories",
        "--per-category",
        "--augment",
        "--flip",
        "--standardize",
        "--train-samples",
    ]:
        assert flag in text
    assert "rotate=15,scale=0.1,shift=2,noise=0.05" in text
    table = text[text.index("defaults that depend on the data set") :]
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines()[2:8]}
    assert rows["mnist"][:2] == ["256,128", "relu"] and rows["digits"][0] == "64"
    assert "(default: None)" not in text
