"""The server's job slots (issue 22): long jobs of every page share a few slots, one per session,
and a background job stops when its page stops polling it.

At f77ffa5 every landscape slice was a process that ran to its end whether anyone polled or not
(101×101: still running after 349 s), and five abandoned slices held both cores for 90 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import psutil
import pytest

from playground.app.main import create_app
from playground.app.pages.landscape import ids
from playground.app.server import slots
from playground.app.server.jobs import JobStore
from playground.app.session import stores

from helpers.servers import ServerProcess, dash_body, largest_state, session_values

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def jobs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path))
    monkeypatch.delenv("PLAYGROUND_REDIS_URL", raising=False)
    return tmp_path


def test_a_session_holds_one_slot_and_the_server_at_most_its_jobs(jobs_folder, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "jobs=2")
    first, second, third = (stores.new_session_key() for _ in range(3))
    with slots.job_slot(first, "a landscape slice"):
        with pytest.raises(slots.SlotRefused, match="already running a job"):
            with slots.job_slot(first, "a map of a layer"):
                pass
        with slots.job_slot(second, "a map of a layer"):
            with pytest.raises(slots.SlotRefused, match="busy: this server runs at most 2 long jobs"):
                with slots.job_slot(third, "a landscape slice"):
                    pass
        with slots.job_slot(third, "a landscape slice"):  # the second's slot is free again
            pass
    with JobStore() as store:
        assert store.count(slots.PREFIX) == 0


def test_a_killed_jobs_mark_frees_its_slot_at_once(jobs_folder, monkeypatch):
    """Dash's cancel kills the job's process, which cannot remove its mark: the next start, and
    the server's count, see that the process is gone (a mark from another machine waits for its expiry)."""
    monkeypatch.setenv("PLAYGROUND_LIMITS", "jobs=1")
    session, other = stores.new_session_key(), stores.new_session_key()
    job = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with JobStore() as store:
        store.put(slots.running_key(session), {**slots.mark("a landscape slice"), "pid": job.pid}, seconds=60)
        assert "already running a job (a landscape slice)" in slots.why_not(store, session)
        assert "busy" in slots.why_not(store, other)
        job.kill()
        job.wait()
        assert slots.why_not(store, session) is None and slots.why_not(store, other) is None
        assert slots.running_job(store, session) is None and store.count(slots.PREFIX) == 0
        far = {**slots.mark("a map of a layer"), "host": "another-machine", "pid": job.pid}
        store.put(slots.running_key(session), far, seconds=60)
        assert slots.running_job(store, session) == "a map of a layer" and "busy" in slots.why_not(store, other)


def test_a_stop_asked_stops_that_run_only(jobs_folder):
    session, other = stores.new_session_key(), stores.new_session_key()
    assert not slots.stop_asked(session, 1)
    slots.ask_stop(session, 1)
    assert slots.stop_asked(session, 1)
    assert not slots.stop_asked(session, 2)  # the next start is not stopped by the last cancel
    assert not slots.stop_asked(other, 1)


def test_a_job_is_abandoned_only_when_its_polls_stopped(jobs_folder, monkeypatch):
    assert not slots.abandoned(None, 0.0)  # not a background job: nobody polls it
    started = time.time()
    assert not slots.abandoned("job-a", started)  # just started, not yet polled
    assert slots.abandoned("job-a", started - 2 * slots.ABANDONED_SECONDS)
    slots.note_poll("job-a")
    assert not slots.abandoned("job-a", started - 2 * slots.ABANDONED_SECONDS)


# ---------------------------------------------------------------------- against the real server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("jobs"))
    patch = pytest.MonkeyPatch()
    patch.setenv("PLAYGROUND_JOBS_DIR", folder)  # the server's job store, read here too
    patch.delenv("PLAYGROUND_REDIS_URL", raising=False)
    running = ServerProcess("--workers", "1", "--threads", "4")
    yield running
    running.stop()
    patch.undo()


def running_jobs() -> int:
    with JobStore() as store:
        return store.count(slots.PREFIX)


def pid(launched: dict) -> int:
    return int(str(launched["job"]).split("~")[0])  # Dash signs the job's handle: "pid~signature"


@pytest.fixture(scope="module")
def app():
    return create_app()


def large_slice(app, key: str) -> dict:
    """A 101×101 slice of the largest playground (6 hidden layers of 32, 10,000 points): minutes of work."""
    state = largest_state()
    values = {
        **session_values(),
        f"{stores.NETWORK}.data": state["network"],
        f"{stores.DATA}.data": state["data"],
        f"{stores.KEY}.data": key,
        f"{ids.SLICE_GO}.n_clicks": 1,
        f"{ids.SLICE_SOURCE}.value": "session",
        f"{ids.SLICE_STEPS}.value": 101,
        f"{ids.SLICE_SPAN}.value": 1.0,
        f"{ids.SLICE_NORMALISATION}.value": "filter",
        f"{ids.SLICE_SAMPLES}.value": 1000,
    }
    return dash_body(app, f"{ids.SLICE_RESULT}.children", values, f"{ids.SLICE_GO}.n_clicks")


def poll(server, body: dict, launched: dict):
    """One poll of a background job, as the page sends it (the values cleared, its handles in the query)."""
    cleared = json.loads(json.dumps(body))
    for item in cleared["inputs"] + cleared["state"]:
        item["value"] = None
    query = "&".join(f"{name}={launched[name]}" for name in ("cacheKey", "job"))
    return server.post(f"/_dash-update-component?{query}", cleared)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)  # a polling interval
    return False


@pytest.mark.slow  # a real server process
def test_an_abandoned_slice_stops_within_ten_seconds_and_a_full_server_says_busy(server, app):
    keys = [stores.new_session_key() for _ in range(3)]
    bodies = [large_slice(app, key) for key in keys]
    launches = []
    for body in bodies[:2]:
        reply = server.post("/_dash-update-component", body)
        assert reply.status == 200 and "cacheKey" in reply.body, reply
        launches.append(reply.body)
    # Both compute, each holding one of the two slots, their pages polling.
    assert wait_until(
        lambda: (
            all(poll(server, body, launched).status == 200 for body, launched in zip(bodies, launches))
            and all(psutil.pid_exists(pid(launched)) for launched in launches)
            and running_jobs() == 2
        ),
        60,
    )
    third = server.post("/_dash-update-component", bodies[2]).body
    answer = None

    def third_answered() -> bool:
        nonlocal answer
        for body, launched in zip(bodies, launches):
            poll(server, body, launched)  # the first two pages still waiting
        reply = poll(server, bodies[2], third)
        answer = reply.body if "response" in str(reply.body) else None
        return answer is not None

    assert wait_until(third_answered, 60)
    assert "busy: this server runs at most 2 long jobs at once" in json.dumps(answer), answer
    # Polled, the jobs go on well past the time an unpolled one gets.
    polled_until = time.monotonic() + 2 * slots.ABANDONED_SECONDS
    while time.monotonic() < polled_until:
        for body, launched in zip(bodies, launches):
            assert poll(server, body, launched).status == 200
        time.sleep(1)  # the page's polling interval
    assert all(alive(pid(launched)) for launched in launches) and running_jobs() == 2
    # The pages go away: no more polls. Each job stops within ten seconds.
    gone = time.monotonic()
    for launched in launches:
        assert wait_until(lambda launched=launched: not alive(pid(launched)), 10 - (time.monotonic() - gone)), (
            f"job {launched['job']} still running {time.monotonic() - gone:.1f} s after its page went away"
        )
    assert running_jobs() == 0


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
