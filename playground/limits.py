"""One set of limits for everything a request can ask for: checked before anything is allocated.

The training route, the Dash callbacks, share links, uploads and model files all read their
bounds from here. The person who runs the server can change any of them:

    playground serve --limit points=20000 --limit request_seconds=1
    PLAYGROUND_LIMITS="points=20000,request_seconds=1" playground serve

``current()`` is the set in force, read from the environment (so a server started with other
limits passes them on to its worker processes); nothing else holds them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

from playground.engine.footprint import MAX_MEMORY_BYTES, MAX_MULTIPLY_ADDS

ENVIRONMENT_VARIABLE = "PLAYGROUND_LIMITS"


@dataclass(frozen=True)
class Limits:
    """Every bound a request meets (sizes in bytes unless said otherwise)."""

    training_body_bytes: int = 2_000_000  # one request of the play loop
    callback_body_bytes: int = 10_000_000  # a Dash callback (uploads arrive inside these)
    model_upload_bytes: int = 64_000_000  # a model file sent to the image page's model route
    json_depth: int = 64  # nesting of any JSON the server reads (bodies, links, files)
    points: int = 10_000  # points of the 2-D playground's data
    classes: int = 10
    hidden_layers: int = 6  # the playground's networks …
    layer_width: int = 32  # … and their widths
    batches_per_request: int = 10_000  # a request may ask for this many; the time budget stops it sooner
    request_seconds: float = 0.5  # CPU time one request may spend training (its thread's)
    # Multiply-adds one request may spend drawing a view of the data (a cost surface, a race, an
    # evolution): about 0.4 s of a core here. Past it the view uses a sample of the points.
    view_multiply_adds: int = 1_000_000_000
    view_seconds: float = 1.0  # CPU time a view that steps (the optimizer race) may take, all runners together
    finite_difference_parameters: int = 400  # timing the slow way exactly; above it, estimated from a sample
    share_link_characters: int = 100_000
    share_link_inflated_bytes: int = 2_000_000
    json_upload_bytes: int = 5_000_000
    csv_bytes: int = 1_000_000
    model_file_bytes: int = 64_000_000
    model_parameters: int = 50_000_000
    # The most one sample may cost through a network the server runs (a model file, the image
    # page's networks): multiply-adds, and bytes of parameters plus the largest layer's numbers.
    model_multiply_adds: int = MAX_MULTIPLY_ADDS
    model_memory_bytes: int = MAX_MEMORY_BYTES
    # What the job store may hold for all sessions together (trained models and their predictions):
    # past it a new model is refused with a message, and nothing of another session is evicted.
    stored_bytes: int = 700_000_000
    heavy_requests: int = 2  # requests over heavy_request_bytes in work at once, per process; more get 429
    heavy_request_bytes: int = 200_000
    work_slots: int = 2  # training requests computing at once, per process; the rest wait their fair turn
    body_seconds: float = 10.0  # a request's whole body must arrive within this
    client_requests: int = (
        16  # requests one session (or one address without a session) may have in work at once, per process
    )
    address_requests: int = 400  # … one address may have in all: a lecture hall behind one NAT is 200 sessions
    formula_characters: int = 200
    jobs: int = 2  # image-training jobs running at once on this server (one per session at most)
    job_heartbeat_seconds: float = 45.0  # a job whose page has not been heard from for this long stops
    image_parameters: int = 10_000_000  # the largest network the image page trains
    # Rooms (SPEC F28, docs/rooms.md): a room expires this long after its last activity; …
    room_hours: float = 4.0
    room_students: int = 500  # … seats in one room
    rooms: int = 1000  # … rooms open at once on this server (or class)
    room_action_seconds: float = 0.5  # one student's submissions, trainings and votes: at most one this often
    nickname_characters: int = 24

    def model_limits(self) -> dict[str, int]:
        """The keyword arguments of ``load_network`` that bound a model by its size and its cost."""
        return {
            "max_parameters": self.model_parameters,
            "max_multiply_adds": self.model_multiply_adds,
            "max_memory_bytes": self.model_memory_bytes,
        }

    def max_parameters_of_playground(self) -> int:
        """The most weights and biases a playground network within these limits can have."""
        width = self.layer_width
        return (2 + 1) * width + (self.hidden_layers - 1) * (width + 1) * width + (width + 1) * self.classes


def parse(text: str, base: Limits | None = None) -> Limits:
    """Limits from 'name=value,name=value' (or repeated --limit), on top of ``base``; ValueError names what is wrong."""
    base = base or Limits()
    known = {f.name: f.type for f in fields(Limits)}
    changes: dict[str, Any] = {}  # int or float, as each field is
    for part in [p.strip() for p in str(text or "").replace(";", ",").split(",") if p.strip()]:
        name, _, value = part.partition("=")
        name = name.strip().replace("-", "_")
        if name not in known:
            raise ValueError(f"unknown limit {name!r}; the limits are: {', '.join(known)}")
        kind = float if "float" in str(known[name]) else int
        try:
            number = kind(value.strip().replace("_", ""))
        except ValueError:
            raise ValueError(
                f"limit {name}: {value.strip()!r} is not a {'number' if kind is float else 'whole number'}"
            ) from None
        if not number > 0:
            raise ValueError(f"limit {name} must be above 0")
        changes[name] = number
    return replace(base, **changes)


def current() -> Limits:
    """The limits in force: the defaults with ``$PLAYGROUND_LIMITS`` applied."""
    return _parsed(os.environ.get(ENVIRONMENT_VARIABLE, ""))


@lru_cache(maxsize=16)
def _parsed(text: str) -> Limits:  # every request reads the limits several times: parse each text once
    return parse(text)


def put_in_force(limits: Limits) -> None:
    """Put these limits in force in this process and in the worker processes it starts."""
    os.environ[ENVIRONMENT_VARIABLE] = ",".join(
        f"{f.name}={getattr(limits, f.name)}" for f in fields(Limits) if getattr(limits, f.name) != f.default
    )
