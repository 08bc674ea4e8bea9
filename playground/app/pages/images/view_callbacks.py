"""The image page's views of its model: mistakes, inside, deeper, models (thin callbacks).

Each reads the session's model and its saved test-set outputs from the job store (``Model``),
calls the pure functions of ``evaluation`` / ``inside`` and the figure builders.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.images import evaluation, figures, ids, inside
from playground.app.pages.images.view_layout import ranking_bars, thumbnails
from playground.app.server import models, slots
from playground.app.server.jobs import JobStore, check_session_key
from playground.app.session import stores
from playground.app.session.budget import sample_within_budget
from playground.app.ui.pictures import grid, png_data_uri
from playground.engine import blas_threads
from playground.engine.footprint import footprint
from playground.plots.weights import first_layer_pictures, tiled_pictures

ROBUSTNESS_SAMPLES = 500
ROBUSTNESS_FEWEST = 10  # test images however big the network (the largest allowed: about a second here)


@dataclass
class Model:
    """The session's model, its test-set outputs and the test set itself."""

    network: object
    outputs: np.ndarray
    about: dict
    test: evaluation.TestSet

    @property
    def names(self) -> list[str]:
        return list(self.test.class_names)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.about["image_shape"])


def load_model(key: str | None) -> Model:
    """The session's model (PreventUpdate when it has none yet)."""
    key = check_session_key(key)
    with JobStore() as store:
        found = models.load_model(store, key)
    if found is None:
        raise PreventUpdate
    network, outputs, about = found
    return Model(network, outputs, about, evaluation.test_set(about["config"]))


def browsed(key: str | None, index) -> tuple[Model, int]:
    """The session's model and the test image the browser shows (its index wrapped round)."""
    model = load_model(key)
    return model, int(index or 0) % len(model.test.labels)


def picture(image: np.ndarray) -> np.ndarray:
    """A test image (uint8) as floats in [0, 1] for ``png_data_uri``."""
    return image.astype(np.float32) / 255


def register_callbacks(app) -> None:
    register_mistake_callbacks(app)
    register_inside_callbacks(app)
    register_deeper_callbacks(app)
    register_map_tooltip(app)
    register_model_callbacks(app)


def register_mistake_callbacks(app) -> None:
    @app.callback(
        Output(ids.CONFUSION, "figure"),
        Output(ids.PER_CLASS, "figure"),
        Output(ids.EVALUATION_MESSAGE, "children"),
        Input(ids.MODEL, "data"),
        Input(ids.NORMALISE, "value"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_confusion(_model, normalise, key):
        model = load_model(key)
        matrix = evaluation.confusion(model.test.labels, model.outputs, len(model.names))
        accuracy = np.trace(matrix) / max(matrix.sum(), 1)
        return (
            figures.confusion_figure(matrix, model.names, normalise == "rows"),
            figures.per_class_figure(evaluation.per_class_accuracy(matrix), model.names),
            f"{model.about.get('network', '')}: {accuracy:.2%} of {matrix.sum():,} test images right",
        )

    @app.callback(
        Output(ids.CELL_IMAGES, "children"),
        Output(ids.CELL_CAPTION, "children"),
        Input(ids.CONFUSION, "clickData"),
        Input(ids.CONFIDENT_MISTAKES, "n_clicks"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_cell(click, _mistakes, key):
        model = load_model(key)
        labels, predicted = model.test.labels, model.outputs.argmax(axis=1)
        if ctx.triggered_id == ids.CONFIDENT_MISTAKES:
            chosen = evaluation.confident_mistakes(labels, model.outputs)
            caption = f"the {len(chosen)} mistakes the network was surest of (hover for the classes; click one)"
        else:
            if not click or not click.get("points"):
                raise PreventUpdate
            point = click["points"][0]
            true_class, said = model.names.index(unescaped(point["y"])), model.names.index(unescaped(point["x"]))
            chosen = evaluation.cell_indices(labels, model.outputs, true_class, said)
            total = int(np.sum((labels == true_class) & (predicted == said)))
            caption = f"{total:,} test images of {model.names[true_class]} seen as {model.names[said]}" + (
                f" (the {len(chosen)} surest shown)" if total > len(chosen) else ""
            )
        return thumbnails(model.test.images, chosen, model.names, labels, predicted), caption

    @app.callback(
        Output(ids.BROWSER_INDEX, "data"),
        Input(ids.PREVIOUS, "n_clicks"),
        Input(ids.NEXT, "n_clicks"),
        Input(ids.NEXT_MISTAKE, "n_clicks"),
        Input({"type": ids.THUMB, "index": ALL}, "n_clicks"),
        State(ids.BROWSER_INDEX, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def move_browser(_previous, _next, _mistake, _thumbs, index, key):
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        if isinstance(ctx.triggered_id, dict):
            return int(ctx.triggered_id["index"])
        model = load_model(key)
        count, index = len(model.test.labels), int(index or 0)
        if ctx.triggered_id == ids.NEXT_MISTAKE:
            found = evaluation.next_mistake(model.test.labels, model.outputs, index)
            return index if found is None else found
        return (index + (1 if ctx.triggered_id == ids.NEXT else -1)) % count

    @app.callback(
        Output(ids.BROWSER_IMAGE, "src"),
        Output(ids.BROWSER_TEXT, "children"),
        Input(ids.BROWSER_INDEX, "data"),
        Input(ids.MODEL, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_test_image(index, _model, key):
        model, index = browsed(key, index)
        truth = int(model.test.labels[index])
        ranking = evaluation.top_classes(model.outputs[index])
        verdict = "right" if ranking[0][0] == truth else "wrong"
        return png_data_uri(picture(model.test.images[index])), [
            # "class …", not "a …": "a 8" and "a Ankle boot" read wrong.
            html.Div(
                f"test image #{index:,}, class {model.names[truth]}: the network is {verdict}", className="status"
            ),
            *ranking_bars(ranking, model.names, truth),
        ]


def unescaped(text: str) -> str:
    """A class name as the figure shows it (``plotly_text`` escaped it) back to itself."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&#37;", "%").replace("&amp;", "&")


def register_inside_callbacks(app) -> None:
    @app.callback(
        Output(ids.FIRST_LAYER, "src"),
        Output(ids.FIRST_LAYER_CAPTION, "children"),
        Input(ids.MODEL, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_first_layer(_model, key):
        model = load_model(key)
        pictures = first_layer_pictures(model.network, model.shape)  # the library's: a notebook draws the same
        return (
            png_data_uri(tiled_pictures(pictures, model.network)),
            inside.first_layer_caption(model.network, len(pictures)),
        )

    @app.callback(
        Output(ids.FEATURE_MAPS, "src"),
        Output(ids.FEATURE_CAPTION, "children"),
        Input(ids.MODEL, "data"),
        Input(ids.BROWSER_INDEX, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_feature_maps(_model, index, key):
        model, index = browsed(key, index)
        maps = inside.feature_maps(model.network, picture(model.test.images[index]))
        if maps is None:
            return None, "a network with conv layers (e.g. conv16x5,pool2,128) shows its feature maps here"
        return (
            png_data_uri(grid(maps, columns=min(len(maps), 16))),
            f"the first conv layer's {len(maps)} feature maps of test image #{index:,} "
            f"(a {model.names[model.test.labels[index]]}; choose another on the Mistakes tab)",
        )

    @app.callback(
        Output(ids.NOISE_ANSWER, "src"),
        Output(ids.NOISE_RANKING, "children"),
        Input(ids.MODEL, "data"),
        Input(ids.NOISE_AGAIN, "n_clicks"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_noise(_model, again, key):
        model = load_model(key)
        noise, output = inside.noise_answer(model.network, model.shape, int(again or 0))
        ranking = evaluation.top_classes(output)
        return png_data_uri(noise), [
            html.Div(f"the network says {model.names[ranking[0][0]]}, {ranking[0][1]:.0%} sure", className="status"),
            *ranking_bars(ranking, model.names),
        ]


def register_deeper_callbacks(app) -> None:
    @app.callback(
        Output(ids.MAP_LAYER, "options"),
        Output(ids.MAP_LAYER, "value"),
        Input(ids.MODEL, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def map_layers(_model, key):
        model = load_model(key)
        choices = inside.layer_choices(model.network)
        return choices, choices[1]["value"] if len(choices) > 2 else choices[-1]["value"]

    # A background job holding one of the server's job slots: a t-SNE takes seconds, and even
    # PCA needs a forward pass of a thousand images through a network of up to 50 M multiply-adds.
    # One BLAS thread, as the server's own: the job's process would start one per core, and those
    # wait for each other whenever other work shares the cores (bench/tsne_map.py, bench/slice.py).
    @app.callback(
        Output(ids.MAP_GRAPH, "figure"),
        Output(ids.MAP_MESSAGE, "children"),
        Input(ids.MAP_DRAW, "n_clicks"),
        State(ids.MAP_LAYER, "value"),
        State(ids.MAP_METHOD, "value"),
        State(stores.KEY, "data"),
        background=True,
        prevent_initial_call=True,
        # How far it has come, at least every 2 s (the browser asks every second); hidden when done.
        progress=[Output(ids.MAP_PROGRESS, "children")],
        running=[
            (Output(ids.MAP_DRAW, "disabled"), True, False),
            (Output(ids.MAP_PROGRESS, "hidden"), False, True),
        ],
    )
    def draw_map(set_progress, clicks, layer, method, key):
        if not clicks:
            raise PreventUpdate
        if layer is None:
            return no_update, "choose a layer first (the map needs a trained network)"
        try:
            with slots.job_slot(check_session_key(key), "a map of a layer"), blas_threads(1):
                return layer_map_figure(load_model(key), layer, method, lambda text: set_progress((text,))), ""
        except (ValueError, slots.SlotRefused) as refusal:  # a layer it lacks, a bad key, no free slot
            return no_update, str(refusal)


def layer_map_figure(model, layer, method: str, said: inside.Said = None):
    """The map of the test images by one layer of the model (PCA or t-SNE); ValueError for a layer
    it lacks (``said``: told how far the forward pass and the map have come)."""
    labels = {c["value"]: c["label"] for c in inside.layer_choices(model.network)}
    if not isinstance(layer, int) or isinstance(layer, bool) or layer not in labels:  # the menu's layers only
        raise ValueError(f"the map is drawn from one of the network's layers 0 to {max(labels)}")
    count = min(inside.TSNE_SAMPLES if method == "tsne" else inside.MAP_SAMPLES, len(model.test.labels))
    inputs = (model.test.images[:count].reshape(count, -1) / np.float32(255)).astype(np.float32)
    points = inside.layer_map(
        inside.layer_activations(model.network, inputs, int(layer), said),
        "tsne" if method == "tsne" else "pca",
        said=said,
    )
    title = f"{count:,} test images by {labels[layer]}, {'t-SNE' if method == 'tsne' else 'PCA'}"
    return figures.map_figure(points, model.test.labels[:count], model.names, title)


def register_map_tooltip(app) -> None:
    @app.callback(
        Output(ids.MAP_TOOLTIP, "show"),
        Output(ids.MAP_TOOLTIP, "bbox"),
        Output(ids.MAP_TOOLTIP, "children"),
        Input(ids.MAP_GRAPH, "hoverData"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def map_tooltip(hover, key):
        point = (hover or {}).get("points", [{}])[0]  # its shape is checked before (server/checks.py)
        if "customdata" not in point or "bbox" not in point:
            return False, no_update, no_update  # not an image's point (a legend, a cleared hover)
        index = int(point["customdata"])
        model = load_model(key)
        if not 0 <= index < len(model.test.labels):
            raise PreventUpdate
        truth = model.names[model.test.labels[index]]
        return (
            True,
            point["bbox"],
            [
                html.Img(src=png_data_uri(picture(model.test.images[index])), className="pixelated tooltip-image"),
                html.Div(truth),
            ],
        )

    @app.callback(
        Output(ids.ROBUSTNESS, "figure"), Input(ids.MODEL, "data"), State(stores.KEY, "data"), prevent_initial_call=True
    )  # 0.02 s on the digits, 1 s on CIFAR-10: no process needed
    def show_robustness(_model, key):
        model = load_model(key)
        count = min(ROBUSTNESS_SAMPLES, len(model.test.labels))
        # Every level of every change is a pass over the images: a big network gets fewer of them.
        levels = sum(len(levels) for levels in inside.ROBUSTNESS_LEVELS.values())
        sample = sample_within_budget(count, levels, footprint(model.network).multiply_adds, fewest=ROBUSTNESS_FEWEST)
        images = sample.of(model.test.images[:count]).astype(np.float32) / 255
        curves = inside.robustness(model.network, images, sample.of(model.test.labels[:count]))
        return figures.robustness_figure(
            curves,
            f"on {sample.size:,} test images"
            + (" (a sample: the server's work budget)" if sample.rows is not None else ""),
        )

    @app.callback(
        Output(ids.THRESHOLD_TEXT, "children"),
        Output(ids.THRESHOLD_GRAPH, "figure"),
        Input(ids.THRESHOLD, "value"),
        Input(ids.MODEL, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def show_threshold(threshold, _model, key):
        model = load_model(key)
        threshold = float(threshold or 0)
        curve = evaluation.threshold_curve(model.test.labels, model.outputs)
        return (
            evaluation.threshold_summary(model.test.labels, model.outputs, threshold),
            figures.threshold_figure(*curve, threshold),
        )


def register_model_callbacks(app) -> None:
    @app.callback(
        Output(ids.MODEL_SUMMARY, "children"),
        Input(ids.MODEL, "data"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def summarise(_model, key):
        model = load_model(key)
        accuracy = model.about.get("test_accuracy")
        trained = f", {model.about['epochs']} epochs" if model.about.get("epochs") else " (loaded from a file)"
        return f"{model.network.describe()} on {model.about['data']}{trained}" + (
            f"; test accuracy {accuracy:.2%}" if accuracy is not None else ""
        )

    @app.callback(
        Output(ids.DOWNLOAD_FILE, "data"),
        Input(ids.DOWNLOAD, "n_clicks"),
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def download(clicks, key):
        if not clicks:
            raise PreventUpdate
        with JobStore() as store:
            raw = models.model_bytes(store, check_session_key(key))
        if raw is None:
            raise PreventUpdate
        return dcc.send_bytes(raw, "network.npz")
