"""What the server checks before a callback runs, and what it answers when one fails.

The session lives in the browser, so every callback request carries it back; a client can
send anything in its place. Three layers keep bad input from becoming a 500:

1. ``check_callback_request`` (before every Dash callback request): each session store the
   request carries is validated by the session's one validator (``model.check_part``), against
   the limits, before any callback sees it; a request holding a bad one gets a 400 saying which
   and why.
2. ``report_callback_error`` (Dash's ``on_error``): a callback that raises leaves every output
   as it was and shows the message in the page's alert line.
3. ``answer_error`` (Flask's error handler): whatever still goes wrong in a request (a body
   Dash itself cannot read) is a 400 with a message, never a 500 with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import dash
from dash.exceptions import DependencyException
from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from playground.app.server.jobs import JobStoreError, check_key_format
from playground.app.session import model, shapes, stores
from playground.app.ui.components import APP_MESSAGE

log = logging.getLogger(__name__)


def store_checks() -> dict[str, Callable[[Any], Any]]:
    """Each session store a client sends back, and how its value is checked."""

    def check_of(part: str) -> Callable[[Any], Any]:
        return lambda value: model.check_part(part, value)

    checks: dict[str, Callable[[Any], Any]] = {store: check_of(part) for part, store in stores.store_ids().items()}
    checks[stores.KEY] = check_key_format  # its signature is checked where it names work (a stale one is renewed)
    checks[stores.REVISION] = lambda value: shapes.check_shape(shapes.Revision, value, "revision")
    return checks


LOCATION_PROPS = ("pathname", "search", "hash", "href")  # what Dash's own router reads of the address
EVENT_PROPS = ("clickData", "hoverData", "selectedData")  # a Plotly graph's events: {"points": [{…}, …]}


def event_problem(value: Any) -> str | None:
    """What is wrong with a graph event as a callback receives it (None: nothing)."""
    if value is None:
        return None
    points = value.get("points", []) if isinstance(value, dict) else None
    if not isinstance(points, list) or not all(isinstance(point, dict) for point in points):
        return "a graph's event holds a list of points"
    return None


def store_problem(body: Any, checks: dict[str, Callable[[Any], Any]], polling: bool = False) -> str | None:
    """What is wrong with the session stores a callback request carries (None: nothing). A page
    always holds its session (the stores start from a new session's values), so an empty store is
    refused too, except in Dash's polls of a background job (``polling``: they ask for the job's
    progress with the stores left out, and run no callback); and an address a page sends is text."""
    if not isinstance(body, dict):
        return "a callback request must be a JSON object"
    items = [*(body.get("inputs") or []), *(body.get("state") or [])]
    for item in items:
        if not isinstance(item, dict):
            continue
        if item.get("property") in LOCATION_PROPS and not isinstance(item.get("value"), (str, type(None))):
            return f"{item.get('id')}.{item['property']}: the page's address must be text"
        if item.get("property") == "pathname" and not (item.get("value") is None or item["value"].startswith("/")):
            return f"{item.get('id')}.pathname: a path on this server starts with /"
        if item.get("property") in EVENT_PROPS and (problem := event_problem(item.get("value"))):
            return f"{item.get('id')}.{item['property']}: {problem}"
        item_id = item.get("id")
        check = checks.get(item_id) if isinstance(item_id, str) else None
        if check is None or item.get("property") != "data":
            continue
        if item.get("value") is None:
            if polling:
                continue
            return f"{item['id']}: the session's store is empty (reload the page)"
        try:
            check(item["value"])
        except (ValueError, TypeError, KeyError, OverflowError) as error:
            return f"{item['id']}: {error}"
    return None


def report_callback_error(error: Exception) -> None:
    """Dash ``on_error``: keep every output as it was and say what went wrong in the alert line."""
    if isinstance(error, JobStoreError):
        message = f"{error}."
    elif isinstance(error, (ValueError, TypeError, KeyError, OverflowError, IndexError)):
        text = str(error) if len(str(error)) <= 300 else str(error)[:297] + "..."
        message = f"That could not be used: {text}. Nothing was changed."
    else:
        log.exception("a callback failed", exc_info=error)
        message = "Something went wrong on the server (it is logged). Nothing was changed."
    dash.set_props(APP_MESSAGE, {"children": message})
    return None


def answer_error(error: Exception):
    """Flask error handler: HTTP errors keep their status; anything else is a 400 with a message."""
    if isinstance(error, HTTPException):
        return jsonify({"error": error.description}), error.code
    if isinstance(error, DependencyException):  # Dash's answer to a script path it does not serve
        return jsonify({"error": "no such file here"}), 404
    if isinstance(error, JobStoreError):
        return jsonify({"error": str(error)}), 503
    log.error("a request could not be handled", exc_info=error)
    return jsonify({"error": f"the request could not be handled ({type(error).__name__})"}), 400


def is_background(app: dash.Dash, body: Any) -> bool:
    """Whether a callback request names a background callback (whose polls carry no stores)."""
    output = body.get("output") if isinstance(body, dict) else None
    return isinstance(output, str) and bool(app.callback_map.get(output, {}).get("background"))


def register(app: dash.Dash) -> None:
    """Put the checks in front of ``app``'s callbacks (``on_error`` is passed to ``dash.Dash``)."""
    checks = store_checks()

    def check_callback_request():
        """Flask ``before_request``: refuse a callback request whose session stores are invalid."""
        if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
            return None
        body = request.get_json(silent=True)
        problem = store_problem(body, checks, polling="cacheKey" in request.args and is_background(app, body))
        if problem:
            return jsonify({"error": problem}), 400
        return None

    app.server.before_request(check_callback_request)
    app.server.register_error_handler(Exception, answer_error)
