"""TensorFlow Playground's data sets (playground.data.tensorflow_sets): shapes, ranges, and the
rule each one's labels follow, as its src/dataset.ts defines them."""

import numpy as np
import pytest

from playground.data.tensorflow_sets import (
    GAUSSIANS,
    TENSORFLOW_SETS,
    classify_circle,
    classify_spiral,
    classify_two_gauss,
    classify_xor,
    default_samples,
    regress_gaussian,
    regress_plane,
)


@pytest.mark.parametrize("name", list(TENSORFLOW_SETS))
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_shapes_types_and_ranges(name, noise):
    generate, task = TENSORFLOW_SETS[name]
    points, labels = generate(default_samples(name), noise, 3)
    n = 1200 if task == "regression" else 500
    assert points.shape == (n, 2) and points.dtype == np.float32 and labels.shape == (n,)
    assert np.all(np.isfinite(points))
    if task == "classification":
        assert labels.dtype == np.int64 and set(np.unique(labels)) == {0, 1}
    else:
        # the plane's scale is not clamped: with noise its nudged points reach (6 + 6·noise)·2 / 10
        bound = (12 + 12 * noise) / 10 if name == "plane" else 1
        assert labels.dtype == np.float32 and np.abs(labels).max() <= bound
        assert np.abs(labels).max() > 0.8 * min(bound, 1)
    again = generate(default_samples(name), noise, 3)
    np.testing.assert_array_equal(points, again[0])  # a seed gives the same points
    if noise or name != "tf-spiral":  # without noise the spiral is the same for every seed
        assert not np.array_equal(points, generate(default_samples(name), noise, 4)[0])


def test_odd_counts_follow_its_loops():
    """Its loops run i < n/2 for each half: 5 points become 3 + 3."""
    for generate in (classify_circle, classify_two_gauss, classify_spiral):
        assert len(generate(5, 0.0, 0)[0]) == 6
    assert len(classify_xor(5, 0.0, 0)[0]) == 5


def test_circle_class_is_the_radius():
    points, labels = classify_circle(500, 0.0, 0)
    radius = np.hypot(points[:, 0], points[:, 1])
    np.testing.assert_array_equal(labels, (radius < 2.5).astype(int))
    assert radius.max() <= 5 and np.all((radius < 2.5) | (radius >= 3.5))  # the gap between the two
    assert labels.sum() == 250
    _, noisy = classify_circle(500, 0.5, 0)
    assert 0 < np.mean(noisy != labels)  # with noise some labels come from the nudged point


def test_xor_class_is_the_sign_of_the_product():
    points, labels = classify_xor(500, 0.0, 1)
    np.testing.assert_array_equal(labels, (points[:, 0] * points[:, 1] >= 0).astype(int))
    assert np.all(np.abs(points) >= 0.3) and np.all(np.abs(points) <= 5.3)  # its padding off the axes


def test_two_gaussians_sit_at_plus_and_minus_two():
    points, labels = classify_two_gauss(2000, 0.0, 2)
    np.testing.assert_allclose(points[labels == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(points[labels == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert points[labels == 1].var(axis=0) == pytest.approx([0.5, 0.5], rel=0.15)
    wide, _ = classify_two_gauss(2000, 0.5, 2)  # noise 0.5: variance 4
    assert wide[:1000].var(axis=0) == pytest.approx([4, 4], rel=0.15)


def test_spiral_arms_reach_radius_five_half_a_turn_apart():
    points, labels = classify_spiral(500, 0.0, 0)
    radius = np.hypot(points[:, 0], points[:, 1])
    assert radius.max() == pytest.approx(5 * 249 / 250, rel=1e-6)
    np.testing.assert_allclose(points[labels == 0], -points[labels == 1], atol=1e-5)  # the arm rotated by π


def test_plane_target_is_a_linear_function_of_x1_and_x2():
    points, targets = regress_plane(1200, 0.0, 0)
    design = np.column_stack([points, np.ones(len(points))]).astype(np.float64)
    coefficients, residual, *_ = np.linalg.lstsq(design, targets.astype(np.float64), rcond=None)
    np.testing.assert_allclose(coefficients, [0.1, 0.1, 0.0], atol=1e-6)
    assert np.abs(points).max() <= 6


def test_gaussians_target_is_the_strongest_signed_bump():
    points, targets = regress_gaussian(1200, 0.0, 0)
    for (x, y), target in zip(points[:50].astype(np.float64), targets[:50]):
        bumps = [sign * min(max(1 - np.hypot(x - cx, y - cy) / 2, 0), 1) for cx, cy, sign in GAUSSIANS]
        expected = max(bumps, key=abs) if any(bumps) else 0.0
        assert target == pytest.approx(expected, abs=1e-6)
    assert np.all(targets >= -1) and np.all(targets <= 1) and np.any(targets > 0.5) and np.any(targets < -0.5)
