"""Two-input toy problems: the fruit, moons, circles, XOR, spiral and blobs.

Every generator takes ``n_samples``, ``noise`` and ``seed`` and returns the inputs
X (n_samples, 2) as float32 and integer labels y. ``make_dataset`` adds the
train/test split. scikit-learn's generators are used where they exist.

The fruit (from the seed video): each fruit has two measurable features, the
size of its spots and the length of its spikes, both in [0, 1], and is safe (0)
or poisonous (1). Its ``noise`` is the probability that a label is flipped.

- linear fruit: poisonous when  spike_length > 0.8 − 0.6 · spot_size
  (a straight line; exactly half of the square lies above it)
- curved fruit: poisonous when  spike_length > 0.3 + 0.45 · (2 · spot_size − 1)²
  (a parabola, lowest in the middle: about 55 % poisonous; no straight line separates it)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

Array = np.ndarray

FRUIT_LINEAR_BOUNDARY = "spike length > 0.8 − 0.6 · spot size"
FRUIT_CURVED_BOUNDARY = "spike length > 0.3 + 0.45 · (2 · spot size − 1)²"


@dataclass
class Dataset:
    """Inputs and integer labels, split into training and held-out test data."""

    name: str
    train_inputs: Array
    train_labels: Array
    test_inputs: Array
    test_labels: Array
    class_names: list[str]
    feature_names: list[str] = field(default_factory=lambda: ["x1", "x2"])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def inputs(self) -> Array:
        """All inputs, training then test."""
        return np.concatenate([self.train_inputs, self.test_inputs])

    @property
    def labels(self) -> Array:
        """All labels, training then test."""
        return np.concatenate([self.train_labels, self.test_labels])


def _flip_labels(labels: Array, probability: float, n_classes: int, rng: np.random.Generator) -> Array:
    """Replace each label, with the given probability, by a different class."""
    flip = rng.random(len(labels)) < probability
    shift = rng.integers(1, n_classes, size=len(labels))
    return np.where(flip, (labels + shift) % n_classes, labels)


def make_fruit(n_samples: int = 200, noise: float = 0.0, seed: int = 0, curved: bool = False) -> tuple[Array, Array]:
    """The fruit: spot size and spike length in [0, 1]; label 1 = poisonous."""
    rng = np.random.default_rng(seed)
    inputs = rng.random((n_samples, 2))
    spot_size, spike_length = inputs[:, 0], inputs[:, 1]
    if curved:
        poisonous = spike_length > 0.3 + 0.45 * (2 * spot_size - 1) ** 2
    else:
        poisonous = spike_length > 0.8 - 0.6 * spot_size
    labels = _flip_labels(poisonous.astype(np.int64), noise, 2, rng)
    return inputs.astype(np.float32), labels


def make_xor(n_samples: int = 200, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """TensorFlow Playground's XOR: points in four quadrants of [−1, 1]², class = sign of x1·x2.

    Points keep a small gap from the axes; ``noise`` moves each point by up to
    ``noise`` (uniformly) after its label is set, so noisy points cross over.
    """
    rng = np.random.default_rng(seed)
    padding = 0.06
    inputs = rng.uniform(-1, 1, (n_samples, 2))
    inputs += np.where(inputs > 0, padding, -padding)
    labels = (inputs[:, 0] * inputs[:, 1] < 0).astype(np.int64)
    inputs += rng.uniform(-1, 1, inputs.shape) * noise
    return inputs.astype(np.float32), labels


def make_spiral(n_samples: int = 200, noise: float = 0.0, seed: int = 0, n_arms: int = 2) -> tuple[Array, Array]:
    """Interleaved spiral arms (two by default, three as an option), as in TensorFlow Playground."""
    if n_arms not in (2, 3):
        raise ValueError("a spiral has 2 or 3 arms")
    rng = np.random.default_rng(seed)
    labels = np.arange(n_samples) % n_arms
    fraction = rng.random(n_samples)  # how far along its arm each point lies
    radius = fraction
    angle = 1.75 * 2 * np.pi * fraction + 2 * np.pi * labels / n_arms
    inputs = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    inputs += rng.normal(0, noise, inputs.shape) if noise else 0
    return inputs.astype(np.float32), labels.astype(np.int64)


def make_toy(
    name: str, n_samples: int = 200, noise: float | None = None, seed: int = 0, **options: Any
) -> tuple[Array, Array]:
    """Inputs and labels of a toy problem by name; ``noise=None`` uses its default."""
    if name not in TOY_DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(TOY_DATASETS)}")
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"n_samples must be a whole number ≥ 2, got {n_samples!r}")
    noise = DEFAULT_NOISE[name] if noise is None else float(noise)
    if not noise >= 0:
        raise ValueError(f"noise must be ≥ 0, got {noise}")
    if name in ("fruit", "fruit-curved"):
        if noise > 1:
            raise ValueError("the fruit's noise is a probability: 0…1")
        return make_fruit(n_samples, noise, seed, curved=name == "fruit-curved")
    # scikit-learn takes a second to import: only when one of its generators is asked for.
    from sklearn.datasets import make_blobs, make_circles, make_moons

    if name == "moons":
        inputs, labels = make_moons(n_samples, noise=noise, random_state=seed)
    elif name == "circles":
        inputs, labels = make_circles(n_samples, noise=noise, factor=0.5, random_state=seed)
    elif name == "blobs":
        n_classes = options.get("n_classes", 3)
        inputs, labels = make_blobs(n_samples, centers=n_classes, cluster_std=noise, random_state=seed)
    elif name == "xor":
        return make_xor(n_samples, noise, seed)
    else:
        return make_spiral(n_samples, noise, seed, options.get("n_arms", 2))
    return inputs.astype(np.float32), labels.astype(np.int64)


def split(
    name: str,
    inputs: Array,
    labels: Array,
    test_fraction: float = 0.2,
    seed: int = 0,
    class_names: list[str] | None = None,
    feature_names: list[str] | None = None,
) -> Dataset:
    """Split inputs and labels into a ``Dataset``, keeping class proportions (stratified)."""
    if not 0 <= test_fraction < 1:
        raise ValueError(f"test fraction must be in [0, 1), got {test_fraction}")
    n_classes = int(labels.max()) + 1 if len(labels) else 0
    class_names = class_names or [str(k) for k in range(n_classes)]
    n_test = int(round(len(labels) * test_fraction))
    if n_test == 0:
        empty = inputs[:0]
        return Dataset(name, inputs, labels, empty, labels[:0], class_names, feature_names or ["x1", "x2"])
    from sklearn.model_selection import train_test_split  # (imported when first needed, as above)

    counts = np.bincount(labels)
    stratify = labels if counts[counts > 0].min() >= 2 and n_test >= len(counts[counts > 0]) else None
    train_inputs, test_inputs, train_labels, test_labels = train_test_split(
        inputs, labels, test_size=n_test, random_state=seed, stratify=stratify
    )
    return Dataset(
        name, train_inputs, train_labels, test_inputs, test_labels, class_names, feature_names or ["x1", "x2"]
    )


def make_dataset(
    name: str,
    n_samples: int = 200,
    noise: float | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    **options: Any,
) -> Dataset:
    """A toy problem split into train and test data, e.g. ``make_dataset("fruit-curved")``."""
    if name == "digits":
        return load_digits_dataset(test_fraction, seed)
    inputs, labels = make_toy(name, n_samples, noise, seed, **options)
    is_fruit = name.startswith("fruit")
    class_names = ["safe", "poisonous"] if is_fruit else None
    feature_names = ["spot size", "spike length"] if is_fruit else None
    return split(name, inputs, labels, test_fraction, seed, class_names, feature_names)


def load_digits_dataset(test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """scikit-learn's bundled 8×8 digits (1,797 images, no download) as rows of 64 pixels in [0, 1].

    The same images and split as the image loader's ``load_sklearn_digits``.
    """
    from playground.data.images import load_sklearn_digits

    digits = load_sklearn_digits(test_fraction, seed)
    return Dataset(
        "digits",
        digits.train_inputs(),
        digits.train_labels,
        digits.test_inputs(),
        digits.test_labels,
        list(digits.class_names),
        [f"pixel {i}" for i in range(digits.n_inputs)],
    )


TOY_DATASETS = ["fruit", "fruit-curved", "moons", "circles", "xor", "spiral", "blobs"]
DEFAULT_NOISE = {
    "fruit": 0.0,  # probability of a flipped label
    "fruit-curved": 0.0,
    "moons": 0.1,  # std of Gaussian noise (scikit-learn)
    "circles": 0.05,
    "xor": 0.0,  # uniform shift, in units of the [−1, 1] square
    "spiral": 0.0,  # std of Gaussian noise
    "blobs": 1.0,  # std of each cluster (scikit-learn's cluster_std)
}
