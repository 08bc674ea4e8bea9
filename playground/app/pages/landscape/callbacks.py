"""The landscape page's callbacks for the two-parameter walk (the race and the slice have their own modules).

The walk's controls hand the session a new walk in one callback (its change store
``landscape-walk``); play and step go through the app's run loop in the browser
(``assets/landscape.js``, ``assets/runner.js``) on the page's route (``routes.py``), which
paints each step straight in the page and hands the walk to the session when it stops; the
figures and readouts are drawn from the session's walk (``show_walk``).
"""

from __future__ import annotations

import math

import dash
import numpy as np
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.landscape import ids, race_callbacks, slice_callbacks
from playground.app.pages.landscape.layout import drawn_walk
from playground.app.pages.landscape.logic import PRESETS, address_from_value, started, walk_for
from playground.app.session import model, stores
from playground.app.ui.learn_rate import LEARN_RATE_RANGE, from_exponent, register_learn_rate
from playground.engine.landscape import locate
from playground.engine.persistence import network_to_json
from playground.engine.surfaces import SURFACES

VIEW_STORE = stores.view_store("landscape")
# The controls of the walk: each value's name in the walk, and how the control's value is read.
CONTROLS = {
    ids.SOURCE: "source",
    ids.FIRST: "first",
    ids.SECOND: "second",
    ids.SPAN: "span",
    ids.RESOLUTION: "resolution",
    ids.TRAIN_ALL: "train_all",
    ids.VIEW: "view",
    ids.LOG_SCALE: "log",
    ids.OPTIMIZER: "optimizer",
    ids.LEARN_RATE: "learn_rate",
    ids.MOMENTUM: "momentum",
}
RESTARTING = ("source", "first", "second", "span", "resolution", "train_all")  # a new walk from where the network is


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app``."""
    session_states = [
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.SETTINGS, "data"),
        State(VIEW_STORE, "data"),
    ]
    app.clientside_callback(
        dash.ClientsideFunction("landscape", "mount"),
        Output(ids.MOUNTED, "data"),
        Input(ids.MOUNTED, "data"),
        *session_states,
    )
    app.clientside_callback(
        dash.ClientsideFunction("landscape", "adopt"),
        Input(stores.REVISION, "data"),
        *session_states,
        prevent_initial_call=True,
    )
    for button, action in ((ids.PLAY, "play"), (ids.STEP, "step")):
        app.clientside_callback(
            dash.ClientsideFunction("landscape", action), Input(button, "n_clicks"), prevent_initial_call=True
        )
    register_walk_callbacks(app)
    race_callbacks.register_callbacks(app)
    slice_callbacks.register_callbacks(app)


def control_value(name: str, value):
    """A control's value as the walk holds it."""
    if name in ("first", "second"):
        return address_from_value(value) if value else None
    if name in ("train_all", "log"):
        return bool(value)
    if name == "learn_rate":
        return from_exponent(value)
    return float(value) if name in ("span", "momentum") else value


def clicked_walk(walk: dict, network: dict, click: dict) -> tuple[dict, dict | None]:
    """The walk restarted where the contour was clicked: the two parameters set there (on the
    network), or the ball placed there (a surface). Returns the walk and the network changed."""
    if not click or not all(math.isfinite(click.get(axis, math.nan)) for axis in ("x", "y")):
        raise PreventUpdate
    point = [float(click["x"]), float(click["y"])]
    if walk["source"] != "network":
        surface_walk = started(walk)
        cost = float(SURFACES[walk["source"]].function(np.float64(point[0]), np.float64(point[1])))
        return {**surface_walk, "path": [[*point, cost]], "start": point}, None
    return walk, moved_network(network, walk, point)


def moved_network(network: dict, walk: dict, point: list[float]) -> dict:
    """The network with the walk's two parameters set to ``point``."""
    engine_network = model.playground_network(network)
    for address, value in zip((walk["first"], walk["second"]), point):
        position, index = locate(engine_network, tuple(address))
        engine_network.parameters()[position][index] = value
    return network_to_json(engine_network)


def register_walk_callbacks(app: dash.Dash) -> None:
    register_learn_rate(app, ids.LEARN_RATE, ids.LEARN_RATE_VALUE, LEARN_RATE_RANGE)

    @app.callback(
        Output(stores.change_id(ids.WALK_CHANGE), "data"),
        Output(ids.PRESET_NOTE, "children"),
        Output(ids.SOURCE, "value"),
        Output(ids.OPTIMIZER, "value"),
        Output(ids.LEARN_RATE, "value"),
        Output(ids.MOMENTUM, "value"),
        Output(ids.LEARN_RATE_LABEL, "children"),
        Output(ids.MESSAGE, "children"),
        *[Input(control, "value") for control in CONTROLS],
        Input(ids.PRESET, "value"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.CLICK, "data"),
        State(VIEW_STORE, "data"),
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.SETTINGS, "data"),
        prevent_initial_call=True,
    )
    def change_walk(*values):
        *controls, preset, reset, click, walk, network, data, settings = values
        trigger, keep = ctx.triggered_id, (no_update,) * 6
        walk = walk_for(walk, network, data, settings)
        new_network = None
        if trigger == ids.PRESET:
            if preset not in PRESETS:
                raise PreventUpdate
            chosen = PRESETS[preset]
            walk = started(
                {
                    **walk,
                    "source": chosen.source,
                    "optimizer": chosen.optimizer,
                    "learn_rate": chosen.learn_rate,
                    "momentum": chosen.momentum,
                    "preset": preset,
                }
            )
            return (
                stores.change(view_landscape=walk),
                chosen.note,
                chosen.source,
                chosen.optimizer,
                math.log10(chosen.learn_rate),
                chosen.momentum,
                f"learn rate {chosen.learn_rate:.3g}",
                "",
            )
        if trigger == ids.RESET:
            if not reset:
                raise PreventUpdate
            if walk["source"] == "network" and not walk["train_all"]:
                new_network = moved_network(network, walk, walk["start"])
            walk = (
                started(walk, new_network or network, data, settings) if walk["source"] == "network" else started(walk)
            )
        elif trigger == ids.CLICK:
            walk, new_network = clicked_walk(walk, network, click)
            if new_network is not None:
                walk = started(walk, new_network, data, settings)
        else:
            name = CONTROLS[trigger]
            value = control_value(name, controls[list(CONTROLS).index(trigger)])
            if name in ("first", "second") and value is None:
                raise PreventUpdate
            if value == walk[name] or (name == "learn_rate" and math.isclose(value, walk[name], rel_tol=1e-9)):
                raise PreventUpdate  # the control shows the walk already (a page drawn anew)
            other = {"first": "second", "second": "first"}.get(name)
            if other and value == walk[other]:
                return (no_update,) * 7 + ("choose two different parameters",)
            if name not in RESTARTING:  # a setting only sets itself: a walk going on keeps its steps
                label = f"learn rate {value:.3g}" if name == "learn_rate" else no_update
                return stores.update(view_landscape={name: value}), no_update, *keep[:4], label, ""
            walk = {**walk, name: value, "preset": None if name == "source" else walk["preset"]}
            walk = started(walk, network, data, settings) if walk["source"] == "network" else started(walk)
        parts = {"view_landscape": walk} if new_network is None else {"view_landscape": walk, "network": new_network}
        label = f"learn rate {walk['learn_rate']:.3g}"
        return (stores.change(**parts), no_update, *keep[:4], label, "")

    @app.callback(
        Output(ids.SURFACE_GRAPH, "figure"),
        Output(ids.CONTOUR_GRAPH, "figure"),
        Output(ids.PATH_GRAPH, "figure"),
        Output(ids.BATCH_GRAPH, "figure"),
        Output(ids.BATCH_GRAPH, "style"),
        Output(ids.PLANE_GRAPH, "style"),
        Output(ids.PICKERS, "style"),
        Output(ids.STATUS, "children"),
        Output(ids.CURVATURE, "children"),
        Output(ids.LEARN_RATE, "marks"),
        Input(VIEW_STORE, "data"),
        Input(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.SETTINGS, "data"),
        prevent_initial_call=True,
    )
    def show_walk(walk, network, data, settings):
        drawn = drawn_walk(walk, network, data, settings)
        return (
            drawn["surface"],
            drawn["contour"],
            drawn["overlay"],
            drawn["batch"] or no_update,
            drawn["batch_style"],
            drawn["plane_style"],
            drawn["pickers"],
            drawn["status"],
            drawn["curvature"],
            drawn["marks"],
        )
