"""A student's phone in a room (``/join``, ``/join/<code>``, SPEC F28): a nickname, then each round's
part (hand-tune with sliders, predict with a vote, train within limits) over the room's points."""

import dash

from playground.app.pages.join import callbacks, ids, layout
from playground.app.session.pages import Registration

PATH = "/join"

REGISTRATION = Registration(
    ids=ids.IDS,
    browser={"poll_seconds": 1.5, "slider_range": 5.0, "nickname_characters": layout.NICKNAME_CHARACTERS},
)


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: ``/join`` asks for the code, ``/join/<code>`` for a nickname."""
    dash.register_page(
        __name__,
        path=PATH,
        path_template=PATH + "/<code>",
        name="Join a room",
        title="Join a room · Neural Playground",
        order=6,
        navigation=False,  # reached by the room's link or QR code, not from the navigation bar
        layout=layout.layout,
        **REGISTRATION.keywords(),
    )
    callbacks.register_callbacks(app)
