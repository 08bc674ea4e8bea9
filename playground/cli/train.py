"""``playground train``: train a network headless and print (or save) what it reached."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from playground.cli.arguments import EXIT_DIVERGED, fail
from playground.cli.evolve import evolution_problem, evolve


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
    if args.test_fraction is not None and not args.test_fraction < 1:
        return "--test-fraction must be below 1"
    if args.save and (problem := check_save_path(args.save)):
        return problem
    from playground.recipes import DATA_SETS, IMAGE_SETS

    image = args.data in IMAGE_SETS
    if args.test_data is not None and (args.data in DATA_SETS or not args.data.lower().endswith(".csv")):
        return "--test-data goes with --data FILE.csv (a file of training points)"
    if args.categories is not None and args.data != "quickdraw":
        return "--categories applies to --data quickdraw only"
    if args.categories is not None and len(set(args.categories)) < 2:
        return "--categories needs at least 2 categories: a classifier chooses between classes"
    if args.data == "quickdraw" and args.per_category < 10:
        return "--per-category must be at least 10 (each category's last rows are its test split)"
    if not image:
        for flag, value in [
            ("--augment", args.augment),
            ("--flip", args.flip or None),
            ("--standardize", args.standardize),
            ("--train-samples", args.train_samples),
            ("--validation", args.validation or None),
        ]:
            if value is not None:
                return f"{flag} applies to image data sets only ({', '.join(IMAGE_SETS)})"
    else:
        for flag, value in [("--task", args.task), ("--features", args.features)]:
            if value is not None:
                return f"{flag} applies to 2-D points only, not to {args.data}"
    return None


def run_train(args: argparse.Namespace) -> int:
    """Train headless; print accuracies (or JSON); save if asked."""
    from playground.engine import blas_threads, save_network
    from playground.recipes import Recipe, evaluate, prepare, with_task

    problem = check_train_arguments(args)
    if problem:
        return fail(problem)
    data, failed = load_recipe_data(Recipe.from_options(args))
    if failed is not None:
        return failed
    # The output and cost by default follow the task, known once the data is read.
    recipe = with_task(Recipe.from_options(args), data.task, args.output, args.cost).with_defaults()
    if args.method == "evolution" and data.task == "regression":
        return fail("--method evolution classifies; train a regression by gradient descent")
    if args.method == "evolution" and (problem := evolution_problem(data, args)):
        return fail(problem)
    try:
        run = prepare(recipe, data)
    except ValueError as error:
        return fail(str(error))
    network, trainer = run.network, run.trainer
    if not args.quiet and data.summary:
        print(data.summary + (f" ({data.notes})" if data.notes else ""), file=sys.stderr)
    if "step" in network.activations:
        print(
            "note: step has zero slope almost everywhere, so gradient descent cannot learn through it; try sigmoid",
            file=sys.stderr,
        )

    start = time.perf_counter()
    history: list[dict] = []  # per epoch, of image training
    with stop_on_interrupt(trainer):
        if args.method == "evolution":
            result, history = evolve(network, data, args, trainer), []
        elif data.image_shape is None:
            description = f"training {network.describe()} on {data.name}"
            result, history = train_toy(trainer, recipe, args.quiet, description), []
        else:
            result, history = train_images(trainer, recipe, args.quiet)
    seconds = time.perf_counter() - start

    run.finish()  # from now on the network takes [0, 1] pixels
    with blas_threads(recipe.threads):
        final = evaluate(network, data, recipe.l2, l1=recipe.l1).accuracies()
    save_problem = None
    if args.save:
        try:
            save_network(network, args.save)
        except OSError as error:  # e.g. the disk filled up during training
            save_problem = f"could not save the network to {args.save}: {error.strerror or error}"
    report = {
        "data": args.data,
        "task": data.task,
        "layers": network.layer_sizes,
        **scores(final, data.task),
        "epochs": result.epochs,
        "seconds": round(seconds, 3),
        "diverged": result.diverged,
    }
    if args.method == "evolution":
        report.update(
            {
                "method": "evolution",
                "generations": result.generations,
                "evaluations": result.evaluations,
                "samples_pushed": result.samples,
                "settings": {
                    "population": args.population,
                    "survivors": args.survivors,
                    "mutation_rate": args.mutation_rate,
                    "mutation_size": args.mutation_size,
                    "crossover": args.crossover,
                    "seed": args.seed,
                },
            }
        )
    if data.image_shape is None:
        report.update(
            {
                "features": list(recipe.features or ("x1", "x2")),
                "train_samples": len(data.train_labels),
                "test_samples": len(data.test_labels),
                "l1": recipe.l1,
                "l2": recipe.l2,
            }
        )
    else:
        report.update(
            {
                "train_samples": len(data.train_labels),
                "test_samples": len(data.test_labels),
                "validation": recipe.validation,  # > 0: the "test" figures are on held-out training images
                "samples_per_second": round(len(data.train_labels) * result.epochs / seconds) if seconds else None,
                "augment": str(recipe.augment) if recipe.augment is not None else "none",
                "flip": bool(recipe.flip),
                "standardize": bool(recipe.standardize),
                "settings": {
                    "activation": recipe.activation,
                    "optimizer": recipe.optimizer,
                    "learn_rate": recipe.learn_rate,
                    "momentum": recipe.momentum,
                    "batch_size": recipe.batch_size,
                    "l2": recipe.l2,
                    "decay": recipe.decay,
                    "input_noise": recipe.input_noise,
                    "seed": recipe.seed,
                },
                "history": history,
            }
        )
    if result.diverged:
        print(f"training diverged: {result.message}", file=sys.stderr)
    elif result.stopped:
        done = f"{result.generations} generations" if args.method == "evolution" else f"{result.epochs} epochs"
        print(f"training stopped by Ctrl-C after {done}", file=sys.stderr)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"network: {network.describe()}")
        if args.method == "evolution":
            print(f"generations: {result.generations} in {seconds:.2f} s")
            print(f"evaluations: {result.evaluations} (each on {len(data.train_labels)} training samples)")
        else:
            print(f"epochs: {result.epochs} in {seconds:.2f} s")
        if args.save and not save_problem:
            print(f"saved: {args.save}")
        scored_on = "validation" if recipe.validation else "test"
        if data.task == "regression":
            lines = [("train cost", final["train_cost"]), (f"{scored_on} cost", final["test_cost"])]
            lines += [("train R²", final["train_accuracy"]), (f"{scored_on} R²", final["test_accuracy"])]
        else:
            lines = [("train accuracy", final["train_accuracy"]), (f"{scored_on} accuracy", final["test_accuracy"])]
        for name, value in lines:
            if value is not None:
                print(f"{name}: {value:.4f}")
    if save_problem:
        return fail(save_problem)
    return EXIT_DIVERGED if result.diverged else 0


def scores(final: dict, task: str) -> dict:
    """The figures a report shows: costs and accuracies, or for regression costs and R²."""
    if task == "regression":
        return {
            "train_cost": final["train_cost"],
            "test_cost": final["test_cost"],
            "train_r2": final["train_accuracy"],
            "test_r2": final["test_accuracy"],
        }
    return {
        "train_accuracy": final["train_accuracy"],
        "test_accuracy": final["test_accuracy"],
        "train_cost": final["train_cost"],
        "test_cost": final["test_cost"],
    }


def load_recipe_data(recipe):
    """The recipe's data and None, or None and the bad-input exit status after saying what is wrong."""
    from playground.data.images import DataFileError, DataNotFoundError
    from playground.data.points_csv import PointsCSVError
    from playground.recipes import load_data

    try:
        return load_data(recipe), None
    except (DataNotFoundError, PointsCSVError) as error:
        return None, fail(str(error))
    except DataFileError as error:
        return None, fail(
            f"a data file is unusable: {error}. Delete it and run `playground download "
            f"{recipe.data}` again, or point --data-dir at a good copy."
        )
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

    with tqdm(
        total=recipe.epochs, desc=description, unit="epoch", disable=quiet, file=sys.stderr, leave=False
    ) as progress:
        score = "r2" if trainer.network.task == "regression" else "acc"

        def on_epoch(event):
            progress.update(1)
            progress.set_postfix(
                cost=f"{event.train_cost:.4f}", **{score: f"{event.train_accuracy:.3f}"}, refresh=False
            )

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
        bars.append(
            tqdm(
                total=n_train,
                desc=f"epoch {trainer.epoch + 1}/{epochs}",
                unit=" samples",
                unit_scale=True,
                disable=quiet,
                file=sys.stderr,
                leave=True,
                dynamic_ncols=True,
            )
        )
        epoch_start[0] = time.perf_counter()

    def on_batch(event) -> None:
        bar = bars[-1]
        done = min(event.batch * recipe.batch_size, n_train)
        bar.update(done - bar.n)
        if not event.end_of_epoch:
            return
        seconds = time.perf_counter() - epoch_start[0]
        scores = monitor.measure()
        history.append(
            {
                "epoch": trainer.epoch,
                "train_cost": round(scores["train_cost"], 5),
                "train_accuracy": round(scores["train_accuracy"], 5),
                "test_cost": round(scores["test_cost"], 5),
                "test_accuracy": round(scores["test_accuracy"], 5),
                "seconds": round(seconds, 3),
                "learn_rate": event.learn_rate,
            }
        )
        bar.set_postfix(
            {
                "cost": f"{scores['train_cost']:.4f}",
                "acc": f"{scores['train_accuracy']:.4f}",
                "test acc": f"{scores['test_accuracy']:.4f}",
            }
        )
        bar.close()
        if trainer.epoch < epochs:
            new_bar()

    new_bar()
    try:
        result = trainer.train(epochs, on_batch=on_batch, threads=recipe.threads, evaluate=False)
    finally:
        bars[-1].close()
    return result, history
