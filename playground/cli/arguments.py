"""What the commands share: argument types, the help formatter, exit statuses and ``fail``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

EXIT_DOWNLOAD_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3


def layer_list(text: str) -> list[int] | str:
    """argparse type for --layers: hidden widths ('8,8'; '' or 'none' for no hidden layer) as a
    list, or a layer spec with convolution and pooling ('conv16x5,pool2,128') as text."""
    from playground.engine.specs import has_images_layers, parse_spec

    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        parts = parse_spec(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text.strip().lower() if has_images_layers(text) else [part[1] for part in parts]


NUMBER_NAMES = {int: "whole number", float: "number"}


def positive(kind: type):
    """argparse type: a number of ``kind`` that is > 0."""

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {NUMBER_NAMES[kind]}") from None
        if not value > 0 or (kind is float and not np.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{text!r} must be a finite number greater than 0")
        return value

    return convert


def seed_value(text: str) -> int:
    """argparse type: a seed, a whole number from 0 to 2**32 − 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number from 0 to 4294967295")
    return value


def non_negative(text: str) -> float:
    """argparse type: a finite float ≥ 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value >= 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number ≥ 0")
    return value


def augment_spec(text: str):
    """argparse type for ``rotate=15,scale=0.1,shift=2,noise=0.05`` (an ``AugmentSpec``)."""
    from playground.data.augment import parse_augment_spec

    try:
        return parse_augment_spec(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def data_source(text: str) -> str:
    """argparse type for --data: a data set's name, or a CSV file of points (x1,x2,label)."""
    from playground.recipes import DATA_SETS

    if text in DATA_SETS or text.lower().endswith(".csv") or Path(text).is_file():
        return text
    raise argparse.ArgumentTypeError(
        f"invalid choice: {text!r} (choose a data set, {', '.join(DATA_SETS)}, or a .csv file)"
    )


def feature_list(text: str) -> tuple[str, ...]:
    """argparse type for --features: ``x1,x2,x1^2`` (any of TensorFlow Playground's seven)."""
    from playground.data.features import parse_features

    try:
        return parse_features(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def category_list(text: str) -> tuple[str, ...]:
    """argparse type for Quick, Draw! categories: ``cat,bicycle,house plant``."""
    from playground.data.images import parse_quickdraw_categories

    try:
        return parse_quickdraw_categories(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where the help text explains a data-set-dependent one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False:
            return action.help or ""
        return super()._get_help_string(action)


def defaults_table() -> str:
    """The per-data-set defaults, as printed at the end of ``playground train --help``."""
    from playground.recipes import DATA_DEFAULTS, TF_DEFAULTS, TOY_DEFAULTS

    rows = [("data set", "layers", "activation", "optimizer", "learn rate", "batch", "epochs")]
    sets = [("2-D toy sets, CSV", TOY_DEFAULTS), ("tf-*, plane, gaussians", TF_DEFAULTS), *DATA_DEFAULTS.items()]
    for name, values in sets:
        rows.append(
            (
                name,
                ",".join(map(str, values["layers"])),
                values["activation"],
                values["optimizer"],
                f"{values['learn_rate']:g}",
                str(values["batch_size"]),
                str(values["epochs"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


TRAIN_EPILOG = """\
defaults that depend on the data set (any option given overrides them):
{table}

image data sets: {images}.
digits (scikit-learn's 8x8 digits) needs no download; the others are read from the data
directory (--data-dir, else $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground), which
`playground download NAME` fills. Images become float32 inputs in [0, 1], one per pixel
and channel (CIFAR-10: 3,072); CIFAR-10's are also standardised per colour channel (see
--standardize). Accuracy is measured on the data set's held-out test images, which are
never trained on: mnist, fashion-mnist and cifar-10 have official test files; quickdraw
holds out the last --test-fraction of each category's rows, digits a stratified random
--test-fraction.

2-D points: the toy sets above, TensorFlow Playground's sets (tf-circle, tf-xor, tf-gauss,
tf-spiral to classify; plane, gaussians to regress; its 500 or 1,200 points, its noise 0 to 0.5,
50 % test, its 4,2 tanh network with SGD at 0.03 in batches of 10), or a CSV file of x1,x2,label
rows (the page's format; --test-data for a second file to test on, else --test-fraction 0.2).
A label column of whole numbers or names is classification, one of other numbers regression
(--task chooses); regression has a linear output and the quadratic cost by default, and reports
cost and R². --features x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2) chooses the inputs (default x1,x2).

examples:
  playground train --data plane --json
  playground train --data tf-circle --features x1^2,x2^2 --layers none --output sigmoid --cost quadratic
  playground train --data points.csv --test-data held_out.csv --task regression --l1 0.001 --save r.npz
  playground train --data mnist --layers 300 --activation relu --epochs 10 \\
      --augment rotate=15,scale=0.1,shift=2,noise=0.05
  playground train --data quickdraw --categories cat,bicycle,helicopter --per-category 1000
  playground train --data cifar-10 --data-dir ~/data --save cifar.npz --json
"""


def fail(message: str) -> int:
    """Print a clear error and return the bad-input exit status."""
    print(f"playground: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def read_model(path: str):
    """(the saved network at ``path`` within the limits in force, None), or (None, the exit status
    of a clear error); one over the cost limits says how to raise them: the file is the user's own."""
    from playground.engine import ModelFileError, ModelTooCostly, load_network
    from playground.limits import ENVIRONMENT_VARIABLE, current

    try:
        return load_network(path, **current().model_limits()), None
    except ModelTooCostly as error:
        return None, fail(
            f"{error}; to run it anyway, raise the limits: {ENVIRONMENT_VARIABLE}="
            "model_multiply_adds=N,model_memory_bytes=N"
        )
    except ModelFileError as error:
        return None, fail(str(error))
