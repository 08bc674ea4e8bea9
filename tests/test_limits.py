"""The limits module, the request guard and the checks of what clients send (unit level).

The whole server under hostile requests is tested in ``tests/hostile/``.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading

import pytest

from playground import limits as limits_module
from playground.app.main import create_app
from playground.app.pages.descent.logic import new_descent
from playground.app.pages.landscape.logic import new_view, started
from playground.app.server.checks import store_checks, store_problem
from playground.app.server.guard import RequestGuard
from playground.app.server.routes import route_table
from playground.app.session import model, stores
from playground.app.session.jsontext import json_depth
from playground.cli.serve import allowed_hosts

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its routes and its view of the session."""
    return create_app()


def check_descent(value):
    return model.check_view("descent", value)


def check_walk(value):
    return model.check_view("landscape", value)


def test_limits_parse_and_pass_to_worker_processes(monkeypatch):
    monkeypatch.setenv(limits_module.ENVIRONMENT_VARIABLE, "")  # restored after the test, whatever it writes
    assert limits_module.current() == limits_module.Limits()
    changed = limits_module.parse("points=20000, request_seconds=1.5")
    assert changed.points == 20_000 and changed.request_seconds == 1.5 and changed.classes == 10
    limits_module.put_in_force(changed)
    assert limits_module.current() == changed
    for text, message in [
        ("wormholes=3", "unknown limit 'wormholes'"),
        ("points=abc", "not a whole number"),
        ("points=0", "must be above 0"),
        ("request_seconds=x", "not a number"),
    ]:
        with pytest.raises(ValueError, match=message):
            limits_module.parse(text)


def reference_depth(text: str) -> int:
    def depth(value):
        if isinstance(value, dict):
            return 1 + max(map(depth, value.values()), default=0)
        if isinstance(value, list):
            return 1 + max(map(depth, value), default=0)
        return 0

    return depth(json.loads(text))


def test_json_depth_matches_the_parser_on_tricky_strings():
    random.seed(0)
    atoms = ["x", '\\"[', "]\\\\", 1, None, '{"', '\\\\\\"', "\\", "\\\\\\", "[[[", "}}"]

    def value(level=0):
        roll = random.random()
        if level > 6 or roll < 0.3:
            return random.choice(atoms)
        if roll < 0.65:
            return [value(level + 1) for _ in range(random.randint(0, 3))]
        return {random.choice(["k", "[", '"', "\\"]) + str(i): value(level + 1) for i in range(random.randint(0, 3))}

    for _ in range(2000):
        text = json.dumps(value())
        assert json_depth(text) == reference_depth(text), text
    assert json_depth(b"[" * 100_000 + b"]" * 100_000) == 100_000  # without recursion


def guarded_app(hosts=None):
    """A tiny WSGI app behind the guard, and a way to call it."""
    reached = []

    def app(environ, start_response):
        reached.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return RequestGuard(app, route_table(), hosts), reached


def call(guard, method="POST", path="/_playground/train", body=b"{}", headers=None):
    import io

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(body),
        "CONTENT_TYPE": "application/json",
        "HTTP_HOST": "127.0.0.1:8050",
    }
    if body is not None:
        environ["CONTENT_LENGTH"] = str(len(body))
    environ.update(headers or {})
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(response_headers)

    answer["body"] = b"".join(guard(environ, start_response))
    return answer


def test_the_guard_bounds_requests_before_the_app_reads_them():
    guard, reached = guarded_app({"127.0.0.1", "localhost"})
    assert call(guard)["status"] == 200 and reached == [b"{}"]
    assert "cpu;dur=" in call(guard)["headers"]["Server-Timing"]
    assert call(guard, headers={"HTTP_HOST": "evil.example"})["status"] == 400
    for host in ("localhost", "LOCALHOST:8050", "127.0.0.1:65535"):
        assert call(guard, headers={"HTTP_HOST": host})["status"] == 200, host
    for host in ("localhost:evil", "localhost:", "127.0.0.1:65536", "127.0.0.1:8050:1", "localhost:٣", ""):
        assert call(guard, headers={"HTTP_HOST": host})["status"] == 400, host
    assert call(guard, body=None)["status"] == 411
    assert call(guard, body=b" " * 2_000_001)["status"] == 413
    assert call(guard, path="/_dash-update-component", body=b" " * 2_000_001)["status"] == 200  # callbacks: 10 MB
    refusal = call(guard, body=b"[" * 65 + b"]" * 65)
    assert refusal["status"] == 400 and b"nests more than 64" in refusal["body"]
    assert len(reached) == 6  # none of the refused ones reached the app


def test_large_requests_beyond_the_pool_are_told_busy():
    guard, _ = guarded_app()
    for _ in range(limits_module.current().heavy_requests):
        guard.heavy.acquire()  # the pool is full
    import io

    sent = io.BytesIO(b" " * 300_000)
    busy = call(guard, body=b" " * 300_000, headers={"wsgi.input": sent})
    assert busy["status"] == 429 and busy["headers"]["Retry-After"] == "1"
    assert sent.tell() == 300_000  # read to its end: the answer reaches the client, not a reset
    assert call(guard, body=b"{}")["status"] == 200  # small requests are not held up


def test_bad_settings_descent_walk_and_training_stores_are_named():
    for settings, word in [
        ({"learn_rate": "abc"}, "learn_rate"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"optimizer": "x"}, "optimizer"),
        ({"weight_seed": 2**32}, "weight_seed"),
        ([], "dictionary"),
    ]:
        with pytest.raises(ValueError, match=word):
            model.check_settings({**model.DEFAULT_SETTINGS, **settings} if isinstance(settings, dict) else settings)
    assert model.check_settings(dict(model.DEFAULT_SETTINGS))

    descent = new_descent()
    assert check_descent(descent) is descent
    for change, word in [
        ({"formula": "__import__('os')"}, "formula|unknown|not allowed|cannot"),
        ({"learn_rate": "abc"}, "learn_rate"),
        ({"path": [[0, 0]] * 2000}, "path"),
        ({"x_range": [3, 1]}, "x_range"),
    ]:
        with pytest.raises(ValueError, match=word):
            check_descent({**descent, **change})

    state = model.initial_state()
    data, network, settings = state["data"], state["network"], state["settings"]
    walk = started(new_view(), network, data, settings)
    assert check_walk(walk) is walk and check_walk(started({**new_view(), "source": "saddle"}))
    for change, word in [
        ({"resolution": 100_000}, "resolution"),
        ({"span": float("inf")}, "span"),
        ({"source": "elsewhere"}, "source: input should be 'network'"),
        ({"vectors": [[0.0] * 100_000]}, "vectors"),
        ({"path": [[0.0, 0.0, 0.0]] * 2001}, "path"),
        ({"first": None}, "names two of its parameters"),
    ]:
        with pytest.raises(ValueError, match=word):
            check_walk({**walk, **change})

    assert model.check_training(model.fresh_training())
    with pytest.raises(ValueError, match="history.train"):
        model.check_training({"trainer": {}, "history": {"epoch": [1], "train": ["abc"], "test": [None]}})
    with pytest.raises(model.StateError, match="as many train and test costs as epochs"):
        model.check_training({"trainer": {}, "history": {"epoch": [1, 2], "train": [0.5], "test": [None]}})


def test_a_callback_request_names_the_bad_store_it_carries():
    state = model.initial_state()
    checks = store_checks()
    good = {
        "inputs": [{"id": stores.NETWORK, "property": "data", "value": state["network"]}],
        "state": [{"id": stores.DATA, "property": "data", "value": state["data"]}],
    }
    assert store_problem(good, checks) is None
    bad = json.loads(json.dumps(good))
    bad["state"][0]["value"]["train_labels"] = "everything"
    assert store_problem(bad, checks).startswith("session-data:")
    assert "a callback request must be a JSON object" == store_problem([1, 2], checks)


def test_the_session_store_checks_name_the_bad_part():
    """Every store a callback request can carry back is checked by the session's one validator,
    and a bad value is named by its store and the part of it that is wrong."""
    state = model.initial_state()
    checks = store_checks()
    values = {
        stores.DATA: state["data"],
        stores.NETWORK: state["network"],
        stores.SETTINGS: state["settings"],
        stores.TRAINING: state["training"],
        stores.KEY: stores.new_session_key(),
        stores.REVISION: {"id": "abc", "source": "playground-play", "parts": ["network"]},
        **{stores.view_store(name): value for name, value in state["views"].items()},
    }
    assert set(checks) == set(values)  # every session store, and only those
    body = {
        "inputs": [],
        "state": [{"id": store, "property": "data", "value": value} for store, value in values.items()],
    }
    assert store_problem(body, checks) is None
    network = json.loads(json.dumps(state["network"]))
    network["layers"][1]["weights"] = network["layers"][1]["weights"][:2]
    walk = {**state["views"]["landscape"], "resolution": 7}
    descent = {**state["views"]["descent"], "formula": "__import__('os').system('x')"}
    images = {**state["views"]["images"], "config": {**state["views"]["images"]["config"], "data": "../../etc"}}
    for store, value, words in [
        (stores.DATA, {**state["data"], "train_labels": [9] * len(state["data"]["train_labels"])}, "labels"),
        (stores.NETWORK, network, "layer 2 (dense): weights have shape (2, 2)"),
        (stores.NETWORK, model.dense_network_json([2, 33, 2], ["tanh"], "sigmoid", "quadratic", 0), "1 to 32 nodes"),
        (stores.SETTINGS, {**state["settings"], "data_seed": 0}, "settings data_seed"),
        (stores.SETTINGS, {**state["settings"], "learn_rate": True}, "settings learn_rate"),
        (stores.TRAINING, {"trainer": {"position": -1}, "history": state["training"]["history"]}, "trainer.position"),
        (stores.view_store("landscape"), walk, "landscape view resolution"),
        (stores.view_store("descent"), descent, "is not allowed"),
        (stores.view_store("images"), images, "images view config.data"),
        (stores.KEY, "../../etc/passwd", "session key"),
        (stores.REVISION, {"id": "x" * 65, "source": "", "parts": []}, "revision id"),
    ]:
        wrong = {
            "inputs": [{"id": "playground-step", "property": "n_clicks", "value": 1}],
            "state": [{"id": store, "property": "data", "value": value}],
        }
        problem = store_problem(wrong, checks)
        assert problem and problem.startswith(f"{store}: ") and words in problem, (store, problem)
    # Stores that are not the session's are not its business; a session store is never empty on a page
    # (each starts from a new session's values), so an empty one is refused before a callback meets it.
    assert (
        store_problem({"inputs": [{"id": "playground-view", "property": "data", "value": "anything"}]}, checks) is None
    )
    assert "store is empty" in store_problem(
        {"inputs": [{"id": stores.DATA, "property": "data", "value": None}]}, checks
    )
    # Dash's polls of a background job leave the stores out (and run no callback).
    assert (
        store_problem({"inputs": [{"id": stores.DATA, "property": "data", "value": None}]}, checks, polling=True)
        is None
    )


def test_serve_refuses_debug_beyond_localhost_and_bad_limits():
    for arguments, message in [
        (["--debug", "--host", "0.0.0.0"], "--debug shows tracebacks"),
        (["--limit", "points=many"], "--limit: limit points"),
        (["--workers", "0"], "--workers"),
    ]:
        run = subprocess.run(
            [sys.executable, "-m", "playground.cli", "serve", *arguments], capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 2 and message in run.stderr, run.stderr


def test_hosts_allowed_beyond_localhost_are_the_machines_own_and_those_given():
    local = allowed_hosts("127.0.0.1", [])
    assert local == {"127.0.0.1", "localhost", "[::1]"}
    everywhere = allowed_hosts("0.0.0.0", ["playground.school.example"])
    assert {"127.0.0.1", "playground.school.example"} <= everywhere
    assert "evil.example" not in everywhere
    assert "192.168.1.20" in allowed_hosts("192.168.1.20", [])


def test_the_guard_serves_concurrent_small_requests_while_large_ones_wait():
    """Many threads at once: none is refused for being small, and the pool never leaks."""
    guard, _ = guarded_app()
    answers = []

    def send(size):  # a callback's body: large training bodies go to their own processes (test_heavy.py)
        answers.append((size, call(guard, path="/_dash-update-component", body=b" " * size)["status"]))

    threads = [threading.Thread(target=send, args=(300_000 if k % 3 == 0 else 100,)) for k in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == 30
    assert all(status == 200 for size, status in answers if size == 100)
    assert all(status in (200, 429) for size, status in answers)
    for _ in range(limits_module.current().heavy_requests):  # every slot came back
        assert guard.heavy.acquire(timeout=1)
