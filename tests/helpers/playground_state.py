"""What the 2D playground's state tests share (tests/test_playground_*.py): the default
settings, a new session's points and network, an edited session, a network's weights."""

from __future__ import annotations

from playground.app.session import model

SETTINGS = dict(model.DEFAULT_SETTINGS)  # learn rate 3, batches of 10, plain SGD


def initial() -> tuple[dict, dict]:
    """A new session's points and network."""
    state = model.initial_state()
    return state["data"], state["network"]


def example_state():
    state = model.initial_state()
    state["network"]["layers"][0]["weights"][1][2] = 1.2345678  # a hand-edited weight
    state["data"]["train_inputs"].append([0.5, 0.25])  # a clicked point
    state["data"]["train_labels"].append(1)
    state["settings"] = {**SETTINGS, "learn_rate": 0.75, "play_speed": 5}
    return state


def weights_of(network: dict) -> list:
    """Every layer's weights and biases, as the network's JSON holds them."""
    return [(layer["weights"], layer["biases"]) for layer in network["layers"]]
