"""Every server callback and every browser route, fed generated hostile values (hypothesis):
the answer is a 2xx or a 4xx with a message, never an unhandled exception (SPEC: reliability).

A callback's request starts from what a fresh page sends (the session's stores as a new session
holds them, every other input as the layout draws it); one or two of its values are replaced by
something hostile: nothing, a wrong type, NaN or infinity, a huge or negative number, a long
string, a nested list or dictionary. A route's body is its request shape's fields, some of them
hostile the same way. Each example runs in this process through Flask's test client, so a
failure shows the value and the traceback at once.
"""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest
from dash.development.base_component import Component
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.app.main import create_app
from playground.app.session import stores
from playground.app.session.pages import routes

from helpers.servers import callback_body, is_pattern, session_values

pytestmark = [pytest.mark.timeout(600), pytest.mark.slow]  # many generated values for every callback and route

EXAMPLES = 40  # per callback and per route: about 2,000 requests in all, about 20 s

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1e308, -1e308, math.nan, math.inf, -math.inf, 1e-320, 2**63, 99]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.just("x" * 5000),
    st.sampled_from(["abc", "", "NaN", "null", "[]", "{}", "1e308", "../../etc/passwd", "<b>x</b>"]),
    st.lists(st.one_of(st.integers(), st.floats(), st.none(), st.text(max_size=3)), max_size=4),
    st.dictionaries(st.text(max_size=4), st.one_of(st.integers(), st.none(), st.text(max_size=3)), max_size=3),
    st.just([[[[[1]]]]]),
    st.just({"a": {"b": {"c": None}}}),
)


class Failures(logging.Handler):
    """Every record of ERROR or worse the app logs (an unhandled exception is logged with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


APP = create_app()
CLIENT = APP.server.test_client()
CLIENT.get("/")  # Dash completes its callback map on the first request


@pytest.fixture(scope="module")
def app():
    return APP


@pytest.fixture(scope="module")
def client():
    return CLIENT


@pytest.fixture(scope="module")
def failures():
    handler = Failures()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def layout_values(app) -> dict[str, dict]:
    """Every component of every page's layout: its id (as Dash writes it) → its props."""
    found: dict[str, dict] = {}

    def walk(node) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        if not isinstance(node, Component):
            return
        props = node.to_plotly_json()["props"]
        if "id" in props:
            key = (
                props["id"]
                if isinstance(props["id"], str)
                else json.dumps(props["id"], sort_keys=True, separators=(",", ":"))
            )
            found[key] = props
        for value in props.values():
            if isinstance(value, (list, tuple, Component)):
                walk(value)

    walk(app.validation_layout)
    return found


def fresh_values(app) -> dict[str, object]:
    """Each "id.prop" as a fresh page sends it: a new session's stores, the layout's values, and
    for a pattern every matching component."""
    values: dict[str, object] = session_values()
    components = layout_values(app)
    for spec in app.callback_map.values():
        for item in spec["inputs"] + spec["state"]:
            name = f"{item['id']}.{item['property']}"
            if name in values:
                continue
            if is_pattern(item["id"]):
                pattern = json.loads(item["id"])
                fixed = {key: value for key, value in pattern.items() if not isinstance(value, list)}
                values[name] = [
                    (json.loads(key), props.get(item["property"]))
                    for key, props in components.items()
                    if key.startswith("{") and fixed.items() <= json.loads(key).items()
                ]
            else:
                values[name] = components.get(item["id"], {}).get(item["property"])
    return values


def server_callbacks() -> list[str]:
    """The callbacks the server runs (a clientside callback has no function here)."""
    return sorted(key for key, spec in APP.callback_map.items() if "callback" in spec)


def check_answer(reply, failures: Failures, what: str) -> None:
    logged = [record for record in failures.records if record.name.startswith(("playground", "dash", "flask"))]
    failures.records.clear()
    assert not logged, f"{what}: logged {logged[0].getMessage()}"
    assert reply.status_code < 500, f"{what}: {reply.status_code}"
    text = reply.get_data(as_text=True)
    assert "Something went wrong" not in text, f"{what}: {text[:300]}"
    if reply.status_code >= 400:
        assert reply.is_json and reply.get_json().get("error"), f"{what}: a refusal without a message: {text[:200]}"


@pytest.mark.parametrize("key", server_callbacks())
def test_a_callback_answers_every_value_with_a_result_or_a_message(app, client, failures, key):
    spec, fresh = app.callback_map[key], fresh_values(app)
    names = [f"{item['id']}.{item['property']}" for item in spec["inputs"] + spec["state"]]
    inputs = [f"{item['id']}.{item['property']}" for item in spec["inputs"]]

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def run(data):
        changed = {}
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
            if is_pattern(name.rpartition(".")[0]):  # a pattern's value is one per matching component
                changed[name] = [(component, data.draw(HOSTILE)) for component, _ in fresh[name]]
            else:
                changed[name] = data.draw(HOSTILE)
        triggered = data.draw(st.sampled_from(inputs))
        body = callback_body(app, key, {**fresh, **changed}, triggered)
        reply = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        check_answer(reply, failures, f"{key[:80]}, {triggered} changed, with {json.dumps(changed)[:300]}")

    run()


@pytest.mark.parametrize("route", [route for route in routes() if route.request is not None], ids=lambda r: r.path)
def test_a_route_answers_every_body_with_a_result_or_a_message(client, failures, route):
    fields = list(route.request.model_fields)

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.dictionaries(st.sampled_from(fields), HOSTILE, max_size=len(fields)))
    def run(body):
        reply = client.post(route.path, data=json.dumps(body), content_type="application/json")
        check_answer(reply, failures, f"{route.path} with {json.dumps(body)[:200]}")

    run()


def test_the_fresh_values_are_a_working_page(app, client, failures):
    """The starting point is sound: every callback answers the fresh page's own values."""
    fresh = fresh_values(app)
    for key in server_callbacks():
        spec = app.callback_map[key]
        body = callback_body(app, key, fresh, f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}")
        check_answer(
            client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json"),
            failures,
            key[:80],
        )


@pytest.mark.parametrize(
    "path",
    [
        "/_dash-component-suites/dash/../../etc/passwd",
        "/_dash-component-suites/nothing/x.js",
        "/_dash-component-suites/dash/dcc/none.js",
        "/_dash-component-suites/dash/dcc/%00.js",
        "/_dash-component-suites/dash/deps/react@99.js",
    ],
)
def test_a_script_path_the_app_does_not_serve_is_a_404_not_a_logged_failure(client, failures, path):
    reply = client.get(path)
    assert reply.status_code == 404 and reply.get_json()["error"] == "no such file here"
    check_answer(reply, failures, path)


# ------------------------------------------------------------------ values that need a deeper state


@pytest.mark.parametrize("layer", [99, "abc", -1, True, [1]])
def test_a_map_of_a_layer_the_network_lacks_gets_a_message(layer):
    """The image page's map (a background job: its callback's function runs in the job's process)
    with its session's model in the store: only the menu's layers are drawn, others get a message."""
    from playground.app.pages.images.view_callbacks import layer_map_figure, load_model
    from playground.app.server import models
    from playground.app.server.jobs import JobStore
    from playground.engine import Network

    key = stores.new_session_key()
    network = Network([64, 16, 10], ["tanh"], output_activation="softmax", cost="cross_entropy")
    with JobStore() as store:
        about = {
            "config": {"data": "digits", "seed": 0},
            "data": "digits",
            "network": network.describe(),
            "epochs": 1,
            "layers": [layer.to_dict() for layer in network.layers],
            "input_shape": [64],
            "test_accuracy": 0.1,
            "class_names": [str(d) for d in range(10)],
            "image_shape": [8, 8],
            "job": "fuzz",
        }
        models.save_model(store, key, network, np.full((360, 10), 0.1), about)
    with pytest.raises(ValueError, match="one of the network's layers 0 to 2"):
        layer_map_figure(load_model(key), layer, "pca")
    assert layer_map_figure(load_model(key), 1, "pca").data  # a layer it has: drawn


@pytest.mark.parametrize(
    "steps, span, normalisation, words",
    [
        (None, 1.0, "filter", "odd number of steps"),
        (51, 1e308, "filter", "span must be a number from 0.1 to 2"),
        (51, math.nan, "filter", "span"),
        (51, "1", "filter", "span"),
        (51, 1.0, "x", "scaled by filter, layer, none"),
        (102, 1.0, "filter", "odd number"),
        (True, 1.0, "filter", "odd number"),
    ],
)
def test_a_slice_asks_only_what_the_page_offers(steps, span, normalisation, words):
    from playground.app.pages.landscape.slice_logic import (
        check_normalisation,
        check_span,
        check_steps,
    )

    with pytest.raises(ValueError, match=words):
        check_steps(steps), check_span(span), check_normalisation(normalisation)
