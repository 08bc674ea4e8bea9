"""Gradient descent on a function of one variable (SPEC F8): the ball and its steps.

The ball is a stepper of ``playground.engine.loop``: its one parameter is the float64 array
[x], stepped by the engine's own SGD or momentum optimizer (the velocity is its memory), so
the loop's rules apply as they do to a network: a step that sends x past ±1e6 diverges and
the ball is put back. Near a minimum a function looks like a parabola of curvature
k = f''(x), and a step of learn rate η multiplies the distance to the minimum by (1 − η·k):
below η·k = 1 the ball creeps in, between 1 and 2 it bounces in, above 2 it diverges.

Two things end a run that are the ball's own:

- a slope that is not a number, or a step landing outside where the function is defined
  (log of a negative number): the step raises ``StepRefused``, nothing moves, and the run
  ends ``"stopped"`` with the message;
- a step that moves x by less than ``CONVERGED_STEP``: its event says ``converged`` (and a
  message), so ``run(ball, until=converged)`` ends ``"done"`` there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.formula import Formula
from playground.engine.loop import DIVERGENCE_LIMIT, Snapshot, StepEvent, StepRefused
from playground.engine.optimizers import make_optimizer

Array = np.ndarray

CONVERGED_STEP = 1e-9  # a step smaller than this: the ball has stopped
SLOPES = ("exact", "finite")
BALL_OPTIMIZERS = ("sgd", "momentum")


@dataclass(kw_only=True)
class BallEvent(StepEvent):
    """One step of the ball: ``cost`` is f where it stood, ``x`` where it went, ``slope`` the
    slope it followed; ``message`` says so when it converged."""

    x: float
    slope: float
    converged: bool = False
    message: str = ""


def converged(event: StepEvent) -> bool:
    """``until`` for a run of the ball: stop once a step hardly moved it."""
    return getattr(event, "converged", False)


def finite_difference_slope(formula: Formula, x: float, h: float) -> float:
    """The seed's slope: (f(x + h) − f(x)) / h."""
    return float((formula(x + h) - formula(x)) / h)


class Ball:
    """A ball on the curve of ``formula`` at ``x``, stepping downhill with ``learn_rate``.

    ``optimizer`` is "sgd" or "momentum" (with ``momentum`` μ); ``slope`` is "exact" (the
    formula's derivative) or "finite" (the forward difference with step ``h``). ``memory`` is
    the optimizer's memory from earlier steps (the velocity; checked, ValueError when it does
    not fit) and ``steps`` how many came before; ``ball.memory`` and ``ball.steps`` are the
    ones now.
    """

    snapshot: Snapshot  # the run loop's copy of the parameters, set by its first run

    def __init__(
        self,
        formula: Formula,
        x: float,
        learn_rate: float,
        optimizer: str = "sgd",
        momentum: float = 0.9,
        slope: str = "exact",
        h: float = 1e-3,
        memory: dict[str, Any] | None = None,
        steps: int = 0,
    ) -> None:
        if optimizer not in BALL_OPTIMIZERS:
            raise ValueError(f"the ball's optimizer is one of {', '.join(BALL_OPTIMIZERS)}, not {optimizer!r}")
        if slope not in SLOPES:
            raise ValueError(f"the slope is one of {', '.join(SLOPES)}, not {slope!r}")
        self.formula = formula
        self.point = np.array([x], dtype=np.float64)
        self.learn_rate = float(learn_rate)
        self.optimizer = make_optimizer(optimizer, momentum)
        self.slope, self.h = slope, float(h)
        self.memory = self.optimizer.check_memory(memory, [self.point])
        self.steps = int(steps)
        self.diverged: str | None = None

    @property
    def x(self) -> float:
        return float(self.point[0])

    def parameters(self) -> list[Array]:
        return [self.point]

    def where(self) -> str:
        return f"step {self.steps}"

    def slope_at(self, x: float) -> float:
        """The slope the ball follows at x: exact, or the forward difference."""
        if self.slope == "exact":
            return float(self.formula.derivatives(x)[1])
        return finite_difference_slope(self.formula, x, self.h)

    def step(self) -> BallEvent:
        """One step downhill; raises ``StepRefused`` (nothing moved) when it cannot take one."""
        x = self.x
        slope = self.slope_at(x)
        if not math.isfinite(slope):
            raise StepRefused(f"the slope at x = {x:.4g} is not a number: move the start or change the function")
        before = {
            key: [a.copy() for a in value] if isinstance(value, list) else value for key, value in self.memory.items()
        }
        self.memory = self.optimizer.step([self.point], [np.array([slope])], self.learn_rate, self.memory)
        new_x = self.x
        # Past ±1e6 the run loop's divergence rule speaks; within it, f must be defined there.
        if abs(new_x) <= DIVERGENCE_LIMIT and not math.isfinite(float(self.formula(new_x))):
            self.point[0], self.memory = x, before
            raise StepRefused(
                f"x = {new_x:.4g} is outside where the function is defined: lower the learn rate and reset"
            )
        self.steps += 1
        event = BallEvent(cost=float(self.formula(x)), x=new_x, slope=slope)
        if abs(new_x - x) < CONVERGED_STEP:
            event.converged = True
            event.message = f"converged after {self.steps} steps: x = {new_x:.6g}, slope {slope:.2g}"
        return event
