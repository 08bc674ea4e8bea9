"""The playground's weights and biases: a slider for each (or for one weight-layer's or one
node's on a big network), the network diagram drawn with them and its legend."""

from __future__ import annotations

import numpy as np
from dash import dcc, html

from playground.app.pages.playground import ids
from playground.app.pages.playground.logic import (
    slider_groups,
)
from playground.app.session.model import architecture
from playground.app.ui.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.app.ui.components import panel_head

SLIDER_RANGE = 5.0


def slider_component(kind: str, layer: int, row: int, col: int, value: float) -> html.Div:
    """One labelled slider: W[l][i,j] (from node i of layer l−1 to node j of layer l) or b[l][j]."""
    if kind == "weight":
        label, slider_id = (
            f"W[{layer}][{row},{col}]",
            {"type": ids.WEIGHT_SLIDER, "layer": layer, "row": row, "col": col},
        )
    else:
        label, slider_id = f"b[{layer}][{col}]", {"type": ids.BIAS_SLIDER, "layer": layer, "col": col}
    value = round(float(value), 3)
    low, high = min(-SLIDER_RANGE, np.floor(value)), max(SLIDER_RANGE, np.ceil(value))
    return html.Div(
        className="slider-row",
        children=[
            html.Span(label, className="slider-label"),
            dcc.Slider(
                id=slider_id,
                min=low,
                max=high,
                step=0.001,
                value=value,
                marks=None,
                updatemode="mouseup",
                allow_direct_input=False,
                # The value, short (4.5e+05): assets/playground-sliders.js defines sliderValue.
                tooltip={"placement": "top", "always_visible": True, "transform": "sliderValue"},
            ),
            # Shown only while the teacher's "make an exercise" panel is open: exercise.js cycles it
            # (open → locked → hidden: its data-state, which exercise.css writes on it).
            html.Button(className="exercise-weight", title=f"exercise: {label} open to students"),
        ],
    )


def sliders_section(network: dict) -> html.Section:
    """The weights and biases as sliders, and the network drawn with them (its edges' colour
    and width are the weights, its nodes' pictures what each node computes)."""
    sliders, caption, layer_options, node_options = slider_groups(network, None, None)
    layer, node = shown_pickers(network)
    # The pickers show which layer (and node) the sliders belong to.
    return html.Section(
        className="column sliders-section",
        children=[
            panel_head(
                "Weights and biases",
                html.Div(
                    className="slider-pickers",
                    children=[
                        dcc.Dropdown(
                            id=ids.SLIDER_LAYER,
                            options=layer_options,
                            value=layer,
                            placeholder="weight-layer",
                            clearable=False,
                            style={"display": "block" if layer_options else "none"},
                        ),
                        dcc.Dropdown(
                            id=ids.SLIDER_NODE,
                            options=node_options,
                            value=node,
                            placeholder="node",
                            clearable=False,
                            style={"display": "block" if node_options else "none"},
                        ),
                        html.Span(caption, id=ids.SLIDER_CAPTION, className="hint"),
                    ],
                ),
            ),
            html.Div([slider_component(*s) for s in sliders], id=ids.SLIDERS, className="sliders"),
            # The diagram's own exports, beside it (the room needs the sliders' head line free).
            html.Div(
                className="diagram-tools",
                children=[
                    html.Button(
                        "PNG",
                        id=ids.EXPORT_NETWORK,
                        className="export",
                        title="download the network diagram as PNG, 1920 px wide",
                    ),
                    html.Button(
                        "SVG",
                        id=ids.EXPORT_NETWORK_SVG,
                        className="export",
                        title="download the network diagram as SVG (edges as lines, heatmaps as images)",
                    ),
                ],
            ),
            html.Canvas(id=ids.NETWORK_CANVAS, className="network-canvas"),
            diagram_legend(),
        ],
    )


def diagram_legend() -> html.Div:
    """What the diagram's colours mean (drawing.js paints with these two colours)."""
    return html.Div(
        className="hint diagram-legend",
        id=ids.DIAGRAM_LEGEND,
        children=[
            html.Span(className="swatch", style={"background": POSITIVE_COLOUR}),
            " positive, ",
            html.Span(className="swatch", style={"background": NEGATIVE_COLOUR}),
            " negative: an edge's weight (thicker: larger) and, in each node, its activation over the input plane",
        ],
    )


def shown_pickers(network: dict) -> tuple[int | None, int | None]:
    """The weight-layer and node whose sliders a page drawn anew shows (None: all of them)."""
    sliders, _, layer_options, node_options = slider_groups(network, None, None)
    return (sliders[0][1] if layer_options else None), (sliders[-1][3] if node_options else None)


def slider_shape(network: dict, layer: int | None, node: int | None) -> dict:
    """What decides which sliders are on the page: the architecture and the chosen layer and node."""
    return {"architecture": architecture(network), "layer": layer, "node": node}
