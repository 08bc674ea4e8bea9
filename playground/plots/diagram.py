"""A network's diagram: its nodes and edges, each coloured by the sign of a number (blue positive,
vermillion negative, grey: none yet) and each edge thicker for a larger size; labels on a white
ground, readable over the edges at lecture size, and placed so that none meets a node or another
label there (a column's nodes stand apart by the lines of the labels above them; an edge's label
goes to a free point along it, or a layer's edge labels are left off).

    figure = network_figure(network)          # its weights on the edges, its biases on the nodes
    figure = go.Figure(diagram_figure(Diagram(...)))   # any numbers: the backprop page's stages

A pure builder: plain data in (``Diagram``), a Plotly figure out, as a plain dict (the backprop
page's step route sends one per frame; ``go.Figure(figure)`` accepts it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from playground.engine import Network
from playground.plots.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR

NOT_YET = "#c9ced6"  # a node or edge whose number this stage has not reached
INK = "#1b1f24"
LABEL_GROUND = "rgba(255, 255, 255, 0.88)"
EDGE_WIDTHS = (1.5, 3.0, 4.5, 6.5)  # an edge's width by its size, in four steps of the layer's largest
NODE_SIZE = 28
HIGHLIGHT = "#f0b400"  # the ring of the layer a frame computes
EDGE_LABEL_LIMIT = 12  # a weight-layer with more edges than this shows their numbers in the table only
# Room for the labels, measured at lecture size on a projector (22 px text at 1280×720, where the
# diagram is about 720 px wide): a label's width by its characters, its height by its lines.
CHARACTER_PX = 13.5
LINE_PX = 28
PLOT_WIDTH_PX = 720
ROW_PX = 80  # height per node of the tallest column, at least
LABEL_SHIFT = NODE_SIZE * 0.9  # a hidden node's label starts this far above its centre
# Below a hidden node's label, the node above it: half of it as lecture mode grows it (1.6×: lecture.js) and a gap.
NODE_ABOVE_PX = NODE_SIZE * 0.8 + 10


def text_width(text: str) -> float:
    """About how wide a label is drawn at lecture size, in pixels (its longest line)."""
    return max((len(line) for line in text.split("<br>")), default=0) * CHARACTER_PX


def text_lines(text: str) -> int:
    return text.count("<br>") + 1 if text else 0


@dataclass
class Diagram:
    """What one frame draws. Columns run from the inputs (0) to the outputs; ``edge_*`` lists
    hold one entry per weight-layer (column l − 1 → column l), shaped (inputs, outputs)."""

    layer_sizes: list[int]
    column_names: list[str]  # under each column: "inputs", "hidden 1 · sigmoid", …
    node_text: list[list[str]]  # each node's label ("" for none); lines split by "<br>"
    node_values: list[list[float | None]]  # colour by sign; None: not computed yet (grey)
    edge_values: list[np.ndarray | None]  # colour by sign and width by size; None: grey
    edge_text: list[list[list[str]] | None] = field(default_factory=list)  # labels of edges, or None
    highlight: int | None = None  # the column a frame computes (ringed)


def node_positions(layer_sizes: list[int]) -> list[list[tuple[float, float]]]:
    """(x, y) of every node: column l at x = l, its nodes from the top, centred on y = 0."""
    return [[(float(column), (size - 1) / 2 - row) for row in range(size)] for column, size in enumerate(layer_sizes)]


def sign_colour(value: float | None) -> str:
    """Blue for a positive number (or zero), vermillion for a negative one, grey for none."""
    if value is None or not np.isfinite(value):
        return NOT_YET
    return POSITIVE_COLOUR if value >= 0 else NEGATIVE_COLOUR


def edge_width(value: float, largest: float) -> float:
    """One of four widths by ``|value|`` against the layer's largest (all thin when all are 0)."""
    if not np.isfinite(value) or largest <= 0 or not np.isfinite(largest):
        return EDGE_WIDTHS[0]
    step = min(int(abs(value) / largest * len(EDGE_WIDTHS)), len(EDGE_WIDTHS) - 1)
    return EDGE_WIDTHS[step]


def label_place(column: int, n_columns: int) -> dict:
    """Where a node's label sits: left of the inputs, right of the outputs, above a hidden node."""
    if column == 0:
        return {"xanchor": "right", "yanchor": "middle", "xshift": -NODE_SIZE}
    if column == n_columns - 1:
        return {"xanchor": "left", "yanchor": "middle", "xshift": NODE_SIZE}
    return {"xanchor": "center", "yanchor": "bottom", "yshift": LABEL_SHIFT}


EDGE_LABEL_PLACE = {"xanchor": "center", "yanchor": "middle"}
ALONG = (0.35, 0.65, 0.5, 0.25, 0.75, 0.2, 0.8)  # where along its edge a label may go, tried in turn


def label_box(x: float, y: float, text: str, place: dict) -> tuple[float, float, float, float]:
    """The box (left, bottom, right, top) a label at (x, y) in pixels is drawn in at lecture size."""
    width, height = text_width(text), text_lines(text) * LINE_PX
    x, y = x + place.get("xshift", 0), y + place.get("yshift", 0)
    left = {"left": x, "center": x - width / 2, "right": x - width}[place.get("xanchor", "center")]
    bottom = {"bottom": y, "middle": y - height / 2, "top": y - height}[place.get("yanchor", "middle")]
    return left, bottom, left + width, bottom + height


def boxes_meet(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def edge_labels(diagram: Diagram, positions, x_range, y_range, height: int) -> list[list[tuple[float, float, str]]]:
    """Where each weight-layer's edge labels go, [(x, y, text)]: each along its edge where it meets
    no node, no node's label and no label placed before it at lecture size (the first free of
    ``ALONG``); a layer where one finds no such place shows none (its numbers are in the table)."""
    scale = (PLOT_WIDTH_PX / (x_range[1] - x_range[0]), (height - 20) / (y_range[1] - y_range[0]))
    radius = NODE_SIZE * 0.8  # as lecture mode grows the nodes (1.6×: lecture.js)
    taken = []  # boxes in pixels (the plot is at least PLOT_WIDTH_PX wide)
    for column, texts in enumerate(diagram.node_text):
        for (x, y), text in zip(positions[column], texts):
            x, y = x * scale[0], y * scale[1]
            taken.append((x - radius, y - radius, x + radius, y + radius))
            if text:
                taken.append(label_box(x, y, text, label_place(column, len(diagram.layer_sizes))))
    placed = []
    for index, labels in enumerate(diagram.edge_text):
        edges = [
            (positions[index][i], positions[index + 1][j], text)
            for i, row in enumerate(labels or [])
            for j, text in enumerate(row)
            if text
        ]
        layer = place_on_edges(edges, scale, taken)
        placed.append(layer)
        taken += [label_box(x * scale[0], y * scale[1], text, EDGE_LABEL_PLACE) for x, y, text in layer]
    return placed


def place_on_edges(edges, scale, taken: list) -> list[tuple[float, float, str]]:
    """Each edge's label at the first point ``ALONG`` it where it meets none of ``taken`` nor the
    labels placed before it; none at all when one of them has no such point."""
    placed: list[tuple[float, float, str]] = []
    taken = list(taken)
    for (x0, y0), (x1, y1), text in edges:
        spots = ((x0 + along * (x1 - x0), y0 + along * (y1 - y0)) for along in ALONG)
        for x, y in spots:
            box = label_box(x * scale[0], y * scale[1], text, EDGE_LABEL_PLACE)
            if not any(boxes_meet(box, other) for other in taken):
                placed.append((x, y, text))
                taken.append(box)
                break
        else:
            return []
    return placed


def _edge_traces(diagram: Diagram, positions) -> list[dict]:
    """The edges, grouped by colour and width (one line trace per group, gaps between edges)."""
    groups: dict[tuple[str, float], tuple[list, list]] = {}
    for index, values in enumerate(diagram.edge_values):
        n_in, n_out = diagram.layer_sizes[index], diagram.layer_sizes[index + 1]
        finite = np.abs(values[np.isfinite(values)]) if values is not None else np.zeros(0)
        largest = float(finite.max()) if finite.size else 0.0
        for i in range(n_in):
            for j in range(n_out):
                value = None if values is None else float(values[i, j])
                key = (sign_colour(value), EDGE_WIDTHS[0] if value is None else edge_width(value, largest))
                xs, ys = groups.setdefault(key, ([], []))
                (x0, y0), (x1, y1) = positions[index][i], positions[index + 1][j]
                xs += [x0, x1, None]
                ys += [y0, y1, None]
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": ys,
            "line": {"color": colour, "width": width},
            "hoverinfo": "skip",
            "showlegend": False,
        }
        for (colour, width), (xs, ys) in sorted(groups.items(), key=lambda item: item[0][1])
    ]


def _label(x: float, y: float, text: str, **place) -> dict:
    return {
        "x": x,
        "y": y,
        "xref": "x",
        "yref": "y",
        "text": text,
        "showarrow": False,
        "bgcolor": LABEL_GROUND,
        "borderpad": 1,
        "font": {"color": INK, "size": 15},
        **place,
    }


def diagram_figure(diagram: Diagram) -> dict:
    """The network with this frame's numbers: a Plotly figure as a dict."""
    sizes = diagram.layer_sizes
    positions = node_positions(sizes)
    traces = _edge_traces(diagram, positions)
    xs = [x for column in positions for x, _ in column]
    ys = [y for column in positions for _, y in column]
    colours = [sign_colour(value) for column in diagram.node_values for value in column]
    ring = [HIGHLIGHT if column == diagram.highlight else INK for column, size in enumerate(sizes) for _ in range(size)]
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": xs,
            "y": ys,
            "marker": {"size": NODE_SIZE, "color": colours, "line": {"color": ring, "width": 3}},
            "text": [text.replace("<br>", ", ") or "—" for column in diagram.node_text for text in column],
            "hoverinfo": "text",
            "showlegend": False,
        }
    )
    height = figure_height(diagram)
    x_range, y_range = axis_ranges(diagram, height)
    annotations = []
    for column, texts in enumerate(diagram.node_text):
        for row, text in enumerate(texts):
            if text:
                x, y = positions[column][row]
                annotations.append(_label(x, y, text, **label_place(column, len(sizes))))
    for layer in edge_labels(diagram, positions, x_range, y_range, height):
        annotations += [_label(x, y, text, **EDGE_LABEL_PLACE) for x, y, text in layer]
    half = (max(sizes) - 1) / 2
    for column, name in enumerate(diagram.column_names):
        annotations.append(
            {
                "x": column,
                "y": -half,
                "xref": "x",
                "yref": "y",
                "text": name,
                "showarrow": False,
                "font": {"color": "#555", "size": 15},
                "yanchor": "top",
                "yshift": -NODE_SIZE * 0.8,
            }
        )
    return {
        "data": traces,
        "layout": {
            "height": height,
            "xaxis": {"visible": False, "range": x_range, "fixedrange": True},
            "yaxis": {"visible": False, "range": y_range, "fixedrange": True},
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "annotations": annotations,
            "showlegend": False,
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "hovermode": "closest",
            "dragmode": False,
        },
    }


def hidden_label_lines(diagram: Diagram) -> int:
    return max((text_lines(text) for texts in diagram.node_text[1:-1] for text in texts), default=0)


def label_room(diagram: Diagram) -> tuple[float, float]:
    """Pixels above the top nodes (the hidden nodes' labels) and below the bottom ones (the columns' names)."""
    above = hidden_label_lines(diagram) * LINE_PX + NODE_SIZE
    below = max((text_lines(name) for name in diagram.column_names), default=1) * LINE_PX + NODE_SIZE
    return max(above, NODE_SIZE), below


def row_px(diagram: Diagram) -> float:
    """Pixels between two nodes of a column: room for the label above the lower one (its lines at
    lecture size) under the upper one."""
    lines = hidden_label_lines(diagram)
    return max(ROW_PX, LABEL_SHIFT + lines * LINE_PX + NODE_ABOVE_PX) if lines else ROW_PX


def figure_height(diagram: Diagram) -> int:
    """The diagram's height in pixels: the tallest column's nodes a row apart (``row_px``), the
    labels above and the names below (lecture mode grows it with the text beyond 720p: lecture.js)."""
    above, below = label_room(diagram)
    span = max(max(diagram.layer_sizes) - 1, 1)
    return int(max(330, span * row_px(diagram) + above + below + 20))


def axis_ranges(diagram: Diagram, height: int) -> tuple[list[float], list[float]]:
    """The x and y ranges that leave room for every label around the nodes: the inputs' labels to
    the left, the outputs' to the right, the hidden nodes' above, the columns' names below."""
    sizes = diagram.layer_sizes
    columns = len(sizes)
    last_name = text_width(diagram.column_names[-1]) / 2
    left = max([text_width(text) for text in diagram.node_text[0]] + [text_width(diagram.column_names[0]) / 2])
    right = max([text_width(text) for text in diagram.node_text[-1]] + [last_name])
    left, right = left + NODE_SIZE, right + NODE_SIZE
    share = min((left + right) / PLOT_WIDTH_PX, 0.6)  # the labels' share of the width, at most 60 %
    units = max(columns - 1, 1) / (1 - share)
    per_px = units / PLOT_WIDTH_PX
    x_range = [-left * per_px, (columns - 1) + right * per_px] if columns > 1 else [-0.5, 0.5]
    above, below = label_room(diagram)
    half = (max(sizes) - 1) / 2
    span = max(2 * half, 1.0)
    unit_px = max((height - 20 - above - below) / span, 20.0)
    return x_range, [-half - below / unit_px, half + above / unit_px]


# ------------------------------------------------------------------ a network's own numbers


def column_names(network: Network) -> list[str]:
    """Under each column: "inputs", "hidden 1<br>sigmoid", …, "outputs<br>softmax"."""
    activations = [layer.activation for layer in network.weighted_layers]
    hidden = [f"hidden {k}<br>{name}" for k, name in enumerate(activations[:-1], start=1)]
    return ["inputs", *hidden, f"outputs<br>{activations[-1]}"]


def weight_text(value: float) -> str:
    """A weight or bias as a label: three significant digits, a true minus sign."""
    return f"{float(value) + 0.0:.3g}".replace("-", "−")


def network_diagram(network: Network) -> Diagram:
    """The diagram of a dense network's own numbers: each weight on its edge (its number written
    on it while a layer has at most ``EDGE_LABEL_LIMIT`` edges), each bias on its node, the inputs
    named (x1, x2 or the features the network takes)."""
    sizes = network.layer_sizes
    inputs = list(network.input_names or [f"x{i + 1}" for i in range(sizes[0])])
    biases = [np.ravel(b) for b in network.biases]
    inputs_values: list[float | None] = [None] * sizes[0]  # the inputs: no number of their own (grey)
    return Diagram(
        layer_sizes=sizes,
        column_names=column_names(network),
        node_text=[inputs] + [[f"b {weight_text(v)}" for v in b] for b in biases],
        node_values=[inputs_values] + [[float(v) for v in b] for b in biases],
        edge_values=[np.asarray(W, dtype=float) for W in network.weights],
        edge_text=[
            [[weight_text(v) for v in row] for row in W] if W.size <= EDGE_LABEL_LIMIT else None
            for W in network.weights
        ],
    )


def network_figure(network: Network) -> go.Figure:
    """A dense network drawn with its weights and biases (``network_diagram``) as a Plotly figure."""
    return go.Figure(diagram_figure(network_diagram(network)))
