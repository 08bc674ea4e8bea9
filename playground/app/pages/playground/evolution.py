"""Neuroevolution beside gradient descent on the playground (SPEC F20): the same network, the
same starting weights, the same data; one learns by mutation and selection, the other by
gradients, on one budget the teacher chooses, the same for both:

- *the same samples pushed through the network*: one sample forward counts 1 (all evolution
  does), forward and back counts 3 (a gradient step; a backward pass costs about two forward
  ones), the rule of ``playground.engine.evolution.GRADIENT_SAMPLE_PASSES``;
- *the same seconds*: each contestant's own CPU time training (its thread's); measuring the
  curves on the way is not counted.

The two take turns, the one behind by the budget's measure going next (a generation, or
gradient steps until it has caught up), so at every moment, and at the end, they are within
one generation or one batch of each other. Each stops at the first generation or batch that
reaches the budget. Neither may pass half the request's CPU budget: when one stops there, the
budget becomes what it reached, for both. The winner is the lower test cost. Pure: no Dash.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from playground.app.session import model
from playground.app.session.budget import network_sample
from playground.engine import Trainer, TrainingSettings
from playground.engine.evolution import GRADIENT_SAMPLE_PASSES, Evolution, EvolutionSettings
from playground.engine.loop import run
from playground.engine.persistence import network_to_json
from playground.engine.race import TIE
from playground.limits import current as current_limits

BUDGET_KINDS = {
    "samples": "the same samples pushed through the network",
    "seconds": "the same seconds of CPU",
}
BUDGET_RULES = {
    "samples": (
        f"a sample pushed forward through the network counts 1, forward and back (a gradient step) counts "
        f"{GRADIENT_SAMPLE_PASSES}: a backward pass costs about two forward ones"
    ),
    "seconds": "each contestant's own CPU time while it trains; measuring the curves on the way is not counted",
}
EACH_STOPS = "each stops at the first generation or batch that reaches the budget"
WINNER_RULE = (
    "the lower test cost at the end wins; within 1 % of the race's cost range it is a tie; "
    "gradient descent that diverged never wins"
)
MAX_SAMPLES_BUDGET = 100_000_000
MIN_SECONDS = 0.01
DEFAULT_RACE: dict[str, Any] = {
    "budget": "samples",
    "samples": 50_000,
    "seconds": 0.2,
    "population": 40,
    "survivors": 8,
    "mutation_rate": 0.2,
    "mutation_size": 0.5,
    "crossover": True,
}
# Past the view's work budget for this many generations, both learn on a sample of the points,
# so that one generation stays a small step of the race however big the population.
GENERATIONS_WITHIN_VIEW = 20
CURVE_POINTS = 200  # gradient descent's curve is measured about this often over the budget


def max_seconds() -> float:
    """The most seconds each contestant may have: half the request's CPU budget (two share it)."""
    return current_limits().request_seconds / 2


@dataclass(frozen=True)
class Budget:
    """What each contestant may spend: ``amount`` samples pushed, or seconds of CPU."""

    kind: str  # "samples" or "seconds"
    amount: float

    def shown(self, amount: float | None = None) -> str:
        """An amount of this budget in the page's words: '50,000 samples' or '0.2 s'."""
        value = self.amount if amount is None else amount
        return f"{int(value):,} samples" if self.kind == "samples" else f"{value:.3g} s"


def is_number(value: Any) -> bool:
    """A number a box can hold (True and False are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def race_settings(values: dict[str, Any]) -> tuple[EvolutionSettings, Budget]:
    """The page's race controls as evolution settings and a budget, or a ValueError naming the
    control that is wrong."""
    kind = values.get("budget")
    if kind not in BUDGET_KINDS:
        raise ValueError("budget: the same samples or the same seconds, please")
    for name in ("population", "survivors", "mutation_rate", "mutation_size"):
        if not is_number(values.get(name)):
            raise ValueError(f"{name.replace('_', ' ')}: a number, please")
    amount: Any = values.get(kind)  # None: the box is empty, or holds what it does not take
    if kind == "samples" and not (is_number(amount) and int(amount) == amount and 1 <= amount <= MAX_SAMPLES_BUDGET):
        raise ValueError(f"samples: a whole number from 1 to {MAX_SAMPLES_BUDGET:,}")
    if kind == "seconds" and not (is_number(amount) and MIN_SECONDS <= amount <= max_seconds()):
        raise ValueError(
            f"seconds: from {MIN_SECONDS:g} to {max_seconds():g} each (half the server's CPU budget per request)"
        )
    settings = EvolutionSettings(
        population=values["population"],
        survivors=values["survivors"],
        mutation_rate=float(values["mutation_rate"]),
        mutation_size=float(values["mutation_size"]),
        crossover=bool(values["crossover"]),
    )
    return settings.check(), Budget(kind, float(amount))


@dataclass
class Contestant:
    """What one side has used so far, and its training-cost curve against both measures."""

    samples: int = 0
    seconds: float = 0.0
    curve: dict[str, list[float]] = field(default_factory=lambda: {"samples": [], "seconds": [], "cost": []})

    def used(self, kind: str) -> float:
        return self.samples if kind == "samples" else self.seconds

    def record(self, cost: float) -> None:
        for key, value in (("samples", self.samples), ("seconds", self.seconds), ("cost", cost)):
            self.curve[key].append(float(value))


def evolution_race(
    network_dict: dict, data: dict, training: TrainingSettings, evolution_settings: EvolutionSettings, budget: Budget
) -> dict[str, Any]:
    """Evolution and gradient descent from the page's weights on one budget (see the module's
    doc). Returns both curves, what each used, their test costs, the winner and both networks."""
    if model.is_regression(data):
        raise ValueError("the evolution race scores classes: choose a classification problem to race")
    network, dataset = model.session_problem(network_dict, data)
    if len(dataset.train_labels) < 2:
        raise ValueError("evolution needs training points (at least two)")
    sample = network_sample(network, len(dataset.train_labels), GENERATIONS_WITHIN_VIEW * evolution_settings.population)
    inputs, labels = sample.of(dataset.train_inputs), sample.of(dataset.train_labels)
    n, kind, limit, cap = len(labels), budget.kind, budget.amount, max_seconds()
    clock = time.thread_time

    evolved, descended = Contestant(), Contestant()
    started = clock()
    evolution = Evolution(network.copy(), inputs, labels, evolution_settings)  # evaluates generation 0
    evolved.record(float(evolution.costs[0]))  # member 0: the starting weights, before any work
    evolved.samples, evolved.seconds = evolution.evaluations * n, clock() - started
    evolved.record(float(evolution.costs.min()))
    trainer = Trainer(network.copy(), inputs, labels, training)
    descended.record(trainer.evaluate().train_cost)
    diverged = cut = None

    def count(_event: Any) -> None:  # after each gradient step: its batch, forward and back
        batch = trainer.last_batch
        descended.samples += GRADIENT_SAMPLE_PASSES * (0 if batch is None else len(batch))

    while True:
        evolution_goes = evolved.used(kind) < limit
        gradient_goes = descended.used(kind) < limit and diverged is None
        if not (evolution_goes or gradient_goes):
            break
        if evolution_goes and (not gradient_goes or evolved.used(kind) <= descended.used(kind)):
            started = clock()
            evolution.advance()
            evolved.seconds += clock() - started
            evolved.samples = evolution.evaluations * n
            evolved.record(float(evolution.costs.min()))
            side, name = evolved, "evolution"
        else:  # gradient descent catches up with evolution (or runs to the budget alone)
            target = min(limit, evolved.used(kind)) if evolution_goes else limit
            if kind == "samples":

                def caught_up(_event: Any, target: float = target) -> bool:
                    return descended.samples >= target

                result = run(trainer, until=caught_up, cpu_seconds=cap - descended.seconds, on_step=count)
            else:
                result = run(trainer, cpu_seconds=target - descended.seconds, on_step=count)
            descended.seconds += result.cpu_seconds
            if result.ended == "diverged":  # the step that diverged was pushed too (its parameters are put back)
                diverged = result.message
                count(None)
            if descended.used(kind) >= descended.curve[kind][-1] + limit / CURVE_POINTS:  # measuring is not free
                descended.record(trainer.evaluate().train_cost)
            side, name = descended, "gradient descent"
        if side.seconds >= cap and side.used(kind) < limit:  # its half of the request's CPU ran out
            limit = side.used(kind)
            cut = (
                f"the server's CPU budget ({2 * cap:g} s a race, half each) stopped {name} at "
                f"{budget.shown(limit)} of the {budget.shown()} asked: the budget is that, for both"
            )

    if descended.curve[kind][-1] < descended.used(kind):  # the end, when thinning skipped it
        descended.record(trainer.evaluate().train_cost)
    evolved_network, gradient_network = evolution.best_network(), trainer.network
    test_inputs, test_labels, judged_on = dataset.test_inputs, dataset.test_labels, "test"
    if len(test_labels) == 0:  # every point trains: judge on them, and say so
        test_inputs, test_labels, judged_on = inputs, labels, "training"
    start_cost = network.cost(test_inputs, test_labels)
    costs = {"evolution": evolved_network.cost(test_inputs, test_labels)}
    costs["gradient"] = gradient_network.cost(test_inputs, test_labels)
    return {
        "budget": {"kind": kind, "asked": budget.amount, "limit": limit, "cut": cut},
        "evolution": {
            **evolved.curve,
            "used": {"samples": evolved.samples, "seconds": evolved.seconds},
            "generations": evolution.generation,
            "evaluations": evolution.evaluations,
            "accuracy": evolved_network.accuracy(inputs, labels),
            "test_cost": costs["evolution"],
            "network": network_to_json(evolved_network),
        },
        "gradient": {
            **descended.curve,
            "used": {"samples": descended.samples, "seconds": descended.seconds},
            "epochs": trainer.epoch + trainer.position / n,
            "accuracy": gradient_network.accuracy(inputs, labels),
            "test_cost": costs["gradient"],
            "network": network_to_json(gradient_network),
            "diverged": diverged,
        },
        "start_test_cost": start_cost,
        "judged_on": judged_on,
        "winner": winner(start_cost, costs["evolution"], costs["gradient"], diverged is not None),
        "sample": sample.note,
        "points": n,
    }


def winner(start: float, evolution: float, gradient: float, gradient_diverged: bool) -> str:
    """'evolution', 'gradient descent' or 'tie' by ``WINNER_RULE`` (the optimizer race's rule:
    a tie within ``TIE`` × the race's cost range, the start included)."""
    if gradient_diverged:
        return "evolution"
    seen = [start, evolution, gradient]
    line = min(evolution, gradient) + TIE * (max(seen) - min(seen))
    if evolution <= line and gradient <= line:
        return "tie"
    return "evolution" if evolution < gradient else "gradient descent"


SHORT_RULES = {"samples": "forward 1, forward and back 3", "seconds": "each its own CPU time training"}


def budget_line(race: dict[str, Any]) -> str:
    """The budget both had, and how it is counted (in short: the hint by the controls says it whole)."""
    shown = Budget(race["budget"]["kind"], race["budget"]["limit"])
    text = f"budget: {BUDGET_KINDS[shown.kind]}, {shown.shown()} each ({SHORT_RULES[shown.kind]})"
    return text + (f" · {race['budget']['cut']}" if race["budget"]["cut"] else "")


def used_line(race: dict[str, Any], part: str) -> str:
    """What one contestant used (samples and seconds, both measures), its work and its test cost."""
    side, on = race[part], race["judged_on"]
    used = f"{side['used']['samples']:,} samples pushed, {side['used']['seconds']:.3f} s CPU"
    if part == "evolution":
        work = f"{side['generations']:,} generations, {side['evaluations']:,} networks evaluated"
        return f"evolution used {used} · {work} · {on} cost {side['test_cost']:.4g}"
    text = f"gradient descent used {used} · {side['epochs']:.1f} epochs · {on} cost {side['test_cost']:.4g}"
    return text + (f" (it diverged: {side['diverged']})" if side["diverged"] else "")


def result_line(race: dict[str, Any]) -> str:
    """Who ended lower on test cost under the budget, by ``WINNER_RULE``."""
    on, shown = race["judged_on"], Budget(race["budget"]["kind"], race["budget"]["limit"]).shown()
    evolution, gradient = race["evolution"]["test_cost"], race["gradient"]["test_cost"]
    if race["gradient"]["diverged"]:
        return f"on the same {shown} each: gradient descent diverged, so evolution wins ({on} cost {evolution:.4g})"
    if race["winner"] == "tie":
        return f"on the same {shown} each: a tie on {on} cost, {evolution:.4g} and {gradient:.4g} (within 1 % of the range)"
    costs = (gradient, evolution) if race["winner"] == "gradient descent" else (evolution, gradient)
    loser = "evolution" if race["winner"] == "gradient descent" else "gradient descent"
    return f"on the same {shown} each: {race['winner']} ended lower on {on} cost, {costs[0]:.4g} against {loser}'s {costs[1]:.4g}"


def start_line(race: dict[str, Any]) -> str:
    """Where both started, on which points."""
    text = f"both from the same weights (training cost {race['evolution']['cost'][0]:.4g}) on {race['points']:,} points"
    text += f", {race['sample']}" if race["sample"] else ""
    return text + (
        " · the data has no test points: judged on the training points" if race["judged_on"] == "training" else ""
    )
