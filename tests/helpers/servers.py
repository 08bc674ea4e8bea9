"""The real server in its own process, and requests sent to it as any client could.

``ServerProcess`` runs ``playground serve`` (gunicorn, the request guard, the limits) on a
free port and measures its worker: CPU seconds and peak memory per request, from /proc.
``dash_body`` writes a callback request the way Dash's renderer does, from the app's own
callback map, so a test can put anything in the values.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Reply:
    """One answer: status, JSON body (or text), CPU ms the server reported, and what we measured."""

    status: int
    body: object
    reported_cpu_ms: float | None
    cpu_seconds: float  # the worker's CPU time over the request (its pool's processes included)
    peak_extra_mb: float  # the largest peak resident memory over the request of the worker or a process of its
    # pool, above its size before (a process started during the request: all of it)


class ServerProcess:
    """``playground serve`` on 127.0.0.1 in a subprocess (stopped by ``stop``)."""

    def __init__(self, *arguments: str, env: dict | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        environment = {**os.environ, **(env or {})}
        # The server's output goes to a file, never to a pipe nobody reads: a full pipe (64 kB of
        # warnings from the server or its worker processes) would stop the server mid-write.
        self.log = tempfile.NamedTemporaryFile(prefix="playground-server-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "playground.cli", "serve", "--port", str(self.port), *arguments],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_until_up()

    def output(self) -> str:
        """What the server has written so far."""
        return Path(self.log.name).read_text(errors="replace")

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: {self.output()}")
            try:
                if self.get("/").status == 200:
                    self.settle(deadline)
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not answer within a minute")

    def settle(self, deadline: float) -> None:
        """Wait until the server's processes are idle (its pool for large requests imports the
        engine after start-up), so that a request's measured CPU is the request's own."""

        def cpu() -> float:
            total = 0.0
            for process in [
                psutil.Process(self.process.pid),
                *psutil.Process(self.process.pid).children(recursive=True),
            ]:
                try:
                    total += sum(process.cpu_times()[:2])
                except psutil.NoSuchProcess:
                    pass
            return total

        before = cpu()
        while time.monotonic() < deadline:
            time.sleep(0.5)  # a polling interval: the condition is the CPU count standing still
            now = cpu()
            if now - before < 0.05:
                return
            before = now

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def stop(self, show_output: bool = False) -> None:
        """Stop the server (and its worker processes); ``show_output`` prints the end of its log
        (for a failed test's report)."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        else:
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if show_output:
            print("the server's output (end):", self.output()[-4000:])
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    # ------------------------------------------------------------ requests

    def connection(self, timeout: float = 60) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def get(self, path: str) -> http.client.HTTPResponse:
        connection = self.connection()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def post(self, path: str, body: bytes | str | object, headers: dict | None = None, raw: bool = False) -> Reply:
        """POST and measure the (single) worker: CPU seconds and peak memory over the request."""
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        body = body.encode() if isinstance(body, str) else body
        # The worker and the processes it started (its pool for large requests) are measured together.
        worker = self.workers()[0]
        before = {p.pid: p for p in [worker, *worker.children(recursive=True)]}
        rss_before, cpu_before = {}, {}
        for pid, process in before.items():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # peak memory from now on
                rss_before[pid], cpu_before[pid] = process.memory_info().rss, sum(process.cpu_times()[:2])
            except (psutil.NoSuchProcess, OSError):
                continue  # a job process that ended meanwhile (or a zombie not yet reaped)
        connection = self.connection()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if raw:
            connection.putrequest("POST", path)
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            connection.send(body)
        else:
            connection.request("POST", path, body=body, headers=all_headers)
        response = connection.getresponse()
        text = response.read()
        connection.close()
        cpu, peak_extra = 0.0, 0
        for process in [worker, *worker.children(recursive=True)]:
            try:
                cpu += sum(process.cpu_times()[:2]) - cpu_before.get(process.pid, 0.0)
                status = Path(f"/proc/{process.pid}/status").read_text()
            except (psutil.NoSuchProcess, OSError):
                continue
            if "VmHWM:" not in status:
                continue  # a zombie (a job process that ended, not yet reaped) has no memory left
            peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
            peak_extra = max(peak_extra, peak - rss_before.get(process.pid, 0))  # a new process: all of it
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = text.decode(errors="replace")
        timing = response.getheader("Server-Timing") or ""
        reported = server_timing(timing).get("cpu")
        return Reply(response.status, parsed, reported, cpu, max(peak_extra, 0) / 2**20)


def server_timing(header: str) -> dict[str, float]:
    """A ``Server-Timing`` header ("cpu;dur=4.1, total;dur=30.2, …") as {"cpu": 4.1, "total": 30.2, …}."""
    metrics = {}
    for part in header.split(","):
        name, _, duration = part.strip().partition(";dur=")
        if name and duration:
            metrics[name] = float(duration)
    return metrics


def component_id(text: str):
    """A component's id as the renderer sends it: a string, or a dictionary (a change store's id)."""
    return json.loads(text) if text.startswith("{") else text


def is_pattern(text: str) -> bool:
    """Whether an id (as Dash writes it) is a pattern (ALL, MATCH, ALLSMALLER), not one component."""
    return text.startswith("{") and any(isinstance(value, list) for value in json.loads(text).values())


def dash_body(app, output_part: str, values: dict, triggered: str | None = None) -> dict:
    """A callback request as the renderer sends it: the callback whose output key holds
    ``output_part``, its inputs and states filled from ``values`` ({"id.prop": value}; missing
    ones are None), ``triggered`` (an "id.prop") as the changed input."""
    trigger_id = triggered.rpartition(".")[0] if triggered else None
    matches = [
        key
        for key, spec in app.callback_map.items()
        if output_part in key and (trigger_id is None or any(item["id"] == trigger_id for item in spec["inputs"]))
    ]
    if len(matches) != 1:
        raise KeyError(f"{len(matches)} callbacks write {output_part!r}")
    return callback_body(app, matches[0], values, triggered)


def callback_body(app, key: str, values: dict, triggered: str | None = None) -> dict:
    """The request of the callback ``key`` of ``app.callback_map`` (see ``dash_body``)."""
    spec = app.callback_map[key]

    def filled(items):
        entries = []
        for item in items:
            name = f"{item['id']}.{item['property']}"
            if is_pattern(item["id"]):  # a pattern (ALL): one entry per matching component
                entries.append(
                    [
                        {"id": component, "property": item["property"], "value": value}
                        for component, value in values.get(name, [])
                    ]
                )
            else:
                entries.append(
                    {"id": component_id(item["id"]), "property": item["property"], "value": values.get(name)}
                )
        return entries

    outputs = []
    for part in [] if spec.get("no_output") else key.strip(".").split("..."):
        component, _, prop = part.split("@")[0].rpartition(".")
        if is_pattern(component):  # a pattern output (ALL): one entry per matching component
            outputs.append([{"id": matched, "property": prop} for matched, _ in values.get(f"{component}.{prop}", [])])
        else:
            outputs.append({"id": component_id(component), "property": prop})
    inputs = filled(spec["inputs"])
    first = spec["inputs"][0]
    changed = [triggered or f"{first['id']}.{first['property']}"]
    return {
        "output": key,
        "outputs": outputs if len(outputs) != 1 else outputs[0],
        "inputs": inputs,
        "changedPropIds": changed,
        "state": filled(spec["state"]),
    }


class RedisServer:
    """A redis-server of our own on a free port, with nothing saved to disk."""

    def __init__(self, folder: Path, *options: str) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            import pytest  # here, not above: the benchmarks import this module, and pytest slows pydantic

            if os.environ.get("PLAYGROUND_REQUIRE_REDIS") == "1":
                pytest.fail("no redis-server on PATH, and PLAYGROUND_REQUIRE_REDIS=1 requires it")
            pytest.skip("no redis-server on PATH (apt install redis-server)")
        self.binary, self.folder, self.port, self.options = binary, folder, free_port(), options
        folder.mkdir(parents=True, exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def session_values() -> dict:
    """Each session store as a page sends it back ("id.data" → value): a new session's values (a
    page always holds them). Call it after the app is made (the pages register their views)."""
    from playground.app.session import model, stores

    state = model.initial_state()
    parts = {
        **{name: state[name] for name in stores.CORE},
        **{f"view-{name}": view for name, view in state["views"].items()},
    }
    return {f"{store}.data": parts[name] for name, store in stores.store_ids().items()}


CPU_BUDGET = 2.0  # seconds of server CPU for any one request (SPEC)
MEMORY_BUDGET_MB = 200
TRAIN = "/_playground/train"


def train_body(**changes) -> dict:
    """A training request of a new session (one batch), with ``changes``."""
    from playground.app.session import model

    state = model.initial_state()
    body = {
        "network": state["network"],
        "data": state["data"],
        "trainer": {},
        "settings": state["settings"],
        "batches": 1,
        "time_both": True,
    }
    return {**body, **changes}


def within_budget(reply: Reply, server: ServerProcess) -> None:
    """The reply is not a server error, took at most 2 s of the server's CPU and 200 MB (measured
    and reported), and the server still answers a normal request."""
    assert reply.status != 500 and reply.status < 500, reply
    assert reply.cpu_seconds <= CPU_BUDGET, f"{reply.cpu_seconds:.2f} s of CPU"
    assert reply.peak_extra_mb <= MEMORY_BUDGET_MB, f"{reply.peak_extra_mb:.0f} MB"
    assert reply.reported_cpu_ms is not None and reply.reported_cpu_ms <= 1000 * CPU_BUDGET
    normal = server.post(TRAIN, train_body())
    assert normal.status == 200 and "network" in normal.body, "the server must still answer a normal request"


def refused(reply: Reply, status: int, *words: str) -> None:
    """The reply has this status and an error naming every one of ``words``."""
    assert reply.status == status, reply
    text = reply.body["error"] if isinstance(reply.body, dict) else str(reply.body)
    for word in words:
        assert word in text, text


def largest_state(points: int = 10_000) -> dict:
    """The largest playground the server takes: 6 hidden layers of 32 (tanh), 10 classes,
    ``points`` points on a grid (network, data and settings as the session holds them)."""
    from playground.app.session import model

    sizes = [2, *[32] * 6, 10]
    network = model.dense_network_json(sizes, ["tanh"] * 6, "softmax", "cross_entropy", 0)
    inputs = [[(k % 100) / 50 - 1, (k // 100) / 50 - 1] for k in range(points)]
    data = {
        "name": "custom",
        "class_names": [str(k) for k in range(10)],
        "feature_names": ["x1", "x2"],
        "train_inputs": inputs,
        "train_labels": [k % 10 for k in range(points)],
        "test_inputs": [],
        "test_labels": [],
    }
    return {"network": network, "data": data, "settings": dict(model.DEFAULT_SETTINGS)}


def base_state() -> dict:
    """A new session (data, network, settings, training, views)."""
    from playground.app.session import model

    return model.initial_state()


def network_of(sizes) -> dict:
    """A network's JSON naming these sizes, without weights (a client can send one)."""
    layers = (
        sizes
        if not isinstance(sizes, list)
        else [
            {"type": "dense", "inputs": n_in, "outputs": n_out, "activation": "sigmoid"}
            for n_in, n_out in zip(sizes, sizes[1:])
        ]
    )
    return {"input_shape": [2], "cost": "quadratic", "seed": 0, "layers": layers}
