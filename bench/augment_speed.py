"""How fast is data augmentation, and how much does it slow an MNIST epoch?

    python bench/augment_speed.py [--data-dir DIR] [--augment SPEC] [--preview PNG]

Prints augmentation throughput (images per CPU second, 28×28 batches of 100,
min/median/max over repeats), then the CPU time of MNIST epochs of a 784-100-10 MLP at
batch 100 with and without augmentation, interleaved (one BLAS thread), and optionally
writes a preview grid as a PNG. CPU time rather than wall time, because the 2-core
machine is often shared with other work. Uses MNIST from the data directory, or random
images when it is not there.
"""

from __future__ import annotations

import argparse
import statistics
import struct
import sys
import time
import zlib
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.data.augment import parse_augment_spec, preview_grid
from playground.data.images import DataNotFoundError, load_mnist


def write_png(path: str | Path, image: np.ndarray) -> None:
    """Write a float image in [0, 1], (H, W) grey or (H, W, 3) colour, as an 8-bit PNG."""
    pixels = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
    colour_type = 2 if pixels.ndim == 3 else 0
    height, width = pixels.shape[:2]
    rows = pixels.reshape(height, -1)
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter type 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    )


def throughput(images: np.ndarray, spec, batch: int = 100, repeats: int = 7, batches: int = 200) -> list[float]:
    """Images per second of CPU time (robust to other processes sharing the cores)."""
    rng = np.random.default_rng(0)
    for i in range(20):  # warm up (allocator, caches) before timing
        spec.apply(images[i * batch : (i + 1) * batch], rng)
    rates = []
    for _ in range(repeats):
        start = time.process_time()
        for i in range(batches):
            offset = (i * batch) % (len(images) - batch)
            spec.apply(images[offset : offset + batch], rng)
        rates.append(batches * batch / (time.process_time() - start))
    return rates


def epoch_seconds(inputs, labels, augment, seed: int) -> float:
    """CPU seconds of one training epoch (one BLAS thread)."""
    from playground.engine import Network, Trainer, TrainingSettings

    network = Network([784, 100, 10], activation="relu", output_activation="softmax", cost="cross_entropy", seed=seed)
    trainer = Trainer(
        network, inputs, labels, TrainingSettings(learn_rate=0.1, batch_size=100, seed=seed), augment=augment
    )
    start = time.process_time()
    trainer.train(1, threads=1, evaluate=False)
    return time.process_time() - start


def describe(values: list[float], unit: str, digits: int = 0) -> str:
    return (
        f"min {min(values):,.{digits}f}  median {statistics.median(values):,.{digits}f}  "
        f"max {max(values):,.{digits}f} {unit}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--augment", default="rotate=15,scale=0.1,shift=2,noise=0.05")
    parser.add_argument("--preview", default=None, help="write a preview grid PNG here")
    parser.add_argument("--epochs", type=int, default=4, help="epochs timed with and without (0: skip)")
    args = parser.parse_args()
    spec = parse_augment_spec(args.augment)

    try:
        data = load_mnist(args.data_dir)
        images, labels = data.train_inputs(flatten=False), data.train_labels
        source = "MNIST"
    except DataNotFoundError:
        images = np.random.default_rng(0).random((60_000, 28, 28), dtype=np.float32)
        labels = np.arange(60_000) % 10
        source = "random images (MNIST not found)"
    print(f"augmentation {spec} on {source}, batches of 100 × 28×28, one BLAS thread")

    with threadpool_limits(1, user_api="blas"):
        print("  augmentation:", describe(throughput(images, spec), "images/s"))
        for single in ("rotate", "scale", "shift", "noise"):
            value = getattr(spec, single)
            if value:
                part = parse_augment_spec(f"{single}={value:g}")
                print(f"    {single} only:", describe(throughput(images, part, repeats=3), "images/s"))

    if args.epochs > 0:
        inputs = images.reshape(len(images), -1)
        augment = spec.batch_function(images.shape[1:])
        plain, augmented = [], []
        for seed in range(args.epochs):  # interleaved, so both see the same machine load
            plain.append(epoch_seconds(inputs, labels, None, seed))
            augmented.append(epoch_seconds(inputs, labels, augment, seed))
        print("  MNIST epoch, 784-100-10 relu, batch 100, CPU seconds:")
        print("    without augmentation:", describe(plain, "s", 2), f"({len(inputs) / min(plain):,.0f} samples/s)")
        print(
            "    with augmentation:   ", describe(augmented, "s", 2), f"({len(inputs) / min(augmented):,.0f} samples/s)"
        )
        ratios = [with_ / without for with_, without in zip(augmented, plain)]
        print("    slow-down:", describe(ratios, "×", 2))

    if args.preview:
        grid = preview_grid(images[:8], np.random.default_rng(0), **spec.as_dict(), n=8, rows=5)
        # Enlarge 4× so the pixels are visible.
        write_png(args.preview, np.kron(grid, np.ones((4, 4), dtype=np.float32)))
        print(f"  preview grid (top row: originals) written to {args.preview}")


if __name__ == "__main__":
    main()
