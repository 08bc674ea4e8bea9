"""The image page's view tabs (F13–F15): its mistakes, drawing, a look inside and deeper, and
saved models; and the pieces their callbacks redraw (a ranking's bars, thumbnails)."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.images import ids
from playground.app.ui.components import control, graph_config, picture
from playground.app.ui.pictures import png_data_uri
from playground.app.ui.waiting import waiting_figure

GRAPH_CONFIG = graph_config("image-page-figure")


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
                                            # bench/tsne_map.py --page (docs/benchmarks.md): 3.2–3.6 s at
                                            # load 2–3 on 2 cores, 7.6–25 s at load 8–19; 3 s of CPU.
                                            {"label": "t-SNE (3 to 25 s)", "value": "tsne"},
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
