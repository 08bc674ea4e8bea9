"""The landscape page's pure parts: walks and their steps, readouts, figures, the race, the slice's inputs."""

import base64
import math

import numpy as np
import pytest

from playground.app.main import create_app
from playground.app.pages.landscape.callbacks import moved_network
from playground.app.pages.landscape.figures import (
    OVERLAY_PATH,
    PATH,
    contour_figure,
    path_overlay_figure,
    race_figures,
    surface_figure,
)
from playground.app.pages.landscape.logic import (
    axes,
    curvature,
    curvature_text,
    learn_rate_marks,
    network_surface,
    new_view,
    news,
    started,
    walk_for,
)
from playground.app.pages.landscape.race_logic import parse_rates, parse_start, run_race
from playground.app.pages.landscape.routes import walk as walk_route
from playground.app.pages.landscape.slice_logic import model_slice_inputs
from playground.app.session import model
from playground.engine.race import Runner, descend
from playground.engine.surfaces import SURFACES
from playground.plots.landscape import slice_figures

from helpers.cli import playground

pytestmark = pytest.mark.timeout(300)  # nothing here may hang the run

SETTINGS = {**model.DEFAULT_SETTINGS, "learn_rate": 0.5, "batch_size": 20}


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so the pages' views of the session are registered."""
    return create_app()


def session_state():
    state = model.initial_state()
    return state["data"], state["network"]


def new_walk(
    source: str, network: dict | None, data: dict | None, first=None, second=None, settings=None, **choices
) -> dict:
    """A new walk on the network (or a classic surface), starting where the network is; the walk's
    own learn rate, optimizer and momentum are the settings' (the page's controls set them)."""
    settings = settings or SETTINGS
    walk = {
        **new_view(),
        "source": source,
        "optimizer": settings["optimizer"],
        "learn_rate": settings["learn_rate"],
        "momentum": settings["momentum"],
        **choices,
    }
    if first:
        walk.update(first=first, second=second)
    return started(walk, network, data, settings) if source == "network" else started(walk)


def step(walk: dict, network: dict | None, data: dict | None, settings: dict) -> tuple[dict, dict | None, list | None]:
    """One step of the walk through the page's route: (walk, network after it, the step's batch)."""
    body = {"walk": walk, "steps": 1}
    if walk["source"] == "network":
        body.update(network=network, data=data, settings=settings)
    answer = walk_route(body)
    return walk_after(walk, answer), answer["network"], answer["walk"]["batch"]


def walk_after(held: dict, answer: dict) -> dict:
    """The walk after a step's answer, as the page makes it (``walkAfter`` in assets/landscape.js):
    the answer's new points and vectors after the last ``kept`` the page holds."""

    def grown(items: list, kept: int, added: list) -> list:
        return items[len(items) - kept :] + added

    walk = answer["walk"]
    return {
        **walk,
        "path": grown(held["path"], answer["kept"]["path"], walk["path"]),
        "vectors": grown(held["vectors"], answer["kept"]["vectors"], walk["vectors"]),
    }


def reset(walk: dict, network: dict) -> tuple[dict, dict]:
    """The page's reset: the two parameters back where the walk started, and a new walk from there."""
    restored = moved_network(network, walk, walk["start"])
    return started(walk, restored, *session_state()[:1], SETTINGS), restored


def test_a_walk_starts_at_the_networks_values_and_costs():
    data, network = session_state()
    walk = new_walk("network", network, data, ["W", 2, 1, 0], ["b", 1, 2], span=2.0, settings=SETTINGS)
    net = model.playground_network(network)
    assert walk["centre"] == [float(net.weights[1][1, 0]), float(net.biases[0][2])]
    dataset = model.check_points(data)
    assert walk["path"][0][2] == pytest.approx(net.cost(dataset.train_inputs, dataset.train_labels))
    xs, ys = axes(walk)
    assert xs[0] == pytest.approx(walk["centre"][0] - 2) and len(xs) == 40


def test_a_step_moves_only_the_two_parameters_by_the_optimizers_rule():
    data, network = session_state()
    walk = new_walk("network", network, data, ["W", 1, 0, 1], ["b", 2, 0], settings=SETTINGS)
    moved, new_network, batch = step(walk, network, data, SETTINGS)
    before, after = model.playground_network(network), model.playground_network(new_network)
    # The oracle: the batch's backprop gradient, one SGD step, on those two numbers only.
    dataset = model.check_points(data)
    targets = before.one_hot(dataset.train_labels[batch], len(batch))
    gradients, _ = before.backpropagate(dataset.train_inputs[batch].astype(np.float32), targets)
    # The gradients in parameters() order: W[1], b[1], W[2], b[2].
    expected_w = before.weights[0][0, 1] - 0.5 * gradients[0].gradient[0, 1]
    expected_b = before.biases[1][0] - 0.5 * gradients[3].gradient[0]
    assert after.weights[0][0, 1] == pytest.approx(expected_w, rel=1e-6)
    assert after.biases[1][0] == pytest.approx(expected_b, rel=1e-6)
    changed = [np.flatnonzero(a.ravel() != b.ravel()).size for a, b in zip(before.parameters(), after.parameters())]
    assert changed == [1, 0, 0, 1]
    assert moved["steps"] == 1 and len(moved["path"]) == 2 and len(batch) == 20
    back, restored = reset(moved, new_network)
    assert model.playground_network(restored).weights[0][0, 1] == before.weights[0][0, 1]
    assert len(back["path"]) == 1 and back["steps"] == 0


def test_training_everything_moves_every_parameter_and_keeps_the_vectors():
    data, network = session_state()
    walk = new_walk("network", network, data, train_all=True, settings=SETTINGS)
    for _ in range(3):
        walk, network, _ = step(walk, network, data, SETTINGS)
    assert walk["steps"] == 3 and len(walk["vectors"]) == 4
    assert walk["trainer"]["position"] == 60


def test_each_steps_answer_carries_only_what_is_new_and_the_page_keeps_the_same_path():
    """Step by step (as play asks) the answers stay one point and one vector long, and the walk the
    page makes of them equals the walk of one request for all the steps from the same start."""
    data, network = session_state()
    start = new_walk("network", network, data, train_all=True, settings=SETTINGS)
    walk, stepped = start, network
    for _ in range(30):
        body = {"walk": walk, "network": stepped, "data": data, "settings": SETTINGS, "steps": 1}
        answer = walk_route(body)
        assert len(answer["walk"]["path"]) == 1 and len(answer["walk"]["vectors"]) == 1
        assert answer["kept"] == {"path": len(walk["path"]), "vectors": len(walk["vectors"])}
        assert all(len(move["update"]["x"][0]) == 1 for move in answer["paint"]["restyle"])  # the new point
        walk, stepped = walk_after(walk, answer), answer["network"]
    whole = walk_route({"walk": start, "network": network, "data": data, "settings": SETTINGS, "steps": 30})
    assert whole["kept"] == {"path": 1, "vectors": 1}  # the start's point and vector
    at_once = walk_after(start, whole)
    assert walk["path"] == at_once["path"] and walk["vectors"] == at_once["vectors"]
    assert walk["steps"] == 30 and len(walk["path"]) == 31


def test_news_are_the_new_items_or_all_when_the_old_ones_changed():
    assert news([1, 2, 3], [2, 3, 4, 5], 2) == (2, [4, 5])  # the oldest dropped (the path's cap)
    assert news([1, 2, 3], [1, 3, 4], 1) == (0, [1, 3, 4])  # thinned: sent whole
    assert news([1, 2, 3], [9, 8], 1) == (0, [9, 8])  # a new walk
    assert news([], [7], 0) == (0, [7])


def test_a_classic_surface_walk_is_the_engines_descent():
    settings = {**SETTINGS, "optimizer": "momentum", "learn_rate": 0.02, "momentum": 0.9}
    walk = new_walk("ravine", None, None, settings=settings)
    for _ in range(5):
        walk, _, _ = step(walk, None, None, settings)  # the velocity carried in the walk, request to request
    run = descend(SURFACES["ravine"].value_and_gradient, SURFACES["ravine"].start, Runner("momentum", 0.02, 0.9), 5)
    np.testing.assert_allclose([p[:2] for p in walk["path"]], run.path)
    bowl = new_walk("bowl", None, None, settings={**SETTINGS, "optimizer": "sgd", "learn_rate": 5.0})
    for _ in range(200):
        bowl, _, _ = step(bowl, None, None, SETTINGS)
        if bowl["message"]:
            break
    assert bowl["message"].startswith("diverged") and np.abs(bowl["path"][-1][:2]).max() <= 1e6


def test_the_curvature_of_the_bowl_and_what_it_says_about_the_learn_rate():
    walk = new_walk("bowl", None, None, settings={**SETTINGS, "optimizer": "sgd"})
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
    costs, note = network_surface(walk, network, data, SETTINGS)
    assert note == ""  # the fruit's points are far within the work budget: every one is used
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
    xs, ys, costs, runs, labels, summary, titles = run_race(
        "ravine", "optimizers", "0.19, 0.02, 0.02, 0.1, 0.3", "sgd", 100, "", walk, network, data, SETTINGS
    )
    assert len(runs) == 5 and [run.runner.optimizer for run in runs] == [
        "sgd",
        "momentum",
        "nesterov",
        "rmsprop",
        "adam",
    ]
    assert "Winner: " in summary and "The rule: the lowest cost at the end wins" in summary and costs.shape == (80, 80)
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
    run = playground("train", "--data", "digits", "--epochs", "2", "--save", str(model), "--quiet")
    assert run.returncode == 0, run.stderr
    contents = "data:application/octet-stream;base64," + base64.b64encode(model.read_bytes()).decode()
    network, inputs, labels, what = model_slice_inputs(contents, "digits.npz", "digits", 100)
    assert inputs.shape == (100, 64) and len(labels) == 100 and "digits.npz" in what
    garbage = "data:application/octet-stream;base64," + base64.b64encode(b"not a model").decode()
    with pytest.raises(ValueError, match="digits.npz: not a model file"):
        model_slice_inputs(garbage, "digits.npz", "digits", 100)
    xor = tmp_path / "xor.npz"
    assert playground("train", "--data", "xor", "--epochs", "1", "--save", str(xor), "--quiet").returncode == 0
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
    assert playground("train", "--data", "digits", "--epochs", "2", "--save", str(model), "--quiet").returncode == 0

    def landscape(*args):
        return playground("landscape", "--model", str(model), *args)

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


def test_a_walk_goes_on_where_it_left_off_unless_the_network_moved_meanwhile():
    data, network = session_state()
    walk = new_walk("network", network, data, ["W", 1, 0, 1], ["b", 2, 0], settings=SETTINGS)
    walked, new_network, _ = step(walk, network, data, SETTINGS)
    assert walk_for(walked, new_network, data, SETTINGS) is walked  # the session's walk, as it was
    elsewhere = model.dense_network_json([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", seed=9)
    restarted = walk_for(walked, elsewhere, data, SETTINGS)  # the playground trained or reset it meanwhile
    assert restarted["steps"] == 0 and len(restarted["path"]) == 1 and restarted["first"] == ["W", 1, 0, 1]
    assert walk_for({**new_view(), "path": []}, network, data, SETTINGS)["path"]  # a new session's walk starts here
    with pytest.raises(ValueError, match="needs the network, the points and the settings"):
        walk_route({"walk": walk, "steps": 1})
    with pytest.raises(ValueError, match="request steps"):
        walk_route({"walk": walk, "network": network, "data": data, "settings": SETTINGS, "steps": 10_000})


def test_the_learn_rate_limit_is_marked_on_the_slider_or_at_the_end_it_lies_past():
    """2/λmax on the slider where it falls; past 10 (the fruit network's is in the hundreds) or
    below 1e-4, at that end with an arrow and the value."""
    on = learn_rate_marks(0.67)
    assert on[round(math.log10(0.67), 2)]["label"] == "2/λmax"
    past = learn_rate_marks(190.0)
    assert past[1]["label"] == "2/λmax = 190 →" and not {0, -1, -2} & set(past)  # room for it
    below = learn_rate_marks(2e-6)
    assert below[-4]["label"] == "← 2/λmax = 2e-06"
    assert learn_rate_marks(None) == learn_rate_marks(float("inf")) == learn_rate_marks(-1.0)
    assert "2/λmax" not in str(learn_rate_marks(None))


def test_the_sentence_and_the_slider_mark_write_the_limit_alike():
    """The fruit network's limit read "2/λmax = 2e+02" in the sentence and "196" on the mark."""
    values = {"eigenvalues": [0.001, 2 / 196], "saddle": False, "largest": 2 / 196, "momentum": 0.0}
    values["limit"] = values["momentum_limit"] = 196.0
    assert "2/λmax = 196;" in curvature_text(values, 3.0)
    assert learn_rate_marks(196.0)[1]["label"] == "2/λmax = 196 →"


def test_the_page_slice_is_one_full_pass_per_grid_point_on_one_blas_thread(monkeypatch):
    """The page's slice (``compute_slice``) gives at every grid point the cost of the network
    moved there, computed the obvious way (one forward pass over the images per point, as Li et
    al. do), to float32's precision; and it computes on one BLAS thread, as its speed was measured."""
    from threadpoolctl import threadpool_info

    from playground.app.pages.landscape import slice_logic
    from playground.engine import Network
    from playground.engine.landscape import random_directions

    rng = np.random.default_rng(5)
    network = Network([64, 16, 10], activation="relu", output_activation="softmax", seed=1)
    inputs, labels = rng.random((150, 64), dtype=np.float32), rng.integers(0, 10, 150)
    alphas, betas, costs = slice_logic.compute_slice(network, inputs, labels, 7, 0.8, "filter")
    d1, d2 = random_directions(network, seed=0, normalisation="filter")
    for k, beta in enumerate(betas):
        for j, alpha in enumerate(alphas):
            moved = network.copy()
            for parameter, a, b in zip(moved.parameters(), d1, d2):
                parameter += (alpha * a + beta * b).astype(parameter.dtype)
            assert costs[k, j] == pytest.approx(moved.cost(inputs, labels), rel=2e-5)

    threads = []

    def counting(*args, **kwargs):
        threads.append(max(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"))
        return np.zeros(3), np.zeros(3), np.zeros((3, 3))

    monkeypatch.setattr(slice_logic, "cost_slice", counting)
    slice_logic.compute_slice(network, inputs, labels, 3, 1.0, "filter")
    assert threads == [1]
