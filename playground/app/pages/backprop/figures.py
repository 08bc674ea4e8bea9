"""The backprop page's diagram: the network's nodes and edges with the numbers of one stage.

A pure builder: plain data in (``Diagram``), a Plotly figure out, as a plain dict (the step
route sends one per frame; ``go.Figure(figure)`` accepts it). Nodes are coloured by the sign of
the stage's number at each node (blue positive, vermillion negative, grey: not computed yet),
edges by the sign of theirs, thicker for a larger size; the numbers themselves are labels on a
white ground, so they stay readable over the edges at lecture size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from playground.app.ui.colours import CLASS_COLOURS, NEGATIVE_COLOUR, POSITIVE_COLOUR, VALUE_SCALE
from playground.plots.plane import grid_outputs, output_confidence

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
ROW_PX = 80  # height per node of the tallest column


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
    return {"xanchor": "center", "yanchor": "bottom", "yshift": NODE_SIZE * 0.9}


def edge_label_at(
    source: tuple[float, float], target: tuple[float, float], column: int, columns: int
) -> tuple[float, float]:
    """A point along an edge for its label: edges into one node are labelled at the same distance
    along (so they stand apart by their sources' spread), edges into the next node further along."""
    fraction = 0.35 + 0.3 * (column / (columns - 1) if columns > 1 else 0.5)
    return source[0] + fraction * (target[0] - source[0]), source[1] + fraction * (target[1] - source[1])


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
    annotations = []
    for column, texts in enumerate(diagram.node_text):
        for row, text in enumerate(texts):
            if text:
                x, y = positions[column][row]
                annotations.append(_label(x, y, text, **label_place(column, len(sizes))))
    for index, labels in enumerate(diagram.edge_text):
        if labels is None:
            continue
        for i, row_labels in enumerate(labels):
            for j, text in enumerate(row_labels):
                if text:
                    x, y = edge_label_at(positions[index][i], positions[index + 1][j], j, sizes[index + 1])
                    annotations.append(_label(x, y, text, xanchor="center", yanchor="middle"))
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
    height = figure_height(sizes)
    x_range, y_range = axis_ranges(diagram, height)
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


def figure_height(layer_sizes: list[int]) -> int:
    """The diagram's height in pixels: room for the tallest column's nodes and their labels
    (lecture mode grows it with the text beyond 720p: lecture.js)."""
    return int(min(640, max(330, ROW_PX * max(layer_sizes) + 130)))


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
    lines_above = max((text_lines(text) for texts in diagram.node_text[1:-1] for text in texts), default=0)
    above = lines_above * LINE_PX + NODE_SIZE
    below = max((text_lines(name) for name in diagram.column_names), default=1) * LINE_PX + NODE_SIZE
    half = (max(sizes) - 1) / 2
    span = max(2 * half, 1.0)
    unit_px = max((height - 20 - above - below) / span, 20.0)
    return x_range, [-half - below / unit_px, half + max(above, NODE_SIZE) / unit_px]


# ------------------------------------------------------------------ the boundary (stage 4)

BOUNDARY_RESOLUTION = 32  # cells along each axis of the boundary's grid
GLIDE_FRAMES = 7  # the update's glide: the network at t = 0, 1/6, …, 1 of its step
TIE_SHADE, CERTAIN_SHADE = 0.9, 0.35  # a class's colour mixed with white: at a tie, when certain (as the playground)
BEFORE_LINE = "#1b1f24"  # the boundary before the step, dashed over the one after it


def boundary_values(network, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """What the boundary paints at every cell, shaped (len(ys), len(xs)) (rows follow x2).

    A classification: the predicted class k plus its confidence c (how far the winning output is
    ahead of the runner-up, 0 a tie … 0.999 certain, to 3 decimals), so ⌊value⌋ is the class and
    the colour deepens with c; a regression: the network's output (to 4 significant digits). A network of feature inputs (x1², sin x1,
    …) takes them, computed from each cell's point (``playground.plots.plane.grid_outputs``).
    """
    outputs = np.asarray(grid_outputs(network, xs, ys), dtype=np.float64)
    shape = (len(ys), len(xs))
    if network.task == "regression":  # four significant digits: the glide's frames travel to the browser
        return np.array([float(f"{value:.4g}") for value in outputs[:, 0]]).reshape(shape)
    confidence = np.minimum(output_confidence(outputs, network.output_activation), 0.999)  # ⌊value⌋ stays the class
    return np.round(outputs.argmax(axis=1) + confidence, 3).reshape(shape)


def _mix_with_white(colour: str, amount: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "rgb({}, {}, {})".format(*(round(v + (255 - v) * amount) for v in (red, green, blue)))


def class_scale(n_classes: int) -> list[list]:
    """Class k over [k, k + 1): its colour pale at a tie, deep when certain (zmin 0, zmax n_classes)."""
    scale: list[list] = []
    for k in range(n_classes):
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        scale.append([k / n_classes, _mix_with_white(colour, TIE_SHADE)])
        scale.append([(k + 1) / n_classes, _mix_with_white(colour, CERTAIN_SHADE)])
    return scale


# A regression's values: orange below zero, white at zero, blue above (as the playground's plane).


@dataclass
class Boundary:
    """The boundary figure's data: the grid, what the network paints on it, and the batch's points."""

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray  # boundary_values on the grid: the network after the step (or the one shown)
    task: str  # "classification" or "regression"
    n_classes: int  # the classes (a regression: 0)
    points: np.ndarray  # the batch's points on the plane, (n, 2)
    targets: np.ndarray  # their classes, or their values
    span: float = 1.0  # a regression's colour bar: −span … span
    before: np.ndarray | None = None  # the values before the step: its class boundary drawn dashed


def boundary_figure(boundary: Boundary) -> dict:
    """The network over the data's plane, with the batch's points: a Plotly figure as a dict.

    Trace 0 is the heatmap (its ``z`` is ``boundary.values``, the one the update's glide changes);
    a classification's boundary before the step follows as a dashed line, then the points.
    """
    regression = boundary.task == "regression"
    heat: dict = {
        "type": "heatmap",
        "x": boundary.xs.tolist(),
        "y": boundary.ys.tolist(),
        "z": boundary.values.tolist(),
        "hoverinfo": "skip",
        "showscale": False,
    }
    if regression:
        # Smoothed between cells (a value varies smoothly; a class map keeps its cells' edges).
        heat.update(colorscale=VALUE_SCALE, zmin=-boundary.span, zmax=boundary.span, zsmooth="best")
    else:
        heat.update(colorscale=class_scale(boundary.n_classes), zmin=0, zmax=boundary.n_classes)
    traces = [heat]
    if boundary.before is not None and not regression and boundary.n_classes > 1:
        traces.append(
            {
                "type": "contour",
                "x": boundary.xs.tolist(),
                "y": boundary.ys.tolist(),
                "z": np.floor(boundary.before).tolist(),
                "contours": {"coloring": "none", "start": 0.5, "end": boundary.n_classes - 1.5, "size": 1},
                "line": {"color": BEFORE_LINE, "dash": "dash", "width": 2},
                "showscale": False,
                "hoverinfo": "skip",
                "name": "before the step",
            }
        )
    points = boundary.points.reshape(-1, 2)
    marker: dict = {"size": 11, "line": {"color": "white", "width": 1.5}}
    if regression:
        marker.update(color=np.ravel(boundary.targets).tolist(), colorscale=VALUE_SCALE)
        marker.update(cmin=-boundary.span, cmax=boundary.span, line={"color": INK, "width": 1})
    else:
        marker["color"] = [CLASS_COLOURS[int(k) % len(CLASS_COLOURS)] for k in np.ravel(boundary.targets)]
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": points[:, 0].tolist(),
            "y": points[:, 1].tolist(),
            "marker": marker,
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    x_range = [float(boundary.xs[0] * 1.5 - boundary.xs[1] * 0.5), float(boundary.xs[-1] * 1.5 - boundary.xs[-2] * 0.5)]
    y_range = [float(boundary.ys[0] * 1.5 - boundary.ys[1] * 0.5), float(boundary.ys[-1] * 1.5 - boundary.ys[-2] * 0.5)]
    axis = {"showgrid": False, "zeroline": False, "fixedrange": True, "showticklabels": False, "ticks": ""}
    x_axis, y_axis = {**axis, "range": x_range}, {**axis, "range": y_range}
    spans = (x_range[1] - x_range[0]) / (y_range[1] - y_range[0])
    if 1 / 3 <= spans <= 3:  # one unit as long across as up (as the playground's plane), the box kept
        x_axis["constrain"] = "domain"
        y_axis.update(scaleanchor="x", scaleratio=1, constrain="domain")
    return {
        "data": traces,
        "layout": {
            "xaxis": x_axis,
            "yaxis": y_axis,
            "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
            "showlegend": False,
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "dragmode": False,
            "hovermode": False,
        },
    }
