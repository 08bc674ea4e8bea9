"""Neuroevolution (SPEC F20): mutation and selection, against what it must do."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from playground.data.toy import make_dataset
from playground.engine import Network
from playground.engine.evolution import Evolution, EvolutionSettings


def fruit(seed=0):
    data = make_dataset("fruit-curved", n_samples=200, seed=seed)
    return data.train_inputs, data.train_labels


def test_the_same_seed_gives_the_same_population():
    inputs, labels = fruit()
    runs = []
    for _ in range(2):
        evolution = Evolution(Network([2, 3, 2], seed=4), inputs, labels, EvolutionSettings(seed=7))
        for _ in range(5):
            evolution.step()
        runs.append([array.copy() for array in evolution.population])
    assert all(np.array_equal(a, b) for a, b in zip(*runs))
    other = Evolution(Network([2, 3, 2], seed=4), inputs, labels, EvolutionSettings(seed=8))
    assert not np.array_equal(
        other.population[0],
        Evolution(Network([2, 3, 2], seed=4), inputs, labels, EvolutionSettings(seed=7)).population[0],
    )


def test_the_first_member_is_the_network_itself_and_the_network_is_not_changed():
    inputs, labels = fruit()
    network = Network([2, 3, 2], seed=1)
    before = [p.copy() for p in network.parameters()]
    evolution = Evolution(network, inputs, labels)
    assert all(np.array_equal(array[0], p) for array, p in zip(evolution.population, before))
    assert not np.array_equal(evolution.population[0][1], before[0])  # the others are mutations
    for _ in range(3):
        evolution.step()
    assert all(np.array_equal(p, b) for p, b in zip(network.parameters(), before))


@pytest.mark.parametrize("crossover", [True, False])
def test_a_selection_step_never_loses_the_best_member(crossover):
    inputs, labels = fruit()
    evolution = Evolution(Network([2, 3, 2], seed=2), inputs, labels, EvolutionSettings(seed=3, crossover=crossover))
    best = evolution.costs.min()
    for _ in range(30):
        summary = evolution.step()
        assert summary.best_cost <= best + 1e-12
        best = summary.best_cost


def test_costs_are_the_networks_own_cost_of_each_member():
    inputs, labels = fruit()
    network = Network([2, 4, 2], activation="tanh", output_activation="sigmoid", cost="quadratic", seed=0)
    evolution = Evolution(network, inputs, labels, EvolutionSettings(population=6, survivors=2, seed=1))
    evolution.step()
    for member in range(6):
        twin = network.copy()
        for parameter, array in zip(twin.parameters(), evolution.population):
            parameter[...] = array[member]
        assert evolution.costs[member] == pytest.approx(twin.cost(inputs, labels), rel=1e-5)
    best = evolution.best_network()
    assert best.cost(inputs, labels) == pytest.approx(evolution.costs.min(), rel=1e-5)


def test_evolution_solves_xor():
    data = make_dataset("xor", n_samples=200, seed=0)
    network = Network([2, 4, 2], activation="tanh", seed=0)
    evolution = Evolution(network, data.train_inputs, data.train_labels, EvolutionSettings(seed=0))
    for _ in range(400):
        if evolution.step().best_accuracy >= 0.95:
            break
    assert evolution.summary().best_accuracy >= 0.95
    assert evolution.best_network().accuracy(data.train_inputs, data.train_labels) >= 0.95


def test_evaluations_count_the_children_only_after_the_first_generation():
    inputs, labels = fruit()
    evolution = Evolution(Network([2, 3, 2]), inputs, labels, EvolutionSettings(population=10, survivors=3))
    assert evolution.evaluations == 10
    summary = evolution.step()
    assert (summary.generation, summary.evaluations, summary.samples) == (1, 17, 17 * len(inputs))


def test_advance_is_a_generation_without_the_measuring_after_it():
    """A race times ``advance`` (the generation's work); ``step`` is it and the summary."""
    inputs, labels = fruit()
    stepped, advanced = (Evolution(Network([2, 3, 2], seed=5), inputs, labels, EvolutionSettings(seed=6)) for _ in "ab")
    for _ in range(4):
        summary = stepped.step()
        assert advanced.advance() is None
    assert all(np.array_equal(a, b) for a, b in zip(stepped.population, advanced.population))
    assert advanced.summary() == summary and (advanced.generation, advanced.evaluations) == (4, 40 + 4 * 32)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"population": 1}, "population"),
        ({"survivors": 40}, "survivors"),
        ({"mutation_rate": 0}, "mutation rate"),
        ({"mutation_size": -1}, "mutation size"),
    ],
)
def test_bad_settings_are_named(changes, words):
    inputs, labels = fruit()
    with pytest.raises(ValueError, match=words):
        Evolution(Network([2, 3, 2]), inputs, labels, EvolutionSettings(**changes))


def playground(*args):
    return subprocess.run([sys.executable, "-m", "playground.cli", *args], capture_output=True, text=True, timeout=120)


def test_the_command_line_evolves_the_curved_fruit_with_the_2_3_2_network(tmp_path):
    run = playground(
        "train",
        "--data",
        "fruit-curved",
        "--layers",
        "3",
        "--method",
        "evolution",
        "--quiet",
        "--save",
        str(tmp_path / "evolved.npz"),
    )
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.strip().splitlines())
    assert (
        lines["generations"].startswith("300 in") and int(lines["evaluations"].split()[0]) == 40 + 300 * 32
    )  # the first generation, then 32 children each
    assert float(lines["train accuracy"]) >= 0.95
    from playground.engine import load_network

    assert load_network(tmp_path / "evolved.npz").layer_sizes == [2, 3, 2]
    report = json.loads(
        playground(
            "train",
            "--layers",
            "3",
            "--method",
            "evolution",
            "--generations",
            "20",
            "--population",
            "10",
            "--survivors",
            "2",
            "--no-crossover",
            "--json",
            "--quiet",
        ).stdout
    )
    assert (report["method"], report["generations"], report["evaluations"]) == ("evolution", 20, 10 + 20 * 8)
    assert report["samples_pushed"] == report["evaluations"] * 160 and report["settings"]["crossover"] is False
    assert report["epochs"] == 0 and report["diverged"] is False


@pytest.mark.parametrize(
    "args, words",
    [
        (["--data", "digits"], "two-input sets only"),
        (["--survivors", "40"], "survivors"),
        (["--mutation-rate", "2"], "mutation rate"),
    ],
)
def test_evolution_refuses_what_it_cannot_do_with_exit_2(args, words):
    run = playground("train", "--method", "evolution", *args)
    assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr
