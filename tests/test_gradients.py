"""Backpropagation against central finite differences, for every valid activation/cost pair."""

import numpy as np
import pytest

from playground.engine import Network
from playground.engine.activations import HIDDEN_ACTIVATIONS

LEARNABLE = [name for name in HIDDEN_ACTIVATIONS if name != "step"]
OUTPUT_PAIRS = [(output, cost) for output in ("softmax", "sigmoid") for cost in ("quadratic", "cross_entropy")]
OUTPUT_PAIRS += [("linear", "quadratic"), ("tanh", "quadratic")]


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-12))


def random_network(activation, output, cost, seed=0):
    rng = np.random.default_rng(seed)
    network = Network(
        [3, 5, 4, 4], activation=activation, output_activation=output, cost=cost, seed=seed, dtype=np.float64
    )
    for b in network.biases:  # random biases too, not just the zeros of initialisation
        b[:] = rng.normal(0, 0.5, b.shape)
    inputs = rng.normal(0, 1, (7, 3))
    labels = rng.integers(0, 4, 7)
    return network, inputs, labels


@pytest.mark.parametrize("activation", LEARNABLE)
@pytest.mark.parametrize("output,cost", OUTPUT_PAIRS)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backpropagation_matches_central_differences(activation, output, cost, l2):
    network, inputs, labels = random_network(activation, output, cost)
    backprop = network.gradients(inputs, labels, l2=l2)
    numeric = network.finite_difference_gradients(inputs, labels, h=1e-5, method="central", l2=l2)
    assert len(backprop) == len(numeric) == len(network.parameters())  # W1, b1, W2, b2, …
    for k, (gradient, estimate, parameter) in enumerate(zip(backprop, numeric, network.parameters())):
        what = f"{'weights' if k % 2 == 0 else 'biases'} of layer {k // 2 + 1}"
        assert gradient.shape == parameter.shape, what
        assert relative_error(gradient, estimate) < 1e-6, what


def test_forward_differences_are_close_but_coarser():
    network, inputs, labels = random_network("tanh", "softmax", "cross_entropy")
    backprop = network.gradients(inputs, labels)
    forward = network.finite_difference_gradients(inputs, labels, h=1e-5, method="forward")
    errors = [relative_error(dW, fW) for dW, fW in zip(backprop[::2], forward[::2])]  # the weights
    assert max(errors) < 1e-3


def test_gradients_without_hidden_layer_and_deep_network():
    for sizes in ([2, 2], [4, 6, 5, 3, 3]):
        network = Network(
            sizes, activation="elu", output_activation="softmax", cost="cross_entropy", dtype=np.float64, seed=3
        )
        rng = np.random.default_rng(4)
        inputs, labels = rng.normal(size=(6, sizes[0])), rng.integers(0, sizes[-1], 6)
        for gradient, estimate in zip(
            network.gradients(inputs, labels),
            network.finite_difference_gradients(inputs, labels, h=1e-5, method="central"),
        ):
            assert relative_error(gradient, estimate) < 1e-6


def test_step_has_zero_slope_so_hidden_gradients_vanish():
    network = Network([2, 3, 2], activation="step", dtype=np.float64)
    rng = np.random.default_rng(0)
    gradients = network.gradients(rng.normal(size=(5, 2)), rng.integers(0, 2, 5))
    assert np.all(gradients[0] == 0) and np.all(gradients[1] == 0)  # W1 and b1


@pytest.mark.parametrize("output,cost", [("linear", "cross_entropy"), ("tanh", "cross_entropy")])
def test_cross_entropy_needs_probabilities(output, cost):
    with pytest.raises(ValueError, match="cannot be used with a"):
        Network([2, 3, 2], output_activation=output, cost=cost)


def test_softmax_only_as_output_and_step_not_as_output():
    with pytest.raises(ValueError, match="can only be an output activation"):
        Network([2, 3, 2], activation="softmax")
    with pytest.raises(ValueError, match="cannot be an output activation"):
        Network([2, 3, 2], output_activation="relu")
    with pytest.raises(ValueError, match="unknown activation"):
        Network([2, 3, 2], activation="wiggle")
    with pytest.raises(ValueError, match="unknown cost"):
        Network([2, 3, 2], cost="hinge")


def test_costs_follow_the_spec_definitions():
    network = Network([2, 2], output_activation="sigmoid", cost="quadratic", dtype=np.float64)
    network.weights[0][:] = [[1.0, -1.0], [0.5, 2.0]]
    network.biases[0][:] = [0.1, -0.2]
    inputs = np.array([[0.3, 0.7], [1.0, -1.0], [0.0, 0.5]])
    labels = np.array([0, 1, 1])
    outputs = 1 / (1 + np.exp(-(inputs @ network.weights[0] + network.biases[0])))
    targets = np.eye(2)[labels]
    assert network.cost(inputs, labels) == pytest.approx(np.mean(np.sum((outputs - targets) ** 2, axis=1)))

    binary = Network([2, 2], output_activation="sigmoid", cost="cross_entropy", dtype=np.float64)
    binary.weights[0][:], binary.biases[0][:] = network.weights[0], network.biases[0]
    expected = -np.mean(np.sum(targets * np.log(outputs) + (1 - targets) * np.log(1 - outputs), axis=1))
    assert binary.cost(inputs, labels) == pytest.approx(expected)

    categorical = Network([2, 2], output_activation="softmax", cost="cross_entropy", dtype=np.float64)
    categorical.weights[0][:], categorical.biases[0][:] = network.weights[0], network.biases[0]
    z = inputs @ network.weights[0] + network.biases[0]
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert categorical.cost(inputs, labels) == pytest.approx(-np.mean(np.log(softmax[np.arange(3), labels])))


def test_forward_reads_like_the_maths():
    network = Network(
        [3, 4, 2], activation="relu", output_activation="linear", cost="quadratic", dtype=np.float64, seed=5
    )
    x = np.random.default_rng(1).normal(size=(10, 3))
    hidden = np.maximum(x @ network.weights[0] + network.biases[0], 0)
    np.testing.assert_allclose(network.forward(x), hidden @ network.weights[1] + network.biases[1])
    assert network.predict(x).shape == (10,)
    assert network.forward(x).dtype == np.float64
    assert Network([3, 2]).forward(x).dtype == np.float32


# ---------------------------------------------------------------- regression and L1


def regression_network(activation, output, seed=0):
    """A 3-5-4-2 regression network with random biases and real targets its output can reach."""
    rng = np.random.default_rng(seed)
    network = Network(
        [3, 5, 4, 2],
        activation,
        output_activation=output,
        cost="quadratic",
        seed=seed,
        dtype=np.float64,
        task="regression",
    )
    for b in network.biases:
        b[:] = rng.normal(0, 0.5, b.shape)
    inputs = rng.normal(0, 1, (7, 3))
    low, high = {"linear": (-3, 3), "tanh": (-0.9, 0.9), "sigmoid": (0.1, 0.9)}[output]
    return network, inputs, rng.uniform(low, high, (7, 2))


@pytest.mark.parametrize("activation", LEARNABLE)
@pytest.mark.parametrize("output", ["linear", "tanh", "sigmoid"])
@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.2, 0.3)])
def test_regression_backpropagation_matches_central_differences(activation, output, l1, l2):
    """Real (n, 2) targets and the quadratic cost: backprop against central differences, with and
    without the L1 and L2 terms."""
    network, inputs, targets = regression_network(activation, output)
    backprop = network.gradients(inputs, targets, l2=l2, l1=l1)
    numeric = network.finite_difference_gradients(inputs, targets, h=1e-5, method="central", l2=l2, l1=l1)
    for k, (gradient, estimate) in enumerate(zip(backprop, numeric)):
        assert relative_error(gradient, estimate) < 1e-6, f"{'weights' if k % 2 == 0 else 'biases'} {k // 2 + 1}"


@pytest.mark.parametrize("output,cost", OUTPUT_PAIRS)
def test_l1_backpropagation_matches_central_differences(output, cost):
    """The L1 term l1·Σ|W| on weights only: its slope l1·sign(w) in backprop, against central
    differences of the whole cost (no weight lies within h of 0, where |w| has its kink)."""
    network, inputs, labels = random_network("tanh", output, cost)
    assert min(np.abs(W).min() for W in network.weights) > 1e-4
    backprop = network.gradients(inputs, labels, l1=0.25)
    numeric = network.finite_difference_gradients(inputs, labels, h=1e-5, method="central", l1=0.25)
    for gradient, estimate in zip(backprop, numeric):
        assert relative_error(gradient, estimate) < 1e-6
    # biases carry no L1 term: their slopes are the same with and without it
    plain = network.gradients(inputs, labels)
    for k in range(1, len(plain), 2):
        np.testing.assert_array_equal(backprop[k], plain[k])
    for k in range(0, len(plain), 2):
        np.testing.assert_allclose(backprop[k] - plain[k], 0.25 * np.sign(network.parameters()[k]), atol=1e-12)


def test_l1_cost_term_is_the_sum_of_absolute_weights():
    network = Network([2, 3, 2], dtype=np.float64, seed=1)
    expected = 0.5 * sum(np.abs(W).sum() for W in network.weights)
    assert network.l1_cost(0.5) == pytest.approx(expected, rel=1e-12)
    assert network.l1_cost(0.0) == 0.0
