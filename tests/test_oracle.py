"""An oracle from outside the engine: one step of gradient descent checked against scikit-learn
and against a step worked by hand.

The gradient tests (test_gradients.py) check backpropagation against the engine's own cost; a
mistake shared by both (a wrong cost, a wrong δ = a − y) would pass them. Here the judges are
scikit-learn's ``MLPClassifier``, written by other people, and numbers worked out on paper.
"""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from playground.engine.network import Network
from playground.engine.training import Trainer, TrainingSettings

SKLEARN_ACTIVATION = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}


def plain_sgd(batch_size: int) -> dict:
    """scikit-learn's MLP settings for one plain SGD step: no momentum, no L2, the whole batch, in order."""
    return dict(
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=LEARN_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=batch_size,
        shuffle=False,
        random_state=0,
    )


LEARN_RATE = 0.5


def sgd_step(network, inputs, labels, learn_rate):
    """One plain SGD step the way the app takes it: a Trainer (optimizer "sgd") whose mini-batch
    is the whole batch, stepped by the run loop (``train_batch``). Returns the batch's cost
    before the step."""
    settings = TrainingSettings(learn_rate=learn_rate, batch_size=len(inputs), optimizer="sgd")
    event = Trainer(network, inputs, labels, settings).train_batch()
    assert event is not None, "the step diverged"
    return event.cost


@pytest.mark.parametrize("hidden", [(5,), (4, 3)], ids=["5", "4-3"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_one_sgd_step_matches_scikit_learn(output, activation, hidden):
    """From the same weights and biases, one SGD step on the same mini-batch ends at the same
    weights and biases in our engine and in scikit-learn, and both report the same cost.

    softmax + cross-entropy is scikit-learn's multiclass set-up (a label vector of 4 classes);
    sigmoid outputs + binary cross-entropy (summed over the nodes, averaged over the samples)
    is its multilabel set-up, given our one-hot targets as an indicator matrix.
    """
    rng = np.random.default_rng(7)
    n_samples, n_inputs, n_classes = 8, 3, 4
    network = Network(
        [n_inputs, *hidden, n_classes],
        activation=activation,
        output_activation=output,
        cost="cross_entropy",
        seed=1,
        dtype=np.float64,
    )
    for b in network.biases:  # random biases too, not the zeros of initialisation
        b[...] = rng.normal(0, 0.5, b.shape)
    inputs = rng.normal(0, 1, (n_samples, n_inputs))
    labels = rng.permutation(np.arange(n_samples) % n_classes)
    y = labels if output == "softmax" else np.eye(n_classes, dtype=int)[labels]

    mlp = MLPClassifier(hidden_layer_sizes=hidden, activation=SKLEARN_ACTIVATION[activation], **plain_sgd(n_samples))
    mlp.partial_fit(inputs, y, classes=np.arange(n_classes))  # only to build its arrays and optimizer
    assert mlp.out_activation_ == ("softmax" if output == "softmax" else "logistic")
    for ours, theirs in zip(network.weights, mlp.coefs_):
        theirs[...] = ours  # in place: its optimizer holds these very arrays
    for ours, theirs in zip(network.biases, mlp.intercepts_):
        theirs[...] = ours
    before = [p.copy() for p in network.parameters()]

    mlp.partial_fit(inputs, y)  # one pass over 8 samples in batches of 8: one step
    cost = sgd_step(network, inputs, labels, LEARN_RATE)

    theirs = [p for W, b in zip(mlp.coefs_, mlp.intercepts_) for p in (W, b)]  # W1, b1, W2, b2, …
    for k, (ours, expected, old) in enumerate(zip(network.parameters(), theirs, before)):
        what = f"{'weights' if k % 2 == 0 else 'biases'} of layer {k // 2 + 1}"
        assert np.abs(ours - old).max() > 1e-4, f"the step did not move the {what}"
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-12, err_msg=what)
    # scikit-learn's loss_ is the batch's loss computed before its update, as is our event's cost.
    assert cost == pytest.approx(mlp.loss_, rel=1e-9)


# ---------------------------------------------------------------- the fruit, by hand
#
# The seed's 2-3-2 fruit network, with round weights. Inputs are (spot size, spike length) in
# [0, 1]; labels are safe = 0, poisonous = 1 (the curved fruit: poisonous above the parabola
# spike > 0.3 + 0.45·(2·spot − 1)²). The learn rate is the app's default, η = 3.
W1 = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]
B1 = [0.1, 0.0, -0.1]
W2 = [[0.2, -0.3], [-0.4, 0.1], [0.5, 0.6]]
B2 = [0.0, 0.1]
FRUIT = [
    [0.2, 0.9],  # small spots, long spikes: poisonous (1)
    [0.5, 0.1],
]  # short spikes: safe (0)
FRUIT_LABELS = [1, 0]
ETA = 3.0


def fruit_network(output, cost):
    network = Network([2, 3, 2], activation="sigmoid", output_activation=output, cost=cost, dtype=np.float64)
    for layer, (W, b) in enumerate([(W1, B1), (W2, B2)]):
        network.weights[layer], network.biases[layer] = W, b
    return network


def close(engine_value, hand_value):
    """The hand numbers are rounded to 6 significant digits, so they hold to 1e-5 relative."""
    np.testing.assert_allclose(engine_value, hand_value, rtol=1e-5, atol=1e-9)


def test_fruit_step_worked_by_hand():
    """Every number of one backpropagation step on the 2-3-2 fruit network, worked by hand.

    Sigmoid hidden layer, softmax outputs with the cross-entropy cost: the network
    ``playground train`` builds for the fruit (the Recipe's output and cost defaults). The app's
    2-3-2 preset uses the seed's sigmoid outputs and quadratic cost instead: see the next test.
    """
    network = fruit_network("softmax", "cross_entropy")
    inputs, labels = np.array(FRUIT), np.array(FRUIT_LABELS)
    targets = network.one_hot(labels, 2)  # y = [[0, 1], [1, 0]]
    parameters, cost = network.backpropagate(inputs, targets)
    gradients = [p.gradient.copy() for p in parameters]
    hidden, output = network.layers

    # Weighted inputs of the hidden layer, z1 = x @ W1 + b1. First fruit:
    #   0.2·0.1 + 0.9·0.4 + 0.1 = 0.48,  0.2·(−0.2) + 0.9·0.5 + 0 = 0.41,  0.2·0.3 + 0.9·(−0.6) − 0.1 = −0.58
    close(hidden.weighted_inputs, [[0.48, 0.41, -0.58], [0.19, -0.05, -0.01]])
    # Hidden activations a1 = σ(z1) = 1 / (1 + e^−z1): σ(0.48) = 0.617748, …
    a1 = [[0.617748, 0.601088, 0.358933], [0.547358, 0.487503, 0.497500]]
    close(hidden.outputs, a1)
    # Output weighted inputs z2 = a1 @ W2 + b2. First fruit, first node:
    #   0.617748·0.2 + 0.601088·(−0.4) + 0.358933·0.5 + 0 = 0.0625807
    close(output.weighted_inputs, [[0.0625807, 0.190144], [0.163220, 0.283043]])
    # Outputs a2 = softmax(z2) = e^z2 / Σ e^z2. First fruit: 1 / (1 + e^(0.190144 − 0.0625807)) = 0.468152
    close(output.outputs, [[0.468152, 0.531848], [0.470080, 0.529920]])
    # Cost C = mean of −log a2[label]: (−log 0.531848 − log 0.470080) / 2 = (0.631398 + 0.754852) / 2
    close(cost, 0.693125)

    # Output node values δ2 = ∂C/∂z2 = (a2 − y) / n, with n = 2 fruit:
    #   (0.468152 − 0) / 2 = 0.234076,  (0.531848 − 1) / 2 = −0.234076, …
    delta2 = network.cost_function.output_node_values(output, targets)
    close(delta2, [[0.234076, -0.234076], [-0.264960, 0.264960]])
    # ∂C/∂W2 = a1ᵀ δ2 (3 × 2): row 1 = 0.617748·0.234076 + 0.547358·(−0.264960) = −0.000427767, …
    close(gradients[2], [[-0.000427767, 0.000427767], [0.0115317, -0.0115317], [-0.0478000, 0.0478000]])
    # ∂C/∂b2 = δ2 summed over the fruit: 0.234076 − 0.264960 = −0.0308837
    close(gradients[3], [-0.0308837, 0.0308837])

    # One layer back: ∂C/∂a1 = δ2 @ W2ᵀ. First fruit: 0.234076·0.2 + (−0.234076)·(−0.3) = 0.117038, …
    slope_a1 = output.backward(delta2)
    close(slope_a1, [[0.117038, -0.117038, -0.0234076], [-0.132480, 0.132480, 0.0264960]])
    # δ1 = ∂C/∂a1 · σ'(z1), with σ'(z1) = a1·(1 − a1) = 0.236135, 0.239781, 0.230100 (first fruit):
    #   0.117038·0.236135 = 0.0276368, …
    delta1 = hidden.node_values(slope_a1)
    close(delta1, [[0.0276368, -0.0280635, -0.00538609], [-0.0328229, 0.0330993, 0.00662383]])
    # ∂C/∂W1 = xᵀ δ1 (2 × 3): [0][0] = 0.2·0.0276368 + 0.5·(−0.0328229) = −0.0108841, …
    close(gradients[0], [[-0.0108841, 0.0109369, 0.00223470], [0.0215909, -0.0219473, -0.00418510]])
    # ∂C/∂b1 = δ1 summed over the fruit: 0.0276368 − 0.0328229 = −0.00518603, …
    close(gradients[1], [-0.00518603, 0.00503576, 0.00123774])

    # The step W ← W − η·∂C/∂W with η = 3: W1[0][0] = 0.1 − 3·(−0.0108841) = 0.132652, …
    # (taken by the app's own Trainer, which works out the same gradients again)
    cost_before_step = sgd_step(network, inputs, labels, ETA)
    close(cost_before_step, 0.693125)
    close(network.weights[0], [[0.132652, -0.232811, 0.293296], [0.335227, 0.565842, -0.587445]])
    close(network.biases[0], [0.115558, -0.0151073, -0.103713])
    close(network.weights[1], [[0.201283, -0.301283], [-0.434595, 0.134595], [0.643400, 0.456600]])
    close(network.biases[1], [0.0926512, 0.00734879])


def test_fruit_gradients_by_hand_with_the_seed_cost():
    """The same fruit and weights with the app's 2-3-2 preset (the seed's): sigmoid outputs and
    the quadratic cost C = mean over the fruit of Σ (a − y)² (no ½). Only the output layer's
    part differs from the worked step above: a2 = σ(z2), and δ2 = 2(a2 − y)/n · a2(1 − a2)."""
    network = fruit_network("sigmoid", "quadratic")
    targets = network.one_hot(np.array(FRUIT_LABELS), 2)
    parameters, cost = network.backpropagate(np.array(FRUIT), targets)
    hidden, output = network.layers

    close(hidden.outputs, [[0.617748, 0.601088, 0.358933], [0.547358, 0.487503, 0.497500]])  # as above
    # a2 = σ(z2): σ(0.0625807) = 0.515640, …
    close(output.outputs, [[0.515640, 0.547393], [0.540715, 0.570292]])
    # C = ((0.515640 − 0)² + (0.547393 − 1)² + (0.540715 − 1)² + (0.570292 − 0)²) / 2
    close(cost, 0.503457)
    # δ2 = 2·(0.515640 − 0)/2 · 0.515640·(1 − 0.515640) = 0.128784, …
    delta2 = network.cost_function.output_node_values(output, targets)
    close(delta2, [[0.128784, -0.112135], [-0.114060, 0.139755]])
    close(
        hidden.node_values(output.backward(delta2)),
        [[0.0140258, -0.0150408, -0.000664781], [-0.0160394, 0.0148906, 0.00670562]],
    )  # δ1
    w1_slope, b1_slope, w2_slope, b2_slope = (p.gradient for p in parameters)
    close(w2_slope, [[0.0171244, 0.00722489], [0.0218059, 0.000728006], [-0.0105201, 0.0292793]])
    close(b2_slope, [0.0147239, 0.0276202])
    close(w1_slope, [[-0.00521456, 0.00443713, 0.00321985], [0.0110193, -0.0120476, 0.0000722592]])
    close(b1_slope, [-0.00201364, -0.000150205, 0.00604084])


# ---------------------------------------------------------------- regression against MLPRegressor


@pytest.mark.parametrize("hidden", [(5,), (4, 3)], ids=["5", "4-3"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_one_regression_step_matches_scikit_learn(n_outputs, activation, hidden):
    """A regression network (linear output, quadratic cost, real targets) against scikit-learn's
    ``MLPRegressor`` (identity output, squared error), from the same weights on the same batch.

    The two costs differ by a constant factor: ours is C = mean over samples of Σ (a − y)², the
    seed's, with no ½; scikit-learn's loss is ½·mean over samples and outputs of (a − y)², but its
    gradient is that of ½·mean over samples of Σ (a − y)². So our gradient is twice its own, our
    step with learn rate η/2 is its step with η, and our cost is 2·k times its ``loss_`` for k outputs.
    """
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(11)
    n_samples, n_inputs = 8, 3
    network = Network(
        [n_inputs, *hidden, n_outputs],
        activation=activation,
        output_activation="linear",
        cost="quadratic",
        seed=2,
        dtype=np.float64,
        task="regression",
    )
    for b in network.biases:
        b[...] = rng.normal(0, 0.5, b.shape)
    inputs = rng.normal(0, 1, (n_samples, n_inputs))
    targets = rng.normal(0, 2, (n_samples, n_outputs))
    y = targets[:, 0] if n_outputs == 1 else targets

    mlp = MLPRegressor(hidden_layer_sizes=hidden, activation=SKLEARN_ACTIVATION[activation], **plain_sgd(n_samples))
    mlp.partial_fit(inputs, y)  # only to build its arrays and optimizer
    assert mlp.out_activation_ == "identity"
    for ours, theirs in zip(network.weights, mlp.coefs_):
        theirs[...] = ours
    for ours, theirs in zip(network.biases, mlp.intercepts_):
        theirs[...] = ours
    before = [p.copy() for p in network.parameters()]

    mlp.partial_fit(inputs, y)
    cost = sgd_step(network, inputs, y, LEARN_RATE / 2)

    theirs = [p for W, b in zip(mlp.coefs_, mlp.intercepts_) for p in (W, b)]
    for k, (ours, expected, old) in enumerate(zip(network.parameters(), theirs, before)):
        what = f"{'weights' if k % 2 == 0 else 'biases'} of layer {k // 2 + 1}"
        assert np.abs(ours - old).max() > 1e-4, f"the step did not move the {what}"
        np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-12, err_msg=what)
    assert cost == pytest.approx(2 * n_outputs * mlp.loss_, rel=1e-9)
