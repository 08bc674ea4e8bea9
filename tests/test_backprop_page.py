"""The backprop page (SPEC F27) without a browser: its shapes, its diagram on its data, and its step
route (the engine's gradients, a plain step's weights bit for bit after *apply*, clear refusals)."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.app.main import create_app
from playground.app.pages.backprop import STEP_ROUTE, logic
from playground.app.pages.backprop.figures import (
    EDGE_LABEL_LIMIT,
    GLIDE_FRAMES,
    NOT_YET,
    Boundary,
    Diagram,
    boundary_figure,
    boundary_values,
    diagram_figure,
    node_positions,
    sign_colour,
)
from playground.app.pages.backprop.shapes import SlowStepAnswer, SlowStepRequest
from playground.app.pages.backprop.stages import frames, number
from playground.app.server.routes import encoded
from playground.app.session import model, shapes, training
from playground.app.ui.colours import CLASS_COLOURS, NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.engine import HIDDEN_ACTIVATIONS, Network, TrainingSettings
from playground.engine.slow_step import MAX_LAYER_PARAMETERS, slow_step, trainer_slow_step
from playground.limits import ENVIRONMENT_VARIABLE
from playground.plots.plane import grid_axes

pytestmark = pytest.mark.timeout(60)


def body(network=None, settings=None, trainer=None, point=0, data=None) -> dict:
    """A step request on a new session, with the parts given changed."""
    state = model.initial_state()
    return {
        "network": network or state["network"],
        "data": data or state["data"],
        "settings": {**model.DEFAULT_SETTINGS, **(settings or {})},
        "trainer": trainer or state["training"]["trainer"],
        "point": point,
    }


def network_json(sizes, hidden, output, cost, seed=0) -> dict:
    return model.dense_network_json(sizes, [hidden] * (len(sizes) - 2), output, cost, seed=seed)


def plain_step(request: dict) -> dict:
    """What the playground's *step* answers for the same state: one batch through the run loop."""
    return training.answer({**{k: request[k] for k in ("network", "data", "settings", "trainer")}, "batches": 1})


# ------------------------------------------------------------------ the route's answer


def test_the_answer_has_its_shape_and_every_frame_in_order():
    answer = logic.answer(body())
    SlowStepAnswer.model_validate(json.loads(encoded(answer)))  # as the browser receives it
    assert [f["stage"] for f in answer["frames"]] == [1, 1, 2, 3, 3, 4]  # 2-3-2: two weight-layers
    assert [f["where"] for f in answer["frames"]] == [
        "layer 1 of 2",
        "layer 2 of 2",
        "",
        "layer 2 of 2",
        "layer 1 of 2",
        "",
    ]
    captions = " ".join(f["caption"] for f in answer["frames"])
    for words in ("weighted input", "activation", "Node values", "chain rule", "learn rate", "(a − y)²"):
        assert words in captions
    assert answer["batch"] and len(answer["points"]) == len(answer["batch"]) == 10
    assert answer["check"]["done"] and answer["check"]["largest_absolute"] < 1e-6
    assert "largest difference is" in answer["check"]["text"]
    assert answer["start"]["epoch"] == 0 and answer["after"]["epoch"] == answer["epoch"] == 10 / 160


@pytest.mark.parametrize(
    "network, settings",
    [
        (None, {}),
        (network_json([2, 4, 3, 2], "relu", "softmax", "cross_entropy"), {"optimizer": "momentum", "l2": 0.01}),
        (network_json([2, 5, 2], "tanh", "sigmoid", "cross_entropy"), {"optimizer": "adam", "l1": 0.003}),
        (network_json([2, 3, 3, 2], "elu", "linear", "quadratic"), {"optimizer": "rmsprop", "learn_rate": 0.1}),
        (network_json([2, 4, 2], "leaky_relu", "tanh", "quadratic"), {"optimizer": "nesterov", "batch_size": 7}),
    ],
    ids=["seed-2-3-2-sgd", "relu-softmax-momentum-l2", "tanh-sigmoid-adam-l1", "elu-linear-rmsprop", "leaky-nesterov"],
)
def test_gradients_are_the_engines_and_apply_is_a_plain_step_bit_for_bit(network, settings):
    request = body(network, settings)
    for _ in range(3):  # three steps in a row: the optimizer's memory and the position carry over
        answer = logic.answer(request)
        # The gradients shown are the engine's own slow step's, on the same batch from the same state.
        trainer = logic.make_trainer(request)
        step = trainer_slow_step(trainer, 0, check_gradients=False)
        assert answer["batch"] == trainer.last_batch.tolist()
        for shown, layer in zip(answer["layers"], step.backward):
            assert shown["weight_gradients"] == layer.weight_gradients.tolist()
            assert shown["bias_gradients"] == layer.bias_gradients.tolist()
        # Apply hands the session what the playground's step would: the same weights, bit for bit.
        plain = plain_step(request)
        assert answer["network"] == plain["network"]
        assert answer["trainer"] == plain["trainer"]
        assert answer["after"]["train_cost"] == plain["train_cost"] and answer["epoch"] == plain["epoch"]
        request = {**request, "network": answer["network"], "trainer": answer["trainer"]}


def test_the_point_chosen_is_that_row_of_the_batch_and_a_row_beyond_it_is_the_last():
    first, third = logic.answer(body(point=0)), logic.answer(body(point=2))
    assert third["point"] == 2 and third["batch"] == first["batch"]
    trainer = logic.make_trainer(body())
    inputs, _ = trainer.next_batch()
    z = np.asarray(third["layers"][0]["weighted_inputs"], dtype=np.float32)
    network = model.playground_network(body()["network"])
    assert np.allclose(z, inputs[2] @ network.weights[0] + network.biases[0], atol=1e-6)
    assert third["network"] == first["network"]  # the point shown changes nothing of the step
    # The epoch's last batch of 160 points in batches of 70 holds 20: point 50 is its last, 19.
    late = logic.answer(body(settings={"batch_size": 70}, trainer={"epoch": 0, "position": 140}, point=50))
    assert late["point"] == 19 and len(late["batch"]) == 20


def test_a_large_batch_offers_its_first_points_only():
    answer = logic.answer(body(settings={"batch_size": 160}, point=190))
    assert len(answer["batch"]) == 160 and len(answer["points"]) == 160 and answer["point"] == 159
    big = model.generate_points("moons", 0.1, 0.0, 0, 1000)
    answer = logic.answer(body(settings={"batch_size": 500}, data=big, point=400))
    assert len(answer["batch"]) == 500 and len(answer["points"]) == logic.MENU_POINTS == 200
    assert answer["point"] == 199 and answer["points"][0].startswith("1: x₁ ")  # named as the playground writes x1


@pytest.mark.filterwarnings("ignore:overflow encountered")  # the engine's arithmetic on the way to infinity
def test_a_step_that_diverges_cannot_be_applied():
    state = model.initial_state()
    data = {**state["data"], "train_inputs": [[1e5, -1e5]] * 10, "train_labels": [0] * 10}
    network = network_json([2, 3, 2], "linear", "linear", "quadratic")
    answer = logic.answer(body(network, {"learn_rate": 1e4}, data=data))
    assert answer["network"] is None and "diverges" in answer["diverged"]
    SlowStepAnswer.model_validate(json.loads(encoded(answer)))  # numbers past float32: null, still its shape


@pytest.mark.parametrize(
    "change, words",
    [
        ({"network": network_json([2, 8, 8, 2], "relu", "softmax", "cross_entropy")}, "weight-layer 2 has 72"),
        ({"settings": {"gradient": "finite_differences"}}, "set the gradient method to backprop"),
        ({"point": -1}, "point"),
        ({"point": 1.5}, "point"),
        ({"trainer": {"epoch": 0, "position": 999}}, "position"),
    ],
    ids=["too-big", "finite-differences", "negative-point", "fractional-point", "position-beyond"],
)
def test_bad_requests_get_a_clear_message(change, words):
    request = body(change.get("network"), change.get("settings"), change.get("trainer"))
    if "point" in change:
        request["point"] = change["point"]
    with pytest.raises(ValueError, match=words):
        logic.answer(request)
    assert MAX_LAYER_PARAMETERS == 60


def test_the_check_is_left_out_with_a_reason_when_it_would_overrun_the_budget(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "request_seconds=0.000001")
    answer = logic.answer(body())
    assert not answer["check"]["done"] and "not made" in answer["check"]["text"]
    assert answer["network"] is not None  # the step itself is still there


def test_the_route_answers_through_the_server_with_its_shapes():
    app = create_app()
    client = app.server.test_client()
    reply = client.post(STEP_ROUTE, data=json.dumps(body()), content_type="application/json")
    assert reply.status_code == 200
    SlowStepAnswer.model_validate(reply.get_json())
    too_big = body(network_json([2, 8, 8, 2], "relu", "softmax", "cross_entropy"))
    reply = client.post(STEP_ROUTE, data=json.dumps(too_big), content_type="application/json")
    assert reply.status_code == 400 and "more than 60" in reply.get_json()["error"]
    from playground.app.server.contract import browser_contract

    contract = browser_contract()
    assert contract["routes"]["backprop"] == STEP_ROUTE
    assert {"backprop_request", "backprop_answer"} <= set(contract["shapes"])


def test_the_request_shape_is_strict():
    good = body()
    assert shapes.check_shape(SlowStepRequest, good, "request") is good
    for bad, where in (({**good, "points": 1}, "points"), ({**good, "point": True}, "point")):
        with pytest.raises(ValueError, match=where):
            shapes.check_shape(SlowStepRequest, bad, "request")


# ------------------------------------------------------------------ the frames, for every activation and cost


CASES = [(name, "softmax", "cross_entropy", "classification") for name in HIDDEN_ACTIVATIONS]
CASES += [
    ("sigmoid", "sigmoid", "quadratic", "classification"),
    ("tanh", "sigmoid", "cross_entropy", "classification"),
    ("relu", "softmax", "quadratic", "classification"),
    ("tanh", "linear", "quadratic", "regression"),
    ("elu", "tanh", "quadratic", "regression"),
]


@pytest.mark.parametrize("case", CASES, ids=["-".join(case) for case in CASES])
def test_frames_for_every_activation_output_cost_and_task(case):
    hidden, output, cost, task = case
    n_outputs = 1 if task == "regression" else 3
    network = Network([2, 3, n_outputs], hidden, output, cost, seed=1, task=task)
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(6, 2))
    targets = rng.uniform(-0.9, 0.9, (6, 1)) if task == "regression" else rng.integers(0, 3, 6)
    step = slow_step(network, inputs, targets, TrainingSettings(learn_rate=0.5), point=1)
    made = frames(step, network, ["x1", "x2"], {"momentum": 0.9})
    assert [f["stage"] for f in made] == [1, 1, 2, 3, 3, 4]
    for frame in made:
        go.Figure(frame["figure"])  # a figure Plotly takes
        assert all(len(row) == len(frame["header"]) for row in frame["rows"])
    assert step.cost.formula in made[2]["caption"]
    assert made[2]["rows"][-1] == ["batch mean", "", "", number(step.cost.batch_cost)]
    if hidden == "sigmoid" and output == "softmax":  # the caption names the activation's formula
        assert "1 / (1 + e^−z)" in made[0]["caption"]
    if cost == "cross_entropy":  # the shortcut: δ = a − y, no ∂C/∂a column
        assert "δ = a − y" in made[3]["caption"] and made[3]["header"] == ["node", "δ", "mean δ"]
    deltas = [value for row in made[3]["rows"] for value in row[-2:-1]]
    assert deltas == [number(d) for d in step.backward[-1].point_node_values]


# ------------------------------------------------------------------ the diagram on its data


def small_diagram(**changes) -> Diagram:
    made = Diagram(
        layer_sizes=[2, 3, 2],
        column_names=["inputs", "hidden 1<br>sigmoid", "outputs<br>sigmoid"],
        node_text=[["x1<br>0.5", "x2<br>−1"], ["z 1<br>a 0.73", "", ""], ["", ""]],
        node_values=[[0.5, -1.0], [0.73, None, None], [None, None]],
        edge_values=[np.array([[1.0, -2.0, 0.0], [0.5, 0.25, -4.0]]), None],
        edge_text=[None, [["0.1", "−0.2"], ["0.3", "0.4"], ["0.5", "0.6"]]],
        highlight=1,
    )
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def test_the_diagram_draws_every_node_and_edge_coloured_by_sign():
    figure = diagram_figure(small_diagram())
    go.Figure(figure)
    nodes = figure["data"][-1]
    assert len(nodes["x"]) == 7 and nodes["mode"] == "markers"
    assert list(zip(nodes["x"], nodes["y"])) == [p for column in node_positions([2, 3, 2]) for p in column]
    assert nodes["marker"]["color"] == [POSITIVE_COLOUR, NEGATIVE_COLOUR, POSITIVE_COLOUR] + [NOT_YET] * 4
    rings = nodes["marker"]["line"]["color"]
    assert rings[2:5] == ["#f0b400"] * 3 and rings[0] != "#f0b400"  # the column computed is ringed
    edges = figure["data"][:-1]
    segments = sum(trace["x"].count(None) for trace in edges)
    assert segments == 2 * 3 + 3 * 2  # every edge once

    def edges_of(colour):
        return sum(trace["x"].count(None) for trace in edges if trace["line"]["color"] == colour)

    assert edges_of(NEGATIVE_COLOUR) == 2  # −2 and −4
    assert edges_of(NOT_YET) == 6  # the second weight-layer: no numbers yet
    widest = max(edges, key=lambda trace: trace["line"]["width"])
    assert widest["line"]["color"] == NEGATIVE_COLOUR  # −4 is the largest
    texts = [note["text"] for note in figure["layout"]["annotations"]]
    assert {"x1<br>0.5", "z 1<br>a 0.73", "0.1", "−0.2", "0.6", "hidden 1<br>sigmoid"} <= set(texts)
    assert "" not in texts


def test_the_diagram_leaves_room_for_its_labels():
    figure = diagram_figure(small_diagram())
    layout = figure["layout"]
    (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
    assert x0 < -0.2 and x1 > 2.2 and y0 < -1 and y1 > 1  # beyond the nodes on every side
    longer = diagram_figure(small_diagram(node_text=[["a very long input name<br>0.5", "x2"], ["", "", ""], ["", ""]]))
    assert longer["layout"]["xaxis"]["range"][0] < x0  # a longer label: more room to the left
    tall = diagram_figure(small_diagram(layer_sizes=[2, 7, 2], node_text=[["", ""], [""] * 7, ["", ""]],
                                        node_values=[[None] * 2, [None] * 7, [None] * 2],
                                        edge_values=[None, None], edge_text=[None, None]))  # fmt: skip
    assert tall["layout"]["height"] > layout["height"]


def test_sign_colours_and_edge_labels_only_when_few():
    assert sign_colour(0.0) == POSITIVE_COLOUR and sign_colour(-1e-9) == NEGATIVE_COLOUR
    assert sign_colour(None) == sign_colour(float("nan")) == NOT_YET
    network = Network([2, 6, 3, 2], "tanh", "softmax", "cross_entropy", seed=0)
    step = slow_step(network, np.ones((4, 2)), [0, 1, 0, 1], TrainingSettings())
    made = frames(step, network, ["x1", "x2"], {})
    backward_out = made[4]["figure"]["layout"]["annotations"]  # 3 → 2: 6 edges, labelled
    first_hidden = made[6]["figure"]["layout"]["annotations"]  # back at 2 → 6: 12 edges, still labelled
    middle = made[5]["figure"]["layout"]["annotations"]  # 6 → 3: 18 edges, too many to label
    assert 6 * 3 > EDGE_LABEL_LIMIT >= 2 * 6
    assert len(middle) - len(backward_out) < 18 and len(first_hidden) > len(middle)


# ------------------------------------------------------------------ the boundary on its data


def tiny_network(task="classification", input_names=None) -> Network:
    """A 2-2 network of known weights: output 1 wins where x1 > x2 (a regression: x1 − x2)."""
    n_outputs = 1 if task == "regression" else 2
    network = Network([2, n_outputs], "linear", "linear", "quadratic", seed=0, task=task)
    network.input_names = input_names
    weights = [[1.0, -1.0], [-1.0, 1.0]] if n_outputs == 2 else [[1.0], [-1.0]]
    network.weights[0] = np.array(weights, dtype=network.dtype)
    network.biases[0] = np.zeros(n_outputs, dtype=network.dtype)
    return network


def test_the_boundary_is_the_class_map_of_the_network_with_its_confidence():
    network = tiny_network()
    xs, ys = grid_axes((-1.0, 1.0), (-1.0, 1.0), 4)
    assert xs.tolist() == ys.tolist() == [-0.75, -0.25, 0.25, 0.75]  # cell centres
    values = boundary_values(network, xs, ys)
    assert values.shape == (4, 4)  # rows follow x2
    for row, y in enumerate(ys):
        for column, x in enumerate(xs):
            outputs = network.forward(np.array([[x, y]]))[0]
            assert int(np.floor(values[row, column])) == int(outputs.argmax())  # the engine's prediction
            margin = abs(outputs[0] - outputs[1])
            assert values[row, column] - np.floor(values[row, column]) == pytest.approx(min(margin, 0.999), abs=1e-3)
    assert values[0, 3] == pytest.approx(0.999)  # x1 = 0.75, x2 = −0.75: output 0 is 1.5, output 1 −1.5
    figure = boundary_figure(
        Boundary(xs, ys, values, "classification", 2, np.array([[0.5, -0.5]]), np.array([1]), before=values)
    )
    go.Figure(figure)
    heat, before, points = figure["data"]
    assert heat["type"] == "heatmap" and heat["z"] == values.tolist() and heat["zmin"] == 0 and heat["zmax"] == 2
    assert before["type"] == "contour" and before["line"]["dash"] == "dash"
    assert points["marker"]["color"] == [CLASS_COLOURS[1]]


def test_the_boundary_of_a_regression_and_of_feature_inputs():
    network = tiny_network("regression")
    xs, ys = grid_axes((0.0, 2.0), (0.0, 1.0), 2)
    values = boundary_values(network, xs, ys)
    assert values.tolist() == [[0.25, 1.25], [-0.25, 0.75]]  # x1 − x2 at (0.5, 0.25), (1.5, 0.25), …
    figure = boundary_figure(Boundary(xs, ys, values, "regression", 0, np.zeros((1, 2)), np.array([0.3]), span=2.0))
    heat = figure["data"][0]
    assert heat["colorscale"][1] == [0.5, "#ffffff"] and (heat["zmin"], heat["zmax"]) == (-2.0, 2.0)
    assert [trace["type"] for trace in figure["data"]] == ["heatmap", "scatter"]  # no class line for a value
    # A network of feature inputs takes them, computed from each cell's point: x1² and x2² here.
    squares = tiny_network("regression", ["x1^2", "x2^2"])
    assert model.network_inputs(squares, np.array([[3.0, 2.0]])).tolist() == [[9.0, 4.0]]
    assert boundary_values(squares, xs, ys).tolist() == [[0.1875, 2.188], [-0.3125, 1.688]]


def test_the_answers_boundary_glides_from_the_network_before_the_step_to_the_one_after():
    request = body()
    answer = logic.answer(request)
    glide = answer["boundary"]["glide"]
    assert len(glide) == GLIDE_FRAMES
    heat = answer["boundary"]["figure"]["data"][0]
    xs, ys = np.array(heat["x"]), np.array(heat["y"])
    before, after = model.playground_network(request["network"]), model.playground_network(answer["network"])
    assert glide[0] == boundary_values(before, xs, ys).tolist()
    assert glide[-1] == heat["z"] == boundary_values(after, xs, ys).tolist()
    middle = glide[GLIDE_FRAMES // 2]
    assert middle != glide[0] and middle != glide[-1]  # it moves through the frames between
    # The batch's points on the plane, in their classes' colours.
    points = answer["boundary"]["figure"]["data"][-1]
    dataset = model.check_points(request["data"])
    assert points["x"] == dataset.train_inputs[answer["batch"], 0].astype(float).tolist()
    assert len(points["marker"]["color"]) == len(answer["batch"])
