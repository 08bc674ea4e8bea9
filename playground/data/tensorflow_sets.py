"""TensorFlow Playground's six data sets, ported from its ``src/dataset.ts``
(github.com/tensorflow/playground, commit 02469bd, Apache License 2.0).

Every generator takes ``(num_samples, noise, seed)`` and returns ``(points, labels)``: points an
(n, 2) float32 array of (x1, x2), in its own units (about −6…6). ``noise`` is its slider's value
divided by 100, as its page passes it (0 to 0.5; its default is 0). Its ``Math.random`` is
NumPy's generator of ``seed`` here, so the points are drawn the same way, not the same points.

- Classification (circle, XOR, two Gaussians, spiral): its labels are −1 and 1; here they are
  the classes 0 (its −1) and 1 (its 1), int64, so ``np.where(labels == 1, 1, -1)`` gives its own.
- Regression (plane, multi-Gaussian): real targets, float32 (n,), scaled as it scales them: the
  plane's (x1 + x2)/10, in −1.2…1.2 without noise (its scale is not clamped: with noise 0.5 up to
  ±1.8), the multi-Gaussian's signed bump 1 − distance/2 of the nearest of six centres (clamped
  to 0…1), in −1…1.

Where it adds noise to a point's coordinates only to choose its label (circle, XOR, plane,
multi-Gaussian), so does this port: the point is drawn where it was, its label comes from the
nudged point. Its page makes 500 points for classification and 1,200 for regression
(``NUM_SAMPLES_CLASSIFY``, ``NUM_SAMPLES_REGRESS`` in ``src/playground.ts``) and trains on 50 %.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray
Generator = Callable[[int, float, int], tuple[Array, Array]]

SAMPLES_CLASSIFY = 500
SAMPLES_REGRESS = 1200
TRAIN_FRACTION = 0.5  # its 'ratio of training data' default, 50 %
# The six centres of regressGaussian and the sign of each one's bump.
GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def _half(num_samples: int) -> int:
    """How many times its ``for (i = 0; i < numSamples / 2; i++)`` runs: ⌈n / 2⌉."""
    return -(-num_samples // 2)


def _classes(labels: Array) -> Array:
    """Its −1/1 labels as classes 0/1."""
    return (labels > 0).astype(np.int64)


def _on_a_circle(rng: np.random.Generator, count: int, r_min: float, r_max: float) -> Array:
    r = rng.uniform(r_min, r_max, count)
    angle = rng.uniform(0, 2 * np.pi, count)
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])  # its x = r·sin, y = r·cos


def classify_circle(num_samples: int = SAMPLES_CLASSIFY, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """``classifyCircleData``: half the points within radius 2.5, half in the ring 3.5…5; class 1
    where the (noise-nudged) point lies within 2.5 of the centre."""
    rng = np.random.default_rng(seed)
    radius = 5.0
    count = _half(num_samples)
    points = np.concatenate([_on_a_circle(rng, count, 0, radius * 0.5), _on_a_circle(rng, count, radius * 0.7, radius)])
    nudged = points + rng.uniform(-radius, radius, points.shape) * noise
    inside = np.hypot(nudged[:, 0], nudged[:, 1]) < radius * 0.5
    return points.astype(np.float32), _classes(np.where(inside, 1, -1))


def classify_xor(num_samples: int = SAMPLES_CLASSIFY, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """``classifyXORData``: x1, x2 uniform in −5…5, each pushed 0.3 away from its axis; class 1
    where x1·x2 ≥ 0 (of the noise-nudged point)."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(-5, 5, (num_samples, 2))
    points += np.where(points > 0, 0.3, -0.3)  # its padding
    nudged = points + rng.uniform(-5, 5, points.shape) * noise
    return points.astype(np.float32), _classes(np.where(nudged[:, 0] * nudged[:, 1] >= 0, 1, -1))


def classify_two_gauss(num_samples: int = SAMPLES_CLASSIFY, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """``classifyTwoGaussData``: class 1 around (2, 2), class 0 around (−2, −2), each coordinate
    normal with variance 0.5 + 7·noise (its d3 scale from noise 0…0.5 to variance 0.5…4)."""
    rng = np.random.default_rng(seed)
    variance = 0.5 + (4 - 0.5) * noise / 0.5
    count = _half(num_samples)
    points = np.concatenate(
        [rng.normal(2, np.sqrt(variance), (count, 2)), rng.normal(-2, np.sqrt(variance), (count, 2))]
    )
    return points.astype(np.float32), _classes(np.repeat([1, -1], count))


def classify_spiral(num_samples: int = SAMPLES_CLASSIFY, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """``classifySpiralData``: two arms of 1.75 turns out to radius 5, class 1 from angle 0 and
    class 0 from angle π, each point moved by up to ±noise in x1 and x2."""
    rng = np.random.default_rng(seed)
    n = num_samples / 2
    i = np.arange(_half(num_samples))
    r = i / n * 5
    arms = []
    for delta in (0.0, np.pi):
        t = 1.75 * i / n * 2 * np.pi + delta
        arm = np.column_stack([r * np.sin(t), r * np.cos(t)])
        arms.append(arm + rng.uniform(-1, 1, arm.shape) * noise)
    return np.concatenate(arms).astype(np.float32), _classes(np.repeat([1, -1], len(i)))


def regress_plane(num_samples: int = SAMPLES_REGRESS, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """``regressPlane``: x1, x2 uniform in −6…6, target (x1 + x2)/10 of the noise-nudged point
    (its d3 scale from −10…10 to −1…1)."""
    rng = np.random.default_rng(seed)
    radius = 6.0
    points = rng.uniform(-radius, radius, (num_samples, 2))
    nudged = points + rng.uniform(-radius, radius, points.shape) * noise
    return points.astype(np.float32), (nudged.sum(axis=1) / 10).astype(np.float32)


def regress_gaussian(num_samples: int = SAMPLES_REGRESS, noise: float = 0.0, seed: int = 0) -> tuple[Array, Array]:
    """``regressGaussian`` (its "multi Gaussian"): x1, x2 uniform in −6…6; six bumps 1 − d/2
    (clamped to 0…1, d the distance to a centre), signed + or − by centre; the target is the
    signed bump largest in size (the first of equals, 0 far from all) at the noise-nudged point."""
    rng = np.random.default_rng(seed)
    radius = 6.0
    points = rng.uniform(-radius, radius, (num_samples, 2))
    nudged = points + rng.uniform(-radius, radius, points.shape) * noise
    distances = np.hypot(nudged[:, None, 0] - GAUSSIANS[:, 0], nudged[:, None, 1] - GAUSSIANS[:, 1])
    bumps = GAUSSIANS[:, 2] * np.clip(1 - distances / 2, 0, 1)  # (n, 6)
    strongest = np.abs(bumps).argmax(axis=1)  # its strict '>' keeps the first of equals, as argmax does
    targets = bumps[np.arange(num_samples), strongest] + 0.0  # + 0.0: no −0 far from every centre
    return points.astype(np.float32), targets.astype(np.float32)


# Each set by the name the command line gives it, with its task. The classification sets carry
# a 'tf-' because the project's own toy sets already have an 'xor' and a 'spiral'.
TENSORFLOW_SETS: dict[str, tuple[Generator, str]] = {
    "tf-circle": (classify_circle, "classification"),
    "tf-xor": (classify_xor, "classification"),
    "tf-gauss": (classify_two_gauss, "classification"),
    "tf-spiral": (classify_spiral, "classification"),
    "plane": (regress_plane, "regression"),
    "gaussians": (regress_gaussian, "regression"),
}


def default_samples(name: str) -> int:
    """How many points its page makes for this set: 500 to classify, 1,200 to regress."""
    return SAMPLES_REGRESS if TENSORFLOW_SETS[name][1] == "regression" else SAMPLES_CLASSIFY
