"""Messages carry their kind: error red ✗, warning amber ⚠, success green ✓, info neutral (issue 24).

The helper (ui.components.said), the stylesheet's colours (assets/messages.css, each readable on
white) and, in a real Chromium, a CSV upload that fails and one that works: the two messages are
drawn in their own colours, each with its mark.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from playground.app.ui.components import MESSAGE_KINDS, said

from helpers.browser import shown, wait_for
from helpers.pages import open_page

STYLESHEET = Path(__file__).resolve().parents[1] / "assets" / "messages.css"
MARKS = {"error": "✗", "warning": "⚠", "success": "✓"}  # info has none: it is the plain case


def declared_colours() -> dict[str, str]:
    """Each kind's colour as messages.css writes it (#rrggbb)."""
    found = dict(re.findall(r"\.said-(\w+) \{ color: (#[0-9a-f]{6}); \}", STYLESHEET.read_text(encoding="utf-8")))
    assert set(found) == set(MESSAGE_KINDS)
    return found


def contrast_on_white(red: int, green: int, blue: int) -> float:
    """WCAG 2 contrast ratio of an 8-bit colour against white."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red / 255, green / 255, blue / 255)]
    return 1.05 / (0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] + 0.05)


def rgb(hex_colour: str) -> tuple[int, int, int]:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return red, green, blue


def test_said_wraps_the_text_in_a_span_of_its_kind():
    for kind in MESSAGE_KINDS:
        span = said("loaded 20 points from mine.csv", kind)
        assert span.children == "loaded 20 points from mine.csv"
        assert span.className == f"said said-{kind}"


def test_said_leaves_an_empty_message_empty():
    # An empty string, not an empty span: CSS hides an empty message (:empty) and a span is not empty.
    assert said("", "success") == ""


def test_said_refuses_a_kind_it_does_not_know():
    with pytest.raises(ValueError, match="unknown message kind 'fine'"):
        said("done", "fine")


def test_every_kind_reads_on_white_and_only_info_goes_unmarked():
    css = STYLESHEET.read_text(encoding="utf-8")
    for kind, colour in declared_colours().items():
        assert contrast_on_white(*rgb(colour)) >= 4.5, kind
    for kind, mark in MARKS.items():
        assert f'.said-{kind}::before {{ content: "{mark} ";' in css
    assert ".said-info::before" not in css


def said_style(driver, element_id: str) -> dict:
    """The colour and the mark a message element's span is drawn with, and its text."""
    return driver.execute_script(
        "const span = document.querySelector('#' + arguments[0] + ' > .said');"
        "if (!span) return null;"
        "return {kind: span.className, colour: getComputedStyle(span).color,"
        " mark: getComputedStyle(span, '::before').content, text: span.textContent};",
        element_id,
    )


@pytest.mark.browser
@pytest.mark.timeout(180)
def test_a_failed_and_a_good_upload_are_drawn_in_their_own_colours(live_app, browser, tmp_path):
    colours = declared_colours()
    open_page(browser, live_app)
    bad = tmp_path / "broken.csv"
    bad.write_text("x1,x2,label\n0.1,0.2,0\n0.3,oops,1\n")
    browser.find_element(By.CSS_SELECTOR, "#playground-csv-upload input[type=file]").send_keys(str(bad))
    error = wait_for(browser, lambda: said_style(browser, "playground-data-message"))
    assert error["kind"] == "said said-error" and error["text"].startswith("broken.csv: ")
    assert error["colour"] == "rgb({}, {}, {})".format(*rgb(colours["error"]))
    assert error["mark"] == '"✗ "'
    # The mark is drawn, not part of the text: what a test or a copy reads is the message alone.
    assert browser.find_element(By.ID, "playground-data-message").text.startswith("broken.csv: ")

    good = tmp_path / "mine.csv"
    good.write_text("x1,x2,label\n" + "\n".join(f"{i / 10},{(i * 7 % 10) / 10},{i % 2}" for i in range(20)))
    browser.find_element(By.CSS_SELECTOR, "#playground-csv-upload input[type=file]").send_keys(str(good))
    wait_for(browser, lambda: "success" in (said_style(browser, "playground-data-message") or {}).get("kind", ""))
    success = said_style(browser, "playground-data-message")
    assert success["mark"] == '"✓ "'
    assert success["kind"] == "said said-success" and success["text"] == "loaded 20 points from mine.csv"
    assert success["colour"] == "rgb({}, {}, {})".format(*rgb(colours["success"]))
    assert success["colour"] != error["colour"]
    assert shown(browser)["data"]["class_names"] == ["0", "1"]  # the upload itself worked


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_the_browsers_twin_draws_every_kind_as_the_stylesheet_says(live_app, browser):
    """assets/messages.js's sayIn, as images.js uses it: each kind in its colour, "" empties the line."""
    open_page(browser, live_app)
    drawn = browser.execute_script(
        "const line = document.getElementById('playground-data-message'); const drawn = {};"
        "for (const kind of window.neuralModules.messages.KINDS) {"
        "  window.neuralModules.messages.sayIn(line, 'a ' + kind, kind);"
        "  drawn[kind] = getComputedStyle(line.firstElementChild).color;"
        "}"
        "window.neuralModules.messages.sayIn(line, '', 'info'); drawn.empty = line.matches(':empty');"
        "return drawn;"
    )
    assert drawn.pop("empty") is True
    assert drawn == {kind: "rgb({}, {}, {})".format(*rgb(colour)) for kind, colour in declared_colours().items()}
