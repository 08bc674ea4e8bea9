"""Convolution, pooling and flattening layers: against a direct loop convolution, and every
gradient against central finite differences in float64."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine import Network
from playground.engine.conv import AvgPool2D, Conv2D, Flatten, MaxPool2D
from playground.engine.layers import Dense

F64 = np.float64


def direct_convolution(images, weights, biases, stride, pads):
    """The slow, obvious way (test only): for every sample, output pixel and filter, a sum."""
    (top, bottom), (left, right) = pads
    x = np.pad(images, ((0, 0), (top, bottom), (left, right), (0, 0)))
    kh, kw, _, filters = weights.shape
    rows = (x.shape[1] - kh) // stride + 1
    columns = (x.shape[2] - kw) // stride + 1
    out = np.zeros((len(x), rows, columns, filters))
    for n in range(len(x)):
        for i in range(rows):
            for j in range(columns):
                patch = x[n, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
                for f in range(filters):
                    out[n, i, j, f] = np.sum(patch * weights[:, :, :, f]) + biases[f]
    return out


@pytest.mark.parametrize(
    "stride, padding, kernel",
    [(1, "same", 3), (2, "same", 3), (1, "valid", 5), (2, "valid", 2), (1, 1, 4), (3, "same", 5)],
)
def test_a_conv_forward_pass_equals_the_direct_convolution(stride, padding, kernel):
    rng = np.random.default_rng(1)
    layer = Conv2D(3, 4, kernel, stride=stride, padding=padding, activation="linear", seed=2)
    layer.biases[:] = rng.normal(size=4)
    images = rng.normal(size=(2, 9, 8, 3)).astype(np.float32)
    expected = direct_convolution(images, layer.weights, layer.biases, stride, layer.pads())
    got = layer.forward(images)
    assert got.shape == expected.shape == (2, *layer.output_shape((9, 8, 3)))
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_same_padding_keeps_the_size_and_the_workspace_is_chunked(monkeypatch):
    from playground.engine import conv

    layer = Conv2D(2, 3, 5, activation="relu", seed=0)
    images = np.random.default_rng(0).normal(size=(7, 10, 10, 2)).astype(np.float32)
    whole = layer.forward(images)
    assert whole.shape == (7, 10, 10, 3)
    monkeypatch.setattr(conv, "WORKSPACE_BYTES", 10 * 10 * 25 * 2 * 4 * 2)  # two samples a piece
    delta = np.random.default_rng(1).normal(size=whole.shape).astype(np.float32)
    layer.forward(images)
    assert layer.kept_patches is None
    chunked_gradient = layer.backward(delta)
    chunked_weights = layer.weight_gradient.copy()
    monkeypatch.setattr(conv, "WORKSPACE_BYTES", 512 * 2**20)
    np.testing.assert_allclose(layer.forward(images), whole)
    np.testing.assert_allclose(layer.backward(delta), chunked_gradient, atol=1e-5)
    np.testing.assert_allclose(layer.weight_gradient, chunked_weights, atol=1e-4)


def relative_error(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), 1e-12)


def check_gradients(network, inputs, labels):
    backprop = network.gradients(inputs, labels)
    numeric = network.finite_difference_gradients(inputs, labels, h=1e-5, method="central")
    assert len(backprop) == len(numeric) == 2 * len(network.weighted_layers)  # W1, b1, W2, b2, …
    for gradient, estimate in zip(backprop, numeric):
        assert gradient.shape == estimate.shape
        assert relative_error(gradient, estimate) < 1e-6


def images_and_labels(shape, n=3, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, *shape)), rng.integers(0, classes, n)


@pytest.mark.parametrize(
    "stride, padding, channels", [(1, "same", (1, 2)), (2, "same", (2, 3)), (1, "valid", (3, 2)), (2, "valid", (2, 2))]
)
def test_conv_gradients_match_finite_differences(stride, padding, channels):
    c_in, c_out = channels
    conv = Conv2D(c_in, c_out, 3, stride=stride, padding=padding, activation="tanh", seed=1, dtype=F64)
    out = conv.output_shape((6, 5, c_in))
    network = Network.from_layers(
        [conv, Flatten(), Dense(int(np.prod(out)), 3, "softmax", seed=2, dtype=F64)],
        cost="cross_entropy",
        input_shape=(6, 5, c_in),
    )
    check_gradients(network, *images_and_labels((6, 5, c_in)))


@pytest.mark.parametrize("pool", [MaxPool2D(2), MaxPool2D(3, stride=1), AvgPool2D(2)])
def test_a_conv_pool_dense_stack_under_softmax_cross_entropy(pool):
    conv = Conv2D(2, 3, 3, activation="relu", seed=3, dtype=F64)
    shape = pool.output_shape(conv.output_shape((6, 6, 2)))
    layers = [conv, pool, Flatten(), Dense(int(np.prod(shape)), 4, "softmax", seed=4, dtype=F64)]
    network = Network.from_layers(layers, cost="cross_entropy", input_shape=(6, 6, 2))
    check_gradients(network, *images_and_labels((6, 6, 2), classes=4))


def test_a_tie_sends_the_gradient_to_the_first_maximum_in_row_major_order():
    pool = MaxPool2D(2)
    images = np.array([[[1.0, 5.0], [5.0, 5.0]]]).reshape(1, 2, 2, 1)
    assert pool.forward(images).reshape(-1).tolist() == [5.0]
    gradient = pool.backward(np.ones((1, 1, 1, 1)))
    assert gradient.reshape(2, 2).tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_pool_output_sizes_and_flatten_order():
    assert MaxPool2D(2).output_shape((7, 6, 3)) == (3, 3, 3)
    assert MaxPool2D(3, stride=2).output_shape((7, 7, 1)) == (3, 3, 1)
    with pytest.raises(ValueError, match="does not fit"):
        MaxPool2D(9).output_shape((8, 8, 1))
    images = np.arange(2 * 2 * 3 * 2).reshape(2, 2, 3, 2)
    flat = Flatten().forward(images)
    assert flat.shape == (2, 12) and flat[1].tolist() == images[1].reshape(-1).tolist()  # row-major over H, W, C


def test_a_filter_that_does_not_fit_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        Conv2D(1, 2, 5, padding="valid").output_shape((3, 3, 1))
    with pytest.raises(ValueError, match="channels"):
        Conv2D(3, 2, 3).output_shape((8, 8, 1))
    with pytest.raises(ValueError, match="padding"):
        Conv2D(1, 2, 3, padding="full")


# ---------------------------------------------------------------------- layer specs


def test_a_spec_builds_its_layers_with_a_flatten_and_the_output_layer():
    network = Network.from_spec("conv16x5,pool2,conv32x5,pool2,128", (28, 28, 1), 10)
    kinds = [layer.kind for layer in network.layers]
    assert kinds == ["conv2d", "maxpool2d", "conv2d", "maxpool2d", "flatten", "dense", "dense"]
    assert network.shapes[-3] == (7 * 7 * 32,) and network.layer_sizes[-1] == 10
    assert network.output_activation == "softmax" and network.layers[0].activation == "relu"
    images = np.random.default_rng(0).random((4, 28 * 28), dtype=np.float32)  # flat rows are reshaped
    assert network.forward(images).shape == (4, 10)
    np.testing.assert_allclose(network.forward(images.reshape(4, 28, 28, 1)), network.forward(images))


def test_a_dense_spec_gives_the_same_network_as_the_layer_sizes():
    by_spec = Network.from_spec("30,20", (64,), 10, activation="tanh", seed=5)
    by_sizes = Network([64, 30, 20, 10], activation="tanh", output_activation="softmax", seed=5)
    for a, b in zip(by_spec.parameters(), by_sizes.parameters()):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "spec, words",
    [
        ("conv8x0", "'conv8x0'"),
        ("pool9,pool9,pool9", "'pool9'"),
        ("128,conv8x3", "come before the dense"),
        ("conv8x3,banana", "'banana'"),
        ("conv2000x3", "filters"),
        ("pool1", "2 to 16"),
        (7, "text"),
    ],
)
def test_bad_specs_are_named(spec, words):
    with pytest.raises(ValueError, match=words):
        Network.from_spec(spec, (28, 28, 1), 10)


def test_a_conv_network_saves_and_loads_bit_exactly(tmp_path):
    from playground.engine import load_network, save_network

    network = Network.from_spec("conv4x3,pool2,16", (8, 8, 1), 10, seed=3)
    save_network(network, tmp_path / "conv.npz")
    loaded = load_network(tmp_path / "conv.npz")
    assert [layer.to_dict() for layer in loaded.layers] == [layer.to_dict() for layer in network.layers]
    for a, b in zip(loaded.parameters(), network.parameters()):
        assert np.array_equal(a, b)
    images = np.random.default_rng(1).random((5, 64), dtype=np.float32)
    assert np.array_equal(loaded.forward(images), network.forward(images))


def test_a_small_conv_network_learns_the_digits():
    from playground.data.images import load_sklearn_digits, to_float
    from playground.engine import Trainer, TrainingSettings

    digits = load_sklearn_digits()
    inputs, test_inputs = to_float(digits.train_images), to_float(digits.test_images)
    network = Network.from_spec("conv8x3,pool2,32", (8, 8, 1), 10, seed=0)
    settings = TrainingSettings(learn_rate=0.05, batch_size=32, optimizer="momentum", momentum=0.9, seed=0)
    Trainer(network, inputs, digits.train_labels, settings).train(8)
    assert network.accuracy(test_inputs, digits.test_labels) > 0.9


# ---------------------------------------------------------------------- the command line


def test_bad_conv_specs_exit_2_with_a_message(capsys):
    from playground.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--data", "digits", "--layers", "conv8x0"])
    assert exit_info.value.code == 2 and "'conv8x0'" in capsys.readouterr().err
    assert main(["train", "--data", "digits", "--layers", "pool9,pool9,pool9"]) == 2
    error = capsys.readouterr().err
    assert "'pool9'" in error and "does not fit" in error
    assert main(["train", "--data", "moons", "--layers", "conv4x3"]) == 2
    assert "need image data" in capsys.readouterr().err


def test_a_conv_network_trains_from_the_command_line_and_saves_bit_exactly(tmp_path, capsys):
    import json

    from playground.cli import main
    from playground.engine import load_network

    saved = tmp_path / "conv.npz"
    assert (
        main(
            [
                "train",
                "--data",
                "digits",
                "--layers",
                "conv8x3,pool2,32",
                "--epochs",
                "6",
                "--json",
                "--quiet",
                "--save",
                str(saved),
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["test_accuracy"] > 0.9
    network = load_network(saved)
    assert [layer.kind for layer in network.layers] == ["conv2d", "maxpool2d", "flatten", "dense", "dense"]
    assert main(["evaluate", "--model", str(saved), "--data", "digits", "--json"]) == 0
    evaluated = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert evaluated["test_accuracy"] == pytest.approx(report["test_accuracy"])


@pytest.mark.data
@pytest.mark.slow
def test_mnist_conv_one_epoch_from_the_command_line_reaches_97_percent():
    import json

    from helpers.cli import playground
    from helpers.needs import real_data_dir

    real_data_dir("mnist")
    run = playground("train", "--data", "mnist", "--layers", "conv8x5,pool2,64", "--epochs", "1", "--json", "--quiet")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["test_accuracy"] >= 0.97, report


def test_the_landscape_slice_of_a_conv_network_is_normalised_per_output_channel():
    from playground.engine.landscape import cost_slice, random_directions

    network = Network.from_spec("conv4x3,pool2,16", (8, 8, 1), 10, seed=0)
    first, _ = random_directions(network, seed=1, normalisation="filter")
    conv_direction, conv_weights = first[0], network.weights[0]
    assert conv_direction.shape == conv_weights.shape == (3, 3, 1, 4)
    for f in range(4):  # each filter's direction has that filter's size
        assert np.linalg.norm(conv_direction[..., f]) == pytest.approx(np.linalg.norm(conv_weights[..., f]), rel=1e-5)
    rng = np.random.default_rng(0)
    inputs, labels = rng.random((50, 64), dtype=np.float32), rng.integers(0, 10, 50)
    _, _, costs = cost_slice(network, inputs, labels, steps=5, span=1.0, seed=0)
    assert costs.shape == (5, 5) and costs[2, 2] == pytest.approx(network.cost(inputs, labels), rel=1e-5)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_conv_training_is_bit_reproducible_with_every_optimizer_l2_noise_and_augmentation(optimizer):
    from playground.data.augment import AugmentSpec
    from playground.engine import Trainer, TrainingSettings

    rng = np.random.default_rng(0)
    inputs, labels = rng.random((96, 64), dtype=np.float32), rng.integers(0, 10, 96)
    augment = AugmentSpec(rotate=10, shift=1).batch_function((8, 8))
    results = []
    for _ in range(2):
        network = Network.from_spec("conv4x3,pool2,16", (8, 8, 1), 10, seed=7)
        settings = TrainingSettings(
            learn_rate=0.01, batch_size=16, optimizer=optimizer, l2=1e-3, input_noise=0.05, seed=3
        )
        Trainer(network, inputs, labels, settings, augment=augment).train(2)
        results.append([p.copy() for p in network.parameters()])
    for a, b in zip(*results):
        assert a.tobytes() == b.tobytes()
    assert not np.array_equal(results[0][0], Network.from_spec("conv4x3,pool2,16", (8, 8, 1), 10, seed=7).weights[0])


def test_scoring_many_images_goes_in_pieces_and_gives_the_same_figures(monkeypatch):
    from playground.engine import network as network_module

    network = Network.from_spec("conv4x3,pool2,16", (8, 8, 1), 10, seed=0)
    rng = np.random.default_rng(2)
    inputs, labels = rng.random((103, 64), dtype=np.float32), rng.integers(0, 10, 103)
    whole_outputs, (whole_cost, whole_right) = network.forward(inputs), network.cost_and_accuracy(inputs, labels)
    monkeypatch.setattr(network_module, "SCORE_VALUES", 8 * 8 * 4 * 10)  # ten images a piece
    assert network.score_chunk() == 10
    np.testing.assert_allclose(network.forward(inputs), whole_outputs, atol=1e-6)
    cost, right = network.cost_and_accuracy(inputs, labels)
    assert cost == pytest.approx(whole_cost, rel=1e-6) and right == pytest.approx(whole_right)
