"""What a network is for: choosing a class (classification) or giving real numbers (regression).

- classification: labels are class indices 0…k − 1; the targets y are their one-hot rows; the
  network is scored by its cost and its accuracy (the fraction whose largest output is the label).
- regression: the targets y are real numbers, an (n, k) array (or (n,) for one output); the cost
  is the quadratic one, C = mean over samples of Σ (a − y)², and the score beside it is R², the
  fraction of the targets' variance the outputs explain (1 is perfect, 0 is no better than
  always answering the targets' mean).

The task belongs to the network (``Network(..., task="regression")``), so a saved network
keeps it and every way of training or scoring it agrees on what its labels are.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

TASKS = ("classification", "regression")
# The values each output activation can give: a regression's targets must lie within them.
OUTPUT_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "linear": (-np.inf, np.inf)}


def task_name(task: str) -> str:
    """The task, checked: 'classification' or 'regression'."""
    key = str(task).strip().lower()
    if key not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of: {', '.join(TASKS)}")
    return key


def check_task(task: str, cost: str, output_activation: str) -> str:
    """The task, checked against the cost and output activation (a clear ValueError if they do not fit).

    Regression needs the quadratic cost (cross-entropy compares probabilities with classes) and
    outputs that move independently (softmax ties them together to sum to 1).
    """
    task = task_name(task)
    if task == "regression" and cost != "quadratic":
        raise ValueError(f"regression uses the quadratic cost, not {cost.replace('_', '-')}")
    if task == "regression" and output_activation not in OUTPUT_RANGES:
        raise ValueError(
            f"a regression output cannot be {output_activation}: choose one of {', '.join(OUTPUT_RANGES)} "
            "(linear for any real target)"
        )
    return task


def check_real_targets(
    targets: Array, n_samples: int, n_outputs: int, output_activation: str, dtype: np.dtype
) -> Array:
    """Regression targets as an (n_samples, n_outputs) array of ``dtype``, or a clear ValueError.

    An (n,) column is taken as (n, 1) for a network with one output; every value must be a
    finite number the output activation can reach.
    """
    targets = np.asarray(targets)
    if targets.ndim == 1 and n_outputs == 1:
        targets = targets[:, None]
    if targets.shape != (n_samples, n_outputs):
        one_column = f" or ({n_samples},)" if n_outputs == 1 else ""
        raise ValueError(
            f"regression targets must have shape ({n_samples}, {n_outputs}){one_column}, got {targets.shape}"
        )
    if not np.issubdtype(targets.dtype, np.number) or np.issubdtype(targets.dtype, np.complexfloating):
        raise ValueError(f"regression targets must be real numbers, got dtype {targets.dtype}")
    targets = targets.astype(dtype, copy=False)
    if n_samples and not np.all(np.isfinite(targets)):
        raise ValueError("regression targets must be finite numbers")
    low, high = OUTPUT_RANGES[output_activation]
    if n_samples and (targets.min() < low or targets.max() > high):
        raise ValueError(
            f"the targets run from {targets.min():g} to {targets.max():g}, but a {output_activation} output "
            f"gives only {low:g} to {high:g}: use a linear output"
        )
    return targets


def r_squared(outputs: Array, targets: Array) -> float:
    """R² = 1 − Σ (y − a)² / Σ (y − ȳ)², for each output node, averaged over the nodes
    (scikit-learn's ``r2_score``; a node whose targets are all equal counts 1 if hit exactly, else 0)."""
    outputs, targets = outputs.astype(np.float64), targets.astype(np.float64)
    residual = np.sum((targets - outputs) ** 2, axis=0)
    spread = np.sum((targets - targets.mean(axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(spread > 0, 1 - residual / spread, np.where(residual == 0, 1.0, 0.0))
    return float(np.mean(scores))
