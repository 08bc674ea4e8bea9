"""The 1-D descent page's browser route: steps of the ball (``assets/runner.js`` sends it), and what they paint."""

from __future__ import annotations

from playground.app.pages.descent import ids
from playground.app.pages.descent.figures import moved_ball
from playground.app.pages.descent.layout import readout_table
from playground.app.pages.descent.logic import advance, check_view, parse_formula, readouts
from playground.app.pages.descent.shapes import DescentRequest
from playground.app.session import shapes


def step(body: dict) -> dict:
    """``steps`` steps of the ball from where the body's store has it; the store after, and what to show."""
    shapes.check_shape(DescentRequest, body, "request")
    state, ends = advance(check_view(body["descent"]), body["steps"])
    values = readouts(state)
    paint = {
        "restyle": moved_ball(state, parse_formula(state["formula"]), ids.GRAPH, ids.STEPS_GRAPH),
        "props": {
            ids.READOUTS: {"children": readout_table(values)},
            ids.REGIME: {"children": values["regime_text"]},
            ids.MESSAGE: {"children": state["message"]},
        },
    }
    return {"descent": state, "ended": ends, "message": state["message"], "paint": paint}
