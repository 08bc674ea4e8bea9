"""The argument parser of every sub-command."""

from __future__ import annotations

import argparse

from playground.cli.arguments import (
    TRAIN_EPILOG,
    HelpFormatter,
    augment_spec,
    category_list,
    data_source,
    defaults_table,
    feature_list,
    layer_list,
    non_negative,
    positive,
    seed_value,
)
from playground.cli.serve import add_serve_arguments
from playground.cli.worker import add_worker_arguments


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    from playground import __version__
    from playground.data.download import DOWNLOADABLE
    from playground.data.features import FEATURES
    from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS
    from playground.engine.tasks import TASKS
    from playground.recipes import COST_CHOICES, IMAGE_SETS, TOY_SETS

    parser = argparse.ArgumentParser(
        prog="playground",
        description="Neural Playground: watch a neural network learn. Without a command, starts the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="start the web app (the default command)")
    add_serve_arguments(serve)

    train = commands.add_parser(
        "train",
        help="train a network headless and print its accuracy",
        formatter_class=HelpFormatter,
        description="Train a network on a data set with mini-batch gradient descent. "
        "Prints 'train accuracy: …' and 'test accuracy: …' (fractions; for regression the costs and R²), "
        "or one JSON line with --json. "
        "Exit status 0 on success, 2 on bad arguments or missing/corrupt data, 3 when training diverged.",
        epilog=TRAIN_EPILOG.format(table=defaults_table(), images=", ".join(IMAGE_SETS)),
    )
    data = train.add_argument_group("data")
    data.add_argument(
        "--data",
        default="fruit-curved",
        type=data_source,
        metavar="NAME|FILE.csv",
        help="data set to train on (names below), or a CSV file of x1,x2,label rows",
    )
    data.add_argument(
        "--test-data", metavar="FILE.csv", default=None, help="with --data FILE.csv: a second file to test on"
    )
    data.add_argument(
        "--task",
        default=None,
        choices=TASKS,
        help="2-D points: classification or regression (default: from the label column: whole numbers or "
        "names classify, other numbers regress; fixed for a named set)",
    )
    data.add_argument(
        "--features",
        type=feature_list,
        default=None,
        metavar="LIST",
        help=f"2-D points: the inputs, any of {','.join(FEATURES)} (default: x1,x2)",
    )
    data.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="folder holding mnist/, fashion-mnist/, quickdraw/, cifar-10/ "
        "(default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)",
    )
    data.add_argument(
        "--categories",
        type=category_list,
        default=None,
        help="quickdraw only: comma-separated categories (default: the 10 of the spec)",
    )
    data.add_argument(
        "--per-category",
        type=positive(int),
        default=10_000,
        help="quickdraw only: rows read per category, before the test split",
    )
    data.add_argument(
        "--train-samples",
        type=positive(int),
        default=None,
        help="train on a random subset of this many training images (a quick look; the test images are all used)",
    )
    data.add_argument(
        "--validation",
        type=positive(int),
        default=0,
        metavar="N",
        help="image data only: hold out N training images (the last N of a fixed shuffle) and "
        "score on them instead of the test images, to choose settings without the test set",
    )
    data.add_argument(
        "--augment",
        type=augment_spec,
        default=None,
        metavar="SPEC",
        help="image data only: random changes of every training batch, e.g. "
        "rotate=15,scale=0.1,shift=2,noise=0.05 (degrees, fraction, pixels, probability)",
    )
    data.add_argument(
        "--flip",
        action="store_true",
        help="image data only: mirror a random half of every training batch left to right "
        "(for photos such as CIFAR-10; not for digits or letters)",
    )
    data.add_argument(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="image data only: scale each colour channel to mean 0, std 1 over the training "
        "pixels (default: on for cifar-10, off otherwise); a saved network still takes "
        "[0, 1] pixels, the scaling is folded into its first layer",
    )
    data.add_argument(
        "--samples",
        type=positive(int),
        default=None,
        help="samples in a generated 2-D set (default: 200; TensorFlow Playground's: 500, 1,200 to regress)",
    )
    data.add_argument(
        "--noise",
        type=non_negative,
        default=None,
        help="toy data noise (default: the data set's own; TensorFlow Playground's: 0 to 0.5, default 0)",
    )
    data.add_argument(
        "--test-fraction",
        type=non_negative,
        default=None,
        help="fraction held out as test data (default 0.2: toy sets, CSV files, digits, quickdraw; "
        "0.5: TensorFlow Playground's sets)",
    )

    network = train.add_argument_group("network and training")
    network.add_argument(
        "--layers",
        type=layer_list,
        default=None,
        help="hidden layer widths, comma-separated ('none' for no hidden layer; "
        "default: 8,8 for the 2-D toy sets, per data set below)",
    )
    network.add_argument(
        "--activation",
        default=None,
        choices=HIDDEN_ACTIVATIONS,
        help="hidden activation (default: tanh for the toy sets and digits, relu for images)",
    )
    network.add_argument(
        "--output",
        default=None,
        choices=OUTPUT_ACTIVATIONS,
        help="output activation (default: softmax; linear for regression)",
    )
    network.add_argument(
        "--cost",
        default=None,
        choices=COST_CHOICES,
        help="cost function (default: cross-entropy; quadratic for regression)",
    )
    network.add_argument(
        "--optimizer",
        default=None,
        choices=list(OPTIMIZERS),
        help="optimizer (default: momentum for the toy sets and digits, adam for images)",
    )
    network.add_argument(
        "--learn-rate",
        type=positive(float),
        default=None,
        help="learn rate (default: 0.1 for the toy sets and digits, per data set below)",
    )
    network.add_argument("--momentum", type=non_negative, default=0.9, help="momentum (momentum and nesterov)")
    network.add_argument(
        "--batch-size",
        type=positive(int),
        default=None,
        help="mini-batch size (default: 32 for the toy sets and digits, 100 for images)",
    )
    network.add_argument(
        "--epochs",
        type=positive(int),
        default=None,
        help="epochs (default: 1000 for the 2-D toy sets, 30 for digits, per data set below)",
    )
    network.add_argument("--l2", type=non_negative, default=0.0, help="L2 regularisation strength λ (cost ½·λ·Σw²)")
    network.add_argument("--l1", type=non_negative, default=0.0, help="L1 regularisation rate (cost l1·Σ|w|)")
    network.add_argument("--decay", type=non_negative, default=0.0, help="learn rate decay: lr / (1 + decay·epoch)")
    network.add_argument(
        "--input-noise", type=non_negative, default=0.0, help="std of Gaussian noise added to every training input"
    )
    network.add_argument("--seed", type=seed_value, default=0, help="seed of the data, the weights and the shuffling")
    network.add_argument(
        "--threads", type=positive(int), default=1, help="BLAS threads (results are bit-identical for the same count)"
    )
    network.add_argument("--dtype", default="float32", choices=["float32", "float64"], help="number type")

    evolution = train.add_argument_group("neuroevolution (--method evolution: mutation and selection, no gradients)")
    evolution.add_argument(
        "--method",
        default="gradient",
        choices=["gradient", "evolution"],
        help="gradient descent, or evolution (the two-input sets only)",
    )
    evolution.add_argument("--generations", type=positive(int), default=300, help="generations to evolve")
    evolution.add_argument("--population", type=positive(int), default=40, help="networks in each generation")
    evolution.add_argument(
        "--survivors", type=positive(int), default=8, help="the best networks kept unchanged each generation"
    )
    evolution.add_argument(
        "--mutation-rate", type=positive(float), default=0.2, help="fraction of a child's parameters that mutate"
    )
    evolution.add_argument(
        "--mutation-size", type=positive(float), default=0.5, help="standard deviation of a mutation"
    )
    evolution.add_argument(
        "--crossover",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a child mixes two parents parameter by parameter (--no-crossover: copies one)",
    )

    output = train.add_argument_group("output")
    output.add_argument("--save", metavar="PATH", default=None, help="save the trained network (.npz)")
    output.add_argument("--json", action="store_true", help="print one JSON line instead of text")
    output.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = commands.add_parser(
        "evaluate",
        help="score a saved network on a data set's test images (or a CSV file's points)",
        formatter_class=HelpFormatter,
        description="Load a network saved by `playground train --save` and print its test accuracy and "
        "confusion matrix (rows: true class, columns: predicted class) on the data set's held-out test "
        "images. Exit status 0 on success, 2 on a bad or unreadable model, missing data, or a model that "
        "does not fit the data (other inputs or classes). A regression network is scored by its cost and R² on "
        "--data FILE.csv (every row) or plane, gaussians (their test half).",
    )
    evaluate.add_argument("--model", metavar="PATH", required=True, help="the saved network (.npz)")
    evaluate.add_argument(
        "--data",
        default="mnist",
        type=data_source,
        metavar="NAME|FILE.csv",
        help="data set to score on, or a CSV file of x1,x2,label rows (every row is scored)",
    )
    evaluate.add_argument(
        "--features",
        type=feature_list,
        default=None,
        metavar="LIST",
        help="2-D points: the inputs the network was trained on (default: x1,x2)",
    )
    evaluate.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="data directory (default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)",
    )
    evaluate.add_argument(
        "--categories",
        type=category_list,
        default=None,
        help="quickdraw only: the categories the network was trained on, in order",
    )
    evaluate.add_argument(
        "--per-category",
        type=positive(int),
        default=10_000,
        help="quickdraw only: rows read per category, before the test split",
    )
    evaluate.add_argument(
        "--test-fraction",
        type=non_negative,
        default=None,
        help="held-out fraction (toy sets, digits, quickdraw: 0.2; TensorFlow Playground's: 0.5): as when trained",
    )
    evaluate.add_argument(
        "--samples", type=positive(int), default=None, help="samples in a generated 2-D set: as when trained"
    )
    evaluate.add_argument("--noise", type=non_negative, default=None, help="toy data noise")
    evaluate.add_argument("--seed", type=seed_value, default=0, help="seed of the data split (toy sets, digits)")
    evaluate.add_argument("--threads", type=positive(int), default=1, help="BLAS threads")
    evaluate.add_argument("--json", action="store_true", help="print one JSON line instead of text")

    landscape = commands.add_parser(
        "landscape",
        help="draw the cost landscape around a saved network (a filter-normalised slice)",
        formatter_class=HelpFormatter,
        description="The cost on a plane through a saved network's parameters along two random directions, "
        "each scaled filter by filter to the size of the weights (Li et al. 2018), on the first --samples test "
        "images of a data set: a surface and a contour, written to --output (.html, or .png through Plotly's "
        "static export with Chromium). Exit status 0 on success, 2 on a bad or unreadable model, missing "
        "data, a model that does not fit the data, or bad options.",
    )
    landscape.add_argument("--model", metavar="PATH", required=True, help="the saved network (.npz)")
    landscape.add_argument(
        "--data", default="mnist", choices=TOY_SETS + IMAGE_SETS, help="data set whose test images are used"
    )
    landscape.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="data directory (default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)",
    )
    landscape.add_argument("--samples", type=positive(int), default=2000, help="test images used")
    landscape.add_argument("--steps", type=positive(int), default=51, help="grid points along each axis (odd)")
    landscape.add_argument("--span", type=positive(float), default=1.0, help="α and β run from −span to span")
    landscape.add_argument(
        "--normalisation",
        default="filter",
        choices=["filter", "layer", "none"],
        help="how the random directions are scaled",
    )
    landscape.add_argument("--seed", type=seed_value, default=0, help="seed of the random directions")
    landscape.add_argument("--log-scale", action="store_true", help="colour by log10 of the cost")
    landscape.add_argument("--output", metavar="PATH", required=True, help="slice.html or slice.png")
    landscape.add_argument("--threads", type=positive(int), default=1, help="BLAS threads")
    landscape.add_argument("--quiet", action="store_true", help="no progress bar")
    landscape.add_argument(
        "--categories",
        type=category_list,
        default=None,
        help="quickdraw only: the categories the network was trained on, in order",
    )

    download = commands.add_parser(
        "download",
        help="download an image data set into the data directory",
        formatter_class=HelpFormatter,
        description="Download an image data set from its publisher into <data dir>/<name>/, checked against "
        "the publisher's MD5 checksums (Quick, Draw! publishes none: size and format are checked). "
        "A broken-off download resumes where it stopped when run again. "
        "Exit status 0 when the files are in place, 1 when the download failed, 2 on bad arguments.",
    )
    download.add_argument(
        "name", choices=DOWNLOADABLE, help="data set (digits ships with scikit-learn and needs no download)"
    )
    download.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="data directory (default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)",
    )
    download.add_argument(
        "--categories",
        type=category_list,
        default=None,
        help="quickdraw only: comma-separated categories (default: the 10 of the spec)",
    )
    download.add_argument(
        "--mirror",
        metavar="URL",
        default=None,
        help="fetch every file from URL/<file name> instead of the publishers' locations",
    )
    download.add_argument("--quiet", action="store_true", help="no progress bars")

    worker = commands.add_parser(
        "worker",
        help="class mode: a Celery worker that runs the pages' long jobs",
        description="Run a Celery worker for `playground serve --redis-url URL`: it takes the image page's "
        "training jobs and the landscape slices off the web server. Start one on each machine that should "
        "train; all must name the same Redis.",
    )
    add_worker_arguments(worker)
    return parser
