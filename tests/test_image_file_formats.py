"""Image loaders on tiny fixtures in each official format (IDX, Quick, Draw!'s .npy, CIFAR-10's
binary batches): what they load, and broken or missing files explained."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from playground.data.images import (
    CIFAR10_CLASSES,
    IDX_IMAGE_MAGIC,
    IDX_LABEL_MAGIC,
    DataFileError,
    DataNotFoundError,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
    load_quickdraw,
)

from helpers.image_files import cifar_bytes, idx_bytes, write_cifar_folder, write_idx_folder, write_quickdraw

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
    with pytest.raises(
        DataNotFoundError,
        match=r"mnist data not found: .*mnist is missing \(no such folder\)\. "
        r"Run `playground download mnist`, or point --data-dir",
    ):
        load_mnist(tmp_path)
    write_idx_folder(tmp_path / "fashion-mnist")
    (tmp_path / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(
        DataNotFoundError, match=r"t10k-labels-idx1-ubyte\.gz is missing.*playground download fashion-mnist"
    ):
        load_fashion_mnist(tmp_path)


def test_idx_wrong_magic(tmp_path):
    write_idx_folder(tmp_path / "mnist")
    labels = tmp_path / "mnist" / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros((6, 2, 2), np.uint8), IDX_IMAGE_MAGIC)))
    with pytest.raises(
        DataFileError,
        match=r"train-labels-idx1-ubyte\.gz: wrong magic number 0x00000803, "
        r"expected 0x00000801 \(an IDX label file",
    ):
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


@pytest.mark.parametrize(
    "cut, message",
    [
        (-1, r"the header says 6 × 5 × 5 = 150 bytes of data, but the file holds 149 \(truncated\)"),
        (+3, r"the header says 6 × 5 × 5 = 150 bytes of data, but the file holds 153 \(3 bytes too many\)"),
        (-152, r"the IDX header is cut short \(14 of 16 bytes; truncated\?\)"),
        (-164, r"only 2 bytes, too short for an IDX header"),
    ],
)
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
    with pytest.raises(
        DataFileError,
        match=r"train-images-idx3-ubyte\.gz holds 6 images but .*"
        r"train-labels-idx1-ubyte\.gz holds 5 labels",
    ):
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


@pytest.mark.parametrize(
    "array, message",
    [
        (
            np.zeros((3, 784), np.float32),
            r"holds float32 data of shape \(3, 784\); a numpy_bitmap file holds uint8 rows",
        ),
        (np.zeros((3, 1, 784), np.uint8), r"holds uint8 data of shape \(3, 1, 784\)"),
        (np.zeros((0, 784), np.uint8), r"holds no drawings"),
        (np.array([{"pickled": True}], dtype=object), r"holds object data of shape \(1,\)"),
    ],
)
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
    assert data.train_images[7, 2, 5].tolist() == [
        raw[0, 1 + 2 * 32 + 5],
        raw[0, 1 + 1024 + 2 * 32 + 5],
        raw[0, 1 + 2048 + 2 * 32 + 5],
    ]


def test_cifar_wrong_record_size(tmp_path):
    write_cifar_folder(tmp_path / "cifar-10")
    path = tmp_path / "cifar-10" / "data_batch_2.bin"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(
        DataFileError,
        match=r"data_batch_2\.bin: 21,501 bytes is not a whole number of 3,073-byte "
        r"records \(6 records and 3,063 bytes over; truncated\?\)",
    ):
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
    with pytest.raises(
        DataNotFoundError,
        match=r"data_batch_1\.bin is missing \(no data_batch_1\.\.5\.bin present\)"
        r"\. Run `playground download cifar-10`",
    ):
        load_cifar10(tmp_path)
    write_cifar_folder(folder, batches=(2,))
    (folder / "test_batch.bin").unlink()
    with pytest.raises(DataNotFoundError, match=r"test_batch\.bin is missing"):
        load_cifar10(tmp_path)
