"""A restart of the web server loses nothing of a room (issue 26, SPEC F28; docs/rooms.md).

Each test runs ``playground serve --workers 2`` on a room store (one machine: a SQLite file,
``$PLAYGROUND_ROOMS_FILE``; class mode: a redis-server kept running while the web server
restarts), opens a room, joins three students, pushes a setting and has every student submit.
Then, with the students still submitting, the server is killed (SIGTERM: gunicorn's graceful
stop; SIGKILL: nothing finishes) and started again on the same store and port:

- the room's public description is what it was (code, version, round, settings, data, network);
- the board is: every entry's scores and rank, and every submission the server answered is
  counted (one it took but could not answer may be counted too; nothing more);
- the students are: their tokens still submit, their networks are theirs (``/me``), their
  nicknames are still taken; the teacher's token still acts.

Then a vote round: three votes, a second kill mid-round, a second start: the round (question,
options, phase) and its votes are intact, and the teacher runs it and the students vote again.

In class mode the second server starts with a fresh cache folder (the secret comes from
``$PLAYGROUND_SECRET``, as on a class's machines), so the room can only have come from Redis.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from helpers.reports import failed
from helpers.servers import RedisServer, ServerProcess

pytestmark = pytest.mark.slow
NICKNAMES = ["ada", "grace", "alan"]
SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGKILL": signal.SIGKILL}


# ---------------------------------------------------------------------------- the API, as a script calls it


class Api:
    """The room API of the server on ``port``, one connection a call."""

    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(self, method: str, path: str, body=None, token: str | None = None) -> tuple[int, object]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                method, "/api/rooms" + path, body=None if body is None else json.dumps(body), headers=headers
            )
            response = connection.getresponse()
            raw = response.read()
            retry_after = response.getheader("Retry-After")
        finally:
            connection.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        if response.status == 429:
            return 429, float(retry_after or 1)
        return response.status, parsed

    def act(self, method: str, path: str, body=None, token: str | None = None) -> tuple[int, object]:
        """A call that waits out the per-student pace (429: asked again when Retry-After says)."""
        deadline = time.monotonic() + 30
        while True:
            status, answer = self(method, path, body, token)
            if status != 429 or time.monotonic() > deadline:
                return status, answer
            time.sleep(answer)  # the server's own Retry-After

    def ok(self, method: str, path: str, body=None, token: str | None = None):
        status, answer = self.act(method, path, body, token)
        assert 200 <= status < 300, f"{method} {path}: {status} {answer}"
        return answer


def jittered(network: dict, amount: float) -> dict:
    """The network with every weight and bias moved by ``amount`` (a student's own tuning)."""
    mine = json.loads(json.dumps(network))
    for layer in mine["layers"]:
        if "weights" in layer:
            layer["weights"] = [
                [w + amount * (1 if (i + j) % 2 else -1) for j, w in enumerate(row)]
                for i, row in enumerate(layer["weights"])
            ]
        if "biases" in layer:
            layer["biases"] = [b + amount for b in layer["biases"]]
    return mine


def weights(network: dict) -> list[float]:
    return [w for layer in network["layers"] for row in layer.get("weights", []) for w in row] + [
        b for layer in network["layers"] for b in layer.get("biases", [])
    ]


def same_network(a: dict, b: dict) -> bool:
    """The same layers and weights (to float32's precision: the server may keep float32)."""
    return [len(layer.get("biases", [])) for layer in a["layers"]] == [
        len(layer.get("biases", [])) for layer in b["layers"]
    ] and all(abs(x - y) <= 1e-6 * max(1.0, abs(x)) for x, y in zip(weights(a), weights(b), strict=True))


def without(board: dict, *keys: str) -> list[dict]:
    return [{k: v for k, v in entry.items() if k not in keys} for entry in board["entries"]]


# ---------------------------------------------------------------------------- the server and its store


class Store:
    """Where the rooms live, and ``playground serve`` started (and started again) on it."""

    def __init__(self, kind: str, folder: Path, redis: RedisServer | None) -> None:
        self.kind, self.folder, self.redis, self.starts = kind, folder, redis, 0
        self.server: ServerProcess | None = None

    def environment(self) -> tuple[list[str], dict]:
        self.starts += 1
        env = {"PLAYGROUND_JOBS_DIR": str(self.folder / "jobs")}
        if self.kind == "sqlite":
            # The same cache folder every time: the installation's secret (which signs the tokens) is kept there.
            env["XDG_CACHE_HOME"] = str(self.folder / "cache")
            env["PLAYGROUND_ROOMS_FILE"] = str(self.folder / "rooms.sqlite3")
            return ["--workers", "2"], env
        # Class mode: the secret shared by the class's machines, and nothing on this disk carried over.
        env["XDG_CACHE_HOME"] = str(self.folder / f"cache-{self.starts}")
        env["PLAYGROUND_SECRET"] = "the class's own secret, the same on every machine"
        return ["--workers", "2", "--redis-url", self.redis.url], env

    def start(self, port: int | None = None) -> Api:
        arguments, env = self.environment()
        self.server = ServerProcess(*arguments, env=env, port=port)
        return Api(self.server.port)

    def kill(self, how: signal.Signals) -> None:
        """Kill the server's whole process group (gunicorn's master and workers) and wait until
        every process of it is gone."""
        group = self.server.process.pid
        os.killpg(group, how)
        self.server.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the server's processes did not all end")
        self.server.stop()  # its log

    def restart(self, how: signal.Signals) -> Api:
        port = self.server.port
        self.kill(how)
        return self.start(port)


@pytest.fixture(scope="module")
def redis_running(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    redis = request.getfixturevalue("redis_running") if request.param == "redis" else None
    if redis is not None and redis.process.poll() is not None:
        redis.start()
    made = Store(request.param, tmp_path, redis)
    yield made
    if made.server is not None:
        if failed(request):
            print("the server's output (end):", made.server.output()[-4000:])
        made.server.stop()


# ---------------------------------------------------------------------------- students submitting through the kill


class Submitter(threading.Thread):
    """A student who keeps submitting the same network (the same scores: a tie keeps the earlier
    entry, so the board's scores do not move), counting what was sent and what was answered."""

    def __init__(self, api: Api, code: str, token: str, network: dict) -> None:
        super().__init__(daemon=True)
        self.api, self.code, self.token, self.network = api, code, token, network
        self.sent = self.answered = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.sent += 1
            try:
                status, answer = self.api("POST", f"/{self.code}/submissions", {"network": self.network}, self.token)
            except OSError:  # the server is down: not answered
                status, answer = 0, None
            if 200 <= status < 300:
                self.answered += 1
            elif status == 429:
                self.sent -= 1  # refused before it was taken
                self.stop.wait(answer)
                continue
            self.stop.wait(0.55)  # a phone's pace: at most one action per room_action_seconds (0.5)


def wait_until(condition, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:g} s for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------- the tests


@pytest.mark.timeout(300)
@pytest.mark.parametrize("how", SIGNALS)
def test_a_restart_mid_round_loses_nothing_of_the_room(store, how):
    kill = SIGNALS[how]
    api = store.start()

    # A room, three students, a setting pushed, every student's submission.
    opened = api.ok("POST", "", {"round": "hand-tune"})
    code, teacher = opened["code"], opened["teacher_token"]
    start = api.ok("GET", f"/{code}")
    tokens = {name: api.ok("POST", f"/{code}/students", {"nickname": name})["student_token"] for name in NICKNAMES}
    api.ok("POST", f"/{code}/settings", {"learn_rate": 0.7}, teacher)
    networks = {name: jittered(start["network"], 0.3 * (k + 1)) for k, name in enumerate(NICKNAMES)}
    for name in NICKNAMES:
        api.ok("POST", f"/{code}/submissions", {"network": networks[name]}, tokens[name])
    room, board = api.ok("GET", f"/{code}"), api.ok("GET", f"/{code}/board")
    assert room["joined"] == 3 and room["settings"]["learn_rate"] == 0.7 and room["round"]["kind"] == "hand-tune"
    assert board["submitted"] == 3 and sorted(e["nickname"] for e in board["entries"]) == sorted(NICKNAMES)
    counted = {e["nickname"]: e["submissions"] for e in board["entries"]}

    # Killed mid-round, with every student submitting.
    submitters = {name: Submitter(api, code, tokens[name], networks[name]) for name in NICKNAMES}
    for submitter in submitters.values():
        submitter.start()
    wait_until(lambda: all(s.answered >= 2 for s in submitters.values()), what="two answered submissions each")
    api = store.restart(kill)
    for submitter in submitters.values():
        submitter.stop.set()
        submitter.join(timeout=35)

    # The room, as it was.
    assert api.ok("GET", f"/{code}") == room
    # The board: the same entries and scores; every answered submission counted.
    after = api.ok("GET", f"/{code}/board")
    assert without(after, "submissions") == without(board, "submissions")
    assert (after["joined"], after["submitted"], after["round"]) == (
        board["joined"],
        board["submitted"],
        board["round"],
    )
    for entry in after["entries"]:
        s = submitters[entry["nickname"]]
        assert counted[entry["nickname"]] + s.answered <= entry["submissions"] <= counted[entry["nickname"]] + s.sent, (
            entry,
            s.answered,
            s.sent,
        )
    # The students: their networks, their tokens (each submits a new network), their nicknames.
    for k, name in enumerate(NICKNAMES):
        me = api.ok("GET", f"/{code}/me", token=tokens[name])
        assert me["nickname"] == name and same_network(me["network"], networks[name])
        answer = api.ok(
            "POST", f"/{code}/submissions", {"network": jittered(start["network"], -0.2 * (k + 1))}, tokens[name]
        )
        assert {"test_cost", "test_accuracy", "rank"} <= set(answer)
    assert api("POST", f"/{code}/students", {"nickname": "ada"})[0] == 409  # still taken
    board = api.ok("GET", f"/{code}/board")
    counts = {e["nickname"]: e["submissions"] for e in board["entries"]}
    assert all(
        counts[name] == e["submissions"] + 1 for name in NICKNAMES for e in after["entries"] if e["nickname"] == name
    )
    # A student's token is still not the teacher's.
    assert api("POST", f"/{code}/settings", {"learn_rate": 0.1}, tokens["ada"])[0] == 403

    # A vote round, killed mid-round after the votes.
    question = {
        "kind": "predict",
        "question": "learn rate 3 on this network: crawl, converge, bounce or diverge?",
        "options": ["crawl", "converge", "bounce", "diverge"],
        "learn_rate": 3,
        "epochs": 20,
    }
    api.ok("POST", f"/{code}/round", question, teacher)
    for name, choice in zip(NICKNAMES, [2, 2, 3], strict=True):
        api.ok("POST", f"/{code}/votes", {"choice": choice}, tokens[name])
    room, board = api.ok("GET", f"/{code}"), api.ok("GET", f"/{code}/board")
    assert room["round"]["kind"] == "predict" and room["round"]["phase"] == "before"
    assert board["votes"]["before"] == [0, 0, 2, 1]
    api = store.restart(kill)
    assert api.ok("GET", f"/{code}") == room
    again = api.ok("GET", f"/{code}/board")
    assert (again["votes"], again["round"], again["joined"]) == (board["votes"], board["round"], board["joined"])

    # The teacher runs it; the students vote again after the reveal.
    revealed = api.ok("POST", f"/{code}/round", {"action": "run"}, teacher)
    assert revealed["round"]["phase"] == "after" and revealed["round"]["id"] == room["round"]["id"]
    for name, choice in zip(NICKNAMES, [3, 3, 3], strict=True):
        api.ok("POST", f"/{code}/votes", {"choice": choice}, tokens[name])
    final = api.ok("GET", f"/{code}/board")
    assert final["votes"]["before"] == [0, 0, 2, 1] and final["votes"]["after"] == [0, 0, 0, 3]
    # A fourth student can still join the restarted room.
    api.ok("POST", f"/{code}/students", {"nickname": "edsger"})
    assert api.ok("GET", f"/{code}")["joined"] == 4
