"""The optimizer race on the landscape page: who races, where, and who won (pure functions)."""

from __future__ import annotations

import numpy as np

from playground.app.pages.landscape.logic import axes, axis_titles, network_surface, walk_for
from playground.app.session import model
from playground.app.session.budget import Sample, network_sample
from playground.engine.landscape import locate, two_parameter_gradient
from playground.engine.race import WINNER_RULE, Runner, race, winner
from playground.engine.surfaces import SURFACES
from playground.limits import current as current_limits

RACE_SOURCES = {
    **{name: surface.label for name, surface in SURFACES.items()},
    "network": "the two parameters chosen on the first tab (all training data)",
}
FIVE = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
# Learn rates at which each optimizer does something worth watching on each surface (in FIVE's order).
DEFAULT_RATES = {
    "rosenbrock": (0.001, 0.001, 0.001, 0.01, 0.2),
    "beale": (0.001, 0.001, 0.001, 0.01, 0.05),
    "saddle": (0.05, 0.05, 0.05, 0.01, 0.05),
    "six-hump-camel": (0.01, 0.01, 0.01, 0.01, 0.05),
    "ravine": (0.19, 0.02, 0.02, 0.1, 0.3),
    "bowl": (0.3, 0.05, 0.05, 0.05, 0.1),
    "network": (1.0, 0.2, 0.2, 0.01, 0.05),
}
MAX_STEPS = 1000  # what the steps slider offers (a race on the network stops sooner at its CPU budget)
MAX_RATES = 20


def default_rates(source: str) -> tuple[float, ...]:
    return DEFAULT_RATES[source]


def parse_rates(text: str, count: int | None = None) -> list[float]:
    """Learn rates typed as '0.01, 0.05, 0.1'; a ValueError names what is wrong."""
    parts = [part.strip() for part in str(text or "").split(",") if part.strip()]
    if len(parts) > MAX_RATES:
        raise ValueError(f"learn rates: at most {MAX_RATES}, not {len(parts)}")
    rates = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"learn rates: {part[:20]!r} is not a number") from None
        if not 0 < value <= 100:
            raise ValueError(f"learn rates: {part} is not between 0 and 100")
        rates.append(value)
    if not rates:
        raise ValueError("learn rates: type at least one, e.g. 0.01, 0.1")
    if count is not None and len(rates) != count:
        raise ValueError(f"learn rates: {count} are needed, one for each of {', '.join(FIVE)}")
    return rates


def check_steps(steps) -> int:
    """The race's number of steps, as the slider offers them; ValueError otherwise."""
    if (
        isinstance(steps, bool)
        or not isinstance(steps, (int, float))
        or steps != int(steps)
        or not 1 <= steps <= MAX_STEPS
    ):
        raise ValueError(f"steps: a whole number from 1 to {MAX_STEPS:,}")
    return int(steps)


def parse_start(text: str, default: tuple[float, float]) -> tuple[float, float]:
    """'x, y' typed by hand, or the default when empty."""
    if not str(text or "").strip():
        return default
    try:
        x, y = (float(part) for part in str(text).split(","))
    except ValueError:
        raise ValueError("start: two numbers, x and y, e.g. -1.5, 2") from None
    if not (np.isfinite(x) and np.isfinite(y) and abs(x) <= 1e6 and abs(y) <= 1e6):
        raise ValueError("start: finite numbers of at most 1e6")
    return x, y


def runners(mode: str, rates: list[float], optimizer: str, momentum: float) -> list[Runner]:
    if mode == "optimizers":
        return [Runner(name, rate, momentum) for name, rate in zip(FIVE, rates)]
    return [Runner(optimizer, rate, momentum) for rate in rates]


def run_words(run) -> str:
    """'adam 0.05: 0.0123 (stopped at step 120)': one runner's end, in the summary's words."""
    words = f"{run.runner.label}: {run.costs[-1]:.4g}"
    if run.diverged_at:
        return words + f" (diverged at step {run.diverged_at})"
    return words + (f" (stopped at step {run.stopped_at})" if run.stopped_at else "")


def network_objective(network_dict: dict, data_dict: dict, first, second, l2: float, sample: Sample, l1: float = 0.0):
    """The cost and its slope along two parameters of the network (the others held), at a point,
    on the sample's training points."""
    network, dataset = model.session_problem(network_dict, data_dict, dtype=np.float64)
    inputs, labels = sample.of(dataset.train_inputs), sample.of(dataset.train_labels)
    positions = [locate(network, tuple(first)), locate(network, tuple(second))]

    def objective(point):
        for (position, index), value in zip(positions, point):
            network.parameters()[position][index] = value
        return two_parameter_gradient(network, inputs, labels, (tuple(first), tuple(second)), l2, l1)

    return objective


def race_sample(walk: dict, network: dict, data: dict, entrants: int, steps: int) -> Sample:
    """The training points a race on the network computes on: its grid and every entrant's steps
    (a gradient costs about three forward passes) within the request's work budget."""
    return network_sample(
        model.playground_network(network),
        len(data["train_labels"]),
        walk["resolution"] ** 2 + 3 * entrants * (steps + 1),
    )


def run_race(
    source: str,
    mode: str,
    rates_text: str,
    optimizer: str,
    steps: int,
    start_text: str,
    walk: dict,
    network: dict,
    data: dict,
    settings: dict,
):
    """(xs, ys, grid costs, runs, labels, summary sentence, axis titles); ValueError with a message."""
    rates = parse_rates(rates_text, 5 if mode == "optimizers" else None)
    steps = check_steps(steps)
    momentum = float(walk.get("momentum", 0.9))
    entrants = runners(mode, rates, optimizer, momentum)
    if source == "network":
        if walk["source"] != "network":
            raise ValueError("choose the network's two parameters on the first tab first")
        walk = walk_for(walk, network, data, settings)
        sample = race_sample(walk, network, data, len(entrants), steps)
        objective = network_objective(
            network, data, walk["first"], walk["second"], float(settings["l2"]), sample, float(settings.get("l1", 0.0))
        )
        start = parse_start(start_text, tuple(walk["path"][-1][:2]))
        xs, ys = axes(walk)
        costs, note = network_surface(walk, network, data, settings, sample=sample)
        titles = axis_titles(walk)
    else:
        surface = SURFACES[source]
        objective = surface.value_and_gradient
        start = parse_start(start_text, surface.start)
        xs = np.linspace(*surface.x_range, 80)
        ys = np.linspace(*surface.y_range, 80)
        grid_x, grid_y = np.meshgrid(xs, ys)
        costs = np.asarray(surface.function(grid_x, grid_y))  # over a grid: an array already
        titles, note = ("x", "y"), ""
    budget = current_limits().view_seconds
    runs = race(objective, start, entrants, steps, cpu_seconds=budget)
    best, step = winner(runs)
    if best is None:
        summary = "No winner: every runner diverged. "
    else:
        summary = f"Winner: {runs[best].runner.label}, {runs[best].costs[-1]:.4g} at the end (there at step {step}). "
    summary += f"Cost after the race: {'; '.join(map(run_words, runs))}. The rule: {WINNER_RULE}."
    if any(run.stopped_at for run in runs):
        summary += f" The race's CPU budget ({budget:g} s, shared by the runners) ran out before the end."
    if note:
        summary += f" Costs {note}."
    return xs, ys, costs, runs, [run.runner.label for run in runs], summary, titles
