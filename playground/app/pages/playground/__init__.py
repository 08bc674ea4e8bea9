"""The 2D playground (``/``): hand-tune every weight, watch the boundary learn (SPEC F1–F7)."""

import dash

from playground.app.pages.playground import callbacks, layout

PATH = "/"


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, its layout (built from the session's stores), its callbacks."""
    dash.register_page(__name__, path=PATH, name="Playground", title="Neural Playground", order=0, layout=layout.layout)
    callbacks.register_callbacks(app)
