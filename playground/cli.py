"""The command line: ``playground serve`` (the default), ``train``, ``evaluate``, ``download``.

The recipes of training (defaults per data set, loading, preprocessing, evaluation) live
in ``playground.recipes``; this module reads arguments and prints.

Exit status: 0 success, 1 a download failed, 2 bad arguments or input (including missing or
corrupt data files), 3 training diverged.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import numpy as np

EXIT_DOWNLOAD_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3


def layer_list(text: str) -> list[int]:
    """argparse type for '8,8': hidden layer widths ('' or 'none' for no hidden layer)."""
    from playground.engine.network import parse_layer_sizes

    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        return parse_layer_sizes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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


def category_list(text: str) -> tuple[str, ...]:
    """argparse type for Quick, Draw! categories: ``cat,bicycle,house plant``."""
    from playground.data.images import parse_quickdraw_categories

    try:
        return parse_quickdraw_categories(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where the help text explains a data-set-dependent one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False:
            return action.help or ""
        return super()._get_help_string(action)


def defaults_table() -> str:
    """The per-data-set defaults, as printed at the end of ``playground train --help``."""
    from playground.recipes import DATA_DEFAULTS, TOY_DEFAULTS

    rows = [("data set", "layers", "activation", "optimizer", "learn rate", "batch", "epochs")]
    for name, values in [("2-D toy sets", TOY_DEFAULTS), *DATA_DEFAULTS.items()]:
        rows.append((name, ",".join(map(str, values["layers"])), values["activation"], values["optimizer"],
                     f"{values['learn_rate']:g}", str(values["batch_size"]), str(values["epochs"])))
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

examples:
  playground train --data mnist --layers 300 --activation relu --epochs 10 \\
      --augment rotate=15,scale=0.1,shift=2,noise=0.05
  playground train --data quickdraw --categories cat,bicycle,helicopter --per-category 1000
  playground train --data cifar-10 --data-dir ~/data --save cifar.npz --json
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    from playground.data.download import DOWNLOADABLE
    from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS
    from playground.recipes import COST_CHOICES, DATA_SETS, IMAGE_SETS

    parser = argparse.ArgumentParser(
        prog="playground",
        description="Neural Playground: watch a neural network learn. Without a command, starts the app.",
    )
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="start the web app (the default command)")
    add_serve_arguments(serve)

    train = commands.add_parser(
        "train",
        help="train a network headless and print its accuracy",
        formatter_class=HelpFormatter,
        description="Train a network on a data set with mini-batch gradient descent. "
        "Prints 'train accuracy: …' and 'test accuracy: …' (fractions), or one JSON line with --json. "
        "Exit status 0 on success, 2 on bad arguments or missing/corrupt data, 3 when training diverged.",
        epilog=TRAIN_EPILOG.format(table=defaults_table(), images=", ".join(IMAGE_SETS)),
    )
    data = train.add_argument_group("data")
    data.add_argument("--data", default="fruit-curved", choices=DATA_SETS,
        help="data set to train on")
    data.add_argument("--data-dir", metavar="DIR", default=None,
                      help="folder holding mnist/, fashion-mnist/, quickdraw/, cifar-10/ "
                      "(default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)")
    data.add_argument("--categories", type=category_list, default=None,
                      help="quickdraw only: comma-separated categories (default: the 10 of the spec)")
    data.add_argument("--per-category", type=positive(int), default=10_000,
                      help="quickdraw only: rows read per category, before the test split")
    data.add_argument("--train-samples", type=positive(int), default=None,
                      help="train on a random subset of this many training images (a quick look; "
                      "the test images are all used)")
    data.add_argument("--augment", type=augment_spec, default=None, metavar="SPEC",
                      help="image data only: random changes of every training batch, e.g. "
                      "rotate=15,scale=0.1,shift=2,noise=0.05 (degrees, fraction, pixels, probability)")
    data.add_argument("--flip", action="store_true",
                      help="image data only: mirror a random half of every training batch left to right "
                      "(for photos such as CIFAR-10; not for digits or letters)")
    data.add_argument("--standardize", action=argparse.BooleanOptionalAction, default=None,
                      help="image data only: scale each colour channel to mean 0, std 1 over the training "
                      "pixels (default: on for cifar-10, off otherwise); a saved network still takes "
                      "[0, 1] pixels, the scaling is folded into its first layer")
    data.add_argument("--samples", type=positive(int), default=200, help="samples in a toy data set")
    data.add_argument("--noise", type=non_negative, default=None,
                      help="toy data noise (default: the data set's own)")
    data.add_argument("--test-fraction", type=non_negative, default=0.2,
                      help="fraction held out as test data (toy sets, digits, quickdraw)")

    network = train.add_argument_group("network and training")
    network.add_argument("--layers", type=layer_list, default=None,
                         help="hidden layer widths, comma-separated ('none' for no hidden layer; "
                         "default: 8,8 for the 2-D toy sets, per data set below)")
    network.add_argument("--activation", default=None, choices=HIDDEN_ACTIVATIONS,
                         help="hidden activation (default: tanh for the toy sets and digits, relu for images)")
    network.add_argument("--output", default="softmax", choices=OUTPUT_ACTIVATIONS, help="output activation")
    network.add_argument("--cost", default="cross-entropy", choices=COST_CHOICES,
                         help="cost function")
    network.add_argument("--optimizer", default=None, choices=list(OPTIMIZERS),
                         help="optimizer (default: momentum for the toy sets and digits, adam for images)")
    network.add_argument("--learn-rate", type=positive(float), default=None,
                         help="learn rate (default: 0.1 for the toy sets and digits, per data set below)")
    network.add_argument("--momentum", type=non_negative, default=0.9, help="momentum (momentum and nesterov)")
    network.add_argument("--batch-size", type=positive(int), default=None,
                         help="mini-batch size (default: 32 for the toy sets and digits, 100 for images)")
    network.add_argument("--epochs", type=positive(int), default=None,
                         help="epochs (default: 1000 for the 2-D toy sets, 30 for digits, per data set below)")
    network.add_argument("--l2", type=non_negative, default=0.0, help="L2 regularisation strength λ")
    network.add_argument("--decay", type=non_negative, default=0.0,
                         help="learn rate decay: lr / (1 + decay·epoch)")
    network.add_argument("--input-noise", type=non_negative, default=0.0,
                         help="std of Gaussian noise added to every training input")
    network.add_argument("--seed", type=seed_value, default=0, help="seed of the data, the weights and the shuffling")
    network.add_argument("--threads", type=positive(int), default=1,
                         help="BLAS threads (results are bit-identical for the same count)")
    network.add_argument("--dtype", default="float32", choices=["float32", "float64"], help="number type")

    output = train.add_argument_group("output")
    output.add_argument("--save", metavar="PATH", default=None, help="save the trained network (.npz)")
    output.add_argument("--json", action="store_true", help="print one JSON line instead of text")
    output.add_argument("--quiet", action="store_true", help="no progress bar")

    evaluate = commands.add_parser(
        "evaluate",
        help="score a saved network on a data set's test images",
        formatter_class=HelpFormatter,
        description="Load a network saved by `playground train --save` and print its test accuracy and "
        "confusion matrix (rows: true class, columns: predicted class) on the data set's held-out test "
        "images. Exit status 0 on success, 2 on a bad or unreadable model, missing data, or a model that "
        "does not fit the data (other inputs or classes).",
    )
    evaluate.add_argument("--model", metavar="PATH", required=True, help="the saved network (.npz)")
    evaluate.add_argument("--data", default="mnist", choices=DATA_SETS, help="data set to score on")
    evaluate.add_argument("--data-dir", metavar="DIR", default=None,
                          help="data directory (default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)")
    evaluate.add_argument("--categories", type=category_list, default=None,
                          help="quickdraw only: the categories the network was trained on, in order")
    evaluate.add_argument("--per-category", type=positive(int), default=10_000,
                          help="quickdraw only: rows read per category, before the test split")
    evaluate.add_argument("--test-fraction", type=non_negative, default=0.2,
                          help="held-out fraction (toy sets, digits, quickdraw): as when trained")
    evaluate.add_argument("--samples", type=positive(int), default=200, help="samples in a toy data set")
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
    landscape.add_argument("--data", default="mnist", choices=DATA_SETS, help="data set whose test images are used")
    landscape.add_argument("--data-dir", metavar="DIR", default=None,
                           help="data directory (default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)")
    landscape.add_argument("--samples", type=positive(int), default=2000, help="test images used")
    landscape.add_argument("--steps", type=positive(int), default=51, help="grid points along each axis (odd)")
    landscape.add_argument("--span", type=positive(float), default=1.0, help="α and β run from −span to span")
    landscape.add_argument("--normalisation", default="filter", choices=["filter", "layer", "none"],
                           help="how the random directions are scaled")
    landscape.add_argument("--seed", type=seed_value, default=0, help="seed of the random directions")
    landscape.add_argument("--log-scale", action="store_true", help="colour by log10 of the cost")
    landscape.add_argument("--output", metavar="PATH", required=True, help="slice.html or slice.png")
    landscape.add_argument("--threads", type=positive(int), default=1, help="BLAS threads")
    landscape.add_argument("--quiet", action="store_true", help="no progress bar")
    landscape.add_argument("--categories", type=category_list, default=None,
                           help="quickdraw only: the categories the network was trained on, in order")

    download = commands.add_parser(
        "download",
        help="download an image data set into the data directory",
        formatter_class=HelpFormatter,
        description="Download an image data set from its publisher into <data dir>/<name>/, checked against "
        "the publisher's MD5 checksums (Quick, Draw! publishes none: size and format are checked). "
        "A broken-off download resumes where it stopped when run again. "
        "Exit status 0 when the files are in place, 1 when the download failed, 2 on bad arguments.",
    )
    download.add_argument("name", choices=DOWNLOADABLE,
                          help="data set (digits ships with scikit-learn and needs no download)")
    download.add_argument("--data-dir", metavar="DIR", default=None,
                          help="data directory (default: $PLAYGROUND_DATA_DIR, else ~/.cache/neural-playground)")
    download.add_argument("--categories", type=category_list, default=None,
                          help="quickdraw only: comma-separated categories (default: the 10 of the spec)")
    download.add_argument("--mirror", metavar="URL", default=None,
                          help="fetch every file from URL/<file name> instead of the publishers' locations")
    download.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``playground serve``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0 only if you mean it)")
    parser.add_argument("--port", type=int, default=8050, help="port")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (never on a shared network)")


def run_serve(args: argparse.Namespace) -> int:
    """Start the app and print its URL."""
    from playground.app.main import create_app

    app = create_app()
    print(f"Neural Playground running on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


# ---------------------------------------------------------------------------
# playground train


def check_save_path(path: str) -> str | None:
    """What stops a network being saved at ``path`` (checked before training, not after), or None."""
    target = Path(path)
    if target.exists() and not target.is_file():
        return f"--save {path}: there is a folder or special file there; name a new or ordinary file"
    folder = target.parent
    if not folder.is_dir():
        return f"--save {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"--save {path}: cannot write into {folder}"
    return None


def check_train_arguments(args: argparse.Namespace) -> str | None:
    """What is wrong with a combination of options, or None."""
    if not args.test_fraction < 1:
        return "--test-fraction must be below 1"
    if args.save and (problem := check_save_path(args.save)):
        return problem
    from playground.recipes import IMAGE_SETS

    image = args.data in IMAGE_SETS
    if args.categories is not None and args.data != "quickdraw":
        return "--categories applies to --data quickdraw only"
    if args.categories is not None and len(set(args.categories)) < 2:
        return "--categories needs at least 2 categories: a classifier chooses between classes"
    if args.data == "quickdraw" and args.per_category < 10:
        return "--per-category must be at least 10 (each category's last rows are its test split)"
    if not image:
        for flag, value in [("--augment", args.augment), ("--flip", args.flip or None),
                            ("--standardize", args.standardize), ("--train-samples", args.train_samples)]:
            if value is not None:
                return f"{flag} applies to image data sets only ({', '.join(IMAGE_SETS)})"
    return None


def run_train(args: argparse.Namespace) -> int:
    """Train headless; print accuracies (or JSON); save if asked."""
    from playground.engine import blas_threads, save_network
    from playground.recipes import Recipe, evaluate, prepare

    problem = check_train_arguments(args)
    if problem:
        return fail(problem)
    recipe = Recipe.from_options(args).with_defaults()
    data, failed = load_recipe_data(recipe)
    if failed is not None:
        return failed
    try:
        run = prepare(recipe, data)
    except ValueError as error:
        return fail(str(error))
    network, trainer = run.network, run.trainer
    if not args.quiet and data.summary:
        print(data.summary + (f" ({data.notes})" if data.notes else ""), file=sys.stderr)
    if "step" in network.activations:
        print("note: step has zero slope almost everywhere, so gradient descent cannot learn through it; "
              "try sigmoid", file=sys.stderr)

    start = time.perf_counter()
    with stop_on_interrupt(trainer):
        if data.image_shape is None:
            result, history = train_toy(trainer, recipe, args.quiet, f"training {network.describe()} on {args.data}"), []
        else:
            result, history = train_images(trainer, recipe, args.quiet)
    seconds = time.perf_counter() - start

    run.finish()  # from now on the network takes [0, 1] pixels
    with blas_threads(recipe.threads):
        final = evaluate(network, data, recipe.l2).accuracies()
    save_problem = None
    if args.save:
        try:
            save_network(network, args.save)
        except OSError as error:  # e.g. the disk filled up during training
            save_problem = f"could not save the network to {args.save}: {error.strerror or error}"
    report = {
        "data": args.data,
        "layers": network.layer_sizes,
        "train_accuracy": final["train_accuracy"],
        "test_accuracy": final["test_accuracy"],
        "train_cost": final["train_cost"],
        "test_cost": final["test_cost"],
        "epochs": result.epochs,
        "seconds": round(seconds, 3),
        "diverged": result.diverged,
    }
    if data.image_shape is not None:
        report.update({
            "train_samples": len(data.train_labels),
            "test_samples": len(data.test_labels),
            "samples_per_second": round(len(data.train_labels) * result.epochs / seconds) if seconds else None,
            "augment": str(recipe.augment) if recipe.augment is not None else "none",
            "flip": bool(recipe.flip),
            "standardize": bool(recipe.standardize),
            "settings": {"activation": recipe.activation, "optimizer": recipe.optimizer,
                         "learn_rate": recipe.learn_rate, "momentum": recipe.momentum,
                         "batch_size": recipe.batch_size, "l2": recipe.l2, "decay": recipe.decay,
                         "input_noise": recipe.input_noise, "seed": recipe.seed},
            "history": history,
        })
    if result.diverged:
        print(f"training diverged: {result.message}", file=sys.stderr)
    elif result.stopped:
        print(f"training stopped by Ctrl-C after {result.epochs} epochs", file=sys.stderr)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"network: {network.describe()}")
        print(f"epochs: {result.epochs} in {seconds:.2f} s")
        if args.save and not save_problem:
            print(f"saved: {args.save}")
        print(f"train accuracy: {final['train_accuracy']:.4f}")
        if final["test_accuracy"] is not None:
            print(f"test accuracy: {final['test_accuracy']:.4f}")
    if save_problem:
        return fail(save_problem)
    return EXIT_DIVERGED if result.diverged else 0


def load_recipe_data(recipe):
    """The recipe's data and None, or None and the bad-input exit status after saying what is wrong."""
    from playground.data.images import DataFileError, DataNotFoundError
    from playground.recipes import load_data

    try:
        return load_data(recipe), None
    except DataNotFoundError as error:
        return None, fail(str(error))
    except DataFileError as error:
        return None, fail(f"a data file is unusable: {error}. Delete it and run `playground download "
                          f"{recipe.data}` again, or point --data-dir at a good copy.")
    except (ValueError, OSError) as error:
        return None, fail(str(error))


@contextmanager
def stop_on_interrupt(trainer):
    """The first Ctrl-C stops training after the current batch, so the results are still
    reported (and saved); a second one aborts at once."""
    def stop(signum, frame):
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("\nstopping after this batch (Ctrl-C again to abort)", file=sys.stderr)
        trainer.stop()

    try:
        previous = signal.signal(signal.SIGINT, stop)
    except ValueError:  # not the main thread: leave Ctrl-C alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def train_toy(trainer, recipe, quiet: bool, description: str):
    """Train a 2-D toy set with one progress bar over the epochs."""
    from tqdm import tqdm

    with tqdm(total=recipe.epochs, desc=description, unit="epoch", disable=quiet, file=sys.stderr,
              leave=False) as progress:
        def on_epoch(event):
            progress.update(1)
            progress.set_postfix(cost=f"{event.train_cost:.4f}", acc=f"{event.train_accuracy:.3f}", refresh=False)

        return trainer.train(recipe.epochs, on_epoch=on_epoch, threads=recipe.threads)


def train_images(trainer, recipe, quiet: bool):
    """Train on images with one progress bar per epoch (samples/s, cost, accuracy).

    After each epoch the bar shows what ``recipes.Monitor`` measures: cost and accuracy on
    a fixed sample of training images and the accuracy on the held-out test images.
    Returns the training result and the per-epoch history.
    """
    from tqdm import tqdm

    from playground.recipes import Monitor

    n_train, epochs = len(trainer.inputs), recipe.epochs
    monitor = Monitor(trainer, recipe.seed)
    history: list[dict] = []
    bars: list = []
    epoch_start = [time.perf_counter()]

    def new_bar():
        bars.append(tqdm(total=n_train, desc=f"epoch {trainer.epoch + 1}/{epochs}", unit=" samples",
                         unit_scale=True, disable=quiet, file=sys.stderr, leave=True, dynamic_ncols=True))
        epoch_start[0] = time.perf_counter()

    def on_batch(event) -> None:
        bar = bars[-1]
        done = min(event.batch * recipe.batch_size, n_train)
        bar.update(done - bar.n)
        if not event.end_of_epoch:
            return
        seconds = time.perf_counter() - epoch_start[0]
        scores = monitor.measure()
        history.append({"epoch": trainer.epoch, "train_cost": round(scores["train_cost"], 5),
                        "train_accuracy": round(scores["train_accuracy"], 5),
                        "test_accuracy": round(scores["test_accuracy"], 5), "seconds": round(seconds, 3),
                        "learn_rate": event.learn_rate})
        bar.set_postfix({"cost": f"{scores['train_cost']:.4f}", "acc": f"{scores['train_accuracy']:.4f}",
                         "test acc": f"{scores['test_accuracy']:.4f}"})
        bar.close()
        if trainer.epoch < epochs:
            new_bar()

    new_bar()
    try:
        result = trainer.train(epochs, on_batch=on_batch, threads=recipe.threads, evaluate=False)
    finally:
        bars[-1].close()
    return result, history


# ---------------------------------------------------------------------------
# playground evaluate


def run_evaluate(args: argparse.Namespace) -> int:
    """Score a saved network on a data set's test images: accuracy and the confusion matrix."""
    from playground.engine import ModelFileError, blas_threads, load_network
    from playground.recipes import Recipe, evaluate, fit_problem

    if args.categories is not None and args.data != "quickdraw":
        return fail("--categories applies to --data quickdraw only")
    try:
        network = load_network(args.model)
    except ModelFileError as error:
        return fail(str(error))
    recipe = Recipe.from_options(args)
    data, failed = load_recipe_data(recipe)
    if failed is not None:
        return failed
    problem = fit_problem(network, data)
    if problem:
        return fail(f"{args.model} does not fit {args.data}: {problem}")
    with blas_threads(args.threads):
        result = evaluate(network, data, train=False)
    names = [str(name) for name in (data.class_names or range(data.n_classes))]
    if args.json:
        print(json.dumps({"data": args.data, "model": str(args.model), "network": network.describe(),
                          "test_samples": len(data.test_labels), "test_accuracy": result.test_accuracy,
                          "test_cost": result.test_cost, "class_names": names,
                          "confusion_matrix": result.confusion.tolist(),
                          "per_class_accuracy": [None if np.isnan(a) else float(a)
                                                 for a in result.per_class_accuracy()]}))
        return 0
    print(f"network: {network.describe()}")
    print(f"test images: {len(data.test_labels):,} of {args.data}")
    print(f"test accuracy: {result.test_accuracy:.4f}")
    print("confusion matrix (rows: true class, columns: predicted class):")
    print(confusion_table(result.confusion, names, result.per_class_accuracy()))
    return 0


def confusion_table(confusion: np.ndarray, names: list[str], per_class: np.ndarray) -> str:
    """The confusion matrix as aligned text, each row ending with that class's accuracy."""
    width = max(max(len(str(v)) for v in confusion.ravel()), 4)
    label_width = max(len(name) for name in names)
    header = " " * label_width + "  " + " ".join(f"{k:>{width}}" for k in range(len(names))) + "  accuracy"
    rows = [header]
    for k, (name, row, accuracy) in enumerate(zip(names, confusion, per_class)):
        cells = " ".join(f"{v:>{width}}" for v in row)
        shown = "–" if np.isnan(accuracy) else f"{accuracy:.3f}"
        rows.append(f"{name:>{label_width}}  {cells}  {shown}")
    rows.append("columns: " + ", ".join(f"{k} = {name}" for k, name in enumerate(names)))
    return "\n".join(rows)


# ---------------------------------------------------------------------------
# playground landscape


def run_landscape(args: argparse.Namespace) -> int:
    """Draw a filter-normalised slice of a saved network on a data set's test images."""
    from tqdm import tqdm

    from playground.engine import ModelFileError, blas_threads, load_network
    from playground.engine.landscape import cost_slice
    from playground.recipes import Recipe, fit_problem

    output = Path(args.output)
    if output.suffix.lower() not in (".html", ".png"):
        return fail(f"--output {args.output}: write a .html or a .png file")
    if (problem := check_save_path(args.output)) is not None:
        return fail(problem.replace("--save", "--output"))
    if args.steps % 2 == 0 or not 3 <= args.steps <= 101:
        return fail("--steps must be odd, from 3 to 101 (0, the network itself, is then on the grid)")
    try:
        network = load_network(args.model)
    except ModelFileError as error:
        return fail(str(error))
    data, failed = load_recipe_data(Recipe.from_options(args))
    if failed is not None:
        return failed
    problem = fit_problem(network, data)
    if problem:
        return fail(f"{args.model} does not fit {args.data}: {problem}")
    count = min(args.samples, len(data.test_labels))
    with tqdm(total=args.steps**2, desc="slice", unit=" points", disable=args.quiet, file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        start = time.perf_counter()
        with blas_threads(args.threads):
            alphas, betas, costs = cost_slice(network, data.test_inputs[:count], data.test_labels[:count],
                                              steps=args.steps, span=args.span, seed=args.seed,
                                              normalisation=args.normalisation, progress=progress)
        seconds = time.perf_counter() - start
    from playground.app.pages.landscape.figures import slice_report_figure

    title = (f"{network.describe()} · {count:,} {args.data} test images · {args.normalisation}-normalised "
             f"directions · {args.steps}×{args.steps} grid")
    figure = slice_report_figure(alphas, betas, costs, log=args.log_scale, title=title)
    try:
        if output.suffix.lower() == ".html":
            figure.write_html(output, include_plotlyjs=True)  # plotly.js inside: opens offline
        else:
            # Plotly's exporter (kaleido) reads the process's own arguments when it loads: hide ours.
            arguments, sys.argv = sys.argv, sys.argv[:1]
            try:
                figure.write_image(output, width=1920, height=850)
            finally:
                sys.argv = arguments
    except Exception as error:  # noqa: BLE001 (Plotly's static export names many causes: no Chromium, …)
        return fail(f"could not write {args.output}: {error}; an .html file needs no browser")
    middle = args.steps // 2
    print(f"slice: {args.steps}×{args.steps} points in {seconds:.1f} s; cost at the network {costs[middle, middle]:.4f}, "
          f"{costs.min():.4f} … {costs.max():.4f} around it")
    print(f"written: {args.output}")
    return 0


# ---------------------------------------------------------------------------
# playground download


def run_download(args: argparse.Namespace) -> int:
    """Download a data set into the data directory; exit 0, 1 (failed) or 2 (bad arguments)."""
    from playground.data.download import DownloadError, download_dataset

    if args.categories is not None and args.name != "quickdraw":
        return fail("--categories applies to quickdraw only")
    try:
        folder = download_dataset(args.name, args.data_dir, base_url=args.mirror, progress=not args.quiet,
                                  categories=args.categories)
    except ValueError as error:
        return fail(str(error))
    except (DownloadError, OSError) as error:
        print(f"playground: download of {args.name} failed: {error}", file=sys.stderr)
        return EXIT_DOWNLOAD_FAILED
    print(f"{args.name}: ready in {folder}")
    return 0


def fail(message: str) -> int:
    """Print a clear error and return the bad-input exit status."""
    print(f"playground: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playground`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["serve", *argv]
    args = parser.parse_args(argv)
    try:
        if args.command == "train":
            return run_train(args)
        if args.command == "evaluate":
            return run_evaluate(args)
        if args.command == "landscape":
            return run_landscape(args)
        if args.command == "download":
            return run_download(args)
        return run_serve(args)
    except KeyboardInterrupt:  # a second Ctrl-C while training, or one while loading
        print("\nplayground: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
