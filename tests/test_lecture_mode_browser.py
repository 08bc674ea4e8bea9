"""Lecture mode and the projector (issue 13): big text by link, key and button on every page, and a
projector's small screen showing what the room must see together, in a real headless Chromium."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from playground.app.session import model

from helpers.browser import (
    choose,
    graph_data,
    reset_viewport,
    screenshot_path,
    set_viewport,
    visible_text,
    wait_for,
    wait_until_settled,
)
from helpers.pages import open_page, open_state

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def font_px(driver, selector: str) -> float:
    return driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize)", selector
    )


def lecture_on(driver) -> bool:
    return driver.execute_script("return document.body.classList.contains('lecture')")


def test_lecture_mode_by_link_by_key_and_by_button_on_every_page(live_app, browser, tmp_path):
    set_viewport(browser, 1280, 720)
    browser.get(live_app + "/?lecture=1")  # a prepared link opens in lecture mode
    open_page(browser, live_app + "/?lecture=1")
    wait_for(browser, lambda: lecture_on(browser))
    for selector in (".control > label", "table.readouts", ".slider-label", "#playground-play", ".nav-link"):
        assert font_px(browser, selector) >= 22, selector
    # The room sees the boundary, the play controls and the sliders together, unscrolled.
    wait_for(browser, lambda: not off_screen(browser, "play", "boundary", "sliders"), timeout=10)
    browser.save_screenshot(str(screenshot_path(tmp_path, "playground-lecture-1280x720.png")))
    # A figure's text is laid out by Plotly at lecture size: the legend's entries side by side, apart.
    browser.find_element(By.ID, "playground-step").click()  # a cost curve, and its legend
    wait_for(browser, lambda: legend(browser, "playground-cost-graph")["size"] == 22)
    (left, right) = legend(browser, "playground-cost-graph")["boxes"]
    assert left[1] <= right[0] and left[2] == right[2], (left, right)
    browser.find_element(By.ID, "nav-descent").click()  # it stays on from page to page
    wait_for(browser, lambda: browser.find_elements(By.ID, "descent-page"))
    assert lecture_on(browser) and font_px(browser, ".control > label") >= 22
    wait_for(browser, lambda: font_px(browser, "#descent-graph .xtick text") == 22)
    page = browser.find_element(By.ID, "descent-page")
    page.send_keys("l")  # the L key turns it off …
    wait_for(browser, lambda: not lecture_on(browser))
    assert font_px(browser, ".control > label") < 22
    wait_for(browser, lambda: font_px(browser, "#descent-graph .xtick text") < 22)  # the figure's own size back
    formula = browser.find_element(By.ID, "descent-formula")
    formula.send_keys("l")  # … but not while typing in a box
    assert not lecture_on(browser)
    browser.find_element(By.ID, "lecture-toggle").click()  # and the button turns it on again
    wait_for(browser, lambda: lecture_on(browser))
    assert browser.find_element(By.ID, "lecture-toggle").get_attribute("aria-pressed") == "true"
    for name in ("playground", "descent", "landscape", "images"):  # every page's text, big
        browser.find_element(By.ID, f"nav-{name}").click()
        wait_for(browser, lambda: browser.find_elements(By.ID, f"{name}-page"), timeout=60)
        wait_for(browser, lambda: small_text(browser)["total"] > 200)
        sizes = small_text(browser)
        assert sizes["small"] <= 0.05 * sizes["total"], sizes  # body text: at least 22 px
        browser.save_screenshot(str(screenshot_path(tmp_path, f"{name}-lecture-1280x720.png")))
    reset_viewport(browser)


LEGEND = """
const graph = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const boxes = Array.from(graph.querySelectorAll('.legend .traces')).map((t) => t.getBoundingClientRect())
  .map((b) => [b.left, b.right, Math.round(b.top)]);
const text = graph.querySelector('.legendtext');
return {size: text ? parseFloat(getComputedStyle(text).fontSize) : null, boxes: boxes};
"""


def legend(driver, graph_id: str) -> dict:
    """A figure's legend: its text size and each entry's box (left, right, top)."""
    return driver.execute_script(LEGEND, graph_id)


SMALL_TEXT = """
// The page's visible text (outside figures and tick marks), in characters: how much is under 22 px, and where.
const walker = document.createTreeWalker(document.querySelector('.page'), NodeFilter.SHOW_TEXT);
let total = 0, small = 0;
const where = {};
while (walker.nextNode()) {
  const text = walker.currentNode.textContent.trim(), element = walker.currentNode.parentElement;
  if (!text || element.closest('svg, .js-plotly-plot, .dash-slider-mark, script, style, option')) continue;
  const box = element.getBoundingClientRect(), style = getComputedStyle(element);
  if (!box.width || !box.height || style.visibility === 'hidden') continue;
  total += text.length;
  const size = parseFloat(style.fontSize);
  if (size < 22) {
    small += text.length;
    const name = element.tagName.toLowerCase() + '.' + String(element.className).split(' ')[0] + ' ' + size + 'px';
    where[name] = (where[name] || '') + ' ' + text.slice(0, 30);
  }
}
return {total: total, small: small, where: where};
"""


def small_text(driver) -> dict:
    """How many characters of the page's visible text (outside figures and tick marks) are under 22 px, and where."""
    return driver.execute_script(SMALL_TEXT)


OFF_SCREEN = """
const parts = {play: ['#playground-play'], boundary: ['#playground-boundary-graph .nsewdrag'],
               readouts: ['#playground-readouts table'], sliders: ['#playground-sliders .slider-row']};
const wanted = arguments[0];
const off = [];
for (const name of wanted) {
  const found = document.querySelectorAll(parts[name][0]);
  if (!found.length) off.push(name + ': missing');
  found.forEach((element, k) => {
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.left < 0 || box.bottom > innerHeight + 0.5 || box.right > innerWidth + 0.5 || !box.height)
      off.push(`${name} ${k}: ${Math.round(box.top)}..${Math.round(box.bottom)} of ${innerHeight}`);
  });
}
return off;
"""


def off_screen(driver, *parts: str) -> list[str]:
    """Which of the parts (each of its elements) are not wholly inside the window, unscrolled."""
    return driver.execute_script(OFF_SCREEN, list(parts))


@pytest.mark.parametrize("width, height, scale", [(1280, 720, 1), (1366, 768, 1), (1920, 1080, 1), (853, 480, 1.5)])
def test_a_projector_shows_the_boundary_the_sliders_the_readouts_and_play_together(
    live_app, browser, tmp_path, width, height, scale
):
    set_viewport(browser, width, height, scale)  # 853×480 at 1.5: a 1280×720 screen at 150 % zoom
    try:
        open_page(browser, live_app + "/?lecture=0")
        assert not lecture_on(browser)
        wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#playground-readouts table"))
        wait_for(browser, lambda: not off_screen(browser, "play", "boundary", "readouts", "sliders"), timeout=10)
        name = "playground-normal-1280x720.png" if width == 1280 else f"playground-{width}x{height}.png"
        browser.save_screenshot(str(screenshot_path(tmp_path, name)))
        # Scrolled down to the data and the architecture (a real wheel), play is still in reach.
        ActionChains(browser).scroll_by_amount(0, 2000).perform()
        wait_for(browser, lambda: browser.execute_script("return window.scrollY") > 100)
        assert not off_screen(browser, "play")
        browser.find_element(By.ID, "playground-play").click()
        wait_for(browser, lambda: browser.find_element(By.ID, "playground-play").text == "pause")
        browser.find_element(By.ID, "playground-play").click()
    finally:
        reset_viewport(browser)


BOXES = """
return arguments[0].map((selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return {left: box.left, right: box.right, top: box.top, bottom: box.bottom};
});
"""


def gap(a: dict, b: dict) -> float:
    """The shortest distance between two boxes (0 when they touch or overlap)."""
    across = max(0.0, a["left"] - b["right"], b["left"] - a["right"])
    down = max(0.0, a["top"] - b["bottom"], b["top"] - a["bottom"])
    return (across**2 + down**2) ** 0.5


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("lecture", ["0", "1"])
def test_a_learn_rate_lessons_explanation_sits_by_its_menu(live_app, browser, tmp_path, width, height, lecture):
    """The lesson's explanation appears right under its menu (it was 530 px down and 350 px across,
    in the network column), so the teacher reads it where they chose it; the boundary, play and
    the sliders stay on screen unscrolled."""
    set_viewport(browser, width, height)
    try:
        open_page(browser, f"{live_app}/?lecture={lecture}")
        choose(browser, "playground-lr-lesson", "a rate that converges (0.2)")
        wait_for(browser, lambda: "0.2 < 1/λmax" in visible_text(browser, "playground-lr-lesson-note"))
        wait_until_settled(browser)
        menu, note = browser.execute_script(BOXES, ["#playground-lr-lesson", "#playground-lr-lesson-note"])
        assert note["top"] >= menu["top"] and gap(menu, note) <= 12, (menu, note)  # under it (or beside it)
        assert note["bottom"] - menu["top"] <= height, (menu, note)  # read together, in one window
        assert "0.2 < 1/λmax" not in visible_text(browser, "playground-preset-source")  # said once
        name = f"playground-lesson-{'lecture' if lecture == '1' else 'normal'}-{width}x{height}.png"
        browser.save_screenshot(str(screenshot_path(tmp_path, name)))  # the menu as chosen, its note by it
        ActionChains(browser).scroll_by_amount(0, -20000).perform()  # a real wheel, back to the top
        wait_for(browser, lambda: browser.execute_script("return window.scrollY") == 0)
        wait_for(browser, lambda: not off_screen(browser, "play", "boundary", "sliders"), timeout=10)
    finally:
        reset_viewport(browser)


@pytest.mark.parametrize("lecture", [False, True])
def test_after_a_divergence_slider_values_stay_short_and_nothing_scrolls_sideways(live_app, browser, tmp_path, lecture):
    """Weights blown up to hundreds of thousands are shown as 4.5e+5 (the page's own labels and
    Dash's), so at 1280×720 no label leaves its panel and the page never scrolls sideways, in
    lecture mode's big text too."""
    set_viewport(browser, 1280, 720)
    data = model.initial_state()["data"]
    network = model.dense_network_json([2, 8, 2], ["relu"], "linear", "quadratic", seed=0)
    open_state(browser, live_app, data, network, learn_rate=10.0, optimizer="momentum")
    if lecture:
        browser.find_element(By.ID, "lecture-toggle").click()
        wait_for(browser, lambda: lecture_on(browser))
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: "diverged" in browser.find_element(By.ID, "playground-train-message").text, timeout=30)
    wait_until_settled(browser)
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .dash-slider-tooltip")]
    big = [label for label in labels if "e+" in label]
    assert big and all(len(label) <= 9 for label in labels), (
        labels
    )  # some weights grew; no label is longer than -9999.999
    width, view = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width <= view
    panel = browser.find_element(By.ID, "playground-sliders").rect
    for tooltip in browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .dash-slider-tooltip"):
        assert tooltip.rect["x"] + tooltip.rect["width"] <= panel["x"] + panel["width"] + 1, tooltip.text
    name = "playground-diverged-lecture-1280x720.png" if lecture else "playground-diverged-1280x720.png"
    browser.save_screenshot(str(screenshot_path(tmp_path, name)))
    reset_viewport(browser)


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("lecture", ["0", "1"])
def test_the_landscapes_descent_controls_are_on_screen_beside_the_surface(live_app, browser, width, height, lecture):
    """Play, step, the optimizer and the learn rate sit at the top of the landscape's panel: on a
    projector they are on screen with the surface, unscrolled, in lecture mode too."""
    set_viewport(browser, width, height)
    try:
        browser.get(f"{live_app}/landscape?lecture={lecture}")  # a prepared link, in lecture mode or not
        wait_for(browser, lambda: graph_data(browser, "landscape-contour", 0, "z") is not None, timeout=90)
        wait_until_settled(browser)
        assert lecture_on(browser) == (lecture == "1")
        parts = ["landscape-play", "landscape-step", "landscape-optimizer", "landscape-learn-rate", "landscape-contour"]
        assert not outside_window(browser, parts) and browser.execute_script("return window.scrollY") == 0
    finally:
        reset_viewport(browser)


def outside_window(driver, ids: list[str]) -> list[str]:
    """Which of the elements (by id) are not wholly inside the window, unscrolled."""
    return driver.execute_script(
        "return arguments[0].filter(id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth; })",
        ids,
    )


PLANE = """
const graph = document.querySelector('#playground-boundary-graph .js-plotly-plot');
const area = window.neuralModules.plotlyView.plotArea(graph), box = graph.getBoundingClientRect();
const canvas = document.querySelector('#playground-boundary-canvas, .boundary-canvas').getBoundingClientRect();
const x = graph._fullLayout.xaxis.range, y = graph._fullLayout.yaxis.range;
return {pixels: area.width / area.height, data: (x[1] - x[0]) / (y[1] - y[0]),
        area: [box.left + area.left, box.top + area.top, area.width, area.height],
        canvas: [canvas.left, canvas.top, canvas.width, canvas.height]};
"""


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("lecture", ["0", "1"])
def test_the_boundary_keeps_equal_aspect_and_its_shading_lies_under_it(live_app, browser, width, height, lecture):
    """One unit across is as long as one up (circles look round), on a projector, lecture mode or
    not, and the class shading (a canvas) covers exactly the plot area."""
    set_viewport(browser, width, height)
    try:
        open_page(browser, f"{live_app}/?lecture={lecture}")
        wait_until_settled(browser)
        plane = browser.execute_script(PLANE)
        assert plane["pixels"] == pytest.approx(plane["data"], rel=0.02), plane
        assert plane["canvas"] == pytest.approx(plane["area"], abs=1.5), plane
    finally:
        reset_viewport(browser)


LANDSCAPE_TABS = {
    "Big networks": [
        "landscape-slice-go",
        "landscape-slice-cancel",
        "landscape-slice-progress",
        "landscape-slice-source",
    ],
    "Optimizer race": ["landscape-race-go", "landscape-race-source", "landscape-race-result"],
}


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("lecture", ["0", "1"])
@pytest.mark.parametrize("tab", list(LANDSCAPE_TABS))
def test_the_landscapes_jobs_start_and_show_progress_on_screen(live_app, browser, width, height, lecture, tab):
    """The race's and the slice's buttons (and the slice's progress bar) head their figures: on screen unscrolled."""
    set_viewport(browser, width, height)
    try:
        browser.get(f"{live_app}/landscape?lecture={lecture}")
        wait_for(browser, lambda: graph_data(browser, "landscape-contour", 0, "z") is not None, timeout=90)
        browser.find_element(By.XPATH, f"//div[contains(@class,'tab')][normalize-space()='{tab}']").click()
        parts = LANDSCAPE_TABS[tab]
        wait_for(browser, lambda: browser.find_element(By.ID, parts[0]).is_displayed())
        assert not outside_window(browser, parts) and browser.execute_script("return window.scrollY") == 0
    finally:
        reset_viewport(browser)
