"""L1 on the landscape (issue 25, F26): the two-parameter surface, the general plane and the
descent's slope carry λ₁·Σ|w| as the playground's cost does, checked point by point by hand."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import Network
from playground.engine.landscape import cost_surface, random_directions, two_parameter_gradient
from playground.engine.plane import plane_l1

L1, L2 = 0.02, 0.01


def network_and_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    network = Network([2, 5, 2], activation="tanh", output_activation="softmax", seed=seed, dtype=np.float64)
    inputs = rng.normal(0, 1, (60, 2))
    labels = rng.integers(0, 2, 60)
    return network, inputs, labels


def cost_by_hand(network: Network, inputs, labels, settings: dict) -> float:
    twin = network.copy()
    for (kind, layer, *index), value in settings.items():
        array = twin.weights[layer - 1] if kind == "W" else twin.biases[layer - 1]
        array[tuple(index)] = value
    return twin.cost(inputs, labels) + twin.l2_cost(L2) + twin.l1_cost(L1)


@pytest.mark.parametrize("first,second", [(("W", 1, 0, 2), ("b", 1, 3)), (("W", 2, 4, 1), ("W", 1, 1, 0))])
def test_a_surface_point_carries_the_l1_term_of_its_weights(first, second):
    network, inputs, labels = network_and_data()
    xs, ys = np.linspace(-2, 2, 5), np.linspace(-1.5, 1.5, 4)  # through zero: |w| turns there
    surface = cost_surface(network, inputs, labels, first, second, xs, ys, l2=L2, l1=L1)
    for row, y in enumerate(ys):
        for column, x in enumerate(xs):
            expected = cost_by_hand(network, inputs, labels, {first: x, second: y})
            assert surface[row, column] == pytest.approx(expected, rel=1e-10)


def test_the_general_planes_l1_term_is_the_sum_at_each_point():
    network, _, _ = network_and_data(1)
    d1, d2 = random_directions(network, seed=3)
    coefficients = np.array([[0.0, 0.0], [0.5, -0.25], [-1.0, 2.0]])
    found = plane_l1(network, d1, d2, coefficients, L1)
    for (a, b), value in zip(coefficients, found):
        moved = [W + a * D1 + b * D2 for W, D1, D2 in zip(network.weights, d1[0::2], d2[0::2])]
        assert value == pytest.approx(L1 * sum(np.abs(W).sum() for W in moved), rel=1e-12)
    assert not plane_l1(network, d1, d2, coefficients, 0.0).any()


def test_the_descents_slope_carries_l1_as_central_differences_say():
    network, inputs, labels = network_and_data(2)
    addresses = (("W", 1, 0, 1), ("W", 2, 3, 0))
    cost, slope = two_parameter_gradient(network, inputs, labels, addresses, l2=L2, l1=L1)
    assert cost == pytest.approx(cost_by_hand(network, inputs, labels, {}), rel=1e-12)
    h = 1e-6
    for address, found in zip(addresses, slope):
        value = network.weights[address[1] - 1][address[2:]]
        assert abs(value) > 10 * h  # away from |w|'s corner
        ahead = cost_by_hand(network, inputs, labels, {address: value + h})
        behind = cost_by_hand(network, inputs, labels, {address: value - h})
        assert found == pytest.approx((ahead - behind) / (2 * h), rel=1e-5)
