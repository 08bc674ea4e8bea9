"""The landscape page's layout: two parameters (F9), the optimizer race (F10), big networks (F11)."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.landscape import ids
from playground.app.pages.landscape.figures import batch_title, contour_figure, path_lift, walk_figures
from playground.app.pages.landscape.logic import (
    PRESETS,
    axes,
    axis_titles,
    learn_rate_marks,
    network_surface,
    next_batch,
    parameter_options,
    readouts,
    surface_costs,
    value_from_address,
    walk_for,
)
from playground.app.pages.landscape.race_layout import race_tab
from playground.app.pages.landscape.shapes import RESOLUTIONS
from playground.app.pages.landscape.slice_layout import slice_tab
from playground.app.session import model
from playground.app.session.stores import change_store
from playground.app.ui.components import control, graph_config, momentum_control, page_root
from playground.app.ui.learn_rate import LEARN_RATE_RANGE, learn_rate_control
from playground.app.ui.waiting import waiting_figure
from playground.engine import OPTIMIZERS
from playground.engine.surfaces import SURFACES

SOURCES = [{"label": "the playground's network: two of its parameters", "value": "network"}] + [
    {"label": surface.label, "value": name} for name, surface in SURFACES.items()
]
SHOWN: dict[str, str] = {}
HIDDEN = {"display": "none"}


def drawn_walk(walk: dict, network: dict, data: dict, settings: dict) -> dict:
    """The walk with its grid's costs drawn in: the figures and readouts of the page."""
    walk = walk_for(walk, network, data, settings)
    costs, note = surface_costs(walk, network, data, settings)
    walk = {**walk, "lift": path_lift(costs, walk["log"])}
    xs, ys = axes(walk)
    surface, contour, overlay = walk_figures(xs, ys, costs, walk, axis_titles(walk), note=note)
    is_network = walk["source"] == "network"
    batch = None
    if is_network and walk["view"] != "full":
        from_batch = walk["batch"] or next_batch(walk, data, settings)
        batch_costs, batch_note = network_surface(walk, network, data, settings, from_batch)
        batch = contour_figure(
            xs, ys, batch_costs, walk["path"], *axis_titles(walk), walk["log"], title=batch_title(walk, batch_note)
        )
    status, curvature_line, limit = readouts(walk, network, data, settings)
    return {
        "walk": walk,
        "surface": surface,
        "contour": contour,
        "overlay": overlay,
        "batch": batch,
        "status": status,
        "curvature": curvature_line,
        "marks": learn_rate_marks(limit),
        "pickers": SHOWN if is_network else HIDDEN,
        "batch_style": SHOWN if batch is not None else HIDDEN,
        "plane_style": SHOWN if is_network and walk["train_all"] else HIDDEN,
    }


def descent_controls(walk: dict, drawn: dict) -> list:
    """Reset, step, play, the optimizer and its learn rate and momentum: first in the panel, so a
    projector at 1280×720 shows them beside the surface without scrolling."""
    return [
        html.H3("Descent"),
        html.Div(
            className="learning",
            children=[
                html.Button("reset", id=ids.RESET, title="back to where this walk started"),
                html.Button("step", id=ids.STEP, title="one step on one mini-batch (key: s)"),
                html.Button(
                    "play",
                    id=ids.PLAY,
                    className="play",
                    # Measured by bench/landscape_speed.py --page (docs/benchmarks.md): 8.2–9.3 a second
                    # on 2 cores at load 2–12.
                    title="step continuously, 9 to 10 steps a second (key: space)",
                ),
            ],
        ),
        control(
            "optimizer",
            dcc.Dropdown(id=ids.OPTIMIZER, options=list(OPTIMIZERS), value=walk["optimizer"], clearable=False),
        ),
        learn_rate_control(
            ids.LEARN_RATE,
            ids.LEARN_RATE_VALUE,
            walk["learn_rate"],
            LEARN_RATE_RANGE,
            ids.LEARN_RATE_LABEL,
            marks=drawn["marks"],
            updatemode="mouseup",
        ),
        momentum_control(ids.MOMENTUM, walk["momentum"]),
    ]


def two_parameters_tab(drawn: dict, network: dict) -> dcc.Tab:
    walk = drawn["walk"]
    is_network = walk["source"] == "network"
    options = parameter_options(network)
    return dcc.Tab(
        label="Two parameters",
        value="two",
        children=[
            html.Div(
                className="landscape-tab",
                children=[
                    html.Div(
                        className="landscape-controls",
                        children=[
                            control(
                                "landscape of",
                                dcc.Dropdown(id=ids.SOURCE, options=SOURCES, value=walk["source"], clearable=False),
                            ),
                            control(
                                "a lesson",
                                dcc.Dropdown(
                                    id=ids.PRESET,
                                    placeholder="choose a lesson…",
                                    value=walk["preset"],
                                    options=[
                                        {"label": preset.label, "value": name} for name, preset in PRESETS.items()
                                    ],
                                ),
                            ),
                            html.Div(
                                PRESETS[walk["preset"]].note if walk["preset"] in PRESETS else "",
                                id=ids.PRESET_NOTE,
                                className="hint",
                            ),
                            *descent_controls(walk, drawn),
                            html.H3("Surface"),
                            html.Div(
                                id=ids.PICKERS,
                                style=drawn["pickers"],
                                children=[
                                    control(
                                        "first parameter (x)",
                                        dcc.Dropdown(
                                            id=ids.FIRST,
                                            options=options,
                                            clearable=False,
                                            value=value_from_address(walk["first"]) if is_network else None,
                                        ),
                                    ),
                                    control(
                                        "second parameter (y)",
                                        dcc.Dropdown(
                                            id=ids.SECOND,
                                            options=options,
                                            clearable=False,
                                            value=value_from_address(walk["second"]) if is_network else None,
                                        ),
                                    ),
                                    control(
                                        "range: ± around the values now",
                                        dcc.Slider(
                                            id=ids.SPAN,
                                            min=0.5,
                                            max=10,
                                            step=0.5,
                                            value=walk["span"] if is_network else 3.0,
                                            marks={1: "1", 3: "3", 5: "5", 10: "10"},
                                        ),
                                    ),
                                    dcc.Checklist(
                                        id=ids.TRAIN_ALL,
                                        value=["all"] if walk["train_all"] else [],
                                        options=[
                                            {
                                                "label": "train every parameter (the surface is then a snapshot)",
                                                "value": "all",
                                            }
                                        ],
                                    ),
                                ],
                            ),
                            control(
                                "grid",
                                dcc.RadioItems(
                                    id=ids.RESOLUTION,
                                    value=walk["resolution"],
                                    inline=True,
                                    options=[{"label": f"{n}×{n}", "value": n} for n in RESOLUTIONS],
                                ),
                            ),
                            control(
                                "landscape of",
                                dcc.RadioItems(
                                    id=ids.VIEW,
                                    value=walk["view"],
                                    options=[
                                        {"label": "all training data", "value": "full"},
                                        {"label": "this mini-batch", "value": "batch"},
                                        {"label": "both, side by side", "value": "both"},
                                    ],
                                ),
                            ),
                            dcc.Checklist(
                                id=ids.LOG_SCALE,
                                value=["log"] if walk["log"] else [],
                                options=[{"label": "log scale", "value": "log"}],
                            ),
                        ],
                    ),
                    html.Div(
                        className="landscape-views",
                        children=[
                            html.Div(drawn["status"], id=ids.STATUS, className="status"),
                            html.Div(drawn["curvature"], id=ids.CURVATURE, className="hint curvature"),
                            html.Div(walk["message"], id=ids.MESSAGE, className="message"),
                            html.Div(
                                className="landscape-pair",
                                children=[
                                    dcc.Graph(
                                        id=ids.SURFACE_GRAPH,
                                        figure=drawn["surface"],
                                        config=graph_config("landscape-surface"),
                                    ),
                                    html.Div(
                                        className="overlay-pair",
                                        children=[
                                            dcc.Graph(
                                                id=ids.CONTOUR_GRAPH,
                                                figure=drawn["contour"],
                                                config=graph_config(
                                                    "landscape-contour",
                                                    modeBarButtonsToRemove=["sendDataToCloud", "toImage"],
                                                ),
                                            ),
                                            dcc.Graph(
                                                id=ids.PATH_GRAPH,
                                                figure=drawn["overlay"],
                                                className="path-overlay",
                                                config={"displayModeBar": False},
                                            ),
                                        ],
                                    ),
                                ],
                            ),
                            dcc.Graph(
                                id=ids.BATCH_GRAPH,
                                figure=drawn["batch"] or drawn["contour"],
                                style=drawn["batch_style"],
                                config=graph_config("landscape-batch"),
                            ),
                            dcc.Graph(
                                id=ids.PLANE_GRAPH,
                                style=drawn["plane_style"],
                                config=graph_config("landscape-plane"),
                                figure=waiting_figure(
                                    "a run that trains every parameter: its path on its PCA plane appears here", 300
                                ),
                            ),
                        ],
                    ),
                ],
            )
        ],
    )


def layout(
    data: dict | None = None,
    network: dict | None = None,
    settings: dict | None = None,
    view_landscape: dict | None = None,
    **_,
) -> html.Div:
    """The page for the session's walk, network and points (a new walk starts where the network is)."""
    if data is None or network is None or settings is None or view_landscape is None:
        state = model.initial_state()  # Dash's check of the layouts calls this without a session
        data, network, settings, view_landscape = (
            state["data"],
            state["network"],
            state["settings"],
            state["views"]["landscape"],
        )
    drawn = drawn_walk(view_landscape, network, data, settings)
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="landscape",
        children=[
            change_store(ids.WALK_CHANGE),
            change_store(ids.RUN_CHANGE),
            dcc.Store(id=ids.CLICK),
            dcc.Tabs(id=ids.TABS, value="two", children=[two_parameters_tab(drawn, network), race_tab(), slice_tab()]),
        ],
    )
