"""The request guard: every request is bounded before the app reads a byte of it.

A WSGI middleware in front of the Flask server:

- the ``Host`` header must be one the server was started for (when it listens beyond
  localhost), so a page elsewhere cannot reach it through DNS rebinding;
- a body must declare its length, stay within the route's limit and arrive within
  ``body_seconds`` in all (a stalled or trickling upload frees its thread); one sender may
  have at most ``client_requests`` requests with a body in work at once, and one address
  ``address_requests`` (a page's scripts are never refused: a room behind one address loads
  them all at once). The sender is the session, when the request names one the server issued
  (the pages send its key in ``X-Playground-Session``), else the client's address: a lecture
  hall behind one NAT is 200 senders, not one;
- a JSON body may nest at most ``json_depth`` deep (checked on the raw bytes, before any parser
  recurses);
- at most ``heavy_requests`` large bodies are worked on at once per process; the next is told
  "busy" (429), so that small requests keep their speed;
- training requests work ``work_slots`` at a time, taking fair turns (``playground.app.turns``):
  the sender that asked least lately goes next, so playing sessions cannot crowd out a step.

Refusals are JSON ``{"error": …}`` with a 4xx status, never a 500. Every answer says how much
CPU time its thread spent on it and how long it was in the server (waiting its turn included),
in a standard ``Server-Timing: cpu;dur=…, total;dur=…`` header (ms).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time

from playground.app.server.heavy import HeavyPool
from playground.app.server.turns import Turns
from playground.app.session import keys
from playground.app.session.jsontext import DEPTH_CHECKED, json_depth
from playground.app.session.pages import Route
from playground.engine import use_blas_threads
from playground.limits import current


class RequestGuard:
    """WSGI middleware: Host allow-list, body limits and time, JSON depth, heavy-request admission.

    ``routes``: the pages' routes by path (``playground.app.server.routes.route_table``): each
    says which limit bounds its body and whether it computes for its whole budget (then it takes
    fair turns, and a large one goes to the pool).
    """

    def __init__(
        self,
        app,
        routes: dict[str, Route],
        allowed_hosts: set[str] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        self.app = app
        self.routes = routes
        self.prefixes = prefixes or {}  # paths under a prefix (an API's): the limit bounding their bodies
        self.allowed_hosts = {host.lower() for host in allowed_hosts} if allowed_hosts else None
        self.heavy = threading.BoundedSemaphore(current().heavy_requests)
        self.turns = Turns(current().work_slots)
        self.heavy_pool = HeavyPool()
        # Requests in work per sender and per address (this process's connection accounting, not session state).
        self.in_work: dict[str, int] = {}
        self.in_work_lock = threading.Lock()

    def warm(self) -> list:
        """Make this process a server's: BLAS on one thread (a request's CPU budget is its own
        thread's time, and the weights are the same for the same thread count), and start the pool
        of large requests with the handlers it will answer (see HeavyPool.warm)."""
        use_blas_threads(1)
        return self.heavy_pool.warm([route.handler for route in self.routes.values() if route.turns])

    def __call__(self, environ, start_response):
        started, arrived = time.thread_time(), time.perf_counter()

        def timed_start_response(status, headers, exc_info=None):
            spent, wall = 1000 * (time.thread_time() - started), 1000 * (time.perf_counter() - arrived)
            timing = f"cpu;dur={spent:.1f}, total;dur={wall:.1f}, wait;dur={environ.get('playground.waited_ms', 0):.1f}"
            return start_response(status, [*headers, ("Server-Timing", timing)], exc_info)

        if environ.get("REQUEST_METHOD") not in BODY_METHODS:
            # A page's scripts and layout: nothing to wait for, so no cap (a lecture hall behind one
            # address loads its pages at once, and a refused script would break the page).
            return self.guarded(environ, timed_start_response)
        limits = current()
        environ[SENDER] = sender = sender_of(environ)
        counted = [(sender, limits.client_requests)]
        if sender.startswith("session"):  # a session's address counts all its sessions' requests
            counted.append(("address " + environ.get("REMOTE_ADDR", ""), limits.address_requests))
        problem = self.admit(counted)
        if problem:
            return refuse(timed_start_response, 429, problem, retry_after=1)
        try:
            return self.guarded(environ, timed_start_response)
        finally:
            self.leave(counted)

    def admit(self, counted: list[tuple[str, int]]) -> str | None:
        """Count a request in for each (sender or address, limit), unless one already has its
        limit in work (one client stalling bodies cannot take every thread); else say why not."""
        with self.in_work_lock:
            for who, limit in counted:
                if self.in_work.get(who, 0) >= limit:
                    return f"busy: this {who.split()[0]} has too many requests in work at once"
            for who, _ in counted:
                self.in_work[who] = self.in_work.get(who, 0) + 1
            return None

    def leave(self, counted: list[tuple[str, int]]) -> None:
        with self.in_work_lock:
            for who, _ in counted:
                self.in_work[who] -= 1
                if not self.in_work[who]:
                    del self.in_work[who]

    def guarded(self, environ, start_response):
        limits = current()
        problem = self.host_problem(environ)
        if problem:
            return refuse(start_response, 400, problem)
        if environ.get("REQUEST_METHOD") not in BODY_METHODS:
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or "-1")
        except ValueError:
            length = -1
        if length < 0:
            return refuse(start_response, 411, "a request with a body must say how long it is (Content-Length)")
        path = environ.get("PATH_INFO", "")
        route = self.routes.get(path)
        allowed = getattr(limits, route.body_limit if route else self.prefix_limit(path))
        if length > allowed:
            return refuse(start_response, 413, f"the request is {length:,} bytes; at most {allowed:,} are taken here")
        heavy = length > limits.heavy_request_bytes
        if heavy and not self.heavy.acquire(timeout=0.25):
            try:  # read what was sent (its size is within the limit), so the answer is not lost in a reset
                read_body(environ, length, min(limits.body_seconds, BUSY_DRAIN_SECONDS))
            except TimeoutError:
                pass
            return refuse(
                start_response,
                429,
                "busy: the server is working on other large requests; try again shortly",
                retry_after=1,
            )
        try:
            try:
                body = read_body(environ, length, limits.body_seconds)
            except TimeoutError:
                return refuse(
                    start_response, 408, f"the request's body did not arrive within {limits.body_seconds:g} s"
                )
            if "json" in environ.get("CONTENT_TYPE", ""):
                if json_depth(body) > limits.json_depth:
                    return refuse(start_response, 400, f"the JSON nests more than {limits.json_depth} levels deep")
                environ[DEPTH_CHECKED] = True  # a route need not measure it again
            computes = route is not None and route.turns
            if heavy and computes:  # off this process's lock, at low priority
                status, answer = self.heavy_pool.respond(route.handler, body)
                return respond(start_response, status, answer)
            environ["wsgi.input"] = io.BytesIO(body)
            if heavy or not computes:
                # Only the play loop's training requests take turns: they are what crowds a worker.
                # A page's callbacks (a page load sends many at once) are never held behind them.
                return self.app(environ, start_response)
            waited = time.perf_counter()
            with self.turns.turn(environ[SENDER]):
                environ["playground.waited_ms"] = 1000 * (time.perf_counter() - waited)
                return self.app(environ, start_response)
        finally:
            if heavy:
                self.heavy.release()

    def prefix_limit(self, path: str) -> str:
        """The limit on a body sent to ``path`` outside the pages' routes (Dash's callbacks by default)."""
        for prefix, limit in self.prefixes.items():
            if path == prefix or path.startswith(prefix + "/"):
                return limit
        return "callback_body_bytes"

    def host_problem(self, environ) -> str | None:
        if self.allowed_hosts is None:
            return None
        host = (environ.get("HTTP_HOST") or "").lower()
        name, colon, port = host.rpartition(":") if not host.endswith("]") else ("", "", "")
        if not colon:  # no port: "localhost", "[::1]"
            name, port = host, "0"
        if not (port.isascii() and port.isdigit() and int(port) < 65536) or name not in self.allowed_hosts:
            return f"this server answers to {', '.join(sorted(self.allowed_hosts))}, not to {host[:100]!r}"
        return None


BODY_METHODS = ("POST", "PUT", "PATCH")  # requests with a body: bounded, counted per sender, read in time
SESSION_HEADER = "HTTP_X_PLAYGROUND_SESSION"  # X-Playground-Session: the page's session key (assets/busy.js)
SENDER = "playground.sender"


def sender_of(environ) -> str:
    """Who a request counts against: its session, when it names one this server issued (a tab's
    key, or a room's token: a phone without the page's session), else its address."""
    session = environ.get(SESSION_HEADER, "")
    if session and keys.is_issued(session):
        return "session " + session
    kind, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if kind.lower() == "bearer" and keys.is_issued(token.strip()):
        return "session " + token.strip()
    return "address " + environ.get("REMOTE_ADDR", "")


BUSY_DRAIN_SECONDS = 2.0  # reading a refused large body: at most this long


def read_body(environ, length: int, seconds: float) -> bytes:
    """The whole body, arrived within ``seconds`` in all (else TimeoutError): a client sending a
    byte now and then cannot hold a thread longer than that."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    timed = isinstance(sock, socket.socket)
    previous = sock.gettimeout() if timed else None
    deadline = time.monotonic() + seconds
    try:
        stream, parts, left = environ["wsgi.input"], [], length
        while left > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            if timed:
                sock.settimeout(remaining)
            part = stream.read(min(left, 1 << 16))
            if not part:
                break
            parts.append(part)
            left -= len(part)
        return b"".join(parts)
    except TimeoutError:
        raise TimeoutError from None
    finally:
        if timed:
            sock.settimeout(previous)


REASONS = {
    200: "OK",
    400: "Bad Request",
    408: "Request Timeout",
    411: "Length Required",
    413: "Payload Too Large",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


def respond(start_response, status: int, body: bytes, close: bool = False, headers: tuple = ()):
    sent = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers]
    start_response(f"{status} {REASONS[status]}", sent + ([("Connection", "close")] if close else []))
    return [body]


def refuse(start_response, status: int, message: str, retry_after: int | None = None):
    """An error answer; ``retry_after``: seconds after which the client may ask again (429)."""
    headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
    return respond(start_response, status, json.dumps({"error": message}).encode(), close=True, headers=headers)
