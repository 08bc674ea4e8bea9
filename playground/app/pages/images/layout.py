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
from playground.app.session.stores import change_store
from playground.app.ui.components import control, graph_config, page_root, picture, said
from playground.app.ui.pictures import png_data_uri
from playground.app.ui.waiting import waiting_figure
from playground.data.images import missing_data
from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS

IDLE_POLL_MS, ACTIVE_POLL_MS = 5000, 1000
GRAPH_CONFIG = graph_config("image-page-figure")


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


def mistakes_tab() -> dcc.Tab:
    return dcc.Tab(
        label="Mistakes",
        value="mistakes",
        children=[
            html.Div(
                className="images-mistakes",
                children=[
                    html.Section(
                        className="column wide",
                        children=[
                            html.Div(
                                className="row",
                                children=[
                                    html.H2("Confusion matrix"),
                                    dcc.RadioItems(
                                        id=ids.NORMALISE,
                                        value="counts",
                                        inline=True,
                                        options=[
                                            {"label": "counts", "value": "counts"},
                                            {"label": "row fractions", "value": "rows"},
                                        ],
                                    ),
                                ],
                            ),
                            html.Div(
                                "rows: the true class; columns: what the network said. Click a cell to see its images.",
                                className="hint",
                            ),
                            dcc.Graph(
                                id=ids.CONFUSION,
                                config=GRAPH_CONFIG,
                                figure=waiting_figure(
                                    "the confusion matrix appears here once a network is trained", 440
                                ),
                            ),
                            dcc.Graph(
                                id=ids.PER_CLASS,
                                config=GRAPH_CONFIG,
                                figure=waiting_figure("each class's accuracy appears here", 260),
                            ),
                        ],
                    ),
                    html.Section(
                        className="column wide",
                        children=[
                            html.H2("Test images"),
                            html.Div(
                                className="learning",
                                children=[
                                    html.Button("◀", id=ids.PREVIOUS, title="the test image before"),
                                    html.Button("▶", id=ids.NEXT, title="the next test image"),
                                    html.Button("next mistake", id=ids.NEXT_MISTAKE),
                                    html.Button("most confident mistakes", id=ids.CONFIDENT_MISTAKES),
                                ],
                            ),
                            dcc.Store(id=ids.BROWSER_INDEX, data=0),
                            html.Div(
                                className="browser",
                                children=[
                                    picture(html.Img(id=ids.BROWSER_IMAGE, className="pixelated big"), "test-image"),
                                    html.Div(id=ids.BROWSER_TEXT, className="ranking"),
                                ],
                            ),
                            html.Div("", id=ids.CELL_CAPTION, className="status"),
                            html.Div(id=ids.CELL_IMAGES, className="thumbnails"),
                            html.Div("", id=ids.EVALUATION_MESSAGE, className="status"),
                        ],
                    ),
                ],
            )
        ],
    )


def draw_tab() -> dcc.Tab:
    return dcc.Tab(
        label="Draw",
        value="draw",
        children=[
            html.Div(
                className="images-draw",
                children=[
                    html.Section(
                        className="column",
                        children=[
                            html.H2("Draw your own"),
                            html.Div(
                                "Draw with the mouse or a finger; the network answers as you draw.", className="hint"
                            ),
                            html.Canvas(id=ids.CANVAS, className="draw-canvas", width=280, height=280),
                            html.Button("clear", id=ids.CLEAR),
                            html.Div("", id=ids.DRAW_MESSAGE, className="message"),
                        ],
                    ),
                    html.Section(
                        className="column wide",
                        children=[
                            html.H2("What the network sees"),
                            html.Div(id=ids.DRAW_STEPS, className="draw-steps"),
                            html.H2("Its answer"),
                            html.Div(id=ids.RANKING, className="ranking"),
                        ],
                    ),
                ],
            )
        ],
    )


def inside_tab() -> dcc.Tab:
    return dcc.Tab(
        label="Inside",
        value="inside",
        children=[
            html.Div(
                className="images-inside",
                children=[
                    html.Section(
                        className="column wide",
                        children=[
                            html.H2("What each first-layer node looks for"),
                            html.Div("", id=ids.FIRST_LAYER_CAPTION, className="hint"),
                            picture(html.Img(id=ids.FIRST_LAYER, className="pixelated weights"), "first-layer-weights"),
                            html.H2("Feature maps"),
                            html.Div("", id=ids.FEATURE_CAPTION, className="hint"),
                            picture(html.Img(id=ids.FEATURE_MAPS, className="pixelated weights"), "feature-maps"),
                        ],
                    ),
                    html.Section(
                        className="column",
                        children=[
                            html.H2("Pure noise"),
                            html.Div(
                                "Random pixels are none of the classes, but the network must pick one: how sure is it?",
                                className="hint",
                            ),
                            picture(html.Img(id=ids.NOISE_ANSWER, className="pixelated big"), "pure-noise"),
                            html.Div(id=ids.NOISE_RANKING, className="ranking"),
                            html.Button("other noise", id=ids.NOISE_AGAIN),
                            html.H2("Shuffled labels"),
                            html.Div(
                                "Tick 'shuffled labels' on the Train tab and train again: the labels are then drawn at random. "
                                "Train accuracy still climbs, because a big enough network can memorise anything, while test "
                                "accuracy stays at chance (10 %): memorising is not learning.",
                                className="hint",
                            ),
                        ],
                    ),
                ],
            )
        ],
    )


def deeper_tab() -> dcc.Tab:
    return dcc.Tab(
        label="Deeper",
        value="deeper",
        children=[
            html.Div(
                className="images-deeper",
                children=[
                    html.Section(
                        className="column wide",
                        children=[
                            html.H2("Test images, placed by a layer's activations"),
                            html.Div(
                                className="row",
                                children=[
                                    dcc.Dropdown(
                                        id=ids.MAP_LAYER,
                                        options=[],
                                        value=None,
                                        clearable=False,
                                        style={"width": "280px"},
                                    ),
                                    dcc.RadioItems(
                                        id=ids.MAP_METHOD,
                                        value="pca",
                                        inline=True,
                                        options=[
                                            {"label": "PCA", "value": "pca"},
                                            {"label": "t-SNE (about 4 s)", "value": "tsne"},
                                        ],
                                    ),
                                    html.Button("draw", id=ids.MAP_DRAW),
                                ],
                            ),
                            html.Div("", id=ids.MAP_PROGRESS, className="status", hidden=True),
                            html.Div("", id=ids.MAP_MESSAGE, className="message"),
                            dcc.Graph(
                                id=ids.MAP_GRAPH,
                                config=GRAPH_CONFIG,
                                clear_on_unhover=True,
                                figure=waiting_figure(
                                    "choose a layer and press draw: the test images appear here", 460
                                ),
                            ),
                            dcc.Tooltip(id=ids.MAP_TOOLTIP),
                        ],
                    ),
                    html.Section(
                        className="column wide",
                        children=[
                            html.H2("Robustness"),
                            html.Div(
                                "Accuracy on the test images (up to 500; the figure says how many) as each change grows: "
                                "turned by up to so many degrees, so many pixels replaced by noise, moved by so many pixels, "
                                "strokes made thicker (+) or thinner (−).",
                                className="hint",
                            ),
                            dcc.Graph(
                                id=ids.ROBUSTNESS,
                                config=GRAPH_CONFIG,
                                figure=waiting_figure(
                                    "accuracy under each change appears here once a network is trained", 280
                                ),
                            ),
                            html.H2("I don't know"),
                            control(
                                "confidence needed to answer",
                                dcc.Slider(
                                    id=ids.THRESHOLD,
                                    min=0,
                                    max=0.99,
                                    step=0.01,
                                    value=0.9,
                                    marks={0: "0", 0.5: "50 %", 0.9: "90 %"},
                                ),
                            ),
                            html.Div("", id=ids.THRESHOLD_TEXT, className="status"),
                            dcc.Graph(
                                id=ids.THRESHOLD_GRAPH,
                                config=GRAPH_CONFIG,
                                figure=waiting_figure(
                                    "answers and accuracy against the confidence needed appear here", 260
                                ),
                            ),
                        ],
                    ),
                ],
            )
        ],
    )


def models_tab() -> dcc.Tab:
    return dcc.Tab(
        label="Models",
        value="models",
        children=[
            html.Div(
                className="images-models",
                children=[
                    html.Section(
                        className="column",
                        children=[
                            html.H2("The network"),
                            html.Div("", id=ids.MODEL_SUMMARY, className="status"),
                            html.Button("download .npz", id=ids.DOWNLOAD),
                            dcc.Download(id=ids.DOWNLOAD_FILE),
                            html.Div(
                                className="hint",
                                children=[
                                    "Its cost landscape: ",
                                    dcc.Link("Landscapes", href="/landscape"),
                                    " → Big networks → the image page's network.",
                                ],
                            ),
                            html.H2("Load a saved network"),
                            html.Div(
                                "A .npz saved here or by `playground train --save` (up to 64 MB), for the data set chosen above.",
                                className="hint",
                            ),
                            html.Div(
                                id=ids.UPLOAD, className="file-input"
                            ),  # the browser module puts an <input type=file> here
                            html.Div("", id=ids.MODEL_MESSAGE, className="message"),
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


def ranking_bars(
    ranking: list[tuple[int, float]], class_names: list[str] | tuple[str, ...], true_class: int | None = None
) -> list[html.Div]:
    """A ranking as bars: each class's name, its share of the network's answer, a bar that long.
    The true class, when known, is marked."""
    rows = []
    for place, (k, share) in enumerate(ranking):
        mark = " ✓" if true_class is not None and k == true_class else ""
        rows.append(
            html.Div(
                className="rank top" if place == 0 else "rank",
                children=[
                    html.Span(f"{class_names[k]}{mark}", className="rank-name"),
                    html.Span(className="rank-bar", style={"width": f"{100 * share:.1f}%"}),
                    html.Span(f"{share:.1%}", className="rank-share"),
                ],
            )
        )
    return rows


def thumbnails(images, indices, class_names, labels, predicted) -> list[html.Img]:
    """Small pictures of test images, each titled with its true and predicted class."""
    return [
        html.Img(
            src=png_data_uri(images[i]),
            className="pixelated thumb",
            id={"type": ids.THUMB, "index": int(i)},
            title=f"#{i}: {class_names[labels[i]]}, seen as {class_names[predicted[i]]}",
        )
        for i in indices
    ]
