"""Test accuracy of the engine's MLPs on the image data sets, next to the seed video's figures.

    python bench/accuracy.py [--set mlp|conv] [--data-dir DIR] [--only NAME,...] [--write] [--skip-overhead]
    python bench/accuracy.py --set conv --validation [--only NAME,...]

Runs ``playground train`` once per row of ``RUNS`` (the multi-layer perceptrons) or
``CONV_RUNS`` (the convolutional networks) below, each a real command line, prints held-out
test accuracy, wall time and the exact command, and with ``--write`` puts the table into
that set's section of docs/benchmarks.md (replacing it, leaving the others alone; only when
every row of the set ran). For the MLPs it then times MNIST epochs with and without
augmentation (wall and CPU seconds), since augmentation must not make an epoch much more
than twice as slow.

Settings are chosen on a validation split carved from the training images (``playground
train --validation N``: the last 10,000 of a fixed shuffle; 5,000 for CIFAR-10), never on
the test images; the rows then train on all training images and are scored once on the
test images. ``--validation`` runs the rows that way instead and saves each report (with
its per-epoch validation accuracy) to bench/results/validation-<data>-<settings>.json, which
``--write`` quotes beside the test figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accuracy_report import (  # noqa: E402
    BENCHMARKS_MD,
    CONV_SECTION,
    SECTION,
    conv_section,
    markdown_section,
    minutes,
    percent,
    verdict,
    write_section,
)


@dataclass(frozen=True)
class Run:
    """One row of the table: a data set, the arguments after ``playground train``, what to compare with."""

    label: str
    args: tuple[str, ...]
    target: float | None  # SPEC.md's target (fraction), None when only reported
    seed_video: float | None  # the seed video's test accuracy (fraction)
    note: str = ""
    threads: int = 1  # BLAS threads
    validation: int = 10_000  # training images held out by --validation

    @property
    def data(self) -> str:
        return self.args[self.args.index("--data") + 1]


QUICKDRAW_5 = "cat,bicycle,helicopter,octopus,tractor"
QUICKDRAW_ARGS = (
    "--layers",
    "1024,512",
    "--activation",
    "relu",
    "--optimizer",
    "adam",
    "--learn-rate",
    "0.001",
    "--decay",
    "0.1",
    "--l2",
    "0.0001",
    "--batch-size",
    "100",
    "--epochs",
    "60",
    "--augment",
    "rotate=15,scale=0.15,shift=3",
    "--flip",
)
FASHION_ARGS = (
    "--data",
    "fashion-mnist",
    "--layers",
    "1024,512",
    "--activation",
    "relu",
    "--optimizer",
    "adam",
    "--learn-rate",
    "0.001",
    "--decay",
    "0.2",
    "--batch-size",
    "100",
    "--epochs",
    "40",
    "--augment",
    "shift=1",
    "--flip",
)

RUNS = [
    Run(
        "MNIST",
        (
            "--data",
            "mnist",
            "--layers",
            "1024,512",
            "--activation",
            "relu",
            "--optimizer",
            "adam",
            "--learn-rate",
            "0.001",
            "--decay",
            "0.15",
            "--batch-size",
            "100",
            "--epochs",
            "40",
            "--augment",
            "rotate=10,scale=0.1,shift=2",
        ),
        target=0.985,
        seed_video=0.97,
    ),
    Run("Fashion-MNIST", FASHION_ARGS, target=0.895, seed_video=0.89),
    Run(
        "Quick, Draw! 5 categories",
        ("--data", "quickdraw", "--categories", QUICKDRAW_5, *QUICKDRAW_ARGS),
        target=0.90,
        seed_video=0.87,
        note="the 5 categories with ≥ 1,000 official bitmaps here (cat and bicycle 3,000 rows, the others "
        "1,000); test = the last 20 % of each category's rows, 1,800 drawings",
    ),
    Run(
        "Quick, Draw! 10 categories",
        ("--data", "quickdraw", *QUICKDRAW_ARGS),
        target=None,
        seed_video=0.87,
        note="only 25 drawings each of house plant, cruise ship, windmill, popsicle and umbrella exist here "
        "(20 train, 5 test each), re-rendered from strokes: those five classes are learned from 20 "
        "examples against 800–2,400 of the others, so this figure says little about the official "
        "10-category task (target ≥ 88 % there)",
    ),
    Run(
        "CIFAR-10",
        (
            "--data",
            "cifar-10",
            "--layers",
            "1024,512",
            "--activation",
            "relu",
            "--optimizer",
            "adam",
            "--learn-rate",
            "0.0005",
            "--decay",
            "0.1",
            "--batch-size",
            "100",
            "--epochs",
            "30",
            "--standardize",
            "--augment",
            "shift=2",
            "--flip",
        ),
        target=0.53,
        seed_video=0.53,
        note="30,000 training images (data_batch_1..3) with JPEG-derived pixels; the seed video trained on "
        "the official 50,000",
    ),
]

# Convolutional networks (SPEC F4, issue 12): two BLAS threads, the whole 2-core machine.
CONV_RUNS = [
    Run(
        "MNIST",
        (
            "--data",
            "mnist",
            "--layers",
            "conv16x5,pool2,conv32x5,pool2,128",
            "--epochs",
            "12",
            "--decay",
            "0.2",
            "--augment",
            "rotate=10,scale=0.1,shift=2",
        ),
        target=0.993,
        seed_video=0.97,
        threads=2,
        note="classic LeNet-5: 99.05 %; ConvNetJS's MNIST demo: about 99 %",
    ),
    Run(
        "Fashion-MNIST",
        (
            "--data",
            "fashion-mnist",
            "--layers",
            "conv32x3,pool2,conv64x3,pool2,256",
            "--epochs",
            "12",
            "--decay",
            "0.2",
            "--flip",
            "--augment",
            "shift=1",
        ),
        target=0.92,
        seed_video=0.89,
        threads=2,
        note="the data set's published two-conv baselines: 87.6–91.6 %",
    ),
    Run(
        "CIFAR-10",
        (
            "--data",
            "cifar-10",
            "--layers",
            "conv32x5,pool2,conv64x5,pool2,256",
            "--epochs",
            "30",
            "--decay",
            "0.1",
            "--flip",
            "--augment",
            "shift=2",
        ),
        target=0.70,
        seed_video=0.53,
        threads=2,
        validation=5_000,
        note="30,000 training images (data_batch_1..3) with JPEG-derived pixels; the seed video's MLP "
        "trained on the official 50,000",
    ),
]
SETS = {"mlp": (RUNS, SECTION), "conv": (CONV_RUNS, CONV_SECTION)}
RESULTS = ROOT / "bench" / "results"


def command_line(run: Run, data_dir: str | None, validation: bool = False) -> list[str]:
    """The exact ``playground train`` command of a row (as printed and as run)."""
    extra = ["--data-dir", data_dir] if data_dir else []
    held_out = ["--validation", str(run.validation)] if validation else []
    return ["playground", "train", *run.args, *held_out, *extra, "--threads", str(run.threads), "--seed", "0", "--json"]


def run_one(run: Run, data_dir: str | None, validation: bool = False) -> dict:
    """Run a row's command in a fresh interpreter; its JSON report plus the wall time."""
    command = command_line(run, data_dir, validation)
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "playground.cli", *command[1:]], capture_output=True, text=True, cwd=ROOT
    )
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(
            f"{run.label}: `{shlex.join(command)}` failed (exit {completed.returncode}):\n{completed.stderr[-2000:]}"
        )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    report["wall_seconds"] = wall
    report["command"] = shlex.join(command)
    return report


# ---------------------------------------------------------------------------
# Augmentation cost


def augmentation_overhead(data_dir: str | None, repeats: int = 3) -> list[dict]:
    """Wall and CPU seconds of MNIST epochs without augmentation, with it serially, and with prefetch."""
    import numpy as np

    from playground.data.augment import parse_augment_spec
    from playground.data.images import load_mnist
    from playground.engine import Network, Trainer, TrainingSettings

    data = load_mnist(data_dir)
    inputs, labels = data.train_inputs(), data.train_labels
    spec = parse_augment_spec("rotate=15,scale=0.1,shift=2,noise=0.05")
    augment = spec.batch_function(data.image_shape)
    rows = []
    for hidden in ([100], [1024, 512]):
        times: dict[str, list[tuple[float, float]]] = {"none": [], "serial": [], "prefetch": []}
        for seed in range(repeats):  # interleaved, so all three see the same machine load
            for mode in times:
                network = Network([784, *hidden, 10], activation="relu", seed=seed)
                trainer = Trainer(
                    network,
                    inputs,
                    labels,
                    TrainingSettings(learn_rate=0.001, optimizer="adam", batch_size=100, seed=seed),
                    augment=None if mode == "none" else augment,
                    prefetch=mode == "prefetch",
                )
                wall, cpu = time.perf_counter(), time.process_time()
                trainer.train(1, threads=1, evaluate=False)
                times[mode].append((time.perf_counter() - wall, time.process_time() - cpu))
        median = {
            mode: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for mode, values in times.items()
        }
        rows.append(
            {
                "network": "-".join(map(str, [784, *hidden, 10])) + " relu",
                "augment": str(spec),
                "median": median,
                "all": times,
                "cpu_count": os.cpu_count(),
                "load": np.round(os.getloadavg(), 2).tolist(),
            }
        )
    return rows


def validation_file(run: Run) -> Path:
    """Where a row's validation report is kept: one file per data set and settings, so the
    candidates tried stay side by side."""
    settings = " ".join(settings_of(command_line(run, None, validation=True)))
    return RESULTS / f"validation-{run.data}-{hashlib.sha1(settings.encode()).hexdigest()[:8]}.json"


def saved_validation(run: Run) -> dict | None:
    """The saved validation report of a row, if it was run with the row's present settings."""
    path = validation_file(run)
    return json.loads(path.read_text()) if path.exists() else None


def validation_candidates(run: Run) -> list[dict]:
    """Every saved validation report on the row's data set (the settings tried), best last."""
    reports = [json.loads(path.read_text()) for path in sorted(RESULTS.glob(f"validation-{run.data}-*.json"))]
    return sorted(reports, key=lambda report: report["test_accuracy"])


def settings_of(command: list[str]) -> list[str]:
    """A command without --data-dir and --threads: what decides the network it trains."""
    kept, skip = [], False
    for word in command:
        if skip:
            skip = False
        elif word in ("--data-dir", "--threads"):
            skip = True
        else:
            kept.append(word)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=SETS, default="mlp", help="the MLP rows or the conv rows")
    parser.add_argument("--data-dir", default=None, help="data directory (default: $PLAYGROUND_DATA_DIR)")
    parser.add_argument("--only", default=None, help="comma-separated labels or --data names of rows to run")
    parser.add_argument(
        "--validation",
        action="store_true",
        help="score on held-out training images instead of the test images; save the reports",
    )
    parser.add_argument("--write", action="store_true", help="write the set's section of docs/benchmarks.md")
    parser.add_argument("--skip-overhead", action="store_true", help="do not time augmentation")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    args = parser.parse_args()

    all_runs, section = SETS[args.set]
    runs = all_runs
    if args.only:
        wanted = {name.strip().lower() for name in args.only.split(",")}
        runs = [run for run in all_runs if run.label.lower() in wanted or run.data in wanted]
    if args.dry_run:
        for run in runs:
            print(shlex.join(command_line(run, args.data_dir, args.validation)))
        return
    if args.write and (runs != all_runs or args.validation):
        raise SystemExit(
            "--write needs every row of the set, scored on the test images: leave out --only and --validation"
        )

    started = date.today().isoformat()
    load_before = os.getloadavg()
    print(f"accuracy benchmark, {platform.python_version()}, {os.cpu_count()} cores, load {load_before}", flush=True)
    reports = []
    scored_on = "validation" if args.validation else "test"
    for run in runs:
        print(f"\n{run.label}: {shlex.join(command_line(run, args.data_dir, args.validation))}", flush=True)
        report = run_one(run, args.data_dir, args.validation)
        reports.append((run, report))
        if args.validation:
            RESULTS.mkdir(exist_ok=True)
            validation_file(run).write_text(json.dumps({**report, "data_dir": args.data_dir}, indent=1) + "\n")
            print(
                "  " + "; ".join(f"epoch {row['epoch']}: {percent(row['test_accuracy'])}" for row in report["history"]),
                flush=True,
            )
        print("  " + json.dumps({key: value for key, value in report.items() if key != "history"}), flush=True)
        print(
            f"  {scored_on} accuracy {percent(report['test_accuracy'])} (seed video {percent(run.seed_video, 0)}, "
            f"target {percent(run.target, 1)}) {verdict(run, report['test_accuracy'])}; "
            f"wall {minutes(report['wall_seconds'])}, training {minutes(report['seconds'])}",
            flush=True,
        )
    load_after = os.getloadavg()

    overhead = None
    if args.set == "mlp" and not args.skip_overhead and not args.validation:
        print("\naugmentation cost, MNIST epoch (median wall / CPU seconds):", flush=True)
        overhead = augmentation_overhead(args.data_dir)
        for row in overhead:
            median = row["median"]
            print(
                f"  {row['network']}: none {median['none'][0]:.2f}/{median['none'][1]:.2f}, serial "
                f"{median['serial'][0]:.2f}/{median['serial'][1]:.2f}, prefetch {median['prefetch'][0]:.2f}/"
                f"{median['prefetch'][1]:.2f} → slow-down {median['prefetch'][0] / median['none'][0]:.2f}× "
                f"(serial {median['serial'][0] / median['none'][0]:.2f}×)",
                flush=True,
            )

    if args.write:
        if args.set == "mlp":
            text = markdown_section(reports, overhead, started, load_before, load_after)
        else:
            validations = {run.label: saved_validation(run) for run, _ in reports}
            candidates = {run.label: validation_candidates(run) for run, _ in reports}
            text = conv_section(reports, validations, candidates, started, load_before, load_after)
        write_section(text, section)
        print(f"\nwrote the section '{section}' of {BENCHMARKS_MD}")


if __name__ == "__main__":
    main()
