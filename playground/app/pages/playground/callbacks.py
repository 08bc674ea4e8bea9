"""The playground page's callbacks: the views of the session, and the browser's part.

Changes of the session come from five places, each with its change store: the data
(``data_callbacks``), the network controls (``network_callbacks``), a loaded state or a lesson
(``share_callbacks``), the view settings (discretize output, show test data: ``change_look``,
into ``session-view-playground``) and the browser module (settings, a slider let go, play and
step). The live views (class map, network diagram with node heatmaps, cost readouts) are painted
by the browser module (``assets/playground.js``) from the session's stores, and straight from the
pointer while a weight slider is dragged. Training runs in the engine on the server, through
the page's route (``routes.py``) and the app's one run loop (``assets/runner.js``).
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.playground import ids
from playground.app.pages.playground.data_callbacks import register_data_callbacks
from playground.app.pages.playground.evolution_callbacks import register_evolution_callbacks
from playground.app.pages.playground.figures import cost_curve_figure, points_figure
from playground.app.pages.playground.logic import momentum_note, penalty_note, view_for
from playground.app.pages.playground.network_callbacks import register_network_callbacks
from playground.app.pages.playground.shapes import view_settings
from playground.app.pages.playground.share_callbacks import register_share_callbacks
from playground.app.pages.playground.tasks import click_options
from playground.app.pages.playground.view_controls import look_from
from playground.app.session import model, stores
from playground.app.ui.learn_rate import LEARN_RATE_RANGE, register_learn_rate

LOOK_STORE = stores.view_store("playground")  # the page's view settings (discretize, show test data)
WEIGHT_SLIDERS = {"type": ids.WEIGHT_SLIDER, "layer": ALL, "row": ALL, "col": ALL}
BIAS_SLIDERS = {"type": ids.BIAS_SLIDER, "layer": ALL, "col": ALL}
SETTINGS_CONTROLS = (
    ids.LEARN_RATE,
    ids.BATCH_SIZE,
    ids.OPTIMIZER,
    ids.MOMENTUM,
    ids.L2,
    ids.L1,
    ids.GRADIENT,
    ids.WEIGHT_SEED,
    ids.PLAY_SPEED,
)


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app`` (``app.callback``, so every app made gets its own)."""
    register_browser_callbacks(app)
    register_view_callbacks(app)
    register_data_callbacks(app)
    register_network_callbacks(app)
    register_share_callbacks(app)
    register_evolution_callbacks(app)


def register_browser_callbacks(app: dash.Dash) -> None:
    """Callbacks that run in the browser (assets/playground*.js): drawing, sliders, settings, play."""
    browser = dash.ClientsideFunction
    register_learn_rate(app, ids.LEARN_RATE, ids.LEARN_RATE_VALUE, LEARN_RATE_RANGE)
    session_states = [
        State(stores.NETWORK, "data"),
        State(stores.DATA, "data"),
        State(stores.SETTINGS, "data"),
        State(stores.TRAINING, "data"),
        State(ids.VIEW, "data"),
        State(LOOK_STORE, "data"),
    ]
    app.clientside_callback(
        browser("playground", "mount"), Output(ids.MOUNTED, "data"), Input(ids.MOUNTED, "data"), *session_states
    )
    # Repaint for a new network (a slider let go, a training step, a load) or new points or settings.
    # (A page part beside the session's stores is optional: the stores change on other pages too.)
    app.clientside_callback(
        browser("playground", "render"),
        Input(stores.NETWORK, "data"),
        Input(stores.DATA, "data"),
        Input(stores.SETTINGS, "data"),
        Input(ids.VIEW, "data", allow_optional=True),
        Input(LOOK_STORE, "data"),
        prevent_initial_call=True,
    )
    # The session changed: the run loop continues from it (unless the change was its own).
    app.clientside_callback(
        browser("playground", "adopt"), Input(stores.REVISION, "data"), *session_states[:4], prevent_initial_call=True
    )
    app.clientside_callback(
        browser("playground", "followNetwork"),
        Output(WEIGHT_SLIDERS, "value"),
        Output(WEIGHT_SLIDERS, "min"),
        Output(WEIGHT_SLIDERS, "max"),
        Output(BIAS_SLIDERS, "value"),
        Output(BIAS_SLIDERS, "min"),
        Output(BIAS_SLIDERS, "max"),
        Input(stores.NETWORK, "data"),
        State(WEIGHT_SLIDERS, "id"),
        State(BIAS_SLIDERS, "id"),
        State(WEIGHT_SLIDERS, "value"),
        State(BIAS_SLIDERS, "value"),
        prevent_initial_call=True,
    )
    # A slider moved (let go after a drag, or by its keys): the network with its value.
    app.clientside_callback(
        browser("playground", "sliderMoved"),
        Input(WEIGHT_SLIDERS, "value"),
        Input(BIAS_SLIDERS, "value"),
        State(WEIGHT_SLIDERS, "id"),
        State(BIAS_SLIDERS, "id"),
        State(stores.NETWORK, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        browser("playground", "settings"),
        Output(stores.change_id(ids.SETTINGS_CHANGE), "data"),
        *[Input(control, "value") for control in SETTINGS_CONTROLS],
        State(ids.PLAY_SPEED, "marks"),
        State(stores.SETTINGS, "data"),
        State(stores.TRAINING, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        browser("playground", "learnRateLabel"),
        Output(ids.LEARN_RATE_LABEL, "children"),
        Input(ids.LEARN_RATE, "value"),
        Input(ids.OPTIMIZER, "value"),
    )
    app.clientside_callback(
        browser("playground", "figureButtons"),
        Input(ids.EXPORT_BOUNDARY, "n_clicks"),
        Input(ids.EXPORT_BOUNDARY_SVG, "n_clicks"),
        Input(ids.FULL_BOUNDARY, "n_clicks"),
        Input(ids.EXPORT_NETWORK, "n_clicks"),
        Input(ids.EXPORT_NETWORK_SVG, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(browser("playground", "play"), Input(ids.PLAY, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(browser("playground", "step"), Input(ids.STEP, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(
        browser("playground", "undoRun"), Input(ids.UNDO_RUN, "n_clicks"), prevent_initial_call=True
    )


def register_view_callbacks(app: dash.Dash) -> None:
    """What the page shows of the session: the points, the cost curve, the notes on the controls."""

    @app.callback(
        Output(stores.change_id(ids.LOOK_CHANGE), "data"),
        Input(ids.DISCRETIZE, "value"),
        Input(ids.SHOW_TEST, "value"),
        prevent_initial_call=True,
    )
    def change_look(discretize, show_test):
        return stores.update(view_playground=look_from(discretize, show_test))

    @app.callback(
        Output(ids.BOUNDARY_GRAPH, "figure"),
        Output(ids.VIEW, "data"),
        Output(ids.CLICK_CLASS, "options"),
        Output(ids.CLICK_CLASS, "value"),
        Input(stores.DATA, "data"),
        Input(LOOK_STORE, "data"),
        State(ids.CLICK_CLASS, "value"),
        prevent_initial_call=True,
    )
    def show_points(data, look, clicked):
        show_test = view_settings(look)["show_test"]
        if set(ctx.triggered_prop_ids) == {f"{LOOK_STORE}.data"}:  # the same points, shown or hidden
            classes = len(data["class_names"]) or 1  # a regression: one trace of training points, one of test
            patch = Patch()
            for trace in range(classes, 2 * classes):  # the test points' traces follow the training points'
                patch["data"][trace]["visible"] = True if show_test else "legendonly"
            return patch, no_update, no_update, no_update
        dataset = model.check_points(data)
        view = view_for(data)
        figure = points_figure(
            dataset.train_inputs,
            dataset.train_labels,
            dataset.test_inputs,
            dataset.test_labels,
            dataset.class_names,
            dataset.feature_names,
            view["x_range"],
            view["y_range"],
            show_test=show_test,
        )
        options = click_options(data)
        # A class or value the new points do not have (a regression's 0.5 on classes) becomes the first class / 0.
        kept = clicked if any(option["value"] == clicked for option in options) else 0
        return figure, view, options, kept if kept != clicked else no_update

    @app.callback(
        Output(ids.COST_GRAPH, "figure"),
        Input(stores.TRAINING, "data"),
        Input(ids.COST_LOG, "value", allow_optional=True),
        prevent_initial_call=True,
    )
    def show_cost_history(training, log_scale):
        # While playing the page moves the curve itself; this draws it after a step or a pause.
        return cost_curve_figure(training["history"], log_scale=bool(log_scale))

    @app.callback(
        Output(ids.MOMENTUM, "disabled"),
        Output(ids.MOMENTUM_HINT, "children"),
        Input(ids.OPTIMIZER, "value"),
        prevent_initial_call=True,
    )
    def explain_momentum(optimizer):
        note = momentum_note(optimizer)
        return note is not None, note or ""

    @app.callback(Output(ids.L2_HINT, "children"), Input(ids.L2, "value"), prevent_initial_call=True)
    def explain_l2(value):
        if value is not None and not isinstance(value, (int, float)):
            raise PreventUpdate
        return penalty_note("L2", value)

    @app.callback(Output(ids.L1_HINT, "children"), Input(ids.L1, "value"), prevent_initial_call=True)
    def explain_l1(value):
        if value is not None and not isinstance(value, (int, float)):
            raise PreventUpdate
        return penalty_note("L1", value)
