"""Image loaders on the real data sets (PLAYGROUND_DATA_DIR): their official content and counts;
and scikit-learn's digits, the dispatcher and the data directory."""

from __future__ import annotations

import hashlib
import json

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

from helpers.image_files import idx_bytes
from helpers.needs import real_data_dir

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
    rows = {
        "helicopter": 1000,
        "house plant": 25,
        "cat": 3000,
        "cruise ship": 25,
        "windmill": 25,
        "popsicle": 25,
        "tractor": 1000,
        "umbrella": 25,
        "bicycle": 3000,
        "octopus": 1000,
    }
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
