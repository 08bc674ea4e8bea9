"""Hostile requests to the Dash callbacks and the descent route, against the real server (SPEC:
reliability and security).

As in test_hostile_routes.py: ``playground serve`` in its own process (tests/hostile/conftest.py's
``server``); every payload gets a 4xx or a message on the page, never a 500, within 2 s of
the server's CPU and 200 MB, and a normal request is answered afterwards.
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from playground.app.pages.playground import ids
from playground.app.session import model, stores
from playground.app.ui.components import APP_MESSAGE

from helpers.hostile_models import short_weights
from helpers.servers import base_state, dash_body, network_of, refused, session_values, within_budget

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]  # a real server process

DISPATCH = "/_dash-update-component"


# ---------------------------------------------------------------------- Dash callbacks


def dash_post(server, app, output_part, values, triggered=None):
    return server.post(DISPATCH, dash_body(app, output_part, {**session_values(), **values}, triggered))


def test_the_slider_callback_refuses_a_giant_layer(server, app):
    network = network_of([2, 5_000_000, 2])
    reply = dash_post(
        server, app, f"{ids.SLIDERS}.children", {f"{stores.NETWORK}.data": network, f"{ids.SLIDER_SHAPE}.data": {}}
    )
    within_budget(reply, server)
    refused(reply, 400, "session-network", "hidden layers of 1 to 32 nodes")


def test_short_slider_weights_are_refused(server, app):
    network = short_weights(base_state()["network"])
    reply = dash_post(
        server, app, f"{ids.SLIDERS}.children", {f"{stores.NETWORK}.data": network, f"{ids.SLIDER_SHAPE}.data": {}}
    )
    within_budget(reply, server)
    refused(reply, 400, "session-network", "layer 1 (dense): weights have shape (1, 3)")


def test_reset_with_a_huge_network_store_is_refused(server, app):
    state = base_state()
    reply = dash_post(
        server,
        app,
        f"{ids.NETWORK_MESSAGE}.children",
        {
            f"{stores.NETWORK}.data": network_of([2, 20000, 20000, 2]),
            f"{stores.DATA}.data": state["data"],
            f"{ids.RESET}.n_clicks": 1,
        },
        triggered=f"{ids.RESET}.n_clicks",
    )
    within_budget(reply, server)
    refused(reply, 400, "hidden layers of 1 to 32 nodes")


def link_reply(server, app, fragment):
    return dash_post(server, app, f"{ids.BODY}.children", {f"{ids.LINK}.data": fragment}, triggered=f"{ids.LINK}.data")


def page_message(reply, component: str) -> str:
    """The text a callback put into ``component`` (or into the alert line)."""
    assert reply.status == 200, reply
    response = reply.body["response"]
    for name in (component, APP_MESSAGE):
        if name in response:
            return str(response[name]["children"])
    side = reply.body.get("sideUpdate", {})
    return str(side.get(APP_MESSAGE, {}).get("children", ""))


def test_a_zlib_bomb_link_is_refused_in_bounded_memory(server, app):
    packer = zlib.compressobj(9)
    chunk = b"0," * 500_000
    bomb = packer.compress(b"[") + b"".join(packer.compress(chunk) for _ in range(60)) + packer.compress(b"0]")
    bomb += packer.flush()  # ~60 kB inflating to 60 MB: a link within the length limit
    fragment = "#s=" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    assert len(fragment) < 100_000
    reply = link_reply(server, app, fragment)
    within_budget(reply, server)
    assert "inflates to more than 2,000,000 bytes" in page_message(reply, ids.SHARE_MESSAGE)


def test_links_too_long_deep_or_holding_bad_settings_are_explained(server, app):
    long_link = "#s=" + "A" * 200_000
    reply = link_reply(server, app, long_link)
    within_budget(reply, server)
    assert "at most 100,000 are read" in page_message(reply, ids.SHARE_MESSAGE)

    deep = zlib.compress(b"[" * 10_000 + b"]" * 10_000)
    reply = link_reply(server, app, "#s=" + base64.urlsafe_b64encode(deep).decode())
    within_budget(reply, server)
    assert "nests more than 64 levels" in page_message(reply, ids.SHARE_MESSAGE)

    state = base_state()
    state["settings"]["learn_rate"] = "abc"
    reply = link_reply(server, app, "#" + model.encode_share(state))
    within_budget(reply, server)
    assert "learn_rate" in page_message(reply, ids.SHARE_MESSAGE)


def test_a_json_upload_over_5_mb_is_refused_on_the_server(server, app):
    contents = "data:application/json;base64," + base64.b64encode(b" " * 5_200_000).decode()
    reply = dash_post(
        server,
        app,
        f"{ids.BODY}.children",
        {f"{ids.JSON_UPLOAD}.contents": contents, f"{ids.JSON_UPLOAD}.filename": "big.json"},
        triggered=f"{ids.JSON_UPLOAD}.contents",
    )
    within_budget(reply, server)
    assert "over 5,000,000 bytes" in page_message(reply, ids.SHARE_MESSAGE)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"name": "no-such-set"}, "problem: one of"),
        ({"noise": float("nan")}, "noise"),
        ({"test_fraction": 5}, "test data"),
        ({"seed": 2**40}, "data seed"),
        ({"n_samples": "abc"}, "points"),
    ],
)
def test_bad_data_controls_get_a_message(server, app, changes, words):
    controls = {"name": "moons", "noise": 0.1, "test_fraction": 0.2, "seed": 1, "n_samples": 100, **changes}
    names = {
        "name": ids.DATASET,
        "noise": ids.NOISE,
        "test_fraction": ids.TEST_FRACTION,
        "seed": ids.DATA_SEED,
        "n_samples": ids.SAMPLES,
    }
    values = {**session_values(), **{f"{names[k]}.value": v for k, v in controls.items()}}
    body = dash_body(app, f"{ids.NOISE}.value", values, triggered=f"{ids.REGENERATE}.n_clicks")
    for entry in body["inputs"]:
        if entry["id"] == ids.REGENERATE:
            entry["value"] = 1
    reply = server.post(DISPATCH, json.dumps(body, allow_nan=True))
    within_budget(reply, server)
    assert words in page_message(reply, ids.DATA_MESSAGE)


def test_a_width_of_abc_and_null_data_get_a_message(server, app):
    state = base_state()
    values = {
        **session_values(),
        f'{{"index":["ALL"],"type":"{ids.LAYER_WIDTH}"}}.value': [({"index": 0, "type": ids.LAYER_WIDTH}, "abc")],
        f'{{"index":["ALL"],"type":"{ids.LAYER_ACTIVATION}"}}.value': [
            ({"index": 0, "type": ids.LAYER_ACTIVATION}, "sigmoid")
        ],
        f"{ids.OUTPUT_ACTIVATION}.value": "sigmoid",
        f"{ids.COST}.value": "quadratic",
    }
    body = dash_body(app, f"{ids.NETWORK_MESSAGE}.children", values)
    body["changedPropIds"] = [json.dumps({"index": 0, "type": ids.LAYER_WIDTH}, separators=(",", ":")) + ".value"]
    reply = server.post(DISPATCH, body)
    within_budget(reply, server)
    assert "whole number from 1 to 32" in page_message(reply, ids.NETWORK_MESSAGE)

    # A page always holds its session: an empty store is refused before any callback sees it.
    reply = dash_post(
        server,
        app,
        f"{ids.BOUNDARY_GRAPH}.figure",
        {f"{stores.DATA}.data": None, f"{stores.NETWORK}.data": state["network"]},
    )
    within_budget(reply, server)
    refused(reply, 400, "session-data", "store is empty")


def test_a_csv_with_1e39_is_refused(server, app):
    contents = "data:text/csv;base64," + base64.b64encode(b"x1,x2,label\n1,2,0\n1e39,0,1\n").decode()
    state = base_state()
    reply = dash_post(
        server,
        app,
        f"{ids.DATA_MESSAGE}.children",
        {
            f"{ids.CSV_UPLOAD}.contents": contents,
            f"{ids.CSV_UPLOAD}.filename": "big.csv",
            f"{stores.DATA}.data": state["data"],
            f"{stores.NETWORK}.data": state["network"],
            f"{stores.SETTINGS}.data": state["settings"],
        },
        triggered=f"{ids.CSV_UPLOAD}.contents",
    )
    within_budget(reply, server)
    assert "line 3: x1 = '1e39' is not a number" in page_message(reply, ids.DATA_MESSAGE)


def test_shared_names_are_shown_as_text_not_markup(server, app):
    state = base_state()
    state["data"]["class_names"] = ['<a href="https://evil.example">log in</a>', "safe"]
    state["data"]["feature_names"] = ["<b>x</b>", "%{customdata}"]
    reply = dash_post(
        server,
        app,
        f"{ids.BOUNDARY_GRAPH}.figure",
        {f"{stores.DATA}.data": state["data"], f"{stores.NETWORK}.data": state["network"]},
    )
    within_budget(reply, server)
    figure = json.dumps(reply.body["response"][ids.BOUNDARY_GRAPH]["figure"])
    assert "<a href" not in figure and "&lt;a href" in figure
    assert "<b>" not in figure and "%{customdata}" not in figure


@pytest.mark.parametrize(
    "body",
    [
        {"output": 5},
        {"output": "nothing.here", "inputs": "x"},
        {"inputs": [], "state": []},
        [],
        "text",
        {"output": "..playground-sliders.children..", "inputs": [{"id": 1}], "changedPropIds": "x"},
    ],
)
def test_malformed_callback_requests_are_400_not_500(server, body):
    reply = server.post(DISPATCH, body)
    within_budget(reply, server)
    assert 400 <= reply.status < 500, reply


def test_deep_json_to_a_callback_is_refused(server):
    reply = server.post(DISPATCH, b'{"output": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    within_budget(reply, server)
    refused(reply, 400, "nests more than 64 levels")


# ---------------------------------------------------------------------- the descent route, the views

DESCENT = "/_playground/descent"


@pytest.mark.parametrize(
    "change, words",
    [
        ({"formula": "__import__('os').system('ls')"}, ["not allowed"]),
        ({"formula": "x**99999"}, ["too large"]),
        ({"x_range": [5, -5]}, ["x_range"]),
        ({"learn_rate": 1e300}, ["learn_rate"]),
    ],
)
def test_bad_descents_are_named(server, app, change, words):
    descent = {**base_state()["views"]["descent"], **change}
    reply = server.post(DESCENT, {"descent": descent, "steps": 1000})
    within_budget(reply, server)
    refused(reply, 400, *words)


def test_a_callback_carrying_a_bad_view_is_refused_naming_it(server, app):
    walk = {**base_state()["views"]["landscape"], "vectors": [[0.0] * 1000] * 100}
    state = base_state()
    values = {
        f"{stores.view_store('landscape')}.data": walk,
        f"{stores.NETWORK}.data": state["network"],
        f"{stores.DATA}.data": state["data"],
        f"{stores.SETTINGS}.data": state["settings"],
    }
    reply = dash_post(server, app, "landscape-surface.figure", values)
    within_budget(reply, server)
    refused(reply, 400, "session-view-landscape", "walk vectors")
