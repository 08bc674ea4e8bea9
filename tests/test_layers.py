"""Layers as objects: forward and backward side by side, checked against finite differences."""

import numpy as np
import pytest

from playground.engine import COSTS, Dense, Network, layer_from_dict
from playground.engine.layers import LAYER_TYPES


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-12))


def numeric_gradient(function, array: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of a scalar function of ``array`` (changed in place and put back)."""
    gradient = np.zeros_like(array)
    flat, flat_gradient = array.reshape(-1), gradient.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + h
        up = function()
        flat[i] = original - h
        flat_gradient[i] = (up - function()) / (2 * h)
        flat[i] = original
    return gradient


# One entry per layer type: how to make one, and the shape of a batch it takes.
LAYER_CASES = {
    "dense-tanh": (lambda: Dense(5, 4, "tanh", seed=1, dtype=np.float64), (6, 5)),
    "dense-softmax": (lambda: Dense(3, 4, "softmax", seed=2, dtype=np.float64), (6, 3)),
    "dense-relu": (lambda: Dense(4, 3, "relu", seed=3, dtype=np.float64), (5, 4)),
}


@pytest.mark.parametrize("case", LAYER_CASES)
def test_each_layer_type_backward_matches_central_differences(case):
    """For C = Σ a·r (r random): backward gives ∂C/∂W, ∂C/∂b and ∂C/∂a_prev, checked numerically."""
    make, shape = LAYER_CASES[case]
    layer = make()
    rng = np.random.default_rng(0)
    for p in layer.parameters():
        p[...] = rng.normal(0, 0.7, p.shape)
    a_prev = rng.normal(0, 1, shape)
    upstream = rng.normal(0, 1, layer.forward(a_prev).shape)  # ∂C/∂a

    def cost() -> float:
        return float(np.sum(layer.forward(a_prev, keep=False) * upstream))

    layer.forward(a_prev)
    input_gradient = layer.backward(layer.node_values(upstream))
    triples = layer.parameters_and_gradients()
    assert len(triples) == 2 and all(t.values is p for t, p in zip(triples, layer.parameters()))
    assert [t.decay for t in triples] == [1.0, 0.0]  # L2 applies to the weights, not the biases
    for triple in triples:
        assert triple.gradient.shape == triple.values.shape
        assert relative_error(triple.gradient, numeric_gradient(cost, triple.values)) < 1e-6
    assert relative_error(input_gradient, numeric_gradient(cost, a_prev)) < 1e-6


def test_every_layer_type_is_in_the_registry_and_round_trips_as_a_dict():
    assert set(LAYER_TYPES) >= {"dense"}
    for make, _ in LAYER_CASES.values():
        layer = make()
        twin = layer_from_dict(layer.to_dict(), np.float64)
        assert type(twin) is type(layer) and twin.to_dict() == layer.to_dict()
        assert [p.shape for p in twin.parameters()] == [p.shape for p in layer.parameters()]
    with pytest.raises(ValueError, match="unknown layer type 'wormhole'"):
        layer_from_dict({"type": "wormhole"})


def test_dense_reads_like_the_maths():
    layer = Dense(3, 2, "sigmoid", seed=0, dtype=np.float64)
    assert layer.weights.shape == (3, 2) and layer.biases.shape == (2,)
    assert layer.parameters()[0] is layer.weights and layer.parameters()[1] is layer.biases
    x = np.random.default_rng(1).normal(size=(4, 3))
    z = x @ layer.weights + layer.biases
    np.testing.assert_allclose(layer.forward(x), 1 / (1 + np.exp(-z)))
    assert layer.to_dict() == {"type": "dense", "inputs": 3, "outputs": 2, "activation": "sigmoid"}
    with pytest.raises(ValueError, match="must be a whole number ≥ 1, not 2.7"):
        Dense(2.7, 3)


def test_network_from_sizes_keeps_the_old_initial_weights_bit_for_bit():
    # The weights a Network([2, 3, 2]) always had: one generator, Xavier (He for ReLU) per layer.
    for sizes, activation in (([2, 3, 2], "sigmoid"), ([784, 100, 10], "relu"), ([4, 7, 5, 3], "tanh")):
        network = Network(sizes, activation=activation, seed=5)
        rng = np.random.default_rng(5)
        names = [activation] * (len(sizes) - 2) + ["softmax"]
        for W, b, n_in, n_out, name in zip(network.weights, network.biases, sizes, sizes[1:], names):
            scale = np.sqrt(2.0 / n_in) if name == "relu" else np.sqrt(2.0 / (n_in + n_out))
            expected = (rng.standard_normal((n_in, n_out)) * scale).astype(np.float32)
            assert W.tobytes() == expected.tobytes() and not b.any()


def test_network_weights_are_the_layers_own_arrays():
    network = Network([2, 3, 2], activation="tanh", seed=0)
    assert network.weights[0] is network.layers[0].weights
    assert network.biases[1] is network.layers[1].biases
    before = network.forward(np.ones((1, 2)))
    network.weights[0][0, 1] = 2.5  # W[1][0,1], as the sliders write it
    assert network.layers[0].weights[0, 1] == 2.5
    assert not np.allclose(network.forward(np.ones((1, 2))), before)
    network.weights[1] = np.zeros((3, 2))  # assignment copies into the layer's array
    assert not network.layers[1].weights.any()
    with pytest.raises(ValueError, match="has shape"):
        network.weights[1] = np.zeros((2, 2))
    assert len(network.weights) == 2 and [W.shape for W in network.weights] == [(2, 3), (3, 2)]


def test_from_layers_builds_any_list_and_refuses_bad_ones():
    layers = [Dense(4, 6, "relu", seed=1), Dense(6, 3, "softmax", seed=2)]
    network = Network.from_layers(layers, cost="cross_entropy")
    assert network.layers == layers and network.layer_sizes == [4, 6, 3]
    assert network.activations == ["relu"] and network.output_activation == "softmax"
    x = np.random.default_rng(0).random((5, 4), dtype=np.float32)
    hidden = np.maximum(x @ layers[0].weights + layers[0].biases, 0)
    z = hidden @ layers[1].weights + layers[1].biases
    np.testing.assert_allclose(network.forward(x), np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), rtol=1e-5)
    with pytest.raises(ValueError, match="cannot be used with a linear output"):
        Network.from_layers([Dense(2, 2, "linear")], cost="cross_entropy")
    with pytest.raises(ValueError, match="cannot follow an output of shape"):
        Network.from_layers([Dense(2, 3, "tanh"), Dense(4, 2, "sigmoid")])
    with pytest.raises(ValueError, match="can only be an output activation"):
        Network.from_layers([Dense(2, 3, "softmax"), Dense(3, 2, "softmax")])


def test_a_copy_is_independent():
    network = Network([2, 4, 2], activation="elu", seed=3)
    twin = network.copy()
    twin.weights[0][:] = 0
    assert network.weights[0].any() and twin.layer_sizes == network.layer_sizes and twin.seed == 3


@pytest.mark.parametrize("cost", COSTS)
def test_costs_are_a_registry_of_objects(cost):
    assert COSTS[cost].name == cost
    network = Network([3, 4, 3], activation="tanh", output_activation="sigmoid", cost=cost, dtype=np.float64)
    rng = np.random.default_rng(2)
    inputs, labels = rng.normal(size=(8, 3)), rng.integers(0, 3, 8)
    backprop = network.gradients(inputs, labels)
    numeric = network.finite_difference_gradients(inputs, labels, h=1e-5, method="central")
    for gradient, estimate in zip(backprop, numeric):
        assert relative_error(gradient, estimate) < 1e-6


def test_tensorflow_playgrounds_start_is_uniform_weights_and_biases_of_a_tenth():
    """init="uniform": TensorFlow Playground's src/nn.ts draws each weight as Math.random() − 0.5
    and starts each bias at 0.1 (the engine's default stays Xavier)."""
    import numpy as np

    from playground.engine import Network

    network = Network(
        [7, 8, 8, 1], activation="tanh", output_activation="tanh", cost="quadratic", seed=4, init="uniform"
    )
    weights = np.concatenate([W.ravel() for W in network.weights])
    assert weights.min() >= -0.5 and weights.max() < 0.5 and abs(weights.mean()) < 0.1
    assert np.std(weights) == pytest.approx(1 / np.sqrt(12), rel=0.15)  # a uniform's spread
    assert all(np.all(b == np.float32(0.1)) for b in network.biases)
    again = Network([7, 8, 8, 1], activation="tanh", output_activation="tanh", cost="quadratic", seed=4, init="uniform")
    assert all(np.array_equal(a, b) for a, b in zip(network.weights, again.weights))  # from the seed
    default = Network([7, 8, 8, 1], activation="tanh", output_activation="tanh", cost="quadratic", seed=4)
    assert all(np.all(b == 0) for b in default.biases)
    with pytest.raises(ValueError, match="unknown initialisation 'glorot'"):
        Network([2, 2], seed=0, init="glorot")
