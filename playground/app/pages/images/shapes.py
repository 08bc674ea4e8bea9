"""The image page's shapes: its view state in the session (the settings, the model's description)
and its drawing route's body and answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from playground.app.pages.images.logic import DATA_LABELS
from playground.app.session.shapes import Layer, Name, Shape

Number = float | None  # a number box may be empty while a person types


class Augment(Shape):
    rotate: float = 0
    scale: float = 0
    shift: float = 0
    noise: float = 0


class Config(Shape):
    """What the image page's controls hold: a training recipe (``logic.check_config`` checks it
    before a job starts; here only its shape, so a half-typed value survives a reload)."""

    data: Literal[tuple(DATA_LABELS)]  # type: ignore[valid-type]
    layers: Annotated[str, Field(max_length=200)] | None
    activation: Name
    output: Name
    cost: Name
    optimizer: Name
    learn_rate: Number
    decay: Number
    momentum: Number
    batch_size: Number
    epochs: Number
    l2: Number
    input_noise: Number
    seed: Number
    train_samples: Number = None
    augment: Augment = Augment()
    flip: bool = False
    standardize: bool | None = None
    shuffled_labels: bool = False


class Model(Shape):
    """The session's trained image network as the session describes it: its layer list (the
    engine's, without the weights, which stay on the server), what it was trained on, how well."""

    job: Annotated[str, Field(max_length=64)]
    data: Name
    network: Annotated[str, Field(max_length=500)]
    layers: list[Layer]
    input_shape: list[Annotated[int, Field(ge=1)]]
    test_accuracy: float | None = None
    epochs: Annotated[int, Field(ge=0)] | None = None


class ImagesView(Shape):
    """``session-view-images``: the controls' settings, and the session's model (when it has one)."""

    config: Config
    model: Model | None = None


class DrawRequest(Shape):
    """A drawing: the session's key, the side of the square it was averaged down to, its ink (base64)."""

    key: Annotated[str, Field(max_length=64)]
    side: Annotated[int, Field(ge=28, le=560)]
    pixels: Annotated[str, Field(max_length=420_000)]


class DrawAnswer(Shape):
    """What the network sees of the drawing, step by step, and its ranking of the classes."""

    steps: list[list[Any]]
    ranking: list[list[Any]]
