"""The image page's background training job (pages/images/training.py), run in this process:
start, pause, resume, stop, heartbeat, a job whose process died or that nobody picks up, a job
the store lost, and a conv network trained on the page.

Every test has its own job store (``PLAYGROUND_JOBS_DIR`` in a temporary folder); training uses
the bundled 8×8 digits.
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np
import pytest

from playground.app.pages.images import training
from playground.app.pages.images.logic import check_config
from playground.app.pages.images.training import control_job, job_status, run_job, start_job
from playground.app.pages.images.training_callbacks import progress_text, status_view
from playground.app.server import models, slots
from playground.app.server.models import key_of
from playground.engine import load_network_bytes
from playground.recipes import Monitor, load_data

from helpers.images_page import DIGITS, KEY, in_thread, own_store, wait_for_status, wait_until

# Jobs run in threads here and wait on each other (pause, resume): none may hang the run.
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def store(monkeypatch, tmp_path):
    """A job store of this test's own."""
    yield from own_store(monkeypatch, tmp_path)


# ------------------------------------------------------------------ the training job


def hold_at_its_reports(monkeypatch, until) -> None:
    """Hold a job at its progress reports until ``until(reporter)`` holds: it cannot finish its
    epochs before the test has done what it waits for, however fast the machine is (200 epochs
    of the digits take about a second here)."""
    report = training.report_progress

    def held(reporter, *arguments):
        report(reporter, *arguments)
        wait_until(lambda: until(reporter), 60)

    monkeypatch.setattr(training, "report_progress", held)


def test_a_job_trains_and_leaves_a_model_that_scores_as_reported(store):
    config = {**DIGITS, "epochs": 4}
    job, problem = start_job(store, KEY, config)
    assert problem is None and job_status(store, KEY)["state"] == "queued"
    assert run_job(KEY, job, background=False) == "done"
    status = job_status(store, KEY)
    assert status["state"] == "done" and status["message"].startswith("done: 4 epochs")
    assert [h["epoch"] for h in status["history"]] == [1, 2, 3, 4]
    network = load_network_bytes(models.model_bytes(store, KEY))
    data = load_data(check_config(config))
    accuracy = network.accuracy(data.test_inputs, data.test_labels)
    about = store.get(key_of("about", KEY))
    assert accuracy == pytest.approx(status["test_accuracy"]) == pytest.approx(about["test_accuracy"])
    assert accuracy > 0.8 and about["job"] == job
    predictions = models.bytes_array(store.get_bytes(key_of("predictions", KEY)))
    assert np.mean(predictions.argmax(axis=1) == data.test_labels) == pytest.approx(accuracy, abs=0.01)
    assert run_job(KEY, job, background=False) == "refused"  # a finished job does not run again


def test_the_next_job_can_start_as_soon_as_one_ends_and_the_landscape_slice_takes_its_network(store):
    from playground.app.pages.landscape.slice_logic import image_page_slice_inputs

    with pytest.raises(ValueError, match="no network"):
        image_page_slice_inputs(KEY, 100)
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert run_job(KEY, job, background=False) == "done"
    again, problem = start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert problem is None and again != job
    network, inputs, labels, what = image_page_slice_inputs(KEY, 100)
    assert network.layer_sizes[0] == 64 and inputs.shape == (100, 64) and len(labels) == 100
    assert "image page" in what and "digits" in what


def test_a_second_job_is_refused_while_one_is_running(store):
    job, _ = start_job(store, KEY, DIGITS)
    store.put(key_of("status", KEY), {**store.get(key_of("status", KEY)), "state": "running", "updated": time.time()})
    again, problem = start_job(store, KEY, DIGITS)
    assert again is None and "already" in problem and "training" in problem


def test_a_full_server_refuses_a_new_job(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "jobs=1")
    store.put(slots.running_key("another-session-0123456789"), "a landscape slice", seconds=60)
    job, problem = start_job(store, KEY, DIGITS)
    assert job is None and "busy" in problem


def test_bad_settings_are_refused_before_a_job_is_claimed(store):
    with pytest.raises(ValueError, match="epochs"):
        start_job(store, KEY, {**DIGITS, "epochs": 0})
    assert store.get(key_of("status", KEY)) is None


def test_a_job_that_was_not_claimed_is_refused(store):
    assert run_job(KEY, "123.456", background=False) == "refused"
    job, _ = start_job(store, KEY, DIGITS)
    assert run_job(KEY, job + "0", background=False) == "refused"
    assert job_status(store, KEY)["state"] == "queued"


def test_pause_holds_the_job_and_resume_finishes_it(store, monkeypatch):
    paused_asked = threading.Event()
    hold_at_its_reports(monkeypatch, lambda reporter: paused_asked.is_set())
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    thread, result = in_thread(job)
    wait_for_status(store, lambda s: s.get("state") == "running")
    assert control_job(store, KEY, "pause") == "pausing…"
    paused_asked.set()
    paused = wait_for_status(store, lambda s: s.get("state") == "paused")

    def held_a_while() -> bool:  # the page polls (its heartbeat) while the job holds, for several report periods
        status = job_status(store, KEY)
        assert status["state"] == "paused" and status["progress"] == paused["progress"]
        return time.time() - paused["updated"] > 4 * training.REPORT_SECONDS

    wait_until(held_a_while)
    later = job_status(store, KEY)
    assert later["state"] == "paused" and later["progress"] == paused["progress"]
    assert len(later["history"]) == len(paused["history"]) < 200
    control_job(store, KEY, "resume")
    thread.join(60)
    status = job_status(store, KEY)
    assert result == ["done"] and status["state"] == "done" and len(status["history"]) == 200
    assert status["progress"]["epoch"] == 200


def test_stop_ends_the_job_early_and_keeps_its_model(store, monkeypatch):
    stop_asked = threading.Event()
    hold_at_its_reports(monkeypatch, lambda reporter: stop_asked.is_set())
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    thread, result = in_thread(job)
    wait_for_status(store, lambda s: s.get("state") == "running")
    control_job(store, KEY, "stop")
    stop_asked.set()
    thread.join(60)
    status = job_status(store, KEY)
    assert result == ["stopped"] and status["message"].startswith("stopped at ")  # an epoch's batch, or its end
    assert len(status["history"]) < 200 and models.model_bytes(store, KEY) is not None
    assert control_job(store, KEY, "stop") == "no job is training in this session"


def test_stop_says_at_once_where_it_stopped_and_that_it_scores(store, monkeypatch):
    """A cancel confirms: the job's message says where it stopped and what it does until it ends."""
    stop_asked = threading.Event()
    hold_at_its_reports(monkeypatch, lambda reporter: stop_asked.is_set())
    said_while_scoring = []
    score = training.score_test_images

    def noted(reporter, *arguments):
        said_while_scoring.append(reporter.status["message"])
        return score(reporter, *arguments)

    monkeypatch.setattr(training, "score_test_images", noted)
    monkeypatch.setattr(training, "CONTROL_SECONDS", 0.0)  # the stop is read at the next batch
    job, _ = start_job(store, KEY, {**DIGITS, "batch_size": 1, "epochs": 3})
    thread, result = in_thread(job)
    wait_for_status(store, lambda s: (s.get("progress") or {}).get("batch", 0) >= 1)
    control_job(store, KEY, "stop")
    stop_asked.set()
    thread.join(60)
    stopping = said_while_scoring[0]
    assert re.fullmatch(
        r"stopping at epoch 1, batch \d of 1,437: scoring the network so far on the test images…", stopping
    )
    status = job_status(store, KEY)
    where = stopping.removeprefix("stopping at ").split(":")[0]
    assert result == ["stopped"] and status["message"].startswith(f"stopped at {where}; test accuracy")


def test_a_job_whose_page_went_away_stops_itself(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "job_heartbeat_seconds=0.4")
    hold_at_its_reports(monkeypatch, lambda reporter: reporter.page_gone())  # until the heartbeat is 0.4 s old
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    started = time.monotonic()
    assert run_job(KEY, job, background=False) == "abandoned"  # nobody polls: no heartbeat
    status = store.get(key_of("status", KEY))
    assert "page went away" in status["message"] and len(status["history"]) < 200
    assert time.monotonic() - started < 10


def test_a_job_whose_process_died_is_marked_failed_and_the_session_can_start_again(store):
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 2})
    status = store.get(key_of("status", KEY))
    # What a killed worker leaves: a running job, last heard of long ago, whose mark has expired.
    status.update(state="running", updated=time.time() - 2 * training.RUNNING_SECONDS, progress={"epoch": 3})
    store.put(key_of("status", KEY), status)
    shown = job_status(store, KEY)
    assert shown["state"] == "failed" and "stopped at epoch 3" in shown["message"]
    assert "Press train to start again" in shown["message"]
    job, problem = start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert problem is None and run_job(KEY, job, background=False) == "done"


def test_a_job_nobody_picks_up_says_it_waits_for_a_worker(store):
    start_job(store, KEY, {**DIGITS, "epochs": 2})
    assert job_status(store, KEY)["message"] == "starting…"
    status = store.get(key_of("status", KEY))
    store.put(key_of("status", KEY), {**status, "updated": time.time() - 2 * training.QUEUED_SECONDS})
    shown = job_status(store, KEY)
    assert shown["state"] == "queued" and "waiting for a free worker" in shown["message"]


def test_a_working_job_keeps_its_running_mark_while_its_process_lives(store, monkeypatch):
    monkeypatch.setattr(training, "RUNNING_SECONDS", 0.4)
    monkeypatch.setattr(slots, "RUNNING_SECONDS", 0.4)
    stop_asked = threading.Event()
    hold_at_its_reports(monkeypatch, lambda reporter: stop_asked.is_set())  # still working when the test stops it
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 200})
    thread, result = in_thread(job)
    running = wait_for_status(store, lambda s: s.get("state") == "running")

    def well_past_the_marks_life() -> bool:  # the marker thread renews it all along
        assert slots.running_job(store, KEY) == "training on images" and job_status(store, KEY)["state"] == "running"
        return time.time() - running["updated"] > 3 * training.RUNNING_SECONDS

    wait_until(well_past_the_marks_life)
    control_job(store, KEY, "stop")
    stop_asked.set()
    thread.join(60)
    assert result == ["stopped"] and slots.running_job(store, KEY) is None


def test_shuffled_labels_leave_test_accuracy_at_chance(store):
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 10, "shuffled_labels": True})
    assert run_job(KEY, job, background=False) == "done"
    assert job_status(store, KEY)["test_accuracy"] < 0.3


def test_a_job_the_store_lost_is_said_to_be_lost_and_stays_said(store):
    """A Redis restarted without its data forgets a running job: the page that was following it
    says so (and keeps saying so), instead of going blank about it."""
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 3})
    shown = {**job_status(store, KEY), "state": "running"}
    for part in ("status", "claim", "heartbeat"):
        store.delete(key_of(part, KEY))  # what a restarted Redis holds of it: nothing
    lost = training.followed_status(store, KEY, shown)
    assert lost["state"] == "failed" and "lost this job" in lost["message"] and "press train" in lost["message"]
    assert training.followed_status(store, KEY, lost) == lost  # still said on the next poll
    assert start_job(store, KEY, {**DIGITS, "epochs": 3})[1] is None  # and a new one can start
    assert training.followed_status(store, KEY, None)["state"] == "queued"


# ---------------------------------------------------------------------- what the page hears while a job runs


def test_the_progress_counts_batches_within_an_epoch_with_images_per_second_and_time_left(store, monkeypatch):
    seen = []
    report = training.report_progress

    def noted(reporter, *arguments):
        report(reporter, *arguments)
        seen.append(dict(reporter.status["progress"]))

    monkeypatch.setattr(training, "report_progress", noted)
    monkeypatch.setattr(training, "REPORT_SECONDS", 0.0)  # a report after every batch: all of them seen
    job, _ = start_job(store, KEY, {**DIGITS, "batch_size": 100, "epochs": 2})
    assert run_job(KEY, job, background=False) == "done"
    first = [p for p in seen if p["epoch"] == 1]
    assert [p["batch"] for p in first][:15] == list(range(1, 16))  # 1,437 images: 15 batches of 100, the last 37
    assert {p["batches"] for p in seen} == {15} and {p["epochs"] for p in seen} == {2}
    assert seen[-1] == {**seen[-1], "epoch": 2, "batch": 15, "samples": 2 * 1437, "total": 2 * 1437}
    middle = first[7]
    assert middle["samples"] == 800 and middle["samples_per_second"] > 0
    assert re.fullmatch(r"epoch 1 of 2 · batch 8 of 15 · [\d,]+ images/s · .*s left", progress_text(middle))


def test_a_step_without_batches_says_what_it_does_every_second(store, monkeypatch):
    """Measuring accuracy after an epoch has no batches to count: the page hears what the job
    does, and for how long, once a second (here a measuring held until it has ticked twice)."""
    texts = []
    measure = Monitor.measure

    def held(monitor):
        def ticked_twice() -> bool:
            progress = job_status(store, KEY)["progress"]
            texts.append(progress_text(progress))
            return progress.get("doing_seconds", 0) >= 2

        wait_until(ticked_twice, 30)
        return measure(monitor)

    monkeypatch.setattr(Monitor, "measure", held)
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 1})
    assert run_job(KEY, job, background=False) == "done"
    shown = list(dict.fromkeys(texts))  # each text once, in order
    line = rf"epoch 1 of 1 · batch 45 of 45 · measuring accuracy on {1437 + 360:,} images · (\d+) s"
    seconds = [int(re.fullmatch(line, text).group(1)) for text in shown]
    assert len(seconds) >= 3 and seconds == sorted(seconds) and seconds[0] == 0 and seconds[-1] >= 2
    assert "doing" not in job_status(store, KEY)["progress"]  # the step is over: the line says the epoch again


def test_the_final_scoring_counts_the_test_images(store, monkeypatch):
    monkeypatch.setattr(training, "SCORE_PIECE", 100)
    monkeypatch.setattr(training, "REPORT_SECONDS", 0.0)
    seen = []
    write = training.Reporter.write

    def noted(reporter, **changes):
        write(reporter, **changes)
        seen.append(progress_text(reporter.status["progress"]))

    monkeypatch.setattr(training.Reporter, "write", noted)
    job, _ = start_job(store, KEY, {**DIGITS, "epochs": 1})
    assert run_job(KEY, job, background=False) == "done"
    scoring = [text for text in seen if "scoring the test images" in text]
    assert scoring == [
        f"epoch 1 of 1 · batch 45 of 45 · scoring the test images: {n} of 360" for n in range(0, 360, 100)
    ]


def test_the_progress_line_before_during_and_between_batches():
    assert progress_text({}) == ""
    assert progress_text({"doing": "loading mnist", "doing_seconds": 3}) == "loading mnist · 3 s"
    running = {
        "epoch": 1,
        "epochs": 1,
        "batch": 120,
        "batches": 1875,
        "samples_per_second": 1900,
        "time_left": "25 s left",
    }
    assert progress_text(running) == "epoch 1 of 1 · batch 120 of 1,875 · 1,900 images/s · 25 s left"
    scoring = {"scoring": True, "samples": 250, "total": 10000}
    assert progress_text(scoring) == "scored 250 of 10,000 test images"  # an uploaded model's scoring job
    queued = {"state": "queued", "updated": 100.0, "progress": {}}
    assert status_view(queued, now=103.2)["text"] == "waiting for the job's process to start · 3 s"


def test_a_job_computes_on_one_blas_thread_as_the_command_line_does(store):
    """OpenBLAS's default (a thread per core) spins on a conv network's small matrix products:
    a spawned job's process starts with it, so the job sets one thread, as the CLI's default."""
    from threadpoolctl import threadpool_info

    from playground.app.pages.images.training import claim_job

    threads = []

    def work(reporter, config):
        threads.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return "done"

    job, _ = claim_job(store, KEY, {"upload": "x.npz", "data": "digits"})
    assert run_job(KEY, job, background=False, work=work) == "done"
    assert threads and set(threads) == {1}


# ---------------------------------------------------------------------- conv networks on the page


def test_a_conv_job_trains_on_the_page(store):
    job, problem = start_job(store, KEY, {**DIGITS, "layers": "conv4x3,pool2,16", "epochs": 3})
    assert problem is None
    assert run_job(KEY, job, background=False) == "done"
    network = load_network_bytes(models.model_bytes(store, KEY))
    assert network.layers[0].kind == "conv2d"
    assert store.get(key_of("about", KEY))["test_accuracy"] > 0.7
