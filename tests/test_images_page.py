"""The image page's Python side, without a browser: settings → recipe, presets, the evaluation
and "look inside" maths, its figures, PNG pictures, the job store, the background training job
(run in this process: start, pause, resume, stop, heartbeat) and the drawing and model routes.

Oracles where there are any: scikit-learn's confusion matrix, hand counts, a forward pass
through the network's own layers, a PNG decoded byte by byte. Every test has its own job store
(``PLAYGROUND_JOBS_DIR`` in a temporary folder); training uses the bundled 8×8 digits.
"""

from __future__ import annotations

import base64
import io
import struct
import threading
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from playground.app.pages.images import REGISTRATION, evaluation, figures, inside, training
from playground.app.pages.images.logic import DEFAULT_CONFIG, check_config, describe, hidden_layers, time_left
from playground.app.pages.images.presets import PRESETS, seed_l2
from playground.app.pages.images.training import control_job, job_status, run_job, start_job
from playground.app.server import models, slots
from playground.app.server.jobs import JobStore, check_session_key
from playground.app.server.models import key_of
from playground.app.session import keys
from playground.app.session.stores import new_session_key
from playground.app.ui.pictures import grid, png_bytes, to_bytes
from playground.engine import Network, load_network_bytes, network_bytes
from playground.limits import current as current_limits
from playground.recipes import load_data, prepare

# Jobs run in threads here and wait on each other (pause, resume): none may hang the run.
pytestmark = pytest.mark.timeout(120)

KEY = keys.issue()  # a session key the server signed
ROUTES = {route.key: route.path for route in REGISTRATION.routes}  # the image page's routes, as it registers them
DRAW_ROUTE, MODEL_ROUTE = ROUTES["draw"], ROUTES["model"]
DIGITS = {**DEFAULT_CONFIG, "data": "digits"}


@pytest.fixture
def store(monkeypatch, tmp_path):
    """A job store of this test's own."""
    monkeypatch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path))
    with JobStore() as opened:
        yield opened


@pytest.fixture(scope="module")
def digits_model():
    """A digits network trained for a few epochs (recipes directly), and its data."""
    recipe = check_config({**DIGITS, "epochs": 5})
    data = load_data(recipe)
    run = prepare(recipe, data)
    run.trainer.train(5, evaluate=False)
    run.finish()
    return run.network, data


# ------------------------------------------------------------------ logic


def test_default_config_is_a_digits_recipe():
    recipe = check_config(DEFAULT_CONFIG)
    assert (recipe.data, recipe.layers, recipe.activation, recipe.optimizer) == ("digits", [64], "tanh", "momentum")
    assert (recipe.learn_rate, recipe.batch_size, recipe.epochs, recipe.augment) == (0.1, 32, 30, None)
    assert recipe.standardize is False


@pytest.mark.parametrize("changes, words", [
    ({"layers": "abc"}, "layer"), ({"layers": "0"}, "layer"), ({"layers": "8,8,8,8,8,8,8"}, "hidden layers"),
    ({"layers": "5000"}, "hidden layers"), ({"learn_rate": -1}, "learn rate"),
    ({"learn_rate": float("nan")}, "learn rate"), ({"learn_rate": "0.1"}, "learn rate"),
    ({"epochs": 0}, "epochs"), ({"epochs": 1000}, "epochs"), ({"data": "imagenet"}, "data set"),
    ({"optimizer": "lbfgs"}, "optimizer"), ({"batch_size": 0}, "batch size"),
])
def test_bad_settings_are_named(changes, words):
    with pytest.raises(ValueError, match=words):
        check_config({**DEFAULT_CONFIG, **changes})


def test_hidden_layer_specs():
    assert hidden_layers("") == [] and hidden_layers("none") == []
    assert hidden_layers("1024,512") == [1024, 512]
    with pytest.raises(ValueError, match="hidden layers"):
        hidden_layers(300)


def test_time_left():
    assert time_left(0, 1000, 10) == "1 min 40 s left"
    assert time_left(500, 1000, 100) == "5 s left"
    assert time_left(2000, 1000, 100) == "0 s left"
    assert time_left(0, 1000, 0) == "" and time_left(0, 1000, float("inf")) == ""


def test_describe_names_network_and_training():
    assert describe(check_config(DEFAULT_CONFIG)) == ("64-64-10 tanh, softmax + cross-entropy, momentum lr 0.1, "
                                                      "batch 32, 30 epochs")
    seed = check_config({**DEFAULT_CONFIG, **PRESETS["seed-mnist"].settings, "data": "mnist"})
    assert describe(seed) == ("784-300-10 relu, softmax + cross-entropy, momentum lr 0.05 (decay 0.04), batch 32, "
                              "10 epochs")


# ------------------------------------------------------------------ presets


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_passes_on_its_data_sets(name):
    preset = PRESETS[name]
    for data in preset.data:
        recipe = check_config({**DEFAULT_CONFIG, **preset.settings, "data": data})
        assert recipe.data == data and recipe.layers == hidden_layers(preset.settings["layers"])
        assert recipe.learn_rate == preset.settings["learn_rate"]


def benchmark_rows() -> dict:
    """bench/accuracy.py's rows by (set, data set)."""
    import importlib.util
    import sys

    bench = Path(__file__).resolve().parents[1] / "bench"
    sys.path.insert(0, str(bench))
    spec = importlib.util.spec_from_file_location("accuracy", bench / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return {(prefix, run.data): run for prefix, runs in (("best", module.RUNS), ("conv", module.CONV_RUNS))
            for run in runs if run.target is not None}


@pytest.mark.parametrize("name", [name for name in PRESETS if name.startswith(("best-", "conv-")) and name != "conv-quick"])
def test_benchmark_presets_are_the_benchmark_rows(name):
    from playground.cli.parser import build_parser
    from playground.recipes import Recipe

    preset = PRESETS[name]
    (data,) = preset.data
    run = benchmark_rows()[(name.split("-")[0], data)]
    bench = Recipe.from_options(build_parser().parse_args(["train", *run.args])).with_defaults()
    page = check_config({**DEFAULT_CONFIG, **preset.settings, "data": data})
    for field in ("layers", "activation", "optimizer", "learn_rate", "decay", "batch_size", "epochs", "l2", "flip"):
        assert getattr(page, field) == getattr(bench, field), field
    assert str(page.augment) == str(bench.augment)


def test_seed_l2_is_the_videos_decay_under_momentum():
    assert seed_l2(32) == pytest.approx(0.1 * (1 - 0.9) / 32)
    assert seed_l2(64) == pytest.approx(0.00015625)


@pytest.mark.parametrize("name, data, layers, inputs, lr, k, batch", [
    ("seed-mnist", "mnist", "300", 784, 0.05, 0.04, 32), ("seed-doodles", "quickdraw", "300", 784, 0.05, 0.01, 32),
    ("seed-fashion", "fashion-mnist", "128", 784, 0.05, 0.04, 64),
    ("seed-cifar", "cifar-10", "256", 3072, 0.01, 0.04, 64),
])
def test_seed_presets_have_the_seblague_values(name, data, layers, inputs, lr, k, batch):
    preset = PRESETS[name]
    s = preset.settings
    assert preset.data == (data,) and f"{inputs}-{layers}-10" in preset.label
    assert (s["layers"], s["learn_rate"], s["decay"], s["batch_size"], s["momentum"]) == (layers, lr, k, batch, 0.9)
    assert (s["activation"], s["output"], s["cost"], s["optimizer"]) == ("relu", "softmax", "cross_entropy", "momentum")
    assert s["l2"] == seed_l2(batch)


# ------------------------------------------------------------------ evaluation


def random_outputs(n=200, classes=4, seed=0):
    rng = np.random.default_rng(seed)
    outputs = rng.random((n, classes))
    return rng.integers(0, classes, n), outputs / outputs.sum(axis=1, keepdims=True)


def test_confusion_equals_sklearn_and_a_hand_count():
    from sklearn.metrics import confusion_matrix

    labels, outputs = random_outputs()
    matrix = evaluation.confusion(labels, outputs, 5)  # class 4 has no images
    hand = np.zeros((5, 5), int)
    for label, predicted in zip(labels, outputs.argmax(axis=1)):
        hand[label, predicted] += 1
    np.testing.assert_array_equal(matrix, hand)
    np.testing.assert_array_equal(matrix, confusion_matrix(labels, outputs.argmax(axis=1), labels=range(5)))


def test_per_class_accuracy_with_an_empty_class():
    matrix = np.array([[3, 1, 0], [0, 0, 0], [2, 0, 2]])
    np.testing.assert_allclose(evaluation.per_class_accuracy(matrix), [0.75, 0.0, 0.5])


def test_cell_indices_are_that_cells_images_most_confident_first():
    labels, outputs = random_outputs()
    cell = [i for i in range(len(labels)) if labels[i] == 1 and outputs[i].argmax() == 2]
    expected = sorted(cell, key=lambda i: -outputs[i, 2])
    assert len(cell) > 5
    np.testing.assert_array_equal(evaluation.cell_indices(labels, outputs, 1, 2, limit=5), expected[:5])
    np.testing.assert_array_equal(evaluation.cell_indices(labels, outputs, 1, 2, limit=1000), expected)


def test_next_mistake_wraps_round_and_is_none_without_mistakes():
    labels = np.array([0, 1, 2, 0])
    outputs = np.eye(3)[[0, 2, 2, 1]]  # mistakes at 1 and 3
    assert [evaluation.next_mistake(labels, outputs, after) for after in (-1, 1, 3, 10)] == [1, 3, 1, 1]
    assert evaluation.next_mistake(labels, np.eye(3)[labels], 0) is None


def test_confident_mistakes_surest_first():
    labels, outputs = random_outputs()
    wrong = [i for i in range(len(labels)) if outputs[i].argmax() != labels[i]]
    expected = sorted(wrong, key=lambda i: -outputs[i].max())[:10]
    np.testing.assert_array_equal(evaluation.confident_mistakes(labels, outputs, 10), expected)


def test_top_classes_are_shares_in_order():
    ranked = evaluation.top_classes(np.array([1.0, 6.0, 3.0]))
    assert [k for k, _ in ranked] == [1, 2, 0]
    np.testing.assert_allclose([s for _, s in ranked], [0.6, 0.3, 0.1])
    assert evaluation.top_classes(np.array([1.0, 3.0]), 1) == [(1, 0.75)]


TINY_LABELS = np.array([0, 1, 1, 0])
TINY_OUTPUTS = np.array([[0.905, 0.095], [0.615, 0.385], [0.295, 0.705], [0.505, 0.495]])  # right, wrong, right, right


def test_threshold_curve_against_a_hand_count():
    thresholds, answered, accuracy = evaluation.threshold_curve(TINY_LABELS, TINY_OUTPUTS)
    confidence, right = [0.905, 0.615, 0.705, 0.505], [True, False, True, True]
    assert len(thresholds) == 100 and thresholds[55] == 0.55
    for t, share, acc in zip(thresholds, answered, accuracy):
        chosen = [r for c, r in zip(confidence, right) if c >= t]
        assert share == len(chosen) / 4
        assert (np.isnan(acc) and not chosen) or acc == pytest.approx(sum(chosen) / len(chosen))
    assert (answered[55], accuracy[55]) == (0.75, pytest.approx(2 / 3))


def test_threshold_summary_says_the_counts():
    text = evaluation.threshold_summary(TINY_LABELS, TINY_OUTPUTS, 0.55)
    assert "answers 75.0% of the test images (3 of 4)" in text and "66.67% of those" in text
    assert "the other 1 " in text
    assert "to every test image" in evaluation.threshold_summary(TINY_LABELS, TINY_OUTPUTS, 0.95)


# ------------------------------------------------------------------ inside


def test_first_layer_pictures_of_grey_and_colour_images():
    grey = inside.first_layer_pictures(Network([64, 16, 10]), (8, 8))
    assert grey.shape == (16, 8, 8, 3) and grey.min() >= 0 and grey.max() <= 1
    colour_net = Network([3072, 5, 10])
    colour = inside.first_layer_pictures(colour_net, (32, 32, 3), count=3)
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
    x = np.random.default_rng(1).random((7, 64), dtype=np.float32)
    np.testing.assert_allclose(manual_layers(network, x, 1), np.tanh(x @ network.weights[0] + network.biases[0]),
                               rtol=1e-5)
    for k in (1, 2, 3):
        np.testing.assert_allclose(inside.layer_activations(network, x, k), manual_layers(network, x, k), rtol=1e-6)
    np.testing.assert_allclose(inside.layer_activations(network, x, 3), network.forward(x), rtol=1e-6)


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


# ------------------------------------------------------------------ figures

NAMES = ["<b>cat</b>", "dog", "50%"]
ESCAPED = ["&lt;b&gt;cat&lt;/b&gt;", "dog", "50&#37;"]


def test_curves_figure_carries_the_history_and_batch_curve():
    history = [{"epoch": 1, "train_cost": 0.9, "test_cost": 1.0, "train_accuracy": 0.5, "test_accuracy": 0.4},
               {"epoch": 2, "train_cost": 0.5, "test_cost": 0.7, "train_accuracy": 0.8, "test_accuracy": 0.7}]
    figure = figures.curves_figure(history, [[0.5, 1.2], [1.0, 0.8]])
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name["batch cost (mean)"].x) == [0.5, 1.0]
    assert list(by_name["batch cost (mean)"].y) == [1.2, 0.8]
    assert list(by_name["test accuracy"].x) == [1, 2] and list(by_name["test accuracy"].y) == [0.4, 0.7]
    assert list(by_name["train cost"].y) == [0.9, 0.5]
    assert len(figures.curves_figure(history, []).data) == 4


def test_a_figure_before_its_data_says_what_will_appear_instead_of_empty_axes():
    from playground.app.ui.waiting import waiting_figure

    empty = figures.curves_figure([], [])  # training not started: no −1…6 × −1…4 axes
    assert not empty.data and empty.layout.xaxis.visible is False and empty.layout.yaxis.visible is False
    assert empty.layout.annotations[0].text == figures.CURVES_WAITING and empty.layout.height == 400
    waiting = waiting_figure("the map appears here", 460)
    assert waiting.layout.annotations[0].text == "the map appears here" and waiting.layout.height == 460


def test_confusion_figure_counts_and_normalised():
    matrix = np.array([[8, 2, 0], [1, 3, 0], [0, 0, 0]])
    counts = figures.confusion_figure(matrix, NAMES)
    heat = counts.data[0]
    np.testing.assert_array_equal(heat.customdata, matrix)
    assert list(heat.x) == ESCAPED and list(heat.y) == ESCAPED
    assert [list(row) for row in heat.text] == [["8", "2", "0"], ["1", "3", "0"], ["0", "0", "0"]]
    np.testing.assert_array_equal(heat.z, [[np.nan, 0.2, 0], [0.25, np.nan, 0], [0, 0, np.nan]])
    shares = figures.confusion_figure(matrix, NAMES, normalised=True).data[0]
    assert [list(row) for row in shares.text] == [["80%", "20%", "0%"], ["25%", "75%", "0%"], ["0%", "0%", "0%"]]


def test_per_class_figure():
    bar = figures.per_class_figure(np.array([0.9, 0.5, 0.25]), NAMES).data[0]
    assert list(bar.x) == ESCAPED and list(bar.y) == [0.9, 0.5, 0.25]
    assert list(bar.text) == ["90.0%", "50.0%", "25.0%"]


def test_map_figure_one_trace_per_class_with_indices():
    points = np.arange(12, dtype=float).reshape(6, 2)
    labels = np.array([0, 1, 0, 2, 1, 0])
    figure = figures.map_figure(points, labels, NAMES, "map of <i>x</i>")
    assert [trace.name for trace in figure.data] == ESCAPED
    cats = figure.data[0]
    assert list(cats.customdata) == [0, 2, 5] and list(cats.x) == [0, 4, 10] and list(cats.y) == [1, 5, 11]
    assert "<i>" not in figure.layout.title.text


def test_robustness_figure():
    curves = {"rotation °": ([0, 10], [0.9, 0.8]), "shift px": ([0, 1, 2], [0.9, 0.7, 0.5])}
    figure = figures.robustness_figure(curves)
    assert [(list(t.x), list(t.y)) for t in figure.data] == [([0, 10], [0.9, 0.8]), ([0, 1, 2], [0.9, 0.7, 0.5])]


def test_threshold_figure():
    curve = evaluation.threshold_curve(TINY_LABELS, TINY_OUTPUTS)
    figure = figures.threshold_figure(*curve, 0.55)
    np.testing.assert_array_equal(figure.data[0].x, curve[0])
    np.testing.assert_array_equal(figure.data[0].y, curve[1])
    np.testing.assert_array_equal(figure.data[1].y, curve[2])
    assert figure.layout.shapes[0].x0 == 0.55


# ------------------------------------------------------------------ pictures


def decode_png(raw: bytes) -> np.ndarray:
    """A PNG (8-bit grey or RGB, filter 0, as pictures writes) decoded by hand; checks the CRCs."""
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, []
    while position < len(raw):
        (length,) = struct.unpack(">I", raw[position:position + 4])
        kind, data = raw[position + 4:position + 8], raw[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", raw[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks.append((kind, data))
        position += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[0][1])
    channels = {0: 1, 2: 3}[colour]
    assert depth == 8
    rows = np.frombuffer(zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT")), np.uint8)
    rows = rows.reshape(height, 1 + width * channels)
    assert not rows[:, 0].any()  # filter "none" on every row
    pixels = rows[:, 1:].reshape(height, width, channels)
    return pixels[..., 0] if channels == 1 else pixels


@pytest.mark.parametrize("shape", [(5, 7), (6, 4, 3)])
def test_png_bytes_decode_to_the_same_pixels(shape):
    image = np.random.default_rng(4).random(shape, dtype=np.float32)
    decoded = decode_png(png_bytes(image))
    np.testing.assert_array_equal(decoded, np.rint(image * 255).astype(np.uint8))
    np.testing.assert_array_equal(decoded, to_bytes(image))
    with pytest.raises(ValueError):
        png_bytes(np.zeros((4, 4, 4)))


def test_grid_tiles_row_by_row():
    images = np.random.default_rng(5).random((5, 8, 8), dtype=np.float32)
    tiled = grid(images, columns=3)
    assert tiled.shape == (18, 28)
    np.testing.assert_array_equal(tiled[10:18, 10:18], images[4])
    assert (tiled[8:10] == 1.0).all() and (tiled[10:, 20:] == 1.0).all()  # padding, and the empty sixth cell
    assert grid(np.zeros((5, 8, 8, 3)), columns=3).shape == (18, 28, 3)


# ------------------------------------------------------------------ the job store


def test_job_store_values(store):
    store.put("a:1", {"x": [1, 2]})
    assert store.get("a:1") == {"x": [1, 2]} and store.get("missing", 7) == 7
    store.put_bytes("a:2", b"\x00\xff")
    assert store.get_bytes("a:2") == b"\x00\xff" and store.get_bytes("missing") is None
    assert store.add("b:1", 1, seconds=60) and not store.add("b:1", 2, seconds=60)
    assert store.get("b:1") == 1
    assert store.count("a:") == 2 and store.count("b:") == 1
    store.delete("a:1")
    assert store.get("a:1") is None and store.count("a:") == 1


def test_job_store_values_expire(store):
    store.put("short", 1, seconds=0.2)
    store.put("long", 1)
    assert store.get("short") == 1
    wait_until(lambda: store.get("short") is None)
    assert store.get("short") is None and store.count("short") == 0 and store.get("long") == 1
    assert store.add("short", 2, seconds=60)  # an expired key can be claimed again


@pytest.mark.parametrize("key", [None, "", "../x", "a" * 500, "a" * 19, "a" * 65, "abc/def-0123456789abcd", 12345])
def test_bad_session_keys_are_refused(key):
    with pytest.raises(ValueError, match="session key"):
        check_session_key(key)


def test_only_keys_the_server_issued_pass():
    fresh = new_session_key()
    assert check_session_key(fresh) == fresh
    with pytest.raises(ValueError, match="not issued by this server"):
        check_session_key("a" * 64)


# ------------------------------------------------------------------ the training job


def wait_until(condition, seconds: float = 20.0) -> None:
    """Poll ``condition`` until it holds (AssertionError after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def wait_for(store, predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = job_status(store, KEY) or {}
        if predicate(status):
            return status
        time.sleep(0.02)
    raise AssertionError(f"timed out; the status is {status}")


def in_thread(job):
    result = []
    thread = threading.Thread(target=lambda: result.append(run_job(KEY, job, background=False)), daemon=True)
    thread.start()
    return thread, result


def test_a_job_trains_and_leaves_a_model_that_scores_as_reported(store):
    config = {**DIGITS, "epochs": 4}
    job, problem = start_job(store, KEY, config)
    assert problem is None and job_status(store, KEY)["state"] == "queued"
    assert run_job(KEY, job, background=False) == "done"
    status = job_status(store, KEY)
    assert status["state"] == "done" and status["message"].startswith("done: 4 epochs")
    assert [h["epoch"] for h in status["history"]] == [1, 2, 3, 4]
    network = load_network_bytes(models.model_bytes(store, KEY))
    data = load_data(check_config(config))
    accuracy = network.accuracy(data.test_inputs, data.test_labels)
    about = store.get(key_of("about", KEY))
    assert accuracy == pytest.approx(status["test_accuracy"]) == pytest.approx(about["test_accuracy"])
    assert accuracy > 0.8 and about["job"] == job
    predictions = models.bytes_array(store.get_bytes(key_of("predictions", KEY)))
    assert np.mean(predictions.argmax(axis=1) == data.test_labels) == pytest.approx(accuracy, abs=0.01)
    assert run_job(KEY, job, background=False) == "refused"  # a finished job does not run again


def test_the_next_job_can_start_as_soon_as_one_ends_and_the_landscape_slice_takes_its_network(store):
    from playground.app.pages.landscape.slice_logic import image_page_slice_inputs

    with pytest.raises(ValueError, match="no network"):
        image_page_slice_inputs(KEY, 100)
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert run_job(KEY, job, background=False) == "done"
    again, problem = start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert problem is None and again != job
    network, inputs, labels, what = image_page_slice_inputs(KEY, 100)
    assert network.layer_sizes[0] == 64 and inputs.shape == (100, 64) and len(labels) == 100
    assert "image page" in what and "digits" in what


def test_a_second_job_is_refused_while_one_is_running(store):
    job, _ = start_job(store, KEY, DIGITS)
    store.put(key_of("status", KEY), {**store.get(key_of("status", KEY)), "state": "running", "updated": time.time()})
    again, problem = start_job(store, KEY, DIGITS)
    assert again is None and "already" in problem and "training" in problem


def test_a_full_server_refuses_a_new_job(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "jobs=1")
    store.put(slots.running_key("another-session-0123456789"), "a landscape slice", seconds=60)
    job, problem = start_job(store, KEY, DIGITS)
    assert job is None and "busy" in problem


def test_bad_settings_are_refused_before_a_job_is_claimed(store):
    with pytest.raises(ValueError, match="epochs"):
        start_job(store, KEY, {**DIGITS, "epochs": 0})
    assert store.get(key_of("status", KEY)) is None


def test_a_job_that_was_not_claimed_is_refused(store):
    assert run_job(KEY, "123.456", background=False) == "refused"
    job, _ = start_job(store, KEY, DIGITS)
    assert run_job(KEY, job + "0", background=False) == "refused"
    assert job_status(store, KEY)["state"] == "queued"


def test_pause_holds_the_job_and_resume_finishes_it(store):
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    thread, result = in_thread(job)
    wait_for(store, lambda s: s.get("state") == "running")
    assert control_job(store, KEY, "pause") == "pausing…"
    paused = wait_for(store, lambda s: s.get("state") == "paused")

    def held_a_while() -> bool:  # the page polls (its heartbeat) while the job holds, for several report periods
        status = job_status(store, KEY)
        assert status["state"] == "paused" and status["progress"] == paused["progress"]
        return time.time() - paused["updated"] > 4 * training.REPORT_SECONDS

    wait_until(held_a_while)
    later = job_status(store, KEY)
    assert later["state"] == "paused" and later["progress"] == paused["progress"]
    assert len(later["history"]) == len(paused["history"]) < 200
    control_job(store, KEY, "resume")
    thread.join(60)
    status = job_status(store, KEY)
    assert result == ["done"] and status["state"] == "done" and len(status["history"]) == 200
    assert status["progress"]["epoch"] == 200


def test_stop_ends_the_job_early_and_keeps_its_model(store):
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    thread, result = in_thread(job)
    wait_for(store, lambda s: s.get("state") == "running")
    control_job(store, KEY, "stop")
    thread.join(60)
    status = job_status(store, KEY)
    assert result == ["stopped"] and status["message"].startswith("stopped after")
    assert len(status["history"]) < 200 and models.model_bytes(store, KEY) is not None
    assert control_job(store, KEY, "stop") == "no job is training in this session"


def test_a_job_whose_page_went_away_stops_itself(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "job_heartbeat_seconds=0.4")
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    started = time.monotonic()
    assert run_job(KEY, job, background=False) == "abandoned"  # nobody polls: no heartbeat
    status = store.get(key_of("status", KEY))
    assert "page went away" in status["message"] and len(status["history"]) < 200
    assert time.monotonic() - started < 10


def test_a_job_whose_process_died_is_marked_failed_and_the_session_can_start_again(store):
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 2})
    status = store.get(key_of("status", KEY))
    # What a killed worker leaves: a running job, last heard of long ago, whose mark has expired.
    status.update(state="running", updated=time.time() - 2 * training.RUNNING_SECONDS, progress={"epoch": 3})
    store.put(key_of("status", KEY), status)
    shown = job_status(store, KEY)
    assert shown["state"] == "failed" and "stopped at epoch 3" in shown["message"]
    assert "Press train to start again" in shown["message"]
    job, problem = start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert problem is None and run_job(KEY, job, background=False) == "done"


def test_a_job_nobody_picks_up_says_it_waits_for_a_worker(store):
    start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert job_status(store, KEY)["message"] == "starting…"
    status = store.get(key_of("status", KEY))
    store.put(key_of("status", KEY), {**status, "updated": time.time() - 2 * training.QUEUED_SECONDS})
    shown = job_status(store, KEY)
    assert shown["state"] == "queued" and "waiting for a free worker" in shown["message"]


def test_a_working_job_keeps_its_running_mark_while_its_process_lives(store, monkeypatch):
    monkeypatch.setattr(training, "RUNNING_SECONDS", 0.4)
    monkeypatch.setattr(slots, "RUNNING_SECONDS", 0.4)
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    thread, result = in_thread(job)
    running = wait_for(store, lambda s: s.get("state") == "running")

    def well_past_the_marks_life() -> bool:  # the marker thread renews it all along
        assert store.get(slots.running_key(KEY)) == "training on images" and job_status(store, KEY)["state"] == "running"
        return time.time() - running["updated"] > 3 * training.RUNNING_SECONDS

    wait_until(well_past_the_marks_life)
    control_job(store, KEY, "stop")
    thread.join(60)
    assert result == ["stopped"] and store.get(slots.running_key(KEY)) is None


def test_shuffled_labels_leave_test_accuracy_at_chance(store):
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 10, "shuffled_labels": True})
    assert run_job(KEY, job, background=False) == "done"
    assert job_status(store, KEY)["test_accuracy"] < 0.3


# ------------------------------------------------------------------ routes


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from playground.app.main import create_app

    with pytest.MonkeyPatch.context() as patch:  # create_app makes its callback cache in the jobs folder
        patch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path_factory.mktemp("app-jobs")))
        return create_app().server


@pytest.fixture
def client(server, store):
    return server.test_client()


def give_model(store, network, data):
    about = {"data": "digits", "class_names": list(data.class_names), "image_shape": [8, 8], "job": "test"}
    models.save_model(store, KEY, network, network.forward(data.test_inputs), about)


def drawing(key=KEY, side=28, ink=True):
    canvas = np.zeros((side, side), np.uint8)
    if ink:
        canvas[4:24, 12:16] = 255  # a "1"
    return {"key": key, "side": side, "pixels": base64.b64encode(canvas.tobytes()).decode()}


def test_a_drawing_gets_a_ranking_of_every_class_and_the_steps(client, store, digits_model):
    give_model(store, *digits_model)
    reply = client.post(DRAW_ROUTE, json=drawing())
    assert reply.status_code == 200
    body = reply.get_json()
    names = [name for name, _ in body["ranking"]]
    shares = [share for _, share in body["ranking"]]
    assert sorted(names) == [str(k) for k in range(10)] and sum(shares) == pytest.approx(1)
    assert shares == sorted(shares, reverse=True)
    assert [name for name, _ in body["steps"]] == ["raw", "network"]
    assert body["steps"][0][1]["shape"] == [28, 28] and body["steps"][1][1]["shape"] == [8, 8]


def test_a_blank_drawing_gets_a_message(client, store, digits_model):
    give_model(store, *digits_model)
    reply = client.post(DRAW_ROUTE, json=drawing(ink=False))
    assert reply.status_code == 400 and "blank" in reply.get_json()["error"]


def test_a_drawing_without_a_model_or_with_a_bad_key_is_400(client):
    reply = client.post(DRAW_ROUTE, json=drawing())
    assert reply.status_code == 400 and "no network yet" in reply.get_json()["error"]
    reply = client.post(DRAW_ROUTE, json=drawing(key="../x"))
    assert reply.status_code == 400 and "session key" in reply.get_json()["error"]
    reply = client.post(DRAW_ROUTE, json={**drawing(), "side": 5})
    assert reply.status_code == 400 and "side" in reply.get_json()["error"]


def upload(client, raw, data="digits", key=KEY):
    return client.post(MODEL_ROUTE, query_string={"key": key, "data": data}, data=raw,
                       content_type="application/octet-stream")


def test_a_garbage_upload_is_refused_and_the_model_is_kept(client, store, digits_model):
    give_model(store, *digits_model)
    before = models.model_bytes(store, KEY)
    reply = upload(client, b"this is not a model file" * 10)
    assert reply.status_code == 400 and "not a model file" in reply.get_json()["error"]
    assert models.model_bytes(store, KEY) == before


def test_a_visitor_is_told_a_data_set_is_missing_without_the_servers_paths(client, store, monkeypatch, tmp_path):
    hidden = tmp_path / "the-servers-own-folder"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(hidden))
    error = upload(client, b"x", data="mnist").get_json()["error"]
    assert "not downloaded on this server" in error and "playground download mnist" in error
    assert "the-servers-own-folder" not in error and "/" not in error


def test_a_model_for_another_data_set_is_refused_naming_the_shapes(client, store):
    reply = upload(client, network_bytes(Network([784, 10])))
    error = reply.get_json()["error"]
    assert reply.status_code == 400 and "784 inputs" in error and "64 pixels" in error
    assert models.model_bytes(store, KEY) is None


def test_a_valid_upload_becomes_the_sessions_model(client, store, digits_model):
    network, data = digits_model
    reply = upload(client, network_bytes(network))
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["test_accuracy"] == pytest.approx(network.accuracy(data.test_inputs, data.test_labels), abs=1 / 360)
    stored = load_network_bytes(models.model_bytes(store, KEY))
    for mine, theirs in zip(stored.parameters(), network.parameters()):
        np.testing.assert_array_equal(mine, theirs)
    assert store.get(key_of("about", KEY))["job"] == body["job"] and body["job"].startswith("upload-")


class CountingStream(io.RawIOBase):
    """An endless body that counts what is read of it."""

    def __init__(self) -> None:
        self.taken = 0

    def read(self, size=-1):
        size = 1 << 16 if size is None or size < 0 else size
        self.taken += size
        return b"\x00" * size


def test_a_body_over_the_limit_is_refused_unread(server, store):
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=MODEL_ROUTE, method="POST", query_string={"key": KEY, "data": "digits"}).get_environ()
    stream = CountingStream()
    environ.update({"wsgi.input": stream, "CONTENT_LENGTH": str(current_limits().model_upload_bytes + 1)})
    statuses = []
    body = b"".join(server.wsgi_app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses[0].startswith("413") and b"at most" in body and stream.taken == 0


def test_the_model_routes_limit_is_the_one_in_force(client, store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "model_upload_bytes=1000")
    reply = upload(client, b"\x00" * 5000)
    assert reply.status_code == 413 and "1,000" in reply.get_json()["error"]


# ---------------------------------------------------------------------- conv networks on the page


def test_a_conv_spec_is_a_recipe_and_too_much_work_or_a_pool_too_big_is_refused():
    recipe = check_config({**DEFAULT_CONFIG, "layers": "conv8x3,pool2,32"})
    assert recipe.layers == "conv8x3,pool2,32" and recipe.standardize is False
    with pytest.raises(ValueError, match="multiply-adds"):
        check_config({**DEFAULT_CONFIG, "data": "cifar-10", "layers": "conv64x9,conv64x9"})
    with pytest.raises(ValueError, match="'pool9'"):
        check_config({**DEFAULT_CONFIG, "layers": "pool9"})


def test_a_conv_network_shows_its_filters_feature_maps_and_layers():
    from playground.engine import Network

    network = Network.from_spec("conv6x3,pool2,16", (8, 8, 1), 10, seed=0)
    filters = inside.first_layer_pictures(network, (8, 8), 64)
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
    assert inside.first_layer_pictures(colour, (32, 32, 3), 64).shape == (4, 3, 3, 3)


def test_filters_are_enlarged_pixel_for_pixel_and_captioned():
    network = Network.from_spec("conv6x3,pool2,16", (8, 8, 1), 10, seed=0)
    filters = inside.first_layer_pictures(network, (8, 8), 64)
    big = inside.enlarged(filters)
    assert big.shape == (6, 24, 24, 3)
    np.testing.assert_array_equal(big[:, ::8, ::8], filters)  # each weight a clean 8×8 square
    np.testing.assert_array_equal(big[:, 7::8, 7::8], filters)
    assert inside.enlarged(np.zeros((2, 28, 28)), 24).shape == (2, 28, 28)  # big enough already
    caption = inside.first_layer_caption(network, 6)
    assert "6 filters (3×3×1)" in caption and "feature map" in caption and "Red weights" in caption
    colour = Network.from_spec("conv4x5,16", (32, 32, 3), 10, seed=0)
    assert "each colour channel's weights".lower() in inside.first_layer_caption(colour, 4).lower()
    dense = inside.first_layer_caption(Network([64, 100, 10]), 64)
    assert "first layer's 100 nodes (the first 64)" in dense


def test_a_conv_job_trains_on_the_page(store):
    job, problem = start_job(store, KEY, {**DIGITS, "layers": "conv4x3,pool2,16", "epochs": 3})
    assert problem is None
    assert run_job(KEY, job, background=False) == "done"
    network = load_network_bytes(models.model_bytes(store, KEY))
    assert network.layers[0].kind == "conv2d"
    assert store.get(key_of("about", KEY))["test_accuracy"] > 0.7


def test_a_sessions_model_is_kept_in_the_job_store_under_its_key(store, digits_model):
    """server.models: the model, its test-set outputs (float16) and what it was trained on, per session."""
    network, data = digits_model
    assert models.load_model(store, KEY) is None and models.model_about(store, KEY) is None
    give_model(store, network, data)
    loaded, outputs, about = models.load_model(store, KEY)
    for mine, theirs in zip(loaded.parameters(), network.parameters()):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_allclose(outputs, network.forward(data.test_inputs), atol=1e-3)  # kept as float16
    assert outputs.dtype == np.float32 and about["job"] == "test"
    assert models.load_model(store, "another-session-0123456789") is None  # no session sees another's
    assert key_of("model", KEY) == f"images:model:{KEY}"


def test_a_job_the_store_lost_is_said_to_be_lost_and_stays_said(store):
    """A Redis restarted without its data forgets a running job: the page that was following it
    says so (and keeps saying so), instead of going blank about it."""
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 3})
    shown = {**job_status(store, KEY), "state": "running"}
    for part in ("status", "claim", "heartbeat"):
        store.delete(key_of(part, KEY))  # what a restarted Redis holds of it: nothing
    lost = training.followed_status(store, KEY, shown)
    assert lost["state"] == "failed" and "lost this job" in lost["message"] and "press train" in lost["message"]
    assert training.followed_status(store, KEY, lost) == lost  # still said on the next poll
    assert start_job(store, KEY, {**DIGITS, "epochs": 3})[1] is None  # and a new one can start
    assert training.followed_status(store, KEY, None)["state"] == "queued"


def test_a_float64_upload_is_kept_as_float32_at_half_the_size(client, store, digits_model):
    network, data = digits_model
    wide = network.copy(np.float64)
    assert upload(client, network_bytes(wide)).status_code == 200
    kept = load_network_bytes(models.model_bytes(store, KEY))
    assert kept.dtype == np.float32 and len(models.model_bytes(store, KEY)) < 0.6 * len(network_bytes(wide))
    assert np.allclose(kept.forward(data.test_inputs), wide.forward(data.test_inputs), atol=1e-5)
