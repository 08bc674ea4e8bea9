"""What the server computes for a room: a network's score on the room's test points (never a score
a browser sends), its boundary as a small picture for the projector's gallery, a student's network
trained within the request's CPU budget, and a predict round's run played forward in frames.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from playground.app.session import model
from playground.app.session.training import make_trainer
from playground.app.ui.colours import CLASS_COLOURS, NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.app.ui.pictures import png_data_uri
from playground.engine import network_to_json
from playground.engine.loop import run
from playground.limits import current as current_limits
from playground.plots.plane import grid_axes, grid_outputs, output_confidence, plane_range

PICTURE_CELLS = 32  # a gallery tile: 32 × 32 cells of the plane, drawn 64 px or more
RUN_FRAMES = 12  # a predict round's run, as the pages play it back
TRAIN_SETTINGS = {  # a room's training: plain mini-batch gradient descent, as the playground starts
    "batch_size": 10,
    "optimizer": "sgd",
    "momentum": 0.0,
    "l2": 0.0,
    "l1": 0.0,
    "gradient": "backprop",
    "weight_seed": 0,
}


def score(network_json: dict, data: dict) -> dict:
    """The network's test cost and accuracy (None for a regression) on the room's test points."""
    network, dataset = model.session_problem(network_json, data)
    if model.is_regression(data):
        cost, accuracy = network.cost(dataset.test_inputs, dataset.test_labels), None
    else:
        cost, accuracy = network.cost_and_accuracy(dataset.test_inputs, dataset.test_labels)
    cost = float(cost) if np.isfinite(cost) else 1e30  # a diverged network ranks last, and JSON has no ∞
    return {"test_cost": cost, "test_accuracy": None if accuracy is None else float(accuracy)}


def picture(network_json: dict, data: dict) -> str:
    """The network's boundary over the training points' plane as a small PNG (a data URI): each
    cell the winning class's colour, paler where the network is less sure (a regression: the
    value on the playground's diverging scale)."""
    network = model.playground_network(network_json)
    inputs = np.asarray(data["train_inputs"] or [[0.0, 0.0]], dtype=np.float32).reshape(-1, 2)
    xs, ys = grid_axes(*plane_range(inputs), PICTURE_CELLS)
    outputs = grid_outputs(network, xs, ys)
    outputs = np.nan_to_num(outputs, nan=0.0, posinf=1.0, neginf=-1.0)
    if model.is_regression(data):
        value = np.clip(outputs[:, 0], -1, 1)[:, None]
        ends = np.where(value >= 0, rgb(POSITIVE_COLOUR), rgb(NEGATIVE_COLOUR))
        colours = 1.0 - np.abs(value) * (1.0 - ends)
    else:
        winners = outputs.argmax(axis=1) if outputs.shape[1] > 1 else (outputs[:, 0] > 0.5).astype(int)
        palette = np.array([rgb(colour) for colour in CLASS_COLOURS])
        sure = 0.35 + 0.65 * output_confidence(outputs, network.output_activation)[:, None]
        colours = 1.0 - sure * (1.0 - palette[winners % len(palette)])
    image = colours.reshape(PICTURE_CELLS, PICTURE_CELLS, 3)[::-1]  # rows: x2 descending, as a plot shows it
    return png_data_uri(image)


def rgb(colour: str) -> np.ndarray:
    """'#rrggbb' as three numbers 0…1."""
    return np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)]) / 255.0


def training_request(network_json: dict, data: dict, learn_rate: float, trainer: dict | None = None) -> dict:
    """The play loop's training request for a room's network: the same checks and the same trainer."""
    return {
        "network": network_json,
        "data": data,
        "settings": {**TRAIN_SETTINGS, "learn_rate": learn_rate},
        "trainer": trainer or {"epoch": 0, "position": 0},
    }


def train_for(network_json: dict, data: dict, learn_rate: float, epochs: int, seconds: float) -> dict:
    """Train for ``epochs`` epochs or ``seconds`` of this thread's CPU time, whichever ends first."""
    trainer = make_trainer(training_request(network_json, data, learn_rate))
    result = run(trainer, until=epoch_reached(trainer, epochs), cpu_seconds=seconds)
    summary = trainer.evaluate()
    return {
        "network": network_to_json(trainer.network),
        "epochs": round(trainer.epoch + trainer.position / max(len(trainer.inputs), 1), 3),
        "train_cost": finite(summary.train_cost),
        "diverged": result.ended == "diverged",
    }


def run_frames(network_json: dict, data: dict, learn_rate: float, epochs: int) -> dict:
    """A predict round's answer: the room's network trained for ``epochs`` epochs, kept in
    ``RUN_FRAMES`` frames (network and costs), within the view budget (``view_seconds``) in all."""
    trainer = make_trainer(training_request(network_json, data, learn_rate))
    budget, began = current_limits().view_seconds, time.thread_time()
    first = trainer.evaluate()
    frames: dict[str, Any] = {
        "epochs": [0.0],
        "train_cost": [finite(first.train_cost)],
        "test_cost": [finite(first.test_cost)],
        "networks": [network_json],
        "diverged": False,
    }
    marks = np.unique(np.linspace(0, epochs, RUN_FRAMES + 1).round().astype(int))[1:]
    for mark in marks:
        left = budget - (time.thread_time() - began)
        if left <= 0:
            break
        result = run(trainer, until=epoch_reached(trainer, int(mark)), cpu_seconds=left)
        summary = trainer.evaluate()
        frames["epochs"].append(float(trainer.epoch))
        frames["train_cost"].append(finite(summary.train_cost))
        frames["test_cost"].append(finite(summary.test_cost))
        frames["networks"].append(network_to_json(trainer.network))
        if result.ended == "diverged":
            frames["diverged"] = True
            break
    return frames


def epoch_reached(trainer, epoch: int):
    """A run's rule: stop at the end of the epoch that brings the trainer to ``epoch``."""
    return lambda event: event.end_of_epoch and trainer.epoch >= epoch


def finite(value: float | None) -> float | None:
    """A cost for JSON: None for none, and a diverged one capped (JSON has no ∞)."""
    if value is None:
        return None
    return float(value) if np.isfinite(value) else 1e30
