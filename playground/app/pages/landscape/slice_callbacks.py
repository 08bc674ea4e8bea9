"""The slice of a big network, as a background job of the session (progress, cancel).

The job holds one of the server's job slots while it computes (``server.slots``: a few at once,
one per session) and stops when its page stops polling it (a closed tab) or asks it to (cancel).
"""

from __future__ import annotations

import time

import dash
from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from playground.app.pages.landscape import ids
from playground.app.pages.landscape.slice_logic import (
    centre_cost,
    check_normalisation,
    check_span,
    check_steps,
    compute_slice,
    image_page_slice_inputs,
    model_slice_inputs,
    session_slice_inputs,
)
from playground.app.server import slots
from playground.app.server.jobs import check_session_key
from playground.app.session import stores
from playground.app.ui.components import said
from playground.plots.landscape import slice_figures


def cancelled(done: int, total: int) -> str:
    return f"cancelled: the slice stopped after {done:,} of {total:,} grid points (the last one drawn stays)"


def register_callbacks(app: dash.Dash) -> None:
    register_notes(app)

    @app.callback(
        Output(ids.SLICE_SURFACE, "figure"),
        Output(ids.SLICE_CONTOUR, "figure"),
        Output(ids.SLICE_MESSAGE, "children"),
        Output(ids.SLICE_RESULT, "children"),
        Input(ids.SLICE_GO, "n_clicks"),
        State(ids.SLICE_SOURCE, "value"),
        State(ids.SLICE_UPLOAD, "contents"),
        State(ids.SLICE_UPLOAD, "filename"),
        State(ids.SLICE_DATA, "value"),
        State(ids.SLICE_SAMPLES, "value"),
        State(ids.SLICE_STEPS, "value"),
        State(ids.SLICE_SPAN, "value"),
        State(ids.SLICE_NORMALISATION, "value"),
        State(ids.SLICE_LOG, "value"),
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.KEY, "data"),
        background=True,
        prevent_initial_call=True,
        running=[
            (Output(ids.SLICE_GO, "disabled"), True, False),
            (Output(ids.SLICE_CANCEL, "disabled"), False, True),
            # The last job's error is not this job's: hidden while this one runs (it says its own at the end).
            (Output(ids.SLICE_MESSAGE, "style"), {"visibility": "hidden"}, {}),
        ],
        progress=[Output(ids.SLICE_PROGRESS, "value"), Output(ids.SLICE_PROGRESS, "max")],
    )
    def draw_slice(
        set_progress,
        clicks,
        source,
        contents,
        filename,
        data_name,
        samples,
        steps,
        span,
        normalisation,
        log,
        network,
        data,
        key,
    ):
        if not clicks:
            raise PreventUpdate
        set_progress(("0", "100"))
        try:
            check_session_key(key)
            steps, span, normalisation = check_steps(steps), check_span(span), check_normalisation(normalisation)
            with slots.job_slot(key, "a landscape slice"):
                if source == "session":
                    model, inputs, labels, what = session_slice_inputs(network, data)
                elif source == "images":
                    model, inputs, labels, what = image_page_slice_inputs(key, samples)
                else:
                    model, inputs, labels, what = model_slice_inputs(contents, filename, data_name, samples)
                alphas, betas, costs = compute_slice(
                    model, inputs, labels, steps, span, normalisation, progress=page_waits(set_progress, key, clicks)
                )
        except (ValueError, OSError, slots.SlotRefused) as error:
            return dash.no_update, dash.no_update, said(str(error), "error"), ""
        except slots.JobStopped as stopped:
            return dash.no_update, dash.no_update, said(str(stopped), "info"), ""
        except slots.JobAbandoned:
            raise PreventUpdate from None  # nobody is waiting for it
        surface, contour = slice_figures(alphas, betas, costs, log=bool(log))
        return (
            surface,
            contour,
            "",
            (
                f"{steps}×{steps} slice of {what}, {normalisation}-normalised directions: "
                f"cost {centre_cost(costs):.4g} at the network, {costs.min():.4g} … "
                f"{costs.max():.4g} around it"
            ),
        )


def register_notes(app: dash.Dash) -> None:
    """What the job's own outputs cannot say: a file taken; and the cancel, asked of the job."""

    @app.callback(
        Input(ids.SLICE_CANCEL, "n_clicks"),
        State(ids.SLICE_GO, "n_clicks"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def cancel_slice(_, run, key):
        """The running slice (the start button's click ``run``) stops within a second and says so."""
        try:
            session = check_session_key(key)
        except ValueError:
            return  # not a session this server issued: it runs nothing to stop
        if isinstance(run, int) and run > 0:
            slots.ask_stop(session, run)

    @app.callback(Output(ids.SLICE_UPLOAD, "children"), Input(ids.SLICE_UPLOAD, "filename"), prevent_initial_call=True)
    def show_loaded_file(filename):
        """The drop zone names the file it took, so the room sees the upload worked (shown as text)."""
        if not filename:
            raise PreventUpdate
        return html.Div(
            f"{filename} loaded: choose 'a saved model' above and draw its slice (another file replaces it)"
        )


def page_waits(set_progress, session: str, run: int):
    """The slice's progress: shown on the page; the job stopped when the page stopped polling or
    asked it to stop (its ``run``: the start button's click count)."""
    job, started = slots.job_key(), time.time()
    looked = [started]

    def progress(done: int, total: int) -> None:
        if time.time() - looked[0] < 1:
            return  # a block can take milliseconds: show and look once a second
        looked[0] = time.time()
        set_progress((str(done), str(total)))
        if slots.abandoned(job, started):
            raise slots.JobAbandoned(f"the page stopped waiting after {done} of {total} grid points")
        if slots.stop_asked(session, run):
            raise slots.JobStopped(cancelled(done, total))

    return progress
