"""The frames the backprop page walks: each stage (and each layer of forward and backward) as a
title, a caption in the seed's words, a table of numbers and a diagram (SPEC F27).

    1 forward   one frame per weight-layer: weighted inputs z and activations a appear layer by layer
    2 cost      each output's term for the chosen point, the point's cost and the batch's mean
    3 backward  one frame per weight-layer, from the output back: node values δ = ∂C/∂z, and ∂C/∂w
    4 update    every weight and bias, before → after the optimizer's step

Numbers are the chosen point's in stages 1–3 (δ and ∂C/∂w as if the cost were its own) and the
batch's in stage 4 (the step descends the batch's mean cost), as the captions say.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from playground.app.pages.backprop.figures import EDGE_LABEL_LIMIT, Diagram, diagram_figure
from playground.engine import Network
from playground.engine.activations import LEAKY_SLOPE
from playground.engine.slow_step import SlowStep
from playground.plots.diagram import column_names

ACTIVATION_FORMULAS = {
    "sigmoid": "1 / (1 + e^−z)",
    "tanh": "tanh(z)",
    "relu": "max(0, z)",
    "leaky_relu": f"max({LEAKY_SLOPE:g}·z, z)",
    "elu": "z for z > 0, else e^z − 1",
    "silu": "z · sigmoid(z)",
    "linear": "z",
    "step": "1 for z > 0, else 0",
    "softmax": "e^z / Σ e^z over the layer",
}
OPTIMIZER_FORMULAS = {
    "sgd": "w ← w − learn rate · ∂C/∂w",
    "momentum": "v ← μ·v − learn rate · ∂C/∂w, then w ← w + v (μ = {momentum:g})",
    "nesterov": "v ← μ·v − learn rate · ∂C/∂w, then w ← w + μ·v − learn rate · ∂C/∂w (μ = {momentum:g})",
    "rmsprop": "s ← 0.9·s + 0.1·(∂C/∂w)², then w ← w − learn rate · ∂C/∂w / √s",
    "adam": "m and s, running means of ∂C/∂w and of its square (corrected for starting at 0): w ← w − learn rate · m / √s",
}
OPTIMIZER_NAMES = {
    "sgd": "plain gradient descent",
    "momentum": "momentum",
    "nesterov": "Nesterov's momentum",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}


def number(value: Any) -> str:
    """A number (a float or a NumPy scalar) as the page prints it: three significant digits and a
    true minus sign; "—" for None."""
    if value is None:
        return "—"
    value = float(value) + 0.0  # −0 (a dead ReLU's δ times a negative number) prints as 0
    if not math.isfinite(value):
        return "not finite"
    return f"{value:.3g}".replace("-", "−")


def node_name(column: int, row: int, n_columns: int, input_names: list[str]) -> str:
    if column == 0:
        return input_names[row] if row < len(input_names) else f"x{row + 1}"
    return f"output {row + 1}" if column == n_columns - 1 else f"node {row + 1}"


def input_labels(step: SlowStep, input_names: list[str]) -> list[str]:
    return [f"{name}<br>{number(value)}" for name, value in zip(input_names, step.point_inputs)]


def frame(stage: int, name: str, where: str, title: str, caption: str, header, rows, diagram: Diagram) -> dict:
    return {
        "stage": stage,
        "name": name,
        "where": where,
        "title": title,
        "caption": caption,
        "header": header,
        "rows": rows,
        "figure": diagram_figure(diagram),
    }


def blank(sizes: list[int]) -> tuple[list[list[str]], list[list[float | None]]]:
    return [[""] * size for size in sizes], [[None] * size for size in sizes]


def edge_labels(values: np.ndarray, text) -> list[list[str]] | None:
    """Labels of a weight-layer's edges, or None when there are too many to read."""
    if values.size > EDGE_LABEL_LIMIT:
        return None
    return [[text(values, i, j) for j in range(values.shape[1])] for i in range(values.shape[0])]


def forward_frames(step: SlowStep, network: Network, input_names: list[str]) -> list[dict]:
    sizes, n_layers, names = network.layer_sizes, len(step.forward), column_names(network)
    weights = [layer.weights_before for layer in step.update]
    made = []
    texts, values = blank(sizes)
    texts[0], values[0] = input_labels(step, input_names), [float(x) for x in step.point_inputs]
    for index, layer in enumerate(step.forward):
        column = index + 1
        texts[column] = [
            f"z {number(z)}<br>a {number(a)}" for z, a in zip(layer.point_weighted_inputs, layer.point_activations)
        ]
        values[column] = [float(a) for a in layer.point_activations]
        formula = ACTIVATION_FORMULAS.get(layer.activation, f"{layer.activation}(z)")
        caption = (
            "Each node's weighted input z is the sum of the activations coming in, each times its weight, "
            f"plus the node's bias: z = Σ a·w + b. Its activation is a = {layer.activation}(z) = {formula}."
        )
        rows = [
            [node_name(column, row, len(sizes), input_names), number(z), number(a)]
            for row, (z, a) in enumerate(zip(layer.point_weighted_inputs, layer.point_activations))
        ]
        diagram = Diagram(
            sizes, names, [list(t) for t in texts], [list(v) for v in values], list(weights), highlight=column
        )
        where = f"layer {column} of {n_layers}"
        made.append(
            frame(
                1,
                "forward",
                where,
                f"Forward: {names[column].replace('<br>', ' · ')}",
                caption,
                ["node", "weighted input z", "activation a"],
                rows,
                diagram,
            )
        )
    return made


def cost_frame(step: SlowStep, network: Network, input_names: list[str], settings: dict) -> dict:
    sizes, names, cost = network.layer_sizes, column_names(network), step.cost
    texts, values = blank(sizes)
    texts[0], values[0] = input_labels(step, input_names), [float(x) for x in step.point_inputs]
    for index, layer in enumerate(step.forward[:-1]):
        texts[index + 1] = [f"a {number(a)}" for a in layer.point_activations]
        values[index + 1] = [float(a) for a in layer.point_activations]
    outputs = step.forward[-1].point_activations
    texts[-1] = [
        f"a {number(a)}, y {number(y)}<br>term {number(t)}"
        for a, y, t in zip(outputs, cost.point_targets, cost.point_terms)
    ]
    values[-1] = [float(a - y) for a, y in zip(outputs, cost.point_targets)]
    rows = [
        [f"output {row + 1}", number(a), number(y), number(t)]
        for row, (a, y, t) in enumerate(zip(outputs, cost.point_targets, cost.point_terms))
    ]
    n = len(cost.sample_costs)
    rows.append(["this point", "", "", number(cost.point_cost)])
    rows.append(["batch mean", "", "", number(cost.batch_cost)])
    penalties = ""
    if cost.l2_cost:
        rows.append(["L2", "", "", number(cost.l2_cost)])
        penalties += f" L2 adds ½·λ·Σw² = {number(cost.l2_cost)}."
    if cost.l1_cost:
        rows.append(["L1", "", "", number(cost.l1_cost)])
        penalties += f" L1 adds λ₁·Σ|w| = {number(cost.l1_cost)}."
    caption = (
        f"The cost says how wrong the output is. For this point each output adds {cost.formula}: its activation a "
        f"against the target y. The point's cost is their sum, {number(cost.point_cost)}; the batch's cost is the "
        f"mean over its {n} points, {number(cost.batch_cost)}.{penalties}"
    )
    weights = [layer.weights_before for layer in step.update]
    diagram = Diagram(sizes, names, texts, values, list(weights), highlight=len(sizes) - 1)
    return frame(
        2, "cost", "", f"Cost: {cost.formula} per output", caption, ["output", "a", "y", cost.formula], rows, diagram
    )


def backward_frames(step: SlowStep, network: Network, input_names: list[str]) -> list[dict]:
    sizes, names, n_layers = network.layer_sizes, column_names(network), len(step.backward)
    texts, values = blank(sizes)
    texts[0], values[0] = input_labels(step, input_names), [float(x) for x in step.point_inputs]
    edges: list[np.ndarray | None] = [None] * n_layers
    labels: list[list[list[str]] | None] = [None] * n_layers
    made = []
    for index in range(n_layers - 1, -1, -1):
        layer, column = step.backward[index], index + 1
        texts[column] = [f"δ {number(d)}" for d in layer.point_node_values]
        values[column] = [float(d) for d in layer.point_node_values]
        edges[index] = layer.point_weight_gradients
        labels[index] = edge_labels(layer.point_weight_gradients, lambda v, i, j: number(v[i, j]))
        header, rows = backward_table(layer, column, len(sizes), input_names)
        caption = (
            f"Node values δ = ∂C/∂z, by the chain rule: {layer.rule}. Each weight's gradient is the activation "
            "coming in times the node value it goes to: ∂C/∂w = a·δ (for this point: on the edges, where they fit "
            "without covering each other; a wide network's are left off). "
            "The step uses their mean over the batch (mean δ)."
        )
        where = f"layer {column} of {n_layers}"
        diagram = Diagram(
            sizes,
            names,
            [list(t) for t in texts],
            [list(v) for v in values],
            list(edges),
            list(labels),
            highlight=column,
        )
        made.append(
            frame(
                3,
                "backward",
                where,
                f"Backward: {names[column].replace('<br>', ' · ')}",
                caption,
                header,
                rows,
                diagram,
            )
        )
    return made


def backward_table(layer, column: int, n_columns: int, input_names: list[str]) -> tuple[list[str], list[list[str]]]:
    """δ of each node with the chain rule's pieces that exist for it, and the batch's mean δ (= ∂C/∂b)."""
    pieces = []
    if layer.point_activation_gradients is not None:
        pieces.append(("∂C/∂a", layer.point_activation_gradients))
    if layer.point_activation_slopes is not None:
        pieces.append(("a′(z)", layer.point_activation_slopes))
    header = ["node", *[name for name, _ in pieces], "δ", "mean δ"]
    rows = [
        [
            node_name(column, row, n_columns, input_names),
            *[number(values[row]) for _, values in pieces],
            number(delta),
            number(mean),
        ]
        for row, (delta, mean) in enumerate(zip(layer.point_node_values, layer.batch_node_values))
    ]
    return header, rows


def update_frame(step: SlowStep, network: Network, input_names: list[str], settings: dict) -> dict:
    sizes, names = network.layer_sizes, column_names(network)
    texts, values = blank(sizes)
    texts[0] = list(input_names)
    rows: list[list[str]] = []
    edges: list[np.ndarray | None] = []
    labels: list[list[list[str]] | None] = []
    for index, (layer, backward) in enumerate(zip(step.update, step.backward)):
        number_of = index + 1
        texts[number_of] = [f"b {number(b0)} → {number(b1)}" for b0, b1 in zip(layer.biases_before, layer.biases_after)]
        values[number_of] = [float(s) for s in layer.bias_steps]
        edges.append(layer.weight_steps)
        labels.append(None)  # every weight's before → after is in the table
        for (i, j), before in np.ndenumerate(layer.weights_before):
            rows.append(
                [
                    f"W[{number_of}][{i},{j}]",
                    number(before),
                    number(backward.weight_gradients[i, j]),
                    number(layer.weights_after[i, j]),
                ]
            )
        for j, before in enumerate(layer.biases_before):
            rows.append(
                [
                    f"b[{number_of}][{j}]",
                    number(before),
                    number(backward.bias_gradients[j]),
                    number(layer.biases_after[j]),
                ]
            )
    rule = OPTIMIZER_FORMULAS.get(step.optimizer, "the optimizer's step").format(momentum=settings.get("momentum", 0))
    penalty = " (∂C/∂w includes L2's λ·w and L1's λ₁·sign(w))" if settings.get("l2") or settings.get("l1") else ""
    caption = (
        f"Every weight and bias takes a step downhill, against its gradient over the batch{penalty}: "
        f"{OPTIMIZER_NAMES.get(step.optimizer, step.optimizer)}, {rule}, learn rate {step.learn_rate:g}. "
        "Each slider glides from where its weight was (the dashed ring) to where the step puts it, and the "
        + ("boundary follows." if network.task == "regression" else "boundary follows (dashed: where it was).")
    )
    diagram = Diagram(sizes, names, texts, values, edges, labels)
    return frame(
        4, "update", "", "Update: before → after", caption, ["weight", "before", "∂C/∂w", "after"], rows, diagram
    )


def frames(step: SlowStep, network: Network, input_names: list[str], settings: dict) -> list[dict]:
    """Every frame of the step, in the order → walks them."""
    return [
        *forward_frames(step, network, input_names),
        cost_frame(step, network, input_names, settings),
        *backward_frames(step, network, input_names),
        update_frame(step, network, input_names, settings),
    ]
