"""The browser routes: the JSON requests the pages' own code sends, outside Dash callbacks.

Each page registers its routes (``playground.app.session.pages.Route``); here every one is
answered alike: the body read within its bounds (``guard`` has checked its size and depth
already), the page's handler called by name, a 400 with a message for bad input, a 503 when
the job store is away, never a 500. Every route is stateless (the browser holds the session),
so sessions never mix. The pool of large requests answers through ``respond`` too.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from plotly.utils import PlotlyJSONEncoder

from playground.app.server.jobs import JobStoreError
from playground.app.session.jsontext import DEPTH_CHECKED, load_json
from playground.app.session.pages import Route, handler, routes
from playground.limits import current as current_limits


def respond(dotted: str, raw: bytes, query: dict | None = None, depth_checked: bool = False) -> tuple[int, bytes]:
    """(status, JSON body) of a route's handler for a raw request body.

    A handler of a JSON route takes the parsed body; one of a raw route (``query`` given) the
    bytes and the query's arguments. ``depth_checked``: the request guard measured the JSON's
    depth already.
    """
    try:
        if query is not None:
            result: Any = handler(dotted)(raw, query)
        else:
            depth_limit = None if depth_checked else current_limits().json_depth
            body = load_json(raw, "the request", depth_limit) if raw else None
            if not isinstance(body, dict):
                return 400, encoded({"error": "expected a JSON object"})
            result = handler(dotted)(body)
        return 200, encoded(result)
    except JobStoreError as error:
        return 503, encoded({"error": str(error)})
    except (ValueError, KeyError, TypeError, OverflowError) as error:
        return 400, encoded({"error": str(error)})


def encoded(answer: Any) -> bytes:
    """An answer as JSON; Plotly's encoder writes arrays and Dash components (a page's paint) too,
    and NaN (a curve where a function is undefined) as null, which JSON has."""
    return json.dumps(answer, separators=(",", ":"), cls=PlotlyJSONEncoder).encode()


def view(route: Route):
    """The Flask view of a route."""

    def answer_request() -> Response:
        raw = request.get_data(cache=False)
        query = dict(request.args) if route.request is None else None
        status, body = respond(route.handler, raw, query, request.environ.get(DEPTH_CHECKED, False))
        return Response(body, status=status, mimetype="application/json")

    answer_request.__name__ = f"route_{route.key}"
    return answer_request


def route_table() -> dict[str, Route]:
    """Every registered route by its path."""
    return {route.path: route for route in routes()}


def register_routes(server) -> None:
    """Add every page's routes to the Flask server."""
    for route in routes():
        server.add_url_rule(route.path, f"route_{route.key}", view(route), methods=["POST"])
