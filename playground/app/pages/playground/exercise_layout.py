"""The exercise's parts of the playground page: the task banner a student sees on top, and the
teacher's panel that makes the link ("make an exercise"). ``exercise.py`` holds the logic,
``exercise_callbacks.py`` the callbacks, ``assets/exercise.js`` what happens in the browser."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.playground import ids
from playground.app.pages.playground.exercise import (
    COMPARISONS,
    CONTROLS,
    MEASURES,
    TASK_CHARACTERS,
    browser_config,
    condition_text,
)
from playground.app.pages.playground.shapes import view_settings
from playground.app.session.stores import change_store
from playground.app.ui.components import control

NO_CONDITION = "none"
TASK_EXAMPLE = "bring the test cost under 0.05 by hand, no training"


def layer_options(network: dict) -> list[dict]:
    """One option per weight-layer: W[l] and b[l] (l from 1, as the sliders name them)."""
    return [{"label": f"W[{k}], b[{k}]", "value": k} for k in range(1, len(network["layers"]) + 1)]


def banner(look: dict | None) -> html.Div:
    """The task on top of the page (shown by exercise.js while the view holds an exercise)."""
    exercise = view_settings(look).get("exercise") or {}
    goal = condition_text(exercise.get("condition"))
    return html.Div(
        id=ids.EXERCISE_BANNER,
        className="exercise-banner",
        role="region",
        title="the exercise this link opened with",
        children=[
            html.Span("Exercise", className="exercise-title"),
            html.Span(exercise.get("task", ""), id=ids.EXERCISE_TASK, className="exercise-task"),
            html.Span(f"done when {goal}" if goal else "", id=ids.EXERCISE_GOAL, className="exercise-goal"),
            html.Span(id=ids.EXERCISE_NOW, className="exercise-now"),
            html.Span(id=ids.EXERCISE_DONE, className="exercise-done", role="status"),
            html.Button(
                "open freely",
                id=ids.EXERCISE_LEAVE,
                className="exercise-leave",
                title="leave the exercise: every control back",
            ),
        ],
    )


def checklist(component_id: str, options: list[dict], value: list) -> dcc.Checklist:
    return dcc.Checklist(id=component_id, options=options, value=value, className="exercise-checks")


def room_buttons() -> html.Div:
    """A room (SPEC F28, assets/room-open.js): the whole class plays along on its phones, on this
    network and these points, the weights locked or hidden here held still for them."""
    return html.Div(
        className="exercise-buttons",
        children=[
            html.Button(
                "open a room",
                id=ids.ROOM_OPEN,
                title="a room on these points and this network: students join from their phones "
                "(the weight-layers and weights locked or hidden here stay still for them)",
            ),
            html.Button(
                "push to the room",
                id=ids.ROOM_PUSH,
                title="this network, these points and what is locked here, to every phone in "
                "the room this computer opened last (a new round starts on them)",
            ),
        ],
    )


def panel(network: dict, look: dict | None = None) -> html.Details:
    """The teacher's panel: what to hide, what to lock, the task and its condition, and the link. It
    starts from the view's exercise, if any (a teacher who opened an exercise link, pressed *open
    freely* and changes it), else empty."""
    controls = [{"label": item.label, "value": name} for name, item in CONTROLS.items()]
    exercise = view_settings(look).get("exercise") or {}
    condition = exercise.get("condition") or {}
    measure = condition.get("measure", NO_CONDITION) if exercise else "test_cost"
    return html.Details(
        id=ids.EXERCISE_PANEL,
        className="exercise-panel column",
        children=[
            html.Summary("make an exercise: hide or lock controls, set a task, share it as a link or open a room"),
            html.Div(
                className="exercise-grid",
                children=[
                    control("hide these", checklist(ids.EXERCISE_HIDE, controls, exercise.get("hidden", []))),
                    control(
                        "lock these (shown, not usable)",
                        checklist(ids.EXERCISE_LOCK, controls, exercise.get("locked", [])),
                    ),
                    html.Div(
                        className="exercise-column",
                        children=[
                            control(
                                "hide the sliders of weight-layer",
                                checklist(
                                    ids.EXERCISE_HIDE_LAYERS, layer_options(network), exercise.get("hidden_layers", [])
                                ),
                            ),
                            control(
                                "lock the sliders of weight-layer",
                                checklist(
                                    ids.EXERCISE_LOCK_LAYERS, layer_options(network), exercise.get("locked_layers", [])
                                ),
                            ),
                            control(
                                "single weights",
                                html.Div(
                                    id=ids.EXERCISE_WEIGHTS_TEXT,
                                    className="exercise-weights-text",
                                    children="none chosen",
                                ),
                                hint="the button beside each slider: open → locked → hidden. Training moves "
                                "locked weights too: lock step and play to keep them.",
                            ),
                            dcc.Store(
                                id=ids.EXERCISE_WEIGHTS,
                                data={
                                    "hidden": exercise.get("hidden_weights", []),
                                    "locked": exercise.get("locked_weights", []),
                                },
                            ),
                        ],
                    ),
                    html.Div(
                        className="exercise-column",
                        children=[
                            control(
                                f"task (at most {TASK_CHARACTERS} characters)",
                                dcc.Input(
                                    id=ids.EXERCISE_TASK_INPUT,
                                    type="text",
                                    maxLength=TASK_CHARACTERS,
                                    value=exercise.get("task", ""),
                                    placeholder=TASK_EXAMPLE,
                                    className="exercise-task-input",
                                ),
                            ),
                            control(
                                "done when",
                                html.Div(
                                    className="exercise-condition",
                                    children=[
                                        dcc.Dropdown(
                                            id=ids.EXERCISE_MEASURE,
                                            options=[
                                                *[{"label": label, "value": name} for name, label in MEASURES.items()],
                                                {"label": "no condition", "value": NO_CONDITION},
                                            ],
                                            value=measure,
                                            clearable=False,
                                        ),
                                        dcc.Dropdown(
                                            id=ids.EXERCISE_COMPARISON,
                                            options=[
                                                {"label": sign, "value": name} for name, sign in COMPARISONS.items()
                                            ],
                                            value=condition.get("comparison", "<"),
                                            clearable=False,
                                        ),
                                        dcc.Input(
                                            id=ids.EXERCISE_THRESHOLD,
                                            type="number",
                                            min=0,
                                            step="any",
                                            value=condition.get("threshold", 0.1),
                                        ),
                                    ],
                                ),
                                hint="a cost as the readouts show it (the network's own cost, without L1 and L2); "
                                "an accuracy in %",
                            ),
                            html.Div(
                                className="exercise-buttons",
                                children=[
                                    html.Button("copy exercise link", id=ids.EXERCISE_MAKE_LINK, className="play"),
                                    html.Button(
                                        "try it here",
                                        id=ids.EXERCISE_TRY,
                                        title="this page as a student opening the link sees it ('open freely' ends it)",
                                    ),
                                ],
                            ),
                            dcc.Input(
                                id=ids.EXERCISE_LINK,
                                readOnly=True,
                                className="share-link",
                                placeholder="the exercise's link",
                            ),
                            room_buttons(),
                            dcc.Store(id=ids.EXERCISE_FRAGMENT),
                            html.Div(id=ids.EXERCISE_MESSAGE, className="message"),
                        ],
                    ),
                ],
            ),
        ],
    )


def exercise_parts(network: dict, look: dict | None) -> list:
    """The page body's exercise parts: its change store, what exercise.js is told, the banner and the panel."""
    return [
        change_store(ids.EXERCISE_CHANGE),
        dcc.Store(id=ids.EXERCISE_CONFIG, data=browser_config()),
        banner(look),
        panel(network, look),
    ]
