"""The session's problem: its network and its points, each checked, and the two fitting each other.

The network is the engine's own description (``shapes.NetworkShape``: dense layers, a task,
feature inputs); the points are 2-D (``shapes.Points``: classes, or a regression's real
targets). ``session_problem`` is the one way a page computes on them: the engine's network
and the points as it takes them (its feature inputs computed from x1, x2). Every function
here is also ``playground.app.session.model``'s (the session's one validator, which uses them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from playground.app.session import shapes
from playground.data.features import DEFAULT_FEATURES, check_features, feature_matrix
from playground.data.points import load_points
from playground.data.tensorflow_sets import TENSORFLOW_SETS
from playground.data.toy import Dataset, make_dataset
from playground.engine import Network
from playground.engine.persistence import network_from_json, network_to_json
from playground.limits import current as current_limits


class StateError(ValueError):
    """A state (file, link, store or request) that cannot be used; the message says why."""


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
