"""What the playground's network is for and what it takes (SPEC F24, F25): classes or a real
value, and its feature inputs. Plain data in, plain data out (no Dash).

A regression (TensorFlow Playground's plane and multi-Gaussian, or an own CSV file of real
labels) has one real output, drawn on a diverging colour scale; the inputs are any of
TensorFlow Playground's seven features of a point (x1, x2, x1², x2², x1·x2, sin x1, sin x2).
"""

from __future__ import annotations

from typing import Any

from playground.app.session import model
from playground.app.session.model import architecture, dense_network_json, is_regression, output_size
from playground.data.features import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES, check_features
from playground.engine.tasks import OUTPUT_RANGES

FEATURE_OPTIONS = [{"label": FEATURE_LABELS[name], "value": name} for name in FEATURES]
REGRESSION_OUTPUTS = tuple(OUTPUT_RANGES)  # linear, and tanh or sigmoid when the targets fit
# The two classic demonstrations of feature inputs: no hidden layer, the right features, and the
# boundary a straight line could never draw in x1, x2.
FEATURE_PRESETS: dict[str, dict[str, Any]] = {
    "circle": dict(
        problem="tf-circle",
        input_names=["x1^2", "x2^2"],
        source="TensorFlow Playground's circle with inputs x₁² and x₂² and no hidden layer: the circle "
        "x₁² + x₂² = r² is a straight line in these inputs, so one layer of weights separates it.",
    ),
    "xor": dict(
        problem="tf-xor",
        input_names=["x1*x2"],
        source="TensorFlow Playground's XOR with the one input x₁·x₂ and no hidden layer: its sign is the "
        "class, so a single weight separates what no straight line in x₁, x₂ can.",
    ),
}
# Each regression value a click on the plane can add (TensorFlow Playground's targets lie in −1…1).
CLICK_VALUES = (-1.0, -0.5, 0.0, 0.5, 1.0)


def feature_preset_state(name: str, state: dict) -> dict:
    """A feature preset's session: its problem as TensorFlow Playground makes it (500 points, half
    for testing, no noise; the data seed kept), and a network of its inputs with no hidden layer."""
    preset = FEATURE_PRESETS[name]
    seed = int((state["data"].get("generator") or state["data"].get("made_with") or model.DEFAULT_DATA)["seed"])
    data = model.generate_points(preset["problem"], 0.0, 0.5, seed, 500)
    inputs = list(preset["input_names"])
    network = dense_network_json(
        [len(inputs), output_size(data)],
        [],
        "sigmoid",
        "quadratic",
        state["settings"]["weight_seed"],
        input_names=inputs,
    )
    return {**state, "data": data, "network": network, "training": model.fresh_training()}


def task_of(data: dict) -> str:
    return "regression" if is_regression(data) else "classification"


def fitted_network(network: dict, data: dict, seed: int) -> dict | None:
    """The network rebuilt to fit the points (None: it fits): an output node per class, or one
    real output (linear, quadratic cost) for a regression. The hidden layers and the inputs stay."""
    shown = architecture(network)
    task = task_of(data)
    outputs = output_size(data)
    if shown["layer_sizes"][-1] == outputs and shown["task"] == task:
        return None
    output_activation, cost = shown["output_activation"], shown["cost"]
    if task == "regression":
        output_activation, cost = "linear", "quadratic"
    elif shown["task"] == "regression":
        output_activation, cost = "sigmoid", "quadratic"  # classes again: the seed's outputs
    return dense_network_json(
        shown["layer_sizes"][:-1] + [outputs],
        shown["activations"],
        output_activation,
        cost,
        seed,
        keep=network,
        task=task,
        input_names=shown["input_names"],
    )


def checked_feature_choice(chosen: Any) -> list[str]:
    """The features ticked, in TensorFlow Playground's order (ValueError: none, or an unknown one)."""
    if not isinstance(chosen, list) or not chosen:
        raise ValueError("tick at least one input: the network needs something to look at")
    names = check_features([str(name) for name in chosen])
    return [name for name in FEATURES if name in names]


def output_for_task(task: str, output_activation: str, cost: str) -> tuple[str, str]:
    """The output activation and cost a network for ``task`` may have (ValueError saying why not)."""
    if task != "regression":
        return output_activation, cost
    if output_activation not in REGRESSION_OUTPUTS:
        raise ValueError(
            f"a regression's output gives a value: choose {', '.join(REGRESSION_OUTPUTS)} (linear for any value), "
            f"not {output_activation}"
        )
    if cost != "quadratic":
        raise ValueError("a regression is scored by the quadratic cost (cross-entropy compares classes)")
    return output_activation, cost


def inputs_text(network: dict) -> str:
    """The network's inputs as the page writes them: 'x₁², x₂²'."""
    return ", ".join(FEATURE_LABELS.get(name, name) for name in architecture(network)["input_names"])


def click_options(data: dict) -> list[dict]:
    """What a click on the plane can add: a class, or (a regression) a value."""
    if is_regression(data):
        return [{"label": f"{value:+g}".replace("+0", "0"), "value": value} for value in CLICK_VALUES]
    return [{"label": name, "value": k} for k, name in enumerate(data["class_names"])]


def default_inputs(network: dict) -> bool:
    """Whether the network takes the plain x1, x2."""
    return tuple(architecture(network)["input_names"]) == DEFAULT_FEATURES
