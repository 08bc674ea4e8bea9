"""Classic test surfaces for optimizers: each a function of (x, y) with its exact gradient.

Written for whole arrays of points at once (a contour plot evaluates a grid), and used by
the optimizer race through the same optimizer classes the engine trains networks with; a
``SurfaceWalker`` takes steps on one by the engine's run loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.race import ObjectiveWalker

Array = np.ndarray
# A surface is drawn over a grid of points (arrays) and stepped on one point at a time (float64).
Values = Array | np.float64


@dataclass(frozen=True)
class Surface:
    """f(x, y), its gradient, the range worth looking at, a start, and where its minimum is."""

    name: str
    label: str
    function: Callable[[Values, Values], Values]
    gradient: Callable[[Values, Values], tuple[Values, Values]]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    minimum: tuple[float, float] | None
    lesson: str = ""

    def value_and_gradient(self, point: Array) -> tuple[float, Array]:
        """f and ∇f at one point (x, y): what an optimizer needs for a step."""
        x, y = float(point[0]), float(point[1])
        gx, gy = self.gradient(np.float64(x), np.float64(y))
        return float(self.function(np.float64(x), np.float64(y))), np.array([gx, gy], dtype=np.float64)


def rosenbrock(x: Values, y: Values) -> Values:
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_gradient(x: Values, y: Values) -> tuple[Values, Values]:
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


def beale(x: Values, y: Values) -> Values:
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale_gradient(x: Values, y: Values) -> tuple[Values, Values]:
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y**2
    return gx, gy


def saddle(x: Values, y: Values) -> Values:
    return x**2 - y**2


def saddle_gradient(x: Values, y: Values) -> tuple[Values, Values]:
    return 2 * x, -2 * y


def six_hump_camel(x: Values, y: Values) -> Values:
    return (4 - 2.1 * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2


def six_hump_camel_gradient(x: Values, y: Values) -> tuple[Values, Values]:
    return 8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3


def ravine(x: Values, y: Values) -> Values:
    """A long, narrow valley: curvature 0.1 along x, 10 across it (y)."""
    return 0.05 * x**2 + 5 * y**2


def ravine_gradient(x: Values, y: Values) -> tuple[Values, Values]:
    return 0.1 * x, 10 * y


def bowl(x: Values, y: Values) -> Values:
    """A round-ish bowl ½(x² + 3y²): curvatures 1 and 3, so 2/λmax = 2/3."""
    return 0.5 * (x**2 + 3 * y**2)


def bowl_gradient(x: Values, y: Values) -> tuple[Values, Values]:
    return x, 3 * y


SURFACES = {
    surface.name: surface
    for surface in [
        Surface(
            "rosenbrock",
            "Rosenbrock's banana (1 − x)² + 100(y − x²)²",
            rosenbrock,
            rosenbrock_gradient,
            (-2.0, 2.0),
            (-1.0, 3.0),
            (-1.5, 2.0),
            (1.0, 1.0),
            "A curved valley with a flat floor: easy to fall into, slow to follow to (1, 1).",
        ),
        Surface(
            "beale",
            "Beale's function",
            beale,
            beale_gradient,
            (-4.5, 4.5),
            (-4.5, 4.5),
            (1.0, 1.5),
            (3.0, 0.5),
            "Steep walls and flat plateaus: adaptive learn rates (RMSProp, Adam) cope best.",
        ),
        Surface(
            "saddle",
            "a saddle x² − y²",
            saddle,
            saddle_gradient,
            (-2.0, 2.0),
            (-2.0, 2.0),
            (1.8, 1e-3),
            None,
            "Downhill along x to the saddle at (0, 0), where the slope vanishes: plain SGD lingers there "
            "(it escapes along y only as fast as the tiny offset grows), momentum keeps rolling.",
        ),
        Surface(
            "six-hump-camel",
            "the six-hump camel",
            six_hump_camel,
            six_hump_camel_gradient,
            (-2.0, 2.0),
            (-1.0, 1.0),
            (-1.5, 0.8),
            (0.0898, -0.7126),
            "Six valleys, two of them deepest: where a run ends depends on where it starts.",
        ),
        Surface(
            "ravine",
            "a narrow ravine 0.05x² + 5y²",
            ravine,
            ravine_gradient,
            (-10.0, 10.0),
            (-2.0, 2.0),
            (-9.0, 1.5),
            (0.0, 0.0),
            "Steep across (curvature 10), gentle along (0.1): SGD at a learn rate near 2/10 zig-zags across "
            "while it crawls along; momentum and Adam head down the valley.",
        ),
        Surface(
            "bowl",
            "a bowl ½(x² + 3y²)",
            bowl,
            bowl_gradient,
            (-3.0, 3.0),
            (-3.0, 3.0),
            (-2.5, 2.0),
            (0.0, 0.0),
            "λmax = 3, so plain gradient descent converges below a learn rate of 2/3 and bounces out above it.",
        ),
    ]
}


class SurfaceWalker(ObjectiveWalker):
    """An optimizer walking downhill on a classic surface from ``start``: a stepper of
    ``playground.engine.loop`` whose one parameter is the float64 point (x, y)."""

    def __init__(
        self,
        surface: Surface,
        start: tuple[float, float],
        optimizer_name: str,
        learn_rate: float,
        momentum: float = 0.9,
        memory: dict[str, Any] | None = None,
        steps: int = 0,
    ) -> None:
        super().__init__(surface.value_and_gradient, start, optimizer_name, learn_rate, momentum, memory, steps)
        self.surface = surface
