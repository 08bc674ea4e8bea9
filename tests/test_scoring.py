"""An uploaded model too big to score within a request is scored by a job (issue 22).

At 10eec22 the model route ran a CIFAR-10 conv network (16.7 M multiply-adds an image) over the
10,000 test images inside the request: 17 s of CPU. Now a network whose scoring passes the
request's work budget is handed to a job (the session's job slot, progress, stop); a small one
is still scored at once.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from playground.app.pages.images import routes
from playground.app.pages.images.scoring import score_job
from playground.app.pages.images.training import control_job, job_status, run_job
from playground.app.server import models
from playground.app.server.jobs import JobStore
from playground.app.session import keys
from playground.engine import Network
from playground.engine.persistence import network_bytes

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path))
    monkeypatch.delenv("PLAYGROUND_REDIS_URL", raising=False)
    with JobStore() as opened:
        yield opened


def conv_file() -> bytes:
    """A small conv network for MNIST: 314 k multiply-adds an image, 3 G for the test set (over the budget)."""
    return network_bytes(Network.from_spec("conv16x3,pool2,64", (28, 28, 1), 10))


def test_a_small_network_is_scored_at_once(store):
    key = keys.issue()
    raw = network_bytes(Network([784, 32, 10], ["relu"], output_activation="softmax"))
    started = time.thread_time()
    answer = routes.upload(raw, {"key": key, "data": "mnist"})
    assert time.thread_time() - started < 2 and "scoring" not in answer and 0 <= answer["test_accuracy"] <= 1
    assert models.load_model(store, key)[1].shape == (10_000, 10)


def test_a_big_network_is_scored_by_a_job_the_page_follows(store):
    key = keys.issue()
    started = time.thread_time()
    answer = routes.upload(conv_file(), {"key": key, "data": "mnist"})
    assert time.thread_time() - started < 2, "the route itself stays within the request's budget"
    assert answer["scoring"] and "conv16x3" in answer["network"] and models.load_model(store, key) is None
    assert job_status(store, key)["state"] == "queued"
    with pytest.raises(ValueError, match="already"):  # one job per session
        routes.upload(conv_file(), {"key": key, "data": "mnist"})
    assert run_job(key, answer["job"], background=False) == "refused"  # an upload's job is scored, never trained
    assert run_job(key, answer["job"], background=False, work=score_job, what="scoring") == "done"
    status = job_status(store, key)
    assert status["state"] == "done" and "test accuracy" in status["message"]
    assert status["progress"] == {"scoring": True, "samples": 10_000, "total": 10_000}
    network, outputs, about = models.load_model(store, key)
    assert outputs.shape == (10_000, 10) and about["test_accuracy"] == status["test_accuracy"]
    assert store.get_bytes(models.key_of("upload", key)) is None  # the file is not kept twice


def test_a_scoring_job_stops_when_asked_and_keeps_the_old_model(store, monkeypatch):
    monkeypatch.setattr("playground.app.pages.images.scoring.CHUNK", 10)
    key = keys.issue()
    small = network_bytes(Network([784, 16, 10], ["relu"], output_activation="softmax"))
    routes.upload(small, {"key": key, "data": "mnist"})
    answer = routes.upload(conv_file(), {"key": key, "data": "mnist"})
    control_job(store, key, "stop")  # asked before its first chunk: it stops there
    assert run_job(key, answer["job"], background=False, work=score_job, what="scoring") == "stopped"
    status = job_status(store, key)
    assert "scoring stopped after 0 of 10,000" in status["message"] and "keeps its network" in status["message"]
    assert models.model_about(store, key)["network"].startswith("784-16-10")
    np.testing.assert_equal(store.get_bytes(models.key_of("upload", key)), None)


# ---------------------------------------------------------------------- in the browser


@pytest.fixture
def small_budget(monkeypatch):
    """A work budget so small that a 64-20-10 network on the digits is scored by a job (the
    background job's process is started from this one and inherits it)."""
    monkeypatch.setenv("PLAYGROUND_LIMITS", "view_multiply_adds=1000")


def test_the_page_follows_a_scoring_job_to_the_model(small_budget, store, live_app, browser, tmp_path):
    from selenium.webdriver.common.by import By

    from helpers.browser import graph_data, text, wait_for
    from helpers.pages import job_message, no_errors, open_images, tab

    saved = tmp_path / "mine.npz"
    saved.write_bytes(network_bytes(Network([64, 20, 10], ["relu"], output_activation="softmax")))
    open_images(browser, live_app)
    tab(browser, "Models")
    chooser = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#images-upload input[type=file]"))[0]
    chooser.send_keys(str(saved))  # what choosing the file in the dialog does
    wait_for(browser, lambda: text(browser, "images-model-message").startswith("scoring mine.npz"))
    wait_for(browser, lambda: "64-20-10" in text(browser, "images-model-summary"), timeout=120)
    tab(browser, "Train")
    wait_for(browser, lambda: job_message(browser).startswith("done: the uploaded 64-20-10"))
    assert "test accuracy" in job_message(browser) and "scored 360 of 360 test images" in text(
        browser, "images-progress-text"
    )
    tab(browser, "Mistakes")
    wait_for(browser, lambda: graph_data(browser, "images-confusion", 0, "customdata") is not None)
    no_errors(browser)


def test_the_robustness_curves_of_a_big_network_use_fewer_images_and_say_so(store, monkeypatch):
    """25 changed copies of 500 test images through a CIFAR-10 conv network is 2·10¹¹ multiply-adds
    (20 s here): a big network's curves use as many images as the work budget allows (at least 10)."""
    import json

    from playground.app.main import create_app
    from playground.app.pages.images import ids

    from helpers.servers import dash_body

    key = keys.issue()
    routes.upload(
        network_bytes(Network([784, 16, 10], ["relu"], output_activation="softmax")), {"key": key, "data": "mnist"}
    )
    app = create_app()
    client = app.server.test_client()
    client.get("/")

    def drawn() -> dict:
        body = dash_body(app, f"{ids.ROBUSTNESS}.figure", {f"{ids.MODEL}.data": {"job": "x"}, "session-key.data": key})
        reply = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert reply.status_code == 200, reply.get_data(as_text=True)
        return reply.get_json()["response"][ids.ROBUSTNESS]["figure"]

    notes = [a["text"] for a in drawn()["layout"]["annotations"]]
    assert "on 500 test images" in notes  # a small network: every one of them
    monkeypatch.setenv("PLAYGROUND_LIMITS", "view_multiply_adds=1000")
    notes = [a["text"] for a in drawn()["layout"]["annotations"]]
    assert "on 10 test images (a sample: the server's work budget)" in notes
