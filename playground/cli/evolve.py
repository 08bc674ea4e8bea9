"""``playground train --method evolution``: the network trained by mutation and selection (F20)."""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass
class EvolutionResult:
    """What an evolution run did, in the shape ``playground train`` reports."""

    generations: int
    evaluations: int  # networks evaluated, each on every training sample
    samples: int  # samples pushed through a network
    stopped: bool  # by Ctrl-C
    epochs: int = 0  # no gradient descent at all
    diverged: bool = False  # evolution keeps its best member: nothing to diverge
    message: str | None = None


def evolution_settings(args):
    """The evolution options as settings (raises ValueError naming a bad one)."""
    from playground.engine.evolution import EvolutionSettings

    return EvolutionSettings(
        population=args.population,
        survivors=args.survivors,
        mutation_rate=args.mutation_rate,
        mutation_size=args.mutation_size,
        crossover=args.crossover,
        seed=args.seed,
    ).check()


def evolution_problem(data, args) -> str | None:
    """Why evolution cannot train with these options on this data, or None."""
    if data.image_shape is not None or data.train_inputs.shape[1] != 2:
        return "--method evolution trains the two-input sets only (fruit, moons, circles, xor, spiral, blobs, …)"
    try:
        evolution_settings(args)
    except ValueError as error:
        return f"--method evolution: {error}"
    return None


def evolve(network, data, args, trainer) -> EvolutionResult:
    """Evolve a population from the network's starting weights; the best member's parameters
    end up in ``network``. Ctrl-C (``trainer.stop``) stops after the current generation."""
    from tqdm import tqdm

    from playground.engine.evolution import Evolution

    evolution = Evolution(network, data.train_inputs, data.train_labels, evolution_settings(args))
    with tqdm(
        total=args.generations,
        desc=f"evolving {network.describe()}",
        unit="generation",
        disable=args.quiet,
        file=sys.stderr,
        leave=False,
    ) as progress:
        while evolution.generation < args.generations and not trainer.stop_requested:
            summary = evolution.step()
            progress.update(1)
            progress.set_postfix(cost=f"{summary.best_cost:.4f}", acc=f"{summary.best_accuracy:.3f}", refresh=False)
    for parameter, best in zip(network.parameters(), evolution.best_network().parameters()):
        parameter[...] = best
    summary = evolution.summary()
    return EvolutionResult(summary.generation, summary.evaluations, summary.samples, trainer.stop_requested)
