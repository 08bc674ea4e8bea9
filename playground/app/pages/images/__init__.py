"""Image classifiers (``/images``, SPEC F12–F18, F22, F23): train MNIST, Fashion-MNIST, Quick, Draw!
and CIFAR-10 networks as background jobs, see where they fail, draw your own, look inside."""

import dash

from playground.app.pages.images import layout, routes, training_callbacks, view_callbacks

PATH = "/images"


def register(app: dash.Dash) -> None:
    """Add the page to ``app``: its route, layout, callbacks and browser routes."""
    dash.register_page(__name__, path=PATH, name="Images", title="Image classifiers · Neural Playground",
                       order=3, layout=layout.layout)
    training_callbacks.register_callbacks(app)
    view_callbacks.register_callbacks(app)
    routes.register_routes(app.server)
