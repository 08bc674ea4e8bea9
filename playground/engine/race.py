"""The optimizer race (SPEC F10): several optimizers from one start on one landscape.

The landscape is any ``objective(point) → (cost, gradient)`` over a few numbers: a classic
surface, or two of a network's parameters. Each runner is an ``ObjectiveWalker``: the
engine's own optimizer class (the one networks train with) stepping a float64 array in
place, run by the engine's one run loop (``playground.engine.loop``) and its divergence rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.engine.loop import Snapshot, StepEvent, run
from playground.engine.optimizers import make_optimizer

Array = np.ndarray
Objective = Callable[[Array], tuple[float, Array]]


class ObjectiveWalker:
    """A stepper of ``playground.engine.loop``: an optimizer walking a point downhill on
    ``objective(point) → (cost, gradient)``.

    ``memory`` is optimizer memory from an earlier walk (checked: one that does not fit
    raises ValueError) and ``steps`` how many steps came before; ``walker.memory`` and
    ``walker.steps`` are the ones now.
    """

    snapshot: Snapshot  # the run loop's copy of the parameters, set by its first run

    def __init__(
        self,
        objective: Objective,
        start: Sequence[float],
        optimizer_name: str,
        learn_rate: float,
        momentum: float = 0.9,
        memory: dict[str, Any] | None = None,
        steps: int = 0,
    ) -> None:
        self.objective = objective
        self.point = np.array(start, dtype=np.float64)
        self.optimizer = make_optimizer(optimizer_name, momentum)
        self.learn_rate = float(learn_rate)
        self.memory = self.optimizer.check_memory(memory, [self.point])
        self.steps = int(steps)
        self.diverged: str | None = None

    def parameters(self) -> list[Array]:
        return [self.point]

    def step(self) -> StepEvent:
        """One optimizer step from the point; the event's cost is the cost where it stood."""
        cost, gradient = self.objective(self.point)
        self.memory = self.optimizer.step([self.point], [gradient], self.learn_rate, self.memory)
        self.steps += 1
        return StepEvent(cost)

    def where(self) -> str:
        return f"step {self.steps}"


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
    stopped_at: int | None = None  # the step where its share of a CPU budget ran out


def descend(
    objective: Objective, start: Sequence[float], runner: Runner, steps: int, cpu_seconds: float | None = None
) -> Run:
    """``steps`` optimizer steps from ``start``; stops when the point or cost stops being finite or
    a coordinate passes 1e6 (keeping the path up to there, the last point with a finite cost), or
    after ``cpu_seconds`` of CPU."""
    walker = ObjectiveWalker(objective, start, runner.optimizer, runner.learn_rate, runner.momentum)
    journey = Run(runner, path=[walker.point.tolist()])

    def record(event: StepEvent) -> None:  # the cost where it stood, then where it went
        journey.costs.append(event.cost)
        journey.path.append(walker.point.tolist())

    result = run(walker, steps=steps, cpu_seconds=cpu_seconds, on_step=record)
    # The cost at the last point: the diverging step measured it, else one more look.
    if result.ended == "diverged":
        assert result.last is not None  # the event of the step that diverged
        cost = result.last.cost
    else:
        cost = objective(walker.point)[0]
    if np.isfinite(cost) or len(journey.path) == 1:  # the start stays, whatever its cost
        journey.costs.append(cost)
    else:
        journey.path.pop()
    if result.ended == "diverged" or not np.isfinite(cost):
        journey.diverged_at = len(journey.path)
    elif result.ended == "budget":
        journey.stopped_at = result.steps
    return journey


def race(
    objective: Callable[[Array], tuple[float, Array]],
    start: Sequence[float],
    runners: Sequence[Runner],
    steps: int,
    cpu_seconds: float | None = None,
) -> list[Run]:
    """Every runner from the same start on the same objective; each gets an equal share of
    ``cpu_seconds`` (when given)."""
    share = None if cpu_seconds is None else cpu_seconds / max(1, len(runners))
    return [descend(objective, start, runner, steps, share) for runner in runners]


TIE = 0.01  # final costs within 1 % of the race's cost range are a tie


def winner(runs: Sequence[Run], tie: float = TIE) -> tuple[int | None, int | None]:
    """The race's winner by one rule that holds on every surface, and the step it got there.

    The lowest cost at the end wins. Final costs within ``tie`` × the race's cost range (the
    highest cost any runner had minus the lowest) of that lowest one are a tie, which goes to the
    runner that came within that margin first. A runner that diverged never wins; (None, None)
    when every one did.
    """
    contenders = [i for i, run in enumerate(runs) if run.costs and run.diverged_at is None]
    if not contenders:
        return None, None
    seen = [cost for i in contenders for cost in runs[i].costs]
    lowest_end = min(runs[i].costs[-1] for i in contenders)
    line = lowest_end + tie * (max(seen) - min(seen))
    tied = [i for i in contenders if runs[i].costs[-1] <= line]
    step, index = min((next(k for k, cost in enumerate(runs[i].costs) if cost <= line), i) for i in tied)
    return index, step


WINNER_RULE = (
    "the lowest cost at the end wins; within 1 % of the race's cost range it is a tie, won by the first "
    "to get there; a runner that diverged never wins"
)


STANDARD_FIELD = (
    Runner("sgd", 0.01),
    Runner("momentum", 0.01),
    Runner("nesterov", 0.01),
    Runner("rmsprop", 0.01),
    Runner("adam", 0.05),
)
