"""The 2D playground's pure parts: state round trips, share links, CSV, sliders, training requests."""

import json

import numpy as np
import pytest

from playground.app import api, session
from playground.app import state as states
from playground.app.pages.playground import layout, logic
from playground.app.pages.playground.figures import node_activation_maps, points_figure
from playground.data.points_csv import PointsCSVError, parse_points_csv
from playground.engine import Network


def example_state():
    data, network = session.initial_state()
    network["weights"][0][1][2] = 1.2345678  # a hand-edited weight
    data["train_inputs"].append([0.5, 0.25])  # a clicked point
    data["train_labels"].append(1)
    return {"data": data, "network": network, "settings": {"learn_rate": 3.0, "batch_size": 10}}


def test_network_round_trip_is_exact_in_float32():
    network = Network([2, 4, 3], activation="relu", output_activation="softmax", cost="cross_entropy", seed=5)
    again = states.network_from_dict(json.loads(json.dumps(states.network_to_dict(network))))
    for a, b in zip(network.parameters(), again.parameters()):
        assert a.tobytes() == b.tobytes()
    assert again.activations == ["relu"] and again.cost_name == "cross_entropy"


def test_share_link_and_json_file_load_back_exactly():
    state = example_state()
    fragment = states.encode_share(state)
    assert fragment.startswith("s=") and len(fragment) < len(states.state_to_json(state))  # compressed
    for loaded in (states.decode_share("#" + fragment), states.state_from_json(states.state_to_json(state))):
        assert loaded["network"] == state["network"] and loaded["data"] == state["data"]
        assert loaded["settings"] == state["settings"]


@pytest.mark.parametrize("text,message", [
    ("#s=AAAA", "damaged or cut short"),
    ("#nothing", "holds no playground state"),
])
def test_broken_links_are_explained(text, message):
    with pytest.raises(states.StateError, match=message):
        states.decode_share(text)


def test_a_truncated_link_is_explained():
    fragment = states.encode_share(example_state())
    with pytest.raises(states.StateError, match="damaged or cut short"):
        states.decode_share(fragment[: len(fragment) // 2])


def test_bad_state_files_are_explained():
    state = example_state()
    with pytest.raises(states.StateError, match="not a playground file"):
        states.state_from_json("{not json")
    with pytest.raises(states.StateError, match="needs data, network and settings"):
        states.state_from_json('{"data": {}}')
    broken = json.loads(states.state_to_json(state))
    broken["network"]["weights"][0] = [[1, 2]]
    with pytest.raises(states.StateError, match=r"weights\[1\] has shape \(1, 2\), expected \(2, 3\)"):
        states.check_state(broken)
    broken = json.loads(states.state_to_json(state))
    broken["data"]["train_labels"][0] = 7
    with pytest.raises(states.StateError, match="labels must be whole numbers 0…1"):
        states.check_state(broken)
    broken = json.loads(states.state_to_json(state))
    broken["network"]["layer_sizes"] = [3, 3, 2]
    with pytest.raises(states.StateError):
        states.check_state(broken)


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
    small = session.build_network([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(small, None, None)
    assert len(sliders) == 17 and caption == "all 17 parameters" and not layers and not nodes
    labels = {layout.slider_component(*s).children[0].children for s in sliders}
    assert {"W[1][0,2]", "W[2][2,1]", "b[1][2]", "b[2][1]"} <= labels
    kind, layer, row, col, value = next(s for s in sliders if s[:4] == ("weight", 1, 0, 2))
    assert value == small["weights"][0][0][2]  # W[1][0,2]: node 0 of the input to node 2 of layer 1

    medium = session.build_network([2, 8, 8, 2], ["tanh", "tanh"], "softmax", "cross_entropy", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(medium, 1, None)  # 82 parameters in all
    assert len(sliders) == 2 * 8 + 8 and len(layers) == 3 and not nodes
    assert len(logic.slider_groups(medium, 3, None)[0]) == 8 * 2 + 2
    sliders, caption, layers, nodes = logic.slider_groups(medium, 2, None)  # 72 > 60: one node at a time
    assert len(sliders) == 8 + 1 and len(nodes) == 8 and "node 0 of weight-layer 2" in caption
    big = session.build_network([2, 16, 16, 2], ["tanh", "tanh"], "softmax", "cross_entropy", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(big, 2, 5)
    assert len(sliders) == 17 and "node 5 of weight-layer 2" in caption and len(nodes) == 16
    assert all(s[3] == 5 for s in sliders)


def test_sliders_grow_their_range_to_the_value():
    slider = layout.slider_component("weight", 1, 0, 0, 7.25).children[1]
    assert slider.min == -5 and slider.max == 8 and slider.value == 7.25


def test_changing_the_architecture_keeps_layers_whose_shape_did_not_change():
    old = session.build_network([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0)
    old["weights"][1][0][0] = 4.0
    grown = session.build_network([2, 5, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0, keep=old)
    assert grown["weights"][1] != old["weights"][1]  # (3, 2) became (5, 2)
    same_shapes = session.build_network([2, 3, 2], ["tanh"], "softmax", "quadratic", seed=1, keep=old)
    assert same_shapes["weights"] == old["weights"] and same_shapes["activations"] == ["tanh"]
    with pytest.raises(ValueError, match="cannot be used with a linear output"):
        session.build_network([2, 3, 2], ["sigmoid"], "linear", "cross_entropy", seed=0)


def test_clicks_add_and_remove_points():
    data, _ = session.initial_state()
    added = logic.edit_points(data, {"x": 0.3, "y": 0.4, "remove": None}, 1)
    assert added["train_inputs"][-1] == [0.3, 0.4] and added["train_labels"][-1] == 1
    assert added["generator"] is None
    removed = logic.edit_points(added, {"x": 0, "y": 0, "remove": {"part": "test", "index": 0}}, 0)
    assert removed["test_inputs"] == added["test_inputs"][1:]


def test_train_request_steps_and_plays_without_server_state():
    data, network = session.initial_state()
    body = {"network": network, "data": data, "trainer": {}, "settings": {"learn_rate": 3.0, "batch_size": 10}}
    one = api.train_request({**body, "batches": 1})
    assert one["trainer"]["epoch"] == 0 and one["trainer"]["position"] == 10
    assert set(one["timing"]) == {"backprop", "finite_differences"} and one["diverged"] is None
    # Ten single steps from the stored position equal one request of ten batches: stateless resumption.
    state = {**body}
    for _ in range(10):
        result = api.train_request({**state, "batches": 1})
        state = {**state, "network": result["network"], "trainer": result["trainer"]}
    ten = api.train_request({**body, "batches": 10})
    np.testing.assert_allclose(np.array(state["network"]["weights"][0]), np.array(ten["network"]["weights"][0]),
                               rtol=1e-6)
    epoch = api.train_request({**body, "batches": None})
    assert epoch["trainer"]["epoch"] == 1 and epoch["epoch"] == 1
    assert epoch["batch"] is None  # only a single step names its batch (play answers stay small)
    # Momentum is carried from request to request.
    moving = api.train_request({**body, "settings": {**body["settings"], "optimizer": "momentum"}, "batches": 2})
    assert len(moving["trainer"]["optimizer"]["velocities"]) == 4


def test_the_first_request_of_a_run_reports_the_untrained_cost():
    from playground.engine import score

    data, network = session.initial_state()
    body = {"network": network, "data": data, "trainer": {}, "settings": {"learn_rate": 3.0, "batch_size": 10},
            "batches": 1}
    first = api.train_request(body)
    dataset, net = states.data_from_dict(data), states.network_from_dict(network)
    assert first["start"]["epoch"] == 0
    assert first["start"]["train_cost"] == pytest.approx(score(net, dataset.train_inputs, dataset.train_labels)[0])
    assert first["start"]["test_cost"] == pytest.approx(score(net, dataset.test_inputs, dataset.test_labels)[0])
    later = api.train_request({**body, "network": first["network"], "trainer": first["trainer"]})
    assert later["start"] is None  # a run already under way has its first point


def test_train_request_reports_divergence_and_bad_input():
    data, _ = session.initial_state()
    network = session.build_network([2, 8, 8, 2], ["sigmoid", "sigmoid"], "softmax", "cross_entropy", seed=0)
    result = api.train_request({"network": network, "data": data, "trainer": {}, "batches": None,
                                 "settings": {"learn_rate": 1e6, "optimizer": "momentum", "batch_size": 10}})
    assert result["diverged"] and "diverged" in result["diverged"]
    assert np.all(np.abs(np.array(result["network"]["weights"][0])) <= 1e6)
    empty = {**data, "train_inputs": [], "train_labels": []}
    with pytest.raises(ValueError, match="no training data"):
        api.train_request({"network": network, "data": empty, "settings": {}})


def test_train_route_answers_bad_json_with_400():
    from playground.app.main import create_app

    client = create_app().server.test_client()
    response = client.post(api.TRAIN_ROUTE, data="nonsense", content_type="application/json")
    assert response.status_code == 400 and "expected JSON" in response.get_json()["error"]
    data, network = session.initial_state()
    network["layer_sizes"] = [2, 9, 2]
    response = client.post(api.TRAIN_ROUTE, json={"network": network, "data": data, "settings": {}})
    assert response.status_code == 400 and "weights" in response.get_json()["error"]


def test_points_figure_marks_train_filled_and_test_hollow():
    data, _ = session.initial_state()
    dataset = states.data_from_dict(data)
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
    data, network = session.initial_state()
    body = {"network": network, "data": data, "trainer": {}, "settings": {"learn_rate": 3.0, "batch_size": 10},
            "batches": 1, "time_both": False}
    first = api.train_request(body)
    second = api.train_request({**body, "network": first["network"], "trainer": first["trainer"]})
    for before, after in ((network, first), (first["network"], second)):
        batch = after["batch"]
        assert len(batch) == len(set(batch)) == 10 and all(0 <= k < len(data["train_labels"]) for k in batch)
        # One plain SGD step on those ten points, by hand, gives the weights the request returned.
        net = states.network_from_dict(before)
        inputs = np.array(data["train_inputs"], dtype=net.dtype)[batch]
        targets = np.eye(2, dtype=net.dtype)[np.array(data["train_labels"])[batch]]
        gradients, _ = net.backpropagate(inputs, targets)
        expected = net.weights[0] - 3.0 * gradients[0][0]
        np.testing.assert_allclose(np.array(after["network"]["weights"][0]), expected, rtol=1e-5, atol=1e-6)
    assert set(first["batch"]).isdisjoint(second["batch"])  # the next batch of the same epoch


def lesson_costs(name: str, epochs: int = 40) -> tuple[list[float], str | None]:
    """Play a learn-rate lesson as the page does (one epoch a request): the cost curve it draws."""
    lesson, shape = logic.LR_LESSONS[name], logic.LESSON_NETWORK
    data, _ = session.initial_state()  # the curved fruit, the lessons' data set
    network = session.build_network(shape["layer_sizes"], shape["activations"], shape["output_activation"],
                                    shape["cost"], seed=0)
    body = {"network": network, "data": data, "trainer": {}, "batches": None,
            "settings": {"learn_rate": lesson["learn_rate"], "batch_size": lesson["batch_size"]}}
    costs = []
    for _ in range(epochs):
        result = api.train_request(body)
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
