"""The landscape page's pure parts: walks and their steps, readouts, figures, the race, the slice's inputs."""

import base64
import subprocess
import sys

import numpy as np
import pytest

from playground.app import session
from playground.app import state as states
from playground.app.pages.landscape.figures import (
    OVERLAY_PATH,
    PATH,
    contour_figure,
    path_overlay_figure,
    race_figures,
    slice_figures,
    surface_figure,
)
from playground.app.pages.landscape.logic import (
    axes,
    curvature,
    curvature_text,
    network_surface,
    new_walk,
    reset,
    step,
)
from playground.app.pages.landscape.race_logic import parse_rates, parse_start, run_race
from playground.app.pages.landscape.slice_logic import model_slice_inputs
from playground.engine.race import Runner, descend
from playground.engine.surfaces import SURFACES

SETTINGS = {**session.DEFAULT_SETTINGS, "learn_rate": 0.5, "batch_size": 20}


def session_state():
    data, network = session.initial_state()
    return data, network


def test_a_walk_starts_at_the_networks_values_and_costs():
    data, network = session_state()
    walk = new_walk("network", network, data, ["W", 2, 1, 0], ["b", 1, 2], span=2.0, settings=SETTINGS)
    net = states.network_from_dict(network)
    assert walk["centre"] == [float(net.weights[1][1, 0]), float(net.biases[0][2])]
    dataset = states.data_from_dict(data)
    assert walk["path"][0][2] == pytest.approx(net.cost(dataset.train_inputs, dataset.train_labels))
    xs, ys = axes(walk)
    assert xs[0] == pytest.approx(walk["centre"][0] - 2) and len(xs) == 40


def test_a_step_moves_only_the_two_parameters_by_the_optimizers_rule():
    data, network = session_state()
    walk = new_walk("network", network, data, ["W", 1, 0, 1], ["b", 2, 0], settings=SETTINGS)
    moved, new_network, batch = step(walk, network, data, SETTINGS)
    before, after = states.network_from_dict(network), states.network_from_dict(new_network)
    # The oracle: the batch's backprop gradient, one SGD step, on those two numbers only.
    dataset = states.data_from_dict(data)
    targets = before.one_hot(dataset.train_labels[batch], len(batch))
    gradients, _ = before.backpropagate(dataset.train_inputs[batch].astype(np.float32), targets)
    expected_w = before.weights[0][0, 1] - 0.5 * gradients[0][0][0, 1]
    expected_b = before.biases[1][0] - 0.5 * gradients[1][1][0]
    assert after.weights[0][0, 1] == pytest.approx(expected_w, rel=1e-6)
    assert after.biases[1][0] == pytest.approx(expected_b, rel=1e-6)
    changed = [np.flatnonzero(a.ravel() != b.ravel()).size for a, b in zip(before.parameters(), after.parameters())]
    assert changed == [1, 0, 0, 1]
    assert moved["steps"] == 1 and len(moved["path"]) == 2 and len(batch) == 20
    back, restored = reset(moved, new_network)
    assert states.network_from_dict(restored).weights[0][0, 1] == before.weights[0][0, 1]
    assert len(back["path"]) == 1 and back["steps"] == 0


def test_training_everything_moves_every_parameter_and_keeps_the_vectors():
    data, network = session_state()
    walk = new_walk("network", network, data, train_all=True, settings=SETTINGS)
    for _ in range(3):
        walk, network, _ = step(walk, network, data, SETTINGS)
    assert walk["steps"] == 3 and len(walk["vectors"]) == 4
    assert walk["trainer"]["position"] == 60


def test_a_classic_surface_walk_is_the_engines_descent():
    walk = new_walk("ravine", None, None)
    settings = {**SETTINGS, "optimizer": "momentum", "learn_rate": 0.02, "momentum": 0.9}
    for _ in range(5):
        walk, _, _ = step(walk, None, None, settings)
    run = descend(SURFACES["ravine"].value_and_gradient, SURFACES["ravine"].start, Runner("momentum", 0.02, 0.9), 5)
    np.testing.assert_allclose([p[:2] for p in walk["path"]], run.path)
    bowl = new_walk("bowl", None, None)
    for _ in range(200):
        bowl, _, _ = step(bowl, None, None, {**SETTINGS, "optimizer": "sgd", "learn_rate": 5.0})
    assert bowl["message"].startswith("diverged") and np.abs(bowl["path"][-1][:2]).max() <= 1e6


def test_the_curvature_of_the_bowl_and_what_it_says_about_the_learn_rate():
    walk = new_walk("bowl", None, None)
    values = curvature(walk, None, None, {**SETTINGS, "optimizer": "sgd"})
    np.testing.assert_allclose(values["eigenvalues"], [1, 3], rtol=1e-6)
    assert values["limit"] == pytest.approx(2 / 3, rel=1e-6) and not values["saddle"]
    assert "above it" in curvature_text(values, 0.7) and "below it" in curvature_text(values, 0.5)
    saddle = curvature(new_walk("saddle", None, None), None, None, SETTINGS)
    assert saddle["saddle"] and "a saddle" in curvature_text(saddle, 0.1)
    data, network = session_state()
    on_network = curvature(new_walk("network", network, data, settings=SETTINGS), network, data, SETTINGS)
    assert np.allclose(on_network["hessian"], np.array(on_network["hessian"]).T)


def test_the_surface_figures_show_the_costs_and_the_path():
    data, network = session_state()
    walk = new_walk("network", network, data, settings=SETTINGS)
    costs = network_surface(walk, network, data, SETTINGS)
    xs, ys = axes(walk)
    path = [[xs[3], ys[4], 0.5], [xs[5], ys[6], 0.4]]
    surface = surface_figure(xs, ys, costs, path, "W[1][0,0]", "b[1][0]")
    np.testing.assert_allclose(np.asarray(surface.data[0].z), costs)
    assert list(surface.data[PATH].x) == [xs[3], xs[5]] and surface.layout.scene.xaxis.title.text == "W[1][0,0]"
    contour = contour_figure(xs, ys, costs, path, "a", "b", log=True, with_path=False)
    np.testing.assert_allclose(np.asarray(contour.data[0].z), np.log10(costs))
    assert len(contour.data) == 1
    overlay = path_overlay_figure(xs, ys, path)
    assert list(overlay.layout.xaxis.range) == list(contour.layout.xaxis.range)
    assert overlay.layout.margin == contour.layout.margin and list(overlay.data[OVERLAY_PATH].y) == [ys[4], ys[6]]


def test_the_race_runs_five_optimizers_and_names_the_winner():
    data, network = session_state()
    walk = new_walk("network", network, data, settings=SETTINGS)
    xs, ys, costs, runs, labels, summary, titles = run_race("ravine", "optimizers", "0.19, 0.02, 0.02, 0.1, 0.3",
                                                            "sgd", 100, "", walk, network, data, SETTINGS)
    assert len(runs) == 5 and [run.runner.optimizer for run in runs] == ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
    assert "first to the lowest cost" in summary and costs.shape == (80, 80)
    contour, surface, cost = race_figures(xs, ys, costs, runs, labels, *titles)
    assert len(contour.data) == 6 and len(surface.data) == 6 and len(cost.data) == 5
    rates = run_race("network", "rates", "0.1, 1", "sgd", 20, "", walk, network, data, SETTINGS)
    assert len(rates[3]) == 2 and rates[3][0].path[0] == walk["path"][-1][:2]
    with pytest.raises(ValueError, match="5 are needed"):
        parse_rates("0.1, 0.2", 5)
    with pytest.raises(ValueError, match="not a number"):
        parse_rates("0.1, fast")
    assert parse_start("-1, 2", (0, 0)) == (-1.0, 2.0) and parse_start("", (3, 4)) == (3, 4)
    with pytest.raises(ValueError, match="two numbers"):
        parse_start("1", (0, 0))


def test_the_slice_takes_a_saved_model_on_its_data_set(tmp_path):
    model = tmp_path / "digits.npz"
    run = subprocess.run([sys.executable, "-m", "playground.cli", "train", "--data", "digits", "--epochs", "2",
                          "--save", str(model), "--quiet"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    contents = "data:application/octet-stream;base64," + base64.b64encode(model.read_bytes()).decode()
    network, inputs, labels, what = model_slice_inputs(contents, "digits.npz", "digits", 100)
    assert inputs.shape == (100, 64) and len(labels) == 100 and "digits.npz" in what
    garbage = "data:application/octet-stream;base64," + base64.b64encode(b"not a model").decode()
    with pytest.raises(ValueError, match="digits.npz: not a model file"):
        model_slice_inputs(garbage, "digits.npz", "digits", 100)
    xor = tmp_path / "xor.npz"
    subprocess.run([sys.executable, "-m", "playground.cli", "train", "--data", "xor", "--epochs", "1", "--save",
                    str(xor), "--quiet"], capture_output=True, timeout=120)
    contents = "data:application/octet-stream;base64," + base64.b64encode(xor.read_bytes()).decode()
    with pytest.raises(ValueError, match="does not fit digits"):
        model_slice_inputs(contents, "xor.npz", "digits", 100)


def test_slice_figures_put_the_network_at_the_centre():
    alphas = np.linspace(-1, 1, 5)
    costs = np.add.outer(alphas**2, alphas**2) + 0.1
    surface, contour = slice_figures(alphas, alphas, costs, log=True)
    np.testing.assert_allclose(np.asarray(surface.data[0].z), np.log10(costs))
    assert list(contour.data[1].x) == [0] and list(contour.data[1].y) == [0]


def test_the_landscape_command_writes_a_slice_and_refuses_what_does_not_fit(tmp_path):
    model = tmp_path / "digits.npz"
    subprocess.run([sys.executable, "-m", "playground.cli", "train", "--data", "digits", "--epochs", "2", "--save",
                    str(model), "--quiet"], capture_output=True, timeout=120)

    def landscape(*args):
        return subprocess.run([sys.executable, "-m", "playground.cli", "landscape", "--model", str(model), *args],
                              capture_output=True, text=True, timeout=180)

    run = landscape("--data", "digits", "--steps", "11", "--output", str(tmp_path / "slice.html"))
    assert run.returncode == 0, run.stderr
    assert "cost at the network" in run.stdout and (tmp_path / "slice.html").stat().st_size > 100_000
    html = (tmp_path / "slice.html").read_text()
    assert "plotly" in html.lower() and '"type":"surface"' in html.replace(" ", "")
    assert landscape("--data", "digits", "--steps", "10", "--output", str(tmp_path / "x.html")).returncode == 2
    bad = landscape("--data", "xor", "--output", str(tmp_path / "x.html"))
    assert bad.returncode == 2 and "does not fit xor" in bad.stderr
    assert landscape("--data", "digits", "--output", str(tmp_path / "x.txt")).returncode == 2
    png = landscape("--data", "digits", "--steps", "5", "--output", str(tmp_path / "slice.png"), "--log-scale")
    assert png.returncode == 0, png.stderr
    assert (tmp_path / "slice.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
