"""The descent page's callbacks: thin wrappers around ``logic`` that keep the session's descent store.

While running, a ``dcc.Interval`` steps the ball on the server and the figures are patched
(the path, the tangent and the ball move; the curve is never sent again).
"""

from __future__ import annotations

import math

import dash
import numpy as np
from dash import Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app import session
from playground.app.components import page_just_drawn
from playground.app.pages.descent import ids
from playground.app.pages.descent.figures import BALL, PATH, TANGENT, curve, descent_figure, steps_figure, tangent
from playground.app.pages.descent.formula import FormulaError, parse_formula
from playground.app.pages.descent.layout import LOG_LEARN_RATE_RANGE, learn_rate_text, readout_table
from playground.app.pages.descent.logic import PRESETS, advance, new_descent, readouts, restart

MAX_LEARN_RATE = 10.0


def parse_learn_rate(text) -> float:
    """A learn rate typed by hand: a number above 0 and at most 10 (raises ValueError with a message)."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ValueError(f"learn rate: {str(text)[:20]!r} is not a number") from None
    if not 0 < value <= MAX_LEARN_RATE:
        raise ValueError(f"learn rate: a number above 0 and at most {MAX_LEARN_RATE:g}")
    return value


def moved_figures(state: dict) -> tuple[Patch, Patch]:
    """Patches moving the path, tangent and ball of the descent figure, and the step curve."""
    formula = parse_formula(state["formula"])
    path = state["path"]
    figure = Patch()
    figure["data"][PATH]["x"], figure["data"][PATH]["y"] = [p[0] for p in path], [p[1] for p in path]
    tangent_x, tangent_y = tangent(formula, path[-1][0], tuple(state["x_range"]))
    figure["data"][TANGENT]["x"], figure["data"][TANGENT]["y"] = tangent_x, tangent_y
    figure["data"][BALL]["x"], figure["data"][BALL]["y"] = [path[-1][0]], [path[-1][1]]
    steps = Patch()
    steps["data"][0]["x"], steps["data"][0]["y"] = list(range(len(path))), [p[1] for p in path]
    return figure, steps


def a_start(formula, state: dict, wanted: float) -> float:
    """Where the ball starts on a new function: ``wanted`` if f is defined there, else the first x where it is."""
    if math.isfinite(float(formula(wanted))):
        return wanted
    xs, values = curve(formula, tuple(state["x_range"]))
    return float(xs[np.flatnonzero(np.isfinite(values))[0]])


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app``."""
    app.clientside_callback(dash.ClientsideFunction("descent", "mount"), Output(ids.MOUNTED, "data"),
                            Input(ids.MOUNTED, "data"))

    @app.callback(
        Output(ids.LEARN_RATE, "value"), Output(ids.LEARN_RATE_VALUE, "value"),
        Output(session.DESCENT, "data", allow_duplicate=True), Output(ids.REGIME, "children"),
        Output(ids.READOUTS, "children"), Output(ids.TICKER, "interval"), Output(ids.MESSAGE, "children"),
        Input(ids.LEARN_RATE, "value"), Input(ids.LEARN_RATE_VALUE, "value"), Input(ids.SLOPE, "value"),
        Input(ids.STEP_H, "value"), Input(ids.MOMENTUM_ON, "value"), Input(ids.MOMENTUM, "value"),
        Input(ids.SPEED, "value"), State(session.DESCENT, "data"), prevent_initial_call=True,
    )
    def change_settings(log_rate, typed_rate, slope, h, momentum_on, momentum, speed, state):
        if page_just_drawn():
            raise PreventUpdate
        state = state or new_descent()
        try:
            if ctx.triggered_id == ids.LEARN_RATE_VALUE:
                learn_rate = parse_learn_rate(typed_rate)
            else:
                learn_rate = float(10 ** float(log_rate))
            if h is None or not 0 < float(h) <= 1:
                raise ValueError("h: a small number above 0, at most 1 (e.g. 0.001)")
        except (ValueError, TypeError) as error:
            return no_update, no_update, no_update, no_update, no_update, no_update, str(error)
        state = {**state, "learn_rate": learn_rate, "slope": slope, "h": float(h), "momentum_on": bool(momentum_on),
                 "momentum": float(momentum), "steps_per_second": int(speed)}
        values = readouts(state)
        slider = min(max(math.log10(learn_rate), LOG_LEARN_RATE_RANGE[0]), LOG_LEARN_RATE_RANGE[1])
        return (slider if ctx.triggered_id == ids.LEARN_RATE_VALUE else no_update,
                learn_rate_text(learn_rate) if ctx.triggered_id != ids.LEARN_RATE_VALUE else no_update,
                state, values["regime_text"], readout_table(values), int(1000 / state["steps_per_second"]), "")

    @app.callback(
        Output(session.DESCENT, "data", allow_duplicate=True), Output(ids.GRAPH, "figure"),
        Output(ids.STEPS_GRAPH, "figure"), Output(ids.FORMULA, "value"), Output(ids.PRESET, "value"),
        Output(ids.FORMULA_MESSAGE, "children"), Output(ids.LESSON, "children"),
        Output(ids.READOUTS, "children", allow_duplicate=True), Output(ids.REGIME, "children", allow_duplicate=True),
        Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.TICKER, "disabled"),
        Output(ids.RUN, "children"),
        Input(ids.PRESET, "value"), Input(ids.FORMULA, "value"), Input(ids.GRAPH, "clickData"),
        Input(ids.RESET, "n_clicks"), State(session.DESCENT, "data"), prevent_initial_call=True,
    )
    def change_function(preset, text, click, _reset, state):
        if page_just_drawn():
            raise PreventUpdate
        state = state or new_descent()
        trigger = ctx.triggered_id
        formula_text, preset_value, lesson = no_update, no_update, no_update
        if trigger == ids.PRESET:
            if preset == "custom" or preset == state["preset"]:
                raise PreventUpdate
            settings = {key: state[key] for key in ("learn_rate", "momentum_on", "momentum", "slope", "h",
                                                    "steps_per_second")}
            state = new_descent(preset, settings)
            formula_text, lesson = state["formula"], PRESETS[preset].lesson
        elif trigger == ids.FORMULA:
            try:
                formula = parse_formula(text)
                curve(formula, tuple(state["x_range"]))  # refused where it overflows or is nowhere defined
            except FormulaError as error:
                return (no_update,) * 5 + (f"{error}. The last good curve stays.",) + (no_update,) * 6
            if formula.text == state["formula"]:
                raise PreventUpdate
            state = restart({**state, "formula": formula.text, "preset": "custom"}, formula,
                            a_start(formula, state, state["start"]))
            preset_value, lesson = "custom", ""
        elif trigger == ids.GRAPH:
            point = (click or {}).get("points", [{}])[0]
            if "x" not in point:
                raise PreventUpdate
            formula = parse_formula(state["formula"])
            low, high = state["x_range"]
            state = restart(state, formula, a_start(formula, state, min(max(float(point["x"]), low), high)))
        else:  # reset
            state = restart(state, parse_formula(state["formula"]), state["start"])
        values = readouts(state)
        formula = parse_formula(state["formula"])
        return (state, descent_figure(formula, tuple(state["x_range"]), state["path"]), steps_figure(state["path"]),
                formula_text, preset_value, "", lesson, readout_table(values), values["regime_text"], "", True, "run")

    @app.callback(
        Output(session.DESCENT, "data", allow_duplicate=True), Output(ids.GRAPH, "figure", allow_duplicate=True),
        Output(ids.STEPS_GRAPH, "figure", allow_duplicate=True), Output(ids.READOUTS, "children", allow_duplicate=True),
        Output(ids.REGIME, "children", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.TICKER, "disabled", allow_duplicate=True), Output(ids.RUN, "children", allow_duplicate=True),
        Input(ids.LEARN, "n_clicks"), Input(ids.TICKER, "n_intervals"), State(session.DESCENT, "data"),
        State(ids.TICKER, "disabled"), prevent_initial_call=True,
    )
    def step(_learn, _tick, state, stopped):
        if page_just_drawn():
            raise PreventUpdate
        if ctx.triggered_id == ids.TICKER and stopped:
            raise PreventUpdate  # a tick already on its way when run was paused
        state, stop = advance(state or new_descent())
        figure, steps = moved_figures(state)
        values = readouts(state)
        halt = (True, "run") if stop else (no_update, no_update)
        return (state, figure, steps, readout_table(values), values["regime_text"], state["message"], *halt)

    @app.callback(Output(ids.TICKER, "disabled", allow_duplicate=True), Output(ids.RUN, "children", allow_duplicate=True),
                  Output(ids.MESSAGE, "children", allow_duplicate=True),
                  Input(ids.RUN, "n_clicks"), State(ids.TICKER, "disabled"), State(session.DESCENT, "data"),
                  prevent_initial_call=True)
    def run_or_pause(_clicks, stopped, state):
        if not stopped:
            return True, "run", no_update
        if state and state.get("message", "").startswith("diverged"):
            return True, "run", "The ball diverged: press reset first (and lower the learn rate)."
        return False, "pause", ""
