"""The playground's evolution race (SPEC F20): one server callback, the maths in evolution.py."""

from __future__ import annotations

import dash
from dash import Input, Output, State

from playground.app.pages.playground import ids
from playground.app.pages.playground.evolution import evolution_race, race_settings, race_summary
from playground.app.pages.playground.figures import race_boundaries_figure, race_costs_figure
from playground.app.session import model, stores
from playground.app.session.training import engine_settings


def register_evolution_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.RACE_MESSAGE, "children"),
        Output(ids.RACE_BOUNDARIES, "figure"),
        Output(ids.RACE_BOUNDARIES, "style"),
        Output(ids.RACE_COSTS, "figure"),
        Input(ids.RACE, "n_clicks"),
        State(ids.RACE_GENERATIONS, "value"),
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
        clicks, generations, population, survivors, mutation_rate, mutation_size, crossover, network, data, settings
    ):
        if not clicks:
            raise dash.exceptions.PreventUpdate  # the button drawn anew, not pressed
        keep = (dash.no_update,) * 3
        try:
            evolution, count = race_settings(
                {
                    "generations": generations,
                    "population": population,
                    "survivors": survivors,
                    "mutation_rate": mutation_rate,
                    "mutation_size": mutation_size,
                    "crossover": bool(crossover),
                }
            )
            result = evolution_race(network, data, engine_settings(settings), evolution, count)
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
        return race_summary(result), figure, {"display": "block"}, race_costs_figure(result)
