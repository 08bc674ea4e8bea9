"""Hostile requests to the server's routes (the training route, the image page's routes), against
the real server (SPEC: reliability and security).

``playground serve`` runs in its own process (gunicorn, one worker; tests/hostile/conftest.py's
``server``). Every payload must get a 4xx, never a 500; the server must spend at most 2 s
of CPU and 200 MB on it, as measured from outside (the worker's CPU time and its peak resident
memory), and answer a normal request afterwards. Payloads cover what a hostile-input review found
on the old server (issue 14) and more; the Dash callbacks' are in test_hostile_callbacks.py.
"""

from __future__ import annotations

import base64
import copy
import json
import socket
import time
import zlib

import pytest

from playground.app.session import keys, model

from helpers.hostile_models import float64_zeros_file, padded_conv_file, short_weights, wide_conv_file
from helpers.servers import TRAIN, base_state, network_of, refused, train_body, within_budget

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]  # a real server process

DISPATCH = "/_dash-update-component"


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
    data = {
        "name": "custom",
        "class_names": [str(k) for k in range(10)],
        "feature_names": ["x1", "x2"],
        "train_inputs": points,
        "train_labels": [k % 10 for k in range(10_000)],
        "test_inputs": [],
        "test_labels": [],
    }
    settings = {**model.DEFAULT_SETTINGS, "batch_size": 1}
    reply = server.post(TRAIN, train_body(network=network, data=data, settings=settings, batches=10_000))
    within_budget(reply, server)
    assert reply.status == 200
    assert reply.body["ended"] == "budget" and "CPU budget" in reply.body["message"]
    assert 0 < reply.body["batches"] < 10_000 and reply.body["cpu_seconds"] <= 1.0
    assert reply.body["timing_estimated"] == ["finite_differences"]  # 5,000+ parameters: timed on a sample


@pytest.mark.parametrize(
    "sizes, words",
    [
        ([2] + [3] * 1000 + [2], ["at most 6 hidden layers"]),
        ([2, 300, 300, 2], ["hidden layers of 1 to 32 nodes"]),
        ([2, 20000, 20000, 2], ["hidden layers of 1 to 32 nodes"]),
        ([2, 100000, 100000, 2], ["hidden layers of 1 to 32 nodes"]),
        ([2, 2.7, 2], ["network.layers.0.outputs", "integer"]),
        ([2, 3, 1000], ["1 to 10 outputs"]),
        ("2,3,2", ["network.layers", "list"]),
    ],
)
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


@pytest.mark.parametrize(
    "settings, words",
    [
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
    ],
)
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
        connection.sendall(
            b"POST /_playground/train HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"net'
        )
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


# ---------------------------------------------------------------------- the image page's routes

DRAW = "/_playground/draw"
MODEL = "/_playground/model"
A_KEY = keys.issue()


@pytest.mark.parametrize(
    "body, words",
    [
        ({"key": A_KEY, "side": 10**9, "pixels": ""}, "side: a whole number"),
        ({"key": A_KEY, "side": 560, "pixels": "AAAA"}, "313,600 bytes"),
        ({"key": A_KEY, "side": 28, "pixels": "not base64!"}, "base64"),
        ({"key": "../../etc/passwd", "side": 28, "pixels": ""}, "session key"),
        ({"key": A_KEY, "side": 28, "pixels": base64.b64encode(bytes(784)).decode()}, "no network yet"),
        ([1, 2, 3], "expected a JSON object"),
    ],
)
def test_bad_drawings_are_named(server, body, words):
    reply = server.post(DRAW, body)
    within_budget(reply, server)
    refused(reply, 400, words)


def test_a_drawing_body_over_the_limit_is_refused_unread(server):
    reply = server.post(DRAW, b" " * 2_100_000)
    within_budget(reply, server)
    refused(reply, 413)


@pytest.mark.parametrize(
    "raw, query, words",
    [
        (b"PK\x03\x04" + b"\x00" * 5000, f"?key={A_KEY}&data=digits", "the file"),
        (zlib.compress(b"\x00" * 10_000_000), f"?key={A_KEY}&data=digits", "the file"),
        (b"x", f"?key={A_KEY}&data=../../secret", "data set: one of"),
        (b"x", "?key=&data=digits", "session key"),
    ],
)
def test_bad_model_uploads_are_named(server, raw, query, words):
    reply = server.post(MODEL + query, raw, headers={"Content-Type": "application/octet-stream"})
    within_budget(reply, server)
    refused(reply, 400, words)


@pytest.mark.parametrize(
    "make, words",
    [
        (padded_conv_file, "too costly to run here"),
        (wide_conv_file, "too costly to run here"),
        (float64_zeros_file, "too large to run here"),
    ],
)
def test_a_small_model_file_that_would_cost_minutes_or_gigabytes_is_refused(server, make, words):
    """Issue 22's reproductions: 4.7 KB of conv padding took 92 s of CPU to accept; 2,048 filters of
    zeros, 25 s and 2 GB; now each is refused from its description, before its weights are read."""
    reply = server.post(
        MODEL + f"?key={A_KEY}&data=digits", make(), headers={"Content-Type": "application/octet-stream"}
    )
    within_budget(reply, server)
    refused(reply, 400, "the file", words, "allowed")


def test_a_model_upload_over_64_mb_is_refused_before_it_is_read(server):
    reply = server.post(
        MODEL + f"?key={A_KEY}&data=digits",
        b"0" * 1000,
        headers={"Content-Type": "application/octet-stream", "Content-Length": str(65_000_000)},
        raw=True,
    )
    assert reply.status == 413, reply
