"""The app's pages, one folder each: ``ids`` (component ids), ``logic`` (pure functions),
``figures`` (figure builders), ``layout`` and ``callbacks``; ``register(app)`` adds the page."""
