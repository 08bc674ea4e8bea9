"""Gradient descent on a function of one variable: the ball, its steps, and what a learn rate does.

The ball is the engine's (``playground.engine.descent.Ball``): ``x`` a one-element parameter
array stepped by the engine's SGD or momentum optimizer, whose memory (the velocity) the page
keeps between steps; its steps go through the app's one run loop. Near a minimum a function
looks like a parabola of curvature k = f''(x), and a step of learn rate η multiplies the
distance to the minimum by (1 − η·k):

- η·k < 1: every step lands on the same side, closer: the ball creeps in (crawls when η·k ≪ 1);
- 1 < η·k < 2: every step overshoots to the other side, but by less: it bounces in;
- η·k > 2: every step overshoots by more than it was away: it diverges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.engine.descent import Ball, converged, finite_difference_slope
from playground.engine.formula import Formula
from playground.engine.formula import parse_formula as parse_engine_formula
from playground.engine.loop import run
from playground.engine.optimizers import memory_as_json
from playground.limits import current as current_limits

DIVERGENCE_LIMIT = 1e6


@dataclass(frozen=True)
class Preset:
    """A function worth a lesson, with the range shown and where the ball starts."""

    name: str
    formula: str
    x_range: tuple[float, float]
    start: float
    lesson: str


PRESETS = {
    "quadratic": Preset(
        "a parabola: x² − 3x + 4",
        "x**2 - 3*x + 4",
        (-2.0, 5.0),
        -1.5,
        "One minimum, at x = 1.5, curvature 2 everywhere: learn rates below 0.5 creep in, "
        "0.5 to 1 bounce in, above 1 diverge.",
    ),
    "two-minima": Preset(
        "two valleys: x⁴ − 4x² + x",
        "x**4 - 4*x**2 + x",
        (-2.5, 2.5),
        2.2,
        "A local minimum near x = 1.35 and a lower, global one near x = −1.47: from the right the "
        "ball settles in the nearer, higher valley; momentum can carry it over the hill.",
    ),
}
DEFAULT_PRESET = "quadratic"


def regime(learn_rate: float, curvature: float) -> tuple[str, str]:
    """What this learn rate does near a point of this curvature: (key, sentence)."""
    if not math.isfinite(curvature):
        return "unknown", "the curvature here is not a number"
    if curvature <= 0:
        return "downhill", (
            f"curvature {curvature:.3g} ≤ 0 here: no valley to settle in nearby, the ball rolls on downhill"
        )
    product = learn_rate * curvature
    limits = f"(1/k = {1 / curvature:.3g}, 2/k = {2 / curvature:.3g})"
    if product < 0.1:
        return "crawl", f"crawls: each step covers under a tenth of the way to the bottom {limits}"
    if product < 1:
        return "creep", f"creeps in from one side: below 1/k every step lands short of the bottom {limits}"
    if product <= 2:
        return "bounce", f"bounces in: between 1/k and 2/k every step overshoots, by less each time {limits}"
    return "diverge", f"diverges: above 2/k every step overshoots by more than it was away {limits}"


def parse_formula(text: str) -> Formula:
    """A formula in x, within the server's length limit; FormulaError with a message otherwise."""
    return parse_engine_formula(text, current_limits().formula_characters)


MAX_PATH = 1000  # points of the path kept (the oldest are dropped)
DEFAULT_LEARN_RATE = 0.1


def new_descent(preset: str = DEFAULT_PRESET, settings: dict | None = None) -> dict:
    """The page's store for a preset: its function, range and start, the ball at the start."""
    chosen = PRESETS[preset]
    formula = parse_formula(chosen.formula)
    state = {
        "preset": preset,
        "formula": chosen.formula,
        "x_range": list(chosen.x_range),
        "start": chosen.start,
        "learn_rate": DEFAULT_LEARN_RATE,
        "momentum_on": False,
        "momentum": 0.9,
        "slope": "exact",
        "h": 1e-3,
        "steps_per_second": 8,
        "message": "",
    }
    state.update(settings or {})
    return restart(state, formula, chosen.start)


def restart(state: dict, formula: Formula, start: float) -> dict:
    """The ball back at ``start`` (no steps, no velocity, a path of one point)."""
    return {
        **state,
        "start": start,
        "ball": {"x": start, "steps": 0, "memory": None},
        "path": [[start, float(formula(start))]],
        "message": "",
    }


def advance(state: dict, steps: int = 1) -> tuple[dict, bool]:
    """``steps`` steps of the ball in the page's store, through the engine's run loop; returns the
    new store and whether the run ends here (diverged, converged, or a step it cannot take)."""
    formula = parse_formula(state["formula"])
    ball_state, optimizer = state["ball"], "momentum" if state["momentum_on"] else "sgd"
    # The velocity of momentum, when the ball rolls with momentum still (turned off, the ball has none).
    memory = ball_state.get("memory") if (ball_state.get("memory") or {}).get("optimizer") == optimizer else None
    ball = Ball(
        formula,
        ball_state["x"],
        state["learn_rate"],
        optimizer,
        state["momentum"],
        state["slope"],
        state["h"],
        memory=memory,
        steps=ball_state["steps"],
    )
    path = list(state["path"])
    result = run(
        ball,
        steps=steps,
        until=converged,
        cpu_seconds=current_limits().request_seconds,
        on_step=lambda event: path.append([event.x, float(formula(event.x))]),
    )
    message = {"done": "", "budget": ""}.get(result.ended, result.message)
    if result.last is not None and getattr(result.last, "converged", False):
        message = result.last.message
    if result.ended == "diverged":
        message = f"{result.message}. Lower the learn rate and press reset."
    memory = memory_as_json(ball.memory) if ball.memory else None
    new = {
        **state,
        "ball": {"x": ball.x, "steps": ball.steps, "memory": memory},
        "path": path[-MAX_PATH:],
        "message": message,
    }
    return new, bool(message)


def check_view(state: dict) -> dict:
    """Bounds beyond the store's shape (raises ValueError naming the problem): the formula goes
    through the same whitelist parser as a typed one, and the range must run left to right."""
    parse_formula(state["formula"])
    if not state["x_range"][0] < state["x_range"][1]:
        raise ValueError("descent x_range: two increasing numbers")
    return state


def readouts(state: dict) -> dict:
    """What the page reads out about the ball: step, x, f, both slopes, the curvature and the regime."""
    formula = parse_formula(state["formula"])
    x = state["ball"]["x"]
    value, slope, curvature = (float(v) for v in formula.derivatives(x))
    key, sentence = regime(state["learn_rate"], curvature)
    return {
        "steps": state["ball"]["steps"],
        "x": x,
        "f": value,
        "slope": slope,
        "finite_slope": finite_difference_slope(formula, x, state["h"]),
        "h": state["h"],
        "curvature": curvature,
        "regime": key,
        "regime_text": sentence,
    }
