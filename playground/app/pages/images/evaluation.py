"""What a trained image network gets right and wrong on the held-out test images (SPEC F15, F23).

Pure functions of the test labels and the network's saved test-set outputs (probabilities),
and the test images themselves, read on the server from the data directory exactly as the
job split them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from playground.data.images import load_image_dataset, resolve_data_dir

Array = np.ndarray
THRESHOLDS = np.round(np.linspace(0, 0.99, 100), 2)


@dataclass(frozen=True)
class TestSet:
    """The held-out images (uint8, (N, H, W) or (N, H, W, 3)), their labels and class names."""

    images: Array
    labels: Array
    class_names: tuple[str, ...]

    def inputs(self) -> Array:
        """The rows the network takes: float32 in [0, 1], one per image."""
        return (self.images.reshape(len(self.images), -1) / np.float32(255)).astype(np.float32)


def test_set(config: dict) -> TestSet:
    """The test images a job with this configuration was scored on."""
    return _test_set(config["data"], str(resolve_data_dir()), int(config.get("seed", 0)))


@lru_cache(maxsize=4)
def _test_set(data: str, data_dir: str, seed: int) -> TestSet:
    # Test images only, read once per process and never changed: a cache of files, not session state.
    options = {"test_fraction": 0.2, "seed": seed} if data == "digits" else {}
    dataset = load_image_dataset(data, data_dir, **options)
    images = dataset.test_images
    images.setflags(write=False)
    return TestSet(images, dataset.test_labels, tuple(dataset.class_names))


def outputs_in_chunks(network, images: Array, chunk: int = 1000) -> Array:
    """The network's outputs for uint8 test images, a chunk at a time (a CIFAR test set as
    float32 rows would be 123 MB at once)."""
    parts = []
    for start in range(0, len(images), chunk):
        piece = images[start : start + chunk]
        parts.append(network.forward((piece.reshape(len(piece), -1) / np.float32(255)).astype(np.float32)))
    return np.concatenate(parts)


def confusion(labels: Array, outputs: Array, n_classes: int) -> Array:
    """Rows: the true class; columns: the predicted class (counts)."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(labels, outputs.argmax(axis=1), labels=np.arange(n_classes))


def row_normalised(matrix: Array) -> Array:
    """Each row as fractions of that class's test images (0 for a class with none)."""
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)


def per_class_accuracy(matrix: Array) -> Array:
    return np.diag(row_normalised(matrix))


def cell_indices(labels: Array, outputs: Array, true_class: int, predicted: int, limit: int = 40) -> Array:
    """The test images of one confusion-matrix cell, most confident first."""
    chosen = np.flatnonzero((labels == true_class) & (outputs.argmax(axis=1) == predicted))
    confidence = outputs[chosen, predicted]
    return chosen[np.argsort(-confidence, kind="stable")][:limit]


def next_mistake(labels: Array, outputs: Array, after: int) -> int | None:
    """The first wrongly classified test image after ``after`` (wrapping round), or None."""
    wrong = np.flatnonzero(outputs.argmax(axis=1) != labels)
    if len(wrong) == 0:
        return None
    later = wrong[wrong > after]
    return int(later[0] if len(later) else wrong[0])


def confident_mistakes(labels: Array, outputs: Array, count: int = 24) -> Array:
    """The mistakes the network was surest of, surest first."""
    predicted = outputs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    return wrong[np.argsort(-outputs[wrong, predicted[wrong]], kind="stable")][:count]


def top_classes(output: Array, count: int = 3) -> list[tuple[int, float]]:
    """The ``count`` likeliest classes of one output, with their share of the total."""
    shares = np.asarray(output, dtype=np.float64)
    shares = shares / shares.sum() if shares.sum() > 0 else shares
    order = np.argsort(-shares, kind="stable")[:count]
    return [(int(k), float(shares[k])) for k in order]


def threshold_curve(labels: Array, outputs: Array) -> tuple[Array, Array, Array]:
    """For each threshold: the fraction of test images answered (confidence ≥ threshold) and
    the accuracy on those answered; the network says "I don't know" to the rest."""
    confidence = outputs.max(axis=1) / np.maximum(outputs.sum(axis=1), 1e-12)
    right = outputs.argmax(axis=1) == labels
    answered = confidence[None, :] >= THRESHOLDS[:, None]
    counts = answered.sum(axis=1)
    accuracy = np.divide((answered & right).sum(axis=1), counts, out=np.full(len(THRESHOLDS), np.nan), where=counts > 0)
    return THRESHOLDS, counts / len(labels), accuracy


def threshold_summary(labels: Array, outputs: Array, threshold: float) -> str:
    """What a confidence threshold does, in a sentence."""
    confidence = outputs.max(axis=1) / np.maximum(outputs.sum(axis=1), 1e-12)
    answered = confidence >= threshold
    right = (outputs.argmax(axis=1) == labels) & answered
    if not answered.any():
        return f'at {threshold:.0%} the network says "I don\'t know" to every test image'
    return (
        f"at {threshold:.0%} confidence the network answers {answered.mean():.1%} of the test images "
        f"({answered.sum():,} of {len(labels):,}) and {right.sum() / answered.sum():.2%} of those answers are "
        f'right; to the other {(~answered).sum():,} it says "I don\'t know"'
    )
