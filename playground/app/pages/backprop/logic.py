"""The backprop page's step: the session's next mini-batch step, taken slowly (SPEC F27).

The request is what the playground's *step* sends (network, points, settings, the trainer's
position and memory); the trainer is the session's own (``session.training.make_trainer``),
and the step is the engine's ``trainer_slow_step``, so the weights after it are those of a
plain step, bit for bit. The answer holds every frame the page walks (``stages``), the step's
numbers, the gradient check (when it fits the request's CPU budget) and what *apply this step*
hands the session: the network and the trainer after the step, and the cost curve's new point.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from playground.app.pages.backprop.figures import (
    BOUNDARY_RESOLUTION,
    GLIDE_FRAMES,
    Boundary,
    boundary_figure,
    boundary_values,
)
from playground.app.pages.backprop.shapes import SlowStepRequest
from playground.app.pages.backprop.stages import frames
from playground.app.session import model, shapes, training
from playground.data.features import FEATURE_LABELS
from playground.engine import Network, Trainer
from playground.engine.loop import DIVERGENCE_LIMIT
from playground.engine.persistence import network_to_json
from playground.engine.slow_step import SlowStep, check_slow_step_size, trainer_slow_step
from playground.limits import current as current_limits
from playground.plots.plane import grid_axes, plane_range

MENU_POINTS = 200  # the point menu offers the batch's first rows, at most this many


def plain(values: Any) -> Any:
    """An array as nested lists of Python floats, None where a number is not finite."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        value = float(array)
        return value if math.isfinite(value) else None
    return [plain(row) for row in array]


def finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def batch_size_next(trainer: Trainer) -> int:
    """How many points the trainer's next batch holds (fewer at the end of an epoch)."""
    return min(trainer.settings.batch_size, len(trainer.inputs) - trainer.position)


def check_fits(trainer: Trainer) -> float:
    """Seconds the finite-difference check would take here (two cost evaluations of the batch per
    weight and bias, in float64); the slow step's own size is checked first (ValueError)."""
    check_slow_step_size(trainer.network)
    return 2 * trainer.network.n_parameters * training.cost_evaluation_seconds(trainer, 3)


def divergence(step: SlowStep) -> str | None:
    """Why the step's weights cannot be applied (the run loop's rule: a cost or weight not finite,
    or a weight past the limit), or None."""
    if not math.isfinite(step.cost.total_cost):
        return f"the cost became {step.cost.total_cost}"
    largest = max(
        max(float(np.abs(layer.weights_after).max()), float(np.abs(layer.biases_after).max())) for layer in step.update
    )
    if largest <= DIVERGENCE_LIMIT:
        return None
    what = "not finite" if not math.isfinite(largest) else f"{largest:.3g} (limit {DIVERGENCE_LIMIT:g})"
    return f"a weight became {what} at learn rate {step.learn_rate:g}: this step diverges, so it cannot be applied"


def point_names(trainer: Trainer, batch: np.ndarray, class_names: list[str], input_names: list[str]) -> list[str]:
    """The batch's first rows (at most ``MENU_POINTS``) as the point menu names them:
    '1: spot size 0.53, spike length 0.21 → safe'."""
    names = []
    for row, index in enumerate(batch[:MENU_POINTS]):
        where = ", ".join(f"{name} {value:.2f}" for name, value in zip(input_names, trainer.inputs[index]))
        label = trainer.labels[index]
        if trainer.network.task == "regression":
            target = ", ".join(f"{value:.3g}" for value in np.atleast_1d(label))
        else:
            target = class_names[int(label)] if int(label) < len(class_names) else f"class {int(label)}"
        names.append(f"{row + 1}: {where} → {target}")
    return names


def gradient_check(step: SlowStep, skipped: str | None) -> dict:
    """The check's numbers and its sentence."""
    check = step.gradient_check
    if check is None:
        return {"done": False, "text": skipped or "The finite-difference check was not made."}
    text = (
        f"Backprop against finite differences (central, h = {check.h:g}, in float64) on this batch: the largest "
        f"difference is {check.largest_absolute:.1e}, at {check.where} ({check.largest_relative:.1e} relative)."
    )
    return {
        "done": True,
        "largest_absolute": finite(check.largest_absolute),
        "largest_relative": finite(check.largest_relative),
        "where": check.where,
        "text": text,
    }


def layer_numbers(step: SlowStep) -> list[dict]:
    return [
        {
            "weighted_inputs": plain(forward.point_weighted_inputs),
            "activations": plain(forward.point_activations),
            "node_values": plain(backward.point_node_values),
            "weight_gradients": plain(backward.weight_gradients),
            "bias_gradients": plain(backward.bias_gradients),
            "weights_before": plain(update.weights_before),
            "weights_after": plain(update.weights_after),
            "biases_before": plain(update.biases_before),
            "biases_after": plain(update.biases_after),
        }
        for forward, backward, update in zip(step.forward, step.backward, step.update)
    ]


def glide_networks(step: SlowStep, after: Network, frames: int = GLIDE_FRAMES) -> list[Network]:
    """The network at t = 0, 1/(frames − 1), …, 1 of the step, every weight and bias at
    w(t) = w_before + t·(w_after − w_before); the last is ``after`` itself."""
    made = []
    for t in np.linspace(0.0, 1.0, frames)[:-1]:
        network = after.copy()
        for index, layer in enumerate(step.update):
            for name, before, moved in (
                ("weights", layer.weights_before, layer.weights_after),
                ("biases", layer.biases_before, layer.biases_after),
            ):
                start = np.asarray(before, dtype=np.float64)
                value = start if t == 0 else start + t * (np.asarray(moved, dtype=np.float64) - start)
                getattr(network, name)[index] = value.astype(network.dtype)
        made.append(network)
    return [*made, after]


def boundary(step: SlowStep, after: Network, dataset: Any, batch: np.ndarray) -> dict:
    """The boundary figure after the step, with the batch's points, and its glide from before it."""
    plane = (
        np.concatenate([dataset.train_inputs, dataset.test_inputs])
        if len(dataset.test_inputs)
        else dataset.train_inputs
    )
    xs, ys = grid_axes(*plane_range(np.asarray(plane, dtype=np.float64)), BOUNDARY_RESOLUTION)
    glide = [boundary_values(network, xs, ys) for network in glide_networks(step, after)]
    regression = after.task == "regression"
    targets = np.concatenate([np.ravel(dataset.train_labels), np.ravel(dataset.test_labels)])
    largest = float(np.abs(targets).max(initial=0.0)) if regression else 1.0
    figure = boundary_figure(
        Boundary(
            xs,
            ys,
            glide[-1],
            after.task,
            0 if regression else max(len(dataset.class_names), after.layer_sizes[-1]),
            np.asarray(dataset.train_inputs)[batch],
            np.asarray(dataset.train_labels)[batch],
            span=largest if largest > 0 else 1.0,
            before=glide[0],
        )
    )
    return {"figure": figure, "glide": [plain(values) for values in glide]}


def costs(trainer: Trainer) -> dict:
    """The cost curve's point for where the trainer is: epochs done, train and test cost."""
    summary = trainer.evaluate()
    return {
        "epoch": round(trainer.epoch + trainer.position / max(len(trainer.inputs), 1), 4),
        "train_cost": None if summary.train_cost is None else finite(summary.train_cost),
        "test_cost": None if summary.test_cost is None else finite(summary.test_cost),
    }


def answer(body: dict) -> dict:
    """The step route's answer (``SlowStepAnswer``) to a request (``SlowStepRequest``)."""
    shapes.check_shape(SlowStepRequest, body, "request")
    if body["settings"]["gradient"] != "backprop":
        raise model.StateError(
            "this page shows backpropagation: set the gradient method to backprop on the playground's learning controls"
        )
    trainer = make_trainer(body)
    budget = current_limits().request_seconds
    check_seconds = check_fits(trainer)
    check = check_seconds <= budget / 2
    skipped = (
        None
        if check
        else f"The finite-difference check was not made: it needs {2 * trainer.network.n_parameters:,} cost "
        f"evaluations of the batch, about {check_seconds:.2g} s here, more than a request may take ({budget:g} s)."
    )
    epoch_before, batch_in_epoch = trainer.epoch, trainer.batch_in_epoch
    start = costs(trainer) if (trainer.epoch, trainer.position) == (0, 0) else None
    point = min(body.get("point", 0), batch_size_next(trainer) - 1, MENU_POINTS - 1)
    step = trainer_slow_step(trainer, point, check_gradients=check)
    batch = np.asarray(trainer.last_batch)
    dataset = model.check_points(body["data"])
    # As the playground names them (x₁², sin x₂); a file's own column names as they are.
    input_names = [FEATURE_LABELS.get(name, name) for name in trainer.network.input_names or dataset.feature_names]
    diverged = divergence(step)
    n_batches = -(-len(trainer.inputs) // trainer.settings.batch_size)
    return {
        "frames": frames(step, trainer.network, input_names, body["settings"]),
        "point": point,
        "batch": batch.tolist(),
        "points": point_names(trainer, batch, list(dataset.class_names), input_names),
        "batch_text": f"epoch {epoch_before} · batch {batch_in_epoch + 1} of {n_batches} · {len(batch)} points",
        "layers": layer_numbers(step),
        "batch_cost": finite(step.cost.total_cost),
        "learn_rate": step.learn_rate,
        "optimizer": step.optimizer,
        "check": gradient_check(step, skipped),
        "boundary": boundary(step, trainer.network, dataset, batch),
        "network": None if diverged else network_to_json(trainer.network),
        "trainer": training.trainer_json(trainer),
        "epoch": round(trainer.epoch + trainer.position / max(len(trainer.inputs), 1), 4),
        "start": start,
        "after": costs(trainer),
        "diverged": diverged,
    }


def make_trainer(body: dict) -> Trainer:
    """The session's trainer where the request has it (the optimizer's memory only when it is this
    optimizer's, as the playground's step sends it)."""
    trainer_state = dict(body["trainer"])
    memory = trainer_state.get("memory")
    if memory and memory.get("optimizer") != body["settings"]["optimizer"]:
        trainer_state.pop("memory")
    request = {key: body[key] for key in ("network", "data", "settings")}
    return training.make_trainer({**request, "trainer": trainer_state})
