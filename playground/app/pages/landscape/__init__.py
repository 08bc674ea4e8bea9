"""Cost landscapes (``/landscape``, SPEC F9–F11): the surface a network descends, the optimizer
race, and slices of big networks."""

import dash

from playground.app.pages.landscape import callbacks, layout

PATH = "/landscape"


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout (from the session's network and points), its callbacks."""
    dash.register_page(__name__, path=PATH, name="Landscapes", title="Cost landscapes · Neural Playground",
                       order=2, layout=layout.layout)
    callbacks.register_callbacks(app)
