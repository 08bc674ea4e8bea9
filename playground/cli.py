"""The command line: ``playground serve`` (the default), ``playground train``, ``playground download``.

Exit status: 0 success, 2 bad arguments or input, 3 training diverged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Sequence

import numpy as np

EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3

TOY_EPOCHS = 1000
IMAGE_EPOCHS = {"digits": 30}


def layer_list(text: str) -> list[int]:
    """argparse type for '8,8': hidden layer widths ('' or 'none' for no hidden layer)."""
    from playground.engine.network import parse_layer_sizes

    if text.strip().lower() in ("", "none", "0"):
        return []
    try:
        return parse_layer_sizes(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def positive(kind: type):
    """argparse type: a number of ``kind`` that is > 0."""

    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind.__name__}") from None
        if not value > 0 or (kind is float and not np.isfinite(value)):
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value

    return convert


def non_negative(text: str) -> float:
    """argparse type: a finite float ≥ 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (value >= 0 and np.isfinite(value)):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number ≥ 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    from playground.data.toy import TOY_DATASETS
    from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS

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
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Train a network on a data set with mini-batch gradient descent. "
        "Prints 'train accuracy: …' and 'test accuracy: …' (fractions), or one JSON line with --json. "
        "Exit status 0 on success, 2 on bad arguments, 3 when training diverged.",
    )
    train.add_argument("--data", default="fruit-curved", choices=TOY_DATASETS + ["digits"],
                       help="data set to train on")
    train.add_argument("--layers", type=layer_list, default=[8, 8],
                       help="hidden layer widths, comma-separated ('none' for no hidden layer)")
    train.add_argument("--activation", default="tanh", choices=HIDDEN_ACTIVATIONS, help="hidden activation")
    train.add_argument("--output", default="softmax", choices=OUTPUT_ACTIVATIONS, help="output activation")
    train.add_argument("--cost", default="cross-entropy", choices=["cross-entropy", "quadratic"], help="cost function")
    train.add_argument("--optimizer", default="momentum", choices=OPTIMIZERS, help="optimizer")
    train.add_argument("--learn-rate", type=positive(float), default=0.1, help="learn rate")
    train.add_argument("--momentum", type=non_negative, default=0.9, help="momentum (momentum and nesterov)")
    train.add_argument("--batch-size", type=positive(int), default=32, help="mini-batch size")
    train.add_argument("--epochs", type=positive(int), default=None,
                       help=f"epochs (default: {TOY_EPOCHS} for the 2-D toy sets, 30 for digits)")
    train.add_argument("--l2", type=non_negative, default=0.0, help="L2 regularisation strength λ")
    train.add_argument("--decay", type=non_negative, default=0.0, help="learn rate decay: lr / (1 + decay·epoch)")
    train.add_argument("--input-noise", type=non_negative, default=0.0,
                       help="std of Gaussian noise added to every training input")
    train.add_argument("--samples", type=positive(int), default=200, help="samples in a toy data set")
    train.add_argument("--noise", type=non_negative, default=None, help="toy data noise (default: the data set's own)")
    train.add_argument("--test-fraction", type=non_negative, default=0.2, help="fraction held out as test data")
    train.add_argument("--seed", type=int, default=0, help="seed of the data, the weights and the shuffling")
    train.add_argument("--threads", type=positive(int), default=1,
                       help="BLAS threads (results are bit-identical for the same count)")
    train.add_argument("--dtype", default="float32", choices=["float32", "float64"], help="number type")
    train.add_argument("--save", metavar="PATH", default=None, help="save the trained network (.npz)")
    train.add_argument("--json", action="store_true", help="print one JSON line instead of text")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
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


def run_train(args: argparse.Namespace) -> int:
    """Train headless; print accuracies (or JSON); save if asked."""
    from tqdm import tqdm

    from playground.data.toy import make_dataset
    from playground.engine import Network, Trainer, TrainingSettings, save_network

    if not args.test_fraction < 1:
        return fail("--test-fraction must be below 1")
    dataset = make_dataset(args.data, n_samples=args.samples, noise=args.noise,
                           test_fraction=args.test_fraction, seed=args.seed)
    epochs = args.epochs or IMAGE_EPOCHS.get(args.data, TOY_EPOCHS)
    layer_sizes = [dataset.train_inputs.shape[1], *args.layers, dataset.n_classes]
    try:
        network = Network(layer_sizes, activation=args.activation, output_activation=args.output,
                          cost=args.cost, seed=args.seed, dtype=np.dtype(args.dtype))
        settings = TrainingSettings(learn_rate=args.learn_rate, batch_size=args.batch_size,
                                    optimizer=args.optimizer, momentum=args.momentum, l2=args.l2,
                                    decay=args.decay, input_noise=args.input_noise, seed=args.seed)
        trainer = Trainer(network, dataset.train_inputs, dataset.train_labels, settings,
                          dataset.test_inputs, dataset.test_labels)
    except ValueError as error:
        return fail(str(error))

    start = time.perf_counter()
    with tqdm(total=epochs, desc=f"training {network.describe()} on {args.data}", unit="epoch",
              disable=args.quiet, file=sys.stderr, leave=False) as progress:
        def on_epoch(event):
            progress.update(1)
            progress.set_postfix(cost=f"{event.train_cost:.4f}", acc=f"{event.train_accuracy:.3f}", refresh=False)

        result = trainer.train(epochs, on_epoch=on_epoch, threads=args.threads)
    seconds = time.perf_counter() - start

    final = trainer.evaluate(seconds)
    if args.save:
        save_network(network, args.save)
    report = {
        "data": args.data,
        "layers": layer_sizes,
        "train_accuracy": final.train_accuracy,
        "test_accuracy": final.test_accuracy,
        "train_cost": final.train_cost,
        "test_cost": final.test_cost,
        "epochs": result.epochs,
        "seconds": round(seconds, 3),
        "diverged": result.diverged,
    }
    if result.diverged:
        print(f"training diverged: {result.message}", file=sys.stderr)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"network: {network.describe()}")
        print(f"epochs: {result.epochs} in {seconds:.2f} s")
        if args.save:
            print(f"saved: {args.save}")
        print(f"train accuracy: {final.train_accuracy:.4f}")
        if final.test_accuracy is not None:
            print(f"test accuracy: {final.test_accuracy:.4f}")
    return EXIT_DIVERGED if result.diverged else 0


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
    if args.command == "train":
        return run_train(args)
    return run_serve(args)


if __name__ == "__main__":
    sys.exit(main())
