"""Backprop in slow motion (``/backprop``, SPEC F27): one mini-batch step of the session's own
network walked stage by stage (forward, cost, backward, update), every number the engine's."""

import dash

from playground.app.pages.backprop import callbacks, ids, layout
from playground.app.pages.backprop.shapes import SlowStepAnswer, SlowStepRequest
from playground.app.session.pages import Registration, Route

PATH = "/backprop"
STEP_ROUTE = "/_playground/backprop"

REGISTRATION = Registration(
    ids=ids.IDS,
    routes=[
        Route(
            STEP_ROUTE,
            "playground.app.pages.backprop.routes:slow_step",
            SlowStepRequest,
            SlowStepAnswer,
            turns=True,
            name="backprop",
        )
    ],
)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout, its (browser) callbacks."""
    dash.register_page(
        __name__,
        path=PATH,
        name="Backprop",
        title="Backprop in slow motion · Neural Playground",
        order=4,
        layout=layout.layout,
        **REGISTRATION.keywords(),
    )
    callbacks.register_callbacks(app)
