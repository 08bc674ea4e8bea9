"""The playground's pure logic: plain data in, plain data out (no Dash, testable alone)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from dash.exceptions import PreventUpdate

from playground.app import state as states
from playground.app.pages.playground.figures import plane_range
from playground.app.session import architecture, build_network
from playground.data.toy import DEFAULT_NOISE as TOY_NOISE
from playground.data.toy import FRUIT_CURVED_BOUNDARY, FRUIT_LINEAR_BOUNDARY
from playground.engine import OPTIMIZERS, Network, Trainer, TrainingSettings
from playground.limits import current as current_limits

MAX_SLIDERS = 60
MIN_SAMPLES, MAX_SAMPLES = 10, 2000
TICK_BUDGET_SECONDS = 0.2  # finite differences on a big network: stop the epoch early

DATASET_LABELS = {
    "fruit": "fruit (linear)", "fruit-curved": "fruit (curved)", "moons": "moons", "circles": "circles",
    "xor": "XOR", "spiral": "spiral (2 arms)", "spiral-3": "spiral (3 arms)", "blobs": "blobs (3 classes)",
}
NOISE_HELP = {
    "fruit": "probability that a label is flipped", "fruit-curved": "probability that a label is flipped",
    "moons": "std of Gaussian noise", "circles": "std of Gaussian noise", "xor": "random shift of each point",
    "spiral": "std of Gaussian noise", "spiral-3": "std of Gaussian noise", "blobs": "std of each blob",
}
# Each problem's usual noise: the toy sets' own, and the three-armed spiral's as the spiral's.
DEFAULT_NOISE = {**TOY_NOISE, "spiral-3": TOY_NOISE["spiral"]}

# The seed: the video these presets (and the fruit) come from.
SEED_VIDEO = ("Sebastian Lague's video 'How to Create a Neural Network (and Train it to Identify Doodles)' "
              "(Coding Adventure, 2022)")
PRESETS = {
    "2-2": dict(layer_sizes=[2, 2], activations=[], output_activation="sigmoid", cost="quadratic",
                source=f"The first network of {SEED_VIDEO}: two inputs straight to two outputs. Without "
                       "hidden nodes its boundary is a straight line; with biases at 0 it can only "
                       "rotate about the origin until the biases move it."),
    "2-3-2": dict(layer_sizes=[2, 3, 2], activations=["sigmoid"], output_activation="sigmoid", cost="quadratic",
                  source=f"The network {SEED_VIDEO} uses for the curved fruit: one hidden layer of 3 sigmoid "
                         "nodes, sigmoid outputs, quadratic cost."),
}
FRUIT_SETS = ("fruit", "fruit-curved")  # the presets' own problems


# Learn-rate lessons (issue 13): one network where a rate's regimes are plain to see. A 2-2
# network with linear outputs and the quadratic cost is a quadratic bowl; on the curved fruit
# its steepest curvature is λmax ≈ 3.19, so on all the points at once (batch 200 ≥ the 160
# training points) gradient descent creeps in below 1/λmax ≈ 0.31 and diverges above
# 2/λmax ≈ 0.63 (LeCun, Bottou, Orr & Müller, "Efficient BackProp", 1998).
LESSON_SOURCE = ("LeCun, Bottou, Orr & Müller, 'Efficient BackProp' (1998): on a bowl of steepest curvature "
                 "λmax gradient descent converges below 2/λmax and diverges above it")
LR_LESSONS = {
    "crawl": dict(label="a rate that crawls (0.01)", learn_rate=0.01, batch_size=200, speed=5,
                  note="0.01 is far below 1/λmax ≈ 0.31: each step moves a sliver of the way; the cost creeps down."),
    "converge": dict(label="a rate that converges (0.2)", learn_rate=0.2, batch_size=200, speed=5,
                     note="0.2 < 1/λmax ≈ 0.31: every step goes part of the way down; the cost falls smoothly."),
    "bounce": dict(label="a rate that bounces (0.45, batches of 10)", learn_rate=0.45, batch_size=10, speed=2,
                   note="0.45 is near the limit 2/λmax ≈ 0.63, and each batch of 10 is a steeper bowl of its own: "
                        "step after step overshoots, so the cost curve zig-zags instead of falling."),
    "diverge": dict(label="a rate that diverges (0.8)", learn_rate=0.8, batch_size=200, speed=2,
                    note="0.8 > 2/λmax ≈ 0.63: each overshoot lands higher than the last; the cost climbs for some "
                         "thirty steps until a weight passes 1e6 and training stops."),
}
LESSON_NETWORK = dict(layer_sizes=[2, 2], activations=[], output_activation="linear", cost="quadratic")


def lesson_text(name: str) -> str:
    """What a learn-rate lesson shows, and where its numbers come from."""
    return (f"{LR_LESSONS[name]['note']} The lesson's network: 2-2, linear outputs, quadratic cost (a bowl "
            f"whose curvature is known), on the curved fruit. Source: {LESSON_SOURCE}.")


def momentum_note(optimizer: Any) -> str | None:
    """Why the momentum control does nothing under this optimizer, or None when it applies."""
    chosen = OPTIMIZERS.get(optimizer)
    if chosen is None or chosen.uses_momentum:
        return None
    own = {"sgd": "plain gradient descent has no velocity", "rmsprop": "RMSProp keeps a running average of g² instead",
           "adam": "Adam keeps its own running averages (β₁ = 0.9, β₂ = 0.999)"}
    return f"not used by {optimizer}: {own.get(optimizer, 'it has no velocity')}"


def l2_note(value: Any) -> str:
    """A message for an L2 box that holds no usable number ('' when it does)."""
    if value is None:
        return "L2: a number of 0 or more (training uses 0 until then)"
    return ""


def next_seed(seed: Any) -> int:
    """The data seed *new points* moves to: the next one (back to 0 after the last)."""
    return (int(seed) + 1) % states.SEED_LIMIT


def generator_problem(name: Any, noise: Any, test_fraction: Any, seed: Any, n_samples: Any) -> str | None:
    """What is wrong with the data controls' values (None: they make a data set)."""
    if name not in DATASET_LABELS:
        return f"problem: one of {', '.join(DATASET_LABELS)}"
    if not states.is_number(noise) or not 0 <= noise <= 1:
        return "noise: a number from 0 to 1"
    if not states.is_number(test_fraction) or not 0 <= test_fraction <= 0.9:
        return "test data: a fraction from 0 to 0.9"
    if not states.is_number(n_samples) or not MIN_SAMPLES <= n_samples <= MAX_SAMPLES or int(n_samples) != n_samples:
        return f"points: a whole number from {MIN_SAMPLES} to {MAX_SAMPLES}"
    if not states.is_number(seed) or not 0 <= seed < states.SEED_LIMIT or int(seed) != seed:
        return f"data seed: a whole number from 0 to {states.SEED_LIMIT - 1:,}"
    return None


def view_for(data: dict, l2: float) -> dict:
    """What the browser needs to paint: the plane (data range + 10 %) and the L2 strength."""
    dataset = states.data_from_dict(data)
    x_range, y_range = plane_range(dataset.inputs)
    return {"x_range": list(x_range), "y_range": list(y_range), "resolution": 100, "l2": float(l2 or 0)}


def output_size(data: dict) -> int:
    """One output node per class of the data (at least two, so a prediction is a choice)."""
    return max(len(data["class_names"]), 2)


def data_controls(data: dict) -> dict:
    """What the data controls show for these points: how they were made (or last made)."""
    from playground.app.session import DEFAULT_DATA

    return data.get("generator") or data.get("made_with") or dict(DEFAULT_DATA)


@dataclass
class TrainingRun:
    """What one training request did: the network and trainer after it, and how it went."""

    network: Network
    trainer: Trainer
    trainer_state: dict  # where to continue from (position, optimizer memory)
    batches: int  # how many batches ran
    seconds_per_batch: float
    cpu_seconds: float
    stopped: str | None  # why it stopped before what was asked (the CPU budget), else None
    start: dict | None = None  # the costs before any training (a run from epoch 0): the cost curve's first point


def train_session(network_dict: dict, data: dict, settings: TrainingSettings, trainer_state: dict | None,
                  batches: int | None) -> TrainingRun:
    """Run ``batches`` steps (None: to the end of the current epoch) from a stored training position.

    Work stops when this thread has spent the request's CPU budget (``request_seconds``),
    whatever was asked; finite differences are refused when one batch alone would overrun it.
    """
    budget = current_limits().request_seconds
    network = states.network_from_dict(network_dict)
    dataset = states.data_from_dict(data)
    if len(dataset.train_labels) == 0:
        raise ValueError("there is no training data: add some points first")
    trainer = Trainer(network, dataset.train_inputs, dataset.train_labels, settings,
                      dataset.test_inputs, dataset.test_labels)
    epoch, position = trainer_position(trainer_state, len(dataset.train_labels))
    if (trainer_state or {}).get("optimizer_name") == settings.optimizer:
        restore_optimizer(trainer.optimizer, trainer_state.get("optimizer", {}), network)
    trainer.resume_at(epoch, position)
    untrained = None
    if (epoch, position) == (0, 0):  # the first step of a run: the curve starts at the untrained cost
        before = trainer.evaluate()
        untrained = {"epoch": 0, "train_cost": before.train_cost, "test_cost": before.test_cost}
    if settings.gradient == "finite_differences":
        check_finite_difference_cost(trainer, budget)
    start, cpu_start, done, stopped = time.perf_counter(), time.thread_time(), 0, None
    while not trainer.diverged:
        event = trainer.train_batch()
        done += 1
        if event is None or (batches is not None and done >= batches):
            break
        if batches is None and (event.end_of_epoch or time.perf_counter() - start > TICK_BUDGET_SECONDS):
            break
        if time.thread_time() - cpu_start > budget:
            stopped = f"stopped after {done:,} batches: the request's CPU budget ({budget:g} s) ran out"
            break
    seconds_per_batch = (time.perf_counter() - start) / max(done, 1)
    new_state = {"epoch": trainer.epoch, "position": trainer.position, "optimizer_name": settings.optimizer,
                 "optimizer": optimizer_state(trainer.optimizer)}
    return TrainingRun(network, trainer, new_state, done, seconds_per_batch, time.thread_time() - cpu_start, stopped,
                       untrained)


def trainer_position(trainer_state: Any, n_samples: int) -> tuple[int, int]:
    """(epoch, position) of a stored trainer state, checked: whole numbers, the position within the data."""
    if trainer_state is None:
        return 0, 0
    if not isinstance(trainer_state, dict):
        raise states.StateError("trainer: it must be a dictionary")
    epoch, position = trainer_state.get("epoch", 0), trainer_state.get("position", 0)
    for name, value, high in (("epoch", epoch, 10**9), ("position", position, n_samples)):
        if not states.is_number(value) or value != int(value) or not 0 <= value <= high:
            raise states.StateError(f"trainer: {name} must be a whole number from 0 to {high:,}")
    return int(epoch), int(position)


def cost_evaluation_seconds(trainer: Trainer, evaluations: int) -> float:
    """Seconds one cost evaluation of a batch takes (the unit of finite differences), from ``evaluations``."""
    inputs = trainer.inputs[: trainer.settings.batch_size]
    labels = trainer.labels[: trainer.settings.batch_size]
    start = time.perf_counter()
    for _ in range(evaluations):
        trainer.network.cost(inputs, labels)
    return (time.perf_counter() - start) / evaluations


def check_finite_difference_cost(trainer: Trainer, budget: float) -> None:
    """Refuse finite differences when one batch (parameters + 1 cost evaluations) would overrun the budget."""
    evaluations = trainer.network.n_parameters + 1
    seconds = evaluations * cost_evaluation_seconds(trainer, 3)
    if seconds > budget:
        raise states.StateError(
            f"one batch by finite differences needs {evaluations:,} cost evaluations, about {seconds:.2g} s here: "
            f"more than a request may take ({budget:g} s). Use backprop, or a smaller network or batch")


def optimizer_state(optimizer) -> dict:
    """An optimizer's memory (velocities, running averages, step count) as JSON-able lists."""
    return {key: [array.tolist() for array in value] if isinstance(value, list) else value
            for key, value in optimizer.state_dict().items()}


def restore_optimizer(optimizer, stored: dict, network: Network) -> None:
    """Put back an optimizer's memory saved by ``optimizer_state`` (ignored if it does not fit)."""
    try:
        optimizer.load_state_dict(stored, network.parameters())
    except (ValueError, TypeError):
        pass  # another network or optimizer: start its memory afresh


def time_other_method(trainer: Trainer, method: str) -> tuple[float, bool]:
    """Seconds one batch's gradient takes by ``method`` (without changing the network), and
    whether that is an estimate: finite differences on a large network are timed on a sample
    of their cost evaluations and scaled, so that the comparison never costs more than the
    training it accompanies.
    """
    evaluations = trainer.network.n_parameters + 1
    sample = current_limits().finite_difference_parameters
    if method == "finite_differences" and evaluations > sample:
        return evaluations * cost_evaluation_seconds(trainer, sample), True
    inputs, targets = trainer.inputs[: trainer.settings.batch_size], trainer.targets[: trainer.settings.batch_size]
    original = trainer.settings.gradient
    trainer.settings.gradient = method
    start = time.perf_counter()
    trainer.batch_gradients(inputs, targets)
    elapsed = time.perf_counter() - start
    trainer.settings.gradient = original
    return elapsed, False


def edit_points(data: dict, click: dict | None, click_class: int) -> dict:
    """Add a training point of ``click_class`` where the plane was clicked, or remove the clicked point."""
    if not click:
        raise PreventUpdate
    # No longer what the generator made; the controls still show how it was made.
    data = {**data, "generator": None, "made_with": data_controls(data)}
    remove = click.get("remove")
    if remove:
        part, index = remove["part"], int(remove["index"])
        data[f"{part}_inputs"] = [p for k, p in enumerate(data[f"{part}_inputs"]) if k != index]
        data[f"{part}_labels"] = [y for k, y in enumerate(data[f"{part}_labels"]) if k != index]
        return data
    if len(data["train_labels"]) + len(data["test_labels"]) >= current_limits().points:
        raise PreventUpdate
    if not 0 <= click_class < len(data["class_names"]):
        raise PreventUpdate
    if not all(states.is_number(click.get(axis)) and abs(click[axis]) <= 1e6 for axis in ("x", "y")):
        raise PreventUpdate  # not a point of the plane
    data["train_inputs"] = data["train_inputs"] + [[float(click["x"]), float(click["y"])]]
    data["train_labels"] = data["train_labels"] + [click_class]
    return data


def slider_groups(network: dict, layer_choice: int | None, node_choice: int | None) -> tuple[list, str, list, list]:
    """Which sliders to show (SPEC F3): all if ≤ 60 parameters, else one layer, else one node.

    Returns (sliders as (kind, layer, row, col, value)), a caption, layer options, node options.
    """
    sizes = network["layer_sizes"]
    layers = list(range(1, len(sizes)))
    per_layer = {l: sizes[l - 1] * sizes[l] + sizes[l] for l in layers}
    total = sum(per_layer.values())
    weights, biases = network["weights"], network["biases"]

    def layer_sliders(l: int, only_node: int | None = None) -> list:
        nodes = range(sizes[l]) if only_node is None else [only_node]
        chosen = [("weight", l, i, j, weights[l - 1][i][j]) for j in nodes for i in range(sizes[l - 1])]
        return chosen + [("bias", l, 0, j, biases[l - 1][j]) for j in nodes]

    if total <= MAX_SLIDERS:
        return [s for l in layers for s in layer_sliders(l)], f"all {total} parameters", [], []
    layer = layer_choice if layer_choice in layers else layers[0]
    layer_options = [{"label": f"weight-layer {l} ({per_layer[l]} parameters)", "value": l} for l in layers]
    if per_layer[layer] <= MAX_SLIDERS:
        return layer_sliders(layer), f"weight-layer {layer} of {len(layers)} ({total} parameters in all)", layer_options, []
    node = node_choice if node_choice is not None and 0 <= node_choice < sizes[layer] else 0
    node_options = [{"label": f"node {j}", "value": j} for j in range(sizes[layer])]
    return (layer_sliders(layer, node), f"node {node} of weight-layer {layer}: its incoming weights and bias",
            layer_options, node_options)


def network_notes(network: dict) -> str:
    """Warnings a student should see about the chosen activations."""
    if "step" in network["activations"]:
        return ("Step has zero slope almost everywhere, so gradient descent cannot learn through it: "
                "drag its weights by hand, or do as the seed did and move to sigmoid.")
    return ""


def noise_hint(name: str) -> str:
    """What the noise slider means for this problem (and the fruit's boundary formula)."""
    formula = {"fruit": FRUIT_LINEAR_BOUNDARY, "fruit-curved": FRUIT_CURVED_BOUNDARY}.get(name)
    return f"noise: {NOISE_HELP[name]}" + (f" · poisonous when {formula}" if formula else "")


def changed_network(network: dict, data: dict, trigger, widths: list, activations: list, output_activation: str,
                    cost: str, seed: int) -> tuple[dict | None, str | None, str | None]:
    """The network the network controls ask for: (new network dict, preset description, message).

    ``trigger`` names the control that changed; a None network means nothing changes (with
    the message saying why, when there is one).
    """
    limits = current_limits()
    if not states.is_number(seed or 0) or not 0 <= (seed or 0) < states.SEED_LIMIT or int(seed or 0) != (seed or 0):
        return None, None, f"weight seed: a whole number from 0 to {states.SEED_LIMIT - 1:,}"
    sizes, names = list(network["layer_sizes"]), list(network["activations"])
    source, keep = None, network
    if trigger in ("preset-2-2", "preset-2-3-2"):
        preset = PRESETS[trigger.removeprefix("preset-")]
        sizes, names = list(preset["layer_sizes"]), list(preset["activations"])
        output_activation, cost, source, keep = preset["output_activation"], preset["cost"], preset["source"], None
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
    elif trigger == "reset":  # new random weights from the weight seed
        keep = None
    elif trigger == "layer":  # a width or activation of one hidden layer
        if any(not states.is_number(w) or not 1 <= w <= limits.layer_width or int(w) != w for w in widths):
            return None, None, f"a layer's width must be a whole number from 1 to {limits.layer_width}"
        if not isinstance(activations, list) or len(activations) != len(widths):
            return None, None, "each hidden layer needs one activation"
        sizes = [2, *[int(w) for w in widths], sizes[-1]]
        names = list(activations)
    sizes[-1] = output_size(data)
    wanted = {"layer_sizes": sizes, "activations": names, "output_activation": output_activation, "cost": cost}
    if keep is not None and wanted == architecture(network):
        return None, None, None  # the controls were set to match a loaded network: nothing changes
    new = build_network(sizes, names, output_activation, cost, int(seed or 0), keep=keep)
    return new, source, None
