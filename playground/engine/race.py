"""The optimizer race (SPEC F10): several optimizers from one start on one landscape.

The landscape is any ``objective(point) → (cost, gradient)`` over a few numbers: a classic
surface, or two of a network's parameters. Each runner is the engine's own optimizer class
(the one networks train with) stepping a float64 array in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from playground.engine.optimizers import make_optimizer

Array = np.ndarray
DIVERGENCE_LIMIT = 1e6


@dataclass(frozen=True)
class Runner:
    """One entrant: an optimizer, its learn rate (and momentum), and what to call it."""

    optimizer: str
    learn_rate: float
    momentum: float = 0.9

    @property
    def label(self) -> str:
        return f"{self.optimizer} {self.learn_rate:g}"


@dataclass
class Run:
    """Where one runner went: the points (first is the start), the cost at each, and how it ended."""

    runner: Runner
    path: list[list[float]] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    diverged_at: int | None = None


def descend(objective: Callable[[Array], tuple[float, Array]], start: Sequence[float], runner: Runner,
            steps: int) -> Run:
    """``steps`` optimizer steps from ``start``; stops when the point or cost stops being finite or
    a coordinate passes 1e6 (keeping the path up to there)."""
    optimizer = make_optimizer(runner.optimizer, runner.momentum)
    point = np.array(start, dtype=np.float64)
    run = Run(runner)
    cost, gradient = objective(point)
    run.path.append(point.tolist())
    run.costs.append(cost)
    for step in range(1, steps + 1):
        optimizer.update([point], [gradient], runner.learn_rate)
        if not (np.all(np.isfinite(point)) and np.abs(point).max() <= DIVERGENCE_LIMIT):
            run.diverged_at = step
            break
        cost, gradient = objective(point)
        if not np.isfinite(cost):
            run.diverged_at = step
            break
        run.path.append(point.tolist())
        run.costs.append(cost)
    return run


def race(objective: Callable[[Array], tuple[float, Array]], start: Sequence[float], runners: Sequence[Runner],
         steps: int) -> list[Run]:
    """Every runner from the same start on the same objective."""
    return [descend(objective, start, runner, steps) for runner in runners]


def winner(runs: Sequence[Run], tolerance: float = 1e-3) -> tuple[int | None, int | None]:
    """(index of the run that first came within ``tolerance`` of the lowest cost any run reached, its step)."""
    finished = [run for run in runs if run.costs]
    if not finished:
        return None, None
    best = min(min(run.costs) for run in finished)
    margin = tolerance * max(1.0, abs(best))
    first = [(next((k for k, c in enumerate(run.costs) if c <= best + margin), None), i)
             for i, run in enumerate(runs) if run.costs]
    reached = [(step, i) for step, i in first if step is not None]
    step, index = min(reached)
    return index, step


STANDARD_FIELD = (Runner("sgd", 0.01), Runner("momentum", 0.01), Runner("nesterov", 0.01), Runner("rmsprop", 0.01),
                  Runner("adam", 0.05))
