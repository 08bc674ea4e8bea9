"""The slow step (SPEC F27): its stages hold the engine's own numbers, and its update is a plain
step's, bit for bit."""

import json

import numpy as np
import pytest

from playground.engine import Conv2D, Dense, Flatten, Network, Trainer, TrainingSettings
from playground.engine.activations import HIDDEN_ACTIVATIONS
from playground.engine.slow_step import MAX_LAYER_PARAMETERS, slow_step, trainer_slow_step

N_POINTS = 24


def problem(sizes, activation, output, cost, task="classification", dtype=np.float32, seed=0):
    """A network with random biases too (not the zeros of initialisation) and its data."""
    rng = np.random.default_rng(seed)
    network = Network(sizes, activation, output, cost, seed=seed, dtype=dtype, task=task)
    for biases in network.biases:
        biases[:] = rng.normal(0, 0.5, biases.shape)
    inputs = rng.normal(0, 1, (N_POINTS, sizes[0]))
    if task == "regression":
        low, high = {"tanh": (-0.9, 0.9), "sigmoid": (0.1, 0.9)}.get(output, (-2.0, 2.0))
        labels = rng.uniform(low, high, (N_POINTS, sizes[-1]))
    else:
        labels = rng.integers(0, sizes[-1], N_POINTS)
    return network, inputs, labels


# (hidden activation, output, cost, task, optimizer, l2, l1, dtype): every hidden activation, every
# output, both costs, both tasks, every optimizer, L2 and L1, both number types.
CASES = [
    (name, "softmax", "cross_entropy", "classification", "sgd", 0.0, 0.0, np.float32) for name in HIDDEN_ACTIVATIONS
]
CASES += [
    ("tanh", "sigmoid", "cross_entropy", "classification", "momentum", 0.01, 0.0, np.float32),
    ("sigmoid", "sigmoid", "quadratic", "classification", "adam", 0.0, 0.003, np.float32),
    ("relu", "softmax", "quadratic", "classification", "nesterov", 0.02, 0.001, np.float32),
    ("tanh", "linear", "quadratic", "regression", "sgd", 0.0, 0.0, np.float32),
    ("elu", "tanh", "quadratic", "regression", "adam", 0.01, 0.002, np.float32),
    ("silu", "sigmoid", "quadratic", "regression", "rmsprop", 0.0, 0.0, np.float32),
    ("leaky_relu", "linear", "quadratic", "regression", "momentum", 0.0, 0.01, np.float64),
    ("sigmoid", "softmax", "cross_entropy", "classification", "adam", 0.01, 0.01, np.float64),
]


def case_id(case):
    return "-".join(str(part) for part in case[:5]) + ("-l2" if case[5] else "") + ("-l1" if case[6] else "")


@pytest.mark.parametrize("case", CASES, ids=map(case_id, CASES))
def test_update_is_a_plain_steps_bit_for_bit(case):
    activation, output, cost, task, optimizer, l2, l1, dtype = case
    n_outputs = 1 if task == "regression" and output != "sigmoid" else 2
    network, inputs, labels = problem([2, 4, 3, n_outputs], activation, output, cost, task, dtype)
    settings = TrainingSettings(learn_rate=0.2, batch_size=8, optimizer=optimizer, l2=l2, l1=l1, decay=0.5)
    plain = Trainer(network.copy(), inputs, labels, settings)
    slow = Trainer(network.copy(), inputs, labels, settings)
    for round_ in range(4):  # into the second epoch: the optimizer's memory and the decayed rate carry over
        memory_before = {key: value for key, value in slow.memory.items()}
        state = slow.network.copy()
        plain.train_batch()
        step = trainer_slow_step(slow, point=round_ % 8)
        for mine, theirs in zip(slow.network.parameters(), plain.network.parameters()):
            assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), f"round {round_}"
        assert slow.memory.keys() == plain.memory.keys()
        for key in set(plain.memory) - {"optimizer"}:
            mine, theirs = slow.memory[key], plain.memory[key]
            assert all(map(np.array_equal, mine, theirs)) if isinstance(theirs, list) else mine == theirs
        assert (slow.epoch, slow.position) == (plain.epoch, plain.position)
        # The same step from the batch itself (class indices or real targets), the network untouched.
        batch = plain.last_batch
        again = slow_step(
            state, inputs[batch], labels[batch], settings, memory=memory_before, learn_rate=step.learn_rate
        )
        for index, layer in enumerate(again.update):
            assert np.array_equal(layer.weights_after, slow.network.weights[index])
            assert np.array_equal(layer.biases_after, slow.network.biases[index])
        assert step.gradient_check is not None
        assert step.gradient_check.largest_relative < (1e-6 if dtype == np.float64 else 1e-5)  # measured ~1e-10, ~1e-7


def test_the_stages_hold_the_engines_numbers():
    network, inputs, labels = problem([2, 3, 3, 2], "sigmoid", "sigmoid", "quadratic")
    settings = TrainingSettings(learn_rate=0.5, l2=0.05, l1=0.01)
    original = [parameter.copy() for parameter in network.parameters()]
    step = slow_step(network, inputs, labels, settings, point=5)
    for kept, now in zip(original, network.parameters()):
        assert np.array_equal(kept, now)  # the caller's network is left as it was

    # 1 forward: z = a_prev @ W + b, a = activation(z), for the batch and the chosen point.
    weighted_inputs, activations = network.forward_pass(network.check_inputs(inputs))
    for layer, z, a in zip(step.forward, weighted_inputs, activations[1:]):
        assert np.array_equal(layer.weighted_inputs, z) and np.array_equal(layer.activations, a)
        assert np.array_equal(layer.point_weighted_inputs, z[5]) and np.array_equal(layer.point_activations, a[5])

    # 2 cost: (a − y)² per output, the point's sum, the batch's mean: the engine's cost, plus L2 and L1.
    cost, y = step.cost, network.one_hot(labels, N_POINTS)
    outputs = activations[-1]
    assert np.allclose(cost.point_terms, (outputs[5] - y[5]) ** 2)
    assert cost.point_cost == pytest.approx(cost.point_terms.sum(), rel=1e-6)
    assert cost.batch_cost == network.batch_cost(network.check_inputs(inputs), y)
    assert cost.batch_cost == pytest.approx(network.cost(inputs, labels)) == pytest.approx(cost.sample_costs.mean())
    assert (cost.l2_cost, cost.l1_cost) == (network.l2_cost(0.05), network.l1_cost(0.01))
    assert cost.total_cost == cost.batch_cost + cost.l2_cost + cost.l1_cost

    # 3 backward: the gradients are backpropagate's; the pieces multiply out by the chain rule.
    engine = network.copy().gradients(inputs, labels, l2=0.05, l1=0.01)
    for index, layer in enumerate(step.backward):
        assert np.array_equal(layer.weight_gradients, engine[2 * index])
        assert np.array_equal(layer.bias_gradients, engine[2 * index + 1])
        assert np.array_equal(layer.node_values, layer.activation_gradients * layer.activation_slopes)
        assert np.array_equal(layer.cost_bias_gradients, layer.node_values.sum(axis=0))
        assert np.array_equal(layer.batch_node_values, layer.bias_gradients)  # no L2 on biases
        a_prev = activations[index]
        assert np.allclose(layer.cost_weight_gradients, a_prev.T @ layer.node_values)
        weights = network.weights[index]
        assert np.allclose(layer.regularisation_gradients, 0.05 * weights + 0.01 * np.sign(weights), atol=1e-7)
        assert np.allclose(layer.point_node_values, N_POINTS * layer.node_values[5])
        assert np.allclose(layer.point_weight_gradients, np.outer(a_prev[5], layer.point_node_values))
    output = step.backward[-1]
    assert np.allclose(output.activation_gradients, 2 * (outputs - y) / N_POINTS)
    for lower, upper, weights in zip(step.backward, step.backward[1:], network.weights[1:]):
        assert np.array_equal(lower.activation_gradients, upper.node_values @ weights.T)

    # 4 update: plain SGD moves each number by −learn_rate × gradient, exactly.
    assert step.optimizer == "sgd" and step.learn_rate == 0.5
    for layer, gradients in zip(step.update, step.backward):
        assert np.array_equal(layer.weights_after, layer.weights_before - 0.5 * gradients.weight_gradients)
        assert np.array_equal(layer.biases_after, layer.biases_before - 0.5 * gradients.bias_gradients)
        assert np.array_equal(layer.weight_steps, layer.weights_after - layer.weights_before)
    step.apply(network)
    assert np.array_equal(network.weights[1], step.update[1].weights_after)


def test_cross_entropy_terms_and_its_shortcut():
    for output in ("softmax", "sigmoid"):
        network, inputs, labels = problem([2, 4, 3], "tanh", output, "cross_entropy", seed=2)
        step = slow_step(network, inputs, labels, TrainingSettings(), point=1)
        a, y = step.forward[-1].point_activations, step.cost.point_targets
        expected = -y * np.log(a) if output == "softmax" else -(y * np.log(a) + (1 - y) * np.log(1 - a))
        assert np.allclose(step.cost.point_terms, expected, atol=1e-6)
        assert step.cost.point_cost == pytest.approx(step.cost.point_terms.sum(), rel=1e-5)
        last = step.backward[-1]
        assert last.activation_gradients is None and last.activation_slopes is None and "a − y" in last.rule
        assert np.allclose(last.point_node_values, a - y, atol=1e-6)


def test_targets_as_one_hot_rows_or_real_columns():
    network, inputs, labels = problem([2, 3, 3], "relu", "softmax", "cross_entropy")
    by_label = slow_step(network, inputs, labels, TrainingSettings(), check_gradients=False)
    by_row = slow_step(network, inputs, np.eye(3)[labels], TrainingSettings(), check_gradients=False)
    assert np.array_equal(by_label.update[0].weights_after, by_row.update[0].weights_after)
    with pytest.raises(ValueError, match="one-hot rows"):
        slow_step(network, inputs, np.full((N_POINTS, 3), 0.5), TrainingSettings())
    regression, inputs, targets = problem([2, 3, 1], "tanh", "linear", "quadratic", "regression")
    column = slow_step(regression, inputs, targets[:, 0], TrainingSettings(), check_gradients=False)
    assert column.cost.targets.shape == (N_POINTS, 1)


def test_json_for_the_browser():
    network, inputs, labels = problem([2, 3, 2], "tanh", "softmax", "cross_entropy")
    step = slow_step(network, inputs, labels, TrainingSettings(optimizer="adam"), point=2)
    plain = json.loads(json.dumps(step.to_json()))
    assert plain["point"] == 2 and plain["optimizer"] == "adam" and plain["memory"]["steps"] == 1
    assert plain["update"][0]["weights_after"] == step.update[0].weights_after.tolist()
    assert np.array_equal(np.float32(plain["update"][0]["weights_after"]), step.update[0].weights_after)
    assert set(plain["gradient_check"]) == {"largest_absolute", "largest_relative", "where", "h", "method"}
    assert plain["backward"][-1]["activation_slopes"] is None


def test_size_guard_is_the_pages_sliders_per_layer():
    from playground.app.pages.playground.logic import MAX_SLIDERS

    assert MAX_LAYER_PARAMETERS == MAX_SLIDERS
    rng = np.random.default_rng(0)
    fits = Network([2, 6, 6, 2])  # 18, 42 and 14 parameters per layer
    slow_step(fits, rng.normal(size=(4, 2)), [0, 1, 1, 0], TrainingSettings(), check_gradients=False)
    with pytest.raises(ValueError, match="weight-layer 2 has 72 weights and biases, more than 60"):
        slow_step(Network([2, 8, 8, 2]), rng.normal(size=(4, 2)), [0, 1, 1, 0], TrainingSettings())
    conv = Network.from_layers([Conv2D(1, 2, 3), Flatten(), Dense(32, 2, "softmax")], input_shape=(4, 4, 1))
    with pytest.raises(ValueError, match="dense networks"):
        slow_step(conv, rng.normal(size=(2, 16)), [0, 1], TrainingSettings())


def test_refusals():
    network, inputs, labels = problem([2, 3, 2], "tanh", "softmax", "cross_entropy")
    for point in (-1, N_POINTS, 1.5, True):
        with pytest.raises(ValueError, match="point must be a whole number"):
            slow_step(network, inputs, labels, TrainingSettings(), point=point)
    with pytest.raises(ValueError, match="backprop"):
        slow_step(network, inputs, labels, TrainingSettings(gradient="finite_differences"))
    with pytest.raises(ValueError, match="empty"):
        slow_step(network, inputs[:0], labels[:0], TrainingSettings())
    trainer = Trainer(network, inputs, labels, train_only=[(0, 0)])
    with pytest.raises(ValueError, match="every weight"):
        trainer_slow_step(trainer)
