"""Image loaders: the real data sets (PLAYGROUND_DATA_DIR) and tiny fixtures in each official format."""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from playground.data.download import MANIFEST_PATH
from playground.data.images import (
    CIFAR10_CLASSES,
    FASHION_MNIST_CLASSES,
    IDX_IMAGE_MAGIC,
    IDX_LABEL_MAGIC,
    IMAGE_DATASETS,
    QUICKDRAW_CATEGORIES,
    DataFileError,
    DataNotFoundError,
    load_cifar10,
    load_fashion_mnist,
    load_image_dataset,
    load_mnist,
    load_quickdraw,
    load_sklearn_digits,
    resolve_data_dir,
    to_float,
)
from helpers.needs import real_data_dir

# ---------------------------------------------------------------------------
# Writers of the official formats (fixtures)


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    """An IDX file: magic number, big-endian dimensions, then the unsigned bytes."""
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()


def write_idx_folder(folder: Path, n_train: int = 6, n_test: int = 4, size: int = 5) -> dict[str, np.ndarray]:
    """A tiny MNIST-layout folder; returns the arrays written."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, size, size), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": np.arange(n_train, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, size, size), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": (np.arange(n_test, dtype=np.uint8) * 3) % 10,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        magic = IDX_IMAGE_MAGIC if array.ndim == 3 else IDX_LABEL_MAGIC
        (folder / name).write_bytes(gzip.compress(idx_bytes(array, magic)))
    return arrays


def cifar_bytes(images_chw: np.ndarray, labels: np.ndarray) -> bytes:
    """CIFAR-10 binary records: label byte, then the R, G and B planes."""
    records = np.concatenate([labels.astype(np.uint8)[:, None], images_chw.reshape(len(labels), -1)], axis=1)
    return records.astype(np.uint8).tobytes()


def write_cifar_folder(folder: Path, batches: tuple[int, ...] = (1, 2), n: int = 7) -> None:
    rng = np.random.default_rng(1)
    folder.mkdir(parents=True, exist_ok=True)
    for index in batches:
        images = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
        (folder / f"data_batch_{index}.bin").write_bytes(cifar_bytes(images, np.arange(n) % 10))
    images = rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8)
    (folder / "test_batch.bin").write_bytes(cifar_bytes(images, (np.arange(n) + 5) % 10))
    (folder / "batches.meta.txt").write_text("\n".join(CIFAR10_CLASSES) + "\n\n")


def write_quickdraw(folder: Path, counts: dict[str, int]) -> None:
    """Category files whose row i is filled with the value i % 256 (so rows can be recognised)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, count in counts.items():
        rows = np.repeat((np.arange(count) % 256).astype(np.uint8)[:, None], 784, axis=1)
        np.save(folder / f"{name}.npy", rows)


# ---------------------------------------------------------------------------
# Real data (../shared/data through PLAYGROUND_DATA_DIR)


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(real_data_dir("mnist"))


@pytest.fixture(scope="module")
def fashion():
    return load_fashion_mnist(real_data_dir("fashion-mnist"))


@pytest.fixture(scope="module")
def cifar():
    return load_cifar10(real_data_dir("cifar-10"))


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.mark.data
def test_mnist_matches_the_official_content(mnist):
    # The decompressed MD5s the data README gives (the official files' content).
    assert md5(idx_bytes(mnist.train_images, IDX_IMAGE_MAGIC)) == "6bbc9ace898e44ae57da46a324031adb"
    assert md5(idx_bytes(mnist.test_images, IDX_IMAGE_MAGIC)) == "2646ac647ad5339dbf082846283269ea"
    assert md5(idx_bytes(mnist.train_labels, IDX_LABEL_MAGIC)) == "a25bea736e30d166cdddb491f175f624"
    assert md5(idx_bytes(mnist.test_labels, IDX_LABEL_MAGIC)) == "27ae3e4e09519cfbb04c329615203637"
    assert mnist.train_images.shape == (60_000, 28, 28) and mnist.train_images.dtype == np.uint8
    assert mnist.test_images.shape == (10_000, 28, 28)
    assert mnist.train_labels.dtype == np.int64
    assert mnist.class_names == tuple("0123456789")
    assert np.bincount(mnist.train_labels).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist.test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.mark.data
def test_mnist_float_inputs_for_the_engine(mnist):
    inputs = mnist.test_inputs()
    assert inputs.shape == (10_000, 784) and inputs.dtype == np.float32
    assert inputs.min() == 0.0 and inputs.max() == 1.0
    assert np.array_equal(np.rint(inputs * 255).astype(np.uint8), mnist.test_images.reshape(10_000, -1))
    assert mnist.n_inputs == 784 and mnist.image_shape == (28, 28) and mnist.n_classes == 10


@pytest.mark.data
def test_fashion_mnist_matches_the_official_content(fashion):
    assert md5(idx_bytes(fashion.train_images, IDX_IMAGE_MAGIC)) == "f4a8712d7a061bf5bd6d2ca38dc4d50a"
    assert md5(idx_bytes(fashion.test_images, IDX_IMAGE_MAGIC)) == "8181f5470baa50b63fa0f6fddb340f0a"
    assert np.bincount(fashion.train_labels).tolist() == [6000] * 10
    assert np.bincount(fashion.test_labels).tolist() == [1000] * 10
    assert fashion.class_names == FASHION_MNIST_CLASSES


@pytest.mark.data
def test_fashion_mnist_label_files_are_the_publishers(fashion):
    # The label .gz files here are Zalando's own, so their MD5 is the one the manifest uses.
    folder = real_data_dir("fashion-mnist") / "fashion-mnist"
    manifest = json.loads(MANIFEST_PATH.read_text())["datasets"]["fashion-mnist"]
    for spec in manifest["files"]:
        if "labels" in spec["name"]:
            assert md5((folder / spec["name"]).read_bytes()) == spec["md5"]


@pytest.mark.data
def test_quickdraw_real_split_and_counts():
    data_dir = real_data_dir("quickdraw")
    data = load_quickdraw(data_dir)
    assert data.class_names == QUICKDRAW_CATEGORIES
    rows = {"helicopter": 1000, "house plant": 25, "cat": 3000, "cruise ship": 25, "windmill": 25,
            "popsicle": 25, "tractor": 1000, "umbrella": 25, "bicycle": 3000, "octopus": 1000}
    expected_test = [round(rows[name] * 0.2) for name in QUICKDRAW_CATEGORIES]
    assert np.bincount(data.test_labels, minlength=10).tolist() == expected_test
    assert np.bincount(data.train_labels, minlength=10).tolist() == [
        rows[name] - test for name, test in zip(QUICKDRAW_CATEGORIES, expected_test)
    ]
    # The test rows of a category are the last 20 % of its (capped) rows.
    cat = np.load(data_dir / "quickdraw" / "cat.npy", allow_pickle=False)
    cat_label = QUICKDRAW_CATEGORIES.index("cat")
    assert np.array_equal(data.test_images[data.test_labels == cat_label].reshape(-1, 784), cat[2400:])
    assert np.array_equal(data.train_images[data.train_labels == cat_label].reshape(-1, 784), cat[:2400])

    capped = load_quickdraw(data_dir, categories="cat, bicycle", per_category=500)
    assert capped.class_names == ("cat", "bicycle")
    assert np.array_equal(capped.test_images[capped.test_labels == 0].reshape(-1, 784), cat[400:500])
    assert len(capped.train_labels) == 800 and len(capped.test_labels) == 200


@pytest.mark.data
def test_quickdraw_missing_category_names_the_file():
    with pytest.raises(DataNotFoundError, match=r'"apple\.npy" missing.*playground download quickdraw'):
        load_quickdraw(real_data_dir("quickdraw"), categories=["cat", "apple"])


@pytest.mark.data
def test_cifar10_real_counts_and_layout(cifar):
    data_dir = real_data_dir("cifar-10")
    assert cifar.train_images.shape == (30_000, 32, 32, 3) and cifar.train_images.dtype == np.uint8
    assert cifar.test_images.shape == (10_000, 32, 32, 3)
    assert cifar.class_names == CIFAR10_CLASSES
    assert np.bincount(cifar.train_labels[:10_000]).tolist() == [1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]
    assert np.bincount(cifar.test_labels).tolist() == [1000] * 10
    assert np.array_equal(cifar.test_labels, np.arange(10_000) % 10)  # this copy's documented order
    assert "data_batch_3.bin" in cifar.notes
    # Record 0 of batch 1: label byte, then the R, G and B planes.
    raw = np.fromfile(data_dir / "cifar-10" / "data_batch_1.bin", dtype=np.uint8, count=3073)
    assert cifar.train_labels[0] == raw[0]
    assert np.array_equal(cifar.train_images[0].transpose(2, 0, 1).ravel(), raw[1:])
    assert cifar.n_inputs == 3072 and cifar.test_inputs().shape == (10_000, 3072)


@pytest.mark.data
def test_dispatcher_loads_every_real_data_set():
    data_dir = real_data_dir("quickdraw")
    assert load_image_dataset("Quick-Draw", data_dir, categories=["cat"]).class_names == ("cat",)
    with pytest.raises(ValueError, match="takes no options"):
        load_image_dataset("mnist", data_dir, per_category=3)


# ---------------------------------------------------------------------------
# scikit-learn digits, dispatcher, data directory


def test_sklearn_digits_split_is_seeded_and_stratified():
    first, again = load_sklearn_digits(seed=3), load_sklearn_digits(seed=3)
    assert np.array_equal(first.train_images, again.train_images)
    assert first.train_images.shape[1:] == (8, 8) and first.train_images.dtype == np.uint8
    assert len(first.train_labels) + len(first.test_labels) == 1797
    assert len(first.test_labels) == 360
    assert first.train_images.max() == 255 and first.n_inputs == 64
    assert np.bincount(first.test_labels).min() >= 35  # stratified: about 36 per class
    assert not np.array_equal(load_sklearn_digits(seed=4).test_labels, first.test_labels)
    assert load_image_dataset("digits").name == "digits"


def test_dispatcher_names():
    assert IMAGE_DATASETS == ("mnist", "fashion-mnist", "quickdraw", "cifar-10", "digits")
    with pytest.raises(ValueError, match="unknown image data set 'svhn'; choose from mnist, fashion-mnist"):
        load_image_dataset("svhn")


def test_resolve_data_dir_order(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("PLAYGROUND_DATA_DIR")
    assert resolve_data_dir() == tmp_path / "xdg" / "neural-playground"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir() == tmp_path / "home" / ".cache" / "neural-playground"


def test_to_float_scales_and_flattens():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    assert to_float(images).tolist() == [[0.0, 1.0, pytest.approx(0.2), pytest.approx(0.4)]]
    assert to_float(images, flatten=False).shape == (1, 2, 2)


# ---------------------------------------------------------------------------
# IDX fixtures


def test_idx_fixture_loads(tmp_path):
    arrays = write_idx_folder(tmp_path / "mnist")
    data = load_mnist(tmp_path)
    assert np.array_equal(data.train_images, arrays["train-images-idx3-ubyte.gz"])
    assert np.array_equal(data.test_labels, arrays["t10k-labels-idx1-ubyte.gz"])
    assert data.train_labels.dtype == np.int64
    # Decompressed copies (as some mirrors ship them) load too.
    folder = tmp_path / "plain" / "fashion-mnist"
    write_idx_folder(folder)
    for path in folder.iterdir():
        path.with_suffix("").write_bytes(gzip.decompress(path.read_bytes()))
        path.unlink()
    assert np.array_equal(load_fashion_mnist(tmp_path / "plain").train_images, data.train_images)


def test_idx_missing_file_says_how_to_download(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"mnist data not found: .*mnist is missing \(no such folder\)\. "
                                                r"Run `playground download mnist`, or point --data-dir"):
        load_mnist(tmp_path)
    write_idx_folder(tmp_path / "fashion-mnist")
    (tmp_path / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataNotFoundError,
                       match=r"t10k-labels-idx1-ubyte\.gz is missing.*playground download fashion-mnist"):
        load_fashion_mnist(tmp_path)


def test_idx_wrong_magic(tmp_path):
    write_idx_folder(tmp_path / "mnist")
    labels = tmp_path / "mnist" / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros((6, 2, 2), np.uint8), IDX_IMAGE_MAGIC)))
    with pytest.raises(DataFileError, match=r"train-labels-idx1-ubyte\.gz: wrong magic number 0x00000803, "
                                            r"expected 0x00000801 \(an IDX label file"):
        load_mnist(tmp_path)


def test_idx_truncated_gzip(tmp_path):
    write_idx_folder(tmp_path / "mnist")
    images = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    images.write_bytes(images.read_bytes()[:-20])
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte\.gz: the gzip stream ends early \(truncated"):
        load_mnist(tmp_path)


def test_idx_not_gzip(tmp_path):
    write_idx_folder(tmp_path / "mnist")
    (tmp_path / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(b"<html>Not Found</html>")
    with pytest.raises(DataFileError, match=r"t10k-images-idx3-ubyte\.gz: not a valid gzip file"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("cut, message", [
    (-1, r"the header says 6 × 5 × 5 = 150 bytes of data, but the file holds 149 \(truncated\)"),
    (+3, r"the header says 6 × 5 × 5 = 150 bytes of data, but the file holds 153 \(3 bytes too many\)"),
    (-152, r"the IDX header is cut short \(14 of 16 bytes; truncated\?\)"),
    (-164, r"only 2 bytes, too short for an IDX header"),
])
def test_idx_wrong_size(tmp_path, cut, message):
    write_idx_folder(tmp_path / "mnist")
    path = tmp_path / "mnist" / "train-images-idx3-ubyte.gz"
    content = gzip.decompress(path.read_bytes())
    content = content[:cut] if cut < 0 else content + bytes(cut)
    path.write_bytes(gzip.compress(content))
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte\.gz: " + message):
        load_mnist(tmp_path)


def test_idx_label_out_of_range(tmp_path):
    write_idx_folder(tmp_path / "mnist")
    labels = np.array([1, 2, 3, 12], dtype=np.uint8)
    (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels, IDX_LABEL_MAGIC)))
    with pytest.raises(DataFileError, match=r"t10k-labels-idx1-ubyte\.gz: label 12 at position 3 is outside 0–9"):
        load_mnist(tmp_path)


def test_idx_image_and_label_counts_must_match(tmp_path):
    write_idx_folder(tmp_path / "mnist")
    labels = np.arange(5, dtype=np.uint8)
    (tmp_path / "mnist" / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels, IDX_LABEL_MAGIC)))
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte\.gz holds 6 images but .*"
                                            r"train-labels-idx1-ubyte\.gz holds 5 labels"):
        load_mnist(tmp_path)


# ---------------------------------------------------------------------------
# Quick, Draw! fixtures


def test_quickdraw_fixture_split_cap_and_order(tmp_path):
    write_quickdraw(tmp_path / "quickdraw", {"cat": 50, "house plant": 10})
    data = load_quickdraw(tmp_path, categories=["house plant", "cat"], per_category=40)
    assert data.class_names == ("house plant", "cat")
    assert data.train_images.shape == (8 + 32, 28, 28)
    # Rows are recognisable by their value: the test rows are the last 20 % after the cap.
    assert data.test_images[data.test_labels == 1][:, 0, 0].tolist() == list(range(32, 40))
    assert data.train_images[data.train_labels == 1][:, 0, 0].tolist() == list(range(32))
    assert data.test_images[data.test_labels == 0][:, 0, 0].tolist() == [8, 9]
    everything = load_quickdraw(tmp_path, categories="cat", per_category=None)
    assert len(everything.train_labels) == 40 and len(everything.test_labels) == 10


def test_quickdraw_bad_arguments(tmp_path):
    write_quickdraw(tmp_path / "quickdraw", {"cat": 5})
    with pytest.raises(ValueError, match="given twice: cat"):
        load_quickdraw(tmp_path, categories="cat,cat")
    with pytest.raises(ValueError, match="is not a Quick, Draw! category name"):
        load_quickdraw(tmp_path, categories=["../../etc/passwd"])
    with pytest.raises(ValueError, match="per_category must be at least 1"):
        load_quickdraw(tmp_path, categories="cat", per_category=0)
    with pytest.raises(DataNotFoundError, match=r'"helicopter\.npy", "house plant\.npy".*missing in'):
        load_quickdraw(tmp_path)


@pytest.mark.parametrize("array, message", [
    (np.zeros((3, 784), np.float32), r"holds float32 data of shape \(3, 784\); a numpy_bitmap file holds uint8 rows"),
    (np.zeros((3, 1, 784), np.uint8), r"holds uint8 data of shape \(3, 1, 784\)"),
    (np.zeros((0, 784), np.uint8), r"holds no drawings"),
    (np.array([{"pickled": True}], dtype=object), r"holds object data of shape \(1,\)"),
])
def test_quickdraw_wrong_format(tmp_path, array, message):
    (tmp_path / "quickdraw").mkdir()
    np.save(tmp_path / "quickdraw" / "cat.npy", array, allow_pickle=True)
    with pytest.raises(DataFileError, match=r"cat\.npy: " + message):
        load_quickdraw(tmp_path, categories="cat")


def test_quickdraw_truncated_and_garbage(tmp_path):
    write_quickdraw(tmp_path / "quickdraw", {"cat": 10})
    path = tmp_path / "quickdraw" / "cat.npy"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataFileError, match=r"cat\.npy: the header promises 10 × 784 bytes .* \(truncated\)"):
        load_quickdraw(tmp_path, categories="cat")
    path.write_bytes(b"<html>Access denied</html>")
    with pytest.raises(DataFileError, match=r"cat\.npy: not a valid \.npy file"):
        load_quickdraw(tmp_path, categories="cat")


# ---------------------------------------------------------------------------
# CIFAR-10 fixtures


def test_cifar_fixture_loads_present_batches_in_order(tmp_path):
    write_cifar_folder(tmp_path / "cifar-10", batches=(1, 3))
    data = load_cifar10(tmp_path)
    assert data.train_images.shape == (14, 32, 32, 3)
    assert data.notes == "training batches read: data_batch_1.bin, data_batch_3.bin"
    assert data.test_labels.tolist() == [5, 6, 7, 8, 9, 0, 1]
    raw = np.fromfile(tmp_path / "cifar-10" / "data_batch_3.bin", dtype=np.uint8).reshape(-1, 3073)
    # Channels last: pixel (row 2, column 5) has R, G, B from the three planes.
    assert data.train_images[7, 2, 5].tolist() == [raw[0, 1 + 2 * 32 + 5], raw[0, 1 + 1024 + 2 * 32 + 5],
                                                  raw[0, 1 + 2048 + 2 * 32 + 5]]


def test_cifar_wrong_record_size(tmp_path):
    write_cifar_folder(tmp_path / "cifar-10")
    path = tmp_path / "cifar-10" / "data_batch_2.bin"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DataFileError, match=r"data_batch_2\.bin: 21,501 bytes is not a whole number of 3,073-byte "
                                            r"records \(6 records and 3,063 bytes over; truncated\?\)"):
        load_cifar10(tmp_path)


def test_cifar_bad_label_empty_file_and_meta(tmp_path):
    folder = tmp_path / "cifar-10"
    write_cifar_folder(folder)
    (folder / "test_batch.bin").write_bytes(cifar_bytes(np.zeros((2, 3, 32, 32), np.uint8), np.array([3, 10])))
    with pytest.raises(DataFileError, match=r"test_batch\.bin: label 10 at position 1 is outside 0–9"):
        load_cifar10(tmp_path)
    (folder / "test_batch.bin").write_bytes(b"")
    with pytest.raises(DataFileError, match=r"test_batch\.bin: the file is empty"):
        load_cifar10(tmp_path)
    write_cifar_folder(folder)
    (folder / "batches.meta.txt").write_text("\n".join(CIFAR10_CLASSES[:9]))
    with pytest.raises(DataFileError, match=r"batches\.meta\.txt: lists 9 class names, expected 10"):
        load_cifar10(tmp_path)


def test_cifar_missing_files(tmp_path):
    folder = tmp_path / "cifar-10"
    write_cifar_folder(folder, batches=())
    with pytest.raises(DataNotFoundError, match=r"data_batch_1\.bin is missing \(no data_batch_1\.\.5\.bin present\)"
                                                r"\. Run `playground download cifar-10`"):
        load_cifar10(tmp_path)
    write_cifar_folder(folder, batches=(2,))
    (folder / "test_batch.bin").unlink()
    with pytest.raises(DataNotFoundError, match=r"test_batch\.bin is missing"):
        load_cifar10(tmp_path)
