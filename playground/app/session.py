"""The session: its stores live in the app's root layout, outside the page container.

So the network, data, settings and training history built on one page are there on every
other page (the landscape page draws the playground's network), and they survive going
from page to page. Each store holds plain JSON in the browser; nothing of a session is
kept on the server, so two browsers never see each other's state.

- ``session-data``: the 2-D points (``state.data_to_dict``), with how they were made;
- ``session-network``: the network (``state.network_to_dict``);
- ``session-settings``: learn rate, batch size, optimizer, momentum, L2, gradient method, seeds;
- ``session-training``: the trainer's position and optimizer memory, and the cost history;
- ``session-descent``: the 1-D gradient-descent page's function, ball and settings;
- ``session-key``: a random token naming the session's work on the server (the image page's
  training job and model, in ``playground.app.jobs``); kept in the tab's sessionStorage, so a
  reload of the tab finds its job again.

A page layout is built from these stores (they are the routing callback's states), so a
page shown again shows what the session holds.
"""

from __future__ import annotations

from typing import Any

from dash import State, dcc

from playground.app import state as states
from playground.app.jobs import new_session_key
from playground.data.toy import make_dataset
from playground.engine import Network

DATA = "session-data"
NETWORK = "session-network"
SETTINGS = "session-settings"
TRAINING = "session-training"
DESCENT = "session-descent"
KEY = "session-key"

# The seed's set-up (SPEC F2): 2-3-2, sigmoid everywhere, quadratic cost; at this learn rate
# and batch size *play* separates the curved fruit in a few seconds.
DEFAULT_SETTINGS = {"learn_rate": 3.0, "batch_size": 10, "optimizer": "sgd", "momentum": 0.9,
                    "l2": 0.0, "gradient": "backprop", "data_seed": 0, "weight_seed": 0}
DEFAULT_DATA = {"name": "fruit-curved", "noise": 0.0, "test_fraction": 0.2, "seed": 0, "n_samples": 200}
DEFAULT_NETWORK = {"layer_sizes": [2, 3, 2], "activations": ["sigmoid"], "output_activation": "sigmoid",
                   "cost": "quadratic"}


def generate_data(name: str, noise: float, test_fraction: float, seed: int, n_samples: int) -> dict:
    """The data store for a generated toy set (its generator settings recorded beside it)."""
    options = {"n_arms": 3} if name == "spiral-3" else {}
    dataset = make_dataset("spiral" if name == "spiral-3" else name, n_samples=n_samples, noise=noise,
                           test_fraction=test_fraction, seed=seed, **options)
    dataset.name = name
    generator = {"generator": {"name": name, "noise": noise, "test_fraction": test_fraction, "seed": seed,
                               "n_samples": n_samples}}
    return states.data_to_dict(dataset, **generator)


def build_network(layer_sizes: list[int], activations: list[str], output_activation: str, cost: str,
                  seed: int, keep: dict | None = None) -> dict:
    """A new network dict; weight-layers whose shape did not change keep their weights from ``keep``."""
    network = Network(layer_sizes, activation=activations, output_activation=output_activation, cost=cost, seed=seed)
    if keep:
        old = states.network_from_dict(keep)
        for index, (W, b) in enumerate(zip(network.weights, network.biases)):
            if index < len(old.weights) and old.weights[index].shape == W.shape:
                W[...], b[...] = old.weights[index], old.biases[index]
    return states.network_to_dict(network)


def fresh_training() -> dict:
    """The training store of a new network: no optimizer memory, position or cost history yet."""
    return {"trainer": {}, "history": {"epoch": [], "train": [], "test": []}}


def architecture(network: dict) -> dict:
    """The parts of a network that decide which sliders exist."""
    return {key: network[key] for key in ("layer_sizes", "activations", "output_activation", "cost")}


def initial_state() -> tuple[dict, dict]:
    """A new session's points and network: the curved fruit and the seed's 2-3-2 network."""
    data = generate_data(**DEFAULT_DATA)
    network = build_network(**DEFAULT_NETWORK, seed=DEFAULT_SETTINGS["weight_seed"])
    return data, network


def stores() -> list[dcc.Store]:
    """The session's stores for a new visitor (the descent page fills its own on first visit)."""
    data, network = initial_state()
    return [dcc.Store(id=DATA, data=data), dcc.Store(id=NETWORK, data=network),
            dcc.Store(id=SETTINGS, data=dict(DEFAULT_SETTINGS)), dcc.Store(id=TRAINING, data=fresh_training()),
            dcc.Store(id=DESCENT, data=None), dcc.Store(id=KEY, data=new_session_key(), storage_type="session")]


# What every page layout is built from: the router sends these stores with each page change.
ROUTING_STATES: dict[str, Any] = {
    "data": State(DATA, "data"), "network": State(NETWORK, "data"), "settings": State(SETTINGS, "data"),
    "training": State(TRAINING, "data"), "descent": State(DESCENT, "data"), "key": State(KEY, "data"),
}
