"""Preparing image data for training: a validation split, per-channel standardisation (folded
into the first layer afterwards, so a saved network takes raw pixels) and random mirroring."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.engine import Network

Array = np.ndarray


def validation_split(inputs: Array, labels: Array, held_out: int) -> tuple[Array, Array, Array, Array]:
    """(train inputs, train labels, validation inputs, validation labels): the last ``held_out``
    rows of a fixed shuffle become the validation set, so settings can be chosen without
    looking at the test images. The shuffle does not depend on the run's seed, so every
    candidate setting is judged on the same images."""
    if not 0 < held_out < len(labels):
        raise ValueError(
            f"--validation {held_out}: hold out between 1 and {len(labels) - 1:,} of the "
            f"{len(labels):,} training images"
        )
    order = np.random.default_rng(20_240_601).permutation(len(labels))
    keep, held = np.sort(order[:-held_out]), np.sort(order[-held_out:])
    return inputs[keep], labels[keep], inputs[held], labels[held]


@dataclass
class Standardization:
    """Per-channel standardisation x → (x − mean) / std, and how to fold it into a first layer."""

    mean: np.ndarray  # one value per channel
    std: np.ndarray

    @classmethod
    def fit(cls, inputs: np.ndarray, channels: int) -> Standardization:
        """Mean and std of each channel over all training pixels (channels last in each row)."""
        pixels = inputs.reshape(-1, channels)
        mean = pixels.mean(axis=0, dtype=np.float64)
        std = pixels.std(axis=0, dtype=np.float64)
        return cls(mean, np.where(std > 0, std, 1.0))

    def apply(self, inputs: np.ndarray) -> np.ndarray:
        """Standardised copy of flat rows (N, pixels × channels), in the rows' dtype."""
        channels = len(self.mean)
        shaped = inputs.reshape(len(inputs), -1, channels)
        scale = (1 / self.std).astype(inputs.dtype)
        return ((shaped - self.mean.astype(inputs.dtype)) * scale).reshape(inputs.shape)

    def fold_into(self, network: Network) -> None:
        """Change the first layer so that the network takes raw inputs.

        z = ((x − m) / s)·W + b = x·(W / s) + (b − (m / s)·W), one m and s per channel.
        """
        n_inputs = network.layer_sizes[0]
        repeats = n_inputs // len(self.mean)
        mean = np.tile(self.mean, repeats)
        std = np.tile(self.std, repeats)
        W = network.weights[0].astype(np.float64)
        network.biases[0][:] = network.biases[0] - (mean / std) @ W
        network.weights[0][:] = W / std[:, None]


Augment = Callable[[Array, np.random.Generator], Array]  # a batch augmentation


def with_flip(augment: Augment | None, image_shape: tuple[int, ...]) -> Augment:
    """A batch augmentation that, after ``augment`` (if any), mirrors a random half of the images left-right."""

    def batch(inputs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        changed = augment(inputs, rng) if augment is not None else inputs.copy()
        images = changed.reshape(len(changed), *image_shape)  # a view: changing it changes the rows
        mirrored = rng.random(len(images)) < 0.5
        images[mirrored] = images[mirrored, :, ::-1]
        return changed

    return batch
