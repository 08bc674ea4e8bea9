"""The landscape page's optimizer race tab (F10): its settings beside the race's figures."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.landscape import ids
from playground.app.pages.landscape.race_logic import RACE_SOURCES, default_rates
from playground.app.ui.components import control, graph_config
from playground.app.ui.waiting import waiting_figure
from playground.engine import OPTIMIZERS


def race_tab() -> dcc.Tab:
    first = next(iter(RACE_SOURCES))
    return dcc.Tab(
        label="Optimizer race",
        value="race",
        children=[
            html.Div(
                className="landscape-tab",
                children=[
                    html.Div(
                        className="landscape-controls",
                        children=[
                            control(
                                "race on",
                                dcc.Dropdown(
                                    id=ids.RACE_SOURCE,
                                    clearable=False,
                                    value=first,
                                    options=[{"label": label, "value": name} for name, label in RACE_SOURCES.items()],
                                ),
                            ),
                            control(
                                "who races",
                                dcc.RadioItems(
                                    id=ids.RACE_MODE,
                                    value="optimizers",
                                    options=[
                                        {"label": "SGD, momentum, Nesterov, RMSProp and Adam", "value": "optimizers"},
                                        {"label": "one optimizer at several learn rates", "value": "rates"},
                                    ],
                                ),
                            ),
                            control(
                                "the optimizer (several learn rates)",
                                dcc.Dropdown(
                                    id=ids.RACE_OPTIMIZER, options=list(OPTIMIZERS), value="sgd", clearable=False
                                ),
                            ),
                            control(
                                "learn rates, in that order",
                                dcc.Input(
                                    id=ids.RACE_RATES,
                                    type="text",
                                    debounce=True,
                                    value=", ".join(f"{r:g}" for r in default_rates(first)),
                                ),
                            ),
                            control(
                                "steps",
                                dcc.Slider(
                                    id=ids.RACE_STEPS,
                                    min=10,
                                    max=1000,
                                    step=10,
                                    value=200,
                                    # The last label ends at the track's end: centred there, it ran under
                                    # the slider's own number box (lecture mode, 1920×1080).
                                    marks={
                                        10: "10",
                                        250: "250",
                                        500: "500",
                                        1000: {"label": "1000", "style": {"transform": "translateX(-100%)"}},
                                    },
                                ),
                            ),
                            control(
                                "start (x, y; empty: the surface's own)",
                                dcc.Input(id=ids.RACE_START, type="text", value="", debounce=True),
                            ),
                        ],
                    ),
                    html.Div(
                        className="landscape-views",
                        children=[
                            # The button heads the figures it draws: on screen at 1280×720, lecture mode too.
                            html.Div(
                                className="learning run-line",
                                children=[html.Button("race", id=ids.RACE_GO, className="play")],
                            ),
                            html.Div("", id=ids.RACE_RESULT, className="status"),
                            html.Div(
                                className="landscape-pair",
                                children=[
                                    dcc.Graph(
                                        id=ids.RACE_CONTOUR,
                                        config=graph_config("landscape-race-contour"),
                                        figure=waiting_figure("press race: the paths appear here", 420),
                                    ),
                                    dcc.Graph(
                                        id=ids.RACE_SURFACE,
                                        config=graph_config("landscape-race-surface"),
                                        figure=waiting_figure("… and here, on the surface", 420),
                                    ),
                                ],
                            ),
                            dcc.Graph(
                                id=ids.RACE_COSTS,
                                config=graph_config("landscape-race-costs"),
                                figure=waiting_figure("each optimizer's cost, step by step, appears here", 260),
                            ),
                        ],
                    ),
                ],
            )
        ],
    )
