"""Cost landscapes (``/landscape``, SPEC F9–F11): the surface a network descends, the optimizer
race, and slices of big networks."""

import dash

from playground.app.pages.landscape import callbacks, ids, layout
from playground.app.pages.landscape.logic import check_view, new_view, shared_view
from playground.app.pages.landscape.shapes import Walk, WalkAnswer, WalkRequest
from playground.app.pages.landscape.slice_logic import slice_upload_bytes
from playground.app.session.pages import PageView, Registration, Route, Upload

PATH = "/landscape"

REGISTRATION = Registration(
    ids=ids.IDS,
    view=PageView("landscape", Walk, new_view, check_view, shared_view),
    routes=[
        Route(
            "/_playground/walk",
            "playground.app.pages.landscape.routes:walk",
            WalkRequest,
            WalkAnswer,
            turns=True,
            name="walk",
        )
    ],
    uploads=[Upload(ids.SLICE_UPLOAD, slice_upload_bytes, ids.SLICE_MESSAGE)],
)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout (from the session's network and points), its callbacks."""
    dash.register_page(
        __name__,
        path=PATH,
        name="Landscapes",
        title="Cost landscapes · Neural Playground",
        order=2,
        layout=layout.layout,
        **REGISTRATION.keywords(),
    )
    callbacks.register_callbacks(app)
