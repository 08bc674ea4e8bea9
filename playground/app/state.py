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
import zlib
from typing import Any

import numpy as np

from playground.data.toy import Dataset
from playground.engine import Network

STATE_VERSION = 1
SHARE_PREFIX = "s="
# Browsers cope with long URLs, but past this the link is unwieldy to paste anywhere.
MAX_SHARE_CHARACTERS = 100_000
MAX_POINTS = 10_000


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


def network_from_dict(data: dict[str, Any], dtype=np.float32) -> Network:
    """A ``Network`` from ``network_to_dict``'s output; raises ``StateError`` naming any problem."""
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
    except (KeyError, TypeError, ValueError) as error:
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


def data_from_dict(data: dict[str, Any]) -> Dataset:
    """A ``Dataset`` from ``data_to_dict``'s output; raises ``StateError`` naming any problem."""
    try:
        class_names = [str(name) for name in data["class_names"]]
        arrays = {}
        for part in ("train", "test"):
            inputs = np.asarray(data[f"{part}_inputs"], dtype=np.float32).reshape(-1, 2)
            labels = np.asarray(data[f"{part}_labels"], dtype=np.int64).reshape(-1)
            if len(inputs) != len(labels):
                raise StateError(f"{part}: {len(inputs)} points but {len(labels)} labels")
            if not np.all(np.isfinite(inputs)):
                raise StateError(f"{part}: coordinates must be finite numbers")
            if len(labels) and (labels.min() < 0 or labels.max() >= len(class_names)):
                raise StateError(f"{part}: labels must be 0…{len(class_names) - 1}")
            arrays[part] = (inputs, labels)
        if len(arrays["train"][0]) + len(arrays["test"][0]) > MAX_POINTS:
            raise StateError(f"more than {MAX_POINTS:,} points")
        if not 1 <= len(class_names) <= 10:
            raise StateError("there must be 1 to 10 classes")
    except StateError:
        raise
    except (KeyError, TypeError, ValueError) as error:
        raise StateError(f"invalid data: {error}") from None
    return Dataset(str(data.get("name", "custom")), *arrays["train"], *arrays["test"], class_names,
                   [str(name) for name in data.get("feature_names", ["x1", "x2"])])


# ------------------------------------------------------------------ sharing


def state_to_json(state: dict[str, Any]) -> str:
    """The state as a JSON document (the downloadable file)."""
    return json.dumps({**state, "version": STATE_VERSION}, separators=(",", ":"))


def state_from_json(text: str | bytes) -> dict[str, Any]:
    """Parse and validate a state JSON document; raises ``StateError`` naming any problem."""
    try:
        state = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise StateError(f"not a playground file: {error}") from None
    return check_state(state)


def check_state(state: Any) -> dict[str, Any]:
    """Validate a state dictionary: network and data must load and fit together."""
    if not isinstance(state, dict) or not {"data", "network", "settings"} <= set(state):
        raise StateError("not a playground state (it needs data, network and settings)")
    if int(state.get("version", 1)) > STATE_VERSION:
        raise StateError(f"made by a newer version (state version {state['version']})")
    network = network_from_dict(state["network"])
    dataset = data_from_dict(state["data"])
    if network.layer_sizes[0] != dataset.inputs.shape[1]:
        raise StateError(f"the network takes {network.layer_sizes[0]} inputs, the points have {dataset.inputs.shape[1]}")
    if network.layer_sizes[-1] < dataset.n_classes:
        raise StateError(f"the network has {network.layer_sizes[-1]} outputs for {dataset.n_classes} classes")
    if not isinstance(state["settings"], dict):
        raise StateError("settings must be a dictionary")
    return state


def encode_share(state: dict[str, Any]) -> str:
    """The URL fragment (without '#') holding the state: JSON, deflated, base64url."""
    packed = zlib.compress(state_to_json(state).encode(), level=9)
    return SHARE_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_share(fragment: str) -> dict[str, Any]:
    """The state from a URL fragment made by ``encode_share``; raises ``StateError`` if broken."""
    fragment = fragment.lstrip("#")
    if not fragment.startswith(SHARE_PREFIX):
        raise StateError("this link holds no playground state")
    text = fragment[len(SHARE_PREFIX):]
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return state_from_json(zlib.decompress(packed).decode())
    except (ValueError, zlib.error) as error:
        if isinstance(error, StateError):
            raise
        raise StateError(f"the link is damaged or cut short ({error})") from None
