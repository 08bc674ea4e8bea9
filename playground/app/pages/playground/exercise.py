"""Exercise links (SPEC F26, what TensorFlow Playground's ``hide=`` does, and more): pure logic.

A teacher ticks which controls, weight-layers and single weights students see and may change,
writes a task line and chooses when it is met (a cost or an accuracy against a threshold); the
link opens with those hidden or locked and the task on top, and the page says "done ✓" when the
condition holds (``assets/exercise.js``, which checks it on every repaint from the readouts).

The exercise is part of the playground's view state (``PlaygroundView.exercise``): it travels in
share links and JSON files and is checked on both sides like every store. A link or file whose
exercise is broken still opens: the rest loads, and the page says what was wrong with it.

Hidden means not displayed; locked means shown but not usable (no pointer, no keyboard, and the
page never hands the session a locked weight's change). Training holds them still too: each
training request names them (``held_layers``, ``held_weights``) and the server puts them back
after every step, so the rest of the network learns around them.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Strict, Tag, TypeAdapter, WithJsonSchema, model_validator

from playground.app.pages.playground import ids
from playground.app.session import model
from playground.app.session.jsontext import load_json
from playground.app.session.shapes import Shape, check_shape
from playground.limits import current as current_limits

TASK_CHARACTERS = 200
MAX_ADDRESSES = 500  # single weights hidden or locked (each list)
MAX_WEIGHT_LAYERS = 64  # weight-layers are numbered 1 … this (the playground allows far fewer)
MAX_INDEX = 4096  # a node's number within a layer (rows and columns of W, nodes of b)


@dataclass(frozen=True)
class Control:
    """A control a teacher may hide or lock: its name in the panel and the page's elements it is."""

    label: str
    selectors: tuple[str, ...]  # CSS selectors of its elements on the page
    wrapped: bool = True  # the element's labelled box (``.control``) is what hides, when it has one


def by_id(*names: str) -> tuple[str, ...]:
    return tuple(f"#{name}" for name in names)


# In the order of the page: the play line, the other knobs, what the boundary panel shows, the panels below.
CONTROLS: dict[str, Control] = {
    "reset": Control("reset", by_id(ids.RESET)),
    "step": Control("step", by_id(ids.STEP)),
    "play": Control("play / pause", by_id(ids.PLAY)),
    "play_speed": Control("play speed", by_id(ids.PLAY_SPEED)),
    "learn_rate": Control("learn rate", by_id(ids.LEARN_RATE)),
    "batch_size": Control("batch size", by_id(ids.BATCH_SIZE)),
    "lesson": Control("learn-rate lessons", by_id(ids.LR_LESSON)),
    "optimizer": Control("optimizer", by_id(ids.OPTIMIZER)),
    "momentum": Control("momentum", by_id(ids.MOMENTUM)),
    "l2": Control("L2", by_id(ids.L2)),
    "l1": Control("L1", by_id(ids.L1)),
    "gradient": Control("gradient method", by_id(ids.GRADIENT)),
    "view_options": Control("discretize / show test data", (".view-options",), wrapped=False),
    "readouts": Control("cost and accuracy table", by_id(ids.READOUTS), wrapped=False),
    "cost_curve": Control("cost curve", (*by_id(ids.COST_GRAPH), ".cost-log"), wrapped=False),
    "diagram": Control(
        "network diagram", (*by_id(ids.NETWORK_CANVAS, ids.DIAGRAM_LEGEND), ".diagram-tools"), wrapped=False
    ),
    "data": Control("data (its panel, clicks on the plane)", (".data-column",), wrapped=False),
    "network": Control("network panel", (".network-column",), wrapped=False),
    "evolution": Control("evolution race", (".evolution-section",), wrapped=False),
}
CONTROL_NAMES = tuple(CONTROLS)

MEASURES = {
    "test_cost": "test cost",
    "train_cost": "train cost",
    "test_accuracy": "test accuracy",
    "train_accuracy": "train accuracy",
}
COMPARISONS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}

ControlName = Literal[CONTROL_NAMES]  # type: ignore[valid-type]
WeightLayer = Annotated[int, Field(ge=1, le=MAX_WEIGHT_LAYERS), Strict()]
Index = Annotated[int, Field(ge=0, lt=MAX_INDEX), Strict()]
# A weight or a bias as the sliders name it: ["W", layer, row, column] or ["b", layer, node]
# (JSON has no tuples: a list of that length and those types).
WeightAddress = Annotated[tuple[Literal["W"], WeightLayer, Index, Index], Strict(False)]
BiasAddress = Annotated[tuple[Literal["b"], WeightLayer, Index], Strict(False)]


def address_kind(value: Any) -> str | None:
    if isinstance(value, list | tuple) and value and value[0] in ("W", "b"):
        return str(value[0])
    return None


# Told apart by the first item (so a wrong one is named as such); the browser's schema is the
# same two shapes as an anyOf (assets/contract.js checks anyOf, not oneOf).
Address = Annotated[
    Annotated[WeightAddress, Tag("W")] | Annotated[BiasAddress, Tag("b")],
    Discriminator(address_kind, custom_error_type="address", custom_error_message='["W", l, i, j] or ["b", l, j]'),
    WithJsonSchema({"anyOf": [TypeAdapter(WeightAddress).json_schema(), TypeAdapter(BiasAddress).json_schema()]}),
]
Addresses = Annotated[list[Address], Field(max_length=MAX_ADDRESSES)]
Controls = Annotated[list[ControlName], Field(max_length=len(CONTROL_NAMES))]
Layers = Annotated[list[WeightLayer], Field(max_length=MAX_WEIGHT_LAYERS)]


class Condition(Shape):
    """When the task is met: a measure the readouts show against the teacher's threshold (a cost
    as the readouts show it; an accuracy in %, 0 … 100)."""

    measure: Literal[tuple(MEASURES)]  # type: ignore[valid-type]
    comparison: Literal[tuple(COMPARISONS)]  # type: ignore[valid-type]
    threshold: Annotated[float, Field(ge=0, le=1e6)]

    @model_validator(mode="after")
    def accuracy_is_a_percentage(self) -> Condition:
        if self.measure.endswith("accuracy") and self.threshold > 100:
            raise ValueError("an accuracy's threshold is a percentage, 0 … 100")
        return self


class Exercise(Shape):
    """What students see and may change, and their task (``PlaygroundView.exercise``)."""

    task: Annotated[str, Field(max_length=TASK_CHARACTERS)] = ""
    hidden: Controls = []
    locked: Controls = []
    hidden_layers: Layers = []  # weight-layers whose sliders are hidden (W[l] and b[l])
    locked_layers: Layers = []
    hidden_weights: Addresses = []
    locked_weights: Addresses = []
    condition: Condition | None = None


# ------------------------------------------------------------------ checking and describing


def check_exercise(value: Any) -> dict:
    """An exercise as a link, a file or the panel gives it: its shape (ValueError naming the problem)."""
    check_shape(Exercise, value, "exercise")
    return value


def as_json(exercise: Exercise) -> dict:
    """An exercise as the view stores it (addresses as lists: JSON's arrays)."""
    return Exercise.model_validate(exercise).model_dump(mode="json")


def condition_text(condition: dict | None) -> str:
    """'test cost < 0.05', 'train accuracy ≥ 95 %' ('' without a condition)."""
    if not condition:
        return ""
    threshold = f"{condition['threshold']:g}"
    unit = " %" if condition["measure"].endswith("accuracy") else ""
    return f"{MEASURES[condition['measure']]} {COMPARISONS[condition['comparison']]} {threshold}{unit}"


def measured(condition: dict, train: dict | None, test: dict | None, cost: str) -> float | None:
    """The condition's measure from the readouts' numbers (``train``/``test``: {quadratic,
    cross_entropy, accuracy}, accuracy a fraction; ``cost``: the network's cost), None when the
    data has no such part. The cost is the network's own, without the L1 and L2 terms."""
    part = train if condition["measure"].startswith("train") else test
    if not part:
        return None
    if condition["measure"].endswith("accuracy"):
        return 100 * part["accuracy"]
    return part.get(cost)


def condition_met(condition: dict, value: float | None) -> bool:
    """Whether ``value`` meets the condition (the browser's twin: exercise.js ``met``)."""
    if value is None:
        return False
    threshold, comparison = condition["threshold"], condition["comparison"]
    return {
        "<": value < threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        ">=": value >= threshold,
    }[comparison]


def exercise_from_panel(
    task: str | None,
    hidden: list | None,
    locked: list | None,
    hidden_layers: list | None,
    locked_layers: list | None,
    weights: dict | None,
    measure: str | None,
    comparison: str | None,
    threshold: Any,
) -> dict:
    """The exercise the teacher's panel describes (ValueError saying what to fix)."""
    weights = weights or {}
    condition = None
    if measure:
        if not isinstance(threshold, int | float) or isinstance(threshold, bool):
            raise ValueError(f"give the threshold for the {MEASURES.get(measure, 'condition')}")
        condition = {"measure": measure, "comparison": comparison or "<", "threshold": float(threshold)}
    hidden_controls = [name for name in CONTROL_NAMES if name in (hidden or [])]
    task = (task or "").strip()
    if len(task) > TASK_CHARACTERS:
        raise ValueError(f"the task is {len(task)} characters: at most {TASK_CHARACTERS}")
    exercise: dict[str, Any] = {
        "task": task,
        "hidden": hidden_controls,
        # A control both hidden and locked is hidden.
        "locked": [name for name in CONTROL_NAMES if name in (locked or []) and name not in hidden_controls],
        "hidden_layers": sorted(set(hidden_layers or [])),
        "locked_layers": sorted(set(locked_layers or []) - set(hidden_layers or [])),
        "hidden_weights": list(weights.get("hidden") or []),
        "locked_weights": list(weights.get("locked") or []),
        "condition": condition,
    }
    check_exercise(exercise)
    if not (
        exercise["task"] or condition or any(exercise[key] for key in exercise if key not in ("task", "condition"))
    ):
        raise ValueError("write a task, choose a condition, or hide or lock something first")
    return exercise


# ------------------------------------------------------------------ links and files with a broken exercise


def bad_exercise(state: Any) -> tuple[Any, str] | None:
    """A raw state whose playground view holds a broken exercise: (the state without it, what was
    wrong); None when there is no exercise or it is fine."""
    views = state.get("views") if isinstance(state, dict) else None
    view = views.get("playground") if isinstance(views, dict) else None
    if not isinstance(views, dict) or not isinstance(view, dict) or view.get("exercise") is None:
        return None
    try:
        check_exercise(view["exercise"])
    except ValueError as error:
        kept = {**state, "views": {**views, "playground": {k: v for k, v in view.items() if k != "exercise"}}}
        return kept, str(error)
    return None


def as_state_error(error: ValueError) -> model.StateError:
    """The session's checks raise StateError, or ValueError for a page's view: a StateError either way."""
    return error if isinstance(error, model.StateError) else model.StateError(str(error))


def without_bad_exercise(raw: Any, error: ValueError, where: str) -> tuple[dict, str]:
    """A state that failed its check: loaded without its broken exercise, and the message saying
    so; the original error when the exercise was not (or not all) that was wrong."""
    found = bad_exercise(raw)
    if found is None:
        raise as_state_error(error)
    kept, problem = found
    try:
        state = model.check_state(kept)  # anything else wrong is said as it would have been
    except ValueError as other:
        raise as_state_error(other) from None
    return state, f"{where}'s exercise could not be used ({problem}); the rest of {where} loaded"


def link_state(fragment: str) -> tuple[dict, str | None]:
    """The state of a share link (``model.decode_share``), and a message when its exercise was broken
    and left out (StateError when the link cannot be loaded at all)."""
    try:
        return model.decode_share(fragment), None
    except ValueError as error:
        return without_bad_exercise(raw_link(fragment, as_state_error(error)), error, "the link")


def file_state(text: str | bytes) -> tuple[dict, str | None]:
    """The state of a JSON file (``model.state_from_json``), as ``link_state`` does for a link."""
    try:
        return model.state_from_json(text), None
    except ValueError as error:
        try:
            raw = load_json(text, "the file", current_limits().json_depth)
        except ValueError:
            raise as_state_error(error) from None
        return without_bad_exercise(raw, error, "the file")


def raw_link(fragment: str, error: model.StateError) -> Any:
    """The JSON a link holds, unchecked, within the same bounds ``model.decode_share`` keeps (its
    length, what it inflates to, the JSON's depth); ``error`` again when it has none."""
    limits = current_limits()
    if not isinstance(fragment, str) or len(fragment) > limits.share_link_characters + len(model.SHARE_PREFIX) + 1:
        raise error
    text = fragment.lstrip("#").removeprefix(model.SHARE_PREFIX)
    try:
        inflater = zlib.decompressobj()
        inflated = inflater.decompress(
            base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), limits.share_link_inflated_bytes
        )
        if inflater.unconsumed_tail or not inflater.eof:
            raise error
        return load_json(inflated, "the link's state", limits.json_depth)
    except (ValueError, zlib.error):
        raise error from None


# ------------------------------------------------------------------ what the browser is told


def browser_config() -> dict:
    """What ``assets/exercise.js`` needs beyond the page's ids: each control's elements, the names."""
    return {
        "controls": {name: {"selectors": list(c.selectors), "wrapped": c.wrapped} for name, c in CONTROLS.items()},
        "measures": MEASURES,
        "comparisons": COMPARISONS,
    }
