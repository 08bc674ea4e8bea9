"""What a page brings to the session and the server, carried on its ``dash.register_page`` entry.

A page registers itself with everything the shared layers need to know of it, so a new page
touches no shared file and nothing below the pages imports one:

    dash.register_page(__name__, path="/landscape", layout=layout.layout,
                       ids=ids.IDS,                       # its component ids, for its browser module
                       view=PageView("landscape", LandscapeView, new_view, check_view),
                       routes=[Route("/_playground/surface", "playground.app.pages.landscape.routes:surface",
                                     SurfaceRequest, SurfaceAnswer)],
                       uploads=[Upload(ids.SLICE_UPLOAD, "model_upload_bytes", ids.SLICE_MESSAGE)],
                       browser={"slider_range": 5.0})     # constants its browser module shares

The session keeps each page's view state in a store of its own (``session-view-<name>``),
and the server answers each route by importing its handler by name when first asked (the
pool of large requests does so in its own processes).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash

from playground.app.session.shapes import Shape


@dataclass(frozen=True)
class PageView:
    """A page's view state in the session: what a reload and a link keep of the page."""

    name: str  # its store is session-view-<name>
    shape: type[Shape]
    new: Callable[[], dict]  # a new session's view
    check: Callable[[dict], dict] | None = None  # bounds beyond the shape (raises ValueError)
    shared: Callable[[dict], dict] | None = None  # what of it a link carries (default: all of it)


@dataclass(frozen=True)
class Route:
    """A browser route a page answers: a JSON body of ``request``'s shape in, ``answer``'s out
    (``request`` None: the body is raw bytes, e.g. a model file)."""

    path: str
    handler: str  # "module:function", imported when first needed
    request: type[Shape] | None = None
    answer: type[Shape] | None = None
    body_limit: str = "training_body_bytes"  # the limit (playground.limits) bounding its body
    turns: bool = False  # computes for its whole CPU budget: takes fair turns, large ones in the pool
    name: str = ""  # what the browser calls it (default: the path's last part)

    @property
    def key(self) -> str:
        return self.name or self.path.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Upload:
    """An upload and its size limit: the browser refuses a larger file and says so on the page."""

    upload: str  # the dcc.Upload's id
    limit: str | Callable[[], int]  # a limit's name, or a function giving the bytes
    message: str  # the id of the line that says so


def registered(key: str) -> list[tuple[str, Any]]:
    """(page name, value) of every registered page that brings ``key`` (ids, view, routes, …)."""
    return [
        (page["module"].rsplit(".", 1)[-1], page[key])
        for page in dash.page_registry.values()
        if page.get(key) is not None
    ]


def views() -> dict[str, PageView]:
    return {view.name: view for _, view in registered("view")}


def routes() -> list[Route]:
    return [route for _, page_routes in registered("routes") for route in page_routes]


def handler(dotted: str) -> Callable[..., Any]:
    """A route's handler from its 'module:function' name (a JSON route's takes the body, a raw
    route's the bytes and the query's arguments)."""
    module, _, function = dotted.partition(":")
    return getattr(importlib.import_module(module), function)


@dataclass
class Registration:
    """Everything a page registers beyond Dash's own (see the module's docstring)."""

    ids: dict[str, str]
    view: PageView | None = None
    routes: list[Route] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    browser: dict[str, Any] = field(default_factory=dict)

    def keywords(self) -> dict[str, Any]:
        """The keyword arguments for ``dash.register_page``."""
        return {
            "ids": self.ids,
            "view": self.view,
            "routes": self.routes,
            "uploads": self.uploads,
            "browser": self.browser,
        }
