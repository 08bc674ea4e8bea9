"""The shapes of everything that crosses between Python and the browser, described once.

Each session store, each change a page hands the session, and each browser route's body and
answer is a pydantic model here (a page's own view state and routes have theirs in its
``shapes.py``). Python checks what arrives against them (``check_shape``); the browser is
handed their JSON Schemas in the contract and checks what it sends and receives against the
same (``assets/contract.js``). Bounds that depend on the server's limits (points, widths,
parameters, classes) come after the shape, in ``playground.app.session.model``.

Strict: a number is a number (never a bool or a text), an integer has no fraction, and
nothing is infinite or NaN; a dictionary holds exactly the keys described.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import models_json_schema

from playground.engine import LAYER_TYPES, OPTIMIZERS
from playground.engine.training import GRADIENT_METHODS

MAX_NAME_CHARACTERS = 100  # a class, feature, file or data set name
SEED_LIMIT = 2**32  # seeds are 0 … 2³² − 1, as NumPy's generators take them
HISTORY_LIMIT = 10_000  # points of a cost history (the page keeps 2,000)
MAX_HELD_LAYERS, MAX_HELD_WEIGHTS = (
    40,
    1000,
)  # an exercise's locked and hidden ones together (pages/playground/exercise.py: 500 each)


class Shape(BaseModel):
    """A shape of the contract: strict, finite, no keys beyond those described."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


Name = Annotated[str, Field(max_length=MAX_NAME_CHARACTERS)]
Seed = Annotated[int, Field(ge=0, lt=SEED_LIMIT)]
Whole = Annotated[int, Field(ge=0)]
Point = Annotated[list[float], Field(min_length=2, max_length=2)]
Label = Annotated[int, Field(ge=0)]
Task = Literal["classification", "regression"]
# Classes (whole numbers 0…k − 1) for classification, real targets for regression.
Labels = list[Label] | list[float]
# A parameter array as nested lists: a bias (1-D), a dense layer's weights (2-D), a conv layer's (4-D).
Array = list[float] | list[list[float]] | list[list[list[list[float]]]]
# A weight or bias as the sliders name it: ["W", layer, row, column] or ["b", layer, node] (layers from 1).
Address = Annotated[list[str | int], Field(min_length=3, max_length=4)]


# ------------------------------------------------------------------ the session's stores


class Generator(Shape):
    """How generated points were made (a toy set's name and its generator's settings)."""

    name: Name
    noise: Annotated[float, Field(ge=0, le=1)]
    test_fraction: Annotated[float, Field(ge=0, le=0.9)]
    seed: Seed
    n_samples: Annotated[int, Field(ge=1)]


class Points(Shape):
    """``session-data``: the 2-D points, train and test, and how they were made. A classification's
    labels are its classes (``class_names``: at least one); a regression's are real targets (no
    class names)."""

    name: Name
    task: Task = "classification"  # older links and files: classification
    class_names: list[Name]
    feature_names: Annotated[list[Name], Field(min_length=2, max_length=2)]
    train_inputs: list[Point]
    train_labels: Labels
    test_inputs: list[Point]
    test_labels: Labels
    generator: Generator | None = None  # made by a toy set's generator (and nothing else since)
    made_with: Generator | None = None  # the generator the points were last made with, before own changes
    source: Name | None = None  # where own points came from: a file, a link, clicks


class Layer(Shape):
    """One layer as the engine describes it (``Layer.to_dict()``), with its parameters."""

    type: Literal[tuple(LAYER_TYPES)]  # type: ignore[valid-type]
    inputs: Annotated[int, Field(ge=1)] | None = None
    outputs: Annotated[int, Field(ge=1)] | None = None
    activation: Name | None = None
    in_channels: Annotated[int, Field(ge=1)] | None = None
    out_channels: Annotated[int, Field(ge=1)] | None = None
    kernel_size: Annotated[list[int], Field(min_length=2, max_length=2)] | None = None
    stride: Annotated[int, Field(ge=1)] | None = None
    padding: str | Whole | None = None
    size: Annotated[int, Field(ge=1)] | None = None
    weights: Array | None = None
    biases: list[float] | None = None


class NetworkShape(Shape):
    """``session-network``: a network as the engine writes it (``network_to_json``), the same
    description a saved ``.npz`` file holds."""

    format: Literal["neural-playground-network"] | None = None
    version: Annotated[int, Field(ge=1)] | None = None
    input_shape: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1, max_length=3)]
    cost: Name
    dtype: Literal["float32", "float64"] | None = None
    seed: Seed | None = None
    layers: Annotated[list[Layer], Field(min_length=1)]
    task: Task | None = None  # absent: classification (as the engine writes it)
    input_names: Annotated[list[Name], Field(min_length=1, max_length=16)] | None = None  # feature inputs


class Settings(Shape):
    """``session-settings``: gradient descent's knobs and the seeds."""

    learn_rate: Annotated[float, Field(ge=1e-6, le=1e6)]
    batch_size: Annotated[int, Field(ge=1)]
    optimizer: Literal[tuple(OPTIMIZERS)]  # type: ignore[valid-type]
    momentum: Annotated[float, Field(ge=0, le=0.999)]
    l2: Annotated[float, Field(ge=0, le=100)]
    l1: Annotated[float, Field(ge=0, le=100)] = 0  # beside L2, as TensorFlow Playground has it (older links: 0)
    gradient: Literal[tuple(GRADIENT_METHODS)]  # type: ignore[valid-type]
    weight_seed: Seed  # new weights (reset) and the order of the mini-batches
    play_speed: Annotated[float, Field(ge=0, le=100)] = 0  # epochs a second while playing; 0: as fast as it goes


class Memory(Shape):
    """An optimizer's memory (velocities, running averages, a step count) as plain numbers."""

    optimizer: Name
    velocities: list[Array] | None = None
    means: list[Array] | None = None
    squares: list[Array] | None = None
    steps: Whole | None = None


class Trainer(Shape):
    """Where training continues from: the epoch, the samples of it used, the optimizer's memory."""

    epoch: Whole = 0
    position: Whole = 0
    memory: Memory | None = None


class History(Shape):
    """The cost over the epochs, train and test (None: no test points), and where a run diverged."""

    epoch: Annotated[list[float], Field(max_length=HISTORY_LIMIT)]
    train: Annotated[list[float | None], Field(max_length=HISTORY_LIMIT)]
    test: Annotated[list[float | None], Field(max_length=HISTORY_LIMIT)]
    diverged_at: Annotated[float, Field(ge=0)] | None = None


class Training(Shape):
    """``session-training``: the trainer's position and memory, and the cost history."""

    trainer: Trainer
    history: History


class Change(Shape):
    """What a page hands the session: new values for some of its stores (``set``: store name →
    value, each of its store's shape). The session's reducer is the only writer of the stores."""

    id: Annotated[str, Field(min_length=1, max_length=64)]
    set: dict[str, Any]
    merge: list[Name] = []  # the parts whose given keys are set, the rest kept


class Revision(Shape):
    """``session-revision``: which change the stores hold last (the play loop tells its own apart)."""

    id: Annotated[str, Field(max_length=64)]
    source: Annotated[str, Field(max_length=100)]
    parts: list[Name]


# ------------------------------------------------------------------ the training route


class TrainRequest(Shape):
    """The play loop's request: train the network on the points from where the trainer is."""

    network: NetworkShape
    data: Points
    settings: Settings
    trainer: Trainer
    batches: Annotated[int, Field(ge=1)] | None = None  # None: to the end of this epoch (one frame of play)
    time_both: bool = True  # also time one batch by the other gradient method
    train_only: Annotated[list[Address], Field(min_length=1, max_length=2)] | None = None  # the rest held
    # What training leaves as it is (an exercise's locked and hidden weight-layers and weights).
    held_layers: Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=MAX_HELD_LAYERS)] | None = None
    held_weights: Annotated[list[Address], Field(max_length=MAX_HELD_WEIGHTS)] | None = None


class Costs(Shape):
    epoch: float
    train_cost: float | None
    test_cost: float | None


class TrainAnswer(Shape):
    """What a training request did, and the network and trainer after it."""

    network: NetworkShape
    trainer: Trainer
    epoch: float
    train_cost: float | None
    test_cost: float | None
    train_accuracy: float | None
    timing: dict[str, float]
    timing_estimated: list[str]
    batches: Whole
    ended: Literal["done", "budget", "diverged", "stopped"]
    message: str
    cpu_seconds: float
    diverged: str | None
    start: Costs | None  # the costs before training, when this request began a run (epoch 0)
    batch: list[Whole] | None  # a single step: which training points its mini-batch was


# ------------------------------------------------------------------ checking


def problem_text(error: ValidationError, what: str) -> str:
    """A validation error as one line a person can act on: where, and what was expected."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{what}{' ' + where if where else ''}: {first['msg'][0].lower()}{first['msg'][1:]}"


def check_shape(shape: type[Shape], value: Any, what: str) -> Any:
    """``value`` itself when it has ``shape``, else ValueError naming where it does not."""
    try:
        shape.model_validate(value)
    except ValidationError as error:
        raise ValueError(problem_text(error, what)) from None
    return value


def json_schemas(shapes: dict[str, type[Shape]]) -> tuple[dict[str, dict], dict[str, dict]]:
    """The JSON Schema of each shape by name (a ``$ref``), and the definitions they refer to: the
    models they share described once, without titles (the contract is in every page sent)."""
    references, schema = models_json_schema([(shape, "validation") for shape in shapes.values()])
    named = {name: references[(shape, "validation")] for name, shape in shapes.items()}
    return named, without_titles(schema.get("$defs", {}), names=True)


def without_titles(schema: Any, names: bool = False) -> Any:
    """A JSON Schema without its ``title`` keywords. ``names``: ``schema`` maps names to schemas
    (as ``properties`` and ``$defs`` do), so a key called "title" there is a name, kept."""
    if isinstance(schema, list):
        return [without_titles(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if names:
        return {name: without_titles(value) for name, value in schema.items()}
    return {
        key: without_titles(value, names=key in ("properties", "$defs"))
        for key, value in schema.items()
        if key != "title"
    }


CORE_SHAPES: dict[str, type[Shape]] = {
    "data": Points,
    "network": NetworkShape,
    "settings": Settings,
    "training": Training,
    "change": Change,
    "revision": Revision,
    "train_request": TrainRequest,
    "train_answer": TrainAnswer,
}
