"""Reading a user's own two-feature data from CSV (SPEC F1, F24).

Format: an optional header, then rows ``x1, x2, label``. For classification, labels are
whole numbers 0–9, or up to 10 distinct strings (classes are then numbered in order of first
appearance); for regression, real numbers (the targets). ``read_points_csv`` tells the two
apart by the label column (whole numbers or names: classification; any other number:
regression) unless a task is chosen; ``parse_points_csv`` reads classes only (the page's way). At most 10,000 rows and 1 MB (the limits in force: ``playground.limits``);
coordinates must fit float32, the engine's type. Every problem is reported with the line it
is on, and nothing is returned unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from playground.limits import current as current_limits

MAX_LABEL_CHARACTERS = 100
FLOAT32_MAX = float(np.finfo(np.float32).max)


class PointsCSVError(ValueError):
    """A CSV file that cannot be used; the message says where and why."""


def _is_number(text: str) -> bool:
    """A number float32 can hold (1e39 would become infinity)."""
    try:
        return abs(float(text)) <= FLOAT32_MAX
    except ValueError:
        return False


@dataclass
class PointsTable:
    """What a points CSV holds: inputs (n, 2) float32 and labels, as its task reads them."""

    inputs: np.ndarray
    labels: np.ndarray  # classification: (n,) int64 classes; regression: (n,) float32 targets
    class_names: list[str]  # empty for regression
    task: str  # "classification" or "regression"


def parse_points_csv(content: bytes | str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Inputs (n, 2) float32, labels (n,) int64 and class names from CSV text."""
    inputs, raw_labels = _read_rows(content)
    labels, class_names = _number_classes(raw_labels)
    return inputs, labels, class_names


def read_points_csv(content: bytes | str, task: str | None = None) -> PointsTable:
    """The rows of a points CSV for ``task`` ('classification' or 'regression'; None: from the
    label column, whole numbers or names → classification, other numbers → regression)."""
    inputs, raw_labels = _read_rows(content)
    if task is None:
        task = (
            "classification"
            if not all(_is_number(label) for label in raw_labels) or all(_is_whole(label) for label in raw_labels)
            else "regression"
        )
    if task == "classification":
        labels, class_names = _number_classes(raw_labels)
        return PointsTable(inputs, labels, class_names, task)
    if task != "regression":
        raise ValueError(f"unknown task {task!r}; choose classification or regression")
    for label in raw_labels:
        if not _is_number(label):
            raise PointsCSVError(f"label {label!r} is not a number: regression needs a real target on every row")
    return PointsTable(inputs, np.array([float(label) for label in raw_labels], dtype=np.float32), [], task)


def _is_whole(text: str) -> bool:
    return text.lstrip("-").isdigit()


def _read_rows(content: bytes | str) -> tuple[np.ndarray, list[str]]:
    """Inputs (n, 2) float32 and the label cells as text, every row checked."""
    limits = current_limits()
    max_bytes, max_rows = limits.csv_bytes, limits.points
    if isinstance(content, bytes):
        if len(content) > max_bytes:
            raise PointsCSVError(f"the file is {len(content):,} bytes; the limit is {max_bytes:,}")
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PointsCSVError("the file is not UTF-8 text (is it really a CSV?)") from None
    elif len(content.encode()) > max_bytes:
        raise PointsCSVError(f"the file is over {max_bytes:,} bytes")

    rows = [
        (number, row)
        for number, row in enumerate(csv.reader(io.StringIO(content)), start=1)
        if row and any(cell.strip() for cell in row)
    ]
    if rows and not (_is_number(rows[0][1][0]) if rows[0][1] else False):
        rows = rows[1:]  # a header: its first cell is not a number
    if not rows:
        raise PointsCSVError("the file has no data rows (expected: x1, x2, label)")
    if len(rows) > max_rows:
        raise PointsCSVError(f"the file has {len(rows):,} rows; the limit is {max_rows:,}")

    inputs = np.empty((len(rows), 2), dtype=np.float64)
    raw_labels = []
    for index, (line, row) in enumerate(rows):
        cells = [cell.strip() for cell in row]
        if len(cells) != 3:
            raise PointsCSVError(f"line {line}: expected 3 columns (x1, x2, label), found {len(cells)}")
        for column in (0, 1):
            if not _is_number(cells[column]):
                raise PointsCSVError(
                    f"line {line}: x{column + 1} = {cells[column]!r} is not a number (finite, within ±3.4e38)"
                )
            inputs[index, column] = float(cells[column])
        if not cells[2]:
            raise PointsCSVError(f"line {line}: the label is empty")
        if len(cells[2]) > MAX_LABEL_CHARACTERS:
            raise PointsCSVError(f"line {line}: the label is longer than {MAX_LABEL_CHARACTERS} characters")
        raw_labels.append(cells[2])
    return inputs.astype(np.float32), raw_labels


def _number_classes(raw_labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Whole numbers 0–9 stay as they are; strings are numbered in order of first appearance."""
    max_classes = current_limits().classes
    if all(_is_whole(label) for label in raw_labels):
        values = np.array([int(label) for label in raw_labels], dtype=np.int64)
        if values.min() < 0 or values.max() >= max_classes:
            bad = values[(values < 0) | (values >= max_classes)][0]
            raise PointsCSVError(f"label {bad} is out of range: numeric labels must be 0–{max_classes - 1}")
        return values, [str(k) for k in range(int(values.max()) + 1)]
    names = list(dict.fromkeys(raw_labels))
    if len(names) > max_classes:
        raise PointsCSVError(f"found {len(names)} distinct labels; at most {max_classes} classes are allowed")
    index = {name: k for k, name in enumerate(names)}
    return np.array([index[label] for label in raw_labels], dtype=np.int64), names
