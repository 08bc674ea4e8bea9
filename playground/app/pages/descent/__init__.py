"""Gradient descent in one dimension (``/descent``, SPEC F8): a ball rolling down a curve."""

import dash

from playground.app.pages.descent import callbacks, layout

PATH = "/descent"


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout (from the session's descent store), its callbacks."""
    dash.register_page(__name__, path=PATH, name="1-D descent", title="Gradient descent · Neural Playground",
                       order=1, layout=layout.layout)
    callbacks.register_callbacks(app)
