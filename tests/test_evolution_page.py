"""The playground's evolution race (SPEC F20): its logic and its figures, on their data."""

from __future__ import annotations

import numpy as np
import pytest

from playground.app.pages.playground.evolution import DEFAULT_RACE, evolution_race, race_settings, race_summary
from playground.app.pages.playground.figures import race_boundaries_figure, race_costs_figure
from playground.app.session import model
from playground.app.session.training import engine_settings

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run

TRAINING = {**model.DEFAULT_SETTINGS, "learn_rate": 3.0, "batch_size": 10}


def training_settings(settings: dict):
    return engine_settings(model.check_settings(settings))


def initial_state() -> tuple[dict, dict]:
    state = model.initial_state()
    return state["data"], state["network"]


@pytest.fixture(scope="module")
def race():
    data, network = initial_state()
    evolution, generations = race_settings({**DEFAULT_RACE, "generations": 60})
    return data, network, evolution_race(network, data, training_settings(TRAINING), evolution, generations)


def test_both_start_from_the_same_weights_and_push_as_many_samples(race):
    data, network, result = race
    evolved, descended = result["evolution"], result["gradient"]
    assert evolved["generations"] == 60
    assert evolved["cost"][0] == pytest.approx(descended["cost"][0], rel=1e-5)  # one network, one cost
    assert evolved["samples"][0] == descended["samples"][0] == 0
    n = len(data["train_labels"])
    assert evolved["evaluations"] == 40 + 60 * 32 and evolved["samples"][-1] == evolved["evaluations"] * n
    # Gradient descent stops at the first batch that reaches evolution's samples (3 per sample and
    # step), or sooner when its half of the CPU budget ran out, and then says so.
    if result["stopped"] is None:
        assert evolved["samples"][-1] <= descended["samples"][-1] < evolved["samples"][-1] + 3 * 10
    else:
        assert "gradient descent stopped after" in result["stopped"] and "CPU budget" in result["stopped"]
        assert descended["samples"][-1] < evolved["samples"][-1]
    assert descended["epochs"] == pytest.approx(descended["samples"][-1] / 3 / n, rel=1e-6)


def test_evolution_never_loses_its_best_and_both_learn(race):
    _, _, result = race
    best = np.array(result["evolution"]["cost"])
    assert np.all(np.diff(best[1:]) <= 1e-12)  # elitism: the best member's cost never rises
    assert best[-1] < best[0] and result["gradient"]["cost"][-1] < result["gradient"]["cost"][0]
    for part in ("evolution", "gradient"):
        network = model.playground_network(result[part]["network"])
        assert network.layer_sizes == [2, 3, 2] and 0.5 < result[part]["accuracy"] <= 1
    line = race_summary(result)
    assert f"both from training cost {result['evolution']['cost'][0]:.4g}" in line
    assert "60 generations" in line and "1,960 evaluations" in line and "gradient descent" in line


@pytest.mark.parametrize(
    "change, message",
    [
        ({"generations": 0}, "generations"),
        ({"generations": 2.5}, "generations"),
        ({"generations": None}, "generations"),
        ({"population": "x"}, "population"),
        ({"survivors": 40}, "survivors"),
        ({"mutation_rate": 0}, "mutation rate"),
        ({"mutation_size": -1}, "mutation size"),
        ({"population": True}, "population"),
    ],
)
def test_bad_settings_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        race_settings({**DEFAULT_RACE, **change})


def test_with_time_enough_both_push_as_many_samples(monkeypatch):
    from playground import limits

    monkeypatch.setattr(
        "playground.app.pages.playground.evolution.current_limits", lambda: limits.Limits(request_seconds=60.0)
    )
    data, network = initial_state()
    result = evolution_race(
        network, data, training_settings(TRAINING), *race_settings({**DEFAULT_RACE, "generations": 5})
    )
    evolved, descended = result["evolution"], result["gradient"]
    assert result["stopped"] is None
    assert evolved["samples"][-1] <= descended["samples"][-1] < evolved["samples"][-1] + 3 * 10


def test_evolution_refuses_data_it_cannot_train_on():
    data, network = initial_state()
    empty = {**data, "train_inputs": [], "train_labels": []}
    with pytest.raises(ValueError, match="two-input"):
        evolution_race(network, empty, training_settings(TRAINING), *race_settings(DEFAULT_RACE))


def test_the_figures_show_both_boundaries_and_both_curves(race):
    data, _, result = race
    dataset = model.check_points(data)
    networks = [
        (name, model.playground_network(result[part]["network"]))
        for name, part in (("evolution", "evolution"), ("gradient descent", "gradient"))
    ]
    figure = race_boundaries_figure(dataset.train_inputs, dataset.train_labels, dataset.class_names, networks)
    maps = [trace for trace in figure.data if trace.type == "heatmap"]
    assert len(maps) == 2 and [a.text for a in figure.layout.annotations] == ["evolution", "gradient descent"]
    expected = networks[0][1].predict(np.column_stack([np.full(1, maps[0].x[5]), np.full(1, maps[0].y[7])]))
    assert np.asarray(maps[0].z)[7, 5] == expected[0]  # each cell: the network's own prediction there
    points = [trace for trace in figure.data if trace.type == "scatter"]
    assert sum(len(trace.x) for trace in points) == 2 * len(dataset.train_labels)
    costs = race_costs_figure(result)
    assert [trace.name for trace in costs.data] == ["evolution (its best member)", "gradient descent"]
    # A log axis has no 0: the curves start at their first samples (the start is in the summary line).
    assert (
        list(costs.data[0].y) == result["evolution"]["cost"][1:]
        and list(costs.data[1].x) == result["gradient"]["samples"][1:]
    )
    assert costs.layout.xaxis.type == "log"
    empty = race_costs_figure(None)
    assert not empty.data and "press race" in empty.layout.annotations[0].text
