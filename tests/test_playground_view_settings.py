"""The playground's view settings (discretize output, show test data) in the session and its links,
and TensorFlow Playground's classification sets in its problem menu (issue 25, F26); no browser."""

from __future__ import annotations

import numpy as np
import pytest

from playground.app.pages.playground.figures import points_figure
from playground.app.pages.playground.logic import (
    DATASET_LABELS,
    generator_problem,
    noise_hint,
    problem_options,
    problem_start,
)
from playground.app.pages.playground.shapes import view_settings
from playground.app.session import model
from playground.data.points import load_points


@pytest.fixture(scope="module", autouse=True)
def pages_registered():
    """The pages register their views when an app is made."""
    from playground.app.main import create_app

    create_app()


def test_a_link_keeps_the_view_settings_and_one_without_them_opens_with_the_defaults():
    state = model.initial_state()
    assert state["views"]["playground"] == {"discretize": False, "show_test": True}
    state["views"]["playground"] = {"discretize": True, "show_test": False}
    for loaded in (model.decode_share(model.encode_share(state)), model.state_from_json(model.state_to_json(state))):
        assert loaded["views"]["playground"] == {"discretize": True, "show_test": False}
    older = {**state, "views": {name: view for name, view in state["views"].items() if name != "playground"}}
    assert model.check_state(older)["views"]["playground"] == {"discretize": False, "show_test": True}
    partial = {**state, "views": {**state["views"], "playground": {"discretize": True}}}  # a key it lacks: default
    assert view_settings(model.check_state(partial)["views"]["playground"]) == {"discretize": True, "show_test": True}
    for bad in ({"discretize": "yes"}, {"discretize": 1}, {"show_test": True, "colour": "red"}):
        with pytest.raises(ValueError, match="playground view"):
            model.check_state({**state, "views": {**state["views"], "playground": bad}})


def test_hidden_test_points_keep_their_legend_entries():
    inputs, labels = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    figure = points_figure(inputs, labels, inputs, labels, ["a", "b"], ["x1", "x2"], (0, 1), (0, 1), show_test=False)
    assert [trace.visible for trace in figure.data] == [True, True, "legendonly", "legendonly"]
    shown = points_figure(inputs, labels, inputs, labels, ["a", "b"], ["x1", "x2"], (0, 1), (0, 1))
    assert [trace.visible for trace in shown.data] == [True] * 4


@pytest.mark.parametrize("name", ["tf-circle", "tf-xor", "tf-gauss", "tf-spiral"])
def test_tensorflow_playgrounds_sets_are_made_by_its_port_with_the_pages_noise_as_its_noise_over_100(name):
    made = model.generate_points(name, noise=0.25, test_fraction=0.3, seed=7, n_samples=300)  # its noise 25
    same = load_points(name, noise=0.25, test_fraction=0.3, seed=7, samples=300)
    assert made["generator"] == {"name": name, "noise": 0.25, "test_fraction": 0.3, "seed": 7, "n_samples": 300}
    assert np.array_equal(np.float32(made["train_inputs"]), same.train_inputs)
    assert made["train_labels"] == same.train_labels.tolist() and made["test_labels"] == same.test_labels.tolist()
    assert (len(made["train_labels"]), len(made["test_labels"])) == (210, 90)
    assert model.check_points(made).class_names == ["0", "1"]
    assert generator_problem(name, 0.25, 0.3, 7, 300) is None
    assert "TensorFlow Playground's noise ÷ 100" in noise_hint(name)


def test_the_menu_names_its_classification_and_regression_sets():
    labels = {option["value"]: option["label"] for option in problem_options(model.initial_state()["data"])}
    assert labels["tf-circle"] == "circle (TensorFlow Playground)"
    assert labels["tf-gauss"] == "two Gaussians (TensorFlow Playground)"
    assert labels["plane"] == "plane (regression, TensorFlow Playground)" == DATASET_LABELS["plane"]
    assert labels["gaussians"] == "multi-Gaussian (regression, TensorFlow Playground)"


def test_its_sets_start_with_its_pages_points_and_share_and_the_pages_own_with_theirs():
    assert problem_start("tf-circle", "fruit-curved") == {"n_samples": 500, "test_fraction": 0.5}
    assert problem_start("tf-xor", "tf-circle") is None  # between its sets the controls stay
    assert problem_start("moons", "tf-spiral") == {"n_samples": 200, "test_fraction": 0.2}
    assert problem_start("moons", "xor") is None
    assert problem_start("plane", "tf-circle") == {"n_samples": 1200, "test_fraction": 0.5}  # its regressions: 1,200
    assert problem_start("gaussians", "plane") is None
