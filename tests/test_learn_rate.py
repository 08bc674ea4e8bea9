"""The learn-rate control's arithmetic (ui/learn_rate.py and assets/learn-rate.js): the browser
and the server turn the slider's exponent into the same learn rate, typed values come through
exactly, and marks snap within their reach only; the browser's code run under Node."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest

from playground.app.ui.learn_rate import LEARN_RATE_RANGE, SNAP, as_text, decade_marks, from_exponent

from helpers.needs import node

pytestmark = pytest.mark.timeout(60)

SCRIPT = Path(__file__).resolve().parent.parent / "assets" / "learn-rate.js"
HARNESS = r"""
global.document = { addEventListener: () => {} };
global.window = { dash_clientside: { no_update: "no update", callback_context: { triggered: [] } } };
require(process.argv[1]);
const rate = window.neuralModules.learnRate, cases = JSON.parse(process.argv[2]);
const sync = (prop, exponent, typed) => {
  window.dash_clientside.callback_context.triggered = [{ prop_id: prop + ".value" }];
  return rate.sync(exponent, typed, -4, 1, "slider", cases.reach);
};
console.log(JSON.stringify({
  rates: cases.exponents.map(rate.fromExponent),
  snaps: cases.exponents.map((e) => rate.snap(e, cases.reach)),
  typed: cases.typed.map((text) => sync("box", 0, text)),
  // Set by a page (no drag): as it is, the box following.
  set: sync("slider", Math.log10(0.9), "1"),
}));
"""


def run_browser_code(exponents: list[float], typed: list[str]) -> dict:
    cases = json.dumps({"exponents": exponents, "typed": typed, "reach": SNAP})
    done = subprocess.run(
        [node(), "-e", HARNESS, str(SCRIPT), cases], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


def test_the_browser_and_the_server_read_the_slider_alike_and_typed_values_exactly():
    exponents = [-4, -3.5, -1, math.log10(0.3), math.log10(0.25), -0.07, 0.5, 1, math.log10(2e-3)]
    found = run_browser_code(exponents, ["0.3", "2e-3", " 0,5 ", "50", "1e-9", "a lot", "-1", ""])
    assert found["rates"] == [from_exponent(e) for e in exponents]
    assert from_exponent(math.log10(0.3)) == 0.3 and from_exponent(math.log10(0.25)) == 0.25
    assert from_exponent(math.log10(2e-3)) == 0.002
    # Within SNAP of a mark: on it; further: as it is.
    assert found["snaps"][5] == 0 and found["snaps"][1] == -3.5 and found["snaps"][3] == exponents[3]
    low, high = LEARN_RATE_RANGE
    typed = found["typed"]
    assert typed[0] == [math.log10(0.3), "no update"] and typed[1] == [math.log10(2e-3), "no update"]
    assert typed[2] == [math.log10(0.5), "no update"]  # a decimal comma is a decimal point
    assert typed[3] == [high, "10"] and typed[4] == [low, "0.0001"]  # beyond an end: the end, said
    assert typed[5] == typed[6] == typed[7] == ["no update", "1"]  # not a learn rate: the box as before
    assert found["set"] == ["no update", "0.9"]


def test_marks_and_text():
    assert decade_marks(-4, 1) == {-4: "1e-4", -3: "1e-3", -2: "1e-2", -1: "1e-1", 0: "1", 1: "10"}
    assert as_text(0.30000000000000004) == "0.3" and as_text(2e-3) == "0.002"
