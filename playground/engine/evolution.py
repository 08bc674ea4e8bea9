"""Neuroevolution (SPEC F20): train a network by mutation and selection instead of gradients.

The seed's first experiments (cars that learn to drive, creatures that learn to walk) had no
gradient at all. A population of networks is tried on the data; the best ``survivors`` are
kept unchanged (so the best never gets worse), and the rest of the next generation are their
children: two parents mixed parameter by parameter (crossover), then a random fraction
``mutation_rate`` of the child's parameters nudged by Gaussian noise of size ``mutation_size``.

The whole population is evaluated at once: each layer's weights carry a leading population
axis, so one generation is one batched matrix product per layer,
``z[p] = a[p] @ W[p] + b[p]``, with no loop over members or samples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.layers import Dense
from playground.engine.network import Network

Array = np.ndarray

BLOCK_VALUES = 4_000_000  # numbers in one block of members' activations

# How a race counts work as samples pushed through the network: one sample forward counts 1
# (all that evolution does); a gradient step pushes each sample of its batch forward and back,
# and a backward pass costs about two forward ones, so it counts 3.
GRADIENT_SAMPLE_PASSES = 3


@dataclass(frozen=True)
class EvolutionSettings:
    """How a population evolves. The defaults solve the curved fruit with a 2-3-2 network."""

    population: int = 40
    survivors: int = 8  # the best, kept unchanged each generation (elitism)
    mutation_rate: float = 0.2  # fraction of a child's parameters that mutate
    mutation_size: float = 0.5  # standard deviation of a mutation
    crossover: bool = True  # a child mixes two parents (else: a copy of one)
    seed: int = 0

    def check(self) -> EvolutionSettings:
        """These settings, or a ValueError naming what is wrong."""
        if int(self.population) != self.population or not 2 <= self.population <= 1_000:
            raise ValueError(f"population: a whole number from 2 to 1,000, not {self.population}")
        if int(self.survivors) != self.survivors or not 1 <= self.survivors < self.population:
            raise ValueError(
                f"survivors: a whole number from 1 to population − 1 ({self.population - 1}), not {self.survivors}"
            )
        if not 0 < self.mutation_rate <= 1:
            raise ValueError(f"mutation rate: a fraction above 0 and at most 1, not {self.mutation_rate}")
        if not 0 < self.mutation_size < 1e6:
            raise ValueError(f"mutation size: a positive number, not {self.mutation_size}")
        return self


@dataclass
class Generation:
    """What one generation did: its number, the best member's cost and accuracy, evaluations so far."""

    generation: int
    best_cost: float
    best_accuracy: float
    evaluations: int  # members evaluated so far (each on every training sample)
    samples: int  # samples pushed through a network so far (evaluations × training samples)


class Evolution:
    """A population of networks shaped like ``network``, starting from its parameters.

    ``step()`` runs one generation; ``best_network()`` is the best member as a network.
    Member 0 of the first generation is the network itself (the same starting weights as
    gradient descent), the others are mutations of it.
    """

    def __init__(
        self, network: Network, inputs: Array, labels: Array, settings: EvolutionSettings | None = None
    ) -> None:
        if any(layer.kind != "dense" for layer in network.layers):
            raise ValueError("evolution trains networks of dense layers only")
        self.network = network
        self.settings = (settings or EvolutionSettings()).check()
        self.inputs = network.check_inputs(inputs)
        self.labels = network.check_labels(labels, len(self.inputs))
        self.targets = network.targets(self.labels, len(self.inputs))
        self.rng = np.random.default_rng(self.settings.seed)
        start = [np.broadcast_to(p, (self.settings.population, *p.shape)).copy() for p in network.parameters()]
        self.population = start  # per parameter array: (population, …its shape)
        self.mutate(range(1, self.settings.population))
        self.costs = self.evaluate()
        self.generation, self.evaluations = 0, self.settings.population

    # ---------------------------------------------------------------- the population's costs

    def evaluate(self, members: Array | None = None) -> Array:
        """The cost of each member (or of the given members) on the training data, all at once
        (in blocks of members, so memory stays bounded for big populations)."""
        chosen = np.arange(self.settings.population) if members is None else np.asarray(members)
        widest = max(cast(Dense, layer).n_out for layer in self.network.layers)  # dense only (checked)
        block = max(1, BLOCK_VALUES // (len(self.inputs) * widest))
        return np.concatenate([self._costs(chosen[start : start + block]) for start in range(0, len(chosen), block)])

    def _forward(self, members: Array) -> tuple[Array, Array]:
        """The output layer's weighted inputs and activations (members, samples, outputs)."""
        a = np.broadcast_to(self.inputs, (len(members), *self.inputs.shape))
        for k, layer in enumerate(cast(list[Dense], self.network.layers)):  # dense only (checked)
            weights, biases = self.population[2 * k][members], self.population[2 * k + 1][members]
            z = a @ weights + biases[:, None, :]  # (members, samples, nodes)
            a = ACTIVATIONS[layer.activation].function(z.reshape(-1, z.shape[-1])).reshape(z.shape)
        return z, a

    def _costs(self, members: Array) -> Array:
        z, a = self._forward(members)
        per_sample = self.network.cost_function.per_sample(z, a, self.targets[None], self.network.output_activation)
        return per_sample.mean(axis=1, dtype=np.float64)

    def accuracy_of(self, member: int) -> float:
        """The fraction of training samples the member classifies right."""
        outputs = self._forward(np.array([member]))[1][0]
        return float(np.mean(outputs.argmax(axis=1) == self.labels))

    # ---------------------------------------------------------------- one generation

    def mutate(self, members: Iterable[int]) -> None:
        """Nudge a random fraction of each given member's parameters by Gaussian noise."""
        members = np.asarray(list(members))
        for array in self.population:
            part = array[members]
            mask = self.rng.random(part.shape) < self.settings.mutation_rate
            noise = self.rng.standard_normal(part.shape) * self.settings.mutation_size
            array[members] = part + (mask * noise).astype(array.dtype)

    def step(self) -> Generation:
        """Selection, crossover and mutation: one generation, and what it did."""
        self.advance()
        return self.summary()

    def advance(self) -> None:
        """One generation's work and nothing more (a race times this, not the measuring after it)."""
        settings = self.settings
        order = np.argsort(self.costs, kind="stable")
        survivors, n_children = order[: settings.survivors], settings.population - settings.survivors
        mothers = survivors[self.rng.integers(0, len(survivors), n_children)]
        fathers = survivors[self.rng.integers(0, len(survivors), n_children)]
        new_population = []
        for array in self.population:
            children = array[mothers]
            if settings.crossover:  # each parameter from one parent or the other
                from_father = self.rng.random(children.shape) < 0.5
                children = np.where(from_father, array[fathers], children)
            new_population.append(np.concatenate([array[survivors], children]))
        self.population = new_population
        children = np.arange(settings.survivors, settings.population)
        self.mutate(children)
        # Survivors are unchanged: their costs carry over, only the children are evaluated.
        self.costs = np.concatenate([self.costs[survivors], self.evaluate(children)])
        self.generation += 1
        self.evaluations += n_children

    def summary(self) -> Generation:
        """The generation's number, its best member's cost and accuracy, and the work so far."""
        best = int(np.argmin(self.costs))
        return Generation(
            self.generation,
            float(self.costs[best]),
            self.accuracy_of(best),
            self.evaluations,
            self.evaluations * len(self.inputs),
        )

    def best_network(self) -> Network:
        """A copy of the network holding the best member's parameters."""
        best = int(np.argmin(self.costs))
        network = self.network.copy()
        for parameter, array in zip(network.parameters(), self.population):
            parameter[...] = array[best]
        return network
