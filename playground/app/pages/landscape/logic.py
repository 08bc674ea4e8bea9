"""The landscape page's pure logic: a walk on a cost surface, its steps, its readouts.

A walk happens either on two parameters of the session's network (every other parameter held,
or all of them training, when the surface is a snapshot) or on a classic surface. Its state is
the page's view state in the session (``shapes.Walk``): a reload and a link keep it. Steps go
through the app's one run loop: a walk on the network trains it as the playground does
(``session.training``, two parameters or all), a walk on a surface through the engine's
``SurfaceWalker``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.app.pages.landscape.shapes import MAX_PATH
from playground.app.session import model
from playground.app.session.budget import Sample, network_sample
from playground.app.ui.colours import ALARM_COLOUR
from playground.app.ui.learn_rate import LEARN_RATE_RANGE, decade_marks
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
from playground.engine.training import epoch_order
from playground.limits import current as current_limits

CURVATURE_PASSES = 24  # the Hessian: four gradients in float64, each worth about six float32 forward passes
SNAPSHOT_EVERY = 10  # steps between surfaces redrawn while everything trains
VECTOR_NUMBERS = 60_000  # the parameter vectors kept for the PCA plane: at most this many numbers in all
DEFAULT_ADDRESSES = (["W", 1, 0, 0], ["b", 1, 0])  # the first weight and the first bias


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
    "saddle-sgd": Preset(
        "saddle: plain SGD lingers",
        "saddle",
        "sgd",
        0.05,
        0.9,
        "f = x² − y², the textbook saddle (Goodfellow, Bengio & Courville, Deep Learning, §8.2.3): "
        "the slope vanishes at (0, 0); plain SGD creeps away from it only as fast as the tiny "
        "offset in y grows.",
    ),
    "saddle-momentum": Preset(
        "saddle: momentum rolls through",
        "saddle",
        "momentum",
        0.05,
        0.9,
        "The same saddle with momentum 0.9: the velocity built up on the way in carries the "
        "ball past the flat point, and it escapes along y far sooner.",
    ),
    "ravine-sgd": Preset(
        "ravine: SGD zig-zags",
        "ravine",
        "sgd",
        0.19,
        0.9,
        "A badly conditioned bowl 0.05x² + 5y² (curvatures 0.1 and 10; Deep Learning §8.2.1): at a "
        "learn rate just under 2/10 SGD bounces from wall to wall while it crawls along the floor.",
    ),
    "ravine-momentum": Preset(
        "ravine: momentum heads down the valley",
        "ravine",
        "momentum",
        0.02,
        0.9,
        "Momentum averages the bouncing out and adds up the steady pull along the floor (Sutskever et al. 2013).",
    ),
    "ravine-adam": Preset(
        "ravine: Adam goes straight",
        "ravine",
        "adam",
        0.3,
        0.9,
        "Adam divides each coordinate's step by its own gradient size (Kingma & Ba 2015): "
        "the steep and the gentle direction move alike.",
    ),
    "bowl-too-large": Preset(
        "bowl: a learn rate above 2/λmax bounces out",
        "bowl",
        "sgd",
        0.7,
        0.9,
        "½(x² + 3y²) has λmax = 3, so plain gradient descent diverges above 2/3: at 0.7 each "
        "step across the steep direction overshoots a little more than the last.",
    ),
}


# ------------------------------------------------------------------ the walk


def new_view() -> dict:
    """A new session's walk: the network's first weight and bias, starting wherever the network is."""
    first, second = DEFAULT_ADDRESSES
    return {
        "source": "network",
        "first": list(first),
        "second": list(second),
        "span": 3.0,
        "resolution": 40,
        "train_all": False,
        "view": "full",
        "log": False,
        "optimizer": "sgd",
        "learn_rate": 3.0,
        "momentum": 0.9,
        "path": [],
        "vectors": [],
        "trainer": {"epoch": 0, "position": 0},
        "steps": 0,
        "message": "",
        "lift": 0.0,
        "batch": None,
        "preset": None,
    }


def started(walk: dict, network: dict | None = None, data: dict | None = None, settings: dict | None = None) -> dict:
    """The walk starting afresh where the network (or the surface's start) is now, centred there;
    its choices (parameters, grid, view, optimizer) kept."""
    walk = {**walk, "trainer": {"epoch": 0, "position": 0}, "vectors": [], "message": "", "steps": 0, "batch": None}
    if walk["source"] != "network":
        surface = SURFACES[walk["source"]]
        point = list(surface.start)
        cost = float(surface.function(np.float64(point[0]), np.float64(point[1])))
        centre = [sum(surface.x_range) / 2, sum(surface.y_range) / 2]
        span: list[float] | float = [
            (surface.x_range[1] - surface.x_range[0]) / 2,
            (surface.y_range[1] - surface.y_range[0]) / 2,
        ]
        return {
            **walk,
            "first": None,
            "second": None,
            "centre": centre,
            "span": span,
            "path": [[*point, cost]],
            "start": point,
        }
    engine_network = model.playground_network(network)
    first, second = walk.get("first") or DEFAULT_ADDRESSES[0], walk.get("second") or DEFAULT_ADDRESSES[1]
    if not has_parameter(engine_network, first) or not has_parameter(engine_network, second):
        first, second = DEFAULT_ADDRESSES  # another network's parameters
    point = [parameter_value(engine_network, tuple(first)), parameter_value(engine_network, tuple(second))]
    span = walk["span"] if not isinstance(walk["span"], list) else 3.0
    assert data is not None  # a walk on the network's cost is over the playground's points
    cost = full_cost(engine_network, data, settings)
    walk = {
        **walk,
        "first": list(first),
        "second": list(second),
        "span": span,
        "centre": point,
        "path": [[*point, cost]],
        "start": point,
    }
    return {**walk, "vectors": [flat_parameters(engine_network)] if walk["train_all"] else []}


def has_parameter(network, address) -> bool:
    try:
        locate(network, tuple(address))
    except ValueError:
        return False
    return True


def walk_for(walk: dict, network: dict, data: dict, settings: dict) -> dict:
    """The walk a page drawn now shows: the session's, when the network is where it left off;
    else a new one from where the network is (the playground trained it meanwhile)."""
    if not walk["path"]:
        return started(walk, network, data, settings)
    if walk["source"] != "network":
        return walk
    engine_network = model.playground_network(network)
    if not (has_parameter(engine_network, walk["first"]) and has_parameter(engine_network, walk["second"])):
        return started(walk, network, data, settings)
    now = [
        parameter_value(engine_network, tuple(walk["first"])),
        parameter_value(engine_network, tuple(walk["second"])),
    ]
    here = walk["path"][-1][:2]
    return walk if np.allclose(now, here, rtol=1e-6, atol=1e-6) else started(walk, network, data, settings)


def check_view(walk: dict) -> dict:
    """Bounds beyond the walk's shape: parameter vectors within the playground's size."""
    longest = current_limits().max_parameters_of_playground()
    if any(len(vector) > longest for vector in walk["vectors"]) or sum(map(len, walk["vectors"])) > VECTOR_NUMBERS:
        raise ValueError(f"walk vectors: at most {VECTOR_NUMBERS:,} numbers, lists of at most {longest:,}")
    if walk["source"] == "network" and (not walk["first"] or not walk["second"]):
        raise ValueError("walk: a walk on the network names two of its parameters")
    return walk


def shared_view(walk: dict) -> dict:
    """What a link holds of the walk: everything but the optimizer's memory."""
    return {**walk, "trainer": {key: value for key, value in walk["trainer"].items() if key != "memory"}}


def flat_parameters(network) -> list[float]:
    return np.concatenate([p.ravel() for p in network.parameters()]).astype(float).tolist()


def kept_vectors(vectors: list[list[float]], vector: list[float]) -> list[list[float]]:
    """The run's parameter vectors with one more; when they pass VECTOR_NUMBERS numbers every other
    one is dropped (the first and the newest stay), so the PCA plane still spans the whole run."""
    vectors = vectors + [vector]
    while sum(map(len, vectors)) > VECTOR_NUMBERS and len(vectors) > 3:
        vectors = vectors[:1] + vectors[2:-1:2] + vectors[-1:]
    return vectors


def spans(walk: dict) -> tuple[float, float]:
    span = walk["span"]
    return (float(span[0]), float(span[1])) if isinstance(span, list) else (float(span), float(span))


def axes(walk: dict) -> tuple[np.ndarray, np.ndarray]:
    """The grid's values along the first and second parameter (or x and y)."""
    (cx, cy), (sx, sy), n = walk["centre"], spans(walk), walk["resolution"]
    return np.linspace(cx - sx, cx + sx, n), np.linspace(cy - sy, cy + sy, n)


def axis_titles(walk: dict) -> tuple[str, str]:
    if walk["source"] != "network":
        return "x", "y"
    return parameter_name(tuple(walk["first"])), parameter_name(tuple(walk["second"]))


def full_cost(network, data: dict, settings: dict | None) -> float:
    """The cost on all the training points, with the L2 and L1 terms: the height of the path."""
    dataset = model.for_network(model.check_points(data), network)
    if len(dataset.train_labels) == 0:
        return 0.0
    l2, l1 = (float((settings or {}).get(name) or 0) for name in ("l2", "l1"))
    return float(network.cost(dataset.train_inputs, dataset.train_labels) + network.l2_cost(l2) + network.l1_cost(l1))


def moved(walk: dict, point: list[float], cost: float) -> dict:
    """The walk one step further, at ``point``."""
    return {
        **walk,
        "path": (walk["path"] + [[float(point[0]), float(point[1]), float(cost)]])[-MAX_PATH:],
        "steps": walk["steps"] + 1,
    }


def news(held: list, now: list, added: int) -> tuple[int, list]:
    """``now`` as the last ``kept`` items of ``held`` followed by the new ones: what a page holding
    ``held`` is sent of it after ``added`` more (kept 0: all of ``now``, e.g. a new walk, or the
    vectors thinned)."""
    kept = len(now) - added
    if 0 <= kept <= len(held) and now[:kept] == held[len(held) - kept :]:
        return kept, now[kept:]
    return 0, now


# ------------------------------------------------------------------ surfaces


def network_surface(
    walk: dict, network: dict, data: dict, settings: dict, batch: list[int] | None = None, sample: Sample | None = None
) -> tuple[np.ndarray, str]:
    """The cost over the grid of the two chosen parameters, on all training points or on one batch
    (a sample of them past the request's work budget), and the note saying so ('' when all are used)."""
    engine_network, dataset = model.session_problem(network, data)
    inputs, labels = dataset.train_inputs, dataset.train_labels
    if batch is not None:
        inputs, labels = inputs[batch], labels[batch]
    if len(labels) == 0:
        raise ValueError("there are no training points: add some on the playground")
    sample = sample or network_sample(engine_network, len(labels), walk["resolution"] ** 2)
    xs, ys = axes(walk)
    costs = cost_surface(
        engine_network,
        sample.of(inputs),
        sample.of(labels),
        tuple(walk["first"]),
        tuple(walk["second"]),
        xs,
        ys,
        l2=float(settings["l2"]),
        l1=float(settings.get("l1", 0.0)),
    )
    return costs, sample.note


def classic_surface(walk: dict) -> np.ndarray:
    xs, ys = axes(walk)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.asarray(SURFACES[walk["source"]].function(grid_x, grid_y))  # over a grid: an array already


def surface_costs(walk: dict, network: dict, data: dict, settings: dict) -> tuple[np.ndarray, str]:
    """The full-data costs over a walk's grid (a network's two parameters, or a classic surface),
    and the note of a sample ('' when every point is used)."""
    if walk["source"] == "network":
        return network_surface(walk, network, data, settings)
    return classic_surface(walk), ""


def next_batch(walk: dict, data: dict, settings: dict) -> list[int]:
    """The training points of the walk's next mini-batch (the order is the trainer's: seed and epoch)."""
    n = len(data["train_labels"])
    epoch, position = walk["trainer"].get("epoch", 0), walk["trainer"].get("position", 0)
    if position >= n:
        epoch, position = epoch + 1, 0
    return epoch_order(settings["weight_seed"], epoch, n)[position : position + settings["batch_size"]].tolist()


def pca_plane(walk: dict) -> tuple[np.ndarray, float] | None:
    """The path projected on the plane of its two main directions, and the share of its variance there."""
    if len(walk["vectors"]) < 3:
        return None
    _, _, coordinates, explained = trajectory_plane(np.array(walk["vectors"]))
    return coordinates, explained


# ------------------------------------------------------------------ readouts


def curvature(walk: dict, network: dict | None, data: dict | None, settings: dict) -> dict:
    """The 2×2 Hessian at the current point, its eigenvalues, λmax and the learn-rate limits
    (and the note of a sample of the points, '' when every point is used)."""
    point, note = walk["path"][-1][:2], ""
    if walk["source"] == "network":
        engine_network = model.playground_network(network, dtype=np.float64)
        for address, value in zip((walk["first"], walk["second"]), point):
            position, index = locate(engine_network, tuple(address))
            engine_network.parameters()[position][index] = value
        dataset = model.for_network(model.check_points(data), engine_network)
        sample = network_sample(engine_network, len(dataset.train_labels), CURVATURE_PASSES)
        note = sample.note
        # No L1 here: λ₁·Σ|w| is straight on each side of 0, it adds a slope but no curvature.
        matrix = hessian(
            engine_network,
            sample.of(dataset.train_inputs),
            sample.of(dataset.train_labels),
            tuple(walk["first"]),
            tuple(walk["second"]),
            l2=float(settings["l2"]),
        )
    else:
        surface, h = SURFACES[walk["source"]], 1e-5
        columns = [
            (
                surface.value_and_gradient(np.array(point) + h * e)[1]
                - surface.value_and_gradient(np.array(point) - h * e)[1]
            )
            / (2 * h)
            for e in np.eye(2)
        ]
        matrix = np.column_stack(columns)
        matrix = 0.5 * (matrix + matrix.T)
    eigenvalues = np.linalg.eigvalsh(matrix)
    largest = largest_curvature(matrix)
    momentum = float(walk["momentum"]) if walk["optimizer"] in ("momentum", "nesterov") else 0.0
    return {
        "hessian": matrix.tolist(),
        "eigenvalues": eigenvalues.tolist(),
        "largest": largest,
        "limit": learn_rate_limit(largest),
        "momentum_limit": learn_rate_limit(largest, momentum),
        "momentum": momentum,
        "saddle": bool(eigenvalues[0] < 0 < eigenvalues[1]),
        "note": note,
    }


def limit_text(limit: float) -> str:
    """The learn-rate limit as the sentence and the slider's mark both write it (the class compares them)."""
    return f"{limit:.3g}"


def curvature_text(values: dict, learn_rate: float) -> str:
    """One line a student can read: the curvatures, the limit, and where the learn rate is."""
    low, high = values["eigenvalues"]
    text = f"curvatures here λ = {low:.2g}, {high:.2g}" + (f" ({values['note']})" if values.get("note") else "")
    if values["saddle"]:
        text += " · a saddle: one direction curves up, the other down"
    if values["largest"] <= 0:
        return text + " · nothing curves up here: no learn-rate limit"
    limit = values["momentum_limit"] if values["momentum"] else values["limit"]
    which = f"(2 + 2·{values['momentum']:g})/λmax" if values["momentum"] else "2/λmax"
    verdict = "below it: steps settle" if learn_rate < limit else "above it: steps overshoot further and further"
    return f"{text} · {which} = {limit_text(limit)}; the learn rate {learn_rate:.3g} is {verdict}"


def readouts(walk: dict, network: dict | None, data: dict | None, settings: dict) -> tuple[str, str, float | None]:
    """(status line, curvature line, the learn-rate limit for the slider's mark)."""
    x, y, cost = walk["path"][-1]
    names = axis_titles(walk)
    status = f"step {walk['steps']} · cost {cost:.5g} · {names[0]} = {x:.4g}, {names[1]} = {y:.4g}"
    try:
        values = curvature(walk, network, data, settings)
    except (ValueError, np.linalg.LinAlgError):
        return status, "", None
    limit = values["momentum_limit"] if values["momentum"] else values["limit"]
    return status, curvature_text(values, float(walk["learn_rate"])), limit


def parameter_options(network: dict) -> list[dict]:
    """Every weight and bias of the network, as the sliders name them (dropdown options)."""
    engine_network = model.playground_network(network)
    return [
        {"label": parameter_name(address), "value": value_from_address(address)}
        for address in parameter_addresses(engine_network)
    ]


def address_from_value(value: str) -> list:
    kind, *numbers = value.split("|")
    return [kind, *(int(n) for n in numbers)]


def value_from_address(address) -> str:
    return "|".join(map(str, address))


LIMIT_STYLE = {"color": ALARM_COLOUR, "fontWeight": "600"}


def learn_rate_marks(limit: float | None) -> dict:
    """Marks of the log learn-rate slider, with 2/λmax where it falls on it; a limit beyond the
    slider (the fruit network's is in the hundreds) is marked at the end it lies past, with an
    arrow and its value, so the class still sees where it is."""
    low, high = LEARN_RATE_RANGE
    marks: dict[float, Any] = decade_marks(low, high)
    if limit is None or not math.isfinite(limit) or limit <= 0:
        return marks
    where = math.log10(limit)
    if where > high:
        # Its label ends at the slider's end rather than centred on it (it would stick out of the panel).
        marks[high] = {
            "label": f"2/λmax = {limit_text(limit)} →",
            "style": {**LIMIT_STYLE, "transform": "translateX(-100%)"},
        }
        for k in (high - 1, high - 2, high - 3):  # room for its label (lecture mode's too)
            marks.pop(k, None)
    elif where < low:
        marks[low] = {
            "label": f"← 2/λmax = {limit_text(limit)}",
            "style": {**LIMIT_STYLE, "transform": "translateX(0)"},
        }
        for k in (low + 1, low + 2, low + 3):
            marks.pop(k, None)
    else:
        where = round(where, 2)
        marks = {k: label for k, label in marks.items() if abs(k - where) > 0.45}  # room for its label
        marks[where] = {"label": "2/λmax", "style": LIMIT_STYLE}
    return marks
