"""The session: what it holds, what a new one holds, and the one validator every way in uses.

A session is plain JSON, held by the browser (the app-level stores of
``playground.app.session.stores``), so the server keeps nothing between requests and two
sessions can never see each other's:

    state = {"version": 2,
             "data": {...},      # the 2-D points (shapes.Points)
             "network": {...},   # the network, as the engine describes it (shapes.NetworkShape)
             "settings": {...},  # learn rate, batch size, optimizer, …, seeds, play speed
             "training": {...},  # the trainer's position and optimizer memory, the cost history
             "views": {"descent": {...}, "landscape": {...}, "images": {...}}}  # each page's own

A store sent with a callback, a training request, a share link and a JSON file all pass
``check_part`` / ``check_state``: the shape first (``shapes``), then the server's limits,
before anything is built. Links and files of version 1 (before the network was the engine's
layer list) are read and upgraded (``upgrade``); version 2 is written. A link carries the epoch
and the cost history but not the optimizer's memory, and never how the sharer views it
(lecture mode is the viewer's own).
"""

from __future__ import annotations

import base64
import copy
import json
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from playground.app.session import shapes
from playground.app.session.jsontext import load_json
from playground.app.session.pages import views
from playground.data.features import DEFAULT_FEATURES, check_features, feature_matrix
from playground.data.points import load_points
from playground.data.tensorflow_sets import TENSORFLOW_SETS
from playground.data.toy import Dataset, make_dataset
from playground.engine import Network
from playground.engine.persistence import network_from_json, network_to_json
from playground.limits import current as current_limits

STATE_VERSION = 2
SHARE_PREFIX = "s="
SEED_LIMIT = shapes.SEED_LIMIT
MAX_EPOCH = 10**9


class StateError(ValueError):
    """A state (file, link, store or request) that cannot be used; the message says why."""


# The seed's set-up (SPEC F2): 2-3-2, sigmoid everywhere, quadratic cost; at this learn rate
# and batch size *play* separates the curved fruit in a few seconds.
DEFAULT_SETTINGS: dict[str, Any] = {
    "learn_rate": 3.0,
    "batch_size": 10,
    "optimizer": "sgd",
    "momentum": 0.9,
    "l2": 0.0,
    "l1": 0.0,
    "gradient": "backprop",
    "weight_seed": 0,
    "play_speed": 0,
}
DEFAULT_DATA: dict[str, Any] = {"name": "fruit-curved", "noise": 0.0, "test_fraction": 0.2, "seed": 0, "n_samples": 200}
DEFAULT_NETWORK: dict[str, Any] = {
    "layer_sizes": [2, 3, 2],
    "activations": ["sigmoid"],
    "output_activation": "sigmoid",
    "cost": "quadratic",
}


# ------------------------------------------------------------------ the network


def dense_network_json(
    layer_sizes: list[int],
    activations: list[str],
    output_activation: str,
    cost: str,
    seed: int,
    keep: dict | None = None,
    task: str = "classification",
    input_names: list[str] | None = None,
) -> dict:
    """A new dense network; weight-layers whose shape did not change keep their weights from ``keep``.

    ``task``: classification, or regression (one real output); ``input_names``: the feature
    inputs (F25) when they are not just x1, x2."""
    network = Network(
        layer_sizes, activation=activations, output_activation=output_activation, cost=cost, seed=seed, task=task
    )
    if input_names is not None and tuple(input_names) != DEFAULT_FEATURES:
        network.input_names = check_features(input_names)
    if keep:
        old = playground_network(keep)
        for index, (W, b) in enumerate(zip(network.weights, network.biases)):
            if index < len(old.weights) and old.weights[index].shape == W.shape:
                W[...], b[...] = old.weights[index], old.biases[index]
    return network_to_json(network)


def architecture(network: dict) -> dict:
    """What decides a dense network's shape and sliders: sizes, activations, output, cost, task
    and inputs (``dense_network_json`` takes the same keys)."""
    layers = network["layers"]
    return {
        "layer_sizes": [layers[0]["inputs"]] + [layer["outputs"] for layer in layers],
        "activations": [layer["activation"] for layer in layers[:-1]],
        "output_activation": layers[-1]["activation"],
        "cost": network["cost"],
        "task": network.get("task") or "classification",
        "input_names": list(network.get("input_names") or DEFAULT_FEATURES),
    }


def input_names(network: dict) -> tuple[str, ...]:
    """The features the network's input nodes take (x1, x2 unless it names others)."""
    return tuple(network.get("input_names") or DEFAULT_FEATURES)


def network_inputs(network: Network, points: np.ndarray) -> np.ndarray:
    """What the network's input nodes take for (n, 2) points: the points, or the features it names."""
    if network.input_names is None:
        return points
    return feature_matrix(points, network.input_names)


def for_network(dataset: Dataset, network: Network) -> Dataset:
    """The points as the network takes them: its feature inputs computed (the same points when it
    takes x1, x2), and a regression's targets as the network's one column."""
    if network.input_names is None:
        return dataset
    return Dataset(
        dataset.name,
        network_inputs(network, dataset.train_inputs),
        dataset.train_labels,
        network_inputs(network, dataset.test_inputs),
        dataset.test_labels,
        dataset.class_names,
        list(network.input_names),
    )


def check_playground_network(value: Any) -> dict:
    """A network the 2-D playground can hold, checked before anything is built: two inputs, dense
    layers only, at most ``hidden_layers`` hidden layers of at most ``layer_width`` nodes and at
    most ``classes`` outputs (the server enforces the page's own bounds)."""
    limits = current_limits()
    shapes.check_shape(shapes.NetworkShape, value, "network")
    layers = value["layers"]
    try:
        features = check_features(input_names(value))
    except ValueError as error:
        raise StateError(f"network input_names: {error}") from None
    if value["input_shape"] != [len(features)] or any(layer["type"] != "dense" for layer in layers):
        raise StateError(
            f"network: the 2-D playground's network takes its {len(features)} inputs "
            f"({', '.join(features)}) and has dense layers only"
        )
    sizes = [layers[0]["inputs"]] + [layer["outputs"] for layer in layers]
    if None in sizes or any(layer["inputs"] != size for layer, size in zip(layers, sizes)):
        raise StateError(f"network: each layer must take what the layer before gives ({sizes})")
    if (
        len(layers) - 1 > limits.hidden_layers
        or any(n > limits.layer_width for n in sizes[1:-1])
        or sizes[-1] > limits.classes
    ):
        raise StateError(
            f"network: at most {limits.hidden_layers} hidden layers of 1 to {limits.layer_width} nodes "
            f"and 1 to {limits.classes} outputs are allowed, not {sizes}"
        )
    return value


def playground_network(value: Any, dtype=np.float32) -> Network:
    """The engine's network from a checked 2-D playground network (StateError naming any problem)."""
    check_playground_network(value)
    try:
        return network_from_json(value, max_parameters=current_limits().max_parameters_of_playground(), dtype=dtype)
    except (ValueError, TypeError) as error:
        raise StateError(f"network: {error}") from None


# ------------------------------------------------------------------ the points


def points_json(dataset: Dataset, task: str = "classification", **how: Any) -> dict:
    """The points as JSON, and how they were made (``generator``, ``made_with``, ``source``): a
    classification's labels as whole numbers, a regression's targets as float32 values."""
    labels = (lambda values: np.asarray(values).astype(int).tolist()) if task == "classification" else real_values
    return {
        "name": dataset.name,
        **({"task": task} if task != "classification" else {}),  # absent: classes, as every state before
        "class_names": list(dataset.class_names) if task == "classification" else [],
        "feature_names": list(dataset.feature_names),
        "train_inputs": np.asarray(dataset.train_inputs, dtype=np.float32).reshape(-1, 2).tolist(),
        "train_labels": labels(dataset.train_labels),
        "test_inputs": np.asarray(dataset.test_inputs, dtype=np.float32).reshape(-1, 2).tolist(),
        "test_labels": labels(dataset.test_labels),
        **{key: value for key, value in how.items() if value is not None},
    }


def real_values(values: Any) -> list[float]:
    """Targets as JSON numbers: float32 values written as floats (1.0 stays a number with a fraction)."""
    return [float(v) for v in np.asarray(values, dtype=np.float32).reshape(-1)]


def generate_points(name: str, noise: float, test_fraction: float, seed: int, n_samples: int) -> dict:
    """A generated toy set or TensorFlow Playground classification set ('tf-circle', …: its
    ``noise`` is its page's noise ÷ 100), its generator's settings recorded beside it."""
    task = "classification"
    if name in TENSORFLOW_SETS:
        task = TENSORFLOW_SETS[name][1]
        made = load_points(name, task, n_samples, noise, test_fraction, seed)
        dataset = Dataset(
            name, made.train_inputs, made.train_labels, made.test_inputs, made.test_labels, made.class_names
        )
    else:
        options = {"n_arms": 3} if name == "spiral-3" else {}
        dataset = make_dataset(
            "spiral" if name == "spiral-3" else name,
            n_samples=n_samples,
            noise=noise,
            test_fraction=test_fraction,
            seed=seed,
            **options,
        )
    dataset.name = name
    generator = {
        "name": name,
        "noise": float(noise),
        "test_fraction": float(test_fraction),
        "seed": int(seed),
        "n_samples": int(n_samples),
    }
    return points_json(dataset, task, generator=generator)


def check_points(value: Any) -> Dataset:
    """The points as a ``Dataset``: the shape first, then the counts and labels (StateError)."""
    limits = current_limits()
    shapes.check_shape(shapes.Points, value, "data")
    regression = value.get("task") == "regression"
    if len(value["class_names"]) > limits.classes:
        raise StateError(f"data: at most {limits.classes} classes")
    if regression and value["class_names"]:
        raise StateError("data: a regression's points have real targets, not classes (no class_names)")
    if not regression and not value["class_names"]:
        raise StateError("data: a classification needs at least one class name")
    if len(value["train_labels"]) + len(value["test_labels"]) > limits.points:
        raise StateError(f"data: more than {limits.points:,} points")
    arrays = {}
    for part in ("train", "test"):
        inputs = np.asarray(value[f"{part}_inputs"], dtype=np.float64).reshape(-1, 2)
        labels = np.asarray(value[f"{part}_labels"], dtype=np.float64)
        if len(inputs) != len(labels):
            raise StateError(f"data {part}: {len(inputs)} points but {len(labels)} labels")
        if not np.all(np.abs(inputs) <= np.finfo(np.float32).max):
            raise StateError(f"data {part}: coordinates must be finite numbers within ±3.4e38")
        if regression:
            if not np.all(np.abs(labels) <= np.finfo(np.float32).max):
                raise StateError(f"data {part}: targets must be finite numbers within ±3.4e38")
            arrays[part] = (inputs.astype(np.float32), labels.astype(np.float32))
            continue
        if np.any(labels != np.round(labels)) or (
            len(labels) and (labels.min() < 0 or labels.max() >= len(value["class_names"]))
        ):
            raise StateError(f"data {part}: labels must be whole numbers 0…{len(value['class_names']) - 1}")
        arrays[part] = (inputs.astype(np.float32), labels.astype(np.int64))
    return Dataset(
        value["name"], *arrays["train"], *arrays["test"], list(value["class_names"]), list(value["feature_names"])
    )


def session_problem(network: Any, data: Any, dtype=np.float32) -> tuple[Network, Dataset]:
    """The session's network and its points as the network takes them (feature inputs computed,
    a regression's targets), both checked and fitting each other (StateError naming any problem):
    the one way a page computes on the playground's network."""
    engine_network = playground_network(network, dtype=dtype)
    dataset = check_points(data)
    check_fit(engine_network, dataset, is_regression(data))
    return engine_network, for_network(dataset, engine_network)


def output_size(data: dict) -> int:
    """One output node per class of the points (at least two, so a prediction is a choice); one
    real output for a regression."""
    if is_regression(data):
        return 1
    return max(len(data["class_names"]), 2)


def is_regression(data: dict) -> bool:
    """Whether the points carry real targets (a regression) rather than classes."""
    return data.get("task") == "regression"


def check_fit(network: Network, dataset: Dataset, regression: bool) -> None:
    """StateError unless the network fits the points: a class per output, or a regression network
    for real targets."""
    if regression != (network.task == "regression"):
        wanted = "a regression (one real output)" if regression else "a classification"
        raise StateError(f"the points need {wanted} network; this one is for {network.task}")
    if not regression and network.layer_sizes[-1] < dataset.n_classes:
        raise StateError(f"the network has {network.layer_sizes[-1]} outputs for {dataset.n_classes} classes")


# ------------------------------------------------------------------ settings and training


def check_settings(value: Any) -> dict:
    """Gradient descent's knobs, each within what the page's controls offer (StateError)."""
    shapes.check_shape(shapes.Settings, value, "settings")
    if value["batch_size"] > current_limits().points:
        raise StateError(f"settings batch_size: at most {current_limits().points:,}")
    return value


def fresh_training() -> dict:
    """A new run: no position, no optimizer memory, no cost history yet."""
    return {"trainer": {"epoch": 0, "position": 0}, "history": {"epoch": [], "train": [], "test": []}}


def check_training(value: Any) -> dict:
    shapes.check_shape(shapes.Training, value, "training")
    history = value["history"]
    if not len(history["epoch"]) == len(history["train"]) == len(history["test"]):
        raise StateError("training history: as many train and test costs as epochs")
    return value


def check_trainer(value: Any, n_samples: int) -> dict:
    """Where a training request continues from: its position must lie within the data."""
    shapes.check_shape(shapes.Trainer, value, "trainer")
    if value.get("epoch", 0) > MAX_EPOCH:
        raise StateError(f"trainer: the epoch must be a whole number from 0 to {MAX_EPOCH:,}")
    if value.get("position", 0) > n_samples:
        raise StateError(f"trainer: the position must be a whole number from 0 to {n_samples:,}")
    return value


# ------------------------------------------------------------------ the whole state


def new_views() -> dict:
    return {name: view.new() for name, view in views().items()}


def initial_state() -> dict:
    """A new session: the curved fruit, the seed's 2-3-2 network, the default settings, no training."""
    network = dense_network_json(**DEFAULT_NETWORK, seed=DEFAULT_SETTINGS["weight_seed"])
    return {
        "version": STATE_VERSION,
        "data": generate_points(**DEFAULT_DATA),
        "network": network,
        "settings": dict(DEFAULT_SETTINGS),
        "training": fresh_training(),
        "views": new_views(),
    }


def check_view(name: str, value: Any) -> dict:
    """A page's view state: its shape, then the page's own bounds."""
    view = views().get(name)
    if view is None:
        raise StateError(f"no page keeps a view named {name!r}")
    shapes.check_shape(view.shape, value, f"{name} view")
    return view.check(value) if view.check else value


def check_part(name: str, value: Any) -> Any:
    """One store's value, by its name in the state (data, network, settings, training, view-<page>)."""
    if name.startswith("view-"):
        return check_view(name.removeprefix("view-"), value)
    checks: dict[str, Callable[[Any], Any]] = {
        "data": check_points,
        "network": playground_network,
        "settings": check_settings,
        "training": check_training,
    }
    if name not in checks:
        raise StateError(f"the session has no part named {name!r}")
    checks[name](value)
    return value


def check_state(state: Any) -> dict:
    """A whole state from a link or a file, upgraded to this version and validated part by part;
    parts it lacks (views, training) are a new session's. Raises StateError naming the problem."""
    if not isinstance(state, dict) or not {"data", "network", "settings"} <= set(state):
        raise StateError("not a playground state (it needs data, network and settings)")
    version = state.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version > STATE_VERSION or version < 1:
        raise StateError(f"made by a newer version (state version {shapes_short(version)})")
    state = upgrade(copy.deepcopy(state))
    dataset = check_points(state["data"])
    network = playground_network(state["network"])
    check_settings(state["settings"])
    check_training(state["training"])
    check_fit(network, dataset, is_regression(state["data"]))
    known = views()
    if not isinstance(state["views"], dict) or not set(state["views"]) <= set(known):
        raise StateError(f"views: only {', '.join(known) or 'none'}")
    for name, value in state["views"].items():
        check_view(name, value)
    state["views"] = {**new_views(), **state["views"]}
    return state


def upgrade(state: dict) -> dict:
    """A state of an earlier version, as this version writes it (the same network, points and settings)."""
    if state.get("version", 1) == 1:
        network = state["network"]
        if isinstance(network, dict) and "layer_sizes" in network:
            state["network"] = network_json_of_version_1(network)
        settings = state["settings"]
        if isinstance(settings, dict):  # the data seed now lives with the points' generator
            state["settings"] = {
                **DEFAULT_SETTINGS,
                **{key: value for key, value in settings.items() if key in DEFAULT_SETTINGS},
            }
    state.setdefault("training", fresh_training())
    state.setdefault("views", {})
    state["version"] = STATE_VERSION
    return state


def network_json_of_version_1(old: dict) -> dict:
    """A version-1 network ({layer_sizes, activations, output_activation, cost, seed, weights,
    biases}: dense, as the first links wrote it) as the engine's layer list describes it."""
    try:
        sizes, names = old["layer_sizes"], list(old["activations"]) + [old["output_activation"]]
        if not len(sizes) - 1 == len(names) == len(old["weights"]) == len(old["biases"]):
            raise StateError(
                f"invalid network (version 1): {len(sizes)} layer sizes need {len(sizes) - 1} "
                f"activations, weights and biases, not {len(names)}, {len(old['weights'])} and "
                f"{len(old['biases'])}"
            )
        layers = [
            {"type": "dense", "inputs": n_in, "outputs": n_out, "activation": name, "weights": W, "biases": b}
            for n_in, n_out, name, W, b in zip(sizes, sizes[1:], names, old["weights"], old["biases"])
        ]
        return {"input_shape": [sizes[0]], "cost": old["cost"], "seed": int(old.get("seed") or 0), "layers": layers}
    except StateError:
        raise
    except (KeyError, TypeError, IndexError, ValueError) as error:
        raise StateError(f"invalid network (version 1): {error}") from None


def shared_state(state: dict) -> dict:
    """What a link or a file holds of a session: everything but the optimizer's memory (it may
    not fit whoever opens it) and what a page keeps to itself."""
    training = {
        **state["training"],
        "trainer": {key: value for key, value in state["training"]["trainer"].items() if key != "memory"},
    }
    known = views()
    views_shared = {}
    for name, value in (state.get("views") or {}).items():
        if name in known:
            shared = known[name].shared
            views_shared[name] = shared(value) if shared else value
    return {
        "version": STATE_VERSION,
        "data": state["data"],
        "network": state["network"],
        "settings": state["settings"],
        "training": training,
        "views": views_shared,
    }


def shapes_short(value: Any) -> str:
    """A value as it may be quoted in a message (cut short: it came from the client)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------ files and links


def state_to_json(state: dict) -> str:
    """The state as a JSON document (the downloadable file)."""
    return json.dumps(shared_state(state), separators=(",", ":"))


def state_from_json(text: str | bytes) -> dict:
    """Parse and validate a state JSON document; raises StateError naming any problem."""
    limit = current_limits().json_upload_bytes
    if len(text) > limit:
        raise StateError(f"the file is {len(text):,} bytes; at most {limit:,} are read")
    try:
        state = load_json(text, "not a playground file: it", current_limits().json_depth)
    except ValueError as error:
        raise StateError(str(error)) from None
    return check_state(state)


def encode_share(state: dict) -> str:
    """The URL fragment (without '#') holding the state: JSON, deflated, base64url."""
    packed = zlib.compress(state_to_json(state).encode(), level=9)
    return SHARE_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_share(fragment: Any) -> dict:
    """The state from a URL fragment made by ``encode_share``; raises StateError if broken.

    Bounded before anything grows: the link's length, then what it inflates to (a small link
    can hold a zlib bomb), then the JSON's depth.
    """
    limits = current_limits()
    if not isinstance(fragment, str):
        raise StateError("this link holds no playground state")
    if len(fragment) > limits.share_link_characters + len(SHARE_PREFIX) + 1:
        raise StateError(f"the link is {len(fragment):,} characters; at most {limits.share_link_characters:,} are read")
    fragment = fragment.lstrip("#")
    if not fragment.startswith(SHARE_PREFIX):
        raise StateError("this link holds no playground state")
    text = fragment[len(SHARE_PREFIX) :]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        inflated = inflater.decompress(packed, limits.share_link_inflated_bytes)
        if inflater.unconsumed_tail:
            raise StateError(f"the link's state inflates to more than {limits.share_link_inflated_bytes:,} bytes")
        if not inflater.eof:
            raise StateError("the link is damaged or cut short")
    except (ValueError, zlib.error) as error:
        if isinstance(error, StateError):
            raise
        raise StateError(f"the link is damaged or cut short ({error})") from None
    try:
        state = load_json(inflated, "the link's state", limits.json_depth)
    except ValueError as error:
        raise StateError(str(error)) from None
    return check_state(state)
