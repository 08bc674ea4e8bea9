"""Training: toy problems are learned, divergence is caught, runs are reproducible."""

import numpy as np
import pytest

from playground.data.toy import make_dataset
from playground.engine import Network, Trainer, TrainingSettings, train
from playground.engine.optimizers import OPTIMIZERS


def test_curved_fruit_learned_by_the_default_2_3_2_network():
    data = make_dataset("fruit-curved")
    network = Network([2, 3, 2], activation="sigmoid", output_activation="sigmoid", cost="quadratic", seed=0)
    settings = TrainingSettings(learn_rate=3.0, batch_size=10, optimizer="sgd")
    result = train(network, data.train_inputs, data.train_labels, epochs=300, settings=settings)
    assert not result.diverged
    assert network.accuracy(data.train_inputs, data.train_labels) >= 0.95


def test_xor_learned_with_one_hidden_layer():
    data = make_dataset("xor")
    network = Network([2, 8, 2], activation="tanh", seed=0)
    settings = TrainingSettings(learn_rate=0.1, batch_size=32, optimizer="momentum")
    train(network, data.train_inputs, data.train_labels, epochs=300, settings=settings)
    assert network.accuracy(data.train_inputs, data.train_labels) >= 0.95
    assert network.accuracy(data.test_inputs, data.test_labels) >= 0.9


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_lowers_the_cost(optimizer):
    data = make_dataset("moons")
    network = Network([2, 8, 2], activation="tanh", seed=1)
    before = network.cost(data.train_inputs, data.train_labels)
    learn_rate = 0.01 if optimizer in ("rmsprop", "adam") else 0.1
    settings = TrainingSettings(learn_rate=learn_rate, optimizer=optimizer)
    result = train(network, data.train_inputs, data.train_labels, epochs=20, settings=settings)
    assert result.history[-1].train_cost < 0.6 * before


def test_huge_learn_rate_diverges_and_keeps_the_last_good_parameters():
    data = make_dataset("xor")
    network = Network([2, 8, 8, 2], activation="sigmoid", output_activation="softmax", cost="cross_entropy")
    settings = TrainingSettings(learn_rate=1e6, optimizer="momentum")  # the command line's defaults
    trainer = Trainer(network, data.train_inputs, data.train_labels, settings)
    snapshots = []

    def remember(event):
        snapshots.append([p.copy() for p in network.parameters()])

    result = trainer.train(10, on_batch=remember)
    assert result.diverged and "diverged" in result.message
    parameters = network.parameters()
    assert all(np.all(np.isfinite(p)) and np.abs(p).max() <= 1e6 for p in parameters)
    # The parameters kept are those after the last successful batch (or the initial ones).
    kept = snapshots[-1] if snapshots else Network([2, 8, 8, 2], activation="sigmoid").parameters()
    for saved, now in zip(kept, parameters):
        np.testing.assert_array_equal(saved, now)
    assert trainer.train_batch() is None  # stays stopped


def test_same_run_twice_gives_identical_bits():
    data = make_dataset("spiral", noise=0.1)

    def run():
        network = Network([2, 8, 8, 2], activation="tanh", seed=7)
        settings = TrainingSettings(learn_rate=0.05, optimizer="adam", input_noise=0.05, l2=1e-3, seed=7)
        train(network, data.train_inputs, data.train_labels, epochs=20, settings=settings)
        return network.parameters()

    for a, b in zip(run(), run()):
        assert a.tobytes() == b.tobytes()


def test_seed_changes_weights_and_shuffling():
    a, b = Network([2, 3, 2], seed=1), Network([2, 3, 2], seed=2)
    assert not np.array_equal(a.weights[0], b.weights[0])


def test_events_stop_flag_and_decay():
    data = make_dataset("moons")
    network = Network([2, 4, 2])
    settings = TrainingSettings(learn_rate=1.0, batch_size=40, decay=1.0)
    trainer = Trainer(network, data.train_inputs, data.train_labels, settings, data.test_inputs, data.test_labels)
    batches, epochs = [], []
    result = trainer.train(3, on_batch=batches.append, on_epoch=epochs.append)
    assert len(batches) == 3 * 4 and len(epochs) == 3  # 160 training samples / 40
    assert [e.learn_rate for e in epochs] == [0.5, 1 / 3, 0.25]
    assert batches[0].learn_rate == 1.0 and batches[-1].learn_rate == 1 / 3
    assert epochs[-1].test_accuracy is not None and result.epochs == 3

    count = 0

    def stop_after_five():
        nonlocal count
        count += 1
        return count > 5

    result = trainer.train(10, should_stop=stop_after_five)
    assert result.stopped and trainer.epoch == 4  # five batches: one epoch and one batch more


def test_l2_shrinks_weights_and_is_its_own_cost_term():
    data = make_dataset("blobs")
    plain, regularised = Network([2, 16, 3], seed=0), Network([2, 16, 3], seed=0)
    train(plain, data.train_inputs, data.train_labels, 30, TrainingSettings(learn_rate=0.1))
    train(regularised, data.train_inputs, data.train_labels, 30, TrainingSettings(learn_rate=0.1, l2=0.1))
    assert np.abs(regularised.weights[0]).sum() < np.abs(plain.weights[0]).sum()
    assert regularised.l2_cost(0.1) == pytest.approx(
        0.05 * sum(np.sum(W.astype(float) ** 2) for W in regularised.weights)
    )


def test_bad_settings_and_data_give_clear_errors():
    with pytest.raises(ValueError, match="learn rate"):
        TrainingSettings(learn_rate=0)
    with pytest.raises(ValueError, match="optimizer"):
        TrainingSettings(optimizer="newton")
    with pytest.raises(ValueError, match="batch size"):
        TrainingSettings(batch_size=0)
    network = Network([2, 3, 2])
    with pytest.raises(ValueError, match="no training data"):
        Trainer(network, np.zeros((0, 2)), np.zeros(0, dtype=int))
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        network.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="class indices 0…1"):
        network.cost(np.zeros((2, 2)), np.array([0, 2]))
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        network.accuracy(np.zeros((3, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="'x' is not a positive whole number"):
        Network("2,x,2")
    with pytest.raises(ValueError, match="at least an input and an output"):
        Network([2])
    with pytest.raises(ValueError, match="invalid layer size 0"):
        Network([2, 0, 2])


def test_cost_and_accuracy_in_one_pass_equal_cost_and_accuracy():
    from playground.engine import Network

    rng = np.random.default_rng(3)
    network = Network([5, 7, 3], activation="relu", output_activation="softmax", cost="cross_entropy", seed=2)
    inputs, labels = rng.normal(size=(50, 5)).astype(np.float32), rng.integers(0, 3, 50)
    cost, accuracy = network.cost_and_accuracy(inputs, labels)
    assert cost == network.cost(inputs, labels)
    assert accuracy == network.accuracy(inputs, labels)
