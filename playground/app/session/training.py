"""Training the session's network for one request: the play loop's step on the server.

A request carries the network, the points, the settings and where the trainer is (position and
optimizer memory); it trains in the engine's one run loop (``playground.engine.loop``) within
the request's CPU budget and answers with the network and trainer after it. Nothing is kept
on the server between requests. The playground's play and step, and the landscape page's walk
(two parameters, or all of them), all train here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.app.session import model, shapes
from playground.engine import Trainer, TrainingSettings
from playground.engine.landscape import locate
from playground.engine.loop import RunResult, run
from playground.engine.optimizers import memory_as_json
from playground.engine.persistence import network_to_json
from playground.limits import current as current_limits

FRAME_SECONDS = 0.2  # one frame of play (to the end of an epoch) stops early on a slow network


@dataclass
class TrainingRun:
    """What one training request did: the trainer after it, and how the run went."""

    trainer: Trainer
    result: RunResult
    seconds_per_batch: float
    start: dict | None  # the costs before any training, when the run began at epoch 0


def engine_settings(settings: dict) -> TrainingSettings:
    """The engine's training settings from the session's (checked already)."""
    return TrainingSettings(
        learn_rate=float(settings["learn_rate"]),
        batch_size=int(settings["batch_size"]),
        optimizer=settings["optimizer"],
        momentum=float(settings["momentum"]),
        l2=float(settings["l2"]),
        l1=float(settings.get("l1", 0.0)),
        gradient=settings["gradient"],
        seed=int(settings["weight_seed"]),
    )


def make_trainer(request: dict) -> Trainer:
    """A trainer for a request's network, points, settings and position, each checked first."""
    network = model.playground_network(request["network"])
    dataset = model.check_points(request["data"])
    settings = model.check_settings(request["settings"])
    if len(dataset.train_labels) == 0:
        raise model.StateError("there is no training data: add some points first")
    model.check_fit(network, dataset, model.is_regression(request["data"]))
    dataset = model.for_network(dataset, network)
    trainer_state = model.check_trainer(request.get("trainer") or {}, len(dataset.train_labels))
    only = None
    if request.get("train_only"):
        only = [flat_position(network, address) for address in request["train_only"]]
    try:
        trainer = Trainer(
            network,
            dataset.train_inputs,
            dataset.train_labels,
            engine_settings(settings),
            dataset.test_inputs,
            dataset.test_labels,
            memory=trainer_state.get("memory"),
            train_only=only,
        )
    except ValueError as error:  # optimizer memory that does not fit this network or optimizer
        raise model.StateError(f"trainer: {error}") from None
    trainer.resume_at(trainer_state.get("epoch", 0), trainer_state.get("position", 0))
    return trainer


def held_numbers(network, request: dict) -> list[tuple[int, int]]:
    """(array, flat index) of every weight and bias the request holds still: its held weight-layers
    (weights and biases) and single weights (a ValueError naming one the network lacks)."""
    held: set[tuple[int, int]] = set()
    for layer in request.get("held_layers") or []:
        if not 1 <= layer <= len(network.weighted_layers):
            raise model.StateError(f"held_layers: the network has no weight-layer {layer}")
        for position in (2 * (layer - 1), 2 * (layer - 1) + 1):
            held.update((position, index) for index in range(network.parameters()[position].size))
    for address in request.get("held_weights") or []:
        try:
            held.add(flat_position(network, address))
        except ValueError as error:
            raise model.StateError(f"held_weights: {error}") from None
    return sorted(held)


def holding_still(trainer: Trainer, held: list[tuple[int, int]]):
    """After each step, the held numbers back at their values (an exercise's locked weights do not
    move while the rest trains); None when nothing is held."""
    if not held:
        return None
    parameters = trainer.network.parameters()
    kept = [(parameters[position], index, parameters[position].flat[index]) for position, index in held]

    def put_back() -> None:
        for array, index, value in kept:
            array.flat[index] = value

    return put_back


def flat_position(network, address: list) -> tuple[int, int]:
    """(index into ``network.parameters()``, flat index in that array) of a slider's parameter."""
    position, index = locate(network, tuple(address))
    return position, int(np.ravel_multi_index(index, network.parameters()[position].shape))


def train(request: dict, batches: int | None, on_step=None) -> TrainingRun:
    """Run ``batches`` steps (None: to the end of this epoch) within the request's CPU budget (this
    thread's CPU time: the server's processes run BLAS on one thread, ``RequestGuard.warm``);
    ``on_step(trainer)`` after each step.

    Finite differences are refused when one batch alone would overrun the budget.
    """
    budget = current_limits().request_seconds
    trainer = make_trainer(request)
    start = None
    if (trainer.epoch, trainer.position) == (0, 0):  # the first step of a run: the curve starts untrained
        before = trainer.evaluate()
        start = {"epoch": 0.0, "train_cost": before.train_cost, "test_cost": before.test_cost}
    if trainer.settings.gradient == "finite_differences":
        check_finite_difference_cost(trainer, budget)
    began = time.perf_counter()

    def frame_over(event) -> bool:
        return event.end_of_epoch or time.perf_counter() - began > FRAME_SECONDS

    put_back = holding_still(trainer, held_numbers(trainer.network, request))

    def after_step(_) -> None:
        if put_back:
            put_back()
        if on_step:
            on_step(trainer)

    result = run(
        trainer,
        steps=batches,
        until=frame_over if batches is None else None,
        cpu_seconds=budget,
        on_step=after_step if (put_back or on_step) else None,
    )
    return TrainingRun(trainer, result, (time.perf_counter() - began) / max(result.steps, 1), start)


def trainer_json(trainer: Trainer) -> dict:
    """Where the next request continues from: the position and the optimizer's memory (none after
    a divergence: the weights went back to before the bad step, its memory did not)."""
    state: dict[str, Any] = {"epoch": trainer.epoch, "position": trainer.position}
    if trainer.memory and not trainer.diverged:
        state["memory"] = memory_as_json(trainer.memory)
    return state


def answer(request: dict) -> dict:
    """The training route's answer to a request (``shapes.TrainRequest``)."""
    shapes.check_shape(shapes.TrainRequest, request, "request")
    batches = request.get("batches")
    if batches is not None and batches > current_limits().batches_per_request:
        raise model.StateError(f"batches: at most {current_limits().batches_per_request:,} (or null for one epoch)")
    done = train(request, batches)
    trainer = done.trainer
    summary = trainer.evaluate()
    seconds = {trainer.settings.gradient: done.seconds_per_batch}
    estimated = []
    if request.get("time_both", True):
        other = "finite_differences" if trainer.settings.gradient == "backprop" else "backprop"
        seconds[other], guessed = time_other_method(trainer, other)
        estimated += [other] if guessed else []
    result = done.result
    return {
        "network": network_to_json(trainer.network),
        "trainer": trainer_json(trainer),
        "epoch": round(trainer.epoch + trainer.position / max(len(trainer.inputs), 1), 4),
        "train_cost": summary.train_cost,
        "test_cost": summary.test_cost,
        "train_accuracy": summary.train_accuracy,
        "timing": {method: 1000 * value for method, value in seconds.items()},
        "timing_estimated": estimated,
        "batches": result.steps,
        "ended": result.ended,
        "message": result.message,
        "cpu_seconds": round(result.cpu_seconds, 4),
        "diverged": result.message if result.ended == "diverged" else None,
        "start": done.start,
        # A single step: which training points its mini-batch was (the page highlights them).
        "batch": trainer.last_batch.tolist() if batches == 1 and trainer.last_batch is not None else None,
    }


# ------------------------------------------------------------------ finite differences


def cost_evaluation_seconds(trainer: Trainer, evaluations: int) -> float:
    """Seconds one cost evaluation of a batch takes (the unit of finite differences), from ``evaluations``."""
    inputs = trainer.inputs[: trainer.settings.batch_size]
    labels = trainer.labels[: trainer.settings.batch_size]
    start = time.perf_counter()
    for _ in range(evaluations):
        trainer.network.cost(inputs, labels)
    return (time.perf_counter() - start) / evaluations


def check_finite_difference_cost(trainer: Trainer, budget: float) -> None:
    """Refuse finite differences when one batch (parameters + 1 cost evaluations) would overrun the budget."""
    evaluations = trainer.network.n_parameters + 1
    seconds = evaluations * cost_evaluation_seconds(trainer, 3)
    if seconds > budget:
        raise model.StateError(
            f"one batch by finite differences needs {evaluations:,} cost evaluations, about {seconds:.2g} s here: "
            f"more than a request may take ({budget:g} s). Use backprop, or a smaller network or batch"
        )


def time_other_method(trainer: Trainer, method: str) -> tuple[float, bool]:
    """Seconds one batch's gradient takes by ``method`` (the network unchanged), and whether that
    is an estimate: finite differences on a large network are timed on a sample of their cost
    evaluations and scaled, so the comparison never costs more than the training beside it."""
    evaluations = trainer.network.n_parameters + 1
    sample = current_limits().finite_difference_parameters
    if method == "finite_differences" and evaluations > sample:
        return evaluations * cost_evaluation_seconds(trainer, sample), True
    inputs, targets = trainer.inputs[: trainer.settings.batch_size], trainer.targets[: trainer.settings.batch_size]
    original = trainer.settings.gradient
    trainer.settings.gradient = method
    start = time.perf_counter()
    trainer.batch_gradients(inputs, targets)
    elapsed = time.perf_counter() - start
    trainer.settings.gradient = original
    return elapsed, False
