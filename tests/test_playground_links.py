"""The 2D playground's session state: exact round trips, share links and JSON files (broken ones
explained), version 1 links and files upgraded, and every page's view in a link."""

import json
from pathlib import Path

import numpy as np
import pytest

from playground.app.main import create_app
from playground.app.session import model
from playground.engine import Network
from playground.engine.persistence import network_to_json

from helpers.playground_state import example_state, initial, weights_of

FIXTURES = Path(__file__).with_name("fixtures")

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its view of the session (links and files hold them)."""
    return create_app()


def test_network_round_trip_is_exact_in_float32():
    network = Network([2, 4, 3], activation="relu", output_activation="softmax", cost="cross_entropy", seed=5)
    again = model.playground_network(json.loads(json.dumps(network_to_json(network))))
    for a, b in zip(network.parameters(), again.parameters()):
        assert a.tobytes() == b.tobytes()
    assert again.activations == ["relu"] and again.cost_name == "cross_entropy"


def test_share_link_and_json_file_load_back_exactly():
    state = example_state()
    fragment = model.encode_share(state)
    assert fragment.startswith("s=") and len(fragment) < len(model.state_to_json(state))  # compressed
    for loaded in (model.decode_share("#" + fragment), model.state_from_json(model.state_to_json(state))):
        assert loaded["network"] == state["network"] and loaded["data"] == state["data"]
        assert loaded["settings"] == state["settings"]
        assert loaded["training"] == state["training"] and loaded["views"] == state["views"]
        assert loaded["version"] == model.STATE_VERSION


@pytest.mark.parametrize(
    "text,message",
    [
        ("#s=AAAA", "damaged or cut short"),
        ("#nothing", "holds no playground state"),
    ],
)
def test_broken_links_are_explained(text, message):
    with pytest.raises(model.StateError, match=message):
        model.decode_share(text)


def test_a_truncated_link_is_explained():
    fragment = model.encode_share(example_state())
    with pytest.raises(model.StateError, match="damaged or cut short"):
        model.decode_share(fragment[: len(fragment) // 2])


def test_bad_state_files_are_explained():
    state = example_state()
    with pytest.raises(model.StateError, match="not a playground file"):
        model.state_from_json("{not json")
    with pytest.raises(model.StateError, match="needs data, network and settings"):
        model.state_from_json('{"data": {}}')
    broken = json.loads(model.state_to_json(state))
    broken["network"]["layers"][0]["weights"] = [[1, 2]]
    with pytest.raises(model.StateError, match=r"layer 1 \(dense\): weights have shape \(1, 2\), expected \(2, 3\)"):
        model.check_state(broken)
    broken = json.loads(model.state_to_json(state))
    broken["data"]["train_labels"][0] = 7
    with pytest.raises(model.StateError, match="labels must be whole numbers 0…1"):
        model.check_state(broken)
    broken = json.loads(model.state_to_json(state))
    broken["network"]["layers"][0]["inputs"] = 3  # the old layer_sizes [3, 3, 2]
    with pytest.raises(model.StateError):
        model.check_state(broken)


# ---------------------------------------------------------------------- versions, links and views


def version_1_state() -> dict:
    """A state as the first links and files held it (built by hand in the old format): the network
    as {layer_sizes, activations, output_activation, cost, seed, weights, biases}, a data seed in
    the settings, no training and no views."""
    data, _ = initial()
    data["train_inputs"].append([0.5, 0.25])  # a clicked point
    data["train_labels"].append(1)
    weights = [[[0.1, -0.2, 0.3], [1.2345678, 0.5, -0.6]], [[0.7, -0.8], [0.9, 1.0], [-1.1, 1.2]]]
    biases = [[0.01, -0.02, 0.03], [-0.75, 0.5]]
    network = {
        "layer_sizes": [2, 3, 2],
        "activations": ["tanh"],
        "output_activation": "sigmoid",
        "cost": "quadratic",
        "seed": 4,
        "weights": weights,
        "biases": biases,
    }
    settings = {
        "learn_rate": 0.5,
        "batch_size": 8,
        "optimizer": "momentum",
        "momentum": 0.8,
        "l2": 0.001,
        "gradient": "backprop",
        "data_seed": 7,
        "weight_seed": 3,
    }
    return {"version": 1, "data": data, "network": network, "settings": settings}


def test_a_version_1_state_is_upgraded_with_the_same_weights_points_and_settings():
    old = version_1_state()
    state = model.check_state(json.loads(json.dumps(old)))
    assert state["version"] == model.STATE_VERSION == 2
    assert state["data"] == old["data"]
    network = state["network"]
    assert network["input_shape"] == [2] and network["cost"] == "quadratic" and network["seed"] == 4
    assert [layer["type"] for layer in network["layers"]] == ["dense", "dense"]
    assert [layer["activation"] for layer in network["layers"]] == ["tanh", "sigmoid"]
    assert weights_of(network) == list(zip(old["network"]["weights"], old["network"]["biases"]))
    assert model.architecture(network)["layer_sizes"] == [2, 3, 2]
    engine = model.playground_network(network)
    assert engine.weights[0][1, 0] == np.float32(1.2345678) and engine.biases[1][0] == np.float32(-0.75)
    # The settings: the same knobs, the data seed gone (the points' generator holds its seed), a play
    # speed, and no L1 (it came later).
    assert state["settings"] == {
        **{k: v for k, v in old["settings"].items() if k != "data_seed"},
        "play_speed": 0,
        "l1": 0.0,
    }
    assert state["training"] == model.fresh_training()
    assert state["views"] == model.new_views()
    assert set(state["views"]) == {"playground", "descent", "landscape", "images"}
    assert old["network"]["layer_sizes"] == [2, 3, 2]  # the state handed in is not changed


def test_a_version_1_network_missing_a_layer_is_refused():
    old = version_1_state()
    old["network"]["weights"] = old["network"]["weights"][:1]  # [2, 3, 2] with one weight-layer
    with pytest.raises(model.StateError, match="network"):
        model.check_state(old)


def test_a_version_1_state_with_a_broken_network_is_explained():
    old = version_1_state()
    old["network"]["weights"][1] = old["network"]["weights"][1][:2]
    with pytest.raises(model.StateError, match="network: layer 2 \\(dense\\): weights have shape \\(2, 2\\)"):
        model.check_state(old)
    del old["network"]["biases"]
    with pytest.raises(model.StateError, match="invalid network \\(version 1\\)"):
        model.check_state(old)
    newer = {**version_1_state(), "version": 3}
    with pytest.raises(model.StateError, match="made by a newer version"):
        model.check_state(newer)
    with pytest.raises(model.StateError, match="newer version"):
        model.check_state({**version_1_state(), "version": True})


def fixture_state() -> dict:
    """What the old code wrote into tests/fixtures (moons, a 2-4-2 tanh/softmax network with a
    hand-edited weight and bias, a clicked point, momentum settings with data seed 7)."""
    return json.loads((FIXTURES / "version1-state.json").read_text())


def test_a_version_1_file_made_by_the_old_code_opens_with_the_same_weights_points_and_settings():
    old = fixture_state()
    assert old["version"] == 1 and "layer_sizes" in old["network"]  # the old format, as the old code wrote it
    loaded = model.state_from_json((FIXTURES / "version1-state.json").read_bytes())
    check_fixture_loaded(loaded, old)


def test_a_version_1_link_made_by_the_old_code_opens_with_the_same_weights_points_and_settings():
    fragment = (FIXTURES / "version1-link.txt").read_text().strip()
    assert fragment.startswith("#s=")
    check_fixture_loaded(model.decode_share(fragment), fixture_state())


def check_fixture_loaded(loaded: dict, old: dict) -> None:
    assert loaded["version"] == 2
    assert loaded["data"] == old["data"]
    assert loaded["data"]["train_inputs"][-1] == [0.5, 0.25] and loaded["data"]["train_labels"][-1] == 1
    assert weights_of(loaded["network"]) == list(zip(old["network"]["weights"], old["network"]["biases"]))
    assert loaded["network"]["layers"][0]["weights"][1][2] == 1.2345678
    assert loaded["network"]["layers"][1]["biases"][0] == -0.75
    assert model.architecture(loaded["network"]) == {
        "layer_sizes": [2, 4, 2],
        "activations": ["tanh"],
        "output_activation": "softmax",
        "cost": "cross_entropy",
        "task": "classification",  # before regression, every network chose a class
        "input_names": ["x1", "x2"],  # … from x1 and x2
    }
    assert loaded["settings"] == {
        "learn_rate": 0.5,
        "batch_size": 8,
        "optimizer": "momentum",
        "momentum": 0.8,
        "l2": 0.001,
        "gradient": "backprop",
        "weight_seed": 3,
        "play_speed": 0,
        "l1": 0.0,
    }
    # The network computes what the old one did: the same outputs on the points.
    engine = model.playground_network(loaded["network"])
    inputs = np.array(old["data"]["train_inputs"], dtype=np.float32)
    W = [np.array(w, dtype=np.float32) for w in old["network"]["weights"]]
    b = [np.array(v, dtype=np.float32) for v in old["network"]["biases"]]
    hidden = np.tanh(inputs @ W[0] + b[0])
    logits = hidden @ W[1] + b[1]
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    np.testing.assert_allclose(engine.forward(inputs), expected / expected.sum(axis=1, keepdims=True), rtol=1e-5)
    # Training goes on from it, and it is written back as version 2.
    again = model.decode_share(model.encode_share(loaded))
    assert again["network"] == loaded["network"] and again["version"] == 2


def session_with_views() -> dict:
    """A session where every page has a view of its own, with optimizer memory in the training and the walk."""
    from playground.app.pages.descent.logic import new_descent

    state = example_state()
    state["training"] = {
        "trainer": {
            "epoch": 3,
            "position": 20,
            "memory": {"optimizer": "momentum", "velocities": [[[0.0] * 3] * 2, [0.0] * 3, [[0.0] * 2] * 3, [0.0] * 2]},
        },
        "history": {"epoch": [0, 1, 2, 3], "train": [0.4, 0.3, 0.25, 0.2], "test": [0.5, 0.4, 0.3, None]},
    }
    state["views"]["descent"] = new_descent("two-minima", {"learn_rate": 0.02})
    walk = state["views"]["landscape"]
    state["views"]["landscape"] = {
        **walk,
        "optimizer": "momentum",
        "learn_rate": 0.5,
        "span": 2.0,
        "steps": 2,
        "path": [[0.1, 0.2, 0.3], [0.15, 0.25, 0.28]],
        "trainer": {"epoch": 0, "position": 20, "memory": {"optimizer": "momentum", "velocities": [[0.0]]}},
    }
    images = state["views"]["images"]
    state["views"]["images"] = {
        "config": {**images["config"], "epochs": 7},
        "model": {
            "job": "job-1",
            "data": "digits",
            "network": "64-10",
            "layers": [{"type": "dense", "inputs": 64, "outputs": 10}],
            "input_shape": [64],
            "test_accuracy": 0.9,
            "epochs": 7,
        },
    }
    for name, value in state["views"].items():
        model.check_view(name, value)
    model.check_training(state["training"])
    return state


def test_a_link_holds_every_pages_view_but_not_optimizer_memory_nor_lecture_mode():
    state = session_with_views()
    for loaded in (model.decode_share(model.encode_share(state)), model.state_from_json(model.state_to_json(state))):
        assert set(loaded["views"]) == {"playground", "descent", "landscape", "images"}
        assert loaded["views"]["descent"] == state["views"]["descent"]  # the function, the ball, its path
        walk = loaded["views"]["landscape"]
        assert walk == {**state["views"]["landscape"], "trainer": {"epoch": 0, "position": 20}}  # no memory
        assert loaded["views"]["images"] == {**state["views"]["images"], "model": None}  # the model stays on the server
        assert loaded["training"]["trainer"] == {"epoch": 3, "position": 20}  # the epoch, not the memory
        assert loaded["training"]["history"] == state["training"]["history"]  # the cost curve
    text = model.state_to_json(state)
    assert "lecture" not in text and "velocities" not in text
    assert set(json.loads(text)) == {"version", "data", "network", "settings", "training", "views"}
    assert "memory" in state["training"]["trainer"]  # the session itself keeps its memory


def test_a_link_with_a_bad_or_unknown_view_is_explained():
    state = json.loads(model.state_to_json(session_with_views()))
    unknown = {**state, "views": {**state["views"], "elsewhere": {}}}
    with pytest.raises(model.StateError, match="views: only playground, descent, landscape, images"):
        model.check_state(unknown)
    bad = json.loads(json.dumps(state))
    bad["views"]["descent"]["formula"] = "__import__('os')"
    with pytest.raises(ValueError):
        model.decode_share(model.encode_share(bad))
    bad = json.loads(json.dumps(state))
    bad["views"]["landscape"]["resolution"] = 100_000
    with pytest.raises(ValueError, match="landscape view resolution"):
        model.check_state(bad)
    # A link without views (or with some) opens with a new session's for the rest.
    partial = {**state, "views": {"descent": state["views"]["descent"]}}
    opened = model.check_state(partial)
    assert opened["views"]["descent"] == state["views"]["descent"]
    assert opened["views"]["landscape"] == model.new_views()["landscape"]
    assert opened["views"]["playground"] == {"discretize": False, "show_test": True}  # made before them


def test_each_session_part_is_checked_by_its_name():
    state = model.initial_state()
    for part in ("data", "network", "settings", "training"):
        assert model.check_part(part, state[part]) is state[part]
    for name, view in state["views"].items():
        assert model.check_part(f"view-{name}", view) == view
    with pytest.raises(model.StateError, match="no part named 'weights'"):
        model.check_part("weights", {})
    with pytest.raises(model.StateError, match="no page keeps a view named 'elsewhere'"):
        model.check_part("view-elsewhere", {})
    with pytest.raises(ValueError, match="settings: extra inputs are not permitted|settings data_seed"):
        model.check_part("settings", {**state["settings"], "data_seed": 0})  # version 1's key is gone
    with pytest.raises(ValueError, match="settings play_speed"):
        model.check_part("settings", {**state["settings"], "play_speed": 1000})
