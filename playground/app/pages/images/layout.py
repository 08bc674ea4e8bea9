"""The image page's layout: the data set and network on top, one tab per view below.

Nothing here reads the session's job: the page polls the job store as soon as it is drawn
(the session key comes from the tab's sessionStorage, which may differ from the first value
the router sends), so a reload shows the running or finished job within a second.
"""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.images import ids
from playground.app.pages.images.figures import curves_figure
from playground.app.pages.images.logic import DATA_LABELS, DEFAULT_CONFIG
from playground.app.pages.images.presets import PRESETS
from playground.app.pages.images.view_layout import (
    GRAPH_CONFIG,
    deeper_tab,
    draw_tab,
    inside_tab,
    mistakes_tab,
    models_tab,
)
from playground.app.session.stores import change_store
from playground.app.ui.components import control, page_root, picture, said
from playground.data.images import missing_data
from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS

IDLE_POLL_MS, ACTIVE_POLL_MS = 5000, 1000


def data_options() -> list[dict]:
    """Every image data set; those not in the data directory say so (and can still be chosen,
    to read how to get them)."""
    return [
        {"label": label + ("" if missing_data(name, visitor=True) is None else " (not downloaded)"), "value": name}
        for name, label in DATA_LABELS.items()
    ]


def number(component_id: str, value, step="any", minimum=None, maximum=None) -> dcc.Input:
    return dcc.Input(
        id=component_id,
        type="number",
        value=value,
        step=step,
        min=minimum,
        max=maximum,
        debounce=True,
        className="number",
    )


def top_bar(config: dict) -> html.Header:
    return html.Header(
        className="topbar images-topbar",
        children=[
            html.Div(
                className="learning",
                children=[
                    html.Button("train", id=ids.START, className="play", title="train in the background on the server"),
                    html.Button("pause", id=ids.PAUSE, disabled=True),
                    html.Button("stop", id=ids.STOP, disabled=True, title="stop now and keep the network as it is"),
                ],
            ),
            control(
                "data set",
                dcc.Dropdown(
                    id=ids.DATASET,
                    options=data_options(),
                    value=config["data"],
                    clearable=False,
                    style={"width": "300px"},
                ),
            ),
            control(
                "preset",
                dcc.Dropdown(
                    id=ids.PRESET,
                    options=[{"label": p.label, "value": k} for k, p in PRESETS.items()],
                    value=None,
                    placeholder="choose a ready-made set-up",
                    style={"width": "330px"},
                ),
            ),
            html.Div(
                className="images-progress",
                children=[
                    html.Progress(id=ids.PROGRESS, value="0", max="1", className="progress"),
                    html.Div("", id=ids.PROGRESS_TEXT, className="status"),
                ],
            ),
            html.Div("", id=ids.JOB_MESSAGE, className="status"),
            html.Div("", id=ids.START_MESSAGE, className="message"),
            html.Div(
                said(missing_data(config["data"], visitor=True) or "", "warning"),
                id=ids.DATA_STATUS,
                className="message",
            ),
            html.Div("", id=ids.PRESET_SOURCE, className="hint preset-source"),
        ],
    )


def network_controls(config: dict) -> html.Section:
    return html.Section(
        className="column",
        children=[
            html.H2("Network"),
            control(
                "hidden layers (e.g. 300, 1024,512 or conv16x5,pool2,128; empty: none)",
                dcc.Input(id=ids.LAYERS, type="text", value=config["layers"], debounce=True, className="spec"),
            ),
            control(
                "hidden activation",
                dcc.Dropdown(
                    id=ids.ACTIVATION, options=HIDDEN_ACTIVATIONS, value=config["activation"], clearable=False
                ),
            ),
            control(
                "output",
                dcc.Dropdown(id=ids.OUTPUT, options=OUTPUT_ACTIVATIONS, value=config["output"], clearable=False),
            ),
            control(
                "cost",
                dcc.Dropdown(
                    id=ids.COST,
                    clearable=False,
                    value=config["cost"],
                    options=[
                        {"label": "cross-entropy", "value": "cross_entropy"},
                        {"label": "quadratic", "value": "quadratic"},
                    ],
                ),
            ),
            html.H2("Training"),
            html.Div(
                className="pairs",
                children=[
                    control(
                        "optimizer",
                        dcc.Dropdown(
                            id=ids.OPTIMIZER, options=list(OPTIMIZERS), value=config["optimizer"], clearable=False
                        ),
                    ),
                    control("learn rate", number(ids.LEARN_RATE, config["learn_rate"], minimum=0)),
                    control("decay k: lr₀/(1 + k·epoch)", number(ids.DECAY, config["decay"], minimum=0)),
                    control("momentum", number(ids.MOMENTUM, config["momentum"], minimum=0, maximum=0.999)),
                    control("batch size", number(ids.BATCH_SIZE, config["batch_size"], step=1, minimum=1)),
                    control("epochs", number(ids.EPOCHS, config["epochs"], step=1, minimum=1)),
                    control("L2", number(ids.L2, config["l2"], minimum=0)),
                    control("input noise (std)", number(ids.INPUT_NOISE, config["input_noise"], minimum=0)),
                    control("seed", number(ids.SEED, config["seed"], step=1, minimum=0)),
                    control(
                        "training images (empty: all)",
                        number(ids.TRAIN_SAMPLES, config["train_samples"], step=1, minimum=100),
                    ),
                ],
            ),
            dcc.Checklist(
                id=ids.SHUFFLED,
                value=["on"] if config["shuffled_labels"] else [],
                options=[{"label": "shuffled labels (an experiment: can it learn nonsense?)", "value": "on"}],
            ),
            html.Div("", id=ids.CONFIG_MESSAGE, className="message"),
        ],
    )


def augmentation_controls(config: dict) -> html.Section:
    augment = config["augment"]
    return html.Section(
        className="column",
        children=[
            html.H2("Augmentation"),
            html.Div(
                "Every training batch is changed at random within these ranges (the test images never are):",
                className="hint",
            ),
            control(
                "rotate up to (°)",
                dcc.Slider(
                    id=ids.ROTATE,
                    min=0,
                    max=45,
                    step=1,
                    value=augment.get("rotate", 0),
                    marks={0: "0", 15: "15", 30: "30", 45: "45"},
                ),
            ),
            control(
                "scale by up to (±)",
                dcc.Slider(
                    id=ids.SCALE,
                    min=0,
                    max=0.3,
                    step=0.01,
                    value=augment.get("scale", 0),
                    marks={0: "0", 0.1: "0.1", 0.3: "0.3"},
                ),
            ),
            control(
                "shift up to (pixels)",
                dcc.Slider(
                    id=ids.SHIFT, min=0, max=4, step=0.5, value=augment.get("shift", 0), marks={0: "0", 2: "2", 4: "4"}
                ),
            ),
            control(
                "replace pixels with noise (fraction)",
                dcc.Slider(
                    id=ids.PIXEL_NOISE,
                    min=0,
                    max=0.2,
                    step=0.01,
                    value=augment.get("noise", 0),
                    marks={0: "0", 0.1: "0.1", 0.2: "0.2"},
                ),
            ),
            dcc.Checklist(
                id=ids.FLIP,
                value=["on"] if config["flip"] else [],
                options=[
                    {"label": "mirror half the images left to right (photos, clothes; not digits)", "value": "on"}
                ],
            ),
            html.Div("top row: test images as they are; below: three random augmentations of each", className="hint"),
            picture(html.Img(id=ids.PREVIEW, className="pixelated preview"), "augmentations"),
        ],
    )


def train_tab(config: dict) -> dcc.Tab:
    return dcc.Tab(
        label="Train",
        value="train",
        children=[
            html.Div(
                className="images-train",
                children=[
                    network_controls(config),
                    augmentation_controls(config),
                    html.Section(
                        className="column wide",
                        children=[
                            html.H2("Learning"),
                            dcc.Graph(id=ids.CURVES, config=GRAPH_CONFIG, figure=curves_figure([], [])),
                        ],
                    ),
                ],
            )
        ],
    )


def layout(view_images: dict | None = None, **_) -> html.Div:
    """The page with the session's settings (the session's job and model arrive with the first poll)."""
    config = {**DEFAULT_CONFIG, **((view_images or {}).get("config") or {})}
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="images",
        children=[
            change_store(ids.CONFIG_CHANGE),
            change_store(ids.MODEL_CHANGE),
            dcc.Interval(id=ids.TICKER, interval=ACTIVE_POLL_MS, n_intervals=0),
            dcc.Store(id=ids.JOB),
            dcc.Store(id=ids.MODEL),
            dcc.Store(id=ids.LAUNCH),
            dcc.Store(id=ids.START_RESULT),
            dcc.Store(id=ids.UPLOADED),
            dcc.Store(id=ids.SCORE_RESULT),
            top_bar(config),
            dcc.Tabs(
                id=ids.TABS,
                value="train",
                children=[train_tab(config), mistakes_tab(), draw_tab(), inside_tab(), deeper_tab(), models_tab()],
            ),
        ],
    )
