"""Components every page uses: the navigation bar, labelled controls, a page's root element."""

from __future__ import annotations

import json
from typing import Any, Literal, cast

import dash
from dash import Input, Output, dcc, html

NAVIGATION = "navigation"
APP_MESSAGE = "app-message"  # the alert line: what went wrong with the last action (a click hides it)
LECTURE_TOGGLE = "lecture-toggle"  # lecture mode, on every page
# What a message says, for its colour and mark (assets/messages.css): red ✗, amber ⚠, green ✓,
# or neutral. A bare string in a ``.message`` element reads as an error, as before.
MessageKind = Literal["error", "warning", "success", "info"]
MESSAGE_KINDS: tuple[MessageKind, ...] = ("error", "warning", "success", "info")


def navigated_pages() -> list[dict]:
    """The registered pages the navigation bar links to: all but those reached by a link of their
    own (a room's pages: ``dash.register_page(..., navigation=False)``)."""
    return [page for page in dash.page_registry.values() if page.get("navigation", True)]


def navigation_bar() -> html.Nav:
    """Links to every registered page, in their order (dcc.Link: no reload, the session stays)."""
    links = [
        dcc.Link(
            page["name"],
            href=page["relative_path"],
            className="nav-link",
            id=f"nav-{page['module'].rsplit('.', 1)[-1]}",
        )
        for page in navigated_pages()
    ]
    return html.Nav(
        id=NAVIGATION,
        className="navigation",
        children=[
            html.Span("Neural Playground", className="brand"),
            *links,
            html.Div(id=APP_MESSAGE, className="app-message", role="alert", title="click to hide"),
            html.Button(
                "lecture mode",
                id=LECTURE_TOGGLE,
                className="lecture-toggle",
                title="big text, thick lines and points for a projector (key: L; a link with ?lecture=1 opens in it)",
            ),
        ],
    )


def said(text: str, kind: MessageKind) -> html.Span | str:
    """A message's children that carry its kind: ``html.Span(text, className="said said-{kind}")``.

    An empty text stays an empty string, so an empty message element still matches ``:empty``
    (rules hide it then). The browser's twin is ``neuralModules.messages.said`` (assets/messages.js).
    """
    if kind not in MESSAGE_KINDS:
        raise ValueError(f"unknown message kind {kind!r}; the kinds are: {', '.join(MESSAGE_KINDS)}")
    return html.Span(text, className=f"said said-{kind}") if text else ""


def register_navigation(app: dash.Dash) -> None:
    """Mark the link of the page shown (the router's own Location holds the path)."""
    pages = navigated_pages()
    paths = json.dumps([page["relative_path"] for page in pages])
    app.clientside_callback(
        f"function(path) {{ return {paths}.map((p) => p === path ? 'nav-link active' : 'nav-link'); }}",
        [Output(f"nav-{page['module'].rsplit('.', 1)[-1]}", "className") for page in pages],
        Input("_pages_location", "pathname"),
    )
    app.clientside_callback(
        "function(clicks) { return ''; }",
        Output(APP_MESSAGE, "children", allow_duplicate=True),
        Input(APP_MESSAGE, "n_clicks"),
        prevent_initial_call=True,
    )
    # Lecture mode lives in the browser (assets/lecture.js): the button, the L key, ?lecture=1.
    app.clientside_callback(
        "function(clicks) { return window.neuralModules.lecture.clicked(clicks); }",
        Output(LECTURE_TOGGLE, "children"),
        Input(LECTURE_TOGGLE, "n_clicks"),
    )


def graph_config(name: str, **changes: Any) -> dcc.Graph.Config:
    """Plotly's toolbar for a figure: its camera saves a PNG at presentation size (1920 px wide)
    named after the figure, and nothing offers to share the chart with an online service."""
    config: dict[str, Any] = {
        "displaylogo": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "modeBarButtonsToRemove": ["sendDataToCloud"],
        "toImageButtonOptions": {"format": "png", "filename": name, "width": 1920, "height": 1080, "scale": 1},
        **changes,
    }
    return cast(dcc.Graph.Config, config)  # with the caller's changes, which are Plotly config keys too


def picture(image: html.Img, name: str) -> html.Div:
    """A picture (an ``html.Img``) as a figure: PNG and SVG at presentation size (1920 px wide,
    pixels kept sharp) and a full view, as every Plotly figure has (assets/figures.js)."""

    def tool(text: str, action: str, title: str) -> html.Button:
        data: dict[str, Any] = {"data-picture": action}  # an HTML data attribute: no keyword of Dash's
        return html.Button(text, className="picture-tool", title=title, **data)

    data: dict[str, Any] = {"data-name": name}
    return html.Div(
        className="picture-figure",
        **data,
        children=[
            image,
            html.Div(
                className="picture-tools",
                children=[
                    tool("PNG", "png", "download as PNG, 1920 px wide"),
                    tool("SVG", "svg", "download as SVG, 1920 px wide"),
                    tool("⤢", "full", "full view (Esc to leave)"),
                ],
            ),
        ],
    )


def panel_head(title: str, *tools) -> html.Div:
    """A panel's title with its tools (export buttons) on the same line."""
    return html.Div(className="panel-head", children=[html.H2(title), *tools])


def control(label: str, component, hint: str | None = None, className: str = "hint", **kwargs) -> html.Div:
    """A control with its label above it and an optional hint below (``className``: the hint's)."""
    children = [html.Label(label), component]
    if hint is not None:
        children.append(html.Div(hint, className=className, **kwargs))
    return html.Div(className="control", children=children)


def momentum_control(
    component_id: str,
    value: float,
    label: str = "momentum",
    hint: str | None = None,
    hint_id: str | None = None,
    **slider_options: Any,
) -> html.Div:
    """The momentum slider of every page with an optimizer: 0 … 0.99, marks at 0, 0.5 and 0.9
    (``hint``: a line below it, with ``hint_id`` for a callback to write)."""
    slider = dcc.Slider(
        id=component_id,
        min=0,
        max=0.99,
        step=0.01,
        value=value,
        marks={0: "0", 0.5: "0.5", 0.9: "0.9"},
        **slider_options,
    )
    return control(label, slider, hint, **({"id": hint_id} if hint_id else {}))


def page_root(page_id: str, mounted_id: str, children: list, class_name: str = "") -> html.Div:
    """A page's root element: the page's browser module binds to it (and only to it).

    ``tabIndex=-1`` lets the root take keyboard focus, so the page's shortcuts reach it;
    the ``mounted`` store tells the browser module that the page was (re)drawn.
    """
    return html.Div(
        id=page_id,
        className=f"page {class_name}".strip(),
        tabIndex="-1",
        children=[dcc.Store(id=mounted_id, data=True), *children],
    )
