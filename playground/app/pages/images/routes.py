"""The image page's browser routes: a drawing in, the network's view and answer out; a model file in.

Both name the session by its key (the browser module sends it) and read or write the
session's model in the job store (``server.models``). Bad input gets a 400 with a message
(the app's route machinery, ``server.routes``, answers for them).
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict

import numpy as np

from playground.app.pages.images import scoring
from playground.app.pages.images.evaluation import top_classes
from playground.app.pages.images.logic import DATA_LABELS
from playground.app.server.jobs import JobStore, check_session_key
from playground.app.server.models import model_about, model_bytes
from playground.data.drawing import PREPARE, mnist_steps
from playground.data.images import missing_data
from playground.engine import load_network_bytes

DRAW_SIDES = range(28, 561)  # the browser sends its canvas averaged down to a square this size


def drawing_from(body: dict) -> np.ndarray:
    """The drawing a request holds: ``side`` and ``pixels`` (base64 of side² bytes, ink high)."""
    side = body.get("side")
    if not isinstance(side, int) or side not in DRAW_SIDES:
        raise ValueError(f"side: a whole number from {DRAW_SIDES.start} to {DRAW_SIDES.stop - 1}")
    try:
        raw = base64.b64decode(str(body.get("pixels", "")), validate=True)
    except ValueError:
        raise ValueError("pixels: base64 of one byte per pixel") from None
    if len(raw) != side * side:
        raise ValueError(f"pixels: {side * side:,} bytes for a {side}×{side} drawing, not {len(raw):,}")
    return np.frombuffer(raw, dtype=np.uint8).reshape(side, side).astype(np.float32) / 255


def encoded(image: np.ndarray) -> dict:
    """An image as the browser paints it: its shape and base64 bytes (0–255)."""
    pixels = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
    return {"shape": list(pixels.shape), "pixels": base64.b64encode(pixels.tobytes()).decode()}


# A drawing asks every 80 ms: the session's network stays loaded between strokes, keyed by the
# session and its model's job id (a new model is a new entry; a model never changes under one id).
CACHED_NETWORKS = 16
CACHED_PARAMETERS = 5_000_000  # bigger networks are read from the store each time
_networks: OrderedDict = OrderedDict()
_networks_lock = threading.Lock()


def session_network(store: JobStore, key: str, job: str | None):
    """The session's model as a network (None when it has none)."""
    with _networks_lock:
        if (key, job) in _networks:
            _networks.move_to_end((key, job))
            return _networks[key, job]
    raw = model_bytes(store, key)
    if raw is None:
        return None
    network = load_network_bytes(raw)
    if network.n_parameters <= CACHED_PARAMETERS:
        with _networks_lock:
            _networks[key, job] = network
            while len(_networks) > CACHED_NETWORKS:
                _networks.popitem(last=False)
    return network


def draw(body: dict) -> dict:
    """What the network sees of a drawing, step by step, and its ranking of every class."""
    key = check_session_key(body.get("key"))
    image = drawing_from(body)
    with JobStore() as store:
        about = model_about(store, key)
        network = None if about is None else session_network(store, key, about.get("job"))
    if about is None or network is None:  # no network without its description
        raise ValueError("there is no network yet: train one (or load one) first")
    data = about["data"]
    if data == "cifar-10":
        raise ValueError("CIFAR-10 holds photos: drawing works for digits, clothes and doodles")
    steps = (
        mnist_steps(image) if data in ("mnist", "fashion-mnist") else {"raw": image, "network": PREPARE[data](image)}
    )
    output = network.forward(steps["network"].reshape(1, -1).astype(np.float32))[0]
    names = about["class_names"]
    return {
        "steps": [[name, encoded(step)] for name, step in steps.items()],  # in order (JSON objects are not)
        "ranking": [[names[k], share] for k, share in top_classes(output, len(names))],
    }


def upload(raw: bytes, query: dict) -> dict:
    """Make an uploaded model file the session's model: checked, then scored on the test set at
    once when that fits a request's budget, else by a job the page follows (``scoring``)."""
    key, data = check_session_key(query.get("key")), query.get("data")
    if data not in DATA_LABELS:
        raise ValueError(f"data set: one of {', '.join(DATA_LABELS)}")
    if missing_data(data, visitor=True):
        raise ValueError(missing_data(data, visitor=True))
    network, test = scoring.checked_network(raw, data)
    with JobStore() as store:
        if scoring.fits_a_request(network, test):
            return scoring.score_now(store, key, network, test, data, raw)
        return scoring.start_scoring(store, key, data, raw, network.describe())
