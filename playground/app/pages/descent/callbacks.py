"""The descent page's callbacks: the controls hand the session a new ball (one change store), and
the page draws the session's ball.

Learn and run go through the app's run loop in the browser (``assets/descent.js``,
``assets/runner.js``) on the page's route (``routes.py``), which paints each step straight in
the page and hands the ball to the session when the run stops.
"""

from __future__ import annotations

import math

import dash
import numpy as np
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.descent import ids
from playground.app.pages.descent.figures import curve, descent_figure, steps_figure
from playground.app.pages.descent.layout import LOG_LEARN_RATE_RANGE, learn_rate_text, readout_table
from playground.app.pages.descent.logic import PRESETS, new_descent, parse_formula, readouts, restart
from playground.app.session import stores
from playground.app.ui.learn_rate import register_snap
from playground.engine.formula import FormulaError

MAX_LEARN_RATE = 10.0
VIEW_STORE = stores.view_store("descent")
SETTINGS = (ids.SLOPE, ids.STEP_H, ids.MOMENTUM_ON, ids.MOMENTUM, ids.SPEED)
FUNCTION_CONTROLS = (ids.PRESET, ids.FORMULA, ids.GRAPH, ids.RESET)  # a new curve or start: a new ball


def parse_learn_rate(text) -> float:
    """A learn rate typed by hand: a number above 0 and at most 10 (raises ValueError with a message)."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise ValueError(f"learn rate: {str(text)[:20]!r} is not a number") from None
    if not 0 < value <= MAX_LEARN_RATE:
        raise ValueError(f"learn rate: a number above 0 and at most {MAX_LEARN_RATE:g}")
    return value


def a_start(formula, state: dict, wanted: float) -> float:
    """Where the ball starts on a new function: ``wanted`` if f is defined there, else the first x where it is."""
    if math.isfinite(float(formula(wanted))):
        return wanted
    xs, values = curve(formula, tuple(state["x_range"]))
    return float(xs[np.flatnonzero(np.isfinite(values))[0]])


def with_settings(state: dict, trigger, log_rate, typed_rate, slope, h, momentum_on, momentum, speed) -> dict:
    """The store with the settings the controls show (ValueError naming a bad one)."""
    learn_rate = parse_learn_rate(typed_rate) if trigger == ids.LEARN_RATE_VALUE else float(10 ** float(log_rate))
    if h is None or not 0 < float(h) <= 1:
        raise ValueError("h: a small number above 0, at most 1 (e.g. 0.001)")
    return {
        **state,
        "learn_rate": learn_rate,
        "slope": slope,
        "h": float(h),
        "momentum_on": bool(momentum_on),
        "momentum": float(momentum),
        "steps_per_second": int(speed),
    }


def with_function(state: dict, trigger, preset, text, click) -> tuple[dict, str | None]:
    """The store with the function (a lesson, a typed formula) or the start (a click, reset) the
    controls ask for; and, for a formula that cannot be drawn, why not (the store unchanged)."""
    if trigger == ids.PRESET:
        if preset == "custom" or preset == state["preset"]:
            raise PreventUpdate
        settings = {
            key: state[key] for key in ("learn_rate", "momentum_on", "momentum", "slope", "h", "steps_per_second")
        }
        return new_descent(preset, settings), None
    if trigger == ids.FORMULA:
        try:
            formula = parse_formula(text)
            curve(formula, tuple(state["x_range"]))  # refused where it overflows or is nowhere defined
        except FormulaError as error:
            return state, f"“{str(text)[:200]}” could not be drawn: {error}. The box is back to the curve shown."
        if formula.text == state["formula"]:
            raise PreventUpdate
        return restart(
            {**state, "formula": formula.text, "preset": "custom"}, formula, a_start(formula, state, state["start"])
        ), None
    formula = parse_formula(state["formula"])
    if trigger == ids.GRAPH:
        point = (click or {}).get("points", [{}])[0]
        if "x" not in point:
            raise PreventUpdate
        low, high = state["x_range"]
        return restart(state, formula, a_start(formula, state, min(max(float(point["x"]), low), high))), None
    return restart(state, formula, state["start"]), None  # reset


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app``."""
    register_snap(app, ids.LEARN_RATE)
    app.clientside_callback(
        dash.ClientsideFunction("descent", "mount"),
        Output(ids.MOUNTED, "data"),
        Input(ids.MOUNTED, "data"),
        State(VIEW_STORE, "data"),
    )
    app.clientside_callback(
        dash.ClientsideFunction("descent", "adopt"),
        Input(stores.REVISION, "data"),
        State(VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    for button, action in ((ids.RUN, "play"), (ids.LEARN, "step")):
        app.clientside_callback(
            dash.ClientsideFunction("descent", action), Input(button, "n_clicks"), prevent_initial_call=True
        )

    @app.callback(
        Output(stores.change_id(ids.CONTROLS_CHANGE), "data"),
        Output(ids.LEARN_RATE, "value"),
        Output(ids.LEARN_RATE_VALUE, "value"),
        Output(ids.FORMULA, "value"),
        Output(ids.PRESET, "value"),
        Output(ids.FORMULA_MESSAGE, "children"),
        Output(ids.LESSON, "children"),
        Input(ids.LEARN_RATE, "value"),
        Input(ids.LEARN_RATE_VALUE, "value"),
        *[Input(c, "value") for c in SETTINGS],
        Input(ids.PRESET, "value"),
        Input(ids.FORMULA, "value"),
        Input(ids.GRAPH, "clickData"),
        Input(ids.RESET, "n_clicks"),
        State(VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def change_descent(log_rate, typed_rate, slope, h, momentum_on, momentum, speed, preset, text, click, reset, state):
        trigger = ctx.triggered_id
        slider, typed, formula_box, preset_box, lesson = (no_update,) * 5
        try:
            if trigger in FUNCTION_CONTROLS:
                if trigger == ids.RESET and not reset:
                    raise PreventUpdate
                new, refused = with_function(state, trigger, preset, text, click)
                if refused:  # nothing changes; the box shows the curve drawn again, the message what was typed
                    return no_update, no_update, no_update, state["formula"], no_update, refused, no_update
                if trigger == ids.PRESET:
                    formula_box, lesson = new["formula"], PRESETS[preset].lesson
                elif trigger == ids.FORMULA:
                    preset_box, lesson = "custom", ""
            else:
                new = with_settings(state, trigger, log_rate, typed_rate, slope, h, momentum_on, momentum, speed)
                changed = {key: value for key, value in new.items() if value != state[key]}
                if not changed:
                    raise PreventUpdate  # the controls show the store already (a page drawn anew)
                if trigger == ids.LEARN_RATE_VALUE:
                    low, high = LOG_LEARN_RATE_RANGE
                    slider = min(max(math.log10(new["learn_rate"]), low), high)
                elif trigger == ids.LEARN_RATE:
                    typed = learn_rate_text(new["learn_rate"])
        except (ValueError, TypeError) as error:
            return no_update, no_update, no_update, no_update, no_update, str(error), no_update
        # New settings only set themselves (a run going on keeps its ball); a new function or start is a new ball.
        made = (
            stores.update(view_descent=changed) if trigger not in FUNCTION_CONTROLS else stores.change(view_descent=new)
        )
        return made, slider, typed, formula_box, preset_box, "", lesson

    @app.callback(
        Output(ids.GRAPH, "figure"),
        Output(ids.STEPS_GRAPH, "figure"),
        Output(ids.READOUTS, "children"),
        Output(ids.REGIME, "children"),
        Output(ids.MESSAGE, "children"),
        Input(VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def show_descent(state):
        formula = parse_formula(state["formula"])
        values = readouts(state)
        return (
            descent_figure(formula, tuple(state["x_range"]), state["path"]),
            steps_figure(state["path"]),
            readout_table(values),
            values["regime_text"],
            state["message"],
        )
