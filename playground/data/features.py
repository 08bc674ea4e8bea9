"""Feature inputs (SPEC F25): what a 2-D point (x1, x2) gives the network's input nodes.

TensorFlow Playground's seven (its ``INPUTS`` in ``src/playground.ts``, computed from the raw
coordinates): x1, x2, x1², x2², x1·x2, sin x1, sin x2. With x1² and x2² a network without a
hidden layer separates a circle; with x1·x2 alone, XOR.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Array = np.ndarray

# Each name as the command line and files write it, and the feature of points' columns x1, x2.
_FORMULAS: dict[str, Callable[[Array, Array], Array]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
# How a page writes each (the command line's and the files' names are plain text).
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁·x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}
DEFAULT_FEATURES = ("x1", "x2")


def check_features(names: Sequence[str]) -> tuple[str, ...]:
    """The feature names, checked: known, at least one, none twice (a clear ValueError otherwise)."""
    if isinstance(names, str):
        names = parse_features(names)
    names = tuple(str(name).strip() for name in names)
    unknown = [name for name in names if name not in _FORMULAS]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from: {', '.join(FEATURES)}")
    if not names:
        raise ValueError(f"choose at least one feature from: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise ValueError(f"feature {twice!r} is chosen twice")
    return names


def parse_features(text: str) -> tuple[str, ...]:
    """'x1,x2,x1^2' as names (spaces around commas allowed), checked by ``check_features``."""
    return check_features([part for part in text.split(",") if part.strip()])


def feature_matrix(points: Array, names: Sequence[str]) -> Array:
    """The chosen features of (n, 2) points, one column each in the order named: (n, len(names)) float32.

    Computed in float64 from the coordinates, then rounded once to float32 (the engine's type).
    """
    names = check_features(names)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2): (x1, x2) each; got {points.shape}")
    x1, x2 = points[:, 0], points[:, 1]
    columns = [_FORMULAS[name](x1, x2) for name in names]
    return np.column_stack(columns).astype(np.float32)
