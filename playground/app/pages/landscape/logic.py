"""The landscape page's pure logic: the state of a walk on a cost surface, its steps, its readouts.

A walk happens either on two parameters of the session's network (every other parameter held,
or all of them training, when the surface is a snapshot) or on a classic surface. Its state is
plain JSON, kept in the page's store:

    {"source": "network" | a surface's name, "first": ["W", 1, 0, 0], "second": ["b", 1, 0],
     "centre": [x, y], "span": 3.0, "resolution": 40, "train_all": False,
     "path": [[x, y, cost], …], "vectors": [[every parameter], …] (training all),
     "trainer": {"epoch", "position"}, "optimizer": {…}, "optimizer_name": "sgd", "message": ""}
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.app import state as states
from playground.app.pages.playground.logic import optimizer_state, restore_optimizer, trainer_position
from playground.engine import Trainer, TrainingSettings, make_optimizer
from playground.engine.landscape import (
    cost_surface,
    hessian,
    largest_curvature,
    learn_rate_limit,
    locate,
    parameter_addresses,
    parameter_name,
    parameter_value,
    trajectory_plane,
)
from playground.engine.surfaces import SURFACES

MAX_PATH = 2000
MAX_VECTORS = 500  # parameter vectors kept for the PCA plane of a run that trains everything
SNAPSHOT_EVERY = 10  # steps between surfaces redrawn while everything trains
DIVERGENCE_LIMIT = 1e6
RESOLUTIONS = (20, 40, 60)


@dataclass(frozen=True)
class Preset:
    """A lesson one click away: where to walk, with which optimizer and learn rate, and its source."""

    label: str
    source: str
    optimizer: str
    learn_rate: float
    momentum: float
    note: str


PRESETS = {
    "saddle-sgd": Preset("saddle: plain SGD lingers", "saddle", "sgd", 0.05, 0.9,
                         "f = x² − y², the textbook saddle (Goodfellow, Bengio & Courville, Deep Learning, §8.2.3): "
                         "the slope vanishes at (0, 0); plain SGD creeps away from it only as fast as the tiny "
                         "offset in y grows."),
    "saddle-momentum": Preset("saddle: momentum rolls through", "saddle", "momentum", 0.05, 0.9,
                              "The same saddle with momentum 0.9: the velocity built up on the way in carries the "
                              "ball past the flat point, and it escapes along y far sooner."),
    "ravine-sgd": Preset("ravine: SGD zig-zags", "ravine", "sgd", 0.19, 0.9,
                         "A badly conditioned bowl 0.05x² + 5y² (curvatures 0.1 and 10; Deep Learning §8.2.1): at a "
                         "learn rate just under 2/10 SGD bounces from wall to wall while it crawls along the floor."),
    "ravine-momentum": Preset("ravine: momentum heads down the valley", "ravine", "momentum", 0.02, 0.9,
                              "Momentum averages the bouncing out and adds up the steady pull along the floor "
                              "(Sutskever et al. 2013)."),
    "ravine-adam": Preset("ravine: Adam goes straight", "ravine", "adam", 0.3, 0.9,
                          "Adam divides each coordinate's step by its own gradient size (Kingma & Ba 2015): "
                          "the steep and the gentle direction move alike."),
    "bowl-too-large": Preset("bowl: a learn rate above 2/λmax bounces out", "bowl", "sgd", 0.7, 0.9,
                             "½(x² + 3y²) has λmax = 3, so plain gradient descent diverges above 2/3: at 0.7 each "
                             "step across the steep direction overshoots a little more than the last."),
}


# ------------------------------------------------------------------ the state


def default_addresses(network_dict: dict) -> tuple[list, list]:
    """The first weight and the first bias of the first weight-layer."""
    return ["W", 1, 0, 0], ["b", 1, 0]


def new_walk(source: str, network_dict: dict | None, data_dict: dict | None, first=None, second=None,
             span: float = 3.0, resolution: int = 40, train_all: bool = False, settings: dict | None = None) -> dict:
    """A walk starting where the network (or the surface's start) is now, centred there."""
    walk = {"source": source, "span": float(span), "resolution": int(resolution), "train_all": bool(train_all),
            "trainer": {}, "optimizer": {}, "optimizer_name": None, "vectors": [], "message": "", "steps": 0}
    if source == "network":
        if first is None or second is None:
            first, second = default_addresses(network_dict)
        network = states.network_from_dict(network_dict)
        walk.update(first=list(first), second=list(second))
        point = [parameter_value(network, tuple(first)), parameter_value(network, tuple(second))]
        cost = full_cost(network, data_dict, settings)
        walk["vectors"] = [flat_parameters(network)] if train_all else []
    else:
        surface = SURFACES[source]
        walk.update(first=["x"], second=["y"])
        point = list(surface.start)
        cost = float(surface.function(np.float64(point[0]), np.float64(point[1])))
        centre = [sum(surface.x_range) / 2, sum(surface.y_range) / 2]
        walk["span"] = [(surface.x_range[1] - surface.x_range[0]) / 2, (surface.y_range[1] - surface.y_range[0]) / 2]
        walk.update(centre=centre, path=[[*point, cost]], start=point)
        return walk
    walk.update(centre=point, path=[[*point, cost]], start=point)
    return walk


def check_walk(walk: object) -> dict:
    """Validate the page's walk store as a client sent it (raises ValueError naming the problem):
    a known source, a grid of a size the page offers, finite coordinates, bounded lists."""
    from playground.limits import current as current_limits

    def numbers(values, count, what, limit=DIVERGENCE_LIMIT):
        if (not isinstance(values, list) or len(values) != count
                or not all(states.is_number(v) and abs(v) <= limit for v in values)):
            raise ValueError(f"walk {what}: {count} finite numbers")

    if not isinstance(walk, dict) or walk.get("source") not in ("network", *SURFACES):
        raise ValueError("the walk must name the network or a classic surface")
    if walk.get("resolution") not in RESOLUTIONS:
        raise ValueError(f"walk resolution: one of {', '.join(map(str, RESOLUTIONS))}")
    span = walk.get("span")
    numbers(span if isinstance(span, list) else [span], 2 if isinstance(span, list) else 1, "span")
    if not all(v > 0 for v in (span if isinstance(span, list) else [span])):
        raise ValueError("walk span: above 0")
    numbers(walk.get("centre"), 2, "centre")
    numbers(walk.get("start"), 2, "start")
    path = walk.get("path")
    if not isinstance(path, list) or not 1 <= len(path) <= MAX_PATH:
        raise ValueError(f"walk path: 1 to {MAX_PATH} points")
    for point in path:
        numbers(point, 3, "path point", limit=float("inf"))
    vectors, longest = walk.get("vectors"), current_limits().max_parameters_of_playground()
    if not isinstance(vectors, list) or len(vectors) > MAX_VECTORS or any(
            not isinstance(v, list) or len(v) > longest for v in vectors):
        raise ValueError(f"walk vectors: at most {MAX_VECTORS} lists of at most {longest:,} numbers")
    for name in ("first", "second"):
        address = walk.get(name)
        if not isinstance(address, list) or not 1 <= len(address) <= 4:
            raise ValueError(f"walk {name}: a parameter address such as ['W', 1, 0, 0]")
    if not isinstance(walk.get("trainer"), dict) or not isinstance(walk.get("message"), str):
        raise ValueError("walk trainer must be a dictionary and its message a text")
    return walk


def flat_parameters(network) -> list[float]:
    return np.concatenate([p.ravel() for p in network.parameters()]).astype(float).tolist()


def spans(walk: dict) -> tuple[float, float]:
    span = walk["span"]
    return (float(span[0]), float(span[1])) if isinstance(span, list) else (float(span), float(span))


def axes(walk: dict) -> tuple[np.ndarray, np.ndarray]:
    """The grid's values along the first and second parameter (or x and y)."""
    (cx, cy), (sx, sy), n = walk["centre"], spans(walk), walk["resolution"]
    return np.linspace(cx - sx, cx + sx, n), np.linspace(cy - sy, cy + sy, n)


def full_cost(network, data_dict: dict, settings: dict | None) -> float:
    dataset = states.data_from_dict(data_dict)
    l2 = float((settings or {}).get("l2") or 0)
    return float(network.cost(dataset.train_inputs, dataset.train_labels) + network.l2_cost(l2))


# ------------------------------------------------------------------ surfaces


def network_surface(walk: dict, network_dict: dict, data_dict: dict, settings: dict,
                    batch: list[int] | None = None) -> np.ndarray:
    """The cost over the grid of the two chosen parameters, on all training data or on one batch."""
    network = states.network_from_dict(network_dict)
    dataset = states.data_from_dict(data_dict)
    inputs, labels = dataset.train_inputs, dataset.train_labels
    if batch is not None:
        inputs, labels = inputs[batch], labels[batch]
    xs, ys = axes(walk)
    return cost_surface(network, inputs, labels, tuple(walk["first"]), tuple(walk["second"]), xs, ys,
                        l2=float(settings.get("l2") or 0))


def classic_surface(walk: dict) -> np.ndarray:
    xs, ys = axes(walk)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return SURFACES[walk["source"]].function(grid_x, grid_y)


# ------------------------------------------------------------------ steps


def training_settings(settings: dict) -> TrainingSettings:
    from playground.app.api import training_settings as from_request

    return from_request(settings)


def step(walk: dict, network_dict: dict | None, data_dict: dict | None, settings: dict) -> tuple[dict, dict | None, list | None]:
    """One step of the walk: (new walk, new network dict or None, the batch's sample indices or None)."""
    if walk["message"].startswith("diverged"):
        return walk, None, None
    if walk["source"] != "network":
        return step_surface(walk, settings), None, None
    return step_network(walk, network_dict, data_dict, settings)


def step_surface(walk: dict, settings: dict) -> dict:
    """An optimizer step on a classic surface, through the engine's optimizer classes."""
    surface = SURFACES[walk["source"]]
    point = np.array(walk["path"][-1][:2], dtype=np.float64)
    optimizer = _optimizer(walk, settings, [point])
    _, gradient = surface.value_and_gradient(point)
    optimizer.update([point], [gradient], float(settings["learn_rate"]))
    return _moved(walk, point, optimizer, settings,
                  lambda p: float(surface.function(np.float64(p[0]), np.float64(p[1]))))


def step_network(walk: dict, network_dict: dict, data_dict: dict, settings: dict) -> tuple[dict, dict | None, list]:
    """One mini-batch step: of the two chosen parameters only (the others held), or of all of them."""
    network = states.network_from_dict(network_dict)
    dataset = states.data_from_dict(data_dict)
    if len(dataset.train_labels) == 0:
        return {**walk, "message": "there is no training data: add some points on the playground"}, None, None
    trainer = Trainer(network, dataset.train_inputs, dataset.train_labels, training_settings(settings))
    trainer.resume_at(*trainer_position(walk["trainer"], len(dataset.train_labels)))
    order_epoch, start = trainer.epoch, trainer.position
    batch = trainer.epoch_order(order_epoch)[start:start + trainer.settings.batch_size].tolist()
    positions = [locate(network, tuple(walk["first"])), locate(network, tuple(walk["second"]))]
    if walk["train_all"]:
        if walk.get("optimizer_name") == trainer.settings.optimizer:
            restore_optimizer(trainer.optimizer, walk.get("optimizer", {}), network)
        trainer.train_batch()
        optimizer = trainer.optimizer
        if trainer.diverged:
            return {**walk, "message": f"diverged: {trainer.diverged}"}, None, batch
        point = np.array([float(network.parameters()[p][i]) for p, i in positions])
    else:
        inputs, targets = trainer.next_batch()
        trainer.count_batch()
        gradients, _ = network.backpropagate(inputs, targets, trainer.settings.l2)
        flat = [g for pair in gradients for g in pair]
        slope = np.array([float(flat[p][i]) for p, i in positions])
        point = np.array([float(network.parameters()[p][i]) for p, i in positions])
        optimizer = _optimizer(walk, settings, [point])
        optimizer.update([point], [slope], trainer.learn_rate)
        for (p, i), value in zip(positions, point):
            network.parameters()[p][i] = value
    new_walk_state = _moved(walk, point, optimizer, settings, lambda _: full_cost(network, data_dict, settings))
    new_walk_state["trainer"] = {"epoch": trainer.epoch, "position": trainer.position}
    if new_walk_state["message"].startswith("diverged"):
        return new_walk_state, None, batch
    if walk["train_all"]:
        new_walk_state["vectors"] = (walk["vectors"] + [flat_parameters(network)])[-MAX_VECTORS:]
    return new_walk_state, states.network_to_dict(network), batch


def _optimizer(walk: dict, settings: dict, parameters: list[np.ndarray]):
    """The walk's own optimizer over its two numbers, with the memory it had (if the same kind)."""
    optimizer = make_optimizer(settings["optimizer"], float(settings.get("momentum", 0.9)))
    if walk.get("optimizer_name") == settings["optimizer"] and walk.get("optimizer"):
        try:
            optimizer.load_state_dict(walk["optimizer"], parameters)
        except (ValueError, TypeError):
            pass
    return optimizer


def _moved(walk: dict, point: np.ndarray, optimizer, settings: dict, cost_at) -> dict:
    """The walk after a step to ``point`` (or stopped with a message when it diverged)."""
    if not (np.all(np.isfinite(point)) and np.abs(point).max() <= DIVERGENCE_LIMIT):
        return {**walk, "message": (f"diverged after {walk['steps'] + 1} steps: a coordinate reached "
                                    f"{float(np.abs(point).max()):.3g}; lower the learn rate and reset")}
    cost = cost_at(point)
    if not math.isfinite(cost):
        return {**walk, "message": f"diverged after {walk['steps'] + 1} steps: the cost became {cost}"}
    return {**walk, "path": (walk["path"] + [[float(point[0]), float(point[1]), cost]])[-MAX_PATH:],
            "optimizer": optimizer_state(optimizer), "optimizer_name": settings["optimizer"],
            "steps": walk["steps"] + 1, "message": ""}


def reset(walk: dict, network_dict: dict | None) -> tuple[dict, dict | None]:
    """Back to where the walk started: the path, the optimizer's memory and (two parameters) the network."""
    start = walk["start"]
    restarted = {**walk, "path": walk["path"][:1], "trainer": {}, "optimizer": {}, "optimizer_name": None,
                 "steps": 0, "message": "", "vectors": walk["vectors"][:1]}
    if walk["source"] != "network" or walk["train_all"] or network_dict is None:
        return restarted, None
    network = states.network_from_dict(network_dict)
    for address, value in zip((walk["first"], walk["second"]), start):
        position, index = locate(network, tuple(address))
        network.parameters()[position][index] = value
    return restarted, states.network_to_dict(network)


# ------------------------------------------------------------------ readouts


def curvature(walk: dict, network_dict: dict | None, data_dict: dict | None, settings: dict) -> dict:
    """The 2×2 Hessian at the current point, its eigenvalues, λmax and the learn-rate limits."""
    point = walk["path"][-1][:2]
    if walk["source"] == "network":
        network = states.network_from_dict(network_dict, dtype=np.float64)
        for address, value in zip((walk["first"], walk["second"]), point):
            position, index = locate(network, tuple(address))
            network.parameters()[position][index] = value
        dataset = states.data_from_dict(data_dict)
        matrix = hessian(network, dataset.train_inputs, dataset.train_labels, tuple(walk["first"]),
                         tuple(walk["second"]), l2=float(settings.get("l2") or 0))
    else:
        surface, h = SURFACES[walk["source"]], 1e-5
        columns = [(surface.value_and_gradient(np.array(point) + h * e)[1]
                    - surface.value_and_gradient(np.array(point) - h * e)[1]) / (2 * h) for e in np.eye(2)]
        matrix = np.column_stack(columns)
        matrix = 0.5 * (matrix + matrix.T)
    eigenvalues = np.linalg.eigvalsh(matrix)
    largest = largest_curvature(matrix)
    momentum = float(settings.get("momentum", 0.9)) if settings.get("optimizer") in ("momentum", "nesterov") else 0.0
    return {"hessian": matrix.tolist(), "eigenvalues": eigenvalues.tolist(), "largest": largest,
            "limit": learn_rate_limit(largest), "momentum_limit": learn_rate_limit(largest, momentum),
            "momentum": momentum, "saddle": bool(eigenvalues[0] < 0 < eigenvalues[1])}


def curvature_text(values: dict, learn_rate: float) -> str:
    """One line a student can read: the curvatures, the limit, and where the learn rate is."""
    low, high = values["eigenvalues"]
    text = f"curvatures here λ = {low:.2g}, {high:.2g}"
    if values["saddle"]:
        text += " · a saddle: one direction curves up, the other down"
    if values["largest"] <= 0:
        return text + " · nothing curves up here: no learn-rate limit"
    limit = values["momentum_limit"] if values["momentum"] else values["limit"]
    which = f"(2 + 2·{values['momentum']:g})/λmax" if values["momentum"] else "2/λmax"
    verdict = "below it: steps settle" if learn_rate < limit else "above it: steps overshoot further and further"
    return f"{text} · {which} = {limit:.2g}; the learn rate {learn_rate:.3g} is {verdict}"


def parameter_options(network_dict: dict) -> list[dict]:
    """Every weight and bias of the network, as the sliders name them (dropdown options)."""
    network = states.network_from_dict(network_dict)
    return [{"label": parameter_name(address), "value": "|".join(map(str, address))}
            for address in parameter_addresses(network)]


def address_from_value(value: str) -> list:
    kind, *numbers = value.split("|")
    return [kind, *(int(n) for n in numbers)]


def value_from_address(address: list) -> str:
    return "|".join(map(str, address))


def pca_plane(walk: dict) -> tuple[np.ndarray, float] | None:
    """The path projected on the plane of its two main directions, and the share of its variance there."""
    if len(walk["vectors"]) < 3:
        return None
    _, _, coordinates, explained = trajectory_plane(np.array(walk["vectors"]))
    return coordinates, explained
