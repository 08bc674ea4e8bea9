"""Large training requests in their own low-priority processes; fair turns for the small ones."""

from __future__ import annotations

import json
import os
import threading
import time
from types import SimpleNamespace

import psutil
import pytest
from threadpoolctl import threadpool_info

from playground.app.main import create_app
from playground.app.server.heavy import NICENESS, HeavyPool
from playground.app.server.routes import respond
from playground.app.server.turns import Turns
from playground.app.session import model
from playground.engine import use_blas_threads

pytestmark = pytest.mark.timeout(120)

TRAIN = "playground.app.pages.playground.routes:train"  # the training route's handler, by name


def small_body(batches=3) -> bytes:
    state = model.initial_state()
    return json.dumps(
        {
            "network": state["network"],
            "data": state["data"],
            "trainer": {},
            "settings": dict(model.DEFAULT_SETTINGS),
            "batches": batches,
            "time_both": False,
        }
    ).encode()


def test_the_pool_answers_as_the_route_does_at_low_priority_and_recovers_from_a_killed_process():
    pool = HeavyPool(workers=1)
    try:
        assert all(started.result(timeout=60) for started in pool.warm([TRAIN]))
        status, raw = pool.respond(TRAIN, small_body())
        here = respond(TRAIN, small_body())
        assert status == 200 and here[0] == 200
        answer = json.loads(raw)
        assert answer["network"] == json.loads(here[1])["network"]  # the same training, bit for bit
        assert answer["batches"] == 3
        children = [child for child in psutil.Process().children() if "spawn_main" in " ".join(command_line(child))]
        assert children and all(child.nice() == NICENESS for child in children)
        assert pool.respond(TRAIN, b"not json")[0] == 400
        assert pool.respond(TRAIN, json.dumps({"network": {}}).encode())[0] == 400
        for child in children:
            os.kill(child.pid, 9)  # the process dies mid-life: a message, then a fresh pool
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive
        status, raw = pool.respond(TRAIN, small_body())
        assert status == 503 and "stopped" in json.loads(raw)["error"]
        assert pool.respond(TRAIN, small_body())[0] == 200
    finally:
        pool.shutdown()


def test_the_sender_that_asked_least_lately_goes_first(monkeypatch):
    turns = Turns(1)
    order, started = [], []
    now = time.monotonic()
    # The turns' clock stands still at ``now``: the counts fade by what the test sets, not by how
    # long its threads took to start on a busy machine.
    monkeypatch.setattr("playground.app.server.turns.time", SimpleNamespace(monotonic=lambda: now))
    turns.use["playing"] = (5.0, now)  # five requests just now
    turns.use["stepping"] = (1.0, now - 2)  # one, two seconds ago: counts as a half now
    turns.acquire("other")  # the one slot is taken

    def wait_for_turn(sender):
        started.append(sender)
        with turns.turn(sender):
            order.append(sender)

    threads = [threading.Thread(target=wait_for_turn, args=(sender,)) for sender in ("playing", "stepping", "new")]
    for count, thread in enumerate(threads, start=1):
        thread.start()
        wait_until(lambda: len(turns.waiting) == count)  # queued in this order: playing, stepping, new
    assert turns.recent_use("stepping", now) == pytest.approx(0.5, abs=0.05)
    turns.release("other")
    for thread in threads:
        thread.join(5)
    assert order == ["new", "stepping", "playing"]  # never asked, then asked least lately, then the busiest
    assert turns.free == 1  # every slot came back
    assert 5 < turns.recent_use("playing", now) <= 6  # its five, fading, and one more


def wait_until(condition, seconds: float = 10.0) -> None:
    """Poll ``condition`` until it holds (AssertionError after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.001)


def test_turns_never_run_more_than_their_slots_at_once():
    turns = Turns(2)
    running, most, done = [0], [0], [0]
    lock = threading.Lock()

    def everyone_asked() -> bool:  # each of the 40 is working, waiting for its turn, or done
        with lock:
            return running[0] + len(turns.waiting) + done[0] == len(threads)

    def work(k):
        with turns.turn(f"sender {k % 5}"):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            wait_until(everyone_asked)  # it holds its slot until all 40 want one, at any speed
            with lock:
                running[0] -= 1
                done[0] += 1

    threads = [threading.Thread(target=work, args=(k,)) for k in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 2 and running[0] == 0 and turns.free == 2 and not turns.waiting


def test_a_worker_is_ready_before_its_first_request():
    """serve's gunicorn hook finishes Dash's first-request set-up (the registered scripts) and
    starts the large-request pool, before the worker accepts a connection: two first requests at
    once in a fresh worker had seen no scripts registered and answered 400."""
    from types import SimpleNamespace

    from playground.app.main import create_app
    from playground.cli.serve import prepare_worker

    app = create_app()
    assert not app.registered_paths.get("dash")  # nothing set up before a first request …
    prepare_worker(SimpleNamespace(wsgi=app.server))
    try:
        assert app.registered_paths["dash"]  # … and everything after the hook
        with app.server.test_client() as client:
            scripts = [
                line.split('src="')[1].split('"')[0]
                for line in client.get("/").get_data(as_text=True).split("<script")
                if 'src="/_dash-component-suites/' in line
            ]
            assert scripts and all(client.get(src).status_code == 200 for src in scripts)
    finally:
        app.server.wsgi_app.heavy_pool.shutdown()


def blas_threads_now() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_a_servers_processes_run_blas_on_one_thread():
    """A request's CPU budget is its own thread's time: set once per process, never per request
    (threadpoolctl per request cost as much as a small request, and its process-wide setting
    raced between a worker's threads)."""
    before = blas_threads_now()
    guard = create_app().server.wsgi_app
    try:
        guard.warm()  # what gunicorn's hook does in each web worker before its first request
        assert blas_threads_now() and set(blas_threads_now()) == {1}
        processes = guard.heavy_pool._executor()
        in_pool = processes.submit(threadpool_info).result(timeout=60)
        assert {pool["num_threads"] for pool in in_pool if pool["user_api"] == "blas"} == {1}
    finally:
        guard.heavy_pool.shutdown()
        use_blas_threads(max(before))


def command_line(process: psutil.Process) -> list[str]:
    """A child's command line; [] for one that has ended (another test's finished process, a zombie)."""
    try:
        return process.cmdline()
    except psutil.Error:
        return []
