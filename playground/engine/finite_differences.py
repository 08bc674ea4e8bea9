"""Gradients the slow way: nudge each parameter by h and watch the cost (the seed's method,
and the check of backpropagation).

    forward    ∂C/∂w ≈ (C(w + h) − C(w)) / h             the seed's way, one cost per parameter
    central    ∂C/∂w ≈ (C(w + h) − C(w − h)) / 2h        far more accurate (what the tests use)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray
METHODS = ("forward", "central")


def nudged_slopes(parameters: Sequence[Array], total_cost: Callable[[], float], h: float, method: str) -> list[Array]:
    """The slope of ``total_cost()`` along every number of ``parameters`` (float64 arrays of their
    shapes), each nudged in place and put back exactly."""
    if method not in METHODS:
        raise ValueError(f"method must be 'forward' or 'central', not {method!r}")
    base_cost = total_cost() if method == "forward" else 0.0
    result = []
    for parameter in parameters:
        gradient = np.zeros(parameter.shape, dtype=np.float64)
        flat, flat_gradient = parameter.reshape(-1), gradient.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + h
            cost_up = total_cost()
            if method == "forward":
                flat_gradient[i] = (cost_up - base_cost) / h
            else:
                flat[i] = original - h
                flat_gradient[i] = (cost_up - total_cost()) / (2 * h)
            flat[i] = original
        result.append(gradient)
    return result
