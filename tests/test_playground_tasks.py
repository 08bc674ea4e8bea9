"""Regression and feature inputs on the playground (issue 25: F24, F25), below the browser: the
session's schema carries them, the engine trains them, the page's logic builds their networks,
presets and points, and the figure shows a regression's values on one colour scale."""

from __future__ import annotations

import numpy as np
import pytest

from playground.app.pages.playground.data_callbacks import split_table
from playground.app.pages.playground.figures import VALUE_SCALE, points_figure, value_range
from playground.app.pages.playground.logic import changed_network, edit_points, network_story
from playground.app.pages.playground.tasks import (
    checked_feature_choice,
    click_options,
    feature_preset_state,
    fitted_network,
    output_for_task,
)
from playground.app.session import model, shapes, training
from playground.app.ui.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.data.features import feature_matrix
from playground.data.points_csv import read_points_csv

PLANE = dict(name="plane", noise=0.0, test_fraction=0.5, seed=2, n_samples=300)


def plane() -> dict:
    return model.generate_points(**PLANE)


def fruit_network() -> dict:
    return model.initial_state()["network"]


def request(network: dict, data: dict, **settings) -> dict:
    return {
        "network": network,
        "data": data,
        "settings": {**model.DEFAULT_SETTINGS, **settings},
        "trainer": {"epoch": 0, "position": 0},
    }


# ------------------------------------------------------------------ the session's schema


def test_a_regression_set_is_real_targets_without_classes():
    data = plane()
    assert data["task"] == "regression" and data["class_names"] == []
    assert all(isinstance(y, float) for y in data["train_labels"] + data["test_labels"])
    dataset = model.check_points(data)
    assert dataset.train_labels.dtype == np.float32 and len(dataset.train_labels) == 150
    assert -1.3 < dataset.train_labels.min() < 0 < dataset.train_labels.max() < 1.3  # its (x1 + x2)/10
    assert model.output_size(data) == 1 and model.is_regression(data)


@pytest.mark.parametrize(
    "change, says",
    [
        ({"class_names": ["a"]}, "real targets, not classes"),
        ({"task": "classification", "class_names": []}, "at least one class name"),
        ({"task": "classification", "class_names": ["a", "b"]}, "whole numbers 0…1"),
        ({"task": "guess"}, "data task"),
    ],
)
def test_points_whose_task_and_labels_disagree_are_refused(change, says):
    with pytest.raises(ValueError, match=says):
        model.check_points({**plane(), **change})


def test_an_older_state_without_a_task_is_a_classification():
    data = {key: value for key, value in model.initial_state()["data"].items() if key != "task"}
    assert model.check_points(data).n_classes == 2 and not model.is_regression(data)


def test_a_network_of_features_is_checked_against_its_inputs():
    network = model.dense_network_json(
        [3, 4, 2], ["tanh"], "sigmoid", "quadratic", 0, input_names=["x1", "x2", "x1*x2"]
    )
    assert network["input_names"] == ["x1", "x2", "x1*x2"] and network["input_shape"] == [3]
    assert model.playground_network(network).input_names == ("x1", "x2", "x1*x2")
    with pytest.raises(model.StateError, match="unknown feature 'x3'"):
        model.check_playground_network({**network, "input_names": ["x1", "x2", "x3"]})
    with pytest.raises(model.StateError, match="takes its 2 inputs"):
        model.check_playground_network({**network, "input_names": ["x1", "x2"]})
    # The plain x1, x2 are written as every network before features was.
    assert "input_names" not in model.dense_network_json(
        [2, 2], [], "sigmoid", "quadratic", 0, input_names=["x1", "x2"]
    )


def test_regression_and_features_survive_a_share_link():
    state = model.initial_state()
    data = plane()
    network = model.dense_network_json(
        [2, 3, 1], ["tanh"], "linear", "quadratic", 0, task="regression", input_names=["x1^2", "sin(x2)"]
    )
    state.update(data=data, network=network)
    loaded = model.decode_share(model.encode_share(state))
    assert loaded["network"]["task"] == "regression" and loaded["network"]["input_names"] == ["x1^2", "sin(x2)"]
    assert loaded["data"]["train_labels"] == data["train_labels"] and loaded["data"]["task"] == "regression"
    with pytest.raises(model.StateError, match="need a regression"):
        model.check_state({**state, "network": fruit_network()})


def test_the_contracts_schemas_describe_the_new_keys():
    shapes.check_shape(shapes.Points, plane(), "data")
    schemas, definitions = shapes.json_schemas(shapes.CORE_SHAPES)
    assert {"task", "input_names"} <= set(definitions["NetworkShape"]["properties"])
    assert "task" in definitions["Points"]["properties"]


# ------------------------------------------------------------------ training in the engine


def test_a_regression_trains_on_the_server_and_its_cost_falls():
    network = model.dense_network_json([2, 4, 1], ["tanh"], "linear", "quadratic", 0, task="regression")
    first = training.answer({**request(network, plane(), learn_rate=0.03), "batches": 15})
    later = training.answer(
        {**request(first["network"], plane(), learn_rate=0.03), "trainer": first["trainer"], "batches": 150}
    )
    assert first["start"]["test_cost"] > later["test_cost"]
    assert later["train_accuracy"] is None or later["train_accuracy"] >= -1  # regression: R², not a share


def test_feature_inputs_train_on_the_server_from_the_points():
    data = model.generate_points("tf-circle", 0.0, 0.5, 0, 200)
    network = model.dense_network_json([2, 2], [], "sigmoid", "quadratic", 0, input_names=["x1^2", "x2^2"])
    trainer = training.make_trainer(request(network, data))
    points = model.check_points(data)
    np.testing.assert_array_equal(trainer.inputs, feature_matrix(points.train_inputs, ["x1^2", "x2^2"]))
    answer = training.answer({**request(network, data), "batches": 200})
    assert answer["train_accuracy"] > 0.95  # the circle, separated by one layer of weights in x1², x2²


def test_a_network_for_classes_is_refused_for_real_targets_with_a_message():
    with pytest.raises(model.StateError, match="need a regression"):
        training.make_trainer(request(fruit_network(), plane()))


# ------------------------------------------------------------------ the page's logic


def test_new_points_of_another_task_rebuild_the_output_and_keep_the_rest():
    network = model.dense_network_json(
        [3, 4, 2], ["tanh"], "sigmoid", "quadratic", 0, input_names=["x1", "x2", "x1*x2"]
    )
    regression = fitted_network(network, plane(), 0)
    shown = model.architecture(regression)
    assert shown["layer_sizes"] == [3, 4, 1] and shown["task"] == "regression"
    assert shown["output_activation"] == "linear" and shown["input_names"] == ["x1", "x2", "x1*x2"]
    assert regression["layers"][0]["weights"] == network["layers"][0]["weights"]  # the hidden layer kept
    back = fitted_network(regression, model.initial_state()["data"], 0)
    assert model.architecture(back)["layer_sizes"] == [3, 4, 2] and model.architecture(back)["task"] == "classification"
    assert fitted_network(back, model.initial_state()["data"], 0) is None  # it fits: nothing to rebuild


def test_ticking_features_changes_only_the_input_layer():
    network = model.dense_network_json([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", 0)
    data = model.initial_state()["data"]
    new, _, message = changed_network(
        network, data, "features", [3], ["sigmoid"], "sigmoid", "quadratic", 0, ["x2^2", "x1", "x1^2"]
    )
    assert message is None and new["input_names"] == ["x1", "x1^2", "x2^2"]  # in TensorFlow Playground's order
    assert model.architecture(new)["layer_sizes"] == [3, 3, 2]
    assert new["layers"][1]["weights"] == network["layers"][1]["weights"]  # the later layers keep their weights
    none, _, message = changed_network(network, data, "features", [3], ["sigmoid"], "sigmoid", "quadratic", 0, [])
    assert none is None and "tick at least one input" in message
    with pytest.raises(ValueError, match="unknown feature"):
        checked_feature_choice(["x1", "cos(x1)"])


def test_a_regression_network_keeps_a_value_output_and_the_quadratic_cost():
    network = fitted_network(fruit_network(), plane(), 0)
    with pytest.raises(ValueError, match="choose sigmoid, tanh, linear"):
        changed_network(network, plane(), None, [3], ["sigmoid"], "softmax", "quadratic", 0)
    with pytest.raises(ValueError, match="quadratic cost"):
        output_for_task("regression", "linear", "cross_entropy")
    added, _, _ = changed_network(network, plane(), "add-layer", [3], ["sigmoid"], "linear", "quadratic", 0)
    assert model.architecture(added)["task"] == "regression" and model.architecture(added)["layer_sizes"][-1] == 1
    tanh, _, _ = changed_network(network, plane(), None, [3], ["sigmoid"], "tanh", "quadratic", 0)
    assert model.architecture(tanh)["output_activation"] == "tanh"


@pytest.mark.parametrize(
    "name, problem, inputs", [("circle", "tf-circle", ["x1^2", "x2^2"]), ("xor", "tf-xor", ["x1*x2"])]
)
def test_a_feature_preset_is_its_problem_and_a_network_without_hidden_layers(name, problem, inputs):
    state = feature_preset_state(name, model.initial_state())
    assert state["data"]["generator"]["name"] == problem and len(state["data"]["train_labels"]) == 250
    assert model.architecture(state["network"])["layer_sizes"] == [len(inputs), 2]
    assert state["network"]["input_names"] == inputs
    assert state["training"] == model.fresh_training()
    assert "no hidden layer" in network_story(state["network"], state["data"])
    model.check_state(state)  # a whole, consistent session


def test_a_click_adds_a_value_to_a_regression_and_a_class_to_a_classification():
    assert [option["value"] for option in click_options(plane())] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    edited = edit_points(plane(), {"x": 0.5, "y": -1.0}, -0.5)
    assert edited["train_labels"][-1] == -0.5 and edited["train_inputs"][-1] == [0.5, -1.0]
    model.check_points(edited)
    classes = model.initial_state()["data"]
    assert edit_points(classes, {"x": 0.5, "y": -1.0}, 0.5) is None  # no class 0.5
    assert edit_points(classes, {"x": 0.5, "y": -1.0}, 1)["train_labels"][-1] == 1


def test_an_own_csv_of_real_values_is_a_regression_split_by_a_shuffle():
    rows = "x1,x2,height\n" + "\n".join(f"{i / 10},{-i / 10},{i * 0.37:.2f}" for i in range(50))
    table = read_points_csv(rows.encode())
    assert table.task == "regression"
    dataset = split_table(table, 0.2, 0)
    data = model.points_json(dataset, table.task, source="heights.csv")
    assert data["task"] == "regression" and len(data["test_labels"]) == 10
    assert sorted(data["train_labels"] + data["test_labels"]) == pytest.approx(
        sorted(i * 0.37 for i in range(50)), abs=1e-6
    )
    model.check_points(data)


# ------------------------------------------------------------------ the figure


def test_a_regressions_points_share_one_colour_scale_with_its_colour_bar():
    dataset = model.check_points(plane())
    figure = points_figure(
        dataset.train_inputs,
        dataset.train_labels,
        dataset.test_inputs,
        dataset.test_labels,
        [],
        ["x1", "x2"],
        (-6, 6),
        (-6, 6),
    )
    train, test, *legend = figure.data
    assert [entry.name for entry in legend] == ["train points", "test points"]  # grey entries, the points' groups
    assert all(entry.legendgroup == kind for entry, kind in zip(legend, ("train", "test"))) and not train.showlegend
    span = value_range(dataset.train_labels, dataset.test_labels)
    assert span == pytest.approx(float(np.abs(np.concatenate([dataset.train_labels, dataset.test_labels])).max()))
    assert train.marker.cmin == -span and train.marker.cmax == span and train.marker.showscale
    assert test.marker.symbol == "circle-open" and not test.marker.showscale
    np.testing.assert_allclose(train.marker.color, dataset.train_labels)
    assert [list(step) for step in VALUE_SCALE] == [[0.0, NEGATIVE_COLOUR], [0.5, "#ffffff"], [1.0, POSITIVE_COLOUR]]
    assert train.marker.colorbar.title.text == "value"
    assert value_range(np.zeros(3), np.zeros(2)) == 1.0  # all targets 0: a scale of ±1, not of nothing


# ------------------------------------------------------------------ held still (an exercise's locks)


def test_training_holds_an_exercises_layers_and_weights_still_and_trains_the_rest():
    state = model.initial_state()
    base = {
        "network": state["network"],
        "data": state["data"],
        "settings": state["settings"],
        "trainer": {},
        "batches": 80,
    }
    answer = training.answer({**base, "held_layers": [2], "held_weights": [["W", 1, 0, 1], ["b", 1, 2]]})
    before, after = state["network"]["layers"], answer["network"]["layers"]
    assert (after[1]["weights"], after[1]["biases"]) == (before[1]["weights"], before[1]["biases"])
    assert after[0]["weights"][0][1] == before[0]["weights"][0][1] and after[0]["biases"][2] == before[0]["biases"][2]
    assert after[0]["weights"][0][0] != before[0]["weights"][0][0]  # the rest learned
    with pytest.raises(model.StateError, match="no weight-layer 3"):
        training.answer({**base, "held_layers": [3]})
    with pytest.raises(model.StateError, match="held_weights"):
        training.answer({**base, "held_weights": [["W", 1, 5, 0]]})
    with pytest.raises(ValueError, match="held_layers"):
        shapes.check_shape(shapes.TrainRequest, {**base, "held_layers": [0]}, "request")


# ------------------------------------------------------------------ backprop in slow motion on them


@pytest.mark.parametrize("kind", ["features", "regression"])
def test_the_slow_step_walks_a_network_of_features_and_a_regression(kind):
    from playground.app.pages.backprop import logic

    state = feature_preset_state("circle", model.initial_state())
    if kind == "regression":
        state["data"] = plane()
        state["network"] = fitted_network(state["network"], state["data"], 0)
        state["settings"] = {**state["settings"], "learn_rate": 0.03}
    body = {key: state[key] for key in ("network", "data", "settings")} | {"trainer": {"epoch": 0, "position": 0}}
    answer = logic.answer({**body, "point": 0})
    assert answer["check"]["done"] and answer["check"]["largest_relative"] < 1e-4  # against finite differences
    plain = training.answer({**body, "batches": 1})
    assert answer["network"] == plain["network"]  # stage 4 is the playground's step, bit for bit
    assert answer["points"][0].startswith(
        "1: x₁² "
    )  # the point named by the network's own inputs, as the page writes them
    target = answer["points"][0].rsplit("→ ", 1)[1]
    if kind == "features":
        assert target in ("0", "1")  # a class
    else:
        assert -1.3 < float(target) < 1.3  # the plane's value at the point
