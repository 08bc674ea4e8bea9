"""The optimizer race's callback: run every entrant, draw their paths and costs."""

from __future__ import annotations

import dash
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.landscape import ids
from playground.app.pages.landscape.figures import race_figures
from playground.app.pages.landscape.race_logic import FIVE, default_rates, run_race
from playground.app.session import stores


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.RACE_RATES, "value"),
        Input(ids.RACE_SOURCE, "value"),
        Input(ids.RACE_MODE, "value"),
        prevent_initial_call=True,
    )
    def suggest_rates(source, mode):
        rates = default_rates(source)
        if mode == "rates":  # one optimizer, a spread of learn rates around its usual one
            rates = (rates[0] / 3, rates[0], 3 * rates[0])
        return ", ".join(f"{rate:g}" for rate in rates)

    @app.callback(
        Output(ids.RACE_CONTOUR, "figure"),
        Output(ids.RACE_SURFACE, "figure"),
        Output(ids.RACE_COSTS, "figure"),
        Output(ids.RACE_RESULT, "children"),
        Input(ids.RACE_GO, "n_clicks"),
        State(ids.RACE_SOURCE, "value"),
        State(ids.RACE_MODE, "value"),
        State(ids.RACE_RATES, "value"),
        State(ids.RACE_OPTIMIZER, "value"),
        State(ids.RACE_STEPS, "value"),
        State(ids.RACE_START, "value"),
        State(stores.view_store("landscape"), "data"),
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.SETTINGS, "data"),
        prevent_initial_call=True,
    )
    def start_race(clicks, source, mode, rates, optimizer, steps, start, walk, network, data, settings):
        if not clicks:
            raise PreventUpdate
        try:
            xs, ys, costs, runs, labels, summary, titles = run_race(
                source, mode, rates, optimizer, steps, start, walk, network, data, settings
            )
        except ValueError as error:
            return no_update, no_update, no_update, str(error)
        if mode == "optimizers":
            labels = [f"{name} {run.runner.learn_rate:g}" for name, run in zip(FIVE, runs)]
        contour, surface, cost = race_figures(xs, ys, costs, runs, labels, *titles, log=source != "saddle")
        return contour, surface, cost, summary
