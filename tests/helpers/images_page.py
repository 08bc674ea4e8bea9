"""What the image page's tests share (tests/test_images_*.py): the session key, the digits
settings, a job store of a test's own, a small trained digits network, the tiny evaluation
example, and the waits on a training job.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from playground.app.pages.images.logic import DEFAULT_CONFIG, check_config
from playground.app.pages.images.training import job_status, run_job
from playground.app.server import models
from playground.app.server.jobs import JobStore
from playground.app.session import keys
from playground.recipes import load_data, prepare

KEY = keys.issue()  # a session key the server signed
DIGITS = {**DEFAULT_CONFIG, "data": "digits"}

TINY_LABELS = np.array([0, 1, 1, 0])
TINY_OUTPUTS = np.array([[0.905, 0.095], [0.615, 0.385], [0.295, 0.705], [0.505, 0.495]])  # right, wrong, right, right


def own_store(monkeypatch, tmp_path):
    """A job store of this test's own (the body of each file's ``store`` fixture)."""
    monkeypatch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path))
    with JobStore() as opened:
        yield opened


def trained_digits_model():
    """A digits network trained for a few epochs (recipes directly), and its data."""
    recipe = check_config({**DIGITS, "epochs": 5})
    data = load_data(recipe)
    run = prepare(recipe, data)
    run.trainer.train(5, evaluate=False)
    run.finish()
    return run.network, data


def give_model(store, network, data):
    """The session's model, as a finished job leaves it."""
    about = {"data": "digits", "class_names": list(data.class_names), "image_shape": [8, 8], "job": "test"}
    models.save_model(store, KEY, network, network.forward(data.test_inputs), about)


def wait_until(condition, seconds: float = 20.0) -> None:
    """Poll ``condition`` until it holds (AssertionError after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def wait_for_status(store, predicate, seconds=20.0):
    """Poll the session's job status until ``predicate`` holds of it; returns that status."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = job_status(store, KEY) or {}
        if predicate(status):
            return status
        time.sleep(0.02)
    raise AssertionError(f"timed out; the status is {status}")


def in_thread(job):
    """Run the job in a thread of its own; returns the thread and the list its result goes to."""
    result = []
    thread = threading.Thread(target=lambda: result.append(run_job(KEY, job, background=False)), daemon=True)
    thread.start()
    return thread, result
