"""The 2D playground's figures (pages/playground/figures.py): the points, each node's activation
map, and the cost chart."""

import numpy as np
import pytest

from playground.app.main import create_app
from playground.app.pages.playground.figures import node_activation_maps, points_figure
from playground.app.session import model
from playground.engine import Network

from helpers.playground_state import initial

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its view of the session (links and files hold them)."""
    return create_app()


def fruit_figure(x_range, y_range):
    """The fruit's points drawn on the plane ``x_range`` × ``y_range``, and the points."""
    data, _ = initial()
    dataset = model.check_points(data)
    inputs = (dataset.train_inputs, dataset.train_labels, dataset.test_inputs, dataset.test_labels)
    return points_figure(*inputs, dataset.class_names, dataset.feature_names, x_range, y_range), dataset


def test_points_figure_marks_train_filled_and_test_hollow():
    figure, dataset = fruit_figure((0, 1), (0, 1))
    names = [trace.name for trace in figure.data]
    assert names == ["safe (train)", "poisonous (train)", "safe (test)", "poisonous (test)"]
    poisonous_train = figure.data[1]
    chosen = np.flatnonzero(dataset.train_labels == 1)
    np.testing.assert_array_equal(poisonous_train.customdata, chosen)
    np.testing.assert_allclose(poisonous_train.x, dataset.train_inputs[chosen, 0])
    assert figure.data[2].marker.symbol == "circle-open" and figure.data[0].marker.symbol == "circle"
    assert list(figure.layout.xaxis.range) == [0, 1] and figure.layout.xaxis.title.text == "spot size"


@pytest.mark.parametrize(
    "x_range, y_range, equal",
    [((0, 1), (0, 1), True), ((-6, 6), (-3, 3), True), ((0, 100), (0, 1), False), ((0, 1), (0, 4), False)],
)
def test_the_plane_keeps_equal_aspect_when_its_spans_are_alike(x_range, y_range, equal):
    """A circle of points looks round (one unit as long across as up); own data in different units
    (spans more than 3 times apart) fills the box instead of shrinking to a sliver."""
    figure, _ = fruit_figure(x_range, y_range)
    assert (figure.layout.yaxis.scaleanchor == "x") == equal
    if equal:
        assert figure.layout.yaxis.scaleratio == 1 and figure.layout.yaxis.constrain == "domain"
    assert list(figure.layout.xaxis.range) == list(x_range)  # the ranges stay: the plot area shrinks


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

    history = {
        "epoch": [0, 1, 2, 3, 4],
        "train": [1.4, 2.8, 6.1, 14.2, 3.7e11],
        "test": [1.5, 3, 6, 15, 4e11],
        "diverged_at": 4,
    }
    figure = cost_curve_figure(history)
    assert [shape.x0 for shape in figure.layout.shapes] == [4]
    assert any(note.text == "diverged" for note in figure.layout.annotations)
    assert list(figure.layout.yaxis.range) == [0, pytest.approx(4.2)]  # the run's own scale, not 3.7e11
    assert (
        figure.layout.yaxis.range is not None and cost_curve_figure(history, log_scale=True).layout.yaxis.range is None
    )
    calm = cost_curve_figure({"epoch": [0, 1], "train": [0.7, 0.5], "test": [0.8, 0.6]})
    assert not calm.layout.shapes
