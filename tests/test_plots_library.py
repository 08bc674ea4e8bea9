"""Figures as a library (SPEC F29): for each view, the page's figure and the library's function
give the same figure for the same state (``fig.to_dict()``, or Plotly's JSON as the page sends
it), and each new builder is tested on its data (traces, axes, values).
"""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from sklearn.metrics import confusion_matrix

from playground import plots
from playground.app.pages.backprop import figures as backprop_figures
from playground.app.pages.images import figures as images_figures
from playground.app.pages.landscape import figures as landscape_figures
from playground.app.pages.landscape import layout as landscape_layout
from playground.app.pages.landscape import logic as landscape_logic
from playground.app.pages.playground import figures as playground_figures
from playground.app.pages.playground import ids as playground_ids
from playground.app.pages.playground import layout as playground_layout
from playground.app.pages.playground.logic import view_for
from playground.app.session import model
from playground.data.points import load_points
from playground.data.toy import make_dataset
from playground.engine import Network
from playground.plots.boundary import boundary_figure, boundary_values, class_scale, points_figure
from playground.plots.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.plots.cost import cost_curve_figure
from playground.plots.diagram import network_diagram, network_figure
from playground.plots.images import confusion_figure
from playground.plots.landscape import surface_figure
from playground.plots.pictures import png_data_uri
from playground.plots.weights import first_layer_figure, first_layer_image

from helpers.images_page import KEY, own_store, trained_digits_model

pytestmark = pytest.mark.timeout(120)


def find(tree, wanted: str):
    """The component of a Dash layout with id ``wanted``."""
    if getattr(tree, "id", None) == wanted:
        return tree
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, wanted)
            if found is not None:
                return found
    return None


def as_json(figure) -> dict:
    """A figure as Plotly writes it (the page's answers are this JSON)."""
    return json.loads(pio.to_json(figure))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app: its pages registered (and with them each page's view in the session)."""
    from playground.app.main import create_app

    with pytest.MonkeyPatch.context() as patch:  # create_app makes its callback cache in the jobs folder
        patch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path_factory.mktemp("app-jobs")))
        return create_app()


def trained_state() -> dict:
    """A session after some training: the curved fruit, the 2-3-2 network, a cost history."""
    state = model.initial_state()
    history = {"epoch": [0, 1, 2], "train": [0.5, 0.4, 0.3], "test": [0.52, 0.45, 0.37]}
    return {**state, "training": {"trainer": {"epoch": 2, "position": 0}, "history": history}}


# ------------------------------------------------------------------ one builder per view


def test_every_page_draws_through_the_librarys_builders():
    """The pages' figure modules hand out the library's functions themselves, not copies."""
    assert playground_figures.points_figure is plots.boundary.points_figure
    assert playground_figures.cost_curve_figure is plots.cost.cost_curve_figure
    assert playground_figures.race_boundaries_figure is plots.evolution.race_boundaries_figure
    assert playground_figures.race_costs_figure is plots.evolution.race_costs_figure
    assert playground_figures.class_map is plots.plane.class_map
    assert landscape_figures.surface_figure is plots.landscape.surface_figure
    assert landscape_figures.contour_figure is plots.landscape.contour_figure
    assert landscape_figures.race_figures is plots.race.race_figures
    assert backprop_figures.diagram_figure is plots.diagram.diagram_figure
    assert backprop_figures.boundary_values is plots.boundary.boundary_values
    assert images_figures.confusion_figure is plots.images.confusion_figure
    assert images_figures.curves_figure is plots.cost.curves_figure


def test_the_playgrounds_points_and_cost_curve_are_the_librarys():
    state = trained_state()
    page = playground_layout.layout(**{key: state[key] for key in ("data", "network", "settings", "training")})
    dataset = model.check_points(state["data"])
    view = view_for(state["data"])
    points = points_figure(
        dataset.train_inputs,
        dataset.train_labels,
        dataset.test_inputs,
        dataset.test_labels,
        dataset.class_names,
        dataset.feature_names,
        view["x_range"],
        view["y_range"],
    )
    assert go.Figure(find(page, playground_ids.BOUNDARY_GRAPH).figure).to_dict() == points.to_dict()
    drawn = go.Figure(find(page, playground_ids.COST_GRAPH).figure)
    assert drawn.to_dict() == cost_curve_figure(state["training"]["history"]).to_dict()
    # the library's whole boundary: the page's points over the class map the browser paints
    network = model.playground_network(state["network"])
    whole = boundary_figure(network, dataset)
    assert as_json(go.Figure(whole.data[1:]))["data"] == as_json(points)["data"]
    assert whole.layout.xaxis.range == points.layout.xaxis.range and whole.layout.yaxis.title.text == "spike length"


def test_the_landscape_pages_surface_is_the_librarys_on_the_same_walk(app):
    state = model.initial_state()
    parts = (state["views"]["landscape"], state["network"], state["data"], state["settings"])
    drawn = landscape_layout.drawn_walk(*parts)
    walk = landscape_logic.walk_for(*parts)
    costs, note = landscape_logic.surface_costs(walk, *parts[1:])
    xs, ys = landscape_logic.axes(walk)
    library = surface_figure(xs, ys, costs, walk["path"], *landscape_logic.axis_titles(walk), walk["log"], note)
    assert drawn["surface"].to_dict() == library.to_dict()
    assert [trace.type for trace in library.data] == [
        "surface",
        "scatter3d",
        "scatter3d",
    ]  # the landscape, the path, now


@pytest.fixture(scope="module")
def digits_model():
    return trained_digits_model()


@pytest.fixture
def images_app(monkeypatch, tmp_path, digits_model):
    """The app with a digits model in the session's store, as a finished job leaves it."""
    from playground.app.main import create_app
    from playground.app.server import models

    network, data = digits_model
    stores = own_store(monkeypatch, tmp_path)
    about = {"data": "digits", "class_names": list(data.class_names), "image_shape": [8, 8], "job": "test"}
    about["config"] = {"data": "digits", "seed": 0}
    models.save_model(next(stores), KEY, network, network.forward(data.test_inputs), about)
    yield create_app()
    stores.close()


def page_answer(app, output: str, values: dict):
    """What one of the page's callbacks answers, through the app's own test client."""
    from helpers.servers import dash_body

    client = app.server.test_client()
    client.get("/")
    body = dash_body(app, output, values)
    reply = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    component, _, prop = output.rpartition(".")
    return reply.get_json()["response"][component][prop]


def test_the_image_pages_confusion_matrix_and_first_layer_are_the_librarys(images_app, digits_model):
    from playground.app.pages.images import evaluation, ids

    network, data = digits_model
    chosen = {f"{ids.MODEL}.data": {"job": "test"}, "session-key.data": KEY}
    # the page's numbers: the test images of its data set, the outputs it kept (float16)
    labels = evaluation.test_set({"data": "digits", "seed": 0}).labels
    predicted = network.forward(data.test_inputs).astype(np.float16).argmax(axis=1)
    matrix = confusion_matrix(labels, predicted, labels=range(10))
    names = list(data.class_names)
    page = page_answer(images_app, f"{ids.CONFUSION}.figure", {**chosen, f"{ids.NORMALISE}.value": None})
    assert page == as_json(confusion_figure(matrix, names))
    src = page_answer(images_app, f"{ids.FIRST_LAYER}.src", chosen)
    assert src == png_data_uri(first_layer_image(network, (8, 8)))
    assert first_layer_figure(network, (8, 8)).data[0].source == src


# ------------------------------------------------------------------ the builders on their data


def test_the_boundary_shades_each_class_by_confidence_under_train_and_test_points():
    fruit = make_dataset("fruit")
    network = Network([2, 2], activation=[], output_activation="sigmoid", cost="quadratic")
    network.weights[0][...] = [[-3.0, 3.0], [-5.0, 5.0]]  # poisonous above spike = 0.8 − 0.6 · spot
    network.biases[0][...] = [4.0, -4.0]
    figure = boundary_figure(network, fruit, resolution=40)
    heat = figure.data[0]
    assert heat.type == "heatmap" and np.shape(heat.z) == (40, 40)
    assert heat.zmin == 0 and heat.zmax == 2 and heat.colorscale == tuple(tuple(step) for step in class_scale(2))
    z = np.asarray(heat.z)
    xs, ys = np.asarray(heat.x), np.asarray(heat.y)
    # ⌊z⌋ is the class: poisonous above the line, deeper (nearer the next whole number) far from it
    above = ys[:, None] > 0.8 - 0.6 * xs[None, :]
    far = np.abs(ys[:, None] - (0.8 - 0.6 * xs[None, :])) > 0.1
    assert np.array_equal(np.floor(z)[far], above[far].astype(float))
    assert (z % 1)[0, 0] > (z % 1)[np.argmin(np.abs(ys - 0.5)), np.argmin(np.abs(xs - 0.5))]
    np.testing.assert_array_equal(z, boundary_values(network, xs, ys))
    kinds = [(trace.name, trace.marker.symbol) for trace in figure.data[1:]]
    assert kinds == [
        ("safe (train)", "circle"),
        ("poisonous (train)", "circle"),
        ("safe (test)", "circle-open"),
        ("poisonous (test)", "circle-open"),
    ]
    assert sum(len(trace.x) for trace in figure.data[1:]) == 200
    hard = boundary_figure(network, fruit, resolution=40, discretize=True, show_test=False)
    assert set(np.round(np.asarray(hard.data[0].z) % 1, 3).ravel()) == {0.999}  # every cell certain
    assert hard.data[3].visible == "legendonly"


def test_a_regressions_boundary_is_its_values_on_the_diverging_scale():
    plane = load_points("plane", samples=200)
    network = Network([2, 1], activation=[], output_activation="linear", cost="quadratic", task="regression")
    figure = boundary_figure(network, plane, resolution=20)
    heat = figure.data[0]
    span = float(np.abs(np.concatenate([plane.train_labels, plane.test_labels])).max())
    assert heat.zmin == -span and heat.zmax == span and heat.zsmooth == "best"
    grid_x, grid_y = np.meshgrid(heat.x, heat.y)
    expected = network.forward(np.column_stack([grid_x.ravel(), grid_y.ravel()]))[:, 0].reshape(20, 20)
    np.testing.assert_allclose(np.asarray(heat.z), expected, rtol=1e-3, atol=1e-6)


def test_the_network_figure_draws_every_weight_and_bias_by_sign_and_size():
    network = Network([2, 3, 2], activation="sigmoid", seed=4)
    diagram = network_diagram(network)
    assert diagram.layer_sizes == [2, 3, 2] and diagram.column_names[0] == "inputs"
    assert diagram.node_text[0] == ["x1", "x2"] and diagram.node_values[0] == [None, None]
    assert diagram.node_values[1] == pytest.approx(network.biases[0].tolist())
    figure = network_figure(network)
    edges = [trace for trace in figure.data if trace.mode == "lines"]
    segments = sum(len(trace.x) // 3 for trace in edges)
    assert segments == 2 * 3 + 3 * 2  # one line per weight
    positive = sum(len(trace.x) // 3 for trace in edges if trace.line.color == POSITIVE_COLOUR)
    assert positive == sum(int((W >= 0).sum()) for W in network.weights)
    assert {trace.line.color for trace in edges} <= {POSITIVE_COLOUR, NEGATIVE_COLOUR}
    labels = [a.text for a in figure.layout.annotations]
    written = {f"{w:.3g}".replace("-", "−") for W in network.weights for w in W.ravel()}
    assert written <= set(labels)  # 6 edges a layer: each weight written on its edge, where it meets no other label
    assert len(figure.data[-1].x) == 7  # the nodes


def test_the_first_layer_figure_is_each_nodes_weights_laid_out_like_the_image():
    network = Network([64, 5, 10], seed=1)
    image = first_layer_image(network, (8, 8))
    # five pictures of 8×8 enlarged to 24×24 (a factor of 3), two pixels apart, one row
    assert image.shape == (24, 5 * 24 + 4 * 2, 3)
    weights = network.weights[0][:, 2].reshape(8, 8)
    strongest = np.unravel_index(np.abs(weights).argmax(), weights.shape)
    pixel = image[strongest[0] * 3, 2 * (24 + 2) + strongest[1] * 3]
    # the largest weight of a node is the deepest colour: red for positive, blue for negative
    assert (pixel[0] > pixel[2]) == (weights[strongest] > 0) and min(pixel) < 0.3
    figure = first_layer_figure(network, (8, 8))
    assert figure.data[0].type == "image" and figure.data[0].source.startswith("data:image/png;base64,")
    assert figure.layout.xaxis.visible is False


def test_the_confusion_figure_counts_by_true_and_predicted_class():
    matrix = np.array([[5, 1, 0], [2, 7, 0], [0, 0, 9]])
    figure = confusion_figure(matrix, ["cat", "dog", "<b>bird</b>"])
    mistakes, right = figure.data
    assert list(mistakes.y) == ["cat", "dog", "&lt;b&gt;bird&lt;/b&gt;"]  # a name is text, never markup
    assert mistakes.text[1][0] == "2" and mistakes.text[0][0] == "" and right.text[0][0] == "5"
    assert np.isnan(np.asarray(mistakes.z, dtype=float)[1, 1])  # the diagonal is not coloured as a mistake
    assert figure.layout.yaxis.title.text == "true class" and figure.layout.xaxis.title.text == "predicted class"
