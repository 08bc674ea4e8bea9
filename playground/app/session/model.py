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

from playground.app.session import shapes
from playground.app.session.jsontext import load_json
from playground.app.session.pages import views
from playground.app.session.problem import (  # the session's network and points: model's too (__all__)
    StateError,
    architecture,
    check_fit,
    check_playground_network,
    check_points,
    dense_network_json,
    for_network,
    generate_points,
    input_names,
    is_regression,
    network_inputs,
    output_size,
    playground_network,
    points_json,
    real_values,
    session_problem,
)
from playground.limits import current as current_limits

# The session's one validator, and (from .problem) its network and points: every caller's ``model.X``.
__all__ = [
    "DEFAULT_DATA",
    "DEFAULT_NETWORK",
    "DEFAULT_SETTINGS",
    "MAX_EPOCH",
    "SEED_LIMIT",
    "SHARE_PREFIX",
    "STATE_VERSION",
    "architecture",
    "check_fit",
    "check_part",
    "check_playground_network",
    "check_points",
    "check_settings",
    "check_state",
    "check_trainer",
    "check_training",
    "check_view",
    "decode_share",
    "dense_network_json",
    "encode_share",
    "for_network",
    "fresh_training",
    "generate_points",
    "initial_state",
    "input_names",
    "is_regression",
    "network_inputs",
    "network_json_of_version_1",
    "new_views",
    "output_size",
    "playground_network",
    "points_json",
    "real_values",
    "session_problem",
    "shapes_short",
    "shared_state",
    "state_from_json",
    "state_to_json",
    "StateError",
    "upgrade",
]

STATE_VERSION = 2
SHARE_PREFIX = "s="
SEED_LIMIT = shapes.SEED_LIMIT
MAX_EPOCH = 10**9


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
