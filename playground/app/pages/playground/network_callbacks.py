"""The playground's network: its shape from the controls (one change store), its sliders and story.

The network controls hand the session a new network (one callback, one change store); the
sliders, the preset's story and the notes follow the session's network store.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.playground import ids
from playground.app.pages.playground.layout import layer_controls
from playground.app.pages.playground.logic import (
    changed_network,
    lesson_note,
    network_notes,
    network_story,
    slider_groups,
)
from playground.app.pages.playground.sliders_layout import slider_component, slider_shape
from playground.app.session import model, stores
from playground.app.session.model import architecture
from playground.app.ui.components import said

# The network controls, by the name the pure logic knows them by.
NETWORK_TRIGGERS = {
    ids.PRESET_2_2: "preset-2-2",
    ids.PRESET_2_3_2: "preset-2-3-2",
    ids.ADD_LAYER: "add-layer",
    ids.REMOVE_LAYER: "remove-layer",
    ids.RESET: "reset",
    ids.FEATURES: "features",
}
BUTTONS = {trigger for name, trigger in NETWORK_TRIGGERS.items() if name != ids.FEATURES}


def register_network_callbacks(app: dash.Dash) -> None:
    """The network's shape, which sliders are on the page, and what the page says of the network."""

    @app.callback(
        Output(stores.change_id(ids.NETWORK_CHANGE), "data"),
        Output(ids.LAYER_CONTROLS, "children"),
        Output(ids.NETWORK_MESSAGE, "children"),
        Input(ids.ADD_LAYER, "n_clicks"),
        Input(ids.REMOVE_LAYER, "n_clicks"),
        Input({"type": ids.LAYER_WIDTH, "index": ALL}, "value"),
        Input({"type": ids.LAYER_ACTIVATION, "index": ALL}, "value"),
        Input(ids.OUTPUT_ACTIVATION, "value"),
        Input(ids.COST, "value"),
        Input(ids.PRESET_2_2, "n_clicks"),
        Input(ids.PRESET_2_3_2, "n_clicks"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.FEATURES, "value"),
        State(ids.WEIGHT_SEED, "value"),
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        prevent_initial_call=True,
    )
    def change_network(
        _add,
        _remove,
        widths,
        activations,
        output_activation,
        cost,
        _p22,
        _p232,
        _reset,
        features,
        seed,
        network,
        data,
    ):
        trigger = "layer" if isinstance(ctx.triggered_id, dict) else NETWORK_TRIGGERS.get(ctx.triggered_id)
        if trigger in BUTTONS and not ctx.triggered[0]["value"]:
            raise PreventUpdate  # a button drawn anew (a loaded state redraws the page), not pressed
        shown = architecture(network)
        try:
            new, _, message = changed_network(
                network, data, trigger, widths, activations, output_activation, cost, seed, features
            )
        except ValueError as error:  # e.g. cross-entropy with a linear output: the controls show the network again
            return no_update, no_update, said(f"{error}", "error")
        if new is None:
            if message is None:
                raise PreventUpdate  # the controls were set to match the network shown
            return no_update, no_update, said(message, "error")  # a choice refused (no input ticked)
        new_shape = architecture(new)
        shape_changed = new_shape["layer_sizes"] != shown["layer_sizes"] or trigger in (
            "preset-2-2",
            "preset-2-3-2",
            "add-layer",
            "remove-layer",
        )
        return (
            stores.change(network=new, training=model.fresh_training()),
            layer_controls(new) if shape_changed else no_update,
            network_notes(new),
        )

    # The output, cost and input controls show the session's network: after a change of it from
    # anywhere (new points of another task rebuild it) and after a choice was refused (the
    # message). In the browser, and only where they differ (a control set here calls the network's
    # callback, which then finds nothing to change).
    app.clientside_callback(
        """function (network, _message, output, cost, inputs) {
            const no = window.dash_clientside.no_update, layers = network.layers;
            const wanted = [layers[layers.length - 1].activation, network.cost, network.input_names || ["x1", "x2"]];
            const same = [output, cost, inputs].map((value, k) => JSON.stringify(value) === JSON.stringify(wanted[k]));
            return wanted.map((value, k) => (same[k] ? no : value));
        }""",
        Output(ids.OUTPUT_ACTIVATION, "value"),
        Output(ids.COST, "value"),
        Output(ids.FEATURES, "value"),
        Input(stores.NETWORK, "data"),
        Input(ids.NETWORK_MESSAGE, "children"),
        State(ids.OUTPUT_ACTIVATION, "value"),
        State(ids.COST, "value"),
        State(ids.FEATURES, "value"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.SLIDERS, "children"),
        Output(ids.SLIDER_CAPTION, "children"),
        Output(ids.SLIDER_LAYER, "options"),
        Output(ids.SLIDER_LAYER, "style"),
        Output(ids.SLIDER_NODE, "options"),
        Output(ids.SLIDER_NODE, "style"),
        Output(ids.SLIDER_LAYER, "value"),
        Output(ids.SLIDER_NODE, "value"),
        Output(ids.SLIDER_SHAPE, "data"),
        Input(stores.NETWORK, "data"),
        Input(ids.SLIDER_LAYER, "value", allow_optional=True),
        Input(ids.SLIDER_NODE, "value", allow_optional=True),
        State(ids.SLIDER_SHAPE, "data", allow_optional=True),
        prevent_initial_call=True,
    )
    def show_sliders(network, layer, node, shown):
        if shown is None:
            raise PreventUpdate  # the page is not shown
        wanted = slider_shape(network, layer, node)
        if wanted == shown:
            raise PreventUpdate  # new weights for the same sliders: they follow in the browser
        sliders, caption, layer_options, node_options = slider_groups(network, layer, node)
        # Show which layer (and node) the sliders belong to in the pickers themselves.
        shown_layer = sliders[0][1] if layer_options else None
        shown_node = sliders[-1][3] if node_options else None
        return (
            [slider_component(*s) for s in sliders],
            caption,
            layer_options,
            {"display": "block" if layer_options else "none"},
            node_options,
            {"display": "block" if node_options else "none"},
            shown_layer if shown_layer != layer else no_update,
            shown_node if shown_node != node else no_update,
            slider_shape(network, shown_layer, shown_node),
        )

    @app.callback(
        Output(ids.PRESET_SOURCE, "children"),
        Output(ids.LR_LESSON_NOTE, "children"),
        Input(stores.NETWORK, "data"),
        Input(stores.DATA, "data"),
        State(ids.LR_LESSON, "value", allow_optional=True),
        prevent_initial_call=True,
    )
    def tell_network_story(network, data, lesson):
        return network_story(network, data), lesson_note(network, lesson)
