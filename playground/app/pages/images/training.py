"""The image page's training job: one per session, in a background process, controlled by the page.

    start_job(store, key, config)       claim the session's slot (or say why not), mark it queued
    run_job(key, job)                   the job itself (in the background callback's process)
    control_job(store, key, "pause")    pause, resume or stop a running job
    job_status(store, key)              what the page shows (and its heartbeat, which keeps the job alive)

The data never leaves the server: the job reads it from the data directory. Its status, the
curves and, at the end, the trained model and its test-set predictions go into the job store
under the session's key. Pausing keeps the job's process (and so the exact run) waiting;
resuming carries on with the same network, optimizer memory and random streams. A job whose
page has not been heard from for ``job_heartbeat_seconds`` (a limit) stops by itself; a job
whose process died (a killed worker) is marked failed by the next look at its status.

The page hears from a running job every ``REPORT_SECONDS`` of batches (epoch, batch, images/s,
time left); through a step without batches (loading, measuring) a thread says what it does and
for how long (``Reporter.ticking``). At the end it scores the test images alone, a counted piece
at a time (the command line also scores every training image, which the page never shows).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from playground.app.pages.images.logic import check_config, describe, time_left
from playground.app.server import slots
from playground.app.server.jobs import JobStore, JobStoreError
from playground.app.server.models import key_of, save_model
from playground.engine import blas_threads
from playground.limits import current as current_limits
from playground.recipes import Monitor, load_data, prepare

REPORT_SECONDS = 0.5  # how often a running job writes its progress
TICK_SECONDS = 1.0  # how often it says it is still at a step without batches (the page polls once a second)
SCORE_PIECE = 1000  # test images per forward pass of the final scoring (about 0.1 s for a small conv network)
# A job's process computes on one BLAS thread, as the web process and the command line do: the
# same weights for the same thread count (SPEC), and OpenBLAS's default two threads spin on the
# small matrix products of a conv network's scoring (1.5–3× the CPU time, measured here).
JOB_BLAS_THREADS = 1
CONTROL_SECONDS = 0.1  # how often it looks for pause / stop
CURVE_POINTS_PER_EPOCH = 10  # batch-cost points on the live curve
RUNNING_SECONDS = slots.RUNNING_SECONDS  # a job's running mark outlives its process by at most this
QUEUED_SECONDS = 10.0  # a job still queued after this is waiting for a worker: the page says so
ACTIVE = ("queued", "loading", "running", "paused")


def start_job(store: JobStore, session: str, config: dict) -> tuple[str | None, str | None]:
    """Claim the session's job slot: (job id, None), or (None, why not). Checks the settings first."""
    check_config(config)
    return claim_job(store, session, config)


def claim_job(store: JobStore, session: str, config: dict) -> tuple[str | None, str | None]:
    """Claim the session's job slot for a checked ``config`` (training, or scoring an upload:
    ``{"upload": name, "data": …}``): (job id, None), or (None, why not)."""
    status = store.get(key_of("status", session))
    if status and status.get("state") in ACTIVE and time.time() - status.get("updated", 0) < heartbeat_seconds():
        return None, "a job is already training in this session: pause, stop or wait for it"
    busy = slots.why_not(store, session)
    if busy:
        return None, busy
    job = f"{time.time():.6f}"
    if not store.add(key_of("claim", session), job, seconds=5):
        return None, "a job is already starting in this session"
    store.delete(key_of("control", session))
    store.put(key_of("heartbeat", session), time.time())
    store.put(
        key_of("status", session),
        {
            "job": job,
            "state": "queued",
            "config": config,
            "message": "starting…",
            "updated": time.time(),
            "history": [],
            "curve": [],
            "progress": {},
        },
    )
    return job, None


def control_job(store: JobStore, session: str, action: str) -> str:
    """Ask the session's job to pause, resume or stop; returns what the page should say."""
    if action not in ("pause", "resume", "stop"):
        raise ValueError("the job can be paused, resumed or stopped")
    status = store.get(key_of("status", session)) or {}
    if status.get("state") not in ACTIVE:
        return "no job is training in this session"
    store.put(key_of("control", session), action)
    return {"pause": "pausing…", "resume": "resuming…", "stop": "stopping after this batch…"}[action]


def heartbeat_seconds() -> float:
    """How long a job waits for its page (longer than a reload takes, shorter than a class
    would wait for a free slot)."""
    return current_limits().job_heartbeat_seconds


def job_status(store: JobStore, session: str) -> dict | None:
    """The session's job as the page shows it; reading it is the page's heartbeat. A job that
    was working but whose running mark has expired lost its process: it is marked failed, so
    the session can start another."""
    store.put(key_of("heartbeat", session), time.time())
    status = store.get(key_of("status", session))
    working = status is not None and status.get("state") in ("loading", "running", "paused")
    if working and time.time() - status.get("updated", 0) > RUNNING_SECONDS and not slots.running_job(store, session):
        epoch = (status.get("progress") or {}).get("epoch", 0)
        status.update(
            state="failed",
            updated=time.time(),
            message=f"the job stopped at epoch {epoch}: the process training it ended (a worker was "
            f"stopped or crashed). Press train to start again.",
        )
        store.put(key_of("status", session), status)
        store.delete(key_of("claim", session))
    elif (
        status is not None
        and status.get("state") == "queued"
        and time.time() - status.get("updated", 0) > QUEUED_SECONDS
    ):
        status = {
            **status,
            "message": "queued: waiting for a free worker (in class mode: is a `playground worker` running?)",
        }
    return status


def followed_status(store: JobStore, session: str, shown: dict | None) -> dict | None:
    """``job_status``, or, when the store has lost a job the page was following (a Redis restarted
    without its data), a failed status that says so, kept in the store so the page goes on
    showing it (instead of forgetting the job without a word)."""
    status = job_status(store, session)
    if status is None and isinstance(shown, dict) and shown.get("state") in ACTIVE:
        status = {
            **shown,
            "state": "failed",
            "updated": time.time(),
            "message": "the job server lost this job (it restarted without keeping its data): "
            "press train to start again",
        }
        store.put(key_of("status", session), status)
        store.delete(key_of("claim", session))
    return status


# ------------------------------------------------------------------ the job itself


class Reporter:
    """The running job's side of the store: progress, curves, controls, heartbeat."""

    def __init__(self, store: JobStore, session: str, status: dict) -> None:
        self.store, self.session, self.status = store, session, status
        self.last_report = self.last_check = 0.0
        self.lock = threading.Lock()  # the job's thread and its ticking thread both write

    def write(self, **changes: Any) -> None:
        with self.lock:
            self.status.update(changes, updated=time.time())
            self.store.put(key_of("status", self.session), self.status)

    @contextmanager
    def ticking(self, doing: str) -> Iterator[None]:
        """Through a step with no batches to count (``doing``: "measuring accuracy on 15,000
        images"), a thread writes how long it has taken once a second (NumPy lets go of the
        interpreter in its long loops, so the thread gets its turn)."""
        started, done = time.monotonic(), threading.Event()

        def say() -> None:
            seconds = round(time.monotonic() - started)
            self.write(progress={**self.status["progress"], "doing": doing, "doing_seconds": seconds})

        def tick() -> None:
            while not done.wait(TICK_SECONDS):
                try:
                    say()
                except (JobStoreError, sqlite3.Error):
                    pass  # the store away for a moment: the next tick says it

        say()
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()
            # The next write carries the progress without the step (the batches' report, or the end).
            self.status["progress"] = without_doing(self.status["progress"])

    def control(self) -> str | None:
        return self.store.get(key_of("control", self.session))

    def page_gone(self) -> bool:
        heartbeat = self.store.get(key_of("heartbeat", self.session), 0)
        return time.time() - heartbeat > heartbeat_seconds()


def run_job(
    session: str,
    job: str,
    background: bool = True,
    work: Callable[[Reporter, dict], str] | None = None,
    what: str = "training on images",
) -> str:
    """Run the session's claimed job: ``work(reporter, config)`` (``train`` by default, with the
    settings ``start_job`` checked), reporting into the job store; returns the final state. In a
    background process it lowers its own priority, so that the interactive pages keep their speed
    beside it."""
    if background and os.getpriority(os.PRIO_PROCESS, 0) < 10:
        os.setpriority(os.PRIO_PROCESS, 0, 10)  # absolute: a Celery worker's process runs many jobs
    with JobStore() as store:
        status = store.get(key_of("status", session)) or {}
        if status.get("job") != job or status.get("state") != "queued":
            return "refused"  # only the job start_job claimed runs, once
        reporter = Reporter(store, session, status)
        if ("upload" in status["config"]) != (work is not None and work is not train):
            return "refused"  # a training job is trained, an upload's job scored: never the other way
        try:
            with slots.marked_running(session, what), blas_threads(JOB_BLAS_THREADS):
                return (work or train)(reporter, status["config"])
        except Exception as error:  # a job must end with a message, whatever went wrong
            reporter.write(state="failed", message=f"{what} failed: {error}")
            return "failed"
        finally:
            store.delete(key_of("claim", session))  # the session may start its next job now


def train(reporter: Reporter, config: dict) -> str:
    recipe = check_config(config)
    assert recipe.epochs is not None and recipe.batch_size is not None  # check_config fills the defaults
    # Which process trains it (a Celery worker's in class mode): for the log and the tests.
    reporter.write(state="loading", message=f"loading {recipe.data}…", process=f"{socket.gethostname()}:{os.getpid()}")
    with reporter.ticking(f"loading {recipe.data}"):
        data = load_data(recipe)
    if config.get("shuffled_labels"):
        # The experiment: the same images, labels drawn at random. The network can memorise them
        # (train accuracy climbs) but nothing it learns carries over (test accuracy stays at chance).
        data.train_labels = np.random.default_rng([recipe.seed, 5]).permutation(data.train_labels)
    run = prepare(recipe, data)
    trainer, monitor = run.trainer, Monitor(run.trainer, recipe.seed)
    n_train, started = len(data.train_labels), time.perf_counter()
    total = n_train * recipe.epochs
    batches = -(-n_train // recipe.batch_size)  # per epoch, the last one maybe smaller
    every = max(n_train // recipe.batch_size // CURVE_POINTS_PER_EPOCH, 1)
    measured = f"measuring accuracy on {len(monitor.labels) + len(data.test_labels):,} images"
    window: list[float] = []
    reporter.write(
        state="running",
        message=f"training {describe(recipe)}",
        history=[],
        curve=[],
        progress={"epoch": 1, "epochs": recipe.epochs, "batch": 0, "batches": batches, "samples": 0, "total": total},
    )

    def on_batch(event) -> None:
        window.append(event.batch_cost)
        done = event.epoch * n_train + min(event.batch * recipe.batch_size, n_train)
        if event.batch % every == 0:
            reporter.status["curve"].append([round(done / n_train, 4), float(np.mean(window))])
            window.clear()
        if event.end_of_epoch:
            report_progress(reporter, event, done, total, started)  # the epoch's last batch, while it measures
            with reporter.ticking(measured):
                scores = monitor.measure()
            reporter.status["history"].append({"epoch": trainer.epoch, **{k: round(v, 5) for k, v in scores.items()}})
            reporter.write()  # the epoch's scores, for the curves
        elif time.monotonic() - reporter.last_report > REPORT_SECONDS:
            report_progress(reporter, event, done, total, started)

    def should_stop() -> bool:
        if time.monotonic() - reporter.last_check < CONTROL_SECONDS:
            return False  # reading the store after every small batch would slow the training
        reporter.last_check = time.monotonic()
        action = reporter.control()
        if action == "pause":
            wait_while_paused(reporter, trainer)
            action = reporter.control()
        if action == "stop":
            reporter.write(message=f"stopping at {position(trainer)}: scoring the network so far on the test images…")
            return True
        if reporter.page_gone():
            reporter.status["abandoned"] = True
            return True
        return False

    result = trainer.train(
        recipe.epochs, on_batch=on_batch, should_stop=should_stop, threads=recipe.threads, evaluate=False
    )
    run.finish()
    predictions = score_test_images(reporter, run.network, data.test_inputs)
    test_accuracy = float(np.mean(predictions.argmax(axis=1) == data.test_labels))
    assert data.image_shape is not None  # an image data set
    about = {
        "config": config,
        "data": recipe.data,
        "network": run.network.describe(),
        "epochs": trainer.epoch,
        "layers": [layer.to_dict() for layer in run.network.layers],
        "input_shape": list(run.network.input_shape),
        "test_accuracy": test_accuracy,
        "class_names": list(data.class_names),
        "image_shape": list(data.image_shape),
        "job": reporter.status.get("job"),
    }
    save_model(reporter.store, reporter.session, run.network, predictions, about)
    state = (
        "diverged"
        if result.diverged
        else "abandoned"
        if reporter.status.get("abandoned")
        else "stopped"
        if result.epochs < recipe.epochs
        else "done"
    )
    message = {
        "diverged": f"training diverged: {result.message}",
        "abandoned": "stopped: the page went away",
        "stopped": f"stopped at {position(trainer)}",
        "done": f"done: {recipe.epochs} epoch{'' if recipe.epochs == 1 else 's'}",
    }[state]
    reporter.store.delete(key_of("control", reporter.session))
    reporter.write(state=state, message=f"{message}; test accuracy {test_accuracy:.2%}", test_accuracy=test_accuracy)
    return state


def position(trainer) -> str:
    """Where training is, as the progress line counts: 'epoch 2, batch 120 of 1,875' (epochs from 1),
    or 'the end of epoch 3' between epochs."""
    if trainer.batch_in_epoch == 0:
        return f"the end of epoch {trainer.epoch}" if trainer.epoch else "the start"
    batches = -(-len(trainer.inputs) // trainer.settings.batch_size)
    return f"epoch {trainer.epoch + 1}, batch {trainer.batch_in_epoch:,} of {batches:,}"


def without_doing(progress: dict) -> dict:
    """The progress without a step's description (``Reporter.ticking``'s and the scoring's)."""
    return {key: value for key, value in progress.items() if not key.startswith("doing")}


def report_progress(reporter: Reporter, event, done: int, total: int, started: float) -> None:
    """Write where the job is after the batch ``event``: the epoch it is in (from 1), the batch
    within it, images/s and the time left at that pace."""
    seconds = time.perf_counter() - started - reporter.status.get("paused_seconds", 0)
    pace = done / seconds if seconds > 0 else 0.0
    reporter.write(
        progress={
            "epoch": event.epoch + 1,  # event.epoch counts the epochs done before this batch
            "epochs": reporter.status["progress"]["epochs"],
            "batch": event.batch,
            "batches": reporter.status["progress"]["batches"],
            "samples": done,
            "total": total,
            "samples_per_second": round(pace),
            "time_left": time_left(done, total, pace),
            "learn_rate": event.learn_rate,
        }
    )
    reporter.last_report = time.monotonic()


def score_test_images(reporter: Reporter, network, inputs: np.ndarray) -> np.ndarray:
    """The trained network's outputs on the test images, a piece at a time, counting them on the
    page (the test accuracy and the page's evaluation views come from these outputs)."""
    doing, total, parts = "scoring the test images", len(inputs), []
    for start in range(0, total, SCORE_PIECE):
        if time.monotonic() - reporter.last_report > REPORT_SECONDS:
            progress = {**reporter.status["progress"], "doing": doing, "doing_done": start, "doing_total": total}
            reporter.write(progress=progress)
            reporter.last_report = time.monotonic()
        parts.append(network.forward(inputs[start : start + SCORE_PIECE]))
    reporter.status["progress"] = without_doing(reporter.status["progress"])
    return np.concatenate(parts) if parts else network.forward(inputs)


def wait_while_paused(reporter: Reporter, trainer) -> None:
    """Hold the run where it is (same process: the same network, optimizer and random streams)."""
    reporter.write(state="paused", message=f"paused at {position(trainer)}")
    paused = time.perf_counter()
    while reporter.control() == "pause" and not reporter.page_gone():
        time.sleep(0.2)
    if reporter.control() == "resume":
        reporter.store.delete(key_of("control", reporter.session))
    reporter.write(state="running", message="running again")
    reporter.status["paused_seconds"] = reporter.status.get("paused_seconds", 0) + time.perf_counter() - paused
