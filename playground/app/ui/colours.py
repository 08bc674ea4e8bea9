"""The colours every page and the browser share: defined with the figures (``playground.plots.colours``),
which draw with them below the app; the pages and the contract import them from here or there alike."""

from playground.plots.colours import (
    ALARM_COLOUR,
    CLASS_COLOURS,
    DISTINCT_CLASSES,
    EVOLUTION_COLOUR,
    GRADIENT_COLOUR,
    NEGATIVE_COLOUR,
    PATH_COLOUR,
    POSITIVE_COLOUR,
    TEST_COLOUR,
    TRAIN_COLOUR,
    VALUE_SCALE,
    class_symbol,
)

__all__ = [
    "ALARM_COLOUR",
    "CLASS_COLOURS",
    "DISTINCT_CLASSES",
    "EVOLUTION_COLOUR",
    "GRADIENT_COLOUR",
    "NEGATIVE_COLOUR",
    "PATH_COLOUR",
    "POSITIVE_COLOUR",
    "TEST_COLOUR",
    "TRAIN_COLOUR",
    "VALUE_SCALE",
    "class_symbol",
]
