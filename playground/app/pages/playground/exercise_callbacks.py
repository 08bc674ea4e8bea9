"""The exercise's callbacks: the teacher's link, "try it here" and "open freely" (into the view's
``exercise``, through the page's change store ``playground-exercise``), and the browser's part
(``assets/exercise.js``: hiding and locking, the banner, the condition on every repaint)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.playground import ids
from playground.app.pages.playground.exercise import exercise_from_panel
from playground.app.pages.playground.exercise_layout import NO_CONDITION
from playground.app.pages.playground.shapes import view_settings
from playground.app.session import model, stores
from playground.app.session.pages import views
from playground.app.ui.components import said
from playground.limits import current as current_limits

LOOK_STORE = stores.view_store("playground")
PANEL_STATES = [
    State(ids.EXERCISE_TASK_INPUT, "value"),
    State(ids.EXERCISE_HIDE, "value"),
    State(ids.EXERCISE_LOCK, "value"),
    State(ids.EXERCISE_HIDE_LAYERS, "value"),
    State(ids.EXERCISE_LOCK_LAYERS, "value"),
    State(ids.EXERCISE_WEIGHTS, "data"),
    State(ids.EXERCISE_MEASURE, "value"),
    State(ids.EXERCISE_COMPARISON, "value"),
    State(ids.EXERCISE_THRESHOLD, "value"),
]


def panel_exercise(task, hidden, locked, hidden_layers, locked_layers, weights, measure, comparison, threshold):
    """The exercise the panel's values describe (ValueError saying what to fix)."""
    measure = None if measure == NO_CONDITION else measure
    return exercise_from_panel(
        task, hidden, locked, hidden_layers, locked_layers, weights, measure, comparison, threshold
    )


def register_exercise_callbacks(app: dash.Dash) -> None:
    browser = dash.ClientsideFunction
    view_states = [State(stores.view_store(name), "data") for name in views()]

    @app.callback(
        Output(stores.change_id(ids.EXERCISE_CHANGE), "data"),
        Output(ids.EXERCISE_FRAGMENT, "data"),
        Output(ids.EXERCISE_MESSAGE, "children"),
        Input(ids.EXERCISE_MAKE_LINK, "n_clicks"),
        Input(ids.EXERCISE_TRY, "n_clicks"),
        Input(ids.EXERCISE_LEAVE, "n_clicks"),
        *PANEL_STATES,
        State(stores.DATA, "data"),
        State(stores.NETWORK, "data"),
        State(stores.SETTINGS, "data"),
        State(stores.TRAINING, "data"),
        *view_states,
        prevent_initial_call=True,
    )
    def make_exercise(make, try_here, leave, *values):
        if not ctx.triggered[0]["value"]:
            raise PreventUpdate  # drawn anew, not clicked
        panel, (data, network, settings, training, *view_values) = (
            values[: len(PANEL_STATES)],
            values[len(PANEL_STATES) :],
        )
        if ctx.triggered_id == ids.EXERCISE_LEAVE:
            return stores.update(view_playground={"exercise": None}), no_update, ""
        try:
            exercise = panel_exercise(*panel)
        except ValueError as error:
            return no_update, no_update, said(f"Not yet: {error}.", "error")
        if ctx.triggered_id == ids.EXERCISE_TRY:
            return stores.update(view_playground={"exercise": exercise}), no_update, ""
        shared = dict(zip(views(), view_values))
        shared["playground"] = {**view_settings(shared.get("playground")), "exercise": exercise}
        state = {"data": data, "network": network, "settings": settings, "training": training, "views": shared}
        link = model.encode_share(state)
        if len(link) > current_limits().share_link_characters:
            message = f"This state is {len(link):,} characters compressed: too large for a link (use fewer points)."
            return no_update, None, said(message, "error")
        return no_update, link, said(f"exercise link ready ({len(link):,} characters)", "success")

    # The link is this page's address and the state with the exercise; it goes to the clipboard too.
    app.clientside_callback(
        browser("exercise", "showLink"),
        Output(ids.EXERCISE_LINK, "value"),
        Input(ids.EXERCISE_FRAGMENT, "data"),
        prevent_initial_call=True,
    )
    # Hide and lock what the view's exercise names, show its task: when the page is drawn, and when the
    # view changes (a loaded link, try it here, open freely; the view store is there on other pages too).
    app.clientside_callback(
        browser("exercise", "apply"), Input(LOOK_STORE, "data"), State(ids.EXERCISE_CONFIG, "data", allow_optional=True)
    )
    # (With an output: Dash calls a callback on a new page part only when it has one; as "mount" does.)
    app.clientside_callback(
        browser("exercise", "drawn"),
        Output(ids.EXERCISE_CONFIG, "data"),
        Input(ids.EXERCISE_CONFIG, "data"),
        State(LOOK_STORE, "data"),
    )
    # The panel's weight-layers follow the network; its single weights' buttons follow the chosen ones.
    app.clientside_callback(
        browser("exercise", "layerOptions"),
        Output(ids.EXERCISE_HIDE_LAYERS, "options"),
        Output(ids.EXERCISE_LOCK_LAYERS, "options"),
        Input(stores.NETWORK, "data"),
        State(ids.EXERCISE_HIDE_LAYERS, "options"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        browser("exercise", "weightsChosen"),
        Output(ids.EXERCISE_WEIGHTS_TEXT, "children"),
        Input(ids.EXERCISE_WEIGHTS, "data"),
    )
    # "open a room" (assets/room-open.js): the session's points, network and learn rate, and the weights
    # the panel locks or hides, to the rooms' API; the room's projector opens in a new tab. "push to the
    # room": the same to the room this computer opened last, for every phone in it.
    for button, action in ((ids.ROOM_OPEN, "open"), (ids.ROOM_PUSH, "push")):
        app.clientside_callback(
            browser("roomOpen", action),
            Input(button, "n_clicks"),
            State(stores.DATA, "data"),
            State(stores.NETWORK, "data"),
            State(stores.SETTINGS, "data"),
            State(ids.EXERCISE_HIDE_LAYERS, "value"),
            State(ids.EXERCISE_LOCK_LAYERS, "value"),
            State(ids.EXERCISE_WEIGHTS, "data"),
            prevent_initial_call=True,
        )
