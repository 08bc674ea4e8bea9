"""The landscape page's callbacks for the two-parameter walk (the race and the slice have their own modules).

While playing, a ``dcc.Interval`` steps the walk 10 times a second on the server; the figures are
patched (the path and the point move, the surface is sent only when it changes: a new grid, a
snapshot while everything trains, the mini-batch landscape of every step).
"""

from __future__ import annotations

import math

import dash
import numpy as np
from dash import Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app import session
from playground.app.components import page_just_drawn
from playground.app.pages.landscape import ids, race_callbacks, slice_callbacks
from playground.app.pages.landscape.figures import (
    BATCH_TITLE,
    OVERLAY_PATH,
    OVERLAY_POINT,
    PATH,
    POINT,
    contour_figure,
    path_lift,
    plane_figure,
    shown_values,
)
from playground.app.pages.landscape.layout import axis_titles, readouts, surface_costs, walk_figures
from playground.app.pages.landscape.logic import (
    PRESETS,
    SNAPSHOT_EVERY,
    address_from_value,
    axes,
    network_surface,
    new_walk,
    pca_plane,
    reset,
    step,
)

SHOWN, HIDDEN = {}, {"display": "none"}


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app``."""
    app.clientside_callback(dash.ClientsideFunction("landscape", "mount"), Output(ids.MOUNTED, "data"),
                            Input(ids.MOUNTED, "data"))
    register_walk_callbacks(app)
    race_callbacks.register_callbacks(app)
    slice_callbacks.register_callbacks(app)


PLAYING_SURFACE_EVERY = 8  # while playing, the 3-D path moves every 8th step (a WebGL redraw: ~80 ms in software)


def moved_figures(walk: dict, log: bool) -> tuple[Patch, Patch]:
    """Patches moving the path and the point on the surface and on the contour's overlay (the landscapes stay)."""
    path = np.asarray(walk["path"], dtype=float)
    z = shown_values(path[:, 2], log) + walk.get("lift", 0.0)
    surface, overlay = Patch(), Patch()
    surface["data"][PATH].update({"x": path[:, 0].tolist(), "y": path[:, 1].tolist(), "z": z.tolist()})
    surface["data"][POINT].update({"x": path[-1:, 0].tolist(), "y": path[-1:, 1].tolist(), "z": z[-1:].tolist()})
    overlay["data"][OVERLAY_PATH].update({"x": path[:, 0].tolist(), "y": path[:, 1].tolist()})
    overlay["data"][OVERLAY_POINT].update({"x": path[-1:, 0].tolist(), "y": path[-1:, 1].tolist()})
    return surface, overlay


def with_lift(walk: dict, costs, log: bool) -> dict:
    return {**walk, "lift": path_lift(costs, log)}


def batch_figure(walk: dict, network: dict, data: dict, settings: dict, batch, log: bool):
    xs, ys = axes(walk)
    costs = network_surface(walk, network, data, settings, batch)
    return contour_figure(xs, ys, costs, walk["path"], *axis_titles(walk), log, title=BATCH_TITLE)


def register_walk_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.SOURCE, "value"), Output(ids.OPTIMIZER, "value"), Output(ids.LEARN_RATE, "value"),
        Output(ids.MOMENTUM, "value"), Output(ids.PRESET_NOTE, "children"),
        Input(ids.PRESET, "value"), prevent_initial_call=True,
    )
    def choose_preset(name):
        if not name:
            raise PreventUpdate
        preset = PRESETS[name]
        return preset.source, preset.optimizer, math.log10(preset.learn_rate), preset.momentum, preset.note

    @app.callback(
        Output(session.SETTINGS, "data", allow_duplicate=True), Output(ids.LEARN_RATE_LABEL, "children"),
        Input(ids.OPTIMIZER, "value"), Input(ids.LEARN_RATE, "value"), Input(ids.MOMENTUM, "value"),
        State(session.SETTINGS, "data"), prevent_initial_call=True,
    )
    def change_settings(optimizer, log_rate, momentum, settings):
        settings = {**session.DEFAULT_SETTINGS, **(settings or {})}
        learn_rate = float(10 ** float(log_rate))
        chosen = {**settings, "optimizer": optimizer, "learn_rate": learn_rate, "momentum": float(momentum)}
        if all(math.isclose(chosen[k], settings[k], rel_tol=1e-9) if k != "optimizer" else chosen[k] == settings[k]
               for k in ("optimizer", "learn_rate", "momentum")):
            raise PreventUpdate  # the controls show the session's settings already (a page just drawn)
        return chosen, f"learn rate {learn_rate:.3g}"

    walk_outputs = [
        Output(ids.STATE, "data", allow_duplicate=True), Output(ids.SURFACE_GRAPH, "figure", allow_duplicate=True),
        Output(ids.CONTOUR_GRAPH, "figure", allow_duplicate=True), Output(ids.PATH_GRAPH, "figure", allow_duplicate=True),
        Output(ids.BATCH_GRAPH, "figure", allow_duplicate=True), Output(ids.BATCH_GRAPH, "style", allow_duplicate=True), Output(ids.PLANE_GRAPH, "style", allow_duplicate=True),
        Output(ids.PICKERS, "style"), Output(ids.STATUS, "children", allow_duplicate=True),
        Output(ids.CURVATURE, "children", allow_duplicate=True), Output(ids.LEARN_RATE, "marks", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.TICKER, "disabled", allow_duplicate=True),
        Output(ids.PLAY, "children", allow_duplicate=True),
    ]

    @app.callback(
        *walk_outputs,
        Input(ids.SOURCE, "value"), Input(ids.FIRST, "value"), Input(ids.SECOND, "value"), Input(ids.SPAN, "value"),
        Input(ids.RESOLUTION, "value"), Input(ids.TRAIN_ALL, "value"), Input(ids.LOG_SCALE, "value"),
        Input(ids.VIEW, "value"), State(session.NETWORK, "data"), State(session.DATA, "data"),
        State(session.SETTINGS, "data"), prevent_initial_call=True,
    )
    def new_landscape(source, first, second, span, resolution, train_all, log, view, network, data, settings):
        if page_just_drawn():
            raise PreventUpdate
        settings = {**session.DEFAULT_SETTINGS, **(settings or {})}
        if source == "network" and first == second:
            return (no_update,) * 11 + ("choose two different parameters",) + (no_update,) * 2
        walk = new_walk(source, network, data, address_from_value(first) if first else None,
                        address_from_value(second) if second else None, span or 3.0, resolution, bool(train_all),
                        settings)
        costs = surface_costs(walk, network, data, settings)
        walk = with_lift(walk, costs, bool(log))
        surface, contour, overlay = walk_figures(walk, costs, bool(log))
        is_network = source == "network"
        batch = batch_figure(walk, network, data, settings, [], bool(log)) if is_network and view != "full" else no_update
        status, curvature_line, marks = readouts(walk, network, data, settings)
        return (walk, surface, contour, overlay, batch, SHOWN if is_network and view != "full" else HIDDEN,
                SHOWN if is_network and train_all else HIDDEN, SHOWN if is_network else HIDDEN, status,
                curvature_line, marks, "", True, "play")

    @app.callback(
        Output(ids.STATE, "data", allow_duplicate=True), Output(ids.SURFACE_GRAPH, "figure", allow_duplicate=True),
        Output(ids.PATH_GRAPH, "figure", allow_duplicate=True), Output(session.NETWORK, "data", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True), Output(ids.CURVATURE, "children", allow_duplicate=True),
        Output(ids.LEARN_RATE, "marks", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.TICKER, "disabled", allow_duplicate=True), Output(ids.PLAY, "children", allow_duplicate=True),
        Input(ids.RESET, "n_clicks"), Input(ids.CLICK, "data"), State(ids.STATE, "data"),
        State(ids.LOG_SCALE, "value"), State(session.NETWORK, "data"), State(session.DATA, "data"),
        State(session.SETTINGS, "data"), prevent_initial_call=True,
    )
    def restart(_reset, click, walk, log, network, data, settings):
        if page_just_drawn():
            raise PreventUpdate
        settings = {**session.DEFAULT_SETTINGS, **(settings or {})}
        if ctx.triggered_id == ids.CLICK:
            if not click or not all(np.isfinite([click.get("x", np.nan), click.get("y", np.nan)])):
                raise PreventUpdate
            walk = {**walk, "start": [float(click["x"]), float(click["y"])]}  # start the walk there
        walk, new_network = reset(walk, network)
        if walk["source"] != "network":
            from playground.engine.surfaces import SURFACES

            x, y = walk["start"]
            walk["path"] = [[x, y, float(SURFACES[walk["source"]].function(np.float64(x), np.float64(y)))]]
        elif new_network is not None:
            from playground.app.pages.landscape.logic import full_cost
            from playground.app.state import network_from_dict

            walk["path"] = [[*walk["start"], full_cost(network_from_dict(new_network), data, settings)]]
        surface, overlay = moved_figures(walk, bool(log))
        status, curvature_line, marks = readouts(walk, new_network or network, data, settings)
        return (walk, surface, overlay, new_network if new_network is not None else no_update, status,
                curvature_line, marks, "", True, "play")

    @app.callback(
        Output(ids.STATE, "data", allow_duplicate=True), Output(ids.SURFACE_GRAPH, "figure", allow_duplicate=True),
        Output(ids.CONTOUR_GRAPH, "figure", allow_duplicate=True), Output(ids.PATH_GRAPH, "figure", allow_duplicate=True),
        Output(ids.BATCH_GRAPH, "figure", allow_duplicate=True), Output(ids.PLANE_GRAPH, "figure"), Output(session.NETWORK, "data", allow_duplicate=True),
        Output(ids.STATUS, "children", allow_duplicate=True), Output(ids.CURVATURE, "children", allow_duplicate=True),
        Output(ids.LEARN_RATE, "marks", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.TICKER, "disabled", allow_duplicate=True), Output(ids.PLAY, "children", allow_duplicate=True),
        Input(ids.STEP, "n_clicks"), Input(ids.TICKER, "n_intervals"), State(ids.STATE, "data"),
        State(ids.TICKER, "disabled"), State(ids.LOG_SCALE, "value"), State(ids.VIEW, "value"),
        State(session.NETWORK, "data"), State(session.DATA, "data"), State(session.SETTINGS, "data"),
        prevent_initial_call=True,
    )
    def take_step(_step, _tick, walk, stopped, log, view, network, data, settings):
        if page_just_drawn() or (ctx.triggered_id == ids.TICKER and stopped):
            raise PreventUpdate
        settings = {**session.DEFAULT_SETTINGS, **(settings or {})}
        log = bool(log)
        walk, new_network, batch = step(walk, network, data, settings)
        network = new_network or network
        surface, overlay = moved_figures(walk, log)
        contour = no_update
        if ctx.triggered_id != ids.TICKER or walk["steps"] % PLAYING_SURFACE_EVERY:
            surface = no_update  # follow_surface brings the 3-D path up to date when not playing
        snapshot = walk["train_all"] and walk["source"] == "network" and walk["steps"] % SNAPSHOT_EVERY == 0
        if snapshot:  # everything trains: the surface under the path has moved; draw it again
            walk = {**walk, "centre": walk["path"][-1][:2]}
            costs = surface_costs(walk, network, data, settings)
            walk = with_lift(walk, costs, log)
            surface, contour, overlay = walk_figures(walk, costs, log, note=f"snapshot at step {walk['steps']}: "
                                                                            "every parameter is training, so the surface moves")
        batch_view = batch_figure(walk, network, data, settings, batch, log) if (
            batch is not None and view != "full" and walk["source"] == "network") else no_update
        plane = pca_plane(walk)
        plane_view = plane_figure(*plane) if plane is not None and snapshot else no_update
        status, curvature_line, marks = readouts(walk, network, data, settings)
        # Send the curvature line and the slider's marks only when they read differently.
        shown = (curvature_line, sorted(marks))
        if shown == tuple(walk.get("shown", ())):
            curvature_line, marks = no_update, no_update
        walk = {**walk, "shown": [shown[0], shown[1]]}
        stop = (True, "play") if walk["message"] else (no_update, no_update)
        return (walk, surface, contour, overlay, batch_view, plane_view, new_network if new_network is not None else no_update,
                status, curvature_line, marks, walk["message"], *stop)

    @app.callback(Output(ids.TICKER, "disabled", allow_duplicate=True), Output(ids.PLAY, "children", allow_duplicate=True),
                  Input(ids.PLAY, "n_clicks"), State(ids.TICKER, "disabled"), prevent_initial_call=True)
    def play_or_pause(_clicks, stopped):
        return (False, "pause") if stopped else (True, "play")

    @app.callback(Output(ids.SURFACE_GRAPH, "figure", allow_duplicate=True),
                  Input(ids.STATE, "data"), Input(ids.TICKER, "disabled"), State(ids.LOG_SCALE, "value"),
                  prevent_initial_call=True)
    def follow_surface(walk, stopped, log):
        # While playing, the 3-D path moves every few steps (take_step); otherwise with every change.
        if not stopped or walk is None:
            raise PreventUpdate
        return moved_figures(walk, bool(log))[0]
