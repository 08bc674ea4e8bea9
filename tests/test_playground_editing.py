"""The 2D playground's editing: points from a CSV file (read or explained), the weight sliders, a
changed architecture, clicked points."""

import numpy as np
import pytest

from playground.app.main import create_app
from playground.app.pages.playground import logic, sliders_layout
from playground.app.session import model
from playground.data.points_csv import PointsCSVError, parse_points_csv

from helpers.playground_state import initial, weights_of

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its view of the session (links and files hold them)."""
    return create_app()


def test_csv_reader_accepts_the_spec_format():
    inputs, labels, names = parse_points_csv(b"x1,x2,label\n0.1,0.2,0\n1e-1,3,1\n\n-2,0.5,0\n")
    np.testing.assert_allclose(inputs, [[0.1, 0.2], [0.1, 3], [-2, 0.5]], rtol=1e-6)
    assert labels.tolist() == [0, 1, 0] and names == ["0", "1"]
    inputs, labels, names = parse_points_csv("1,2,cat\n3,4,dog\n5,6,cat\n")  # no header, string labels
    assert labels.tolist() == [0, 1, 0] and names == ["cat", "dog"]


@pytest.mark.parametrize(
    "content,message",
    [
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
    ],
)
def test_csv_reader_explains_bad_files(content, message):
    with pytest.raises(PointsCSVError, match=message):
        parse_points_csv(content)


def test_slider_groups_follow_the_sixty_parameter_rule():
    small = model.dense_network_json([2, 3, 2], ["sigmoid"], "sigmoid", "quadratic", seed=0)
    sliders, caption, layers, nodes = logic.slider_groups(small, None, None)
    assert len(sliders) == 17 and caption == "all 17 parameters" and not layers and not nodes
    labels = {sliders_layout.slider_component(*s).children[0].children for s in sliders}
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
    slider = sliders_layout.slider_component("weight", 1, 0, 0, 7.25).children[1]
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


def test_clicks_add_and_remove_points():
    data, _ = initial()
    added = logic.edit_points(data, {"x": 0.3, "y": 0.4, "remove": None}, 1)
    assert added["train_inputs"][-1] == [0.3, 0.4] and added["train_labels"][-1] == 1
    assert added["generator"] is None
    removed = logic.edit_points(added, {"x": 0, "y": 0, "remove": {"part": "test", "index": 0}}, 0)
    assert removed["test_inputs"] == added["test_inputs"][1:]
