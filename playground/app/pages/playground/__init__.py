"""The 2D playground (``/``): hand-tune every weight, watch the boundary learn (SPEC F1–F7)."""

import dash

from playground.app.pages.playground import callbacks, ids, layout, sliders_layout
from playground.app.pages.playground.shapes import PlaygroundView, new_view
from playground.app.session.pages import PageView, Registration, Route, Upload
from playground.app.session.shapes import TrainAnswer, TrainRequest

PATH = "/"
TRAIN_ROUTE = "/_playground/train"

REGISTRATION = Registration(
    ids=ids.IDS,
    view=PageView("playground", PlaygroundView, new_view),
    routes=[
        Route(
            TRAIN_ROUTE,
            "playground.app.pages.playground.routes:train",
            TrainRequest,
            TrainAnswer,
            turns=True,
            name="train",
        )
    ],
    uploads=[
        Upload(ids.CSV_UPLOAD, "csv_bytes", ids.DATA_MESSAGE),
        Upload(ids.JSON_UPLOAD, "json_upload_bytes", ids.SHARE_MESSAGE),
    ],
    browser={"slider_range": sliders_layout.SLIDER_RANGE, "play_speeds": layout.PLAY_SPEEDS},
)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout (built from the session's stores), its callbacks."""
    dash.register_page(
        __name__,
        path=PATH,
        name="Playground",
        title="Neural Playground",
        order=0,
        layout=layout.layout,
        **REGISTRATION.keywords(),
    )
    callbacks.register_callbacks(app)
