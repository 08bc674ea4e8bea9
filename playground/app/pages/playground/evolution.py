"""Neuroevolution beside gradient descent on the playground (SPEC F20): the same network, the
same starting weights, the same data; one learns by mutation and selection, the other by
gradients. Both are measured in samples pushed through a network (a backward pass counting
as two, as in bench/evolution.py), so their cost curves share one axis. Pure: no Dash.
"""

from __future__ import annotations

import time
from typing import Any

from playground.app.session import model
from playground.app.session.budget import network_sample
from playground.engine import Trainer, TrainingSettings
from playground.engine.evolution import Evolution, EvolutionSettings
from playground.engine.loop import run
from playground.engine.persistence import network_to_json
from playground.limits import current as current_limits

MAX_GENERATIONS = 2_000
DEFAULT_RACE = {
    "generations": 300,
    "population": 40,
    "survivors": 8,
    "mutation_rate": 0.2,
    "mutation_size": 0.5,
    "crossover": True,
}


def race_settings(values: dict[str, Any]) -> tuple[EvolutionSettings, int]:
    """The page's evolution controls as settings and a number of generations, or a ValueError
    naming the control that is wrong."""
    try:
        generations = int(values["generations"])
        if generations != values["generations"] or not 1 <= generations <= MAX_GENERATIONS:
            raise ValueError
    except (TypeError, ValueError, KeyError):
        raise ValueError(f"generations: a whole number from 1 to {MAX_GENERATIONS:,}") from None
    for name in ("population", "survivors", "mutation_rate", "mutation_size"):
        if not isinstance(values.get(name), (int, float)) or isinstance(values.get(name), bool):
            raise ValueError(f"{name.replace('_', ' ')}: a number, please")
    settings = EvolutionSettings(
        population=values["population"],
        survivors=values["survivors"],
        mutation_rate=float(values["mutation_rate"]),
        mutation_size=float(values["mutation_size"]),
        crossover=bool(values["crossover"]),
    )
    return settings.check(), generations


def evolution_race(
    network_dict: dict, data: dict, training: TrainingSettings, evolution_settings: EvolutionSettings, generations: int
) -> dict[str, Any]:
    """Evolve for ``generations`` (within half the request's CPU budget), then train by gradient
    descent from the same weights for as many samples pushed. Returns both cost curves
    (samples, best or current training cost), counts, accuracies and the two networks."""
    network = model.playground_network(network_dict)
    dataset = model.check_points(data)
    if dataset.train_inputs.shape[1] != 2 or len(dataset.train_labels) < 2:
        raise ValueError("evolution needs two-input training points (at least two)")
    # Both learn on the same points: all of them, or a sample when one generation after another
    # would pass the request's work budget (evolution evaluates every member on every point).
    sample = network_sample(network, len(dataset.train_labels), 2 * evolution_settings.population * generations)
    inputs, labels = sample.of(dataset.train_inputs), sample.of(dataset.train_labels)
    n = len(labels)
    half_budget = current_limits().request_seconds / 2
    stopped = None

    evolution = Evolution(network.copy(), inputs, labels, evolution_settings)
    start = time.thread_time()
    first = evolution.summary()
    evolved: dict[str, list[float]] = {
        "samples": [0],
        "cost": [float(evolution.costs[0])],
    }  # member 0: the starting weights
    evolved["samples"].append(first.samples)
    evolved["cost"].append(first.best_cost)
    while evolution.generation < generations:
        generation = evolution.step()
        evolved["samples"].append(generation.samples)
        evolved["cost"].append(generation.best_cost)
        if time.thread_time() - start > half_budget:
            stopped = (
                f"evolution stopped after {evolution.generation:,} of {generations:,} generations: "
                f"half the request's CPU budget ({2 * half_budget:g} s) ran out"
            )
            break
    best = evolution.summary()

    # Gradient descent pays Python's price per mini-batch, evolution one matrix product per
    # generation: within its half of the budget it may push fewer samples, and says so.
    trainer = Trainer(network.copy(), inputs, labels, training)
    descended: dict[str, list[float]] = {"samples": [0], "cost": [trainer.evaluate().train_cost]}
    per_batch = 3 * min(training.batch_size, n)  # forward and backward: three passes' worth

    pushed = {"samples": 0}

    def count(event) -> None:
        pushed["samples"] += per_batch
        if event.end_of_epoch or pushed["samples"] >= best.samples:
            descended["samples"].append(pushed["samples"])
            descended["cost"].append(trainer.evaluate().train_cost)

    result = run(trainer, until=lambda _: pushed["samples"] >= best.samples, cpu_seconds=half_budget, on_step=count)
    cut = None
    if result.ended == "budget":
        descended["samples"].append(pushed["samples"])
        descended["cost"].append(trainer.evaluate().train_cost)
        cut = (
            f"gradient descent stopped after {pushed['samples']:,} of {best.samples:,} samples: half the "
            f"request's CPU budget ({2 * half_budget:g} s) ran out"
        )
    stopped = " · ".join(part for part in (stopped, cut) if part) or None
    gradient_network = trainer.network
    return {
        "evolution": {
            **evolved,
            "generations": evolution.generation,
            "evaluations": evolution.evaluations,
            "accuracy": best.best_accuracy,
            "network": network_to_json(evolution.best_network()),
        },
        "gradient": {
            **descended,
            "epochs": trainer.epoch + trainer.position / n,
            "accuracy": gradient_network.accuracy(inputs, labels),
            "network": network_to_json(gradient_network),
            "diverged": result.message if result.ended == "diverged" else None,
        },
        "stopped": stopped,
        "sample": sample.note,
    }


def race_summary(race: dict[str, Any]) -> str:
    """One line for the page: generations, evaluations and both accuracies."""
    evolved, descended = race["evolution"], race["gradient"]
    text = (
        f"both from training cost {evolved['cost'][0]:.4g} · "
        f"evolution: {evolved['generations']:,} generations, {evolved['evaluations']:,} evaluations, "
        f"{evolved['samples'][-1]:,} samples pushed, train accuracy {100 * evolved['accuracy']:.1f} % · "
        f"gradient descent: {descended['epochs']:.1f} epochs, {descended['samples'][-1]:,} samples pushed, "
        f"train accuracy {100 * descended['accuracy']:.1f} %"
    )
    if descended["diverged"]:
        text += f" (gradient descent {descended['diverged']})"
    text += f" · both learned {race['sample']}" if race.get("sample") else ""
    return text + (f" · {race['stopped']}" if race["stopped"] else "")
