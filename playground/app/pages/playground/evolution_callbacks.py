"""The playground's evolution race (SPEC F20): one server callback, the maths in evolution.py."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State

from playground.app.pages.playground import ids
from playground.app.pages.playground.evolution import (
    BUDGET_RULES,
    EACH_STOPS,
    budget_line,
    evolution_race,
    race_settings,
    result_line,
    start_line,
    used_line,
)
from playground.app.pages.playground.figures import race_boundaries_figure, race_costs_figure
from playground.app.session import model, stores
from playground.app.session.training import engine_settings


def register_evolution_callbacks(app: dash.Dash) -> None:
    # The chosen budget kind shows its own amount box and its counting rule, in the browser (no
    # request: the page's other parts do not wait on it).
    app.clientside_callback(
        f"""function(kind) {{
            const rules = {json.dumps({kind: f"{rule}; {EACH_STOPS}" for kind, rule in BUDGET_RULES.items()})};
            const shown = (on) => ({{display: on ? 'block' : 'none'}});
            return [shown(kind === 'samples'), shown(kind === 'seconds'), rules[kind] || ''];
        }}""",
        Output(ids.RACE_SAMPLES_CONTROL, "style"),
        Output(ids.RACE_SECONDS_CONTROL, "style"),
        Output(ids.RACE_BUDGET_RULE, "children"),
        Input(ids.RACE_BUDGET_KIND, "value"),
    )

    @app.callback(
        Output(ids.RACE_MESSAGE, "children"),
        Output(ids.RACE_BUDGET, "children"),
        Output(ids.RACE_EVOLUTION_USED, "children"),
        Output(ids.RACE_GRADIENT_USED, "children"),
        Output(ids.RACE_RESULT, "children"),
        Output(ids.RACE_BOUNDARIES, "figure"),
        Output(ids.RACE_BOUNDARIES, "style"),
        Output(ids.RACE_COSTS, "figure"),
        Input(ids.RACE, "n_clicks"),
        State(ids.RACE_BUDGET_KIND, "value"),
        State(ids.RACE_SAMPLES, "value"),
        State(ids.RACE_SECONDS, "value"),
        State(ids.RACE_POPULATION, "value"),
        State(ids.RACE_SURVIVORS, "value"),
        State(ids.RACE_MUTATION_RATE, "value"),
        State(ids.RACE_MUTATION_SIZE, "value"),
        State(ids.RACE_CROSSOVER, "value"),
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.SETTINGS, "data"),
        prevent_initial_call=True,
    )
    def race(
        clicks,
        budget,
        samples,
        seconds,
        population,
        survivors,
        mutation_rate,
        mutation_size,
        crossover,
        network,
        data,
        settings,
    ):
        if not clicks:
            raise dash.exceptions.PreventUpdate  # the button drawn anew, not pressed
        keep = (dash.no_update,) * 7  # a bad control: its message, and the last race stays
        try:
            evolution, chosen = race_settings(
                {
                    "budget": budget,
                    "samples": samples,
                    "seconds": seconds,
                    "population": population,
                    "survivors": survivors,
                    "mutation_rate": mutation_rate,
                    "mutation_size": mutation_size,
                    "crossover": bool(crossover),
                }
            )
            result = evolution_race(network, data, engine_settings(settings), evolution, chosen)
        except ValueError as error:  # a bad control, or data evolution cannot train on
            return (str(error), *keep)
        dataset = model.check_points(data)
        figure = race_boundaries_figure(
            dataset.train_inputs,
            dataset.train_labels,
            dataset.class_names,
            [
                (
                    f"evolution: {result['evolution']['generations']:,} generations",
                    model.playground_network(result["evolution"]["network"]),
                ),
                (
                    f"gradient descent: {result['gradient']['epochs']:.1f} epochs",
                    model.playground_network(result["gradient"]["network"]),
                ),
            ],
        )
        return (
            start_line(result),
            budget_line(result),
            used_line(result, "evolution"),
            used_line(result, "gradient"),
            result_line(result),
            figure,
            {"display": "block"},
            race_costs_figure(result),
        )
