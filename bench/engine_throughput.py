"""Training throughput (samples/second) of our engine, PyTorch (CPU) and scikit-learn's MLPClassifier.

All three train the same networks on the same synthetic MNIST-shaped data
(784 inputs in [0, 1], 10 classes), float32, softmax + cross-entropy, SGD with
momentum 0.9, in one run, with the same number of BLAS threads. Each figure is
the min / median / max over several timed repeats of one pass over the data.

    python bench/engine_throughput.py                 # full run (about 3 minutes)
    python bench/engine_throughput.py --quick         # a smoke run
    python bench/engine_throughput.py --config "784-100-10 sigmoid:100"   # one network and batch size
    pip install torch==2.13.0                         # the peer (bench only; optional)

Prints a Markdown table (paste into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from playground.engine import Network, Trainer, TrainingSettings

CONFIGS = [
    # (name, hidden layers, activation, batch size)
    ("784-100-10 sigmoid", [100], "sigmoid", 32),
    ("784-100-10 sigmoid", [100], "sigmoid", 100),
    ("784-100-10 sigmoid", [100], "sigmoid", 512),
    ("784-512-256-10 relu", [512, 256], "relu", 100),
]
LEARN_RATE = 0.05
MOMENTUM = 0.9


def synthetic_mnist(n_samples: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n_samples, 784), dtype=np.float32), rng.integers(0, 10, n_samples)


def time_repeats(run_one_pass, n_samples: int, repeats: int) -> list[float]:
    """Samples/second of each timed pass, after one untimed warm-up pass."""
    run_one_pass()
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        run_one_pass()
        rates.append(n_samples / (time.perf_counter() - start))
    return rates


def ours(inputs, labels, hidden, activation, batch_size, repeats):
    network = Network(
        [784, *hidden, 10], activation=activation, output_activation="softmax", cost="cross_entropy", seed=0
    )
    settings = TrainingSettings(learn_rate=LEARN_RATE, batch_size=batch_size, optimizer="momentum", momentum=MOMENTUM)
    trainer = Trainer(network, inputs, labels, settings)
    return time_repeats(lambda: trainer.train(1, evaluate=False, threads=None), len(inputs), repeats)


def pytorch(inputs, labels, hidden, activation, batch_size, repeats):
    import torch

    torch.manual_seed(0)
    sizes = [784, *hidden, 10]
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.Sigmoid() if activation == "sigmoid" else torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])  # logits out; the loss applies log-softmax
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARN_RATE, momentum=MOMENTUM)
    loss_function = torch.nn.CrossEntropyLoss()
    x, y = torch.from_numpy(inputs), torch.from_numpy(labels)
    generator = torch.Generator().manual_seed(0)

    def one_epoch():
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_function(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()

    return time_repeats(one_epoch, len(inputs), repeats)


def scikit_learn(inputs, labels, hidden, activation, batch_size, repeats):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=tuple(hidden),
        activation="logistic" if activation == "sigmoid" else "relu",
        solver="sgd",
        learning_rate_init=LEARN_RATE,
        momentum=MOMENTUM,
        nesterovs_momentum=False,
        batch_size=batch_size,
        alpha=0.0,
        random_state=0,
    )
    classes = np.arange(10)

    def one_epoch():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.partial_fit(inputs, labels, classes=classes)

    return time_repeats(one_epoch, len(inputs), repeats)


def summary(rates: list[float] | None) -> str:
    if not rates:
        return "n/a"
    return f"{min(rates):,.0f} / {statistics.median(rates):,.0f} / {max(rates):,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20_000, help="samples per timed pass")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes per engine and network")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads for every engine")
    parser.add_argument("--quick", action="store_true", help="2,000 samples, 2 repeats")
    parser.add_argument(
        "--config",
        action="append",
        metavar="NETWORK:BATCH",
        help="only this network and batch size, e.g. '784-100-10 sigmoid:100' (repeatable)",
    )
    args = parser.parse_args()
    if args.quick:
        args.samples, args.repeats = 2_000, 2
    configs = [c for c in CONFIGS if not args.config or f"{c[0]}:{c[3]}" in args.config]
    if not configs:
        parser.error(f"no such configuration; choose from: {', '.join(f'{c[0]}:{c[3]}' for c in CONFIGS)}")

    try:
        import torch

        torch.set_num_threads(args.threads)
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    import sklearn

    inputs, labels = synthetic_mnist(args.samples)
    blas = ", ".join(f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})" for i in threadpool_info())
    print(f"# Engine throughput, samples/s (min / median / max of {args.repeats} passes of {args.samples:,} samples)")
    print(
        f"Python {platform.python_version()}, NumPy {np.__version__}, BLAS: {blas}, threads: {args.threads}, "
        f"PyTorch {torch_version or 'not installed'}, scikit-learn {sklearn.__version__}\n"
    )
    print("| network | batch | ours | PyTorch | scikit-learn | ours ÷ faster peer (medians) |")
    print("|---|---:|---:|---:|---:|---:|")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for name, hidden, activation, batch_size in configs:
            results = {"ours": ours(inputs, labels, hidden, activation, batch_size, args.repeats)}
            if torch_version:
                results["torch"] = pytorch(inputs, labels, hidden, activation, batch_size, args.repeats)
            results["sklearn"] = scikit_learn(inputs, labels, hidden, activation, batch_size, args.repeats)
            peers = [statistics.median(results[k]) for k in ("torch", "sklearn") if k in results]
            ratio = statistics.median(results["ours"]) / max(peers)
            print(
                f"| {name} | {batch_size} | {summary(results['ours'])} | {summary(results.get('torch'))} | "
                f"{summary(results['sklearn'])} | {ratio:.2f}× |",
                flush=True,
            )


if __name__ == "__main__":
    main()
