"""Regression in the engine (SPEC F24): real (n, k) targets, the quadratic cost, R², and the task
kept by every way a network is saved."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

from playground.engine import Network, Trainer, TrainingSettings
from playground.engine.persistence import load_network, network_from_json, network_to_json, save_network


def plane(n=200, seed=0):
    rng = np.random.default_rng(seed)
    points = rng.uniform(-6, 6, (n, 2)).astype(np.float32)
    return points, (points.sum(axis=1) / 10).astype(np.float32)


def regressor(sizes=(2, 6, 1), output="linear", **options):
    return Network(sizes, "tanh", output_activation=output, cost="quadratic", task="regression", **options)


def test_a_regression_network_takes_real_targets_and_learns_the_plane():
    points, targets = plane()
    network = regressor()
    before = network.cost(points, targets)
    settings = TrainingSettings(learn_rate=0.03, batch_size=10, optimizer="sgd")
    result = Trainer(network, points, targets, settings, points, targets).train(30)
    last = result.history[-1]
    assert last.train_cost < before / 20 and last.test_cost == last.train_cost
    assert last.train_accuracy > 0.97  # R²
    assert network.predict(points).shape == (200, 1)  # the outputs themselves, not classes


def test_cost_is_the_mean_squared_error_summed_over_outputs_and_the_score_is_r2():
    rng = np.random.default_rng(3)
    network = regressor((2, 4, 2), dtype=np.float64)
    points, targets = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    outputs = network.forward(points)
    cost, r2 = network.cost_and_accuracy(points, targets)
    assert cost == pytest.approx(np.mean(np.sum((outputs - targets) ** 2, axis=1)), rel=1e-12)
    assert r2 == pytest.approx(r2_score(targets, outputs), rel=1e-12)
    assert network.accuracy(points, targets) == r2


def test_one_output_takes_a_column_or_a_flat_vector():
    points, targets = plane(20)
    network = regressor()
    assert network.cost(points, targets) == network.cost(points, targets[:, None])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"output_activation": "sigmoid", "cost": "cross_entropy"}, "quadratic cost"),
        ({"output_activation": "softmax", "cost": "quadratic"}, "cannot be softmax"),
        ({"output_activation": "linear", "cost": "quadratic", "task": "sorting"}, "unknown task"),
    ],
)
def test_a_regression_network_that_cannot_fit_is_refused(options, message):
    with pytest.raises(ValueError, match=message):
        Network([2, 3, 1], "tanh", **{"task": "regression", **options})


def test_targets_are_checked():
    points, targets = plane(10)
    with pytest.raises(ValueError, match=r"shape \(10, 1\) or \(10,\)"):
        regressor().cost(points, targets[:5])
    with pytest.raises(ValueError, match="finite"):
        regressor().cost(points, np.full(10, np.nan))
    with pytest.raises(ValueError, match="tanh output gives only -1 to 1: use a linear output"):
        regressor(output="tanh").cost(points, targets * 20)
    with pytest.raises(ValueError, match="labels must be whole numbers"):  # a classifier is unchanged
        Network([2, 3, 2]).cost(points, targets)


def test_a_regression_network_is_saved_and_loaded_with_its_task(tmp_path):
    points, targets = plane(50)
    network = regressor((2, 5, 1), seed=4)
    loaded = load_network(save_network(network, tmp_path / "plane.npz"))
    assert loaded.task == "regression"
    np.testing.assert_array_equal(loaded.forward(points), network.forward(points))
    description = network_to_json(network)
    assert description["task"] == "regression"
    again = network_from_json(description)
    assert again.task == "regression" and again.copy().task == "regression"
    assert again.cost(points, targets) == network.cost(points, targets)


def test_a_classifier_is_written_as_before(tmp_path):
    """No task member or key for a classifier: older readers and the app's schema see what they did."""
    network = Network([2, 3, 2])
    assert "task" not in network_to_json(network)
    with np.load(save_network(network, tmp_path / "c.npz"), allow_pickle=False) as file:
        assert "task" not in file.files
    assert load_network(tmp_path / "c.npz").task == "classification"


def test_input_names_travel_with_the_network(tmp_path):
    network = regressor((3, 4, 1))
    network.input_names = ("x1", "x2", "x1*x2")
    assert load_network(save_network(network, tmp_path / "n.npz")).input_names == ("x1", "x2", "x1*x2")
    description = network_to_json(network)
    assert network_from_json(description).input_names == ("x1", "x2", "x1*x2")
    assert network.copy().input_names == network.input_names
    with pytest.raises(ValueError, match="one name for each of the 3 inputs"):
        network_from_json({**description, "input_names": ["x1"]})
    assert "input_names" not in network_to_json(Network([2, 2]))
