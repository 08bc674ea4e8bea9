"""A room's projector (``/room/<code>``, SPEC F28): the code to join by, the board, the boundaries and
votes of a whole lecture hall, and (with the teacher's token) the teacher's controls."""

import dash

from playground.app.pages.room import callbacks, ids, layout
from playground.app.session.pages import Registration

PATH_TEMPLATE = "/room/<code>"

REGISTRATION = Registration(ids=ids.IDS)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its layout (a frame that assets/room.js fills) and its callback."""
    dash.register_page(
        __name__,
        path_template=PATH_TEMPLATE,
        name="Room",
        title="Room · Neural Playground",
        order=20,
        layout=layout.layout,
        navigation=False,  # reached by a room's link, not from the navigation bar
        **REGISTRATION.keywords(),
    )
    callbacks.register_callbacks(app)
