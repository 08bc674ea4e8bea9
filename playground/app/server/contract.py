"""The Python ↔ browser contract: what the browser code is told instead of typing it again.

The page embeds ``browser_contract()`` as ``window.playgroundContract`` before any asset
script runs; the tests feed the same dictionary to the same files under Node. It holds:

- the engine's names (activations, costs, which outputs are probabilities, the leaky slope),
  which ``assets/maths.js`` (the only mirror of the engine) must all compute;
- the session: each part's store, the change stores' type, the share-link prefix;
- every shape (``shapes``, each a reference into ``shape_definitions``, where the models they
  share are described once): the JSON Schema of each store, each change, each route's body and
  answer, which ``assets/contract.js`` checks the browser's side against;
- each page's routes, component ids, uploads (with their limits) and constants.
"""

from __future__ import annotations

import json
from typing import Any

from playground.app.session import pages, shapes, stores
from playground.app.session.model import SHARE_PREFIX
from playground.app.session.room_shapes import ROOM_SHAPES
from playground.app.ui.colours import CLASS_COLOURS, NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.data.features import FEATURE_LABELS, FEATURES
from playground.engine import COSTS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from playground.engine.activations import LEAKY_SLOPE
from playground.limits import current as current_limits


def all_shapes() -> dict[str, type[shapes.Shape]]:
    """The core shapes, each page's view, and each route's body and answer, by name."""
    found = dict(shapes.CORE_SHAPES) | ROOM_SHAPES
    found.update({f"view-{name}": view.shape for name, view in pages.views().items()})
    for route in pages.routes():
        if route.request is not None:
            found[f"{route.key}_request"] = route.request
        if route.answer is not None:
            found[f"{route.key}_answer"] = route.answer
    return found


def upload_rules() -> list[dict]:
    """Every upload's size limit and the line its page says an oversized file on (the browser
    drops such a file without a word: assets/uploads.js)."""
    limits = current_limits()
    return [
        {
            "upload": upload.upload,
            "message": upload.message,
            "limit": upload.limit() if callable(upload.limit) else getattr(limits, upload.limit),
        }
        for _, page_uploads in pages.registered("uploads")
        for upload in page_uploads
    ]


def browser_contract() -> dict[str, Any]:
    """Everything the browser code needs to know from Python, as plain JSON."""
    parts = stores.store_ids()
    schemas, definitions = shapes.json_schemas(all_shapes())
    return {
        "hidden_activations": list(HIDDEN_ACTIVATIONS),
        "output_activations": list(OUTPUT_ACTIVATIONS),
        "costs": list(COSTS),
        "probability_outputs": sorted(COSTS["cross_entropy"].output_activations),
        "leaky_slope": LEAKY_SLOPE,
        "features": list(FEATURES),  # the feature inputs (F25) maths.js computes from (x1, x2)
        "feature_labels": FEATURE_LABELS,  # … and how the diagram names its input nodes
        "class_colours": list(CLASS_COLOURS),
        "positive_colour": POSITIVE_COLOUR,
        "negative_colour": NEGATIVE_COLOUR,
        "session": {
            "parts": [[part, store] for part, store in parts.items()],
            "change": stores.CHANGE,
            "key": stores.KEY,
            "revision": stores.REVISION,
        },
        "share_prefix": SHARE_PREFIX,
        "shapes": schemas,
        "shape_definitions": definitions,
        "routes": {route.key: route.path for route in pages.routes()},
        "ids": dict(pages.registered("ids")),
        "settings": dict(pages.registered("browser")),  # each page's constants its browser code shares
        "uploads": upload_rules(),  # uploads over their limit are refused by the browser before sending
    }


def contract_script(contract: dict[str, Any]) -> str:
    """The contract as an inline script; '</' is escaped so no value can end the script early."""
    text = json.dumps(contract, separators=(",", ":")).replace("</", "<\\/")
    return f"<script>window.playgroundContract = {text};</script>"
