"""The backprop page's shapes: its step route's body and answer (``/_playground/backprop``).

The request is the session as the playground's *step* would take it (network, points, settings,
the trainer's position and memory) and the point of the batch whose numbers are shown; the
answer is every frame the page walks (a stage, or one layer of it), the step's numbers, the
gradient check, and what *apply this step* hands the session.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from playground.app.session.shapes import Costs, NetworkShape, Points, Settings, Shape, Trainer

MAX_BATCH_POINT = 10_000  # a row of the batch (the batch is at most the points)

Number = float | None  # None: not a finite number (a step that diverged)
Row = list[Number]


class SlowStepRequest(Shape):
    """The next step of the session's trainer, taken slowly, with ``point``'s numbers shown."""

    network: NetworkShape
    data: Points
    settings: Settings
    trainer: Trainer
    point: Annotated[int, Field(ge=0, le=MAX_BATCH_POINT)] = 0  # a row of the batch (the last if beyond it)


class Frame(Shape):
    """One view the page walks to with → and ←: a stage (1–4), or one layer of it."""

    stage: Literal[1, 2, 3, 4]
    name: Literal["forward", "cost", "backward", "update"]
    where: str  # "layer 1 of 2", or "" for a stage of one frame
    title: str
    caption: str  # the formula in the seed's words
    header: list[str]  # the numbers' table
    rows: list[list[str]]
    figure: dict[str, Any]  # the diagram (a Plotly figure)


class LayerNumbers(Shape):
    """One weight-layer's numbers: the chosen point's (z, a, δ) and the step's (gradients, update)."""

    weighted_inputs: Row
    activations: Row
    node_values: Row  # the point's own δ = ∂C/∂z
    weight_gradients: list[Row]  # the step's ∂C/∂W (the batch's mean, with L2 and L1)
    bias_gradients: Row
    weights_before: list[Row]
    weights_after: list[Row]
    biases_before: Row
    biases_after: Row


class GradientCheck(Shape):
    """Backprop's gradients against central finite differences, or why the check was not made."""

    done: bool
    largest_absolute: Number = None
    largest_relative: Number = None
    where: str = ""
    text: str


class BoundaryGlide(Shape):
    """The boundary on the data's plane, before the step and gliding to where the step leaves it."""

    figure: dict[str, Any]  # the network after the step, with the batch's points (a Plotly figure)
    # The heatmap's z at t = 0 … 1 of the step (the last: the figure's).
    glide: Annotated[list[list[Row]], Field(min_length=2)]


class SlowStepAnswer(Shape):
    """Every frame of the step, its numbers, and the session after it (when *apply* is pressed)."""

    frames: Annotated[list[Frame], Field(min_length=4)]
    point: Annotated[int, Field(ge=0)]  # the row shown (the request's, or the batch's last)
    batch: list[Annotated[int, Field(ge=0)]]  # which training points the batch is
    points: list[str]  # the batch's first rows (at most 200) as the point menu names them
    batch_text: str
    layers: list[LayerNumbers]
    batch_cost: Number
    learn_rate: float
    optimizer: str
    check: GradientCheck
    boundary: BoundaryGlide  # the boundary following the update (stage 4; its start in stages 1–3)
    network: NetworkShape | None  # the network after the step (None: it diverged, nothing to apply)
    trainer: Trainer  # the trainer after the step
    epoch: float  # where training is after it, in epochs (the cost curve's x)
    start: Costs | None  # the costs before the step, when it is a run's first (epoch 0)
    after: Costs  # the costs after it (the cost curve's new point)
    diverged: str | None
