"""Training throughput of small CNNs (forward + backward + update), ours vs PyTorch CPU, in one run.

    python bench/conv_throughput.py                # both networks, 1 and 2 threads, 5 repeats
    python bench/conv_throughput.py --quick        # a smoke run
    pip install torch==2.13.0                      # the peer (bench only)

Each engine trains the same network on the same synthetic images (float32, batch 64,
softmax + cross-entropy, SGD with momentum 0.9); each figure is samples/s, min / median /
max over timed passes after a warm-up pass, at the better of one and two threads. Ours is
also broken down: the GFLOP/s of the conv layers' matrix products against the machine's
matrix-product peak (a plain float32 GEMM of the same size), and where the rest goes.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from playground.engine import Network, Trainer, TrainingSettings
from playground.engine.conv import Conv2D

NETWORKS = [
    # (name, spec, image shape)
    ("conv16x5,pool2,conv32x5,pool2 on 28×28×1", "conv16x5,pool2,conv32x5,pool2", (28, 28, 1)),
    ("conv32x5,pool2,conv64x5,pool2,256 on 32×32×3", "conv32x5,pool2,conv64x5,pool2,256", (32, 32, 3)),
]
BATCH, LEARN_RATE, MOMENTUM = 64, 0.01, 0.9


def images(n: int, shape: tuple[int, int, int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, int(np.prod(shape))), dtype=np.float32), rng.integers(0, 10, n)


def rates(one_pass, n: int, repeats: int) -> list[float]:
    one_pass()  # warm-up
    measured = []
    for _ in range(repeats):
        start = time.perf_counter()
        one_pass()
        measured.append(n / (time.perf_counter() - start))
    return measured


def ours(spec: str, shape, inputs, labels, repeats: int, threads: int) -> list[float]:
    network = Network.from_spec(spec, shape, 10, seed=0)
    settings = TrainingSettings(learn_rate=LEARN_RATE, batch_size=BATCH, optimizer="momentum", momentum=MOMENTUM)
    trainer = Trainer(network, inputs, labels, settings)
    return rates(lambda: trainer.train(1, evaluate=False, threads=threads), len(inputs), repeats)


def torch_model(spec: str, shape):
    import torch

    layers, channels, side, flat = [], shape[2], shape[0], None
    for part in spec.split(","):
        if part.startswith("conv"):
            filters, kernel = map(int, part[4:].split("x"))
            layers += [torch.nn.Conv2d(channels, filters, kernel, padding=kernel // 2), torch.nn.ReLU()]
            channels = filters
        elif part.startswith("pool"):
            size = int(part[4:])
            layers.append(torch.nn.MaxPool2d(size))
            side //= size
        else:
            if flat is None:
                layers.append(torch.nn.Flatten())
                flat = channels * side * side
            layers += [torch.nn.Linear(flat, int(part)), torch.nn.ReLU()]
            flat = int(part)
    if flat is None:
        layers.append(torch.nn.Flatten())
        flat = channels * side * side
    layers.append(torch.nn.Linear(flat, 10))
    return torch.nn.Sequential(*layers)


def pytorch(spec: str, shape, inputs, labels, repeats: int, threads: int) -> list[float]:
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch_model(spec, shape)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARN_RATE, momentum=MOMENTUM)
    loss_function = torch.nn.CrossEntropyLoss()
    x = torch.from_numpy(inputs.reshape(len(inputs), *shape)).permute(0, 3, 1, 2).contiguous()  # NCHW, its own layout
    y = torch.from_numpy(labels)
    generator = torch.Generator().manual_seed(0)

    def one_pass():
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), BATCH):
            batch = order[start : start + BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss_function(model(x[batch]), y[batch]).backward()
            optimizer.step()

    return rates(one_pass, len(inputs), repeats)


def conv_breakdown(spec: str, shape, threads: int, repeats: int = 5) -> list[dict]:
    """For each conv layer of the network, on one batch: the time of its forward and backward
    steps, the part spent in its three matrix products, and their GFLOP/s; and a plain GEMM of
    the forward product's size (the machine's matrix-product speed at that shape)."""
    network = Network.from_spec(spec, shape, 10, seed=0)
    a = np.random.default_rng(1).random((BATCH, *shape), dtype=np.float32)
    rows = []
    with threadpool_limits(threads):
        for index, layer in enumerate(network.layers):
            if isinstance(layer, Conv2D):
                first = index == 0  # training skips the first layer's input gradient
                z = layer.forward(a)
                delta = np.ones_like(z)
                cols = layer.patches(layer.padded(a))
                flat_weights = layer.weights.reshape(-1, layer.out_channels)
                # best_time calls each lambda at once, in this iteration: the loop variables they read are current.
                step = best_time(lambda: (layer.forward(a), layer.backward(delta, input_gradient=not first)), repeats)  # noqa: B023
                flat_delta = delta.reshape(-1, layer.out_channels)
                products = best_time(
                    lambda: (cols @ flat_weights, cols.T @ flat_delta, None if first else flat_delta @ flat_weights.T),  # noqa: B023
                    repeats,
                )
                flops = (2 if first else 3) * 2 * cols.shape[0] * cols.shape[1] * flat_weights.shape[1]
                square = int(round((cols.shape[0] * cols.shape[1] * flat_weights.shape[1]) ** (1 / 3)))
                big = np.random.default_rng(2).random((square, square), dtype=np.float32)
                peak = 2 * square**3 / best_time(lambda: big @ big, repeats) / 1e9  # noqa: B023
                rows.append(
                    {
                        "layer": repr(layer),
                        "patches": cols.shape,
                        "step_ms": 1000 * step,
                        "products_ms": 1000 * products,
                        "gflops": flops / products / 1e9,
                        "gflops_whole_step": flops / step / 1e9,
                        "peak_gflops": peak,
                    }
                )
            a = layer.forward(a, keep=False)
    return rows


def best_time(function, repeats: int) -> float:
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def summary(values: list[float]) -> str:
    return f"{min(values):,.0f} / {statistics.median(values):,.0f} / {max(values):,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=3_200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.samples, args.repeats = 640, 2
    try:
        import torch

        peer = f"PyTorch {torch.__version__}"
    except ImportError:
        torch, peer = None, None
    print(
        f"# Conv training throughput, samples/s (min / median / max of {args.repeats} passes of "
        f"{args.samples:,} images, batch {BATCH}, the better of 1 and 2 threads by median)\n"
    )
    print(f"| network | ours | {peer or 'PyTorch (not installed)'} | ours / PyTorch |")
    print("|---|---:|---:|---:|")
    for name, spec, shape in NETWORKS:
        inputs, labels = images(args.samples, shape)
        mine = max((ours(spec, shape, inputs, labels, args.repeats, t) for t in (1, 2)), key=statistics.median)
        theirs = (
            max((pytorch(spec, shape, inputs, labels, args.repeats, t) for t in (1, 2)), key=statistics.median)
            if torch
            else None
        )
        ratio = f"{statistics.median(mine) / statistics.median(theirs):.2f}×" if theirs else "n/a"
        print(f"| {name} | {summary(mine)} | {summary(theirs) if theirs else 'n/a'} | {ratio} |")
    print(
        "\nOur conv layers, one batch, 2 threads (products: the forward, weight-gradient and "
        "patch-gradient matrix products alone; peak: a square float32 GEMM of the same work):\n"
    )
    print(
        "| layer | patches | forward + backward | of which products | products GFLOP/s | whole step GFLOP/s "
        "| GEMM peak GFLOP/s |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for _, spec, shape in NETWORKS:
        for row in conv_breakdown(spec, shape, threads=2):
            print(
                f"| {row['layer']} | {row['patches'][0]:,} × {row['patches'][1]} | {row['step_ms']:.1f} ms | "
                f"{row['products_ms']:.1f} ms | {row['gflops']:.0f} | {row['gflops_whole_step']:.0f} | "
                f"{row['peak_gflops']:.0f} |"
            )


if __name__ == "__main__":
    main()
