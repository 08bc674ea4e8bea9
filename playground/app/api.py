"""The browser routes: plain JSON requests the pages' own code sends, outside Dash callbacks.

The playground's play loop posts the session's state to ``/_playground/train`` once per
frame and paints the answer: a Dash callback per frame would cost a page-wide React pass
each time. Every route is stateless (the browser owns the session), so sessions never mix.
Bad input gets a 400 with a message, never a 500.
"""

from __future__ import annotations

from typing import Any

from playground.app import state as states
from playground.engine import TrainingSettings
from playground.limits import current as current_limits

TRAIN_ROUTE = "/_playground/train"
DRAW_ROUTE = "/_playground/draw"  # the image page: a drawing in, what the network sees and says out
MODEL_ROUTE = "/_playground/model"  # the image page: an uploaded model file (raw bytes)
ROUTES = {"train": TRAIN_ROUTE, "draw": DRAW_ROUTE, "model": MODEL_ROUTE}
# Which limit bounds each route's body (``playground.limits``); other requests: callback_body_bytes.
BODY_LIMITS = {TRAIN_ROUTE: "training_body_bytes", DRAW_ROUTE: "training_body_bytes",
               MODEL_ROUTE: "model_upload_bytes"}

# Without an explicit setting, a request trains as the playground's defaults do.
DEFAULT_LEARN_RATE = 3.0
DEFAULT_BATCH_SIZE = 10


def training_settings(settings: Any) -> TrainingSettings:
    """The engine's settings from a request's (raises ``StateError`` on a bad value)."""
    settings = states.check_settings(settings if settings is not None else {})
    return TrainingSettings(
        learn_rate=float(settings.get("learn_rate", DEFAULT_LEARN_RATE)),
        batch_size=int(settings.get("batch_size", DEFAULT_BATCH_SIZE)),
        optimizer=settings.get("optimizer", "sgd"), momentum=float(settings.get("momentum", 0.9)),
        l2=float(settings.get("l2") or 0), gradient=settings.get("gradient", "backprop"),
        seed=int(settings.get("seed") or 0))


def requested_batches(value: Any) -> int | None:
    """``batches`` of a request: None (to the end of the epoch) or a whole number within the limit."""
    limit = current_limits().batches_per_request
    if value is None:
        return None
    if not states.is_number(value) or value != int(value) or not 1 <= value <= limit:
        raise states.StateError(f"batches: a whole number from 1 to {limit:,} (or null for one epoch)")
    return int(value)


def train_request(body: dict[str, Any]) -> dict[str, Any]:
    """One request of the play loop: train from the state the browser sent, return the new state.

    ``body`` holds network, data, trainer (position and optimizer memory), settings and
    ``batches`` (1 for *step*, null for one epoch per animation frame) and ``time_both``
    (also time one batch by the other gradient method, for the side-by-side). Work stops
    when the request's CPU budget runs out; ``stopped`` then says after how many batches.
    """
    from playground.app.pages.playground.logic import time_other_method, train_session

    settings = training_settings(body.get("settings"))
    batches = requested_batches(body.get("batches"))
    run = train_session(body["network"], body["data"], settings, body.get("trainer"), batches)
    summary = run.trainer.evaluate()
    seconds, estimated = {settings.gradient: run.seconds_per_batch}, []
    if body.get("time_both", True):
        other = "finite_differences" if settings.gradient == "backprop" else "backprop"
        seconds[other], guessed = time_other_method(run.trainer, other)
        estimated += [other] if guessed else []
    trainer = run.trainer
    return {
        "network": states.network_to_dict(run.network),
        "trainer": run.trainer_state,
        "epoch": round(trainer.epoch + trainer.position / max(len(trainer.inputs), 1), 4),
        "train_cost": summary.train_cost, "test_cost": summary.test_cost,
        "timing": {method: 1000 * value for method, value in seconds.items()}, "timing_estimated": estimated,
        "batches": run.batches, "stopped": run.stopped, "cpu_seconds": round(run.cpu_seconds, 4),
        "diverged": trainer.diverged,
        "start": run.start,  # the costs before training, when this request began a run (epoch 0)
        # A single step: which training points its mini-batch was (the page highlights them).
        "batch": trainer.last_batch.tolist() if batches == 1 and trainer.last_batch is not None else None,
    }


def train_answer(body: Any) -> tuple[int, dict[str, Any]]:
    """(status, answer) of the training route for a parsed body: 200 and the new state, or 400
    and a clear message."""
    if not isinstance(body, dict) or "network" not in body or "data" not in body:
        return 400, {"error": "expected JSON with network, data, trainer and settings"}
    try:
        return 200, train_request(body)
    except (ValueError, KeyError, TypeError, OverflowError) as error:
        return 400, {"error": str(error)}


def train_route():
    """Flask view for ``TRAIN_ROUTE``: JSON in, JSON out; bad input gets a 400 with a clear message."""
    from flask import jsonify, request

    status, answer = train_answer(request.get_json(silent=True))
    return jsonify(answer), status


def register_routes(server) -> None:
    """Add every browser route to the Flask server."""
    server.add_url_rule(TRAIN_ROUTE, "playground_train", train_route, methods=["POST"])
