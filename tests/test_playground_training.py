"""The 2D playground's training requests (session/training.py and the training route): steps and
play without server state, the untrained cost, divergence, bad input, a single step's mini-batch,
and the learn-rate lessons."""

import numpy as np
import pytest

from playground.app.main import create_app
from playground.app.pages.playground import TRAIN_ROUTE, logic
from playground.app.session import model, training

from helpers.playground_state import SETTINGS, initial

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its view of the session (links and files hold them)."""
    return create_app()


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
    np.testing.assert_allclose(
        np.array(state["network"]["layers"][0]["weights"]), np.array(ten["network"]["layers"][0]["weights"]), rtol=1e-6
    )
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
    result = training.answer(
        {
            "network": network,
            "data": data,
            "trainer": {},
            "batches": None,
            "settings": {**SETTINGS, "learn_rate": 1e6, "optimizer": "momentum"},
        }
    )
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
    network = model.dense_network_json(
        shape["layer_sizes"], shape["activations"], shape["output_activation"], shape["cost"], seed=0
    )
    body = {
        "network": network,
        "data": data,
        "trainer": {},
        "batches": None,
        "settings": {**SETTINGS, "learn_rate": lesson["learn_rate"], "batch_size": lesson["batch_size"]},
    }
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
