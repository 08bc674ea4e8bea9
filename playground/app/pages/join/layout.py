"""A student's page in a room, made for a phone: the code, a nickname, then the round.

The page's browser module (``assets/join.js``) talks to the rooms' HTTP API (docs/rooms.md) and
shows what fits: the forms before a seat, the round's part once seated. Every section is here from
the start, hidden until it applies; the sliders, the answers to vote for and the network's
steppers are drawn there from the room's description.
"""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.join import ids
from playground.app.pages.join.logic import CODE_CHARACTERS, room_code
from playground.app.ui.components import page_root

NICKNAME_CHARACTERS = 24  # docs/rooms.md; the server checks it too


def code_form(shown: bool) -> html.Form:
    """/join: the room's code, as the projector shows it."""
    return html.Form(
        id=ids.ENTER,
        className="join-form",
        hidden=not shown,
        children=[
            html.H1("Join a room"),
            html.Label("the room's code, from the projector", htmlFor=ids.CODE_BOX),
            dcc.Input(
                id=ids.CODE_BOX,
                type="text",
                maxLength=CODE_CHARACTERS + 2,  # room for a stray space
                autoComplete="off",
                spellCheck=False,
                placeholder="K7HQM",
                className="join-code-box",
            ),
            html.Button("go", type="submit", className="join-big"),
        ],
    )


def seat_form() -> html.Form:
    """/join/<code>: the nickname the room will see (no account, nothing else asked)."""
    return html.Form(
        id=ids.SEAT,
        className="join-form",
        hidden=True,
        children=[
            html.H1(id=ids.SEAT_TITLE),
            html.Label(
                f"your nickname (shown to the room, at most {NICKNAME_CHARACTERS} characters)", htmlFor=ids.NICKNAME
            ),
            dcc.Input(
                id=ids.NICKNAME, type="text", maxLength=NICKNAME_CHARACTERS, autoComplete="off", spellCheck=False
            ),
            html.Button("join", type="submit", className="join-big"),
        ],
    )


def plane() -> html.Div:
    """The boundary and what the network scores, kept in sight while the sliders scroll under it."""
    return html.Div(
        className="join-plane",
        children=[
            html.Canvas(id=ids.BOUNDARY, className="join-boundary"),
            html.Div(id=ids.AXES, className="join-axes"),
            html.Div(
                className="join-readout-line",
                children=[
                    html.Div(id=ids.READOUT, className="join-readout"),
                    html.Button("submit", id=ids.SUBMIT, className="join-big join-submit", hidden=True),
                ],
            ),
            html.Div(id=ids.SCORE, className="join-score", role="status"),
        ],
    )


def tune_part() -> html.Section:
    """Hand-tune: a slider for every weight and bias (drawn by the browser), and a way back."""
    return html.Section(
        id=ids.TUNE,
        className="join-part",
        hidden=True,
        children=[
            html.Div(id=ids.SLIDERS, className="join-sliders"),
            html.Button("back to the room's network", id=ids.RESET, className="join-quiet"),
        ],
    )


def predict_part() -> html.Section:
    """Predict, then run: the question, a big button per answer, the run played back."""
    return html.Section(
        id=ids.PREDICT,
        className="join-part",
        hidden=True,
        children=[
            html.P(id=ids.QUESTION, className="join-question"),
            html.Div(id=ids.OPTIONS, className="join-options"),
            html.Div(id=ids.VOTED, className="join-voted", role="status"),
            html.Div(
                id=ids.RUN,
                className="join-run",
                hidden=True,
                children=[
                    html.Div(id=ids.FRAME, className="join-frame"),
                    html.Canvas(id=ids.COST, className="join-cost"),
                    html.Div(
                        className="join-cost-key",
                        children=[
                            html.Span("━ train cost", className="train"),
                            html.Span("┅ test cost", className="test"),
                        ],
                    ),
                    html.Button("play the run again", id=ids.REPLAY, className="join-quiet"),
                ],
            ),
        ],
    )


def train_part() -> html.Section:
    """Train race: hidden layers and widths within the round's limits, an activation, the learn rate."""
    return html.Section(
        id=ids.TRAIN,
        className="join-part",
        hidden=True,
        children=[
            html.Div(id=ids.LIMITS, className="join-limits"),
            html.Div(id=ids.LAYERS, className="join-layers"),
            html.Div(id=ids.ACTIVATIONS, className="join-activations"),
            html.Label(
                className="join-rate",
                children=[
                    "learn rate",
                    dcc.Input(
                        id=ids.TRAIN_LEARN_RATE,
                        type="text",
                        autoComplete="off",
                        # Standard HTML (a keyboard with a decimal point), passed on as it is;
                        # Dash's annotation lists only the older inputmode values.
                        inputMode="decimal",  # type: ignore[arg-type]
                    ),
                ],
            ),
            html.Div(
                className="join-train-buttons",
                children=[
                    html.Button("train", id=ids.TRAIN_GO, className="join-big"),
                    html.Button("train more", id=ids.TRAIN_MORE, className="join-big", disabled=True),
                ],
            ),
        ],
    )


def layout(code: str | None = None, **_) -> html.Div:
    """The page for ``/join`` (no code: the code's box) or ``/join/<code>``."""
    code = room_code(code)
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="join-page",
        children=[
            dcc.Store(id=ids.CODE, data=code),
            code_form(shown=not code),
            seat_form(),
            html.Div(id=ids.MESSAGE, className="join-message", role="alert"),
            html.Div(
                id=ids.ROOM,
                className="join-room",
                hidden=True,
                children=[
                    html.Div(
                        className="join-head",
                        children=[html.Span(id=ids.WHO), html.Span(id=ids.LEARN_RATE, className="join-rate-shown")],
                    ),
                    html.Div(id=ids.NOTICE, className="join-notice", role="status"),
                    html.P(id=ids.TASK, className="join-task"),
                    html.Div(
                        className="join-columns",
                        children=[plane(), html.Div([tune_part(), predict_part(), train_part()])],
                    ),
                ],
            ),
        ],
    )
