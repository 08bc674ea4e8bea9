"""Neuroevolution against gradient descent: how much work each needs to learn the curved fruit.

    python bench/evolution.py            # 10 seeds, prints the table
    python bench/evolution.py --write    # also the section of docs/benchmarks.md

The same network (2-3-2, the CLI's toy settings: tanh, softmax, cross-entropy) from the same
starting weights (the seed's), trained until its training accuracy reaches 95 %:

- gradient descent as ``playground train`` does it (momentum, its learn rate and batch size);
  every batch pushes ``batch_size`` samples forward and back, a backward pass counting as two;
- evolution with ``playground train --method evolution``'s defaults; every network evaluated
  pushes every training sample forward once.

Checking the accuracy after each epoch or generation is measurement, not training, and is not
counted. Runs that do not reach 95 % within the cap count as not reached.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground.engine.evolution import GRADIENT_SAMPLE_PASSES, Evolution, EvolutionSettings  # noqa: E402
from playground.recipes import Recipe, load_data, prepare  # noqa: E402

from accuracy_report import BENCHMARKS_MD, write_section  # noqa: E402

TARGET = 0.95
MAX_EPOCHS = 2000
MAX_GENERATIONS = 3000
SECTION = "## Neuroevolution against gradient descent"


def setup(seed: int):
    recipe = Recipe(data="fruit-curved", layers=[3], seed=seed).with_defaults()
    data = load_data(recipe)
    return recipe, data, prepare(recipe, data)


def gradient_run(seed: int) -> dict:
    recipe, data, run = setup(seed)
    trainer, network = run.trainer, run.network
    samples, start = 0, time.perf_counter()
    for epoch in range(1, MAX_EPOCHS + 1):
        while True:
            event = trainer.train_batch()
            if event is None:
                return {"reached": False, "samples": samples, "epochs": epoch, "seconds": time.perf_counter() - start}
            samples += GRADIENT_SAMPLE_PASSES * min(recipe.batch_size, len(data.train_labels))  # forward and back
            if event.end_of_epoch:
                break
        if network.accuracy(data.train_inputs, data.train_labels) >= TARGET:
            return {"reached": True, "samples": samples, "epochs": epoch, "seconds": time.perf_counter() - start}
    return {"reached": False, "samples": samples, "epochs": MAX_EPOCHS, "seconds": time.perf_counter() - start}


def evolution_run(seed: int) -> dict:
    _, data, run = setup(seed)
    evolution = Evolution(run.network, data.train_inputs, data.train_labels, EvolutionSettings(seed=seed))
    start = time.perf_counter()
    summary = evolution.summary()
    while summary.best_accuracy < TARGET and evolution.generation < MAX_GENERATIONS:
        summary = evolution.step()
    return {
        "reached": summary.best_accuracy >= TARGET,
        "samples": summary.samples,
        "generations": summary.generation,
        "evaluations": summary.evaluations,
        "seconds": time.perf_counter() - start,
    }


def markdown(gradient: list[dict], evolution: list[dict], command: str) -> str:
    def median(runs, key):
        return statistics.median(r[key] for r in runs)

    g_samples, e_samples = median(gradient, "samples"), median(evolution, "samples")
    settings = EvolutionSettings()
    recipe = Recipe(data="fruit-curved", layers=[3]).with_defaults()
    lines = [
        SECTION,
        "",
        "Command:",
        "",
        f"    {command}",
        "",
        "The curved fruit (200 points, 160 for training) and the 2-3-2 network (tanh, softmax, cross-entropy)",
        "from the same starting weights for each seed, trained until its training accuracy reaches 95 %.",
        f"Gradient descent as `playground train` does it ({recipe.optimizer}, learn rate {recipe.learn_rate:g}, "
        f"batch {recipe.batch_size});",
        f"evolution with `--method evolution`'s defaults (population {settings.population}, {settings.survivors} "
        f"survivors, mutation rate {settings.mutation_rate:g}, size {settings.mutation_size:g}, crossover).",
        "Samples pushed: a forward pass of one sample counts one, a backward pass two. Medians of "
        f"{len(gradient)} seeds (0–{len(gradient) - 1}).",
        "",
        "| method | reached 95 % | samples pushed (median) | epochs / generations (median) | "
        "networks evaluated (median) | seconds (median) |",
        "|---|---:|---:|---:|---:|---:|",
        f"| gradient descent | {sum(r['reached'] for r in gradient)} of {len(gradient)} | {g_samples:,.0f} | "
        f"{median(gradient, 'epochs'):,.0f} epochs | – | {median(gradient, 'seconds'):.3f} |",
        f"| evolution | {sum(r['reached'] for r in evolution)} of {len(evolution)} | {e_samples:,.0f} | "
        f"{median(evolution, 'generations'):,.0f} generations | {median(evolution, 'evaluations'):,.0f} | "
        f"{median(evolution, 'seconds'):.3f} |",
        "",
        f"Evolution needed {e_samples / g_samples:.1f}× the samples gradient descent did: the gradient says "
        "which way every parameter should move from one pass, where evolution tries random changes and keeps "
        "what happened to work.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--write", action="store_true", help="write the section of docs/benchmarks.md")
    args = parser.parse_args()
    gradient = [gradient_run(seed) for seed in range(args.seeds)]
    evolution = [evolution_run(seed) for seed in range(args.seeds)]
    for seed, (g, e) in enumerate(zip(gradient, evolution)):
        print(
            f"seed {seed}: gradient {g['samples']:,} samples ({g['epochs']} epochs); "
            f"evolution {e['samples']:,} samples ({e['generations']} generations)"
        )
    command = "python bench/evolution.py" + ("" if args.seeds == 10 else f" --seeds {args.seeds}")
    text = markdown(gradient, evolution, command)
    print(text)
    if args.write:
        write_section(text, SECTION)
        print(f"\nwrote the section '{SECTION}' of {BENCHMARKS_MD}")


if __name__ == "__main__":
    main()
