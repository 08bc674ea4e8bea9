"""Image classifiers (``/images``, SPEC F12–F18, F22, F23): train MNIST, Fashion-MNIST, Quick, Draw!
and CIFAR-10 networks as background jobs, see where they fail, draw your own, look inside."""

import dash

from playground.app.pages.images import ids, layout, training_callbacks, view_callbacks
from playground.app.pages.images.logic import DEFAULT_CONFIG
from playground.app.pages.images.shapes import DrawAnswer, DrawRequest, ImagesView
from playground.app.session.pages import PageView, Registration, Route

PATH = "/images"


def new_view() -> dict:
    """A new session's image page: the default settings (the bundled 8×8 digits), no model yet."""
    return {"config": dict(DEFAULT_CONFIG), "model": None}


REGISTRATION = Registration(
    ids=ids.IDS,
    view=PageView("images", ImagesView, new_view, shared=lambda view: {**view, "model": None}),
    routes=[
        Route("/_playground/draw", "playground.app.pages.images.routes:draw", DrawRequest, DrawAnswer, name="draw"),
        Route(
            "/_playground/model",
            "playground.app.pages.images.routes:upload",
            body_limit="model_upload_bytes",
            name="model",
        ),
    ],
)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, layout, callbacks and browser routes."""
    dash.register_page(
        __name__,
        path=PATH,
        name="Images",
        title="Image classifiers · Neural Playground",
        order=3,
        layout=layout.layout,
        **REGISTRATION.keywords(),
    )
    training_callbacks.register_callbacks(app)
    view_callbacks.register_callbacks(app)
