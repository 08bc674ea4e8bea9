"""The one run loop: take steps, show progress, and stop by one set of rules.

Every "take steps, then show progress" in the project (training a network, a walk on a cost
landscape, the optimizer race, the 1-D ball) is a *stepper* run by ``run``:

    result = run(trainer, until=lambda event: trainer.epoch >= 10, cpu_seconds=0.5)

The rules live here and nowhere else:

- **divergence**: after a step, training has diverged when the step's cost is not finite, or
  any parameter is not finite or its magnitude passes ``DIVERGENCE_LIMIT``. The parameters
  from before that step are put back (a ``Snapshot`` taken before every step, in buffers made
  once and kept on the stepper), the run ends ``"diverged"``, and the stepper's ``diverged``
  holds the message: it never steps again.
- **done**: after ``steps`` steps, or when ``until(event)`` is true after a step;
- **budget**: when this thread's CPU time since the start passes ``cpu_seconds`` (checked
  after each step, so every run takes at least one step);
- **stopped**: when ``should_stop()`` is true before a step, or the stepper refuses a step
  (``StepRefused``: it cannot step from where it is, and nothing changed).
- **pause**: ``should_stop`` may block. A long job pauses by waiting inside it; the CPU
  budget does not count the wait (it is thread time).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

Array = np.ndarray

DIVERGENCE_LIMIT = 1e6  # a parameter larger than this counts as diverged (SPEC: reliability rules)


@dataclass
class StepEvent:
    """What one step did: the cost *before* its update, and whether it ended an epoch."""

    cost: float
    end_of_epoch: bool = False


# The kind of event a stepper's step returns (a trainer's BatchEvent, the ball's BallEvent, …):
# the run's ``until``, ``on_step`` and ``last`` see that kind.
Event = TypeVar("Event", bound=StepEvent)
EventOut = TypeVar("EventOut", bound=StepEvent, covariant=True)


class Stepper(Protocol[EventOut]):
    """Anything ``run`` can step.

    Optional attributes ``run`` reads: ``learn_rate`` (named in a divergence message, unless the
    event has its own) and ``unit`` (what a step is called in messages: "batch"; default
    "step"). It sets ``diverged`` (str | None) to the message of a run that diverged, and
    keeps its ``snapshot`` there, so that runs of one step each allocate nothing.
    """

    diverged: str | None
    snapshot: Snapshot  # set by the first run (read with a default: a new stepper has none)

    def parameters(self) -> list[Array]:
        """What a step changes, in place (put back when it diverges): the same arrays all run long."""

    def step(self) -> EventOut:
        """One step; its event's cost is the cost before the update. May raise ``StepRefused``."""

    def where(self) -> str:
        """Where it is, as a page shows it: "epoch 0.31", "step 12" (named so that a trainer's
        ``position``, samples into the epoch, keeps its meaning)."""


class Snapshot:
    """Copies of a stepper's parameters from before its latest step, in buffers made once."""

    def __init__(self, parameters: list[Array]) -> None:
        self.copies = [np.empty_like(p) for p in parameters]

    def fits(self, parameters: list[Array]) -> bool:
        return len(self.copies) == len(parameters) and all(
            c.shape == p.shape and c.dtype == p.dtype for c, p in zip(self.copies, parameters)
        )

    def take(self, parameters: list[Array]) -> None:
        for copy, parameter in zip(self.copies, parameters):
            np.copyto(copy, parameter)

    def put_back(self, parameters: list[Array]) -> None:
        for copy, parameter in zip(self.copies, parameters):
            np.copyto(parameter, copy)


class StepRefused(ValueError):
    """A stepper cannot take its next step from where it is (a slope that is not a number, a
    point outside where the function is defined); it changed nothing. ``run`` ends "stopped"
    with this message."""


@dataclass
class RunResult(Generic[Event]):
    """How a run ended.

    ``ended`` is "done", "budget", "diverged" or "stopped"; ``last`` is the event of the last
    step taken (for a diverged run, of the step that diverged), None when none was taken.
    """

    steps: int
    ended: str
    message: str
    cpu_seconds: float
    seconds: float
    last: Event | None


def run(
    stepper: Stepper[Event],
    *,
    steps: int | None = None,
    until: Callable[[Event], bool] | None = None,
    cpu_seconds: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_step: Callable[[Event], None] | None = None,
) -> RunResult[Event]:
    """Step ``stepper`` until one of the rules above ends the run; ``on_step(event)`` after
    each good step."""
    start, cpu_start = time.perf_counter(), time.thread_time()
    taken, last = 0, None

    def result(ended: str, message: str) -> RunResult[Event]:
        return RunResult(taken, ended, message, time.thread_time() - cpu_start, time.perf_counter() - start, last)

    diverged = getattr(stepper, "diverged", None)
    if diverged:
        return result("diverged", diverged)
    parameters = stepper.parameters()
    snapshot = getattr(stepper, "snapshot", None)
    if snapshot is None or not snapshot.fits(parameters):
        snapshot = stepper.snapshot = Snapshot(parameters)
    while steps is None or taken < steps:
        if should_stop is not None and should_stop():
            return result("stopped", f"stopped after {counted(taken, stepper)}")
        snapshot.take(parameters)
        try:
            last = stepper.step()
        except StepRefused as refusal:
            return result("stopped", str(refusal))
        message = divergence(stepper, last, parameters)
        if message is not None:
            snapshot.put_back(parameters)
            stepper.diverged = message
            return result("diverged", message)
        taken += 1
        if on_step is not None:
            on_step(last)
        if until is not None and until(last):
            break
        if cpu_seconds is not None and time.thread_time() - cpu_start > cpu_seconds:
            return result(
                "budget",
                f"stopped after {counted(taken, stepper)}: the request's CPU budget ({cpu_seconds:g} s) ran out",
            )
    return result("done", f"done after {counted(taken, stepper)}")


def divergence(stepper: Stepper[Any], event: StepEvent, parameters: list[Array]) -> str | None:
    """The message for a step that diverged (in the words a page and the command line show),
    or None when it did not. The learn rate named is the event's, else the stepper's."""
    if not math.isfinite(event.cost):
        return f"the cost became {event.cost} at {stepper.where()}"
    largest = max((float(np.abs(p).max()) for p in parameters), default=0.0)
    if largest <= DIVERGENCE_LIMIT:  # false for NaN too, so one comparison catches both
        return None
    what = "not finite" if not math.isfinite(largest) else f"{largest:.3g} (limit {DIVERGENCE_LIMIT:g})"
    learn_rate = getattr(event, "learn_rate", getattr(stepper, "learn_rate", None))
    at = f" at learn rate {learn_rate:g}" if learn_rate is not None else ""
    return f"diverged at {stepper.where()}: a parameter became {what}{at}; kept the parameters from before that step"


def counted(n: int, stepper: Stepper[Any]) -> str:
    """'1 step', '1,234 batches': a number of the stepper's steps in words."""
    unit = getattr(stepper, "unit", "step")
    plural = unit + ("es" if unit.endswith(("s", "sh", "ch", "x")) else "s")
    return f"{n:,} {unit if n == 1 else plural}"
