"""The image page's drawing and model routes (a drawing ranked, uploads refused or kept) and the
session's model they read and write (server/models.py), through the app's own test client.

Every test has its own job store (``PLAYGROUND_JOBS_DIR`` in a temporary folder); the model is a
digits network trained here.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

from playground.app.pages.images import REGISTRATION
from playground.app.server import models
from playground.app.server.models import key_of
from playground.engine import Network, load_network_bytes, network_bytes
from playground.limits import current as current_limits

from helpers.images_page import KEY, give_model, own_store, trained_digits_model

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run

ROUTES = {route.key: route.path for route in REGISTRATION.routes}  # the image page's routes, as it registers them
DRAW_ROUTE, MODEL_ROUTE = ROUTES["draw"], ROUTES["model"]


@pytest.fixture
def store(monkeypatch, tmp_path):
    """A job store of this test's own."""
    yield from own_store(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def digits_model():
    """A digits network trained for a few epochs (recipes directly), and its data."""
    return trained_digits_model()


# ------------------------------------------------------------------ routes


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from playground.app.main import create_app

    with pytest.MonkeyPatch.context() as patch:  # create_app makes its callback cache in the jobs folder
        patch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path_factory.mktemp("app-jobs")))
        return create_app().server


@pytest.fixture
def client(server, store):
    return server.test_client()


def drawing(key=KEY, side=28, ink=True):
    canvas = np.zeros((side, side), np.uint8)
    if ink:
        canvas[4:24, 12:16] = 255  # a "1"
    return {"key": key, "side": side, "pixels": base64.b64encode(canvas.tobytes()).decode()}


def test_a_drawing_gets_a_ranking_of_every_class_and_the_steps(client, store, digits_model):
    give_model(store, *digits_model)
    reply = client.post(DRAW_ROUTE, json=drawing())
    assert reply.status_code == 200
    body = reply.get_json()
    names = [name for name, _ in body["ranking"]]
    shares = [share for _, share in body["ranking"]]
    assert sorted(names) == [str(k) for k in range(10)] and sum(shares) == pytest.approx(1)
    assert shares == sorted(shares, reverse=True)
    assert [name for name, _ in body["steps"]] == ["raw", "network"]
    assert body["steps"][0][1]["shape"] == [28, 28] and body["steps"][1][1]["shape"] == [8, 8]


def test_a_blank_drawing_gets_a_message(client, store, digits_model):
    give_model(store, *digits_model)
    reply = client.post(DRAW_ROUTE, json=drawing(ink=False))
    assert reply.status_code == 400 and "blank" in reply.get_json()["error"]


def test_a_drawing_without_a_model_or_with_a_bad_key_is_400(client):
    reply = client.post(DRAW_ROUTE, json=drawing())
    assert reply.status_code == 400 and "no network yet" in reply.get_json()["error"]
    reply = client.post(DRAW_ROUTE, json=drawing(key="../x"))
    assert reply.status_code == 400 and "session key" in reply.get_json()["error"]
    reply = client.post(DRAW_ROUTE, json={**drawing(), "side": 5})
    assert reply.status_code == 400 and "side" in reply.get_json()["error"]


def upload(client, raw, data="digits", key=KEY):
    return client.post(
        MODEL_ROUTE, query_string={"key": key, "data": data}, data=raw, content_type="application/octet-stream"
    )


def test_a_garbage_upload_is_refused_and_the_model_is_kept(client, store, digits_model):
    give_model(store, *digits_model)
    before = models.model_bytes(store, KEY)
    reply = upload(client, b"this is not a model file" * 10)
    assert reply.status_code == 400 and "not a model file" in reply.get_json()["error"]
    assert models.model_bytes(store, KEY) == before


def test_a_visitor_is_told_a_data_set_is_missing_without_the_servers_paths(client, store, monkeypatch, tmp_path):
    hidden = tmp_path / "the-servers-own-folder"
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(hidden))
    error = upload(client, b"x", data="mnist").get_json()["error"]
    assert "not downloaded on this server" in error and "playground download mnist" in error
    assert "the-servers-own-folder" not in error and "/" not in error


def test_a_model_for_another_data_set_is_refused_naming_the_shapes(client, store):
    reply = upload(client, network_bytes(Network([784, 10])))
    error = reply.get_json()["error"]
    assert reply.status_code == 400 and "784 inputs" in error and "64 pixels" in error
    assert models.model_bytes(store, KEY) is None


def test_a_valid_upload_becomes_the_sessions_model(client, store, digits_model):
    network, data = digits_model
    reply = upload(client, network_bytes(network))
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["test_accuracy"] == pytest.approx(network.accuracy(data.test_inputs, data.test_labels), abs=1 / 360)
    stored = load_network_bytes(models.model_bytes(store, KEY))
    for mine, theirs in zip(stored.parameters(), network.parameters()):
        np.testing.assert_array_equal(mine, theirs)
    assert store.get(key_of("about", KEY))["job"] == body["job"] and body["job"].startswith("upload-")


class CountingStream(io.RawIOBase):
    """An endless body that counts what is read of it."""

    def __init__(self) -> None:
        self.taken = 0

    def read(self, size=-1):
        size = 1 << 16 if size is None or size < 0 else size
        self.taken += size
        return b"\x00" * size


def test_a_body_over_the_limit_is_refused_unread(server, store):
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=MODEL_ROUTE, method="POST", query_string={"key": KEY, "data": "digits"}).get_environ()
    stream = CountingStream()
    environ.update({"wsgi.input": stream, "CONTENT_LENGTH": str(current_limits().model_upload_bytes + 1)})
    statuses = []
    body = b"".join(server.wsgi_app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
    assert statuses[0].startswith("413") and b"at most" in body and stream.taken == 0


def test_the_model_routes_limit_is_the_one_in_force(client, store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "model_upload_bytes=1000")
    reply = upload(client, b"\x00" * 5000)
    assert reply.status_code == 413 and "1,000" in reply.get_json()["error"]


# ---------------------------------------------------------------------- the session's model


def test_a_sessions_model_is_kept_in_the_job_store_under_its_key(store, digits_model):
    """server.models: the model, its test-set outputs (float16) and what it was trained on, per session."""
    network, data = digits_model
    assert models.load_model(store, KEY) is None and models.model_about(store, KEY) is None
    give_model(store, network, data)
    loaded, outputs, about = models.load_model(store, KEY)
    for mine, theirs in zip(loaded.parameters(), network.parameters()):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_allclose(outputs, network.forward(data.test_inputs), atol=1e-3)  # kept as float16
    assert outputs.dtype == np.float32 and about["job"] == "test"
    assert models.load_model(store, "another-session-0123456789") is None  # no session sees another's
    assert key_of("model", KEY) == f"images:model:{KEY}"


def test_a_float64_upload_is_kept_as_float32_at_half_the_size(client, store, digits_model):
    network, data = digits_model
    wide = network.copy(np.float64)
    assert upload(client, network_bytes(wide)).status_code == 200
    kept = load_network_bytes(models.model_bytes(store, KEY))
    assert kept.dtype == np.float32 and len(models.model_bytes(store, KEY)) < 0.6 * len(network_bytes(wide))
    assert np.allclose(kept.forward(data.test_inputs), wide.forward(data.test_inputs), atol=1e-5)
