"""Gradient descent on a function of one variable: the ball, its steps, and what a learn rate does.

The step is the engine's own: ``x`` is a one-element parameter array updated by the
engine's SGD or momentum optimizer, whose memory (the velocity) is carried from step to
step with ``state_dict``. Near a minimum a function looks like a parabola of curvature
k = f''(x), and a step of learn rate η multiplies the distance to the minimum by (1 − η·k):

- η·k < 1: every step lands on the same side, closer: the ball creeps in (crawls when η·k ≪ 1);
- 1 < η·k < 2: every step overshoots to the other side, but by less: it bounces in;
- η·k > 2: every step overshoots by more than it was away: it diverges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.app.pages.descent.formula import Formula, FormulaError, parse_formula
from playground.engine import make_optimizer

DIVERGENCE_LIMIT = 1e6
CONVERGED_STEP = 1e-9  # a step smaller than this: the ball has stopped


@dataclass(frozen=True)
class Preset:
    """A function worth a lesson, with the range shown and where the ball starts."""

    name: str
    formula: str
    x_range: tuple[float, float]
    start: float
    lesson: str


PRESETS = {
    "quadratic": Preset("a parabola: x² − 3x + 4", "x**2 - 3*x + 4", (-2.0, 5.0), -1.5,
                        "One minimum, at x = 1.5, curvature 2 everywhere: learn rates below 0.5 creep in, "
                        "0.5 to 1 bounce in, above 1 diverge."),
    "two-minima": Preset("two valleys: x⁴ − 4x² + x", "x**4 - 4*x**2 + x", (-2.5, 2.5), 2.2,
                         "A local minimum near x = 1.35 and a lower, global one near x = −1.47: from the right the "
                         "ball settles in the nearer, higher valley; momentum can carry it over the hill."),
}
DEFAULT_PRESET = "quadratic"


def regime(learn_rate: float, curvature: float) -> tuple[str, str]:
    """What this learn rate does near a point of this curvature: (key, sentence)."""
    if not math.isfinite(curvature):
        return "unknown", "the curvature here is not a number"
    if curvature <= 0:
        return "downhill", (f"curvature {curvature:.3g} ≤ 0 here: no valley to settle in nearby, the ball rolls "
                            "on downhill")
    product = learn_rate * curvature
    limits = f"(1/k = {1 / curvature:.3g}, 2/k = {2 / curvature:.3g})"
    if product < 0.1:
        return "crawl", f"crawls: each step covers under a tenth of the way to the bottom {limits}"
    if product < 1:
        return "creep", f"creeps in from one side: below 1/k every step lands short of the bottom {limits}"
    if product <= 2:
        return "bounce", f"bounces in: between 1/k and 2/k every step overshoots, by less each time {limits}"
    return "diverge", f"diverges: above 2/k every step overshoots by more than it was away {limits}"


def finite_difference_slope(formula: Formula, x: float, h: float) -> float:
    """The seed's slope: (f(x + h) − f(x)) / h."""
    return float((formula(x + h) - formula(x)) / h)


@dataclass
class Ball:
    """Where the ball is and what it remembers: the step count and the optimizer's velocity."""

    x: float
    steps: int = 0
    velocity: list | None = None


def descend(formula: Formula, ball: Ball, learn_rate: float, momentum: float | None = None,
            slope: str = "exact", h: float = 1e-3) -> tuple[Ball, str | None]:
    """One step downhill; returns the new ball and a message when it diverged or stopped."""
    if slope == "exact":
        gradient = float(formula.derivatives(ball.x)[1])
    else:
        gradient = finite_difference_slope(formula, ball.x, h)
    if not math.isfinite(gradient):
        return ball, f"the slope at x = {ball.x:.4g} is not a number: move the start or change the function"
    optimizer = make_optimizer("momentum" if momentum else "sgd", momentum or 0.0)
    parameter = np.array([ball.x], dtype=np.float64)
    if momentum and ball.velocity is not None:
        optimizer.load_state_dict({"velocities": [np.array(ball.velocity)]}, [parameter])
    optimizer.update([parameter], [np.array([gradient])], learn_rate)
    x = float(parameter[0])
    velocity = optimizer.state_dict().get("velocities", [None])[0]
    moved = Ball(x, ball.steps + 1, None if velocity is None else velocity.tolist())
    if not (abs(x) <= DIVERGENCE_LIMIT):
        return ball, (f"diverged after {moved.steps} steps: x reached {x:.3g} (limit ±1e6); each step "
                      f"overshot more than the last. Lower the learn rate and press reset.")
    if not math.isfinite(float(formula(x))):
        return ball, f"x = {x:.4g} is outside where the function is defined: lower the learn rate and reset"
    if abs(x - ball.x) < CONVERGED_STEP:
        return moved, f"converged after {moved.steps} steps: x = {x:.6g}, slope {gradient:.2g}"
    return moved, None


def formula_or_message(text: str) -> tuple[Formula | None, str | None]:
    """The parsed formula, or None and the message saying why not."""
    try:
        return parse_formula(text), None
    except FormulaError as error:
        return None, str(error)


MAX_PATH = 1000  # points of the path kept (the oldest are dropped)
DEFAULT_LEARN_RATE = 0.1


def new_descent(preset: str = DEFAULT_PRESET, settings: dict | None = None) -> dict:
    """The page's store for a preset: its function, range and start, the ball at the start."""
    chosen = PRESETS[preset]
    formula = parse_formula(chosen.formula)
    state = {"preset": preset, "formula": chosen.formula, "x_range": list(chosen.x_range), "start": chosen.start,
             "learn_rate": DEFAULT_LEARN_RATE, "momentum_on": False, "momentum": 0.9, "slope": "exact", "h": 1e-3,
             "steps_per_second": 8, "message": ""}
    state.update(settings or {})
    return restart(state, formula, chosen.start)


def restart(state: dict, formula: Formula, start: float) -> dict:
    """The ball back at ``start`` (no steps, no velocity, a path of one point)."""
    return {**state, "start": start, "ball": {"x": start, "steps": 0, "velocity": None},
            "path": [[start, float(formula(start))]], "message": ""}


def advance(state: dict) -> tuple[dict, bool]:
    """One step of the ball in the page's store; returns the new store and whether to stop running."""
    formula = parse_formula(state["formula"])
    ball = Ball(**state["ball"])
    momentum = state["momentum"] if state["momentum_on"] else None
    moved, message = descend(formula, ball, state["learn_rate"], momentum, state["slope"], state["h"])
    path = state["path"]
    if moved is not ball:
        path = (path + [[moved.x, float(formula(moved.x))]])[-MAX_PATH:]
    new = {**state, "ball": {"x": moved.x, "steps": moved.steps, "velocity": moved.velocity}, "path": path,
           "message": message or ""}
    return new, message is not None


def check_descent(state: object) -> dict:
    """Validate the page's store as a client sent it (raises ValueError naming the problem).

    The formula goes through the same whitelist parser as a typed one; every number must be
    finite and within what the page's controls allow, and the path within ``MAX_PATH``.
    """
    if not isinstance(state, dict):
        raise ValueError("the descent state must be a dictionary")
    ball, path = state.get("ball"), state.get("path")
    if not isinstance(ball, dict) or not isinstance(path, list) or len(path) > MAX_PATH:
        raise ValueError(f"the descent state needs a ball and a path of at most {MAX_PATH} points")
    parse_formula(state.get("formula") if isinstance(state.get("formula"), str) else "")
    numbers = {"start": (-DIVERGENCE_LIMIT, DIVERGENCE_LIMIT), "learn_rate": (1e-6, 1e3), "momentum": (0.0, 0.999),
               "h": (1e-12, 1.0), "steps_per_second": (1, 60), "x": (-DIVERGENCE_LIMIT, DIVERGENCE_LIMIT),
               "steps": (0, 1e9)}
    values = {**state, "x": ball.get("x"), "steps": ball.get("steps")}
    for name, (low, high) in numbers.items():
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ValueError(f"descent {name}: a number from {low:g} to {high:g}")
    x_range = state.get("x_range")
    if (not isinstance(x_range, list) or len(x_range) != 2 or
            any(isinstance(v, bool) or not isinstance(v, (int, float)) or not abs(v) <= DIVERGENCE_LIMIT for v in x_range)
            or not x_range[0] < x_range[1]):
        raise ValueError("descent x_range: two increasing numbers")
    if state.get("slope") not in ("exact", "finite") or not isinstance(state.get("momentum_on"), bool):
        raise ValueError("descent slope must be 'exact' or 'finite', momentum_on true or false")
    velocity = ball.get("velocity")
    if velocity is not None and (not isinstance(velocity, list) or len(velocity) != 1):
        raise ValueError("descent velocity: one number or none")
    return state


def readouts(state: dict) -> dict:
    """What the page reads out about the ball: step, x, f, both slopes, the curvature and the regime."""
    formula = parse_formula(state["formula"])
    x = state["ball"]["x"]
    value, slope, curvature = (float(v) for v in formula.derivatives(x))
    key, sentence = regime(state["learn_rate"], curvature)
    return {"steps": state["ball"]["steps"], "x": x, "f": value, "slope": slope,
            "finite_slope": finite_difference_slope(formula, x, state["h"]), "h": state["h"],
            "curvature": curvature, "regime": key, "regime_text": sentence}
