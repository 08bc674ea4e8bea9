"""The slice of a big network, as a background job of the session (progress, cancel)."""

from __future__ import annotations

import dash
from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from playground.app.session import stores
from playground.app.pages.landscape import ids
from playground.plots.landscape import slice_figures
from playground.app.pages.landscape.slice_logic import (centre_cost, check_normalisation, check_span, check_steps,
                                                        image_page_slice_inputs, model_slice_inputs,
                                                        session_slice_inputs)
from playground.engine.landscape import cost_slice


def register_callbacks(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.SLICE_SURFACE, "figure"), Output(ids.SLICE_CONTOUR, "figure"), Output(ids.SLICE_MESSAGE, "children"),
        Output(ids.SLICE_RESULT, "children"),
        Input(ids.SLICE_GO, "n_clicks"), State(ids.SLICE_SOURCE, "value"), State(ids.SLICE_UPLOAD, "contents"),
        State(ids.SLICE_UPLOAD, "filename"), State(ids.SLICE_DATA, "value"), State(ids.SLICE_SAMPLES, "value"),
        State(ids.SLICE_STEPS, "value"), State(ids.SLICE_SPAN, "value"), State(ids.SLICE_NORMALISATION, "value"),
        State(ids.SLICE_LOG, "value"), State(stores.NETWORK, "data"), State(stores.DATA, "data"),
        State(stores.KEY, "data"), background=True, prevent_initial_call=True,
        running=[(Output(ids.SLICE_GO, "disabled"), True, False), (Output(ids.SLICE_CANCEL, "disabled"), False, True)],
        cancel=[Input(ids.SLICE_CANCEL, "n_clicks")],
        progress=[Output(ids.SLICE_PROGRESS, "value"), Output(ids.SLICE_PROGRESS, "max")],
    )
    def draw_slice(set_progress, clicks, source, contents, filename, data_name, samples, steps, span,
                   normalisation, log, network, data, key):
        if not clicks:
            raise PreventUpdate
        set_progress(("0", "100"))
        try:
            steps, span, normalisation = check_steps(steps), check_span(span), check_normalisation(normalisation)
            if source == "session":
                model, inputs, labels, what = session_slice_inputs(network, data)
            elif source == "images":
                model, inputs, labels, what = image_page_slice_inputs(key, samples)
            else:
                model, inputs, labels, what = model_slice_inputs(contents, filename, data_name, samples)
        except (ValueError, OSError) as error:
            return dash.no_update, dash.no_update, str(error), ""
        alphas, betas, costs = cost_slice(model, inputs, labels, steps=steps, span=span, seed=0,
                                          normalisation=normalisation,
                                          progress=lambda done, total: set_progress((str(done), str(total))))
        surface, contour = slice_figures(alphas, betas, costs, log=bool(log))
        return surface, contour, "", (f"{steps}×{steps} slice of {what}, {normalisation}-normalised directions: "
                                      f"cost {centre_cost(costs):.4g} at the network, {costs.min():.4g} … "
                                      f"{costs.max():.4g} around it")
