"""A session's trained model on the server: the network, its test-set outputs and what it was trained on.

Image networks are too large for the browser's session (tens of megabytes), so they stay in
the job store under the session's key: the image page's job writes one when it finishes (or
an upload does), the image page's views and the landscape page's slice read it. The session
itself holds only its description (``about``: the data set, the network's layer list without
weights, the test accuracy, which job made it), in the image page's view state.
"""

from __future__ import annotations

import io

import numpy as np

from playground.app.server.jobs import JobStore
from playground.engine import load_network_bytes, network_bytes
from playground.engine.persistence import load_array
from playground.limits import current as current_limits


def key_of(kind: str, session: str) -> str:
    """The store's key of one part of a session's model ("model", "predictions", "about")."""
    return f"images:{kind}:{session}"


def model_bytes(store: JobStore, session: str) -> bytes | None:
    """The session's model as an .npz file (None: it has none)."""
    return store.get_bytes(key_of("model", session))


def model_about(store: JobStore, session: str) -> dict | None:
    """What the session's model was trained on, and how well it did (None: it has none)."""
    return store.get(key_of("about", session))


def save_model(store: JobStore, session: str, network, predictions: np.ndarray, about: dict) -> None:
    """Keep a model, its test-set predictions (float16 probabilities) and what it was trained on;
    ``StoreFull`` (and nothing kept or lost) when the store has no room for them."""
    model, outputs = network_bytes(network), array_bytes(predictions.astype(np.float16))
    store.room_for(len(model) + len(outputs), current_limits().stored_bytes)
    store.put_bytes(key_of("model", session), model)
    store.put_bytes(key_of("predictions", session), outputs)
    store.put(key_of("about", session), about)


def load_model(store: JobStore, session: str):
    """(network, test-set outputs as float32, about) of the session's model, or None when it has none."""
    raw, about = model_bytes(store, session), model_about(store, session)
    outputs = store.get_bytes(key_of("predictions", session))
    if raw is None or about is None or outputs is None:
        return None
    return load_network_bytes(raw), bytes_array(outputs).astype(np.float32), about


def array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def bytes_array(raw: bytes) -> np.ndarray:
    return load_array(io.BytesIO(raw))
