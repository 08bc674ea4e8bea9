"""The session's state as plain JSON: what the browser stores, shares and saves.

A session's whole state lives in the browser (the app-level ``dcc.Store``s of
``playground.app.session``), so the server holds nothing between requests and two
sessions can never see each other's data. The same dictionaries make the JSON file and,
compressed, the shareable URL fragment.

    state = {"version": 1, "data": {...}, "network": {...}, "settings": {...}}

Optimizer momentum and cost history are deliberately not part of it (SPEC F7). Nothing
here is specific to one page: the playground adds its own checks (two inputs) on top.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from typing import Any

import numpy as np

from playground.data.toy import Dataset
from playground.engine import OPTIMIZERS, Network
from playground.engine.training import GRADIENT_METHODS
from playground.limits import current as current_limits

STATE_VERSION = 1
SHARE_PREFIX = "s="
MAX_NAME_CHARACTERS = 100  # a class or feature name
SEED_LIMIT = 2**32  # seeds are 0 … 2³² − 1, as NumPy's generators take them


class StateError(ValueError):
    """A state (file, link or store) that cannot be loaded; the message says why."""


# ------------------------------------------------------------------ network


def network_to_dict(network: Network) -> dict[str, Any]:
    """The network as JSON-able lists (float32 values survive the round trip exactly)."""
    return {
        "layer_sizes": list(network.layer_sizes),
        "activations": list(network.activations),
        "output_activation": network.output_activation,
        "cost": network.cost_name,
        "seed": int(network.seed or 0),
        "weights": [W.tolist() for W in network.weights],
        "biases": [b.tolist() for b in network.biases],
    }


def check_network_size(data: Any) -> list[int]:
    """The layer sizes of a network a client sent, within the limits, before anything is built.

    Two inputs, at most ``hidden_layers`` hidden layers of at most ``layer_width`` nodes, at most
    ``classes`` outputs: what the playground can build (the server enforces the page's bounds).
    """
    limits = current_limits()
    if not isinstance(data, dict):
        raise StateError("invalid network: it must be a dictionary")
    sizes = data.get("layer_sizes")
    if not isinstance(sizes, list) or not 2 <= len(sizes) <= limits.hidden_layers + 2:
        raise StateError(f"invalid network: layer_sizes must list 2 to {limits.hidden_layers + 2} sizes")
    if any(isinstance(n, bool) or not isinstance(n, int) for n in sizes):
        raise StateError("invalid network: layer sizes must be whole numbers")
    if sizes[0] != 2 or not 1 <= sizes[-1] <= limits.classes or any(not 1 <= n <= limits.layer_width for n in sizes[1:-1]):
        raise StateError(f"invalid network: 2 inputs, hidden layers of 1 to {limits.layer_width} nodes and 1 to "
                         f"{limits.classes} outputs are allowed, not {sizes}")
    return sizes


def network_from_dict(data: dict[str, Any], dtype=np.float32) -> Network:
    """A ``Network`` from ``network_to_dict``'s output; raises ``StateError`` naming any problem.

    The sizes are checked against the limits first, so a request cannot make the server build
    a network larger than the playground's own.
    """
    check_network_size(data)
    try:
        network = Network(data["layer_sizes"], activation=data["activations"],
                          output_activation=data["output_activation"], cost=data["cost"],
                          seed=int(data.get("seed", 0)), dtype=dtype)
        for kind, arrays in (("weights", network.weights), ("biases", network.biases)):
            stored = data[kind]
            if len(stored) != len(arrays):
                raise StateError(f"{kind}: {len(stored)} layers, expected {len(arrays)}")
            for index, values in enumerate(stored):
                array = np.asarray(values, dtype=np.float64)
                if array.shape != arrays[index].shape:
                    raise StateError(f"{kind}[{index + 1}] has shape {array.shape}, expected {arrays[index].shape}")
                if not np.all(np.isfinite(array)):
                    raise StateError(f"{kind}[{index + 1}] holds values that are not finite")
                arrays[index][...] = array
    except StateError:
        raise
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise StateError(f"invalid network: {error}") from None
    return network


# ------------------------------------------------------------------ data


def data_to_dict(dataset: Dataset, **generator: Any) -> dict[str, Any]:
    """The points and how they were made (``generator``: name, noise, seed, …)."""
    return {
        **generator,
        "name": dataset.name,
        "class_names": list(dataset.class_names),
        "feature_names": list(dataset.feature_names),
        "train_inputs": np.asarray(dataset.train_inputs, dtype=np.float32).tolist(),
        "train_labels": np.asarray(dataset.train_labels).astype(int).tolist(),
        "test_inputs": np.asarray(dataset.test_inputs, dtype=np.float32).reshape(-1, 2).tolist(),
        "test_labels": np.asarray(dataset.test_labels).astype(int).tolist(),
    }


def check_names(names: Any, what: str, count: tuple[int, int]) -> list[str]:
    """A list of short names (classes, features), within ``count`` = (fewest, most)."""
    fewest, most = count
    if not isinstance(names, list) or not fewest <= len(names) <= most:
        raise StateError(f"{what}: {fewest} to {most} names are needed")
    if any(not isinstance(name, str) or len(name) > MAX_NAME_CHARACTERS for name in names):
        raise StateError(f"{what}: each name must be text of at most {MAX_NAME_CHARACTERS} characters")
    return names


def data_from_dict(data: dict[str, Any]) -> Dataset:
    """A ``Dataset`` from ``data_to_dict``'s output; raises ``StateError`` naming any problem.

    The counts are checked against the limits before any array is made.
    """
    limits = current_limits()
    if not isinstance(data, dict):
        raise StateError("invalid data: it must be a dictionary")
    class_names = check_names(data.get("class_names"), "classes", (1, limits.classes))
    feature_names = check_names(data.get("feature_names", ["x1", "x2"]), "features", (2, 2))
    parts = [data.get(f"{part}_{kind}") for part in ("train", "test") for kind in ("inputs", "labels")]
    if any(not isinstance(values, list) for values in parts):
        raise StateError("invalid data: train and test inputs and labels must be lists")
    if len(parts[0]) + len(parts[2]) > limits.points:
        raise StateError(f"more than {limits.points:,} points")
    try:
        arrays = {}
        for part in ("train", "test"):
            inputs = np.asarray(data[f"{part}_inputs"], dtype=np.float64).reshape(-1, 2)
            labels = np.asarray(data[f"{part}_labels"], dtype=np.float64).reshape(-1)
            if len(inputs) != len(labels):
                raise StateError(f"{part}: {len(inputs)} points but {len(labels)} labels")
            if not np.all(np.abs(inputs) <= np.finfo(np.float32).max):
                raise StateError(f"{part}: coordinates must be finite numbers within ±3.4e38")
            if len(labels) and (np.any(labels != np.round(labels)) or labels.min() < 0
                                or labels.max() >= len(class_names)):
                raise StateError(f"{part}: labels must be whole numbers 0…{len(class_names) - 1}")
            arrays[part] = (inputs.astype(np.float32), labels.astype(np.int64))
    except StateError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise StateError(f"invalid data: {error}") from None
    name = data.get("name", "custom")
    return Dataset(name if isinstance(name, str) else "custom", *arrays["train"], *arrays["test"],
                   list(class_names), list(feature_names))


# ------------------------------------------------------------------ settings

# What each training setting may be (the page's controls never leave these bounds).
NUMBER_SETTINGS = {"learn_rate": (1e-6, 1e6), "momentum": (0.0, 0.999), "l2": (0.0, 100.0)}
WHOLE_SETTINGS = {"batch_size": (1, None), "data_seed": (0, SEED_LIMIT - 1), "weight_seed": (0, SEED_LIMIT - 1)}


def check_settings(settings: Any) -> dict[str, Any]:
    """Validate the training settings a client sent (learn rate, batch size, optimizer, …).

    Returns them unchanged; raises ``StateError`` naming the first that is out of bounds, so a
    link holding a learn rate of 'abc' is refused when it is opened, not when it is used.
    """
    if not isinstance(settings, dict):
        raise StateError("settings must be a dictionary")
    for name, (low, high) in NUMBER_SETTINGS.items():
        value = settings.get(name)
        if value is not None and not (is_number(value) and low <= value <= high):
            raise StateError(f"setting {name}: a number from {low:g} to {high:g}, not {short(value)}")
    for name, (low, high) in WHOLE_SETTINGS.items():
        high = current_limits().points if high is None else high
        value = settings.get(name)
        if value is not None and not (is_number(value) and value == int(value) and low <= value <= high):
            raise StateError(f"setting {name}: a whole number from {low} to {high:,}, not {short(value)}")
    for name, choices in (("optimizer", list(OPTIMIZERS)), ("gradient", GRADIENT_METHODS)):
        if name in settings and settings[name] not in choices:
            raise StateError(f"setting {name}: one of {', '.join(choices)}, not {short(settings[name])}")
    return settings


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool, not text)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def short(value: Any) -> str:
    """A value as it may be quoted in a message (cut short: it came from the client)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------ sharing


def state_to_json(state: dict[str, Any]) -> str:
    """The state as a JSON document (the downloadable file)."""
    return json.dumps({**state, "version": STATE_VERSION}, separators=(",", ":"))


def load_json(text: str | bytes, what: str) -> Any:
    """Parse JSON a client sent, refusing deep nesting before the parser recurses."""
    from playground.app.guard import json_depth

    limit = current_limits().json_depth
    if json_depth(text) > limit:
        raise StateError(f"{what} nests more than {limit} levels deep")
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise StateError(f"{what} is not JSON: {error}") from None


def state_from_json(text: str | bytes) -> dict[str, Any]:
    """Parse and validate a state JSON document; raises ``StateError`` naming any problem."""
    limit = current_limits().json_upload_bytes
    if len(text) > limit:
        raise StateError(f"the file is {len(text):,} bytes; at most {limit:,} are read")
    return check_state(load_json(text, "not a playground file: it"))


def check_state(state: Any) -> dict[str, Any]:
    """Validate a state dictionary: network, data and settings must load and fit together."""
    if not isinstance(state, dict) or not {"data", "network", "settings"} <= set(state):
        raise StateError("not a playground state (it needs data, network and settings)")
    version = state.get("version", 1)
    if not is_number(version) or version > STATE_VERSION:
        raise StateError(f"made by a newer version (state version {short(version)})")
    network = network_from_dict(state["network"])
    dataset = data_from_dict(state["data"])
    if network.layer_sizes[0] != dataset.inputs.shape[1]:
        raise StateError(f"the network takes {network.layer_sizes[0]} inputs, the points have {dataset.inputs.shape[1]}")
    if network.layer_sizes[-1] < dataset.n_classes:
        raise StateError(f"the network has {network.layer_sizes[-1]} outputs for {dataset.n_classes} classes")
    check_settings(state["settings"])
    return state


def encode_share(state: dict[str, Any]) -> str:
    """The URL fragment (without '#') holding the state: JSON, deflated, base64url."""
    packed = zlib.compress(state_to_json(state).encode(), level=9)
    return SHARE_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_share(fragment: str) -> dict[str, Any]:
    """The state from a URL fragment made by ``encode_share``; raises ``StateError`` if broken.

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
    text = fragment[len(SHARE_PREFIX):]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        inflated = inflater.decompress(packed, limits.share_link_inflated_bytes)
        if inflater.unconsumed_tail:
            raise StateError(f"the link's state inflates to more than {limits.share_link_inflated_bytes:,} bytes")
        if not inflater.eof:
            raise StateError("the link is damaged or cut short")
        return check_state(load_json(inflated, "the link's state"))
    except (ValueError, zlib.error) as error:
        if isinstance(error, StateError):
            raise
        raise StateError(f"the link is damaged or cut short ({error})") from None
