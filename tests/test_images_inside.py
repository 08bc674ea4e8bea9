"""The image page's "look inside" maths (pages/images/inside.py): first-layer pictures, a layer's
activations, the maps of a layer (PCA, t-SNE), robustness to rotation, shift and noise, and a
conv network's filters, feature maps and layers.

The oracle of a layer's activations is a forward pass through the network's own layers.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.app.pages.images import evaluation, inside
from playground.engine import Network
from playground.plots import weights

from helpers.images_page import trained_digits_model

# A module's network trained on the digits: nothing here may hang the run.
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def digits_model():
    """A digits network trained for a few epochs (recipes directly), and its data."""
    return trained_digits_model()


# ------------------------------------------------------------------ inside


def test_first_layer_pictures_of_grey_and_colour_images():
    grey = weights.first_layer_pictures(Network([64, 16, 10]), (8, 8))
    assert grey.shape == (16, 8, 8, 3) and grey.min() >= 0 and grey.max() <= 1
    colour_net = Network([3072, 5, 10])
    colour = weights.first_layer_pictures(colour_net, (32, 32, 3), count=3)
    assert colour.shape == (3, 32, 32, 3)
    w = colour_net.weights[0][:, 1]
    np.testing.assert_allclose(colour[1], (0.5 + 0.5 * w / np.abs(w).max()).reshape(32, 32, 3), rtol=1e-6)


def manual_layers(network, inputs, k):
    a = inputs
    for layer in network.layers[:k]:
        a = layer.forward(a, keep=False)
    return a


def test_layer_zero_is_the_inputs():
    x = np.random.default_rng(1).random((7, 64), dtype=np.float32)
    np.testing.assert_array_equal(inside.layer_activations(Network([64, 16, 12, 10], "tanh"), x, 0), x)


def test_layer_activations_equal_a_forward_through_the_first_k_layers():
    network = Network([64, 16, 12, 10], "tanh")
    x = np.random.default_rng(1).random((2 * inside.CHUNK + 7, 64), dtype=np.float32)  # in three passes
    np.testing.assert_allclose(
        manual_layers(network, x, 1), np.tanh(x @ network.weights[0] + network.biases[0]), rtol=1e-5
    )
    for k in (1, 2, 3):
        # Passes of a few hundred rows: float32 products can differ in the last bits from one big one.
        np.testing.assert_allclose(
            inside.layer_activations(network, x, k), manual_layers(network, x, k), rtol=1e-5, atol=1e-6
        )
    np.testing.assert_allclose(inside.layer_activations(network, x, 3), network.forward(x), rtol=1e-5, atol=1e-6)


def test_pca_map_keeps_the_distances_of_planar_points():
    rng = np.random.default_rng(2)
    flat = rng.normal(size=(50, 2)) * [3.0, 1.0]
    basis, _ = np.linalg.qr(rng.normal(size=(10, 2)))
    points = inside.layer_map(flat @ basis.T + 5.0, "pca")
    assert points.shape == (50, 2)
    distances = lambda p: np.linalg.norm(p[:, None] - p[None], axis=2)  # noqa: E731
    np.testing.assert_allclose(distances(points), distances(flat), atol=1e-4)


def test_tsne_map_gives_two_coordinates_per_image():
    points = inside.layer_map(np.random.default_rng(3).random((60, 20)), "tsne")
    assert points.shape == (60, 2) and np.isfinite(points).all()


def same_class_neighbours(points: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """The share of each point's k nearest neighbours on the map that have its label."""
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def test_tsne_map_separates_the_digits_far_better_than_pca():
    """On the 8×8 digits (shipped with scikit-learn: nothing downloads), t-SNE puts images of one
    class beside each other: PCA's two axes mix them up (measured: 0.96 against 0.57)."""
    from sklearn.datasets import load_digits
    from sklearn.manifold import trustworthiness

    digits = load_digits()
    values, labels = digits.data[:600].astype(np.float32), digits.target[:600]
    tsne, pca = inside.layer_map(values, "tsne"), inside.layer_map(values, "pca")
    assert tsne.shape == (600, 2) and tsne.dtype == np.float32 and np.isfinite(tsne).all()
    assert same_class_neighbours(tsne, labels) > 0.9
    assert same_class_neighbours(tsne, labels) > same_class_neighbours(pca, labels) + 0.2
    assert trustworthiness(values, tsne, n_neighbors=10) > 0.95 > trustworthiness(values, pca, n_neighbors=10)


def test_tsne_map_is_the_same_run_after_run_and_takes_few_points():
    values = np.random.default_rng(4).random((80, 64))
    np.testing.assert_array_equal(inside.layer_map(values, "tsne", seed=2), inside.layer_map(values, "tsne", seed=2))
    # Too few for neighbourhoods: the first two PCA axes (their signs are PCA's choice), never an error.
    np.testing.assert_allclose(
        np.abs(inside.layer_map(values[:5], "tsne")), np.abs(inside.layer_map(values[:5], "pca")), atol=1e-5
    )


def test_the_page_maps_a_few_thousand_images_by_tsne_and_a_thousand_by_pca(digits_model, monkeypatch):
    """The map's points: the first ``TSNE_SAMPLES`` (``MAP_SAMPLES`` for PCA) test images, or all
    of them when there are fewer; each point is one image, in the figure's title too."""
    from playground.app.pages.images.view_callbacks import Model, layer_map_figure

    network, data = digits_model
    test = evaluation.test_set({"data": "digits"})
    model = Model(network, network.forward(data.test_inputs), {"data": "digits"}, test)
    assert inside.TSNE_SAMPLES >= 2000 and inside.MAP_SAMPLES >= 1000  # the page's promise: a few thousand

    def points(figure) -> int:
        return sum(len(trace.x) for trace in figure.data)

    said: list[str] = []
    everything = layer_map_figure(model, 1, "tsne", said.append)  # fewer test images than the page maps: all
    assert points(everything) == len(test.labels) < inside.TSNE_SAMPLES
    # How far it came, stage by stage, for the page's progress line: the forward pass by chunks,
    # PCA, the neighbours, then t-SNE's steps up to the last.
    steps = sum(inside.TSNE_STEPS)
    assert said[0].startswith("forward pass: ") and said.index("PCA to 50 dimensions") > 0
    assert f"forward pass: {len(test.labels):,} of {len(test.labels):,} images" in said
    assert said[-1] == f"t-SNE: step {steps} of {steps}" and len(said) >= steps // inside.TSNE_EVERY
    assert everything.layout.title.text.startswith(f"{len(test.labels):,} test images by hidden layer 1")
    monkeypatch.setattr(inside, "TSNE_SAMPLES", 120)
    monkeypatch.setattr(inside, "MAP_SAMPLES", 150)
    assert points(layer_map_figure(model, 1, "tsne")) == 120
    assert points(layer_map_figure(model, 1, "pca")) == 150


@pytest.mark.parametrize("kind", list(inside.ROBUSTNESS_LEVELS))
def test_level_zero_changes_nothing_and_other_levels_change_images(kind):
    images = evaluation.test_set({"data": "digits"}).images[:40].astype(np.float32) / 255
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(inside.changed(images, kind, 0, rng), images)
    for level in inside.ROBUSTNESS_LEVELS[kind]:
        if level:
            assert not np.array_equal(inside.changed(images, kind, level, rng), images), level


def test_robustness_levels_and_accuracies(digits_model):
    network, _ = digits_model
    test = evaluation.test_set({"data": "digits"})
    images, labels = test.images[:200].astype(np.float32) / 255, test.labels[:200]
    plain = network.accuracy(images.reshape(200, -1), labels)
    curves = inside.robustness(network, images, labels)
    assert list(curves) == list(inside.ROBUSTNESS_LEVELS)
    for kind, (levels, accuracies) in curves.items():
        assert levels == inside.ROBUSTNESS_LEVELS[kind] and len(accuracies) == len(levels)
        assert all(0 <= a <= 1 for a in accuracies)
        assert accuracies[levels.index(0)] == pytest.approx(plain)
    assert curves["rotation °"][1][-1] < plain  # a quarter turn costs accuracy


# ---------------------------------------------------------------------- conv networks on the page


def test_a_conv_network_shows_its_filters_feature_maps_and_layers():
    from playground.engine import Network

    network = Network.from_spec("conv6x3,pool2,16", (8, 8, 1), 10, seed=0)
    filters = weights.first_layer_pictures(network, (8, 8), 64)
    assert filters.shape == (6, 3, 3, 3)  # six 3×3 filters as RGB pictures
    maps = inside.feature_maps(network, np.random.default_rng(0).random((8, 8), dtype=np.float32))
    assert maps.shape == (6, 8, 8) and maps.min() >= 0 and maps.max() <= 1
    assert inside.feature_maps(Network([64, 10]), np.zeros((8, 8), np.float32)) is None
    choices = inside.layer_choices(network)
    assert [c["value"] for c in choices] == [0, 1, 2, 4, 5]  # input, conv, pool, dense (flatten skipped), output
    assert choices[1]["label"].startswith("conv 1 (8×8×6")
    rows = np.random.default_rng(1).random((5, 64), dtype=np.float32)
    assert inside.layer_activations(network, rows, 1).shape == (5, 8 * 8 * 6)
    colour = Network.from_spec("conv4x3,16", (32, 32, 3), 10, seed=0)
    assert weights.first_layer_pictures(colour, (32, 32, 3), 64).shape == (4, 3, 3, 3)


def test_filters_are_enlarged_pixel_for_pixel_and_captioned():
    network = Network.from_spec("conv6x3,pool2,16", (8, 8, 1), 10, seed=0)
    filters = weights.first_layer_pictures(network, (8, 8), 64)
    big = weights.enlarged(filters)
    assert big.shape == (6, 24, 24, 3)
    np.testing.assert_array_equal(big[:, ::8, ::8], filters)  # each weight a clean 8×8 square
    np.testing.assert_array_equal(big[:, 7::8, 7::8], filters)
    assert weights.enlarged(np.zeros((2, 28, 28)), 24).shape == (2, 28, 28)  # big enough already
    caption = inside.first_layer_caption(network, 6)
    assert "6 filters (3×3×1)" in caption and "feature map" in caption and "Red weights" in caption
    colour = Network.from_spec("conv4x5,16", (32, 32, 3), 10, seed=0)
    assert "each colour channel's weights".lower() in inside.first_layer_caption(colour, 4).lower()
    dense = inside.first_layer_caption(Network([64, 100, 10]), 64)
    assert "first layer's 100 nodes (the first 64)" in dense
