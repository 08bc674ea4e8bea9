"""The playground's pure logic: plain data in, plain data out (no Dash, testable alone)."""

from __future__ import annotations

from typing import Any

from dash import html

from playground.app.pages.playground.tasks import (
    FEATURE_PRESETS,
    REGRESSION_OUTPUTS,
    checked_feature_choice,
    output_for_task,
    task_of,
)
from playground.app.session import model
from playground.app.session.model import architecture, dense_network_json, is_regression, output_size
from playground.app.ui.components import said
from playground.data.features import DEFAULT_FEATURES
from playground.data.tensorflow_sets import SAMPLES_CLASSIFY, TENSORFLOW_SETS, default_samples
from playground.data.tensorflow_sets import TRAIN_FRACTION as TF_TRAIN_FRACTION
from playground.data.toy import DEFAULT_NOISE as TOY_NOISE
from playground.data.toy import FRUIT_CURVED_BOUNDARY, FRUIT_LINEAR_BOUNDARY
from playground.engine import OPTIMIZERS
from playground.limits import current as current_limits
from playground.plots.plane import plane_range

MAX_SLIDERS = 60
MIN_SAMPLES, MAX_SAMPLES = 10, 2000

DATASET_LABELS = {
    "fruit": "fruit (linear)",
    "fruit-curved": "fruit (curved)",
    "moons": "moons",
    "circles": "circles",
    "xor": "XOR",
    "spiral": "spiral (2 arms)",
    "spiral-3": "spiral (3 arms)",
    "blobs": "blobs (3 classes)",
    # TensorFlow Playground's classification sets (playground.data.tensorflow_sets), by its names.
    "tf-circle": "circle (TensorFlow Playground)",
    "tf-xor": "XOR (TensorFlow Playground)",
    "tf-gauss": "two Gaussians (TensorFlow Playground)",
    "tf-spiral": "spiral (TensorFlow Playground)",
    # … and its regression sets: a real value at each point, not a class.
    "plane": "plane (regression, TensorFlow Playground)",
    "gaussians": "multi-Gaussian (regression, TensorFlow Playground)",
}
TF_CLASSIFY = tuple(name for name, (_, task) in TENSORFLOW_SETS.items() if task == "classification")
TF_SETS = tuple(TENSORFLOW_SETS)
# Its noise is its slider's 0…50 divided by 100, as its page hands it to its generators.
TF_NOISE = "TensorFlow Playground's noise ÷ 100 (its 0–50 is 0–0.5 here; above 0.5 goes past its range)"
NOISE_HELP = {
    "fruit": "probability that a label is flipped",
    "fruit-curved": "probability that a label is flipped",
    "moons": "std of Gaussian noise",
    "circles": "std of Gaussian noise",
    "xor": "random shift of each point",
    "spiral": "std of Gaussian noise",
    "spiral-3": "std of Gaussian noise",
    "blobs": "std of each blob",
    "tf-circle": f"{TF_NOISE}: each label is read at its point moved by up to ±5 × this",
    "tf-xor": f"{TF_NOISE}: each label is read at its point moved by up to ±5 × this",
    "tf-gauss": f"{TF_NOISE}: each blob's variance is 0.5 + 7 × this",
    "tf-spiral": f"{TF_NOISE}: each point moved by up to ± this",
    "plane": f"{TF_NOISE}: each value read at its point moved by up to ±6 × this",
    "gaussians": f"{TF_NOISE}: each value read at its point moved by up to ±6 × this",
}
# Each problem's usual noise: the toy sets' own, and the three-armed spiral's as the spiral's.
DEFAULT_NOISE = {**TOY_NOISE, "spiral-3": TOY_NOISE["spiral"], **dict.fromkeys(TF_SETS, 0.0)}
# TensorFlow Playground's sets start as its page makes them: 500 points, half of them for testing
# (its 'ratio of training data' 50 %); the page's own sets as a new session's.
TF_START = {"n_samples": SAMPLES_CLASSIFY, "test_fraction": 1 - TF_TRAIN_FRACTION}  # 1,200 for its regressions
TOY_START = {"n_samples": model.DEFAULT_DATA["n_samples"], "test_fraction": model.DEFAULT_DATA["test_fraction"]}
TEST_FRACTION_HINT = "the rest trains: TensorFlow Playground's 'ratio of training data' is 100 % − this"

# The seed: the video these presets (and the fruit) come from.
SEED_VIDEO = (
    "Sebastian Lague's video 'How to Create a Neural Network (and Train it to Identify Doodles)' "
    "(Coding Adventure, 2022)"
)
SEED_INPUTS = {"task": "classification", "input_names": list(DEFAULT_FEATURES)}  # classes, from x1 and x2
PRESETS: dict[str, dict[str, Any]] = {
    "2-2": dict(
        layer_sizes=[2, 2],
        activations=[],
        output_activation="sigmoid",
        cost="quadratic",
        **SEED_INPUTS,
        source=f"The first network of {SEED_VIDEO}: two inputs straight to two outputs. Without "
        "hidden nodes its boundary is a straight line; with biases at 0 it can only "
        "rotate about the origin until the biases move it.",
    ),
    "2-3-2": dict(
        layer_sizes=[2, 3, 2],
        activations=["sigmoid"],
        output_activation="sigmoid",
        cost="quadratic",
        **SEED_INPUTS,
        source=f"The network {SEED_VIDEO} uses for the curved fruit: one hidden layer of 3 sigmoid "
        "nodes, sigmoid outputs, quadratic cost.",
    ),
}
FRUIT_SETS = ("fruit", "fruit-curved")  # the presets' own problems
OWN_POINTS = "own"  # the problem menu's entry for points of one's own


# Learn-rate lessons (issue 13): one network where a rate's regimes are plain to see. A 2-2
# network with linear outputs and the quadratic cost is a quadratic bowl; on the curved fruit
# its steepest curvature is λmax ≈ 3.19, so on all the points at once (batch 200 ≥ the 160
# training points) gradient descent creeps in below 1/λmax ≈ 0.31 and diverges above
# 2/λmax ≈ 0.63 (LeCun, Bottou, Orr & Müller, "Efficient BackProp", 1998).
LESSON_SOURCE = (
    "LeCun, Bottou, Orr & Müller, 'Efficient BackProp' (1998): on a bowl of steepest curvature "
    "λmax gradient descent converges below 2/λmax and diverges above it"
)
LR_LESSONS: dict[str, dict[str, Any]] = {
    "crawl": dict(
        label="a rate that crawls (0.01)",
        learn_rate=0.01,
        batch_size=200,
        speed=5,
        note="0.01 is far below 1/λmax ≈ 0.31: each step moves a sliver of the way; the cost creeps down.",
    ),
    "converge": dict(
        label="a rate that converges (0.2)",
        learn_rate=0.2,
        batch_size=200,
        speed=5,
        note="0.2 < 1/λmax ≈ 0.31: every step goes part of the way down; the cost falls smoothly.",
    ),
    "bounce": dict(
        label="a rate that bounces (0.45, batches of 10)",
        learn_rate=0.45,
        batch_size=10,
        speed=2,
        note="0.45 is near the limit 2/λmax ≈ 0.63, and each batch of 10 is a steeper bowl of its own: "
        "step after step overshoots, so the cost curve zig-zags instead of falling.",
    ),
    "diverge": dict(
        label="a rate that diverges (0.8)",
        learn_rate=0.8,
        batch_size=200,
        speed=2,
        note="0.8 > 2/λmax ≈ 0.63: each overshoot lands higher than the last; the cost climbs for some "
        "thirty steps until a weight passes 1e6 and training stops.",
    ),
}
LESSON_NETWORK: dict[str, Any] = dict(
    layer_sizes=[2, 2], activations=[], output_activation="linear", cost="quadratic", **SEED_INPUTS
)


def network_story(network: dict, data: dict) -> str:
    """Where the network comes from, when it is one of the seed's presets on the fruit (the
    presets' story applies only to their own problem)."""
    shown = architecture(network)
    problem = (data.get("generator") or {}).get("name")
    for preset in FEATURE_PRESETS.values():  # a feature preset on its own problem, no hidden layer yet
        if problem == preset["problem"] and shown["input_names"] == preset["input_names"] and not shown["activations"]:
            return str(preset["source"])
    if problem not in FRUIT_SETS:
        return ""
    return next((preset["source"] for preset in PRESETS.values() if {k: preset[k] for k in shown} == shown), "")


def lesson_note(network: dict, lesson: str | None) -> str:
    """The chosen learn-rate lesson's explanation while its network is the one shown ('' once
    the network was changed: the lesson's numbers are about that network alone)."""
    if lesson in LR_LESSONS and architecture(network) == LESSON_NETWORK:
        return lesson_text(lesson)
    return ""


def lesson_text(name: str) -> str:
    """What a learn-rate lesson shows, and where its numbers come from."""
    return (
        f"{LR_LESSONS[name]['note']} The lesson's network: 2-2, linear outputs, quadratic cost (a bowl "
        f"whose curvature is known), on the curved fruit. Source: {LESSON_SOURCE}."
    )


def momentum_note(optimizer: Any) -> str | None:
    """Why the momentum control does nothing under this optimizer, or None when it applies."""
    chosen = OPTIMIZERS.get(optimizer)
    if chosen is None or chosen.uses_momentum:
        return None
    own = {
        "sgd": "plain gradient descent has no velocity",
        "rmsprop": "RMSProp keeps a running average of g² instead",
        "adam": "Adam keeps its own running averages (β₁ = 0.9, β₂ = 0.999)",
    }
    return f"not used by {optimizer}: {own.get(optimizer, 'it has no velocity')}"


def penalty_note(name: str, value: Any) -> str:
    """A message for an L2 or L1 box that holds no usable number ('' when it does)."""
    if value is None:
        return f"{name}: a number of 0 or more (training uses 0 until then)"
    return ""


def next_seed(seed: Any) -> int:
    """The data seed *new points* moves to: the next one (back to 0 after the last)."""
    return (int(seed) + 1) % model.SEED_LIMIT


def generator_problem(name: Any, noise: Any, test_fraction: Any, seed: Any, n_samples: Any) -> str | None:
    """What is wrong with the data controls' values (None: they make a data set)."""
    if name not in DATASET_LABELS:
        return f"problem: one of {', '.join(DATASET_LABELS)}"
    if not is_number(noise) or not 0 <= noise <= 1:
        return "noise: a number from 0 to 1"
    if not is_number(test_fraction) or not 0 <= test_fraction <= 0.9:
        return "test data: a fraction from 0 to 0.9"
    if not is_number(n_samples) or not MIN_SAMPLES <= n_samples <= MAX_SAMPLES or int(n_samples) != n_samples:
        return f"points: a whole number from {MIN_SAMPLES} to {MAX_SAMPLES}"
    if not is_number(seed) or not 0 <= seed < model.SEED_LIMIT or int(seed) != seed:
        return f"data seed: a whole number from 0 to {model.SEED_LIMIT - 1:,}"
    return None


def problem_start(name: str, previous: str | None) -> dict | None:
    """The point count and test share a newly chosen problem starts with when it crosses between
    TensorFlow Playground's sets and the page's own (None: the controls' values stay)."""

    def start(problem: str | None) -> dict:
        if problem in TF_SETS:
            return {**TF_START, "n_samples": default_samples(problem)}
        return dict(TOY_START)

    return None if start(name) == start(previous) else start(name)


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool, not text)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and abs(value) < float("inf")


def view_for(data: dict) -> dict:
    """The plane the browser paints: the data's range plus 10 %, at 100 × 100 cells."""
    dataset = model.check_points(data)
    x_range, y_range = plane_range(dataset.inputs)
    return {"x_range": list(x_range), "y_range": list(y_range), "resolution": 100}


def data_controls(data: dict) -> dict:
    """What the data controls show for these points: how they were made (or last made)."""
    return data.get("generator") or data.get("made_with") or dict(model.DEFAULT_DATA)


def problem_value(data: dict) -> str:
    """The problem menu's value for these points: the toy set that made them, or 'own' for
    points of one's own (a file, a link, clicks), so that choosing a toy set makes it anew."""
    return data["generator"]["name"] if data.get("generator") else OWN_POINTS


def problem_options(data: dict) -> list[dict]:
    """The problem menu: every toy set, and the session's own points when it has them."""
    options = [{"label": label, "value": name} for name, label in DATASET_LABELS.items()]
    if not data.get("generator"):
        options.insert(0, {"label": f"your own points ({data.get('source') or 'edited'})"[:80], "value": OWN_POINTS})
    return options


def edit_points(data: dict, click: dict | None, click_class: Any) -> dict | None:
    """Add a training point of ``click_class`` (a regression: of that value) where the plane was
    clicked, or remove the clicked point (None: the click changes nothing)."""
    if not isinstance(click, dict) or not click:
        return None
    # No longer what the generator made; the controls still show how it was made.
    data = {**data, "generator": None, "made_with": data_controls(data), "source": data.get("source") or "clicked"}
    remove = click.get("remove")
    if remove:
        part, index = remove["part"], int(remove["index"])
        data[f"{part}_inputs"] = [p for k, p in enumerate(data[f"{part}_inputs"]) if k != index]
        data[f"{part}_labels"] = [y for k, y in enumerate(data[f"{part}_labels"]) if k != index]
        return data
    if len(data["train_labels"]) + len(data["test_labels"]) >= current_limits().points:
        return None
    if not is_number(click_class):
        return None
    if is_regression(data):
        if abs(click_class) > 1e6:
            return None
        label: int | float = float(click_class)  # a regression's point carries a value
    elif click_class != int(click_class) or not 0 <= click_class < len(data["class_names"]):
        return None
    else:
        label = int(click_class)
    if not all(is_number(click.get(axis)) and abs(click[axis]) <= 1e6 for axis in ("x", "y")):
        return None  # not a point of the plane
    data["train_inputs"] = data["train_inputs"] + [[float(click["x"]), float(click["y"])]]
    data["train_labels"] = data["train_labels"] + [label]
    return data


def slider_groups(network: dict, layer_choice: int | None, node_choice: int | None) -> tuple[list, str, list, list]:
    """Which sliders to show (SPEC F3): all if ≤ 60 parameters, else one layer, else one node.

    Returns (sliders as (kind, layer, row, col, value)), a caption, layer options, node options.
    """
    sizes = architecture(network)["layer_sizes"]
    layers = list(range(1, len(sizes)))
    per_layer = {number: sizes[number - 1] * sizes[number] + sizes[number] for number in layers}
    total = sum(per_layer.values())
    weights = [layer["weights"] for layer in network["layers"]]
    biases = [layer["biases"] for layer in network["layers"]]

    def layer_sliders(number: int, only_node: int | None = None) -> list:
        nodes = range(sizes[number]) if only_node is None else [only_node]
        chosen = [("weight", number, i, j, weights[number - 1][i][j]) for j in nodes for i in range(sizes[number - 1])]
        return chosen + [("bias", number, 0, j, biases[number - 1][j]) for j in nodes]

    if total <= MAX_SLIDERS:
        return [s for number in layers for s in layer_sliders(number)], f"all {total} parameters", [], []
    layer = layer_choice if layer_choice in layers else layers[0]
    layer_options = [
        {"label": f"weight-layer {number} ({per_layer[number]} parameters)", "value": number} for number in layers
    ]
    if per_layer[layer] <= MAX_SLIDERS:
        return (
            layer_sliders(layer),
            f"weight-layer {layer} of {len(layers)} ({total} parameters in all)",
            layer_options,
            [],
        )
    node = node_choice if node_choice is not None and 0 <= node_choice < sizes[layer] else 0
    node_options = [{"label": f"node {j}", "value": j} for j in range(sizes[layer])]
    return (
        layer_sliders(layer, node),
        f"node {node} of weight-layer {layer}: its incoming weights and bias",
        layer_options,
        node_options,
    )


def network_notes(network: dict) -> html.Span | str:
    """Warnings a student should see about the chosen activations."""
    if "step" in architecture(network)["activations"]:
        return said(
            "Step has zero slope almost everywhere, so gradient descent cannot learn through it: "
            "drag its weights by hand, or do as the seed did and move to sigmoid.",
            "warning",
        )
    return ""


def noise_hint(name: str) -> str:
    """What the noise slider means for this problem (and the fruit's boundary formula)."""
    formula = {"fruit": FRUIT_LINEAR_BOUNDARY, "fruit-curved": FRUIT_CURVED_BOUNDARY}.get(name)
    return f"noise: {NOISE_HELP[name]}" + (f" · poisonous when {formula}" if formula else "")


def changed_network(
    network: dict,
    data: dict,
    trigger,
    widths: list,
    activations: list,
    output_activation: str,
    cost: str,
    seed: int,
    features: list | None = None,
) -> tuple[dict | None, str | None, str | None]:
    """The network the network controls ask for: (new network dict, preset description, message).

    ``trigger`` names the control that changed; a None network means nothing changes (with
    the message saying why, when there is one).
    """
    limits = current_limits()
    if not is_number(seed or 0) or not 0 <= (seed or 0) < model.SEED_LIMIT or int(seed or 0) != (seed or 0):
        return None, None, f"weight seed: a whole number from 0 to {model.SEED_LIMIT - 1:,}"
    shown = architecture(network)
    sizes, names = list(shown["layer_sizes"]), list(shown["activations"])
    inputs = list(shown["input_names"])
    source: str | None = None
    keep: dict | None = network  # the weights to keep where the layers stay the same (None: new ones)
    if trigger in ("preset-2-2", "preset-2-3-2"):
        preset = PRESETS[trigger.removeprefix("preset-")]
        sizes, names = list(preset["layer_sizes"]), list(preset["activations"])
        output_activation, cost, source, keep = preset["output_activation"], preset["cost"], preset["source"], None
        inputs = list(DEFAULT_FEATURES)  # the seed's networks look at x1, x2
    elif trigger == "features":
        try:
            inputs = checked_feature_choice(features)
        except ValueError as error:
            return None, None, str(error)
    elif trigger == "add-layer":
        if len(sizes) - 2 >= limits.hidden_layers:
            return None, None, f"at most {limits.hidden_layers} hidden layers"
        sizes.insert(-1, sizes[-2] if len(sizes) > 2 else 3)
        names.append(names[-1] if names else "tanh")
    elif trigger == "remove-layer":
        if len(sizes) <= 2:
            return None, None, None
        del sizes[-2], names[-1]
    elif trigger == "lesson":  # a learn-rate lesson's network (its rate is set beside it)
        sizes, names = list(LESSON_NETWORK["layer_sizes"]), list(LESSON_NETWORK["activations"])
        output_activation, cost, keep = LESSON_NETWORK["output_activation"], LESSON_NETWORK["cost"], None
        inputs = list(DEFAULT_FEATURES)
    elif trigger == "reset":  # new random weights from the weight seed
        keep = None
    elif trigger == "layer":  # a width or activation of one hidden layer
        if any(not is_number(w) or not 1 <= w <= limits.layer_width or int(w) != w for w in widths):
            return None, None, f"a layer's width must be a whole number from 1 to {limits.layer_width}"
        if not isinstance(activations, list) or len(activations) != len(widths):
            return None, None, "each hidden layer needs one activation"
        sizes = [sizes[0], *[int(w) for w in widths], sizes[-1]]
        names = list(activations)
    sizes[0], sizes[-1] = len(inputs), output_size(data)
    task = task_of(data)
    if task == "regression" and trigger is not None:  # a preset or layer change: a regression's output is a value
        cost = "quadratic"
        output_activation = output_activation if output_activation in REGRESSION_OUTPUTS else "linear"
    output_activation, cost = output_for_task(task, output_activation, cost)
    wanted = {
        "layer_sizes": sizes,
        "activations": names,
        "output_activation": output_activation,
        "cost": cost,
        "task": task,
        "input_names": inputs,
    }
    if keep is not None and wanted == architecture(network):
        return None, None, None  # the controls were set to match a loaded network: nothing changes
    new = dense_network_json(
        sizes, names, output_activation, cost, int(seed or 0), keep=keep, task=task, input_names=inputs
    )
    return new, source, None
