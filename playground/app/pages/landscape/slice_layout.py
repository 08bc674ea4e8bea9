"""The landscape page's Big networks tab (F11): a filter-normalised slice of a saved or the
session's network, its settings beside the job's button, progress and figures."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.landscape import ids
from playground.app.pages.landscape.slice_logic import SLICE_DATA_SETS, SPAN_RANGE, slice_upload_bytes
from playground.app.ui.components import control, graph_config
from playground.app.ui.waiting import waiting_figure


def slice_tab() -> dcc.Tab:
    return dcc.Tab(
        label="Big networks",
        value="slice",
        children=[
            html.Div(
                className="landscape-tab",
                children=[
                    html.Div(
                        className="landscape-controls",
                        children=[
                            html.Div(
                                "The cost on a plane through a network's parameters along two random directions, each "
                                "scaled filter by filter to the size of the weights (Li et al. 2018, 'Visualizing the loss "
                                "landscape of neural nets'): the network sits at (0, 0).",
                                className="hint",
                            ),
                            control(
                                "network",
                                dcc.RadioItems(
                                    id=ids.SLICE_SOURCE,
                                    value="session",
                                    options=[
                                        {"label": "the playground's network, on its points", "value": "session"},
                                        {"label": "the image page's network, on its test images", "value": "images"},
                                        {"label": "a saved model (.npz) on an image data set", "value": "model"},
                                    ],
                                ),
                            ),
                            dcc.Upload(
                                id=ids.SLICE_UPLOAD,
                                className="upload",
                                max_size=slice_upload_bytes(),
                                children=html.Div(f"load a model (.npz, up to {slice_upload_bytes() / 1e6:.1f} MB)"),
                            ),
                            control(
                                "data set (saved models)",
                                dcc.Dropdown(
                                    id=ids.SLICE_DATA,
                                    clearable=False,
                                    value="digits",
                                    options=[{"label": name, "value": name} for name in SLICE_DATA_SETS],
                                ),
                            ),
                            control(
                                "images used",
                                dcc.Input(
                                    id=ids.SLICE_SAMPLES,
                                    type="number",
                                    min=10,
                                    max=10000,
                                    step=10,
                                    value=2000,
                                    debounce=True,
                                ),
                            ),
                            control(
                                "grid (odd)",
                                dcc.RadioItems(
                                    id=ids.SLICE_STEPS,
                                    value=31,
                                    inline=True,
                                    options=[{"label": f"{n}×{n}", "value": n} for n in (21, 31, 51)],
                                ),
                            ),
                            control(
                                "span (α and β from −span to span)",
                                dcc.Slider(
                                    id=ids.SLICE_SPAN,
                                    min=SPAN_RANGE[0],
                                    max=SPAN_RANGE[1],
                                    step=0.1,
                                    value=1.0,
                                    marks={0.5: "0.5", 1: "1", 2: "2"},
                                ),
                            ),
                            control(
                                "directions scaled",
                                dcc.RadioItems(
                                    id=ids.SLICE_NORMALISATION,
                                    value="filter",
                                    options=[
                                        {"label": "filter by filter (Li et al.)", "value": "filter"},
                                        {"label": "layer by layer", "value": "layer"},
                                        {"label": "not at all", "value": "none"},
                                    ],
                                ),
                            ),
                            dcc.Checklist(
                                id=ids.SLICE_LOG, value=["log"], options=[{"label": "log scale", "value": "log"}]
                            ),
                        ],
                    ),
                    html.Div(
                        className="landscape-views",
                        children=[
                            # The job's controls and progress head the views: on screen at 1280×720
                            # with the figures they draw (below the settings they were off screen).
                            html.Div(
                                className="learning run-line",
                                children=[
                                    html.Button("draw the slice", id=ids.SLICE_GO, className="play"),
                                    html.Button("cancel", id=ids.SLICE_CANCEL, disabled=True),
                                    html.Progress(id=ids.SLICE_PROGRESS, value="0", max="100", className="progress"),
                                ],
                            ),
                            html.Div("", id=ids.SLICE_MESSAGE, className="message"),
                            html.Div("", id=ids.SLICE_RESULT, className="status"),
                            html.Div(
                                className="landscape-pair",
                                children=[
                                    dcc.Graph(
                                        id=ids.SLICE_SURFACE,
                                        config=graph_config("landscape-slice-surface"),
                                        figure=waiting_figure("press draw the slice: it appears here", 480),
                                    ),
                                    dcc.Graph(
                                        id=ids.SLICE_CONTOUR,
                                        config=graph_config("landscape-slice-contour"),
                                        figure=waiting_figure("… and here, from above", 480),
                                    ),
                                ],
                            ),
                        ],
                    ),
                ],
            )
        ],
    )
