"""2-D points for training from a file or by name: a user's own CSV (``x1,x2,label``, the page's
format) and TensorFlow Playground's six sets, split into training and test points, for
classification or regression.

    points = load_points("plane", seed=3)                       # its 1,200 points, 50 % test
    points = load_points("mine.csv", test_source="held_out.csv")
    points = load_points("mine.csv", task="regression")         # integer labels as real targets

The inputs stay (x1, x2) here; ``playground.data.features`` turns them into feature inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from playground.data.points_csv import PointsCSVError, PointsTable, read_points_csv
from playground.data.tensorflow_sets import TENSORFLOW_SETS, TRAIN_FRACTION, default_samples
from playground.limits import current as current_limits

Array = np.ndarray
CSV_TEST_FRACTION = 0.2  # an own file without a test file: the toy sets' split


@dataclass
class Points:
    """2-D points split for training: inputs (n, 2) float32; labels are classes (n,) int64 for
    classification, targets (n,) float32 for regression."""

    name: str
    task: str
    train_inputs: Array
    train_labels: Array
    test_inputs: Array
    test_labels: Array
    class_names: list[str] = field(default_factory=list)  # empty for regression
    summary: str = ""

    @property
    def n_outputs(self) -> int:
        """Output nodes a network needs: one per class, or one real output."""
        return len(self.class_names) if self.task == "classification" else 1


def is_points_source(source: str) -> bool:
    """Whether ``source`` names one of TensorFlow Playground's sets or a CSV file (not a toy or image set)."""
    return source in TENSORFLOW_SETS or source.lower().endswith(".csv") or Path(source).is_file()


def split_points(count: int, test_fraction: float, seed: int) -> tuple[Array, Array]:
    """(training indices, test indices): a seeded shuffle, the first 1 − test_fraction for training
    (TensorFlow Playground shuffles and cuts the same way)."""
    if not 0 <= test_fraction < 1:
        raise ValueError(f"the test fraction must be in [0, 1), got {test_fraction:g}")
    order = np.random.default_rng([seed, 5]).permutation(count)
    n_train = count - int(round(count * test_fraction))
    return order[:n_train], order[n_train:]


def load_points(
    source: str,
    task: str | None = None,
    samples: int | None = None,
    noise: float | None = None,
    test_fraction: float | None = None,
    seed: int = 0,
    test_source: str | None = None,
) -> Points:
    """The points of a TensorFlow Playground set (by name) or a CSV file, split into training and
    test points; ValueError (PointsCSVError for a file) saying what is wrong.

    A set: ``samples`` points (default its page's: 500, or 1,200 for regression), its ``noise``
    (0…0.5, default 0), ``test_fraction`` 0.5 by default; its task is fixed. A file: ``task`` None
    reads it from the label column; without ``test_source`` a ``test_fraction`` (0.2 by default)
    is held out, with it every row of ``source`` trains and every row of ``test_source`` tests.
    """
    if source in TENSORFLOW_SETS:
        if test_source is not None:
            raise ValueError(f"a test file goes with a training file, not with {source}")
        generate, set_task = TENSORFLOW_SETS[source]
        if task is not None and task != set_task:
            raise ValueError(f"{source} is a {set_task} set; it cannot be used for {task}")
        count = default_samples(source) if samples is None else samples
        if not 1 <= count <= current_limits().points:
            raise ValueError(f"{source}: choose 1 to {current_limits().points:,} samples, not {count:,}")
        inputs, labels = generate(count, 0.0 if noise is None else noise, seed)
        fraction = 1 - TRAIN_FRACTION if test_fraction is None else test_fraction
        train, test = split_points(count, fraction, seed)
        names = ["0", "1"] if set_task == "classification" else []
        about = f"{source} (TensorFlow Playground's): {len(train):,} training and {len(test):,} test points"
        return Points(source, set_task, inputs[train], labels[train], inputs[test], labels[test], names, about)
    if samples is not None or noise is not None:
        raise ValueError("--samples and --noise make a generated set; a file has its own points")
    table = read_csv_file(source, task)
    if test_source is None:
        train, test = split_points(
            len(table.labels), CSV_TEST_FRACTION if test_fraction is None else test_fraction, seed
        )
        train_table = PointsTable(table.inputs[train], table.labels[train], table.class_names, table.task)
        test_table = PointsTable(table.inputs[test], table.labels[test], table.class_names, table.task)
    else:
        train_table, test_table = table, read_csv_file(test_source, table.task)
        test_table = _same_classes(train_table, test_table, test_source)
    about = f"{Path(source).name} ({table.task}): {len(train_table.labels):,} training and "
    about += f"{len(test_table.labels):,} test points" + (f" from {Path(test_source).name}" if test_source else "")
    return Points(
        source,
        table.task,
        train_table.inputs,
        train_table.labels,
        test_table.inputs,
        test_table.labels,
        train_table.class_names,
        about,
    )


def read_csv_file(path: str, task: str | None = None) -> PointsTable:
    """A CSV file's points (``read_points_csv``), or a PointsCSVError naming the file."""
    limit = current_limits().csv_bytes
    try:
        with open(path, "rb") as file:
            content = file.read(limit + 1)  # no more than the limit (and one byte to see it passed)
    except OSError as error:
        raise PointsCSVError(f"{path}: cannot read it ({error.strerror or error})") from None
    try:
        return read_points_csv(content, task)
    except PointsCSVError as error:
        raise PointsCSVError(f"{path}: {error}") from None


def _same_classes(train: PointsTable, test: PointsTable, test_path: str) -> PointsTable:
    """The test file's classes numbered as the training file's (by name), so class k means the same."""
    if train.task == "regression":
        return test
    if all(name.isdigit() for name in train.class_names + test.class_names):  # numeric labels keep their values
        names = [str(k) for k in range(max(len(train.class_names), len(test.class_names)))]
        train.class_names = names
        return PointsTable(test.inputs, test.labels, names, test.task)
    index = {name: k for k, name in enumerate(train.class_names)}
    unknown = [name for name in test.class_names if name not in index]
    if unknown:
        raise PointsCSVError(f"{test_path}: class {unknown[0]!r} is not in the training file")
    mapping = np.array([index[name] for name in test.class_names], dtype=np.int64)
    return PointsTable(test.inputs, mapping[test.labels], train.class_names, test.task)
