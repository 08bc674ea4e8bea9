"""A dense network as a small SVG picture: what a notebook cell shows for a ``Network``.

The same drawing rules as the network's Plotly diagram (``playground.plots.diagram``): edges
coloured by the sign of their weight and thicker for a larger one, nodes by the sign of their
bias, inputs grey. A few kilobytes of plain SVG, no script: it shows at once in Jupyter, in a
rendered notebook (nbconvert, GitHub) and in a PDF. A column of more than ``MAX_SHOWN`` nodes
shows its first ones and says how many more there are.

    svg = network_svg(Network([2, 3, 2]))
"""

from __future__ import annotations

from html import escape

import numpy as np

from playground.engine import Dense, Network
from playground.plots.diagram import column_names, edge_width, sign_colour

MAX_SHOWN = 10  # nodes drawn in a column (an image network's 784 inputs would be a black wall)
COLUMN_GAP, ROW_GAP, RADIUS = 130, 34, 10
LEFT, TOP, BOTTOM = 70, 34, 52  # room for the inputs' names, the title and the columns' names
EDGE_SCALE = 0.6  # the diagram's edge widths are for a 720-px figure; this picture is smaller


def shown_rows(size: int) -> int:
    """Nodes drawn in a column of ``size``: all of them, or the first MAX_SHOWN − 1 and a note."""
    return size if size <= MAX_SHOWN else MAX_SHOWN - 1


def network_svg(network: Network) -> str | None:
    """The network as an SVG document, or None when it has layers other than dense ones (a conv
    network: its one-line description says more than a picture of its first layers would)."""
    if not all(isinstance(layer, Dense) for layer in network.layers):
        return None
    sizes = network.layer_sizes
    rows = [shown_rows(size) for size in sizes]
    width = LEFT + COLUMN_GAP * (len(sizes) - 1) + 90
    height = TOP + ROW_GAP * max(rows) + BOTTOM

    def at(column: int, row: int) -> tuple[float, float]:
        top = TOP + ROW_GAP / 2 + (max(rows) - rows[column]) * ROW_GAP / 2  # each column centred
        return LEFT + column * COLUMN_GAP, top + row * ROW_GAP

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<text x="4" y="16" fill="#333">{escape(network.describe())}</text>',
    ]
    for index, weights in enumerate(network.weights):
        finite = np.abs(weights[np.isfinite(weights)])
        largest = float(finite.max()) if finite.size else 0.0
        for i in range(rows[index]):
            for j in range(rows[index + 1]):
                (x0, y0), (x1, y1) = at(index, i), at(index + 1, j)
                value = float(weights[i, j])
                parts.append(
                    f'<line x1="{x0:g}" y1="{y0:g}" x2="{x1:g}" y2="{y1:g}" stroke="{sign_colour(value)}" '
                    f'stroke-width="{EDGE_SCALE * edge_width(value, largest):g}" stroke-opacity="0.8"/>'
                )
    inputs = list(network.input_names or [f"x{i + 1}" for i in range(sizes[0])])
    for column, size in enumerate(sizes):
        biases = None if column == 0 else np.ravel(network.biases[column - 1])
        for row in range(rows[column]):
            x, y = at(column, row)
            fill = sign_colour(None if biases is None else float(biases[row]))
            parts.append(
                f'<circle cx="{x:g}" cy="{y:g}" r="{RADIUS}" fill="{fill}" stroke="#1b1f24" stroke-width="1.5"/>'
            )
            if column == 0:
                parts.append(
                    f'<text x="{x - RADIUS - 4:g}" y="{y + 4:g}" text-anchor="end">{escape(inputs[row])}</text>'
                )
        if rows[column] < size:
            x, y = at(column, rows[column])
            parts.append(
                f'<text x="{x:g}" y="{y + 4:g}" text-anchor="middle" fill="#555">+{size - rows[column]:,} more</text>'
            )
    for column, name in enumerate(column_names(network)):  # "hidden 1 (3)" above "sigmoid"
        x = LEFT + column * COLUMN_GAP
        kind, _, activation = name.partition("<br>")
        parts.append(
            f'<text x="{x}" y="{height - 26}" text-anchor="middle" fill="#555">{escape(kind)} ({sizes[column]:,})'
            f'<tspan x="{x}" dy="15">{escape(activation)}</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)
