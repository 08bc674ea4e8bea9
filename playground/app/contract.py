"""The Python ↔ browser contract: what the browser code is told instead of typing it again.

``assets/maths.js`` mirrors the engine's forward pass and costs (it is the only mirror of
the engine); it is fed the names of the activations and costs, the leaky-ReLU slope, the
class colours, the browser routes and each page's component ids from here. The page embeds
``browser_contract()`` as ``window.playgroundContract`` before any asset script runs, and
the parity test feeds the same dictionary to the same file under Node.
"""

from __future__ import annotations

import json
from typing import Any

from playground.app import api, session
from playground.app.state import SHARE_PREFIX
from playground.app.colours import CLASS_COLOURS, NEGATIVE_COLOUR, POSITIVE_COLOUR
from playground.engine import COSTS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from playground.engine.activations import LEAKY_SLOPE


def browser_contract(page_ids: dict[str, dict[str, str]] | None = None, uploads: list[dict] | None = None,
                     page_settings: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Everything the browser code needs to know from Python, as plain JSON."""
    return {
        "hidden_activations": list(HIDDEN_ACTIVATIONS),
        "output_activations": list(OUTPUT_ACTIVATIONS),
        "costs": list(COSTS),
        "probability_outputs": sorted(COSTS["cross_entropy"].output_activations),
        "leaky_slope": LEAKY_SLOPE,
        "class_colours": list(CLASS_COLOURS),
        "positive_colour": POSITIVE_COLOUR,
        "negative_colour": NEGATIVE_COLOUR,
        "routes": dict(api.ROUTES),
        "share_prefix": SHARE_PREFIX,
        "stores": {"data": session.DATA, "network": session.NETWORK, "settings": session.SETTINGS,
                   "training": session.TRAINING, "descent": session.DESCENT, "key": session.KEY},
        "ids": page_ids or {},
        "settings": page_settings or {},  # each page's constants its browser code shares
        # Uploads over their limit are refused by the browser before sending: the page says so.
        "uploads": uploads or [],
    }


def contract_script(contract: dict[str, Any]) -> str:
    """The contract as an inline script; '</' is escaped so no value can end the script early."""
    text = json.dumps(contract, separators=(",", ":")).replace("</", "<\\/")
    return f"<script>window.playgroundContract = {text};</script>"
