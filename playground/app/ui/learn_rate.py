"""The learn-rate control every page with a learn rate shares: a slider on a log scale whose
marks snap (a drag that ends near "1" gives 1, not 0.851) and a box to type the value exactly.

The slider holds the exponent (log10 of the learn rate); the box holds the learn rate as typed.
One clientside callback (assets/learn-rate.js) keeps them together: a drag near a mark lands on
it and writes the box; a number typed in the box moves the slider there. The page reads the
slider, as before, through ``from_exponent`` (Python) or ``learnRate.fromExponent`` (browser):
four significant digits, so a typed 0.3 is 0.3 and not 0.30000000000000004.
"""

from __future__ import annotations

import json
import math
from typing import Literal

import dash
from dash import Input, Output, dcc, html

SIGNIFICANT = 4  # digits a learn rate keeps: more than anyone types, fewer than float noise
LEARN_RATE_RANGE = (-4, 1)  # the slider's ends as powers of ten: 1e-4 … 10
SNAP = 0.15  # decades: a drag this close to a mark lands on it (the thumb sits up to half its width off
# its value near the ends, about 0.2 decade on the 260 px slider: aiming it at "1" gave 0.851)


def from_exponent(exponent: float) -> float:
    """The learn rate for the slider's exponent, to ``SIGNIFICANT`` digits (as the browser computes it)."""
    return float(f"{10 ** float(exponent):.{SIGNIFICANT}g}")


def as_text(learn_rate: float) -> str:
    """The learn rate as the box shows it."""
    return f"{learn_rate:.{SIGNIFICANT}g}"


def decade_marks(low: int, high: int) -> dict:
    """A mark at every power of ten from 10**low to 10**high: 1e-4 … 1e-1, 1, 10."""
    return {k: f"1e{k}" if k < 0 else str(10**k) for k in range(low, high + 1)}


def learn_rate_control(
    slider_id: str,
    box_id: str,
    learn_rate: float,
    log_range: tuple[int, int],
    label_id: str | None = None,
    marks: dict | None = None,
    updatemode: Literal["drag", "mouseup"] = "drag",
) -> html.Div:
    """A labelled log slider with a box beside its label to type the learn rate exactly
    (``label_id``: a callback writes the label's text, e.g. a note on the optimizer)."""
    low, high = log_range
    label = html.Span(f"learn rate {learn_rate:.3g}", id=label_id or f"{slider_id}-label")
    box = dcc.Input(
        id=box_id,
        type="text",
        value=as_text(learn_rate),
        debounce=True,
        className="number lr-box",
        # Standard HTML (a keyboard with a decimal point), passed on as it is; Dash lists only older values.
        inputMode="decimal",  # type: ignore[arg-type]
    )
    slider = dcc.Slider(
        id=slider_id,
        min=low,
        max=high,
        step=0.01,
        value=min(max(math.log10(learn_rate), low), high),
        marks=marks if marks is not None else decade_marks(low, high),
        allow_direct_input=False,  # Dash's box would show the exponent, not the learn rate
        updatemode=updatemode,
    )
    return html.Div(
        className="control lr",
        children=[
            html.Label(
                [label, box], className="lr-label", title="type a learn rate (e.g. 0.3 or 2e-3) and press Enter"
            ),
            slider,
        ],
    )


def register_snap(app: dash.Dash, slider_id: str) -> None:
    """Marks that snap, for a learn-rate slider whose box another callback keeps (the descent page's)."""
    app.clientside_callback(
        f"function(exponent) {{ return window.neuralModules.learnRate.snapped(exponent, {SNAP}); }}",
        Output(slider_id, "value", allow_duplicate=True),
        Input(slider_id, "value"),
        prevent_initial_call=True,
    )


def register_learn_rate(app: dash.Dash, slider_id: str, box_id: str, log_range: tuple[int, int]) -> None:
    """Keep the slider and the box together, in the browser (assets/learn-rate.js)."""
    low, high = log_range
    app.clientside_callback(
        f"function(exponent, typed) {{ return window.neuralModules.learnRate.sync(exponent, typed, {low}, {high}, "
        f"{json.dumps(slider_id)}, {SNAP}); }}",
        Output(slider_id, "value", allow_duplicate=True),
        Output(box_id, "value", allow_duplicate=True),
        Input(slider_id, "value"),
        Input(box_id, "value"),
        prevent_initial_call=True,
    )
