"""Figure builders, tested on their data: the pictures must say what the network computes."""

import numpy as np

from playground.app.pages.playground.figures import class_map, output_confidence, plane_range
from playground.engine import Network


def hand_set_network():
    """A 2-2 network whose boundary is the line x2 = x1: class 1 above it."""
    network = Network([2, 2], output_activation="softmax", dtype=np.float64)
    network.weights[0][:] = [[4.0, -4.0], [-4.0, 4.0]]
    network.biases[0][:] = 0
    return network


def test_class_map_equals_a_direct_computation():
    network = hand_set_network()
    grid = class_map(network, (0.0, 1.0), (0.0, 2.0), resolution=50)
    assert grid.predicted.shape == (50, 50)
    np.testing.assert_allclose(grid.xs, (np.arange(50) + 0.5) / 50)
    np.testing.assert_allclose(grid.ys, 2 * (np.arange(50) + 0.5) / 50)
    expected = (grid.ys[:, None] > grid.xs[None, :]).astype(int)  # rows are x2, columns x1
    np.testing.assert_array_equal(grid.predicted, expected)
    # Confidence: softmax(4d, -4d) margin, largest far from the line.
    d = np.abs(grid.ys[:, None] - grid.xs[None, :])
    np.testing.assert_allclose(grid.confidence, np.tanh(4 * d), rtol=1e-9)


def test_output_confidence_scales_tanh_outputs():
    outputs = np.array([[0.9, -0.9], [0.2, 0.1]])
    np.testing.assert_allclose(output_confidence(outputs, "tanh"), [0.9, 0.05])
    np.testing.assert_allclose(output_confidence(outputs, "sigmoid"), [1.0, 0.1])


def test_plane_range_adds_a_ten_percent_margin():
    inputs = np.array([[0.0, -1.0], [1.0, 3.0]])
    (x0, x1), (y0, y1) = plane_range(inputs)
    assert (x0, x1) == (-0.1, 1.1) and (y0, y1) == (-1.4, 3.4)
