"""The playground's neuroevolution race beside gradient descent (SPEC F20): its controls,
its budget and its two boundaries and cost curves."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.playground import ids
from playground.app.pages.playground.evolution import (
    BUDGET_KINDS,
    BUDGET_RULES,
    DEFAULT_RACE,
    EACH_STOPS,
    MAX_SAMPLES_BUDGET,
    MIN_SECONDS,
    WINNER_RULE,
    max_seconds,
)
from playground.app.pages.playground.figures import race_costs_figure
from playground.app.ui.components import control, graph_config, panel_head


def evolution_section() -> html.Section:
    """Neuroevolution beside gradient descent (SPEC F20): the page's network from its current
    weights, trained both ways on the same points and the same budget (samples or seconds, the
    teacher's choice); what each used beside the result, two boundaries, both cost curves."""

    def number(box_id: str, value: float, step: float | str, low: float, high: float) -> dcc.Input:
        return dcc.Input(id=box_id, type="number", value=value, step=step, min=low, max=high, className="number")

    race = DEFAULT_RACE
    seconds = min(float(race["seconds"]), max_seconds())  # the server may give a request less
    kind = str(race["budget"])
    return html.Section(
        className="column evolution-section",
        children=[
            panel_head("Evolution against gradient descent"),
            html.Div(
                "The seed's first experiments (cars that learn to drive) had no gradient: a population of "
                "networks, the best kept, the rest their mutated children. Both start from the weights above "
                "and get the same budget.",
                className="hint",
            ),
            html.Div(
                className="race-controls",
                children=[
                    control(
                        "budget, the same for both",
                        dcc.RadioItems(
                            id=ids.RACE_BUDGET_KIND,
                            options=[{"label": label, "value": value} for value, label in BUDGET_KINDS.items()],
                            value=kind,
                        ),
                    ),
                    html.Div(
                        control("samples each", number(ids.RACE_SAMPLES, race["samples"], 1, 1, MAX_SAMPLES_BUDGET)),
                        id=ids.RACE_SAMPLES_CONTROL,
                        style={"display": "block" if kind == "samples" else "none"},
                    ),
                    html.Div(
                        control(
                            f"seconds each (≤ {max_seconds():g})",
                            number(ids.RACE_SECONDS, seconds, "any", MIN_SECONDS, max_seconds()),
                        ),
                        id=ids.RACE_SECONDS_CONTROL,
                        style={"display": "block" if kind == "seconds" else "none"},
                    ),
                    control("population", number(ids.RACE_POPULATION, race["population"], 1, 2, 1000)),
                    control("survivors kept", number(ids.RACE_SURVIVORS, race["survivors"], 1, 1, 999)),
                    control("mutation rate", number(ids.RACE_MUTATION_RATE, race["mutation_rate"], "any", 0.01, 1)),
                    control("mutation size", number(ids.RACE_MUTATION_SIZE, race["mutation_size"], "any", 0.01, 100)),
                    dcc.Checklist(id=ids.RACE_CROSSOVER, options=[{"label": "crossover", "value": "on"}], value=["on"]),
                    html.Button(
                        "race",
                        id=ids.RACE,
                        title="evolution and gradient descent from the same weights, "
                        "taking turns, each up to the budget",
                    ),
                ],
            ),
            html.Div(f"{BUDGET_RULES[kind]}; {EACH_STOPS}", id=ids.RACE_BUDGET_RULE, className="hint"),
            html.Div(f"who wins: {WINNER_RULE}", className="hint"),
            html.Div(id=ids.RACE_MESSAGE, className="status"),
            html.Div(
                className="race-result",
                children=[
                    html.Div(id=ids.RACE_BUDGET),
                    html.Div(id=ids.RACE_EVOLUTION_USED),
                    html.Div(id=ids.RACE_GRADIENT_USED),
                    html.Strong(id=ids.RACE_RESULT),
                ],
            ),
            dcc.Graph(id=ids.RACE_BOUNDARIES, config=graph_config("evolution-boundaries"), style={"display": "none"}),
            dcc.Graph(id=ids.RACE_COSTS, figure=race_costs_figure(None), config=graph_config("evolution-costs")),
        ],
    )
