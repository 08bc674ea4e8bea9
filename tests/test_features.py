"""Feature inputs (playground.data.features): TensorFlow Playground's seven, by name."""

import numpy as np
import pytest

from playground.data.features import FEATURES, feature_matrix, parse_features


def test_the_seven_features_against_a_direct_computation():
    points = np.random.default_rng(0).uniform(-6, 6, (50, 2)).astype(np.float32)
    x, y = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    expected = np.column_stack([x, y, x * x, y * y, x * y, np.sin(x), np.sin(y)]).astype(np.float32)
    matrix = feature_matrix(points, FEATURES)
    assert matrix.shape == (50, 7) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix, expected)


def test_any_subset_in_the_order_named():
    points = np.array([[2.0, -3.0], [0.5, 4.0]])
    np.testing.assert_array_equal(feature_matrix(points, ["x1*x2", "x1"]), [[-6.0, 2.0], [2.0, 0.5]])
    np.testing.assert_array_equal(feature_matrix(points, ("x2^2",)), [[9.0], [16.0]])
    assert parse_features(" x1, x2 ,sin(x1)") == ("x1", "x2", "sin(x1)")


@pytest.mark.parametrize(
    "names, message",
    [
        (["x1", "x3"], "unknown feature 'x3'; choose from: x1, x2, x1\\^2"),
        (["x1", "x1"], "chosen twice"),
        ([], "at least one"),
    ],
)
def test_bad_names_are_refused_clearly(names, message):
    with pytest.raises(ValueError, match=message):
        feature_matrix(np.zeros((3, 2)), names)


def test_points_must_be_pairs():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        feature_matrix(np.zeros((3, 3)), ["x1"])
