"""A battery of hostile requests against the real server (SPEC: reliability and security).

``playground serve`` runs in its own process (gunicorn, one worker). Every payload must get a
4xx or a message on the page, never a 500; the server must spend at most 2 s of CPU and 200 MB
on it, as measured from outside (the worker's CPU time and its peak resident memory), and
answer a normal request afterwards. Payloads cover what a hostile-input review found on the
old server (issue 14) and more.
"""

from __future__ import annotations

import base64
import copy
import json
import socket
import time
import zlib

import pytest
from helpers.hostile_models import float64_zeros_file, padded_conv_file, wide_conv_file
from helpers.servers import TRAIN, ServerProcess, dash_body, refused, session_values, train_body, within_budget

from playground.app.main import create_app
from playground.app.pages.playground import ids
from playground.app.session import keys, model, stores
from playground.app.ui.components import APP_MESSAGE

pytestmark = pytest.mark.timeout(300)

DISPATCH = "/_dash-update-component"


@pytest.fixture(scope="module")
def server():
    running = ServerProcess("--workers", "1", "--threads", "4", "--limit", "body_seconds=2")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def app():
    """The same app in this process: its callback map writes the requests."""
    return create_app()


def base_state() -> dict:
    """A new session (data, network, settings, training, views)."""
    return model.initial_state()


def network_of(sizes) -> dict:
    """A network's JSON naming these sizes, without weights (a client can send one)."""
    layers = sizes if not isinstance(sizes, list) else [
        {"type": "dense", "inputs": n_in, "outputs": n_out, "activation": "sigmoid"}
        for n_in, n_out in zip(sizes, sizes[1:])]
    return {"input_shape": [2], "cost": "quadratic", "seed": 0, "layers": layers}


# ---------------------------------------------------------------------- the training route


def test_a_billion_batches_stop_at_the_cpu_budget(server):
    reply = server.post(TRAIN, train_body(batches=10_000))
    within_budget(reply, server)
    assert reply.status == 200
    reply = server.post(TRAIN, train_body(batches=1_000_000_000))
    within_budget(reply, server)
    refused(reply, 400, "batches", "10,000")


def test_the_largest_allowed_request_stops_where_its_budget_ends(server):
    # 6 hidden layers of 32, 10,000 points, batches of 1, 10,000 batches asked.
    sizes = [2, *[32] * 6, 10]
    network = model.dense_network_json(sizes, ["tanh"] * 6, "softmax", "cross_entropy", 0)
    points = [[(k % 100) / 50 - 1, (k // 100) / 50 - 1] for k in range(10_000)]
    data = {"name": "custom", "class_names": [str(k) for k in range(10)], "feature_names": ["x1", "x2"],
            "train_inputs": points, "train_labels": [k % 10 for k in range(10_000)], "test_inputs": [],
            "test_labels": []}
    settings = {**model.DEFAULT_SETTINGS, "batch_size": 1}
    reply = server.post(TRAIN, train_body(network=network, data=data, settings=settings, batches=10_000))
    within_budget(reply, server)
    assert reply.status == 200
    assert reply.body["ended"] == "budget" and "CPU budget" in reply.body["message"]
    assert 0 < reply.body["batches"] < 10_000 and reply.body["cpu_seconds"] <= 1.0
    assert reply.body["timing_estimated"] == ["finite_differences"]  # 5,000+ parameters: timed on a sample


@pytest.mark.parametrize("sizes, words", [
    ([2] + [3] * 1000 + [2], ["at most 6 hidden layers"]),
    ([2, 300, 300, 2], ["hidden layers of 1 to 32 nodes"]),
    ([2, 20000, 20000, 2], ["hidden layers of 1 to 32 nodes"]),
    ([2, 100000, 100000, 2], ["hidden layers of 1 to 32 nodes"]),
    ([2, 2.7, 2], ["network.layers.0.outputs", "integer"]),
    ([2, 3, 1000], ["1 to 10 outputs"]),
    ("2,3,2", ["network.layers", "list"]),
])
def test_oversized_or_odd_networks_are_refused_before_they_are_built(server, sizes, words):
    reply = server.post(TRAIN, train_body(network=network_of(sizes)))
    within_budget(reply, server)
    refused(reply, 400, *words)


def test_finite_differences_on_the_largest_network_fit_the_budget_or_are_refused(server):
    sizes = [2, *[32] * 6, 2]
    network = model.dense_network_json(sizes, ["tanh"] * 6, "sigmoid", "quadratic", 0)
    state = base_state()
    settings = {**state["settings"], "gradient": "finite_differences", "batch_size": 200}
    reply = server.post(TRAIN, train_body(network=network, settings=settings, batches=10))
    within_budget(reply, server)
    if reply.status == 400:
        refused(reply, 400, "finite differences", "Use backprop")
    else:
        assert reply.body["batches"] >= 1


@pytest.mark.parametrize("settings, words", [
    ({"learn_rate": "abc"}, ["learn_rate"]),
    ({"learn_rate": float("nan")}, ["NaN is not a JSON number"]),  # refused as JSON, before any field is read
    ({"batch_size": 0}, ["batch_size"]),
    ({"batch_size": 10**12}, ["batch_size"]),
    ({"optimizer": "sgd; rm -rf"}, ["optimizer"]),
    ({"gradient": "magic"}, ["gradient"]),
    ({"momentum": 5}, ["momentum"]),
    ({"l2": -1}, ["l2"]),
    ({"weight_seed": 2**40}, ["weight_seed"]),
    ({"data_seed": 0}, ["data_seed"]),  # version 1's key: the points' generator holds their seed now
    ("settings", ["settings", "valid dictionary"]),
])
def test_bad_settings_are_named(server, settings, words):
    body = train_body()
    body["settings"] = settings if isinstance(settings, str) else {**body["settings"], **settings}
    reply = server.post(TRAIN, json.dumps(body, allow_nan=True))
    within_budget(reply, server)
    refused(reply, 400, *words)


def test_bad_data_and_trainer_state_are_named(server):
    body = train_body()
    too_many = copy.deepcopy(body)
    too_many["data"]["train_inputs"] = [[0.0, 0.0]] * 10_001
    too_many["data"]["train_labels"] = [0] * 10_001
    cases = [
        (too_many, ["more than 10,000 points"]),
        ({**body, "data": {**body["data"], "train_labels": [5] * len(body["data"]["train_labels"])}}, ["labels"]),
        ({**body, "data": {**body["data"], "class_names": ["<b>x</b>" * 50, "y"]}}, ["at most 100 characters"]),
        ({**body, "data": None}, ["data", "valid dictionary"]),
        ({**body, "trainer": {"epoch": 0, "position": -5}}, ["position"]),
        ({**body, "trainer": {"epoch": 0, "position": 10**30}}, ["position"]),
        ({**body, "network": short_weights(body["network"])}, ["weights"]),
    ]
    for payload, words in cases:
        reply = server.post(TRAIN, payload)
        within_budget(reply, server)
        refused(reply, 400, *words)


def short_weights(network: dict) -> dict:
    """The network with its first layer's weights cut to one row."""
    cut = copy.deepcopy(network)
    cut["layers"][0]["weights"] = cut["layers"][0]["weights"][:1]
    return cut


def test_a_trainer_epoch_out_of_range_is_named(server):
    reply = server.post(TRAIN, train_body(trainer={"epoch": 10**30, "position": 0}))
    within_budget(reply, server)
    refused(reply, 400, "trainer: the epoch must be")


def test_request_sizes_depth_length_and_host_are_bounded(server):
    reply = server.post(TRAIN, b"[" * 100_000 + b"]" * 100_000)
    within_budget(reply, server)
    refused(reply, 400, "nests more than 64 levels")
    # not called JSON, so the guard does not measure it: the route does
    reply = server.post(TRAIN, b"[" * 100_000 + b"]" * 100_000, headers={"Content-Type": "text/plain"})
    within_budget(reply, server)
    refused(reply, 400, "nests more than 64 levels")
    reply = server.post(TRAIN, b" " * 2_100_000)
    within_budget(reply, server)
    refused(reply, 413, "at most 2,000,000")
    reply = server.post(TRAIN, b"{}", headers={"Transfer-Encoding": "chunked"}, raw=True)
    within_budget(reply, server)
    assert reply.status in (400, 411)
    for host in ("evil.example:8050", "localhost:evil", "127.0.0.1:99999", "localhost:", "127.0.0.1:80:80"):
        reply = server.post(TRAIN, train_body(), headers={"Host": host})
        within_budget(reply, server)
        refused(reply, 400, "answers to")
    reply = server.post(TRAIN, b"not json at all")
    within_budget(reply, server)
    refused(reply, 400, "is not JSON")
    reply = server.post(TRAIN, b"[1, 2, 3]")
    within_budget(reply, server)
    refused(reply, 400, "expected a JSON object")


def test_stalled_bodies_are_dropped_and_others_are_still_served(server):
    stalled = []
    for _ in range(12):  # more than the worker's threads
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        connection.sendall(b"POST /_playground/train HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"net")
        stalled.append(connection)
    started = time.monotonic()
    reply = server.post(TRAIN, train_body())
    assert reply.status == 200
    assert time.monotonic() - started < 20, "a normal request waited behind stalled ones too long"
    answers = []
    for connection in stalled:
        try:
            answers.append(connection.recv(200))
        except OSError:
            answers.append(b"")
        connection.close()
    assert all(answer == b"" or b"408" in answer for answer in answers), answers


# ---------------------------------------------------------------------- Dash callbacks


def dash_post(server, app, output_part, values, triggered=None):
    return server.post(DISPATCH, dash_body(app, output_part, {**session_values(), **values}, triggered))


def test_the_slider_callback_refuses_a_giant_layer(server, app):
    network = network_of([2, 5_000_000, 2])
    reply = dash_post(server, app, f"{ids.SLIDERS}.children", {f"{stores.NETWORK}.data": network,
                                                                f"{ids.SLIDER_SHAPE}.data": {}})
    within_budget(reply, server)
    refused(reply, 400, "session-network", "hidden layers of 1 to 32 nodes")


def test_short_slider_weights_are_refused(server, app):
    network = short_weights(base_state()["network"])
    reply = dash_post(server, app, f"{ids.SLIDERS}.children", {f"{stores.NETWORK}.data": network,
                                                                f"{ids.SLIDER_SHAPE}.data": {}})
    within_budget(reply, server)
    refused(reply, 400, "session-network", "layer 1 (dense): weights have shape (1, 3)")


def test_reset_with_a_huge_network_store_is_refused(server, app):
    state = base_state()
    reply = dash_post(server, app, f"{ids.NETWORK_MESSAGE}.children",
                      {f"{stores.NETWORK}.data": network_of([2, 20000, 20000, 2]),
                       f"{stores.DATA}.data": state["data"], f"{ids.RESET}.n_clicks": 1},
                      triggered=f"{ids.RESET}.n_clicks")
    within_budget(reply, server)
    refused(reply, 400, "hidden layers of 1 to 32 nodes")


def link_reply(server, app, fragment):
    return dash_post(server, app, f"{ids.BODY}.children", {f"{ids.LINK}.data": fragment},
                     triggered=f"{ids.LINK}.data")


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
    reply = dash_post(server, app, f"{ids.BODY}.children", {f"{ids.JSON_UPLOAD}.contents": contents,
                                                             f"{ids.JSON_UPLOAD}.filename": "big.json"},
                      triggered=f"{ids.JSON_UPLOAD}.contents")
    within_budget(reply, server)
    assert "over 5,000,000 bytes" in page_message(reply, ids.SHARE_MESSAGE)


@pytest.mark.parametrize("changes, words", [
    ({"name": "no-such-set"}, "problem: one of"),
    ({"noise": float("nan")}, "noise"),
    ({"test_fraction": 5}, "test data"),
    ({"seed": 2**40}, "data seed"),
    ({"n_samples": "abc"}, "points"),
])
def test_bad_data_controls_get_a_message(server, app, changes, words):
    controls = {"name": "moons", "noise": 0.1, "test_fraction": 0.2, "seed": 1, "n_samples": 100, **changes}
    names = {"name": ids.DATASET, "noise": ids.NOISE, "test_fraction": ids.TEST_FRACTION, "seed": ids.DATA_SEED,
             "n_samples": ids.SAMPLES}
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
    values = {**session_values(),
              f'{{"index":["ALL"],"type":"{ids.LAYER_WIDTH}"}}.value': [({"index": 0, "type": ids.LAYER_WIDTH}, "abc")],
              f'{{"index":["ALL"],"type":"{ids.LAYER_ACTIVATION}"}}.value':
                  [({"index": 0, "type": ids.LAYER_ACTIVATION}, "sigmoid")],
              f"{ids.OUTPUT_ACTIVATION}.value": "sigmoid", f"{ids.COST}.value": "quadratic"}
    body = dash_body(app, f"{ids.NETWORK_MESSAGE}.children", values)
    body["changedPropIds"] = [json.dumps({"index": 0, "type": ids.LAYER_WIDTH}, separators=(",", ":")) + ".value"]
    reply = server.post(DISPATCH, body)
    within_budget(reply, server)
    assert "whole number from 1 to 32" in page_message(reply, ids.NETWORK_MESSAGE)

    # A page always holds its session: an empty store is refused before any callback sees it.
    reply = dash_post(server, app, f"{ids.BOUNDARY_GRAPH}.figure", {f"{stores.DATA}.data": None,
                                                                    f"{stores.NETWORK}.data": state["network"]})
    within_budget(reply, server)
    refused(reply, 400, "session-data", "store is empty")


def test_a_csv_with_1e39_is_refused(server, app):
    contents = "data:text/csv;base64," + base64.b64encode(b"x1,x2,label\n1,2,0\n1e39,0,1\n").decode()
    state = base_state()
    reply = dash_post(server, app, f"{ids.DATA_MESSAGE}.children", {f"{ids.CSV_UPLOAD}.contents": contents,
                                                                    f"{ids.CSV_UPLOAD}.filename": "big.csv",
                                                                    f"{stores.DATA}.data": state["data"],
                                                                    f"{stores.NETWORK}.data": state["network"],
                                                                    f"{stores.SETTINGS}.data": state["settings"]},
                      triggered=f"{ids.CSV_UPLOAD}.contents")
    within_budget(reply, server)
    assert "line 3: x1 = '1e39' is not a number" in page_message(reply, ids.DATA_MESSAGE)


def test_shared_names_are_shown_as_text_not_markup(server, app):
    state = base_state()
    state["data"]["class_names"] = ['<a href="https://evil.example">log in</a>', "safe"]
    state["data"]["feature_names"] = ["<b>x</b>", "%{customdata}"]
    reply = dash_post(server, app, f"{ids.BOUNDARY_GRAPH}.figure", {f"{stores.DATA}.data": state["data"],
                                                                    f"{stores.NETWORK}.data": state["network"]})
    within_budget(reply, server)
    figure = json.dumps(reply.body["response"][ids.BOUNDARY_GRAPH]["figure"])
    assert "<a href" not in figure and "&lt;a href" in figure
    assert "<b>" not in figure and "%{customdata}" not in figure


@pytest.mark.parametrize("body", [
    {"output": 5}, {"output": "nothing.here", "inputs": "x"}, {"inputs": [], "state": []}, [], "text",
    {"output": "..playground-sliders.children..", "inputs": [{"id": 1}], "changedPropIds": "x"},
])
def test_malformed_callback_requests_are_400_not_500(server, body):
    reply = server.post(DISPATCH, body)
    within_budget(reply, server)
    assert 400 <= reply.status < 500, reply


def test_deep_json_to_a_callback_is_refused(server):
    reply = server.post(DISPATCH, b'{"output": ' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    within_budget(reply, server)
    refused(reply, 400, "nests more than 64 levels")


# ---------------------------------------------------------------------- the image page's routes

DRAW = "/_playground/draw"
MODEL = "/_playground/model"
A_KEY = keys.issue()


@pytest.mark.parametrize("body, words", [
    ({"key": A_KEY, "side": 10**9, "pixels": ""}, "side: a whole number"),
    ({"key": A_KEY, "side": 560, "pixels": "AAAA"}, "313,600 bytes"),
    ({"key": A_KEY, "side": 28, "pixels": "not base64!"}, "base64"),
    ({"key": "../../etc/passwd", "side": 28, "pixels": ""}, "session key"),
    ({"key": A_KEY, "side": 28, "pixels": base64.b64encode(bytes(784)).decode()}, "no network yet"),
    ([1, 2, 3], "expected a JSON object"),
])
def test_bad_drawings_are_named(server, body, words):
    reply = server.post(DRAW, body)
    within_budget(reply, server)
    refused(reply, 400, words)


def test_a_drawing_body_over_the_limit_is_refused_unread(server):
    reply = server.post(DRAW, b" " * 2_100_000)
    within_budget(reply, server)
    refused(reply, 413)


@pytest.mark.parametrize("raw, query, words", [
    (b"PK\x03\x04" + b"\x00" * 5000, f"?key={A_KEY}&data=digits", "the file"),
    (zlib.compress(b"\x00" * 10_000_000), f"?key={A_KEY}&data=digits", "the file"),
    (b"x", f"?key={A_KEY}&data=../../secret", "data set: one of"),
    (b"x", "?key=&data=digits", "session key"),
])
def test_bad_model_uploads_are_named(server, raw, query, words):
    reply = server.post(MODEL + query, raw, headers={"Content-Type": "application/octet-stream"})
    within_budget(reply, server)
    refused(reply, 400, words)


@pytest.mark.parametrize("make, words", [(padded_conv_file, "too costly to run here"),
                                         (wide_conv_file, "too costly to run here"),
                                         (float64_zeros_file, "too large to run here")])
def test_a_small_model_file_that_would_cost_minutes_or_gigabytes_is_refused(server, make, words):
    """Issue 22's reproductions: 4.7 KB of conv padding took 92 s of CPU to accept; 2,048 filters of
    zeros, 25 s and 2 GB; now each is refused from its description, before its weights are read."""
    reply = server.post(MODEL + f"?key={A_KEY}&data=digits", make(), headers={"Content-Type": "application/octet-stream"})
    within_budget(reply, server)
    refused(reply, 400, "the file", words, "allowed")


def test_a_model_upload_over_64_mb_is_refused_before_it_is_read(server):
    reply = server.post(MODEL + f"?key={A_KEY}&data=digits", b"0" * 1000,
                        headers={"Content-Type": "application/octet-stream", "Content-Length": str(65_000_000)},
                        raw=True)
    assert reply.status == 413, reply


# ---------------------------------------------------------------------- the descent route, the views

DESCENT = "/_playground/descent"


@pytest.mark.parametrize("change, words", [
    ({"formula": "__import__('os').system('ls')"}, ["not allowed"]),
    ({"formula": "x**99999"}, ["too large"]),
    ({"x_range": [5, -5]}, ["x_range"]),
    ({"learn_rate": 1e300}, ["learn_rate"]),
])
def test_bad_descents_are_named(server, app, change, words):
    descent = {**base_state()["views"]["descent"], **change}
    reply = server.post(DESCENT, {"descent": descent, "steps": 1000})
    within_budget(reply, server)
    refused(reply, 400, *words)


def test_a_callback_carrying_a_bad_view_is_refused_naming_it(server, app):
    walk = {**base_state()["views"]["landscape"], "vectors": [[0.0] * 1000] * 100}
    state = base_state()
    values = {f"{stores.view_store('landscape')}.data": walk, f"{stores.NETWORK}.data": state["network"],
              f"{stores.DATA}.data": state["data"], f"{stores.SETTINGS}.data": state["settings"]}
    reply = dash_post(server, app, "landscape-surface.figure", values)
    within_budget(reply, server)
    refused(reply, 400, "session-view-landscape", "walk vectors")
