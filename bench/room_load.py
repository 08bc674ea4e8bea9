"""A room of a lecture hall under load (issue 26, SPEC F28): 200 phones on one room.

    python bench/room_load.py                                  # 200 students, 2 minutes, both storage modes
    python bench/room_load.py --students 20 --seconds 20       # a quick try
    python bench/room_load.py --mode sqlite --same-address     # every phone behind one NAT
    python bench/room_load.py --pages                          # and the pages' own polls (below)

The app runs as a real server (``playground serve``: gunicorn, the request guard, the limits;
``--workers 2``, what serve chooses on a 2-core machine) in each storage mode: *sqlite* (one
machine: the rooms in a SQLite file, ``$PLAYGROUND_ROOMS_FILE``) and *redis* (class mode: a
redis-server of our own and ``--redis-url``; the rooms then live in Redis). In each, over the
room HTTP API (docs/rooms.md), loopback only:

1. the teacher opens a room (``POST /api/rooms``: the fruit, the seed's 2-3-2 network, a
   hand-tune round, nothing held);
2. every student joins at once, as a hall does when the code goes up: the phone reads the room
   (``GET /api/rooms/{code}``) and joins (``POST …/students``): *join* is the time from the first
   of those requests to the last answer;
3. for ``--seconds``, each student submits every 3 s (``POST …/submissions`` with its bearer
   token; the room's starting network with every weight and bias jittered, a new jitter each
   time, so the scores differ), the students spread evenly over the 3 s; meanwhile the projector
   reads the board every second (``GET …/board``, with ``If-None-Match`` when the board had an
   ``ETag``), and keeps reading for up to 10 s after the last submission.

With ``--pages`` the phones and the projector also poll as the pages do (assets/join.js,
assets/room.js): each phone reads the room every 1.5 s (``If-None-Match``) and ``/me`` when the room
changed and every third time; the projector reads the room every 2 s and the teacher's gallery
(every boundary, a PNG each) when the board changed, at most every 2 s. Their latencies are printed
after the table.

Each phone is a keep-alive HTTP/1.1 connection from its own loopback address (127.0.x.y; with
``--same-address`` all from 127.0.0.2). A 429 is counted as an error and asked again after the
server's Retry-After, as ``assets/rooms-api.js`` does; every other non-2xx is an error and is
not asked again (a 304 to the projector's ``If-None-Match`` is an answer: the board unchanged).

Measured: errors (non-2xx, by status; and requests that got no answer); the join time; the
submissions' latency (client side: from sending to the whole answer read) p50 / p95 / max, and
the same submissions' time and CPU in the server (its ``Server-Timing``); the board's lag (for
every answered submission, the time from its answer to the answer of the first board read whose
entry for that student counts it: ``submissions`` ≥ its number); requests/s; the CPU seconds of
the server's processes (the web processes and their children; and redis-server) over the
submission phase, and of this client. The client shares the machine's cores with the server:
the load average before and after is printed with the figures.
"""

from __future__ import annotations

import argparse
import copy
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.servers import RedisServer, ServerProcess, server_timing  # noqa: E402  (the tests' real-server helpers)

API = "/api/rooms"
PERIOD = 3.0  # seconds between one student's submissions
BOARD_PERIOD = 1.0  # seconds between the projector's reads of the board
PHONE_POLL = 1.5  # --pages: a phone reads the room this often (assets/join.js, the join page's poll_seconds)
GALLERY_PERIOD = 2.0  # --pages: the projector's gallery at most this often (assets/room.js)
DRAIN = 10.0  # seconds the projector keeps reading after the last submission (for the last ones' lag)
JITTER = 1.0  # standard deviation added to every weight and bias of the starting network
TARGETS = {"errors": 0, "join_s": 30.0, "submit_p95_ms": 300.0, "board_lag_max_s": 2.0}


# ---------------------------------------------------------------------------- one phone's connection


@dataclass
class Answer:
    status: int
    body: object
    seconds: float  # from sending to the whole answer read (the retries after a 429 included)
    timing: dict  # the last answer's Server-Timing (ms): cpu, total, wait
    headers: dict
    refused: int = 0  # 429s before this answer


class Phone:
    """One device: a keep-alive HTTP/1.1 connection from its own loopback address."""

    def __init__(self, port: int, address: str, tally: Tally) -> None:
        self.port, self.address, self.tally = port, address, tally
        self.connection: http.client.HTTPConnection | None = None

    def once(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes, dict]:
        for attempt in range(2):  # a kept-alive connection the server closed meanwhile: a new one, once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                raw = response.read()
                self.tally.count()
                return response.status, raw, {k.lower(): v for k, v in response.getheaders()}
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                with self.tally.lock:
                    self.tally.reconnects += 1
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body=None, token: str | None = None, etag: str | None = None) -> Answer:
        """One call as assets/rooms-api.js makes it: a 429 is asked again (up to 3 times) after the
        server's Retry-After, jittered."""
        headers = {}
        raw_body = None
        if body is not None:
            raw_body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if etag:
            headers["If-None-Match"] = etag
        start, refused = time.perf_counter(), 0
        while True:
            try:
                status, raw, answer_headers = self.once(method, API + path, raw_body, headers)
            except OSError as error:
                self.tally.error(f"{method} {path.split('/')[-1] or 'room'}", f"no answer: {type(error).__name__}")
                return Answer(0, None, time.perf_counter() - start, {}, {}, refused)
            if status == 429 and refused < 3:
                refused += 1
                self.tally.error(f"{method} {path.split('/')[-1] or 'room'}", "429")
                time.sleep(float(answer_headers.get("retry-after") or 1) * random.uniform(0.5, 1.5))
                continue
            seconds = time.perf_counter() - start
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = raw[:200]
            if not (200 <= status < 300 or status == 304):
                self.tally.error(f"{method} {path.split('/')[-1] or 'room'}", str(status), parsed)
            timing = server_timing(answer_headers.get("server-timing", ""))
            return Answer(status, parsed, seconds, timing, answer_headers, refused)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


@dataclass
class Tally:
    """What every thread measured (list appends are atomic under the GIL; the counts take the lock)."""

    requests: int = 0
    reconnects: int = 0
    errors: Counter = field(default_factory=Counter)  # (request, status) → count
    error_examples: list[str] = field(default_factory=list)
    joins: list[float] = field(default_factory=list)  # seconds per student (room read + join)
    join_span: tuple[float, float] = (0.0, 0.0)
    submits: list[float] = field(default_factory=list)  # seconds, client side
    submit_server: list[float] = field(default_factory=list)  # ms in the server (Server-Timing total)
    submit_cpu: list[float] = field(default_factory=list)  # ms of the server thread's CPU
    submit_wait: list[float] = field(default_factory=list)  # ms waiting for a turn in the server
    answered: dict[str, list[float]] = field(default_factory=dict)  # nickname → perf_counter of each 2xx answer
    polls: list[tuple[float, dict[str, int], int, float]] = field(
        default_factory=list
    )  # (answered, counts, status, sent)
    board_seconds: list[float] = field(default_factory=list)
    pages: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # --pages: their polls' seconds
    gallery_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> None:
        with self.lock:
            self.requests += 1

    def error(self, request: str, status: str, body=None) -> None:
        with self.lock:
            self.errors[(request, status)] += 1
            if len(self.error_examples) < 10:
                self.error_examples.append(f"{request}: {status} {str(body)[:200]}")


# ---------------------------------------------------------------------------- the room's people


def jittered(network: dict, rng: random.Random) -> dict:
    """The room's starting network with every weight and bias moved by N(0, JITTER²)."""
    mine = copy.deepcopy(network)
    for layer in mine["layers"]:
        if "weights" in layer:
            layer["weights"] = [[w + rng.gauss(0, JITTER) for w in row] for row in layer["weights"]]
        if "biases" in layer:
            layer["biases"] = [b + rng.gauss(0, JITTER) for b in layer["biases"]]
    return mine


def open_room(port: int, tally: Tally) -> tuple[str, str]:
    teacher = Phone(port, "127.0.0.1", tally)
    settings = {"learn_rate": 0.3, "locked": False, "held_layers": [], "held_weights": []}
    answer = teacher.call("POST", "", {"round": "hand-tune", "settings": settings})
    teacher.close()
    if answer.status not in (200, 201):
        raise SystemExit(f"POST /api/rooms: {answer.status} {answer.body}")
    return answer.body["code"], answer.body["teacher_token"]


def student(
    index: int,
    phone: Phone,
    code: str,
    tally: Tally,
    joined: threading.Barrier,
    phase: dict,
    students: int,
    seed: int,
) -> None:
    nickname = f"student-{index:03d}"
    rng = random.Random(seed * 100_003 + index)
    start = time.perf_counter()
    room = phone.call("GET", f"/{code}")
    join = phone.call("POST", f"/{code}/students", {"nickname": nickname}) if room.status == 200 else None
    done = time.perf_counter()
    token = None
    if join is not None and join.status in (200, 201):
        token = join.body["student_token"]
        tally.joins.append(done - start)
        tally.answered[nickname] = []
    try:
        joined.wait(timeout=120)
    except threading.BrokenBarrierError:
        pass
    if token is None or not phase["go"].wait(timeout=120):
        return
    network, etag, polls = room.body["network"], room.headers.get("etag"), 0
    # The students spread evenly over the period, so the server sees a steady stream.
    next_submit = phase["start"] + PERIOD * index / students
    next_poll = phase["start"] + PHONE_POLL * index / students if phase["pages"] else float("inf")
    while min(next_submit, next_poll) < phase["stop"]:
        if next_poll < next_submit:  # as assets/join.js polls: the room (If-None-Match), /me every third time
            time.sleep(max(0.0, next_poll - time.perf_counter()))
            answer = phone.call("GET", f"/{code}", etag=etag)
            tally.pages["room (phone)"].append(answer.seconds)
            etag = answer.headers.get("etag", etag)
            polls += 1
            if answer.status == 200 or polls % 3 == 0:
                tally.pages["me (phone)"].append(phone.call("GET", f"/{code}/me", token=token).seconds)
            next_poll = max(next_poll + PHONE_POLL, time.perf_counter())
            continue
        time.sleep(max(0.0, next_submit - time.perf_counter()))
        answer = phone.call("POST", f"/{code}/submissions", {"network": jittered(network, rng)}, token=token)
        if 200 <= answer.status < 300:
            tally.answered[nickname].append(time.perf_counter())
            tally.submits.append(answer.seconds)
            tally.submit_server.append(answer.timing.get("total", float("nan")))
            tally.submit_cpu.append(answer.timing.get("cpu", float("nan")))
            tally.submit_wait.append(answer.timing.get("wait", float("nan")))
        next_submit += PERIOD
        if next_submit < time.perf_counter():  # behind (a slow answer): the next one now, at the allowed pace
            next_submit = time.perf_counter() + 0.5


def projector(port: int, code: str, teacher: str, tally: Tally, phase: dict) -> None:
    """Read the board every second from the start of the submissions until DRAIN seconds after
    their end, or until every answered submission is counted. With ``--pages``, as assets/room.js
    does: the room too every other second, and the teacher's gallery when the board changed, at
    most every 2 s."""
    screen = Phone(port, "127.0.0.1", tally)
    etag, room_etag, counts, tick, gallery_asked, gallery_key = None, None, {}, 0, 0.0, None
    next_at = phase["start"]
    while True:
        now = time.perf_counter()
        if now > phase["stop"] + DRAIN or (now > phase["stop"] + 1 and everything_counted(tally, counts)):
            break
        time.sleep(max(0.0, next_at - now))
        if phase["pages"] and tick % 2 == 0:
            answer = screen.call("GET", f"/{code}", etag=room_etag)
            tally.pages["room (projector)"].append(answer.seconds)
            room_etag = answer.headers.get("etag", room_etag)
        tick += 1
        sent = time.perf_counter()
        answer = screen.call("GET", f"/{code}/board", etag=etag)
        received = time.perf_counter()
        tally.board_seconds.append(answer.seconds)
        if answer.status == 200:
            counts = {entry["nickname"]: entry.get("submissions", 0) for entry in answer.body["entries"]}
            etag = answer.headers.get("etag")
        if answer.status in (200, 304):
            tally.polls.append((received, counts, answer.status, sent))
        key = json.dumps(counts, sort_keys=True)
        if phase["pages"] and key != gallery_key and time.perf_counter() - gallery_asked >= GALLERY_PERIOD:
            gallery_asked = time.perf_counter()
            answer = screen.call("GET", f"/{code}/gallery", token=teacher)
            tally.pages["gallery (projector)"].append(answer.seconds)
            if answer.status == 200:
                gallery_key = key
                tally.gallery_bytes = max(tally.gallery_bytes, len(json.dumps(answer.body)))
        next_at += BOARD_PERIOD
        if next_at < time.perf_counter():
            next_at = time.perf_counter()
    screen.close()


def everything_counted(tally: Tally, counts: dict[str, int]) -> bool:
    return all(counts.get(name, 0) >= len(times) for name, times in tally.answered.items())


def board_lags(tally: Tally) -> tuple[list[float], int]:
    """For every answered submission: seconds from its answer to the answer of the first board
    read that counts it (0 if a read answered before it already did); and how many no read counted."""
    lags, missing = [], 0
    for name, times in tally.answered.items():
        for number, answered in enumerate(times, start=1):
            shown = next((at for at, counts, _, _ in tally.polls if counts.get(name, 0) >= number), None)
            if shown is None:
                missing += 1
            else:
                lags.append(max(0.0, shown - answered))
    return lags, missing


def stale_reads(tally: Tally) -> int:
    """Board reads that missed a submission answered before the read was sent (the board's own
    lag, apart from the projector's period): 0 when every read counts everything answered before it."""
    stale = 0
    for _, counts, _, sent in tally.polls:
        if any(sum(1 for at in times if at < sent) > counts.get(name, 0) for name, times in tally.answered.items()):
            stale += 1
    return stale


# ---------------------------------------------------------------------------- one storage mode


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for root in processes:
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for process in family:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
    return total


def percentile(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def measure(mode: str, args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="playground-room-load-"))
    env = {
        "PLAYGROUND_JOBS_DIR": str(folder / "jobs"),
        "XDG_CACHE_HOME": str(folder / "cache"),  # this run's secret (and no default rooms file of the user's)
    }
    arguments = ["--workers", str(args.workers)]
    redis = None
    if mode == "sqlite":
        env["PLAYGROUND_ROOMS_FILE"] = str(folder / "rooms.sqlite3")
    else:
        redis = RedisServer(folder / "redis")
        arguments += ["--redis-url", redis.url]
    server = ServerProcess(*arguments, env=env)
    tally = Tally()
    try:
        watched = [psutil.Process(server.process.pid)] + ([psutil.Process(redis.process.pid)] if redis else [])
        load_before = os.getloadavg()
        code, teacher = open_room(server.port, tally)
        phones = [
            Phone(server.port, "127.0.0.2" if args.same_address else f"127.0.{2 + i // 250}.{2 + i % 250}", tally)
            for i in range(args.students)
        ]
        joined = threading.Barrier(args.students + 1)
        phase: dict = {"go": threading.Event(), "pages": args.pages}
        threads = [
            threading.Thread(
                target=student, args=(i, phones[i], code, tally, joined, phase, args.students, args.seed), daemon=True
            )
            for i in range(args.students)
        ]
        print(
            f"\n{mode}: room {code}, {args.students} students join, then {args.seconds:g} s of submissions", flush=True
        )
        join_start = time.perf_counter()
        for thread in threads:
            thread.start()
        joined.wait(timeout=180)
        join_seconds = time.perf_counter() - join_start
        requests_before, cpu_before, client_before = tally.requests, cpu_seconds(watched), time.process_time()
        commands_before = redis_commands(redis)
        phase["start"] = time.perf_counter() + 0.5
        phase["stop"] = phase["start"] + args.seconds
        phase["go"].set()
        screen = threading.Thread(target=projector, args=(server.port, code, teacher, tally, phase), daemon=True)
        screen.start()
        for thread in threads:
            thread.join(args.seconds + 120)
        submit_end = time.perf_counter()
        requests_after, cpu_after, client_after = tally.requests, cpu_seconds(watched), time.process_time()
        commands = {
            name: calls - commands_before.get(name, 0)
            for name, calls in redis_commands(redis).items()
            if calls > commands_before.get(name, 0)
        }
        screen.join(DRAIN + 60)
        load_after = os.getloadavg()
        for phone in phones:
            phone.close()
        redis_keys = None
        if redis is not None:
            import redis as redis_client

            redis_keys = redis_client.Redis(port=redis.port).dbsize()
    finally:
        server.stop()
        if redis is not None:
            redis.stop()
    phase_seconds = submit_end - phase["start"]
    lags, missing = board_lags(tally)
    result = {
        "mode": mode,
        "students": args.students,
        "joined": len(tally.joins),
        "seconds": args.seconds,
        "workers": args.workers,
        "same_address": args.same_address,
        "pages": args.pages,
        "polls": {
            name: {
                "n": len(seconds),
                "p50_ms": 1000 * percentile(seconds, 50),
                "p95_ms": 1000 * percentile(seconds, 95),
                "max_ms": 1000 * max(seconds),
            }
            for name, seconds in tally.pages.items()
        },
        "gallery_bytes": tally.gallery_bytes,
        "errors": sum(tally.errors.values()),
        "errors_by_request": {f"{request} {status}": n for (request, status), n in sorted(tally.errors.items())},
        "error_examples": tally.error_examples,
        "reconnects": tally.reconnects,
        "join_s": join_seconds,
        "join_p50_ms": 1000 * percentile(tally.joins, 50),
        "join_max_ms": 1000 * max(tally.joins, default=float("nan")),
        "submissions": len(tally.submits),
        "submit_p50_ms": 1000 * percentile(tally.submits, 50),
        "submit_p95_ms": 1000 * percentile(tally.submits, 95),
        "submit_max_ms": 1000 * max(tally.submits, default=float("nan")),
        "submit_server_p50_ms": percentile(tally.submit_server, 50),
        "submit_server_p95_ms": percentile(tally.submit_server, 95),
        "submit_cpu_p50_ms": percentile(tally.submit_cpu, 50),
        "submit_cpu_p95_ms": percentile(tally.submit_cpu, 95),
        "submit_wait_p95_ms": percentile(tally.submit_wait, 95),
        "board_reads": len(tally.polls),
        "board_not_modified": sum(1 for _, _, status, _ in tally.polls if status == 304),
        "board_stale_reads": stale_reads(tally),
        "board_p50_ms": 1000 * percentile(tally.board_seconds, 50),
        "board_max_ms": 1000 * max(tally.board_seconds, default=float("nan")),
        "board_lag_p50_s": percentile(lags, 50),
        "board_lag_p95_s": percentile(lags, 95),
        "board_lag_max_s": max(lags, default=float("nan")),
        "board_never_counted": missing,
        "requests_per_s": (requests_after - requests_before) / phase_seconds,
        "server_cpu_s": cpu_after - cpu_before,
        "server_cpu_percent": 100 * (cpu_after - cpu_before) / phase_seconds,  # of one core
        "client_cpu_s": client_after - client_before,
        "phase_s": phase_seconds,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "redis_keys": redis_keys,
        # Redis's own count of commands over the submission phase (class mode): per submission, and
        # how many optimistic transactions were tried again (a WATCHed key changed by another writer).
        "redis_commands_per_submission": sum(commands.values()) / max(len(tally.submits), 1) if redis else None,
        "redis_watch_retries": commands.get("watch", 0) - len(tally.submits) if redis else None,
        "redis_commands": commands if redis else None,
        "rooms_file_bytes": (folder / "rooms.sqlite3").stat().st_size if mode == "sqlite" else None,
    }
    print("  " + json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}), flush=True)
    return result


def redis_commands(redis: RedisServer | None) -> dict[str, int]:
    """Calls of each command so far, by Redis's own count (INFO commandstats)."""
    if redis is None:
        return {}
    import redis as redis_client

    stats = redis_client.Redis(port=redis.port).info("commandstats")
    return {name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()}


# ---------------------------------------------------------------------------- the table


ROWS = [
    # (label, format, target text, met?)
    ("errors (non-2xx or no answer)", lambda r: f"{r['errors']}", "0", lambda r: r["errors"] == 0),
    (
        "students joined / time for all",
        lambda r: f"{r['joined']} / {r['join_s']:.2f} s",
        "all within 30 s",
        lambda r: r["joined"] == r["students"] and r["join_s"] <= TARGETS["join_s"],
    ),
    ("one join p50 / max", lambda r: f"{r['join_p50_ms']:.0f} / {r['join_max_ms']:.0f} ms", "", None),
    ("submissions answered", lambda r: f"{r['submissions']:,}", "", None),
    (
        "submission p50 / p95 / max",
        lambda r: f"{r['submit_p50_ms']:.0f} / {r['submit_p95_ms']:.0f} / {r['submit_max_ms']:.0f} ms",
        "p95 ≤ 300 ms",
        lambda r: r["submit_p95_ms"] <= TARGETS["submit_p95_ms"],
    ),
    (
        "  in the server p50 / p95 (its CPU p50 / p95)",
        lambda r: (
            f"{r['submit_server_p50_ms']:.0f} / {r['submit_server_p95_ms']:.0f} "
            f"({r['submit_cpu_p50_ms']:.1f} / {r['submit_cpu_p95_ms']:.1f}) ms"
        ),
        "",
        None,
    ),
    (
        "board lag p50 / p95 / max",
        lambda r: (
            f"{r['board_lag_p50_s']:.2f} / {r['board_lag_p95_s']:.2f} / {r['board_lag_max_s']:.2f} s"
            + (f" ({r['board_never_counted']} never shown)" if r["board_never_counted"] else "")
        ),
        "≤ 2 s",
        lambda r: r["board_lag_max_s"] <= TARGETS["board_lag_max_s"] and not r["board_never_counted"],
    ),
    (
        "board read p50 / max (reads, 304s)",
        lambda r: (
            f"{r['board_p50_ms']:.0f} / {r['board_max_ms']:.0f} ms ({r['board_reads']}, {r['board_not_modified']})"
        ),
        "",
        None,
    ),
    (
        "board reads missing a submission answered before they were sent",
        lambda r: f"{r['board_stale_reads']} of {r['board_reads']}",
        "",
        None,
    ),
    ("requests/s (submission phase)", lambda r: f"{r['requests_per_s']:.1f}", "", None),
    (
        "server CPU (of one core)",
        lambda r: f"{r['server_cpu_s']:.1f} s in {r['phase_s']:.0f} s ({r['server_cpu_percent']:.0f} %)",
        "",
        None,
    ),
    ("this client's CPU", lambda r: f"{r['client_cpu_s']:.1f} s", "", None),
    (
        "Redis commands per submission (WATCH retries)",
        lambda r: (
            ""
            if r["redis_commands"] is None
            else f"{r['redis_commands_per_submission']:.1f} ({r['redis_watch_retries']})"
        ),
        "",
        None,
    ),
    (
        "load average before → after",
        lambda r: f"{r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}",
        "",
        None,
    ),
]

NAMES = {"sqlite": "one machine (SQLite)", "redis": "class mode (Redis)"}


def table(results: list[dict]) -> str:
    header = ["", *(NAMES[r["mode"]] for r in results), "target (issue 26)"]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * len(results) + "---|"]
    for label, shown, target, met in ROWS:
        cells = []
        for r in results:
            text = shown(r)
            if met is not None:
                text += " ✓" if met(r) else " ✗"
            cells.append(text)
        lines.append("| " + " | ".join([label, *cells, target]) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["sqlite", "redis", "both"], default="both")
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120.0, help="of submissions, every 3 s per student")
    parser.add_argument("--workers", type=int, default=2, help="server processes (serve's choice on 2 cores)")
    parser.add_argument("--same-address", action="store_true", help="every phone from one address (one NAT)")
    parser.add_argument(
        "--pages",
        action="store_true",
        help="also poll as the pages do: each phone the room every 1.5 s and /me every third time, "
        "the projector the room every 2 s and the teacher's gallery when the board changed",
    )
    parser.add_argument("--seed", type=int, default=0, help="the jitter's seed")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    if not (1 <= args.students <= 500 and 0 < args.seconds <= 600 and 1 <= args.workers <= 8):
        raise SystemExit("1 to 500 students (a room's limit), at most 600 s, 1 to 8 workers")
    threading.stack_size(512 * 1024)
    results = [measure(mode, args) for mode in (["sqlite", "redis"] if args.mode == "both" else [args.mode])]
    print(
        f"\n{args.students} students, submissions every {PERIOD:g} s for {args.seconds:g} s, the board read every "
        f"{BOARD_PERIOD:g} s; playground serve --workers {args.workers}; {os.cpu_count()} cores shared with this client"
        + ("; every phone from one address" if args.same_address else "")
        + ("; the pages' polls too (--pages)" if args.pages else "")
        + "\n"
    )
    print(table(results))
    for r in results:
        for name, poll in r["polls"].items():
            print(
                f"{NAMES[r['mode']]}, {name}: {poll['n']:,} reads, p50 / p95 / max "
                f"{poll['p50_ms']:.0f} / {poll['p95_ms']:.0f} / {poll['max_ms']:.0f} ms"
            )
        if r["gallery_bytes"]:
            print(f"{NAMES[r['mode']]}: the gallery's largest answer {r['gallery_bytes']:,} bytes")
    for r in results:
        if r["errors_by_request"]:
            print(f"\n{NAMES[r['mode']]} errors: {r['errors_by_request']}")
            for example in r["error_examples"]:
                print("  e.g.", example)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
