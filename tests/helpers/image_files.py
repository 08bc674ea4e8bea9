"""Writers of the image data sets' official formats, for tiny fixtures (tests/test_image_*.py):
IDX (MNIST, Fashion-MNIST), CIFAR-10's binary records, Quick, Draw!'s numpy_bitmap files."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from playground.data.images import CIFAR10_CLASSES, IDX_IMAGE_MAGIC, IDX_LABEL_MAGIC


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
