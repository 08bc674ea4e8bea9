"""The playground page's callbacks: read what changed, call the pure logic, write the stores.

The live views (class map, network diagram with node heatmaps, cost readouts) are painted by
the page's browser module (``assets/playground.js``) from the session's network store, and
straight from the pointer while a weight slider is dragged. Training runs in the engine on
the server through the browser route of ``playground.app.api``.
"""

from __future__ import annotations

import base64
import math

import dash
from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app import session
from playground.app import state as states
from playground.app.components import page_just_drawn
from playground.app.pages.playground import ids
from playground.app.pages.playground.evolution_callbacks import register_evolution_callbacks
from playground.app.pages.playground.figures import cost_curve_figure, points_figure
from playground.app.pages.playground.layout import PLAY_SPEEDS, layer_controls, page_body, slider_component
from playground.app.pages.playground.logic import (
    DEFAULT_NOISE,
    FRUIT_SETS,
    changed_network,
    edit_points,
    generator_problem,
    l2_note,
    LR_LESSONS,
    lesson_text,
    momentum_note,
    network_notes,
    next_seed,
    noise_hint,
    output_size,
    slider_groups,
    view_for,
)
from playground.data.points_csv import PointsCSVError, parse_points_csv
from playground.data.toy import split
from playground.limits import current as current_limits

WEIGHT_SLIDERS = {"type": ids.WEIGHT_SLIDER, "layer": ALL, "row": ALL, "col": ALL}
BIAS_SLIDERS = {"type": ids.BIAS_SLIDER, "layer": ALL, "col": ALL}
# The network controls, by the name the pure logic knows them by.
NETWORK_TRIGGERS = {ids.PRESET_2_2: "preset-2-2", ids.PRESET_2_3_2: "preset-2-3-2", ids.ADD_LAYER: "add-layer",
                    ids.REMOVE_LAYER: "remove-layer", ids.RESET: "reset", ids.LR_LESSON: "lesson"}


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app`` (``app.callback``, so every app made gets its own)."""
    register_browser_callbacks(app)
    register_data_callbacks(app)
    register_network_callbacks(app)
    register_share_callbacks(app)
    register_evolution_callbacks(app)


def register_browser_callbacks(app: dash.Dash) -> None:
    """Callbacks that run in the browser: drawing, slider sync, play, settings."""
    browser = dash.ClientsideFunction
    app.clientside_callback(browser("playground", "mount"), Output(ids.MOUNTED, "data"), Input(ids.MOUNTED, "data"))
    app.clientside_callback(browser("playground", "render"), Output(ids.RENDER_DONE, "data"),
                            Input(session.NETWORK, "data"), Input(session.DATA, "data"), Input(ids.VIEW, "data"))
    app.clientside_callback(
        browser("playground", "syncSliders"),
        Output(session.NETWORK, "data", allow_duplicate=True),
        Output(WEIGHT_SLIDERS, "value"), Output(WEIGHT_SLIDERS, "min"), Output(WEIGHT_SLIDERS, "max"),
        Output(BIAS_SLIDERS, "value"), Output(BIAS_SLIDERS, "min"), Output(BIAS_SLIDERS, "max"),
        Input(session.NETWORK, "data"), Input(WEIGHT_SLIDERS, "value"), Input(BIAS_SLIDERS, "value"),
        State(WEIGHT_SLIDERS, "id"), State(BIAS_SLIDERS, "id"), prevent_initial_call=True,
    )
    app.clientside_callback(browser("playground", "learnRateLabel"), Output(ids.LEARN_RATE_LABEL, "children"),
                            Input(ids.LEARN_RATE, "value"), Input(ids.OPTIMIZER, "value"))
    app.clientside_callback(browser("playground", "figureButtons"), Output(ids.EXPORT_DONE, "data"),
                            Input(ids.EXPORT_BOUNDARY, "n_clicks"), Input(ids.EXPORT_BOUNDARY_SVG, "n_clicks"),
                            Input(ids.FULL_BOUNDARY, "n_clicks"), Input(ids.EXPORT_NETWORK, "n_clicks"),
                            Input(ids.EXPORT_NETWORK_SVG, "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback(browser("playground", "playSpeed"), Output(ids.SPEED_SET, "data"),
                            Input(ids.PLAY_SPEED, "value"), State(ids.PLAY_SPEED, "marks"))
    app.clientside_callback(browser("playground", "togglePlay"), Output(ids.PLAYING, "data"),
                            Output(ids.PLAY, "children"), Input(ids.PLAY, "n_clicks"), State(ids.PLAYING, "data"),
                            prevent_initial_call=True)
    app.clientside_callback(browser("playground", "settings"), Output(session.SETTINGS, "data"),
                            Input(ids.LEARN_RATE, "value"), Input(ids.BATCH_SIZE, "value"),
                            Input(ids.OPTIMIZER, "value"), Input(ids.MOMENTUM, "value"), Input(ids.L2, "value"),
                            Input(ids.GRADIENT, "value"), Input(ids.DATA_SEED, "value"),
                            Input(ids.WEIGHT_SEED, "value"), State(session.SETTINGS, "data"))
    app.clientside_callback(browser("playground", "adopt"), Output(ids.ADOPT_DONE, "data"),
                            Input(session.TRAINING, "data"))
    app.clientside_callback(browser("playground", "step"), Output(ids.STEP_DONE, "data"),
                            Input(ids.STEP, "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(browser("playground", "undoRun"), Output(ids.UNDO_RUN_DONE, "data"),
                            Input(ids.UNDO_RUN, "n_clicks"), prevent_initial_call=True)

    @app.callback(Output(ids.MOMENTUM, "disabled"), Output(ids.MOMENTUM_HINT, "children"),
                  Input(ids.OPTIMIZER, "value"), prevent_initial_call=True)
    def explain_momentum(optimizer):
        note = momentum_note(optimizer)
        return note is not None, note or ""

    @app.callback(Output(ids.L2_HINT, "children"), Input(ids.L2, "value"), prevent_initial_call=True)
    def explain_l2(value):
        return l2_note(value)

    @app.callback(Output(ids.COST_GRAPH, "figure"), Input(session.TRAINING, "data"), Input(ids.COST_LOG, "value"),
                  prevent_initial_call=True)
    def show_cost_history(training, log_scale):
        # While playing the page moves the curve itself; this draws it after a step or a pause.
        return cost_curve_figure((training or {}).get("history", {}), log_scale=bool(log_scale))


def register_data_callbacks(app: dash.Dash) -> None:
    """The points: generated, clicked, uploaded; and what the page shows of them."""

    # A new data set starts a new training run (cost history, optimizer memory, position);
    # points clicked onto the current one keep it.
    @app.callback(
        Output(session.DATA, "data"), Output(ids.NOISE, "value"),
        Output(session.TRAINING, "data", allow_duplicate=True),
        Output(ids.DATA_MESSAGE, "children", allow_duplicate=True), Output(ids.DATA_SEED, "value"),
        Output(ids.UNDO_STORE, "data"), Output(ids.UNDO_ROW, "style"),
        Input(ids.DATASET, "value"), Input(ids.NOISE, "value"), Input(ids.TEST_FRACTION, "value"),
        Input(ids.DATA_SEED, "value"), Input(ids.SAMPLES, "value"), Input(ids.REGENERATE, "n_clicks"),
        State(session.DATA, "data"), prevent_initial_call=True,
    )
    def make_data(name, noise, test_fraction, seed, n_samples, _regenerate, current):
        if page_just_drawn():
            raise PreventUpdate
        problem = generator_problem(name, noise, test_fraction, seed, n_samples)
        if problem:
            return no_update, no_update, no_update, f"{problem}. Your data is unchanged.", no_update, no_update, no_update
        new_seed = no_update
        if ctx.triggered_id == ids.REGENERATE:  # new points: the next seed, so the points really are new
            seed = new_seed = next_seed(seed)
        generator = {"name": name, "noise": noise, "test_fraction": test_fraction, "seed": seed, "n_samples": n_samples}
        if ctx.triggered_id != ids.REGENERATE and generator in (current.get("generator"), current.get("made_with")):
            raise PreventUpdate  # the controls were set to match the points shown: keep them
        if ctx.triggered_id == ids.DATASET:
            noise = DEFAULT_NOISE[name]  # each problem starts at its own usual noise
        data = session.generate_data(name, float(noise), float(test_fraction), int(seed), int(n_samples))
        # Points that were clicked, loaded or shared (no generator makes them again) can be had back.
        own = current and not current.get("generator")
        undo, undo_style = (current, {"display": "flex"}) if own else (None, {"display": "none"})
        return (data, noise if ctx.triggered_id == ids.DATASET else no_update, session.fresh_training(), "", new_seed,
                undo, undo_style)

    @app.callback(
        Output(session.DATA, "data", allow_duplicate=True), Output(session.TRAINING, "data", allow_duplicate=True),
        Output(ids.BODY, "children", allow_duplicate=True),
        Input(ids.UNDO_DATA, "n_clicks"), State(ids.UNDO_STORE, "data"), State(session.NETWORK, "data"),
        State(session.SETTINGS, "data"), prevent_initial_call=True,
    )
    def undo_data(clicks, previous, network, settings):
        if not clicks or not previous:
            raise PreventUpdate
        training = session.fresh_training()
        # The page is drawn again from the restored points, so every data control shows how they were made.
        return previous, training, page_body(previous, network, settings, training)

    @app.callback(Output(ids.PRESET_SOURCE, "children", allow_duplicate=True), Input(ids.DATASET, "value"),
                  prevent_initial_call=True)
    def forget_preset_source(name):
        # The presets were made for the fruit: on another problem their story no longer applies.
        return no_update if name in FRUIT_SETS else ""

    @app.callback(Output(ids.NOISE_HINT, "children"), Input(ids.DATASET, "value"),
                  Input(ids.REGENERATE, "n_clicks"), prevent_initial_call=True)
    def describe_noise(name, _regenerate):
        return noise_hint(name)

    @app.callback(Output(session.DATA, "data", allow_duplicate=True), Input(ids.PLANE_CLICK, "data"),
                  State(session.DATA, "data"), State(ids.CLICK_CLASS, "value"), prevent_initial_call=True)
    def click_plane(click, data, click_class):
        if page_just_drawn():
            raise PreventUpdate
        # The browser module reports where the plane was clicked and which point, if any, is under it.
        return edit_points(data, click, int(click_class or 0))

    @app.callback(
        Output(session.DATA, "data", allow_duplicate=True), Output(ids.DATA_MESSAGE, "children"),
        Output(session.TRAINING, "data", allow_duplicate=True), Output(ids.NOISE_HINT, "children", allow_duplicate=True),
        Input(ids.CSV_UPLOAD, "contents"), State(ids.CSV_UPLOAD, "filename"), State(ids.TEST_FRACTION, "value"),
        State(ids.DATA_SEED, "value"), prevent_initial_call=True,
    )
    def upload_csv(contents, filename, test_fraction, seed):
        filename = str(filename or "the file")[:100]
        if page_just_drawn():
            raise PreventUpdate
        if contents is None:
            raise PreventUpdate
        try:
            raw = uploaded_bytes(contents, current_limits().csv_bytes)
            inputs, labels, class_names = parse_points_csv(raw)
            dataset = split("custom", inputs, labels, float(test_fraction), int(seed or 0), class_names, ["x1", "x2"])
        except (PointsCSVError, ValueError, TypeError) as error:
            return no_update, f"{filename}: {error}. Your data is unchanged.", no_update, no_update
        return (states.data_to_dict(dataset, generator=None), f"loaded {len(labels)} points from {filename}",
                session.fresh_training(), f"your own points from {filename}; 'new points' goes back to the problem above")

    @app.callback(
        Output(ids.BOUNDARY_GRAPH, "figure"), Output(ids.VIEW, "data"), Output(ids.CLICK_CLASS, "options"),
        Output(session.NETWORK, "data", allow_duplicate=True), Output(ids.ARCHITECTURE, "data", allow_duplicate=True),
        Output(session.TRAINING, "data", allow_duplicate=True),
        Input(session.DATA, "data"), Input(ids.L2, "value"), State(session.NETWORK, "data"),
        State(ids.WEIGHT_SEED, "value"), prevent_initial_call=True,
    )
    def show_data(data, l2, network, weight_seed):
        dataset = states.data_from_dict(data)
        view = view_for(data, l2)
        figure = points_figure(dataset.train_inputs, dataset.train_labels, dataset.test_inputs, dataset.test_labels,
                               dataset.class_names, dataset.feature_names, view["x_range"], view["y_range"])
        options = [{"label": name, "value": k} for k, name in enumerate(dataset.class_names)]
        if network["layer_sizes"][-1] == output_size(data) or ctx.triggered_id == ids.L2:
            return figure, view, options, no_update, no_update, no_update
        # One output node per class: rebuild the output layer, keep the hidden ones.
        sizes = network["layer_sizes"][:-1] + [output_size(data)]
        new = session.build_network(sizes, network["activations"], network["output_activation"], network["cost"],
                                    int(weight_seed or 0), keep=network)
        return figure, view, options, new, session.architecture(new), session.fresh_training()


def register_network_callbacks(app: dash.Dash) -> None:
    """The network's shape, and which sliders are on the page."""

    @app.callback(
        Output(session.NETWORK, "data", allow_duplicate=True), Output(ids.ARCHITECTURE, "data"),
        Output(ids.LAYER_CONTROLS, "children"), Output(ids.NETWORK_MESSAGE, "children"),
        Output(session.TRAINING, "data", allow_duplicate=True),
        Output(ids.OUTPUT_ACTIVATION, "value"), Output(ids.COST, "value"), Output(ids.PRESET_SOURCE, "children"),
        Input(ids.ADD_LAYER, "n_clicks"), Input(ids.REMOVE_LAYER, "n_clicks"),
        Input({"type": ids.LAYER_WIDTH, "index": ALL}, "value"),
        Input({"type": ids.LAYER_ACTIVATION, "index": ALL}, "value"),
        Input(ids.OUTPUT_ACTIVATION, "value"), Input(ids.COST, "value"), Input(ids.PRESET_2_2, "n_clicks"),
        Input(ids.PRESET_2_3_2, "n_clicks"), Input(ids.RESET, "n_clicks"), Input(ids.LR_LESSON, "value"),
        State(ids.WEIGHT_SEED, "value"), State(session.NETWORK, "data"), State(session.DATA, "data"),
        prevent_initial_call=True,
    )
    def change_network(_add, _remove, widths, activations, output_activation, cost, _p22, _p232, _reset, lesson,
                       seed, network, data):
        if page_just_drawn() or (ctx.triggered_id == ids.LR_LESSON and lesson not in LR_LESSONS):
            raise PreventUpdate
        trigger = "layer" if isinstance(ctx.triggered_id, dict) else NETWORK_TRIGGERS.get(ctx.triggered_id)
        try:
            new, source, message = changed_network(network, data, trigger, widths, activations, output_activation,
                                                   cost, seed)
        except ValueError as error:  # e.g. cross-entropy with a linear output: keep the old choice
            return (no_update, no_update, no_update, f"{error}", no_update,
                    network["output_activation"], network["cost"], no_update)
        if new is None:
            if message is None:
                raise PreventUpdate
            return (no_update,) * 3 + (message,) + (no_update,) * 4
        if trigger == "lesson":
            source = lesson_text(lesson)
        elif source is None:
            source = "" if session.architecture(new) != session.architecture(network) else no_update
        shape_changed = new["layer_sizes"] != network["layer_sizes"] or trigger in (
            "preset-2-2", "preset-2-3-2", "add-layer", "remove-layer", "lesson")
        return (new, session.architecture(new), layer_controls(new) if shape_changed else no_update,
                network_notes(new), session.fresh_training(), new["output_activation"], new["cost"], source)

    @app.callback(
        Output(ids.LEARN_RATE, "value"), Output(ids.BATCH_SIZE, "value"), Output(ids.OPTIMIZER, "value"),
        Output(ids.PLAY_SPEED, "value"), Output(ids.DATASET, "value"),
        Input(ids.LR_LESSON, "value"), prevent_initial_call=True,
    )
    def set_lesson_rate(name):
        # The lesson's network comes through change_network; its rate, batch and speed here, on the
        # curved fruit its numbers were worked out on.
        if page_just_drawn() or name not in LR_LESSONS:
            raise PreventUpdate
        lesson = LR_LESSONS[name]
        return (math.log10(lesson["learn_rate"]), lesson["batch_size"], "sgd",
                PLAY_SPEEDS.index(lesson["speed"]), "fruit-curved")

    @app.callback(
        Output(ids.SLIDERS, "children"), Output(ids.SLIDER_CAPTION, "children"),
        Output(ids.SLIDER_LAYER, "options"), Output(ids.SLIDER_LAYER, "style"),
        Output(ids.SLIDER_NODE, "options"), Output(ids.SLIDER_NODE, "style"),
        Output(ids.SLIDER_LAYER, "value"), Output(ids.SLIDER_NODE, "value"),
        Input(ids.ARCHITECTURE, "data"), Input(ids.SLIDER_LAYER, "value"), Input(ids.SLIDER_NODE, "value"),
        State(session.NETWORK, "data"), prevent_initial_call=True,
    )
    def show_sliders(_architecture, layer, node, network):
        sliders, caption, layer_options, node_options = slider_groups(network, layer, node)
        # Show which layer (and node) the sliders belong to in the pickers themselves.
        shown_layer = sliders[0][1] if layer_options else None
        shown_node = sliders[-1][3] if node_options else None
        return ([slider_component(*s) for s in sliders], caption,
                layer_options, {"display": "block" if layer_options else "none"},
                node_options, {"display": "block" if node_options else "none"},
                shown_layer if shown_layer != layer else no_update, shown_node if shown_node != node else no_update)


# A loaded state (link or file) replaces the session's stores and rebuilds the page body from them.
LOAD_OUTPUTS = [
    Output(session.DATA, "data", allow_duplicate=True), Output(session.NETWORK, "data", allow_duplicate=True),
    Output(session.SETTINGS, "data", allow_duplicate=True), Output(session.TRAINING, "data", allow_duplicate=True),
    Output(ids.BODY, "children"), Output(ids.SHARE_MESSAGE, "children", allow_duplicate=True),
]


def loaded_outputs(state: dict, message: str) -> tuple:
    """Every output of ``LOAD_OUTPUTS`` for a loaded state: the stores, and the page drawn from them."""
    data, network = state["data"], state["network"]
    settings = {**session.DEFAULT_SETTINGS, **state["settings"]}
    training = session.fresh_training()
    return data, network, settings, training, page_body(data, network, settings, training), message


def check_playground_state(state: dict) -> dict:
    """A loaded state the playground can show: a network of two inputs (raises StateError)."""
    if states.network_from_dict(state["network"]).layer_sizes[0] != 2:
        raise states.StateError("the 2D playground's network must have 2 inputs")
    return state


def uploaded_bytes(contents: str, limit: int) -> bytes:
    """The file inside a ``dcc.Upload``'s data URL, refused (ValueError) past ``limit`` bytes before decoding."""
    if not isinstance(contents, str) or "," not in contents:
        raise ValueError("the upload arrived damaged")
    encoded = contents.split(",", 1)[1]
    if len(encoded) * 3 // 4 > limit + 3:
        raise ValueError(f"the file is over {limit:,} bytes")
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError("the upload arrived damaged") from None


def register_share_callbacks(app: dash.Dash) -> None:
    """Share link, save and load JSON."""

    def current_state(data, network, settings):
        return {"data": data, "network": network, "settings": settings}

    state_inputs = [State(session.DATA, "data"), State(session.NETWORK, "data"), State(session.SETTINGS, "data")]

    @app.callback(Output(ids.URL, "hash"), Output(ids.SHARE_LINK, "value"), Output(ids.SHARE_MESSAGE, "children"),
                  Input(ids.SHARE, "n_clicks"), State(ids.URL, "href"), *state_inputs, prevent_initial_call=True)
    def share(_clicks, href, *values):
        fragment = states.encode_share(current_state(*values))
        if len(fragment) > current_limits().share_link_characters:
            return (no_update, "", f"This state is {len(fragment):,} characters compressed: too large for a link. "
                                   "Use 'save JSON' and share the file instead.")
        base = (href or "").split("#")[0]
        return "#" + fragment, f"{base}#{fragment}", f"link ready: {len(fragment):,} characters, the whole state"

    @app.callback(Output(ids.JSON_DOWNLOAD, "data"), Input(ids.SAVE_JSON, "n_clicks"), *state_inputs,
                  prevent_initial_call=True)
    def save_json(_clicks, *values):
        return dict(content=states.state_to_json(current_state(*values)), filename="playground.json")

    # The address's #fragment reaches the loader through a store: the page's browser module puts
    # it there when the page opens, and this callback when it changes later. The loader itself
    # never runs as a first call: Dash would then skip the first call of every callback reading
    # the controls the loader writes (the learn-rate label, the settings), as their inputs
    # would count as "not updated".
    app.clientside_callback(
        """function(hash) { return hash && hash.startsWith("#s=") ? hash : window.dash_clientside.no_update; }""",
        Output(ids.LINK, "data"), Input(ids.URL, "hash"), prevent_initial_call=True)

    @app.callback(*LOAD_OUTPUTS, Input(ids.LINK, "data"), State(ids.SHARE_LINK, "value"), prevent_initial_call=True)
    def load_link(fragment, shared):
        if page_just_drawn():
            raise PreventUpdate
        if not fragment or not fragment.lstrip("#").startswith(states.SHARE_PREFIX):
            raise PreventUpdate
        if shared and shared.endswith(fragment):
            raise PreventUpdate  # 'share link' just wrote this page's own state into the address bar
        try:
            state = check_playground_state(states.decode_share(fragment))
        except states.StateError as error:
            return (no_update,) * (len(LOAD_OUTPUTS) - 1) + (f"This link could not be loaded: {error}",)
        return loaded_outputs(state, "loaded the shared state from the link")

    @app.callback(*LOAD_OUTPUTS, Input(ids.JSON_UPLOAD, "contents"), State(ids.JSON_UPLOAD, "filename"),
                  prevent_initial_call=True)
    def load_json(contents, filename):
        filename = str(filename or "the file")[:100]
        if page_just_drawn():
            raise PreventUpdate
        if contents is None:
            raise PreventUpdate
        try:
            raw = uploaded_bytes(contents, current_limits().json_upload_bytes)
            state = check_playground_state(states.state_from_json(raw))
        except ValueError as error:  # StateError is one
            return (no_update,) * (len(LOAD_OUTPUTS) - 1) + (f"{filename}: {error}. Nothing was changed.",)
        return loaded_outputs(state, f"loaded {filename}")
