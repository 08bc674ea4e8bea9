"""A room's projector page (``/room/<code>``): the code and QR code to join by, the board, the best
boundary, every submitted boundary, a predict round's votes and run, and the teacher's controls.

The layout is a frame: ``assets/room.js`` fills it from the room's HTTP API (docs/rooms.md) and
keeps it live, so the server builds it once and never again. The teacher's controls are in it for
everyone but shown only to a page that holds the teacher's token (the link's ``#teacher=``): the
token, not the page, is what the API checks."""

from __future__ import annotations

from dash import dcc, html

from playground.app.pages.room import ids
from playground.app.ui.components import control, page_root
from playground.engine import HIDDEN_ACTIVATIONS

KINDS = {"hand-tune": "hand-tune", "predict": "predict, then run", "train": "train race"}
# A predict round's first question: the learn-rate lesson every room knows.
QUESTION = "Learn rate 3 on this network: what will training do?"
ANSWERS = ["crawl", "converge", "bounce", "diverge", "", ""]
MOST_ANSWERS = len(ANSWERS)
# The projector's charts are read, not explored: no toolbar over them (it hid their titles).
STILL = dcc.Graph.Config(displayModeBar=False, displaylogo=False)  # a projector's chart: no toolbar over it


def clean_code(code: str | None) -> str:
    """The room's code as the link gives it: letters and digits only, in capitals (else empty)."""
    text = (code or "").strip().upper()
    return text if text.isalnum() and len(text) <= 12 else ""


def joining(code: str) -> html.Section:
    """The code in huge letters, the QR code and the join link: readable from the back row."""
    return html.Section(
        className="room-join",
        children=[
            html.Div("join with the code", className="room-join-label"),
            html.Div(code or "?", id=ids.CODE, className="room-code"),
            html.Img(id=ids.QR, className="room-qr", alt=f"QR code of the join link of room {code}"),
            # The host and the path (room.js writes them), each kept whole: a link broken in its code misreads.
            html.Div(id=ids.JOIN_LINK, className="room-join-link", children=[html.Span(), html.Span()]),
        ],
    )


def board() -> html.Section:
    """The counts, the round, and the top 10 (room.js writes the rows: rank, nickname, score, and the
    teacher's remove button)."""
    return html.Section(
        className="room-board-panel",
        children=[
            html.Div(id=ids.COUNTS, className="room-counts", role="status"),
            html.Div(id=ids.ROUND_LINE, className="room-round-line"),
            html.H2("board"),
            html.Ol(id=ids.BOARD, className="room-board"),
        ],
    )


def focus() -> html.Section:
    """What the round is about: the best boundary (hand-tune, train), or the votes and the run (predict)."""
    return html.Section(
        className="room-focus",
        children=[
            html.Div(
                id=ids.BEST,
                className="room-best",
                children=[
                    html.H2(id=ids.BEST_CAPTION, children="the best boundary"),
                    html.Canvas(id=ids.BEST_CANVAS, className="room-boundary"),
                ],
            ),
            html.Div(
                id=ids.VOTES,
                className="room-votes",
                children=[
                    html.H2(id=ids.QUESTION, className="room-question"),
                    html.Div(
                        className="room-vote-charts",
                        children=[
                            dcc.Graph(id=ids.VOTES_BEFORE, className="room-vote-chart", config=STILL),
                            dcc.Graph(id=ids.VOTES_AFTER, className="room-vote-chart", config=STILL),
                        ],
                    ),
                ],
            ),
            html.Div(
                id=ids.RUN,
                className="room-run",
                children=[
                    html.Div(
                        className="room-run-head",
                        children=[
                            html.H2(id=ids.RUN_CAPTION, children="the run"),
                            html.Button("play it again", id=ids.REPLAY),
                        ],
                    ),
                    html.Div(
                        className="room-run-parts",
                        children=[
                            html.Canvas(id=ids.RUN_CANVAS, className="room-boundary"),
                            dcc.Graph(id=ids.RUN_COST, className="room-run-cost", config=STILL),
                        ],
                    ),
                ],
            ),
        ],
    )


def gallery() -> html.Section:
    """Every submitted boundary as a small picture with its nickname (the teacher's page only)."""
    return html.Section(
        className="room-gallery-panel",
        children=[
            html.H2(["every boundary ", html.Span(id=ids.GALLERY_COUNT)]),
            html.Div(id=ids.GALLERY, className="room-gallery"),
        ],
    )


def number_box(component_id: str, value: float, **bounds) -> dcc.Input:
    return dcc.Input(id=component_id, type="number", value=value, step="any", debounce=False, **bounds)


def new_round_form() -> html.Details:
    """A new round: its kind and, by kind, the question and answers or the train race's limits."""
    return html.Details(
        id=ids.NEW_ROUND,
        className="room-new-round",
        children=[
            html.Summary("start a round"),
            html.Div(
                className="room-form",
                children=[
                    control(
                        "kind",
                        dcc.RadioItems(
                            id=ids.KIND,
                            options=[{"label": label, "value": kind} for kind, label in KINDS.items()],
                            value="hand-tune",
                            inline=True,
                        ),
                    ),
                    html.Div(
                        className="room-form-predict",
                        children=[
                            control(
                                "question",
                                dcc.Input(id=ids.QUESTION_INPUT, type="text", maxLength=200, value=QUESTION),
                            ),
                            control(
                                "answers (2 to 6)",
                                html.Div(
                                    id=ids.OPTIONS,
                                    className="room-options",
                                    children=[
                                        dcc.Input(id=f"{ids.OPTION_PREFIX}{k}", type="text", maxLength=60, value=text)
                                        for k, text in enumerate(ANSWERS)
                                    ],
                                ),
                            ),
                            control("learn rate of the run", number_box(ids.ROUND_LEARN_RATE, 3, min=0)),
                            control("epochs", number_box(ids.EPOCHS, 100, min=1)),
                        ],
                    ),
                    html.Div(
                        className="room-form-train",
                        children=[
                            control("most hidden layers", number_box(ids.MAX_LAYERS, 2, min=0, max=4)),
                            control("widest layer", number_box(ids.MAX_WIDTH, 6, min=1, max=8)),
                            control(
                                "activations allowed",
                                dcc.Checklist(
                                    id=ids.ACTIVATIONS,
                                    options=list(HIDDEN_ACTIVATIONS),
                                    value=["tanh", "relu", "sigmoid"],
                                    inline=True,
                                ),
                            ),
                        ],
                    ),
                    html.Button("start the round", id=ids.START_ROUND, className="play"),
                ],
            ),
        ],
    )


def teacher_controls() -> html.Div:
    """The teacher's line: the round's actions, the settings pushed to every phone, closing the room."""
    return html.Div(
        id=ids.TEACHER,
        className="room-teacher",
        children=[
            html.Div(
                className="room-actions",
                children=[
                    html.Button("end the round", id=ids.END_ROUND, title="no more submissions or votes"),
                    html.Button(
                        "run", id=ids.RUN_ROUND, className="play", title="train the room's network: the answer"
                    ),
                    html.Div(
                        className="room-push",
                        children=[
                            html.Label("learn rate", htmlFor=ids.LEARN_RATE),
                            dcc.Input(id=ids.LEARN_RATE, type="text", inputMode="numeric", className="room-rate"),
                            html.Button("push to the phones", id=ids.PUSH_LEARN_RATE),
                        ],
                    ),
                    html.Button("lock the phones", id=ids.LOCK, title="students may look, not submit, train or vote"),
                    html.Button("close the room", id=ids.CLOSE, className="room-close"),
                ],
            ),
            new_round_form(),
        ],
    )


def layout(code: str | None = None, **_) -> html.Div:
    """The projector's page of room ``code`` (the path's part: /room/<code>)."""
    code = clean_code(code)
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="room",
        children=[
            dcc.Store(id=ids.ROOM, data={"code": code}),
            teacher_controls(),
            html.Div(id=ids.MESSAGE, className="message room-message", role="alert"),
            html.Div(className="room-main", children=[joining(code), board(), focus()]),
            gallery(),
        ],
    )
