"""Gradient descent in one dimension (``/descent``, SPEC F8): a ball rolling down a curve."""

import dash

from playground.app.pages.descent import callbacks, ids, layout
from playground.app.pages.descent.logic import check_view, new_descent
from playground.app.pages.descent.shapes import Descent, DescentAnswer, DescentRequest
from playground.app.session.pages import PageView, Registration, Route

PATH = "/descent"

REGISTRATION = Registration(
    ids=ids.IDS,
    view=PageView("descent", Descent, new_descent, check_view),
    routes=[
        Route(
            "/_playground/descent",
            "playground.app.pages.descent.routes:step",
            DescentRequest,
            DescentAnswer,
            name="descent",
        )
    ],
)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout (from the session's descent view), its callbacks."""
    dash.register_page(
        __name__,
        path=PATH,
        name="1-D descent",
        title="Gradient descent · Neural Playground",
        order=1,
        layout=layout.layout,
        **REGISTRATION.keywords(),
    )
    callbacks.register_callbacks(app)
