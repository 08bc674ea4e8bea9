"""The playground page's layout, built from the session's stores each time the page is shown."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.playground import ids
from playground.app.pages.playground.evolution_layout import evolution_section
from playground.app.pages.playground.exercise_layout import exercise_parts
from playground.app.pages.playground.figures import cost_curve_figure, points_figure
from playground.app.pages.playground.logic import (
    LR_LESSONS,
    MAX_SAMPLES,
    MIN_SAMPLES,
    PRESETS,
    TEST_FRACTION_HINT,
    data_controls,
    lesson_note,
    momentum_note,
    network_notes,
    network_story,
    noise_hint,
    problem_options,
    problem_value,
    view_for,
)
from playground.app.pages.playground.shapes import view_settings
from playground.app.pages.playground.sliders_layout import shown_pickers, slider_shape, sliders_section
from playground.app.pages.playground.tasks import FEATURE_OPTIONS, FEATURE_PRESETS, click_options
from playground.app.pages.playground.view_controls import view_options
from playground.app.session import model
from playground.app.session.model import architecture
from playground.app.session.stores import change_store
from playground.app.ui.components import control, graph_config, momentum_control, page_root, panel_head
from playground.app.ui.learn_rate import LEARN_RATE_RANGE, learn_rate_control
from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS
from playground.limits import current as current_limits

LINK_HOLDS = (
    "the points, the network and its weights, the settings, the epoch and the cost curve, and what each "
    "page shows (not the optimizer's memory, nor lecture mode)"
)
# How the menus name the activations (the engine's names are identifiers).
ACTIVATION_LABELS = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU", "silu": "SiLU"}
BATCH_SIZES = [1, 2, 5, 10, 20, 32, 50, 100, 200]


def activation_options(names: list[str]) -> list[dict]:
    return [{"label": ACTIVATION_LABELS.get(name, name), "value": name} for name in names]


def layer_controls(network: dict) -> list:
    """Width and activation inputs, one row per hidden layer."""
    rows, shown = [], architecture(network)
    for index, width in enumerate(shown["layer_sizes"][1:-1]):
        rows.append(
            html.Div(
                className="layer-row",
                children=[
                    html.Span(f"hidden layer {index + 1}", className="layer-name"),
                    dcc.Input(
                        id={"type": ids.LAYER_WIDTH, "index": index},
                        type="number",
                        min=1,
                        max=current_limits().layer_width,
                        step=1,
                        value=width,
                        debounce=True,
                        className="layer-width",
                    ),
                    dcc.Dropdown(
                        id={"type": ids.LAYER_ACTIVATION, "index": index},
                        options=activation_options(HIDDEN_ACTIVATIONS),
                        value=shown["activations"][index],
                        clearable=False,
                        className="layer-activation",
                    ),
                ],
            )
        )
    return rows or [html.Div("no hidden layer: the boundary is a straight line", className="hint")]


PLAY_SPEEDS = [1, 2, 5, 10, 20, 0]  # epochs a second; 0: as fast as the server answers


def speed_mark(speed: float) -> int:
    """The play-speed slider's position for a speed (the nearest it offers)."""
    return min(range(len(PLAY_SPEEDS)), key=lambda k: abs((PLAY_SPEEDS[k] or 1e3) - (speed or 1e3)))


def epoch_text(training: dict) -> str:
    """The epoch counter's text: where the training history has got to."""
    epochs = training["history"]["epoch"]
    return f"epoch {round(epochs[-1], 2) if epochs else 0:g}"


def learning_bar(settings: dict, training: dict) -> html.Header:
    """Reset, step, play, the epoch, the play speed and the learn rate: one line that stays at
    the top of the window (sticky), so the play controls are in reach wherever the page is."""
    return html.Header(
        className="topbar",
        children=[
            html.Div(
                className="learning",
                children=[
                    html.Button("reset", id=ids.RESET, title="new random weights from the seed"),
                    html.Button("step", id=ids.STEP, title="one gradient-descent step on one mini-batch (key: s)"),
                    html.Button("play", id=ids.PLAY, className="play", title="train continuously (key: space)"),
                    html.Span(epoch_text(training), id=ids.EPOCH_LABEL, className="epoch"),
                    html.Div(
                        className="control speed",
                        children=[
                            html.Label("play speed (epochs/s)"),
                            dcc.Slider(
                                id=ids.PLAY_SPEED,
                                min=0,
                                max=len(PLAY_SPEEDS) - 1,
                                step=1,
                                value=speed_mark(settings["play_speed"]),
                                marks={k: str(speed) if speed else "max" for k, speed in enumerate(PLAY_SPEEDS)},
                                allow_direct_input=False,
                                updatemode="drag",
                            ),
                        ],
                    ),
                    learn_rate_control(
                        ids.LEARN_RATE,
                        ids.LEARN_RATE_VALUE,
                        settings["learn_rate"],
                        LEARN_RATE_RANGE,
                        ids.LEARN_RATE_LABEL,
                    ),
                ],
            ),
            html.Div(
                className="run-message",
                children=[
                    html.Div(id=ids.TRAIN_MESSAGE, className="message"),
                    html.Button(
                        "back to before this run",
                        id=ids.UNDO_RUN,
                        hidden=True,
                        className="undo-run",
                        title="the weights, the epoch and the cost curve as they were when play was pressed",
                    ),
                ],
            ),
            html.Div(id=ids.STEP_NOTE, className="hint step-note"),
        ],
    )


def settings_bar(settings: dict, lesson: str | None = None, note: str = "") -> html.Div:
    """The rest of gradient descent's knobs: under the top line on a big screen, under the
    boundary and the sliders on a small one (style.css), so those stay on screen. The chosen
    lesson's explanation (``note``) sits under its menu, where the teacher's eyes are."""
    return html.Div(
        className="settings-bar",
        children=[
            control(
                "batch size",
                dcc.Dropdown(id=ids.BATCH_SIZE, options=BATCH_SIZES, value=settings["batch_size"], clearable=False),
            ),
            control(
                "a learn-rate lesson",
                dcc.Dropdown(
                    id=ids.LR_LESSON,
                    placeholder="choose one…",
                    clearable=False,
                    value=lesson,
                    options=[{"label": item["label"], "value": name} for name, item in LR_LESSONS.items()],
                ),
                hint=note,
                id=ids.LR_LESSON_NOTE,
                className="hint lesson-note",
            ),
            control(
                "optimizer",
                dcc.Dropdown(id=ids.OPTIMIZER, options=list(OPTIMIZERS), value=settings["optimizer"], clearable=False),
            ),
            momentum_control(
                ids.MOMENTUM,
                settings["momentum"],
                allow_direct_input=False,
                disabled=momentum_note(settings["optimizer"]) is not None,
                hint=momentum_note(settings["optimizer"]) or "",
                hint_id=ids.MOMENTUM_HINT,
            ),
            control(
                "L2: ½·λ·Σw²",
                dcc.Input(id=ids.L2, type="number", min=0, step=0.001, value=settings["l2"], debounce=True),
                hint="",
                id=ids.L2_HINT,
            ),
            control(
                "L1: λ₁·Σ|w|",
                dcc.Input(id=ids.L1, type="number", min=0, step=0.001, value=settings.get("l1", 0.0), debounce=True),
                hint="",
                id=ids.L1_HINT,
            ),
            # Each method's time per step beside it, measured while training runs.
            control(
                "gradient by · time per step",
                html.Div(
                    className="gradient-choice",
                    children=[
                        dcc.RadioItems(
                            id=ids.GRADIENT,
                            value=settings["gradient"],
                            options=[
                                {"label": "backpropagation", "value": "backprop"},
                                {"label": "finite differences", "value": "finite_differences"},
                            ],
                        ),
                        html.Div(id=ids.TIMING, className="timing", children="backprop –\nfinite diff. –"),
                    ],
                ),
            ),
        ],
    )


def data_column(data: dict) -> html.Section:
    model.check_points(data)  # the points are checked before the page is built
    made = data_controls(data)
    return html.Section(
        className="column data-column",
        children=[
            html.H2("Data"),
            control(
                "problem",
                dcc.Dropdown(id=ids.DATASET, options=problem_options(data), value=problem_value(data), clearable=False),
            ),
            control(
                "noise",
                dcc.Slider(
                    id=ids.NOISE,
                    min=0,
                    max=1,
                    step=0.01,
                    value=made["noise"],
                    marks={0: "0", 0.5: "0.5", 1: "1"},
                    allow_direct_input=False,
                ),
                hint=noise_hint(made["name"]),
                id=ids.NOISE_HINT,
            ),
            control(
                "test data",
                dcc.Slider(
                    id=ids.TEST_FRACTION,
                    min=0,
                    max=0.9,
                    step=0.05,
                    value=made["test_fraction"],
                    marks={0: "0 %", 0.5: "50 %", 0.9: "90 %"},
                    allow_direct_input=False,
                ),
                hint=TEST_FRACTION_HINT,
            ),
            control(
                "points",
                dcc.Input(
                    id=ids.SAMPLES,
                    type="number",
                    min=MIN_SAMPLES,
                    max=MAX_SAMPLES,
                    step=10,
                    value=made["n_samples"],
                    debounce=True,
                ),
            ),
            control(
                "data seed",
                dcc.Input(id=ids.DATA_SEED, type="number", min=0, step=1, value=made["seed"], debounce=True),
            ),
            html.Button("new points", id=ids.REGENERATE),
            control(
                "a click on the plane adds",
                dcc.RadioItems(id=ids.CLICK_CLASS, value=0, options=click_options(data)),
                hint="click a point to remove it",
            ),
            dcc.Upload(
                id=ids.CSV_UPLOAD,
                className="upload",
                max_size=current_limits().csv_bytes,
                children=html.Div(["load your own CSV (x1, x2, label)"]),
            ),
            html.Div(id=ids.DATA_MESSAGE, className="message"),
            # Points someone clicked, loaded or shared are never lost to a slider touched by mistake.
            html.Div(
                id=ids.UNDO_ROW,
                className="undo-row",
                style={"display": "none"},
                children=[
                    html.Span("your own points were replaced by generated ones "),
                    html.Button("undo", id=ids.UNDO_DATA),
                ],
            ),
            dcc.Store(id=ids.UNDO_STORE),
        ],
    )


def network_column(network: dict, data: dict, settings: dict) -> html.Section:
    return html.Section(
        className="column network-column",
        children=[
            html.H2("Network"),
            html.Div(
                className="presets",
                children=[
                    html.Span("the seed's fruit networks: "),
                    html.Button("2-2", id=ids.PRESET_2_2, title=PRESETS["2-2"]["source"]),
                    html.Button("2-3-2", id=ids.PRESET_2_3_2, title=PRESETS["2-3-2"]["source"]),
                ],
            ),
            control(
                "inputs",
                dcc.Checklist(
                    id=ids.FEATURES,
                    options=FEATURE_OPTIONS,
                    value=architecture(network)["input_names"],
                    inline=True,
                    className="features",
                ),
                hint="each ticked feature of a point is an input node",
            ),
            html.Div(
                className="presets",
                children=[
                    html.Span("features alone: "),
                    html.Button("circle: x₁², x₂²", id=ids.PRESET_CIRCLE, title=FEATURE_PRESETS["circle"]["source"]),
                    html.Button("XOR: x₁·x₂", id=ids.PRESET_XOR, title=FEATURE_PRESETS["xor"]["source"]),
                ],
            ),
            html.Div(network_story(network, data), id=ids.PRESET_SOURCE, className="hint"),
            html.Div(
                className="layer-buttons",
                children=[
                    html.Button("+ layer", id=ids.ADD_LAYER),
                    html.Button("− layer", id=ids.REMOVE_LAYER),
                ],
            ),
            html.Div(layer_controls(network), id=ids.LAYER_CONTROLS),
            control(
                "output",
                dcc.Dropdown(
                    id=ids.OUTPUT_ACTIVATION,
                    options=OUTPUT_ACTIVATIONS,
                    value=architecture(network)["output_activation"],
                    clearable=False,
                ),
            ),
            control(
                "cost",
                dcc.Dropdown(
                    id=ids.COST,
                    options=[
                        {"label": "quadratic", "value": "quadratic"},
                        {"label": "cross-entropy", "value": "cross_entropy"},
                    ],
                    value=network["cost"],
                    clearable=False,
                ),
            ),
            control(
                "weight seed (for reset)",
                dcc.Input(
                    id=ids.WEIGHT_SEED, type="number", min=0, step=1, value=settings["weight_seed"], debounce=True
                ),
            ),
            html.Div(network_notes(network), id=ids.NETWORK_MESSAGE, className="message"),
        ],
    )


def output_column(data: dict, view: dict, training: dict, look: dict | None = None) -> html.Section:
    dataset = model.check_points(data)
    return html.Section(
        className="column output-column",
        children=[
            panel_head(
                "Output",
                html.Button(
                    "PNG",
                    id=ids.EXPORT_BOUNDARY,
                    className="export",
                    title="download the boundary as PNG, 1920 px wide",
                ),
                html.Button(
                    "SVG",
                    id=ids.EXPORT_BOUNDARY_SVG,
                    className="export",
                    title="download the boundary as SVG (the points and axes as vectors)",
                ),
                html.Button(
                    "full view",
                    id=ids.FULL_BOUNDARY,
                    className="export",
                    title="the boundary filling the window under the play controls (Esc to leave)",
                ),
                view_options(look),  # a line of its own under the title
            ),
            html.Div(
                id=ids.BOUNDARY_WRAPPER,
                className="boundary-wrapper",
                children=[
                    html.Canvas(id=ids.BOUNDARY_CANVAS, className="boundary-canvas"),
                    dcc.Graph(
                        id=ids.BOUNDARY_GRAPH,
                        className="boundary-graph",
                        figure=points_figure(
                            dataset.train_inputs,
                            dataset.train_labels,
                            dataset.test_inputs,
                            dataset.test_labels,
                            dataset.class_names,
                            dataset.feature_names,
                            view["x_range"],
                            view["y_range"],
                            show_test=view_settings(look)["show_test"],
                        ),
                        config={"displayModeBar": False},
                        responsive=True,
                        style={"height": "100%"},
                    ),
                ],
            ),
            html.Div(id=ids.READOUTS),
            dcc.Graph(id=ids.COST_GRAPH, figure=cost_curve_figure(training["history"]), config=graph_config("cost")),
            dcc.Checklist(
                id=ids.COST_LOG,
                options=[{"label": "log scale", "value": "log"}],
                value=[],
                className="cost-log",
                inline=True,
            ),
        ],
    )


def share_bar() -> html.Footer:
    """Share link, save and load JSON: what they hold is said beside them."""
    return html.Footer(
        className="share",
        children=[
            html.Button("share link", id=ids.SHARE, title=f"a link holding {LINK_HOLDS}"),
            dcc.Store(id=ids.SHARE_FRAGMENT),
            dcc.Input(id=ids.SHARE_LINK, readOnly=True, className="share-link", placeholder="press 'share link'"),
            html.Button("save JSON", id=ids.SAVE_JSON),
            dcc.Upload(
                id=ids.JSON_UPLOAD,
                className="upload",
                max_size=current_limits().json_upload_bytes,
                children=html.Div("load JSON"),
            ),
            html.Div(id=ids.SHARE_MESSAGE, className="message"),
        ],
    )


def page_body(
    data: dict, network: dict, settings: dict, training: dict, lesson: str | None = None, look: dict | None = None
) -> list:
    """Everything a loaded state or a lesson changes: drawn from it, so every control shows it
    (``look``: the page's view settings, ``session-view-playground``)."""
    view = view_for(data)
    return [
        # The body's own changes of the session: their writers' outputs all lie in the body, so
        # drawing it anew (a loaded state, a lesson) calls none of them (Dash's rule for new parts).
        *[
            change_store(source)
            for source in (ids.DATA_CHANGE, ids.NETWORK_CHANGE, ids.SETTINGS_CHANGE, ids.LOOK_CHANGE)
        ],
        *exercise_parts(network, look),  # the task banner on top, the teacher's panel (exercise.css places them)
        dcc.Store(id=ids.VIEW, data=view),
        dcc.Store(id=ids.SLIDER_SHAPE, data=slider_shape(network, *shown_pickers(network))),
        learning_bar(settings, training),
        settings_bar(settings, lesson, lesson_note(network, lesson)),
        # What the room must see together: the boundary with its readouts, and the sliders.
        html.Main(className="stage", children=[output_column(data, view, training, look), sliders_section(network)]),
        html.Div(className="columns", children=[data_column(data), network_column(network, data, settings)]),
        evolution_section(),
    ]


def layout(
    data: dict | None = None,
    network: dict | None = None,
    settings: dict | None = None,
    training: dict | None = None,
    view_playground: dict | None = None,
    **_,
) -> html.Div:
    """The page for the session's points, network, settings and training history."""
    if data is None or network is None or settings is None or training is None:
        state = model.initial_state()  # Dash's check of the layouts calls this without a session
        data, network, settings, training = state["data"], state["network"], state["settings"], state["training"]
    changes = [change_store(source) for source in (ids.SLIDERS_CHANGE, ids.PLAY_CHANGE, ids.REPLACE_CHANGE)]
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="playground",
        children=[
            *changes,
            dcc.Store(id=ids.LINK),
            dcc.Store(id=ids.PLANE_CLICK),
            dcc.Download(id=ids.JSON_DOWNLOAD),
            html.Div(
                page_body(data, network, settings, training, look=view_playground),
                id=ids.BODY,
                className="playground-body",
            ),
            share_bar(),
        ],
    )
