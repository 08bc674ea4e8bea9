"""The 1-D gradient-descent page's layout, built from the session's descent store."""

from __future__ import annotations

import math

from dash import dcc, html

from playground.app.pages.descent import ids
from playground.app.pages.descent.figures import descent_figure, steps_figure
from playground.app.pages.descent.logic import PRESETS, new_descent, parse_formula, readouts
from playground.app.session.stores import change_store
from playground.app.ui.components import control, graph_config, momentum_control, page_root
from playground.limits import current as current_limits

# The learn-rate slider is on a log scale: 1e-3 … 3, crawling to diverging one drag apart.
LOG_LEARN_RATE_RANGE = (-3.0, 0.5)


def readout_table(values: dict) -> html.Table:
    """Step count, x, f(x), the exact and finite-difference slopes, and the curvature."""
    rows = [
        ("step", f"{values['steps']}"),
        ("x", f"{values['x']:.6g}"),
        ("f(x)", f"{values['f']:.6g}"),
        ("slope f′(x), exact", f"{values['slope']:.6g}"),
        (f"slope by finite difference, h = {values['h']:g}", f"{values['finite_slope']:.6g}"),
        ("curvature k = f″(x)", f"{values['curvature']:.4g}"),
    ]
    return html.Table(className="readouts", children=[html.Tr([html.Th(name), html.Td(value)]) for name, value in rows])


def learn_rate_text(learn_rate: float) -> str:
    return f"{learn_rate:.4g}"


def layout(view_descent: dict | None = None, **_) -> html.Div:
    """The page for the session's function, ball and settings (a new session: the parabola)."""
    state = view_descent or new_descent()
    formula = parse_formula(state["formula"])
    values = readouts(state)
    preset = PRESETS.get(state["preset"])
    return page_root(
        ids.PAGE,
        ids.MOUNTED,
        class_name="descent",
        children=[
            change_store(ids.CONTROLS_CHANGE),
            change_store(ids.BALL_CHANGE),
            html.Header(
                className="topbar",
                children=[
                    html.Div(
                        className="learning",
                        children=[
                            html.Button("reset", id=ids.RESET, title="the ball back to its start"),
                            html.Button("learn", id=ids.LEARN, title="one step downhill (key: s)"),
                            html.Button("run", id=ids.RUN, className="play", title="step continuously (key: space)"),
                            html.Div(
                                className="control lr",
                                children=[
                                    html.Label("learn rate"),
                                    dcc.Slider(
                                        id=ids.LEARN_RATE,
                                        min=LOG_LEARN_RATE_RANGE[0],
                                        max=LOG_LEARN_RATE_RANGE[1],
                                        step=0.01,
                                        value=math.log10(state["learn_rate"]),
                                        updatemode="drag",
                                        allow_direct_input=False,
                                        marks={-3: "0.001", -2: "0.01", -1: "0.1", 0: "1"},
                                    ),
                                ],
                            ),
                            control(
                                "exactly",
                                dcc.Input(
                                    id=ids.LEARN_RATE_VALUE,
                                    type="text",
                                    value=learn_rate_text(state["learn_rate"]),
                                    debounce=True,
                                    className="number",
                                    # Standard HTML (a keyboard with a decimal point), passed on as it is;
                                    # Dash's annotation lists only the older inputmode values.
                                    inputMode="decimal",  # type: ignore[arg-type]
                                ),
                            ),
                            control(
                                "steps per second",
                                dcc.Slider(
                                    id=ids.SPEED,
                                    min=1,
                                    max=20,
                                    step=1,
                                    value=state["steps_per_second"],
                                    marks={1: "1", 10: "10", 20: "20"},
                                ),
                            ),
                        ],
                    ),
                    html.Div(values["regime_text"], id=ids.REGIME, className="regime"),
                ],
            ),
            html.Main(
                className="descent-columns",
                children=[
                    html.Section(
                        className="column",
                        children=[
                            html.H2("Function"),
                            control(
                                "lesson",
                                dcc.Dropdown(
                                    id=ids.PRESET,
                                    clearable=False,
                                    value=state["preset"],
                                    options=[{"label": p.name, "value": key} for key, p in PRESETS.items()]
                                    + [{"label": "your own formula", "value": "custom"}],
                                ),
                            ),
                            control(
                                "f(x) =",
                                dcc.Input(
                                    id=ids.FORMULA,
                                    type="text",
                                    value=state["formula"],
                                    debounce=True,
                                    maxLength=current_limits().formula_characters,
                                    className="formula",
                                    spellCheck=False,
                                ),
                                hint="numbers, x, + − * / ** ( ), sin cos tan exp log sqrt abs tanh; Enter to draw",
                            ),
                            html.Div(id=ids.FORMULA_MESSAGE, className="message"),
                            html.Div(preset.lesson if preset else "", id=ids.LESSON, className="hint lesson"),
                            html.H2("Slope"),
                            dcc.RadioItems(
                                id=ids.SLOPE,
                                value=state["slope"],
                                options=[
                                    {"label": "exact derivative", "value": "exact"},
                                    {"label": "finite difference (f(x + h) − f(x)) / h", "value": "finite"},
                                ],
                            ),
                            control(
                                "h",
                                dcc.Input(
                                    id=ids.STEP_H, type="number", value=state["h"], min=1e-9, max=1, debounce=True
                                ),
                            ),
                            html.H2("Momentum"),
                            dcc.Checklist(
                                id=ids.MOMENTUM_ON,
                                value=["on"] if state["momentum_on"] else [],
                                options=[{"label": "roll with momentum", "value": "on"}],
                            ),
                            momentum_control(
                                ids.MOMENTUM, state["momentum"], label="momentum μ", allow_direct_input=False
                            ),
                        ],
                    ),
                    html.Section(
                        className="column",
                        children=[
                            html.Div(state["message"], id=ids.MESSAGE, className="status"),
                            dcc.Graph(
                                id=ids.GRAPH,
                                figure=descent_figure(formula, tuple(state["x_range"]), state["path"]),
                                config=graph_config("descent"),
                            ),
                            html.Div(readout_table(values), id=ids.READOUTS),
                            dcc.Graph(
                                id=ids.STEPS_GRAPH,
                                figure=steps_figure(state["path"]),
                                config=graph_config("descent-steps"),
                            ),
                        ],
                    ),
                ],
            ),
        ],
    )
