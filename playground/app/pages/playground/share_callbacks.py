"""Share and load the whole session: a link, a JSON file; and a learn-rate lesson's set-up.

A loaded state and a lesson replace session parts in one change (one callback, one change
store) and draw the page body again from them, so every control shows what was loaded.
A link (``#s=…``) holds the points, the network and its weights, the settings, the epoch and
the cost history, and every page's view; not the optimizer's memory, and never lecture mode
(the viewer's own).
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.playground import ids
from playground.app.pages.playground.data_callbacks import uploaded_bytes
from playground.app.pages.playground.exercise import file_state, link_state
from playground.app.pages.playground.exercise_callbacks import register_exercise_callbacks
from playground.app.pages.playground.layout import LINK_HOLDS, page_body
from playground.app.pages.playground.logic import LESSON_NETWORK, LR_LESSONS
from playground.app.pages.playground.tasks import feature_preset_state
from playground.app.session import model, stores
from playground.app.session.model import architecture, dense_network_json
from playground.app.session.pages import views
from playground.app.ui.components import said
from playground.limits import current as current_limits


def lesson_state(name: str, state: dict) -> dict | None:
    """A learn-rate lesson's session: its network, rate, batch and speed, on the curved fruit its
    numbers were worked out on (None: the session is that lesson already)."""
    lesson = LR_LESSONS[name]
    settings = {
        **state["settings"],
        "learn_rate": lesson["learn_rate"],
        "batch_size": lesson["batch_size"],
        "optimizer": "sgd",
        "play_speed": lesson["speed"],
    }
    if architecture(state["network"]) == LESSON_NETWORK and settings == state["settings"]:
        return None
    network = dense_network_json(**LESSON_NETWORK, seed=settings["weight_seed"])
    data = state["data"]
    if (data.get("generator") or {}) != model.DEFAULT_DATA:
        data = model.generate_points(**model.DEFAULT_DATA)
    return {**state, "data": data, "network": network, "settings": settings, "training": model.fresh_training()}


FEATURE_PRESET_BUTTONS = {ids.PRESET_CIRCLE: "circle", ids.PRESET_XOR: "xor"}


def replaced(state: dict, message: html.Span | str, lesson: str | None = None) -> tuple:
    """The outputs for a session replaced by ``state``: the change, the page drawn from it, the message."""
    parts = {part: state[part] for part in ("data", "network", "settings", "training")}
    parts.update({f"view_{name}": value for name, value in state["views"].items()})
    body = page_body(
        state["data"], state["network"], state["settings"], state["training"], lesson, state["views"].get("playground")
    )
    return stores.change(**parts), body, message, no_update


def register_share_callbacks(app: dash.Dash) -> None:
    """Share link, save and load JSON, and the learn-rate lessons."""
    register_exercise_callbacks(app)  # an exercise is made into a link beside the share link
    view_states = [State(stores.view_store(name), "data") for name in views()]

    def current(data, network, settings, training, view_values) -> dict:
        return {
            "data": data,
            "network": network,
            "settings": settings,
            "training": training,
            "views": dict(zip(views(), view_values)),
        }

    @app.callback(
        Output(stores.change_id(ids.REPLACE_CHANGE), "data"),
        Output(ids.BODY, "children"),
        Output(ids.SHARE_MESSAGE, "children"),
        Output(ids.SHARE_FRAGMENT, "data"),
        Input(ids.LINK, "data"),
        Input(ids.JSON_UPLOAD, "contents"),
        Input(ids.LR_LESSON, "value"),
        Input(ids.SHARE, "n_clicks"),
        Input(ids.PRESET_CIRCLE, "n_clicks"),
        Input(ids.PRESET_XOR, "n_clicks"),
        State(ids.JSON_UPLOAD, "filename"),
        State(stores.DATA, "data"),
        State(stores.NETWORK, "data"),
        State(stores.SETTINGS, "data"),
        State(stores.TRAINING, "data"),
        *view_states,
        prevent_initial_call=True,
    )
    def replace_or_share(
        fragment, contents, lesson, share, _circle, _xor, filename, data, network, settings, training, *view_values
    ):
        trigger = ctx.triggered_id
        if not ctx.triggered[0]["value"]:
            raise PreventUpdate  # drawn anew, not used
        state = current(data, network, settings, training, view_values)
        keep = (no_update, no_update)
        if trigger == ids.SHARE:
            link = model.encode_share(state)
            if len(link) > current_limits().share_link_characters:
                return (
                    no_update,
                    no_update,
                    said(
                        f"This state is {len(link):,} characters compressed: too large for a "
                        "link. Use 'save JSON' and share the file instead.",
                        "error",
                    ),
                    None,
                )
            ready = said(f"link ready ({len(link):,} characters): it holds {LINK_HOLDS}", "success")
            return no_update, no_update, ready, link
        if trigger in FEATURE_PRESET_BUTTONS:  # a problem and a network of feature inputs, in one change
            return replaced(feature_preset_state(FEATURE_PRESET_BUTTONS[trigger], state), "")
        if trigger == ids.LR_LESSON:
            if lesson not in LR_LESSONS:
                raise PreventUpdate
            lessoned = lesson_state(lesson, state)
            if lessoned is None:
                raise PreventUpdate  # the page drawn anew for this lesson
            return replaced(lessoned, "", lesson)
        if trigger == ids.LINK:
            try:
                loaded, warning = link_state(fragment)  # a broken exercise is left out, and said
            except model.StateError as error:
                return (*keep, said(f"This link could not be loaded: {error}", "error"), no_update)
            return replaced(
                loaded, said(warning or "loaded the shared state from the link", "warning" if warning else "success")
            )
        filename = str(filename or "the file")[:100]
        try:
            loaded, warning = file_state(uploaded_bytes(contents, current_limits().json_upload_bytes))
        except ValueError as error:  # StateError is one
            return (*keep, said(f"{filename}: {error}. Nothing was changed.", "error"), no_update)
        return replaced(
            loaded,
            said(f"{filename}: {warning}" if warning else f"loaded {filename}", "warning" if warning else "success"),
        )

    @app.callback(
        Output(ids.JSON_DOWNLOAD, "data"),
        Input(ids.SAVE_JSON, "n_clicks"),
        State(stores.DATA, "data"),
        State(stores.NETWORK, "data"),
        State(stores.SETTINGS, "data"),
        State(stores.TRAINING, "data"),
        *view_states,
        prevent_initial_call=True,
    )
    def save_json(clicks, data, network, settings, training, *view_values):
        if not clicks:
            raise PreventUpdate
        state = current(data, network, settings, training, view_values)
        return dict(content=model.state_to_json(state), filename="playground.json")

    # The link is the address this page is at (no query: lecture mode is the viewer's own) and the state.
    app.clientside_callback(
        "function(fragment) { return fragment ? window.location.origin + window.location.pathname + '#' + fragment"
        " : window.dash_clientside.no_update; }",
        Output(ids.SHARE_LINK, "value"),
        Input(ids.SHARE_FRAGMENT, "data"),
        prevent_initial_call=True,
    )
