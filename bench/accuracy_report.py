"""The Markdown of bench/accuracy.py's sections of docs/benchmarks.md (tables, commands, notes)."""

from __future__ import annotations

import math
import os
import platform
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accuracy import Run

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
SECTION = "## Accuracy on image data sets"
CONV_SECTION = "## Accuracy of convolutional networks"


def percent(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def standard_error(accuracy: float, n: int) -> str:
    """The sampling error of an accuracy measured on n test images, in percentage points."""
    return f"{100 * math.sqrt(accuracy * (1 - accuracy) / n):.2f}"


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {seconds % 60:04.1f} s" if seconds >= 60 else f"{seconds:.1f} s"


def verdict(run: Run, accuracy: float) -> str:
    if run.target is None:
        return "reported"
    return "✓" if accuracy >= run.target else "✗ below target"


# ---------------------------------------------------------------------------
# docs/benchmarks.md


def markdown_section(
    reports: list[tuple[Run, dict]],
    overhead: list[dict] | None,
    started: str,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
) -> str:
    """The section "## Accuracy on image data sets" with the results of this run."""
    lines = [
        SECTION,
        "",
        "Command (writes this section; about 20 minutes with one BLAS thread on this machine):",
        "",
        "    PLAYGROUND_DATA_DIR=../shared/data python bench/accuracy.py --write",
        "",
        "Every row is one run of the `playground train` command shown, on the data in `../shared/data`",
        "(see its README): a multi-layer perceptron trained by our NumPy engine, one BLAS thread,",
        "seed 0, scored once on the held-out test images after the last epoch (no early stopping, no",
        "picking of the best epoch). The settings were chosen on a validation split carved from the",
        "training images, never on the test images. Wall time is the whole command (loading and",
        "evaluation included). The seed video's figures are from the video, not re-run here.",
        "",
        f"Result of {started} (load average before/after: {', '.join(f'{x:.1f}' for x in load_before)} / "
        f"{', '.join(f'{x:.1f}' for x in load_after)} on {os.cpu_count()} cores, shared with another session):",
        "",
        "| data set | network | test accuracy (ours) | ± 1 s.e. | seed video | target | | wall time | training time |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for run, report in reports:
        network = "-".join(map(str, report["layers"]))
        lines.append(
            f"| {run.label} | {network} {report['settings']['activation']} | **{percent(report['test_accuracy'])}** "
            f"| {standard_error(report['test_accuracy'], report['test_samples'])} "
            f"| {percent(run.seed_video, 0)} | {'≥ ' + percent(run.target, 1) if run.target else '–'} "
            f"| {verdict(run, report['test_accuracy'])} | {minutes(report['wall_seconds'])} "
            f"| {minutes(report['seconds'])} |"
        )
    lines += [
        "",
        "± 1 s.e. is the sampling error of a test accuracy p on n test images, √(p(1 − p)/n), in",
        "percentage points: a row that clears its target by less than about two of these would not",
        "clear it on every draw of test images.",
    ]
    close = []
    for run, report in reports:
        error = float(standard_error(report["test_accuracy"], report["test_samples"]))
        margin = 100 * (report["test_accuracy"] - run.target) if run.target is not None else None
        if margin is not None and 0 <= margin < 2 * error:
            close.append(f"{run.label} (+{margin:.2f} points, s.e. {error:.2f})")
    if close:
        lines.append("Rows that close to their target in this run: " + "; ".join(close) + ".")
    lines += [
        "",
        "Commands, exactly as run (`--data-dir` left out: the data directory came from `PLAYGROUND_DATA_DIR`):",
        "",
    ]
    for run, report in reports:
        lines.append(
            f"- {run.label}: train accuracy {percent(report['train_accuracy'])}, "
            f"{report['train_samples']:,} training / {report['test_samples']:,} test images, "
            f"{report['samples_per_second']:,} samples/s" + (f"; {run.note}" if run.note else "") + "."
        )
        lines.append("")
        lines.append(f"      {report['command']}")
        lines.append("")
    lines += [
        "Why these settings: ReLU layers (He initialisation) trained with Adam learn fast and deep",
        "enough for an MLP; learn-rate decay (lr / (1 + decay·epoch)) lets the last epochs settle.",
        "On the validation split, random rotation, scaling and shifting of every training batch",
        "(`--augment`) lifted MNIST from 98.3 % to 99.2 % (same network and epochs) and Quick, Draw!",
        "from about 84 % to 90–91 %; mirroring half of each batch (`--flip`) helps the photos and",
        "doodles, whose mirror images are just as plausible, and lifted CIFAR-10 from about 53.6 %",
        "(shift only) to 56 %; Fashion-MNIST stayed at 90.0–90.3 % on validation with every",
        "regulariser tried (L2, input noise, one-pixel shifts, flips, stronger decay). CIFAR-10's",
        "colour channels are standardised over the training pixels (`--standardize`, folded into the",
        "first layer of the saved network, so it still takes [0, 1] pixels).",
        "",
    ]
    if overhead:
        lines += [
            "### What augmentation costs",
            "",
            "Seconds per MNIST epoch (60,000 images, batch 100, Adam, one BLAS thread), median of 3",
            "interleaved runs each, with `--augment rotate=15,scale=0.1,shift=2,noise=0.05`. *Serial* augments",
            "each batch before learning from it; *prefetch* (what `Trainer.train` does) prepares the next",
            "augmented batch in a helper thread while the current one is learned from, with bit-identical",
            "results. Same run of `bench/accuracy.py`.",
            "",
            "| network | no augmentation | augmented, serial | augmented, prefetch | slow-down (wall, prefetch) |",
            "|---|---:|---:|---:|---:|",
        ]
        for row in overhead:
            median = row["median"]
            cells = [
                f"{wall:.2f} s wall / {cpu:.2f} s CPU"
                for wall, cpu in (median["none"], median["serial"], median["prefetch"])
            ]
            lines.append(
                f"| {row['network']} | {' | '.join(cells)} | {median['prefetch'][0] / median['none'][0]:.2f}× "
                f"(serial {median['serial'][0] / median['none'][0]:.2f}×) |"
            )
        lines += [
            "",
            "The CPU time of augmentation stays the same (it is vectorised over the batch, see",
            "`bench/augment_speed.py`); the helper thread moves it onto the second core, so the wall-clock",
            "cost shrinks when that core is free and not when another process keeps it busy.",
            "",
        ]
    return "\n".join(lines)


def cpu_name() -> str:
    """The processor's model name (Linux), else what platform knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def validation_cell(report: dict | None) -> str:
    """'99.38 % (best 99.41 % at epoch 9 of 12)' from a validation report's per-epoch history."""
    if report is None:
        return "not run with these settings"
    history = report["history"]
    best = max(history, key=lambda row: row["test_accuracy"])
    return (
        f"{percent(report['test_accuracy'])} (best {percent(best['test_accuracy'])} at epoch {best['epoch']} "
        f"of {len(history)})"
    )


def conv_section(
    reports: list[tuple[Run, dict]],
    validations: dict[str, dict | None],
    candidates: dict[str, list[dict]],
    started: str,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
) -> str:
    """The section "## Accuracy of convolutional networks" with the results of this run, the
    saved validation report (by row label) of each row's settings and every candidate tried."""
    total = sum(report["wall_seconds"] for _, report in reports)
    lines = [
        CONV_SECTION,
        "",
        f"Command (writes this section; {minutes(total)} in this run):",
        "",
        "    PLAYGROUND_DATA_DIR=../shared/data python bench/accuracy.py --set conv --write",
        "",
        "and the validation runs that chose the settings (each saves bench/results/validation-<data>-<settings>.json):",
        "",
        "    PLAYGROUND_DATA_DIR=../shared/data python bench/accuracy.py --set conv --validation",
        "",
        "Every row is one run of the `playground train` command shown: a convolutional network trained",
        "by our NumPy engine (im2col matrix products, no library convolution), two BLAS threads,",
        "seed 0, scored once on the held-out test images after the last epoch (no early stopping, no",
        "picking of the best epoch). The settings were fixed from the validation runs, which hold out",
        "training images (`--validation`, never the test images) and score them after every epoch.",
        f"Wall time is the whole command (loading and evaluation included), on {os.cpu_count()} cores of",
        f"an {cpu_name()}, no GPU.",
        "",
        f"Result of {started} (load average before/after: {', '.join(f'{x:.1f}' for x in load_before)} / "
        f"{', '.join(f'{x:.1f}' for x in load_after)}):",
        "",
        "| data set | network | test accuracy (ours) | ± 1 s.e. | validation accuracy (same settings) | "
        "target | | wall time | training time |",
        "|---|---|---:|---:|---|---:|---|---:|---:|",
    ]
    for run, report in reports:
        lines.append(
            f"| {run.label} | {spec_of(run)} → {report['layers'][-1]} | **{percent(report['test_accuracy'])}** "
            f"| {standard_error(report['test_accuracy'], report['test_samples'])} "
            f"| {validation_cell(validations.get(run.label))} | ≥ {percent(run.target, 1)} "
            f"| {verdict(run, report['test_accuracy'])} | {minutes(report['wall_seconds'])} "
            f"| {minutes(report['seconds'])} |"
        )
    lines += [
        "",
        "Commands, exactly as run (`--data-dir` left out: the data directory came from `PLAYGROUND_DATA_DIR`):",
        "",
    ]
    for run, report in reports:
        settings = report["settings"]
        lines += [
            f"- {run.label}: train accuracy {percent(report['train_accuracy'])}, "
            f"{report['train_samples']:,} training / {report['test_samples']:,} test images, "
            f"{report['samples_per_second']:,} samples/s; {settings['optimizer']} lr {settings['learn_rate']}, "
            f"batch {settings['batch_size']}; {run.note}.",
            "",
            f"      {report['command']}",
            "",
        ]
        validation = validations.get(run.label)
        if validation is not None:
            lines += ["  validation run:", "", f"      {validation['command']}", ""]
    lines += ["Settings tried on the validation split (last-epoch validation accuracy; the row's own marked):", ""]
    for run, _ in reports:
        own = validations.get(run.label)
        for report in candidates.get(run.label, []):
            mark = " ← the row's settings" if own is not None and report["command"] == own["command"] else ""
            lines.append(
                f"- {run.label}: {percent(report['test_accuracy'])} with `{tried_settings(report['command'])}`{mark}"
            )
    lines.append("")
    return "\n".join(lines)


def tried_settings(command: str) -> str:
    """The part of a validation command that differs between candidates."""
    words = command.split()
    kept = words[words.index("--layers") :]
    for flag in ("--validation", "--threads", "--seed", "--data-dir"):
        if flag in kept:
            index = kept.index(flag)
            del kept[index : index + 2]
    return " ".join(word for word in kept if word != "--json")


def spec_of(run: Run) -> str:
    return run.args[run.args.index("--layers") + 1]


def write_section(text: str, section: str = SECTION, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) a section of docs/benchmarks.md, leaving the other sections alone."""
    content = path.read_text(encoding="utf-8")
    start = content.find(section)
    if start == -1:
        content = content.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = content.find("\n## ", start + len(section))
        tail = "" if end == -1 else content[end:]
        content = content[:start] + text.rstrip("\n") + "\n" + tail
    path.write_text(content, encoding="utf-8")
