"""The 2D playground's pure parts: state round trips, share links, CSV, sliders, training requests."""

import json
from pathlib import Path

import numpy as np
import pytest

from playground.app.main import create_app
from playground.app.pages.playground import TRAIN_ROUTE, layout, logic
from playground.app.pages.playground.figures import node_activation_maps, points_figure
from playground.app.session import model, training
from playground.data.points_csv import PointsCSVError, parse_points_csv
from playground.engine import Network
from playground.engine.persistence import network_to_json

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run

FIXTURES = Path(__file__).with_name("fixtures")
SETTINGS = dict(model.DEFAULT_SETTINGS)  # learn rate 3, batches of 10, plain SGD


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its view of the session (links and files hold them)."""
    return create_app()


def initial() -> tuple[dict, dict]:
    """A new session's points and network."""
    state = model.initial_state()
    return state["data"], state["network"]


def example_state():
    state = model.initial_state()
    state["network"]["layers"][0]["weights"][1][2] = 1.2345678  # a hand-edited weight
    state["data"]["train_inputs"].append([0.5, 0.25])  # a clicked point
    state["data"]["train_labels"].append(1)
    state["settings"] = {**SETTINGS, "learn_rate": 0.75, "play_speed": 5}
    return state


def test_network_round_trip_is_exact_in_float32():
    network = Network([2, 4, 3], activation="relu", output_activation="softmax", cost="cross_entropy", seed=5)
    again = model.playground_network(json.loads(json.dumps(network_to_json(network))))
    for a, b in zip(network.parameters(), again.parameters()):
        assert a.tobytes() == b.tobytes()
    assert again.activations == ["relu"] and again.cost_name == "cross_entropy"


def test_share_link_and_json_file_load_back_exactly():
    state = example_state()
    fragment = model.encode_share(state)
    assert fragment.startswith("s=") and len(fragment) < len(model.state_to_json(state))  # compressed
    for loaded in (model.decode_share("#" + fragment), model.state_from_json(model.state_to_json(state))):
        assert loaded["network"] == state["network"] and loaded["data"] == state["data"]
        assert loaded["settings"] == state["settings"]
        assert loaded["training"] == state["training"] and loaded["views"] == state["views"]
        assert loaded["version"] == model.STATE_VERSION


@pytest.mark.parametrize("text,message", [
    ("#s=AAAA", "damaged or cut short"),
    ("#nothing", "holds no playground state"),
])
def test_broken_links_are_explained(text, message):
    with pytest.raises(model.StateError, match=message):
        model.decode_share(text)


def test_a_truncated_link_is_explained():
    fragment = model.encode_share(example_state())
    with pytest.raises(model.StateError, match="damaged or cut short"):
        model.decode_share(fragment[: len(fragment) // 2])


def test_bad_state_files_are_explained():
    state = example_state()
    with pytest.raises(model.StateError, match="not a playground file"):
        model.state_from_json("{not json")
    with pytest.raises(model.StateError, match="needs data, network and settings"):
        model.state_from_json('{"data": {}}')
    broken = json.loads(model.state_to_json(state))
    broken["network"]["layers"][0]["weights"] = [[1, 2]]
    with pytest.raises(model.StateError, match=r"layer 1 \(dense\): weights have shape \(1, 2\), expected \(2, 3\)"):
        model.check_state(broken)
    broken = json.loads(model.state_to_json(state))
    broken["data"]["train_labels"][0] = 7
    with pytest.raises(model.StateError, match="labels must be whole numbers 0…1"):
        model.check_state(broken)
    broken = json.loads(model.state_to_json(state))
    broken["network"]["layers"][0]["inputs"] = 3  # the old layer_sizes [3, 3, 2]
    with pytest.raises(model.StateError):
        model.check_state(broken)


def test_csv_reader_accepts_the_spec_format():
    inputs, labels, names = parse_points_csv(b"x1,x2,label\n0.1,0.2,0\n1e-1,3,1\n\n-2,0.5,0\n")
    np.testing.assert_allclose(inputs, [[0.1, 0.2], [0.1, 3], [-2, 0.5]], rtol=1e-6)
    assert labels.tolist() == [0, 1, 0] and names == ["0", "1"]
    inputs, labels, names = parse_points_csv("1,2,cat\n3,4,dog\n5,6,cat\n")  # no header, string labels
    assert labels.tolist() == [0, 1, 0] and names == ["cat", "dog"]


@pytest.mark.parametrize("content,message", [
    (b"", "no data rows"),
    (b"x1,x2,label\n", "no data rows"),
    (b"1,2\n", "line 1: expected 3 columns"),
    (b"x1,x2,label\n1,2,0\n1,nan,0\n", r"line 3: x2 = 'nan' is not a number \(finite, within ±3.4e38\)"),
    (b"1,2,0\n1e39,0,1\n", r"line 2: x1 = '1e39' is not a number"),  # inf in float32
    (b"1,2,12\n", "label 12 is out of range"),
    (b"1,2,\n", "line 1: the label is empty"),
    ("".join(f"1,2,c{k}\n" for k in range(11)).encode(), "11 distinct labels"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"1,2,0\n" * 10_001, "10,001 rows"),
    (b"1" * 1_000_001, "limit is 1,000,000"),
])
def test_csv_reader_explains_bad_files(content, message):
    with pytest.raises(PointsCSVError, match=message):
        parse_points_csv(content)


def test_slider_groups_follow_the_sixty_parameter_rule():
    small = model.dense_network_json([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(small, None, None)
    assert len(sliders) == 17 and caption == "all 17 parameters" and not layers and not nodes
    labels = {layout.slider_component(*s).children[0].children for s in sliders}
    assert {"W[1][0,2]", "W[2][2,1]", "b[1][2]", "b[2][1]"} <= labels
    kind, layer, row, col, value = next(s for s in sliders if s[:4] == ("weight", 1, 0, 2))
    assert value == small["layers"][0]["weights"][0][2]  # W[1][0,2]: node 0 of the input to node 2 of layer 1

    medium = model.dense_network_json([2, 8, 8, 2], ["tanh", "tanh"], "softmax", "cross_entropy", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(medium, 1, None)  # 82 parameters in all
    assert len(sliders) == 2 * 8 + 8 and len(layers) == 3 and not nodes
    assert len(logic.slider_groups(medium, 3, None)[0]) == 8 * 2 + 2
    sliders, caption, layers, nodes = logic.slider_groups(medium, 2, None)  # 72 > 60: one node at a time
    assert len(sliders) == 8 + 1 and len(nodes) == 8 and "node 0 of weight-layer 2" in caption
    big = model.dense_network_json([2, 16, 16, 2], ["tanh", "tanh"], "softmax", "cross_entropy", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(big, 2, 5)
    assert len(sliders) == 17 and "node 5 of weight-layer 2" in caption and len(nodes) == 16
    assert all(s[3] == 5 for s in sliders)


def test_sliders_grow_their_range_to_the_value():
    slider = layout.slider_component("weight", 1, 0, 0, 7.25).children[1]
    assert slider.min == -5 and slider.max == 8 and slider.value == 7.25


def test_changing_the_architecture_keeps_layers_whose_shape_did_not_change():
    old = model.dense_network_json([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0)
    old["layers"][1]["weights"][0][0] = 4.0
    grown = model.dense_network_json([2, 5, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0, keep=old)
    assert grown["layers"][1]["weights"] != old["layers"][1]["weights"]  # (3, 2) became (5, 2)
    same_shapes = model.dense_network_json([2, 3, 2], ["tanh"], "softmax", "quadratic", seed=1, keep=old)
    assert weights_of(same_shapes) == weights_of(old) and model.architecture(same_shapes)["activations"] == ["tanh"]
    with pytest.raises(ValueError, match="cannot be used with a linear output"):
        model.dense_network_json([2, 3, 2], ["sigmoid"], "linear", "cross_entropy", seed=0)


def weights_of(network: dict) -> list:
    """Every layer's weights and biases, as the network's JSON holds them."""
    return [(layer["weights"], layer["biases"]) for layer in network["layers"]]


def test_clicks_add_and_remove_points():
    data, _ = initial()
    added = logic.edit_points(data, {"x": 0.3, "y": 0.4, "remove": None}, 1)
    assert added["train_inputs"][-1] == [0.3, 0.4] and added["train_labels"][-1] == 1
    assert added["generator"] is None
    removed = logic.edit_points(added, {"x": 0, "y": 0, "remove": {"part": "test", "index": 0}}, 0)
    assert removed["test_inputs"] == added["test_inputs"][1:]


def test_train_request_steps_and_plays_without_server_state():
    data, network = initial()
    body = {"network": network, "data": data, "trainer": {}, "settings": SETTINGS}
    one = training.answer({**body, "batches": 1})
    assert one["trainer"]["epoch"] == 0 and one["trainer"]["position"] == 10
    assert set(one["timing"]) == {"backprop", "finite_differences"} and one["diverged"] is None
    # Ten single steps from the stored position equal one request of ten batches: stateless resumption.
    state = {**body}
    for _ in range(10):
        result = training.answer({**state, "batches": 1})
        state = {**state, "network": result["network"], "trainer": result["trainer"]}
    ten = training.answer({**body, "batches": 10})
    np.testing.assert_allclose(np.array(state["network"]["layers"][0]["weights"]),
                               np.array(ten["network"]["layers"][0]["weights"]), rtol=1e-6)
    epoch = training.answer({**body, "batches": None})
    assert epoch["trainer"]["epoch"] == 1 and epoch["epoch"] == 1
    assert epoch["batch"] is None  # only a single step names its batch (play answers stay small)
    assert epoch["ended"] == "done" and one["ended"] == "done"
    # Momentum is carried from request to request.
    moving = training.answer({**body, "settings": {**body["settings"], "optimizer": "momentum"}, "batches": 2})
    assert moving["trainer"]["memory"]["optimizer"] == "momentum"
    assert len(moving["trainer"]["memory"]["velocities"]) == 4


def test_the_first_request_of_a_run_reports_the_untrained_cost():
    from playground.engine import score

    data, network = initial()
    body = {"network": network, "data": data, "trainer": {}, "settings": SETTINGS, "batches": 1}
    first = training.answer(body)
    dataset, net = model.check_points(data), model.playground_network(network)
    assert first["start"]["epoch"] == 0
    assert first["start"]["train_cost"] == pytest.approx(score(net, dataset.train_inputs, dataset.train_labels)[0])
    assert first["start"]["test_cost"] == pytest.approx(score(net, dataset.test_inputs, dataset.test_labels)[0])
    later = training.answer({**body, "network": first["network"], "trainer": first["trainer"]})
    assert later["start"] is None  # a run already under way has its first point


def test_train_request_reports_divergence_and_bad_input():
    data, _ = initial()
    network = model.dense_network_json([2, 8, 8, 2], ["sigmoid", "sigmoid"], "softmax", "cross_entropy", seed=0)
    result = training.answer({"network": network, "data": data, "trainer": {}, "batches": None,
                              "settings": {**SETTINGS, "learn_rate": 1e6, "optimizer": "momentum"}})
    assert result["diverged"] and "diverged" in result["diverged"]
    assert result["ended"] == "diverged" and result["message"] == result["diverged"]
    assert np.all(np.abs(np.array(result["network"]["layers"][0]["weights"])) <= 1e6)
    empty = {**data, "train_inputs": [], "train_labels": []}
    with pytest.raises(ValueError, match="no training data"):
        training.answer({"network": network, "data": empty, "settings": SETTINGS, "trainer": {}})


def test_train_route_answers_bad_json_with_400():
    from playground.app.main import create_app

    client = create_app().server.test_client()
    response = client.post(TRAIN_ROUTE, data="nonsense", content_type="application/json")
    assert response.status_code == 400 and "is not JSON" in response.get_json()["error"]
    response = client.post(TRAIN_ROUTE, data="[1, 2]", content_type="application/json")
    assert response.status_code == 400 and "expected a JSON object" in response.get_json()["error"]
    data, network = initial()
    network["layers"][0]["outputs"] = 9  # the old layer_sizes [2, 9, 2]
    network["layers"][1]["inputs"] = 9
    response = client.post(TRAIN_ROUTE, json={"network": network, "data": data, "settings": SETTINGS, "trainer": {}})
    assert response.status_code == 400 and "weights" in response.get_json()["error"]


def test_points_figure_marks_train_filled_and_test_hollow():
    data, _ = initial()
    dataset = model.check_points(data)
    figure = points_figure(dataset.train_inputs, dataset.train_labels, dataset.test_inputs, dataset.test_labels,
                           dataset.class_names, dataset.feature_names, (0, 1), (0, 1))
    names = [trace.name for trace in figure.data]
    assert names == ["safe (train)", "poisonous (train)", "safe (test)", "poisonous (test)"]
    poisonous_train = figure.data[1]
    chosen = np.flatnonzero(dataset.train_labels == 1)
    np.testing.assert_array_equal(poisonous_train.customdata, chosen)
    np.testing.assert_allclose(poisonous_train.x, dataset.train_inputs[chosen, 0])
    assert figure.data[2].marker.symbol == "circle-open" and figure.data[0].marker.symbol == "circle"
    assert list(figure.layout.xaxis.range) == [0, 1] and figure.layout.xaxis.title.text == "spot size"


def test_node_activation_maps_equal_a_direct_computation():
    network = Network([2, 3, 2], activation="tanh", dtype=np.float64, seed=2)
    maps = node_activation_maps(network, (0, 1), (-1, 1), resolution=5)
    assert [m.shape for m in maps] == [(2, 5, 5), (3, 5, 5), (2, 5, 5)]
    xs, ys = (np.arange(5) + 0.5) / 5, -1 + 2 * (np.arange(5) + 0.5) / 5
    row, column = 3, 1  # the cell at x = xs[1], y = ys[3]
    hidden = np.tanh(np.array([xs[column], ys[row]]) @ network.weights[0] + network.biases[0])
    np.testing.assert_allclose(maps[1][:, row, column], hidden)
    np.testing.assert_allclose(maps[0][0, row, :], xs)


def test_cost_curve_figure_plots_train_and_test_against_the_epoch():
    from playground.app.pages.playground.figures import cost_curve_figure

    figure = cost_curve_figure({"epoch": [1, 2, 3], "train": [0.5, 0.3, 0.2], "test": [0.6, 0.4, 0.35]})
    train, test = figure.data
    assert list(train.x) == [1, 2, 3] and list(train.y) == [0.5, 0.3, 0.2] and train.name == "train cost"
    assert list(test.y) == [0.6, 0.4, 0.35] and figure.layout.xaxis.title.text == "epoch"
    assert [len(trace.x) for trace in cost_curve_figure({}).data] == [0, 0]


def test_the_empty_cost_chart_has_plain_axes_and_says_what_will_appear_and_log_scale_is_a_choice():
    from playground.app.pages.playground.figures import cost_curve_figure

    empty = cost_curve_figure({})
    assert list(empty.layout.xaxis.range) == [0, 10] and list(empty.layout.yaxis.range) == [0, 1]
    assert "appears here" in empty.layout.annotations[0].text
    drawn = cost_curve_figure({"epoch": [0, 1], "train": [0.7, 0.5], "test": [0.8, 0.6]}, log_scale=True)
    assert drawn.layout.yaxis.type == "log" and drawn.layout.yaxis.range is None and not drawn.layout.annotations
    assert list(drawn.data[0].x) == [0, 1]  # epoch 0, the untrained cost, is on the curve


def test_divergence_is_an_event_on_the_cost_chart_not_an_axis_wreck():
    from playground.app.pages.playground.figures import cost_curve_figure

    history = {"epoch": [0, 1, 2, 3, 4], "train": [1.4, 2.8, 6.1, 14.2, 3.7e11], "test": [1.5, 3, 6, 15, 4e11],
               "diverged_at": 4}
    figure = cost_curve_figure(history)
    assert [shape.x0 for shape in figure.layout.shapes] == [4]
    assert any(note.text == "diverged" for note in figure.layout.annotations)
    assert list(figure.layout.yaxis.range) == [0, pytest.approx(4.2)]  # the run's own scale, not 3.7e11
    assert figure.layout.yaxis.range is not None and cost_curve_figure(history, log_scale=True).layout.yaxis.range is None
    calm = cost_curve_figure({"epoch": [0, 1], "train": [0.7, 0.5], "test": [0.8, 0.6]})
    assert not calm.layout.shapes


def test_a_single_step_names_the_training_points_of_its_mini_batch():
    """The page highlights them: the step's gradient is the gradient of exactly those points."""
    data, network = initial()
    body = {"network": network, "data": data, "trainer": {}, "settings": SETTINGS, "batches": 1, "time_both": False}
    first = training.answer(body)
    second = training.answer({**body, "network": first["network"], "trainer": first["trainer"]})
    for before, after in ((network, first), (first["network"], second)):
        batch = after["batch"]
        assert len(batch) == len(set(batch)) == 10 and all(0 <= k < len(data["train_labels"]) for k in batch)
        # One plain SGD step on those ten points, by hand, gives the weights the request returned.
        net = model.playground_network(before)
        inputs = np.array(data["train_inputs"], dtype=net.dtype)[batch]
        targets = np.eye(2, dtype=net.dtype)[np.array(data["train_labels"])[batch]]
        gradients, _ = net.backpropagate(inputs, targets)
        expected = net.weights[0] - 3.0 * gradients[0].gradient  # the first parameter: W[1]
        np.testing.assert_allclose(np.array(after["network"]["layers"][0]["weights"]), expected, rtol=1e-5, atol=1e-6)
    assert set(first["batch"]).isdisjoint(second["batch"])  # the next batch of the same epoch


def lesson_costs(name: str, epochs: int = 40) -> tuple[list[float], str | None]:
    """Play a learn-rate lesson as the page does (one epoch a request): the cost curve it draws."""
    lesson, shape = logic.LR_LESSONS[name], logic.LESSON_NETWORK
    data, _ = initial()  # the curved fruit, the lessons' data set
    network = model.dense_network_json(shape["layer_sizes"], shape["activations"], shape["output_activation"],
                                       shape["cost"], seed=0)
    body = {"network": network, "data": data, "trainer": {}, "batches": None,
            "settings": {**SETTINGS, "learn_rate": lesson["learn_rate"], "batch_size": lesson["batch_size"]}}
    costs = []
    for _ in range(epochs):
        result = training.answer(body)
        if result["start"]:
            costs.append(result["start"]["train_cost"])
        costs.append(result["train_cost"])
        if result["diverged"]:
            return costs, result["diverged"]
        body = {**body, "network": result["network"], "trainer": result["trainer"]}
    return costs, None


def test_the_learn_rate_lessons_crawl_converge_bounce_and_diverge():
    rises = lambda costs: sum(b > a for a, b in zip(costs, costs[1:]))  # noqa: E731
    crawl, crawl_diverged = lesson_costs("crawl")
    converge, converge_diverged = lesson_costs("converge")
    bounce, bounce_diverged = lesson_costs("bounce")
    diverge, diverged = lesson_costs("diverge")
    assert not (crawl_diverged or converge_diverged or bounce_diverged)
    assert rises(crawl) == 0 and rises(converge) == 0  # both fall smoothly …
    assert converge[-1] < 0.25 * converge[0]  # … one most of the way down in 40 epochs …
    assert crawl[-1] > 2.5 * converge[-1]  # … the other still far above it
    assert rises(bounce) >= 10, bounce  # the curve goes up again and again
    assert diverged and "diverged at epoch" in diverged
    assert len(diverge) >= 10 and rises(diverge) >= 8, diverge  # the bouncing out lasts many frames
    for name in logic.LR_LESSONS:
        assert "Source: LeCun" in logic.lesson_text(name)


# ---------------------------------------------------------------------- versions, links and views


def version_1_state() -> dict:
    """A state as the first links and files held it (built by hand in the old format): the network
    as {layer_sizes, activations, output_activation, cost, seed, weights, biases}, a data seed in
    the settings, no training and no views."""
    data, _ = initial()
    data["train_inputs"].append([0.5, 0.25])  # a clicked point
    data["train_labels"].append(1)
    weights = [[[0.1, -0.2, 0.3], [1.2345678, 0.5, -0.6]], [[0.7, -0.8], [0.9, 1.0], [-1.1, 1.2]]]
    biases = [[0.01, -0.02, 0.03], [-0.75, 0.5]]
    network = {"layer_sizes": [2, 3, 2], "activations": ["tanh"], "output_activation": "sigmoid",
               "cost": "quadratic", "seed": 4, "weights": weights, "biases": biases}
    settings = {"learn_rate": 0.5, "batch_size": 8, "optimizer": "momentum", "momentum": 0.8, "l2": 0.001,
                "gradient": "backprop", "data_seed": 7, "weight_seed": 3}
    return {"version": 1, "data": data, "network": network, "settings": settings}


def test_a_version_1_state_is_upgraded_with_the_same_weights_points_and_settings():
    old = version_1_state()
    state = model.check_state(json.loads(json.dumps(old)))
    assert state["version"] == model.STATE_VERSION == 2
    assert state["data"] == old["data"]
    network = state["network"]
    assert network["input_shape"] == [2] and network["cost"] == "quadratic" and network["seed"] == 4
    assert [layer["type"] for layer in network["layers"]] == ["dense", "dense"]
    assert [layer["activation"] for layer in network["layers"]] == ["tanh", "sigmoid"]
    assert weights_of(network) == list(zip(old["network"]["weights"], old["network"]["biases"]))
    assert model.architecture(network)["layer_sizes"] == [2, 3, 2]
    engine = model.playground_network(network)
    assert engine.weights[0][1, 0] == np.float32(1.2345678) and engine.biases[1][0] == np.float32(-0.75)
    # The settings: the same knobs, the data seed gone (the points' generator holds its seed), a play speed.
    assert state["settings"] == {**{k: v for k, v in old["settings"].items() if k != "data_seed"}, "play_speed": 0}
    assert state["training"] == model.fresh_training()
    assert state["views"] == model.new_views() and set(state["views"]) == {"descent", "landscape", "images"}
    assert old["network"]["layer_sizes"] == [2, 3, 2]  # the state handed in is not changed


def test_a_version_1_network_missing_a_layer_is_refused():
    old = version_1_state()
    old["network"]["weights"] = old["network"]["weights"][:1]  # [2, 3, 2] with one weight-layer
    with pytest.raises(model.StateError, match="network"):
        model.check_state(old)


def test_a_version_1_state_with_a_broken_network_is_explained():
    old = version_1_state()
    old["network"]["weights"][1] = old["network"]["weights"][1][:2]
    with pytest.raises(model.StateError, match="network: layer 2 \\(dense\\): weights have shape \\(2, 2\\)"):
        model.check_state(old)
    del old["network"]["biases"]
    with pytest.raises(model.StateError, match="invalid network \\(version 1\\)"):
        model.check_state(old)
    newer = {**version_1_state(), "version": 3}
    with pytest.raises(model.StateError, match="made by a newer version"):
        model.check_state(newer)
    with pytest.raises(model.StateError, match="newer version"):
        model.check_state({**version_1_state(), "version": True})


def fixture_state() -> dict:
    """What the old code wrote into tests/fixtures (moons, a 2-4-2 tanh/softmax network with a
    hand-edited weight and bias, a clicked point, momentum settings with data seed 7)."""
    return json.loads((FIXTURES / "version1-state.json").read_text())


def test_a_version_1_file_made_by_the_old_code_opens_with_the_same_weights_points_and_settings():
    old = fixture_state()
    assert old["version"] == 1 and "layer_sizes" in old["network"]  # the old format, as the old code wrote it
    loaded = model.state_from_json((FIXTURES / "version1-state.json").read_bytes())
    check_fixture_loaded(loaded, old)


def test_a_version_1_link_made_by_the_old_code_opens_with_the_same_weights_points_and_settings():
    fragment = (FIXTURES / "version1-link.txt").read_text().strip()
    assert fragment.startswith("#s=")
    check_fixture_loaded(model.decode_share(fragment), fixture_state())


def check_fixture_loaded(loaded: dict, old: dict) -> None:
    assert loaded["version"] == 2
    assert loaded["data"] == old["data"]
    assert loaded["data"]["train_inputs"][-1] == [0.5, 0.25] and loaded["data"]["train_labels"][-1] == 1
    assert weights_of(loaded["network"]) == list(zip(old["network"]["weights"], old["network"]["biases"]))
    assert loaded["network"]["layers"][0]["weights"][1][2] == 1.2345678
    assert loaded["network"]["layers"][1]["biases"][0] == -0.75
    assert model.architecture(loaded["network"]) == {"layer_sizes": [2, 4, 2], "activations": ["tanh"],
                                                     "output_activation": "softmax", "cost": "cross_entropy"}
    assert loaded["settings"] == {"learn_rate": 0.5, "batch_size": 8, "optimizer": "momentum", "momentum": 0.8,
                                  "l2": 0.001, "gradient": "backprop", "weight_seed": 3, "play_speed": 0}
    # The network computes what the old one did: the same outputs on the points.
    engine = model.playground_network(loaded["network"])
    inputs = np.array(old["data"]["train_inputs"], dtype=np.float32)
    W = [np.array(w, dtype=np.float32) for w in old["network"]["weights"]]
    b = [np.array(v, dtype=np.float32) for v in old["network"]["biases"]]
    hidden = np.tanh(inputs @ W[0] + b[0])
    logits = hidden @ W[1] + b[1]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(engine.forward(inputs), expected / expected.sum(axis=1, keepdims=True), rtol=1e-5)
    # Training goes on from it, and it is written back as version 2.
    again = model.decode_share(model.encode_share(loaded))
    assert again["network"] == loaded["network"] and again["version"] == 2


def session_with_views() -> dict:
    """A session where every page has a view of its own, with optimizer memory in the training and the walk."""
    from playground.app.pages.descent.logic import new_descent

    state = example_state()
    state["training"] = {"trainer": {"epoch": 3, "position": 20,
                                     "memory": {"optimizer": "momentum", "velocities": [[[0.0] * 3] * 2, [0.0] * 3,
                                                                                         [[0.0] * 2] * 3, [0.0] * 2]}},
                         "history": {"epoch": [0, 1, 2, 3], "train": [0.4, 0.3, 0.25, 0.2], "test": [0.5, 0.4, 0.3, None]}}
    state["views"]["descent"] = new_descent("two-minima", {"learn_rate": 0.02})
    walk = state["views"]["landscape"]
    state["views"]["landscape"] = {**walk, "optimizer": "momentum", "learn_rate": 0.5, "span": 2.0, "steps": 2,
                                   "path": [[0.1, 0.2, 0.3], [0.15, 0.25, 0.28]],
                                   "trainer": {"epoch": 0, "position": 20,
                                               "memory": {"optimizer": "momentum", "velocities": [[0.0]]}}}
    images = state["views"]["images"]
    state["views"]["images"] = {"config": {**images["config"], "epochs": 7}, "model": {
        "job": "job-1", "data": "digits", "network": "64-10", "layers": [{"type": "dense", "inputs": 64, "outputs": 10}],
        "input_shape": [64], "test_accuracy": 0.9, "epochs": 7}}
    for name, value in state["views"].items():
        model.check_view(name, value)
    model.check_training(state["training"])
    return state


def test_a_link_holds_every_pages_view_but_not_optimizer_memory_nor_lecture_mode():
    state = session_with_views()
    for loaded in (model.decode_share(model.encode_share(state)), model.state_from_json(model.state_to_json(state))):
        assert set(loaded["views"]) == {"descent", "landscape", "images"}
        assert loaded["views"]["descent"] == state["views"]["descent"]  # the function, the ball, its path
        walk = loaded["views"]["landscape"]
        assert walk == {**state["views"]["landscape"], "trainer": {"epoch": 0, "position": 20}}  # no memory
        assert loaded["views"]["images"] == {**state["views"]["images"], "model": None}  # the model stays on the server
        assert loaded["training"]["trainer"] == {"epoch": 3, "position": 20}  # the epoch, not the memory
        assert loaded["training"]["history"] == state["training"]["history"]  # the cost curve
    text = model.state_to_json(state)
    assert "lecture" not in text and "velocities" not in text
    assert set(json.loads(text)) == {"version", "data", "network", "settings", "training", "views"}
    assert "memory" in state["training"]["trainer"]  # the session itself keeps its memory


def test_a_link_with_a_bad_or_unknown_view_is_explained():
    state = json.loads(model.state_to_json(session_with_views()))
    unknown = {**state, "views": {**state["views"], "elsewhere": {}}}
    with pytest.raises(model.StateError, match="views: only descent, landscape, images"):
        model.check_state(unknown)
    bad = json.loads(json.dumps(state))
    bad["views"]["descent"]["formula"] = "__import__('os')"
    with pytest.raises(ValueError):
        model.decode_share(model.encode_share(bad))
    bad = json.loads(json.dumps(state))
    bad["views"]["landscape"]["resolution"] = 100_000
    with pytest.raises(ValueError, match="landscape view resolution"):
        model.check_state(bad)
    # A link without views (or with some) opens with a new session's for the rest.
    partial = {**state, "views": {"descent": state["views"]["descent"]}}
    opened = model.check_state(partial)
    assert opened["views"]["descent"] == state["views"]["descent"]
    assert opened["views"]["landscape"] == model.new_views()["landscape"]


def test_each_session_part_is_checked_by_its_name():
    state = model.initial_state()
    for part in ("data", "network", "settings", "training"):
        assert model.check_part(part, state[part]) is state[part]
    for name, view in state["views"].items():
        assert model.check_part(f"view-{name}", view) == view
    with pytest.raises(model.StateError, match="no part named 'weights'"):
        model.check_part("weights", {})
    with pytest.raises(model.StateError, match="no page keeps a view named 'elsewhere'"):
        model.check_part("view-elsewhere", {})
    with pytest.raises(ValueError, match="settings: extra inputs are not permitted|settings data_seed"):
        model.check_part("settings", {**state["settings"], "data_seed": 0})  # version 1's key is gone
    with pytest.raises(ValueError, match="settings play_speed"):
        model.check_part("settings", {**state["settings"], "play_speed": 1000})
