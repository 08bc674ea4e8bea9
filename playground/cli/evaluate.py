"""``playground evaluate``: a saved network's test accuracy and confusion matrix (a regression
network's test cost and R²)."""

from __future__ import annotations

import argparse
import json

import numpy as np

from playground.cli.arguments import fail, read_model
from playground.cli.train import load_recipe_data


def run_evaluate(args: argparse.Namespace) -> int:
    """Score a saved network on a data set's test images: accuracy and the confusion matrix."""
    from dataclasses import replace

    from playground.engine import blas_threads
    from playground.recipes import DATA_SETS, IMAGE_SETS, Recipe, evaluate, fit_problem

    if args.categories is not None and args.data != "quickdraw":
        return fail("--categories applies to --data quickdraw only")
    network, failed = read_model(args.model)
    if failed is not None:
        return failed
    if args.features is not None and args.data in IMAGE_SETS:
        return fail(f"--features applies to 2-D points only, not to {args.data}")
    recipe = Recipe.from_options(args)
    if args.data not in IMAGE_SETS:  # 2-D points are read for the network's own task and inputs
        if problem := inputs_problem(network.input_names, args.features):
            return fail(f"{args.model}: {problem}")
        recipe = replace(recipe, task=network.task, features=args.features or network.input_names)
    if args.data not in DATA_SETS and args.test_fraction is None:  # a file: every row is scored
        recipe = replace(recipe, test_data=args.data)
    data, failed = load_recipe_data(recipe)
    if failed is not None:
        return failed
    problem = fit_problem(network, data)
    if problem:
        return fail(f"{args.model} does not fit {args.data}: {problem}")
    with blas_threads(args.threads):
        result = evaluate(network, data, train=False)
    if network.task == "regression":
        return report_regression(args, network, data, result)
    per_class = result.per_class_accuracy()
    if result.test_accuracy is None or result.confusion is None or per_class is None:  # no test samples
        return fail(f"{args.data} has no test samples with --test-fraction {args.test_fraction}: nothing to evaluate")
    names = [str(name) for name in (data.class_names or range(data.n_classes))]
    if args.json:
        print(
            json.dumps(
                {
                    "data": args.data,
                    "model": str(args.model),
                    "network": network.describe(),
                    "test_samples": len(data.test_labels),
                    "test_accuracy": result.test_accuracy,
                    "test_cost": result.test_cost,
                    "class_names": names,
                    "confusion_matrix": result.confusion.tolist(),
                    "per_class_accuracy": [None if np.isnan(a) else float(a) for a in per_class],
                }
            )
        )
        return 0
    print(f"network: {network.describe()}")
    print(f"test images: {len(data.test_labels):,} of {args.data}")
    print(f"test accuracy: {result.test_accuracy:.4f}")
    print("confusion matrix (rows: true class, columns: predicted class):")
    print(confusion_table(result.confusion, names, per_class))
    return 0


def inputs_problem(trained: tuple[str, ...] | None, chosen: tuple[str, ...] | None) -> str | None:
    """Why a network trained on the inputs ``trained`` (None: not recorded) cannot be scored on
    the features ``chosen`` (None: the network's own), or None."""
    from playground.data.features import check_features

    if trained is None or chosen is not None and tuple(chosen) == trained:
        return None
    if chosen is not None:
        return f"the network was trained on the inputs {','.join(trained)}, not --features {','.join(chosen)}"
    try:
        check_features(trained)
    except ValueError as error:
        return f"its inputs are not feature inputs ({error})"
    return None


def report_regression(args: argparse.Namespace, network, data, result) -> int:
    """A regression network's test cost (quadratic, no L1 or L2 term) and R²."""
    if result.test_cost is None:
        return fail(f"{args.data} has no test samples with --test-fraction {args.test_fraction}: nothing to evaluate")
    if args.json:
        report = {
            "data": args.data,
            "model": str(args.model),
            "network": network.describe(),
            "task": "regression",
            "test_samples": len(data.test_labels),
            "test_cost": result.test_cost,
            "test_r2": result.test_accuracy,
        }
        print(json.dumps(report))
        return 0
    print(f"network: {network.describe()}")
    print(f"test points: {len(data.test_labels):,} of {args.data}")
    print(f"test cost: {result.test_cost:.4f}")
    print(f"test R²: {result.test_accuracy:.4f}")
    return 0


def confusion_table(confusion: np.ndarray, names: list[str], per_class: np.ndarray) -> str:
    """The confusion matrix as aligned text, each row ending with that class's accuracy."""
    width = max(max(len(str(v)) for v in confusion.ravel()), 4)
    label_width = max(len(name) for name in names)
    header = " " * label_width + "  " + " ".join(f"{k:>{width}}" for k in range(len(names))) + "  accuracy"
    rows = [header]
    for name, row, accuracy in zip(names, confusion, per_class):
        cells = " ".join(f"{v:>{width}}" for v in row)
        shown = "–" if np.isnan(accuracy) else f"{accuracy:.3f}"
        rows.append(f"{name:>{label_width}}  {cells}  {shown}")
    rows.append("columns: " + ", ".join(f"{k} = {name}" for k, name in enumerate(names)))
    return "\n".join(rows)
