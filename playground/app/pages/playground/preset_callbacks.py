"""The feature presets (SPEC F25): a problem and a network of feature inputs, in one change.

A preset changes the points and the network together, so it hands the session one change and
draws the page anew from it (as a lesson or a loaded link does): every control shows the new
problem and network, and no control's own callback sees half of it.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from playground.app.pages.playground import ids
from playground.app.pages.playground.layout import page_body
from playground.app.pages.playground.tasks import feature_preset_state
from playground.app.session import stores

PRESET_BUTTONS = {ids.PRESET_CIRCLE: "circle", ids.PRESET_XOR: "xor"}


def register_preset_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(stores.change_id(ids.PRESET_CHANGE), "data"),
        Output(ids.BODY, "children", allow_duplicate=True),
        Input(ids.PRESET_CIRCLE, "n_clicks"),
        Input(ids.PRESET_XOR, "n_clicks"),
        State(stores.DATA, "data"),
        State(stores.NETWORK, "data"),
        State(stores.SETTINGS, "data"),
        State(stores.TRAINING, "data"),
        State(stores.view_store("playground"), "data"),
        prevent_initial_call=True,
    )
    def use_preset(_circle, _xor, data, network, settings, training, look):
        if not ctx.triggered[0]["value"]:
            raise PreventUpdate  # drawn anew, not pressed
        state = {"data": data, "network": network, "settings": settings, "training": training}
        preset = feature_preset_state(PRESET_BUTTONS[ctx.triggered_id], state)
        parts = {part: preset[part] for part in ("data", "network", "training")}
        body = page_body(preset["data"], preset["network"], settings, preset["training"], None, look)
        return stores.change(**parts), body
