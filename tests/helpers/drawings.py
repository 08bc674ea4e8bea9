"""Drawings made with NumPy for the drawing tests (tests/test_drawing_*.py): thick anti-aliased
strokes and rings on a 280 × 280 canvas, and the box holding their ink."""

from __future__ import annotations

import numpy as np

CANVAS = 280

# ---------------------------------------------------------------------------
# Drawing on a canvas


def _pixel_centres(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    rows, columns = np.mgrid[0 : shape[0], 0 : shape[1]]
    return rows + 0.5, columns + 0.5


def _ink_from_distance(distance: np.ndarray, pen: float) -> np.ndarray:
    """Full ink inside the pen, fading over one pixel at its edge (as a canvas anti-aliases)."""
    return np.clip(pen / 2 - distance + 0.5, 0.0, 1.0)


def stroke(canvas: np.ndarray, start: tuple[float, float], end: tuple[float, float], pen: float = 16) -> np.ndarray:
    """Ink a straight stroke from ``start`` to ``end`` (row, column) with a round pen; returns the canvas."""
    rows, columns = _pixel_centres(canvas.shape)
    (r0, c0), (r1, c1) = start, end
    length2 = max((r1 - r0) ** 2 + (c1 - c0) ** 2, 1e-9)
    along = np.clip(((rows - r0) * (r1 - r0) + (columns - c0) * (c1 - c0)) / length2, 0, 1)
    distance = np.hypot(rows - (r0 + along * (r1 - r0)), columns - (c0 + along * (c1 - c0)))
    np.maximum(canvas, _ink_from_distance(distance, pen), out=canvas)
    return canvas


def ring(
    canvas: np.ndarray, centre: tuple[float, float], radius: float, pen: float = 16, width_ratio: float = 1.0
) -> np.ndarray:
    """Ink a circle (or an upright oval, ``width_ratio`` < 1) of the given radius; returns the canvas."""
    rows, columns = _pixel_centres(canvas.shape)
    distance = np.abs(np.hypot(rows - centre[0], (columns - centre[1]) / width_ratio) - radius)
    np.maximum(canvas, _ink_from_distance(distance, pen), out=canvas)
    return canvas


def blank(size: int = CANVAS) -> np.ndarray:
    return np.zeros((size, size))


def corner_seven(pen: float = 18) -> np.ndarray:
    """A large "7" in the top-left part of the canvas."""
    canvas = stroke(blank(), (20, 20), (20, 150), pen)
    return stroke(canvas, (20, 150), (180, 60), pen)


def corner_rectangle() -> np.ndarray:
    """A filled rectangle, wider than tall, in the top-left corner."""
    canvas = blank()
    canvas[10:110, 5:165] = 1.0
    return canvas


def corner_ring() -> np.ndarray:
    return ring(blank(), (70, 70), 55, pen=14)


def tall_stroke(pen: float = 16) -> np.ndarray:
    """A vertical stroke: a "1"."""
    return stroke(blank(), (40, 140), (240, 140), pen)


def zero(pen: float = 16, width_ratio: float = 1.0) -> np.ndarray:
    return ring(blank(), (140, 140), 90, pen, width_ratio)


def ink_box(image: np.ndarray, threshold: float) -> tuple[int, int, int, int]:
    """(first row, last row, first column, last column) of the pixels above ``threshold``."""
    ink = image > threshold
    rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return rows[0], rows[-1], columns[0], columns[-1]


def ink_size(image: np.ndarray, threshold: float = 0.3) -> tuple[int, int]:
    """Height and width of the box holding the pixels above ``threshold``."""
    top, bottom, left, right = ink_box(image, threshold)
    return bottom - top + 1, right - left + 1
