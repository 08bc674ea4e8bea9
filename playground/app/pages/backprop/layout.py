"""The backprop page's layout: the stage walk's controls, the caption, the diagram and its numbers.

Everything a stage shows arrives from the step route (``assets/backprop.js`` asks for the
session's next step as the page is drawn); the layout holds the places it goes.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from playground.app.pages.backprop import ids
from playground.app.session.stores import change_store
from playground.app.ui.components import graph_config, page_root
from playground.app.ui.waiting import waiting_figure

STAGE_NAMES = ("forward", "cost", "backward", "update")
STAGE_IDS = (ids.STAGE_1, ids.STAGE_2, ids.STAGE_3, ids.STAGE_4)


def stage_button(number: int) -> html.Button:
    data: dict[str, Any] = {"data-stage": str(number)}  # an HTML data attribute: the browser module's
    return html.Button(
        [html.Span(str(number), className="stage-number"), f" {STAGE_NAMES[number - 1]}"],
        id=STAGE_IDS[number - 1],
        className="stage-button",
        title=f"go to stage {number}, {STAGE_NAMES[number - 1]}",
        **data,
    )


def walk_bar() -> html.Header:
    """‹ the four stages › · which layer · the point · next batch · apply."""
    return html.Header(
        className="topbar backprop-bar",
        children=[
            html.Button("‹", id=ids.BACK, className="walk", title="the step before (key: ←)"),
            html.Div(id=ids.STAGES, className="stages", children=[stage_button(n) for n in range(1, 5)]),
            html.Button("›", id=ids.FORWARD, className="walk", title="the next step (key: →)"),
            html.Span(id=ids.WHERE, className="where"),
            html.Div(
                className="point-choice",
                children=[
                    html.Label("point", htmlFor=ids.POINT),
                    dcc.Dropdown(id=ids.POINT, options=[], value=0, clearable=False, searchable=False),
                ],
            ),
            html.Button("next batch", id=ids.NEXT_BATCH, title="start again at stage 1 on the batch after this one"),
            html.Button(
                "apply this step",
                id=ids.APPLY,
                className="play",
                disabled=True,
                title="hand the new weights to the playground, as its step would",
            ),
            html.Span(id=ids.BATCH, className="batch", title="the batch the playground's step would take next"),
        ],
    )


def layout(**_) -> html.Div:
    """The page; the step itself comes from the route, for the session the browser holds."""
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="backprop",
        children=[
            change_store(ids.APPLY_CHANGE),
            walk_bar(),
            html.Div(id=ids.MESSAGE, className="message", role="status"),
            html.Div(
                className="backprop-stage",
                children=[
                    html.H2(id=ids.TITLE, className="stage-title"),
                    html.P(id=ids.CAPTION, className="caption"),
                    html.Div(
                        className="backprop-columns",
                        children=[
                            dcc.Graph(
                                id=ids.DIAGRAM,
                                className="diagram",
                                figure=waiting_figure("the network's step appears here"),
                                config=graph_config("backprop-diagram"),
                                responsive=True,  # its height: the page's (backprop.js, from the figure's)
                            ),
                            dcc.Graph(
                                id=ids.BOUNDARY,
                                className="boundary",
                                figure=waiting_figure("the boundary appears here"),
                                config=graph_config("backprop-boundary", displayModeBar=False),
                                style={"display": "none"},  # stage 4's (backprop.js)
                            ),
                            html.Div(className="numbers-box", children=html.Table(id=ids.NUMBERS, className="numbers")),
                        ],
                    ),
                    html.P(id=ids.CHECK, className="check"),
                ],
            ),
        ],
    )
