"""Lecture mode reads from the back row (issue 24): on every page, at 1920×1080 and 1280×720, every
visible text, the page's and its figures' (ticks, legends, annotations, a confusion matrix's
numbers), is at least 3 % of the window's height (32 px at 1080p, 22 px at 720p), and nothing
scrolls sideways; measured in a real headless Chromium on what it laid out."""

from __future__ import annotations

import math

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from playground.data.images import FASHION_MNIST_CLASSES

from helpers.browser import (
    choose,
    radio,
    reset_viewport,
    screenshot_path,
    set_viewport,
    text,
    wait_for,
    wait_until_settled,
)
from helpers.needs import real_data_dir
from helpers.pages import open_descent, open_images, open_landscape, open_page, tab, train, type_into

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

# 853×480 at 1.5: a 1280×720 projector with the page zoomed to 150 %.
SIZES = [(1920, 1080, 1), (1280, 720, 1), (853, 480, 1.5)]


def smallest_text(height: int, scale: float = 1) -> float:
    """The projection rule: 3 % of the window's height, never under 22 of the screen's own pixels."""
    return max(22.0 / scale, 0.03 * height)


TEXT_SIZES = """
// Every visible text on the page in characters, by its computed size: the page's own elements,
// and the SVG text Plotly drew (a 3-D scene's ticks are WebGL: its layout's sizes are read instead).
const least = arguments[0], small = {};
let total = 0;
function note(where, size, text) {
  total += text.length;
  if (size + 0.01 < least) small[where + ' ' + size + 'px'] = text.slice(0, 40);
}
const walker = document.createTreeWalker(document.querySelector('.app'), NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const text = walker.currentNode.textContent.trim(), element = walker.currentNode.parentElement;
  if (!text || element.closest('script, style, option, .modebar-container')) continue;
  const box = element.getBoundingClientRect(), style = getComputedStyle(element);
  if (!box.width || !box.height || style.visibility === 'hidden' || style.opacity === '0') continue;
  if (box.bottom < 0 || box.right < 0 || box.left > innerWidth) continue;  // scrolled sideways out of sight
  // Plotly shrinks some SVG labels by a transform (a bar's value to fit beside it): the size drawn counts.
  const matrix = element.closest('svg') && element.getScreenCTM ? element.getScreenCTM() : null;
  const drawn = parseFloat(style.fontSize) * (matrix ? Math.hypot(matrix.a, matrix.b) : 1);
  const name = element.closest('svg') ? 'svg:' + (element.closest('g[class]') || element).getAttribute('class')
    : element.tagName.toLowerCase() + '.' + String(element.className).split(' ')[0];
  note(name, drawn, text);
}
for (const graph of document.querySelectorAll('.js-plotly-plot')) {
  const layout = graph.layout || {};
  for (const scene of Object.keys(layout).filter((k) => /^scene\\d*$/.test(k))) {
    for (const axis of ['xaxis', 'yaxis', 'zaxis']) {
      const size = ((layout[scene][axis] || {}).tickfont || {}).size;
      // WebGL draws them bigger than their size says: 0.6 of it draws them as big (assets/lecture.js).
      note(graph.parentElement.id + ' ' + scene + '.' + axis + ' ticks', (size || 0) / 0.6, 'ticks');
    }
  }
}
return {total: total, small: small, sideways: document.documentElement.scrollWidth - innerWidth};
"""


def text_sizes(driver, least: float) -> dict:
    """How much visible text the page shows, which is under ``least`` pixels, and how far it scrolls sideways."""
    return driver.execute_script(TEXT_SIZES, least)


def check_sizes(driver, least: float, what: str) -> None:
    wait_until_settled(driver)
    # Lecture mode fits a figure's text just after Plotly draws it: wait for that, then measure.
    try:
        wait_for(driver, lambda: not text_sizes(driver, least)["small"], timeout=15)
    except TimeoutException:
        pass  # the assertion below says what stayed small
    found = text_sizes(driver, least)
    assert not found["small"], (what, found)
    assert found["total"] > 100, (what, found)
    assert found["sideways"] <= 0, (what, found)


def lecture_on(driver) -> bool:
    return driver.execute_script("return document.body.classList.contains('lecture')")


@pytest.mark.parametrize("width, height, scale", SIZES)
def test_every_text_on_every_page_is_three_percent_of_the_window_in_lecture_mode(
    live_app, browser, tmp_path, width, height, scale
):
    least = smallest_text(height, scale)
    set_viewport(browser, width, height, scale)
    try:
        open_page(browser, live_app + "/?lecture=1")
        wait_for(browser, lambda: lecture_on(browser))
        browser.find_element(By.ID, "playground-step").click()  # a cost curve and its legend
        check_sizes(browser, least, "playground")
        browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-playground-{width}x{height}.png")))

        open_descent(browser, live_app)  # lecture mode stays on (this tab's choice)
        assert lecture_on(browser)
        browser.find_element(By.ID, "descent-learn").click()
        check_sizes(browser, least, "descent")
        browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-descent-{width}x{height}.png")))

        open_landscape(browser, live_app)
        check_sizes(browser, least, "landscape")
        browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-landscape-{width}x{height}.png")))
        # The landscape's two jobs, run: their results and figures are text the room reads too.
        tab(browser, "Optimizer race")
        browser.find_element(By.ID, "landscape-race-go").click()
        wait_for(browser, lambda: "Winner: " in text(browser, "landscape-race-result"), timeout=60)
        check_sizes(browser, least, "landscape, Optimizer race")
        browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-landscape-race-{width}x{height}.png")))
        tab(browser, "Big networks")
        browser.find_element(By.ID, "landscape-slice-go").click()
        wait_for(browser, lambda: "cost" in text(browser, "landscape-slice-result"), timeout=120)
        check_sizes(browser, least, "landscape, Big networks")
        browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-landscape-slice-{width}x{height}.png")))

        open_images(browser, live_app)
        train(browser)
        for name in ("Train", "Mistakes", "Draw", "Inside", "Deeper", "Models"):
            tab(browser, name)
            if name == "Draw":  # a stroke drawn, so the network's answer and what it sees are on the page
                draw_a_one(browser)
                wait_for(
                    browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#images-ranking .rank-name")) == 10
                )
            if name == "Deeper":  # the t-SNE map of the ten classes, its legend too
                radio(browser, "images-map-method", "tsne")
                browser.find_element(By.ID, "images-map-draw").click()
                wait_for(browser, lambda: "t-SNE" in str(figure_title(browser, "images-map-graph")), timeout=120)
            check_sizes(browser, least, f"images, {name}")
            browser.save_screenshot(
                str(screenshot_path(tmp_path, f"lecture-images-{name.lower()}-{width}x{height}.png"))
            )

        browser.find_element(By.ID, "nav-backprop").click()
        wait_for(browser, lambda: browser.find_elements(By.ID, "backprop-page"), timeout=60)
        wait_for(
            browser,
            lambda: browser.execute_script("return document.getElementById('backprop-page').dataset.ready === 'true'"),
            timeout=60,
        )
        assert lecture_on(browser)
        check_sizes(browser, least, "backprop")
        browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-backprop-{width}x{height}.png")))
    finally:
        reset_viewport(browser)


def figure_title(driver, graph_id: str) -> str | None:
    """The title of the figure a graph shows now (None before it has one)."""
    return driver.execute_script(
        "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return g && g._fullLayout && g._fullLayout.title && g._fullLayout.title.text",
        graph_id,
    )


def draw_a_one(driver) -> None:
    """A vertical stroke down the drawing canvas with the mouse, whatever size lecture mode gave it."""
    canvas = driver.find_element(By.ID, "images-canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    reach = int(0.35 * canvas.rect["height"])
    actions = ActionChains(driver).move_to_element_with_offset(canvas, 0, -reach).click_and_hold()
    for _ in range(4):
        actions.move_by_offset(0, reach // 2)
    actions.release().perform()


def test_a_figures_text_follows_the_window_and_points_and_lines_grow(live_app, browser):
    """Plotly's own text is set to the lecture size (and back), a new window height gives a new
    size, and a curve's line and points are drawn bigger in lecture mode, their own size after."""
    set_viewport(browser, 1280, 720)
    try:
        open_descent(browser, live_app)
        browser.find_element(By.ID, "descent-learn").click()
        wait_until_settled(browser)
        own = figure_sizes(browser, "descent-graph")
        browser.find_element(By.ID, "lecture-toggle").click()
        wait_for(browser, lambda: figure_sizes(browser, "descent-graph")["tick"] == 22)
        grown = figure_sizes(browser, "descent-graph")
        assert grown["lines"] and all(g >= 2 * o for g, o in zip(grown["lines"], own["lines"])), (own, grown)
        # Points grow too (1.6 times: lecture.js), their white outline not eating them.
        assert grown["points"] and all(g >= 1.5 * o for g, o in zip(grown["points"], own["points"])), (own, grown)
        set_viewport(browser, 1920, 1080)
        wait_for(browser, lambda: figure_sizes(browser, "descent-graph")["tick"] == math.ceil(0.03 * 1080))
        assert figure_sizes(browser, "descent-graph")["lines"] == grown["lines"]  # grown once, not again
        browser.find_element(By.ID, "lecture-toggle").click()
        wait_for(browser, lambda: figure_sizes(browser, "descent-graph") == own)
    finally:
        reset_viewport(browser)


FIGURE_SIZES = """
const graph = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const tick = graph.querySelector('.xtick text');
const lines = Array.from(graph.querySelectorAll('.scatterlayer .js-line'))
  .map((line) => parseFloat(getComputedStyle(line).strokeWidth));
// A point's drawn width, its outline left out (the marker's path without its stroke).
const points = Array.from(graph.querySelectorAll('.scatterlayer .point'))
  .map((point) => Math.round(point.getBBox().width * 10) / 10);
return {tick: tick ? parseFloat(getComputedStyle(tick).fontSize) : null, lines: lines, points: points};
"""


def figure_sizes(driver, graph_id: str) -> dict:
    """A figure's tick text size, its lines' widths and its points' widths, as drawn."""
    return driver.execute_script(FIGURE_SIZES, graph_id)


MATRIX_LABELS = """
// The confusion matrix's tick labels (class names) as drawn: their text and boxes, and the figure's box.
const graph = document.querySelector('#images-confusion .js-plotly-plot'), frame = graph.getBoundingClientRect();
const labels = (axis) => Array.from(graph.querySelectorAll('.' + axis + 'tick text')).map((t) => {
  const b = t.getBoundingClientRect();
  return {text: t.textContent, left: b.left, right: b.right, top: b.top, bottom: b.bottom};
});
const numbers = Array.from(graph.querySelectorAll('.heatmaplayer text')).filter((t) => t.textContent.trim())
  .map((t) => { const b = t.getBoundingClientRect(); return {text: t.textContent, left: b.left, right: b.right,
                                                             top: Math.round(b.top)}; });
const bars = Array.from(document.querySelectorAll('#images-per-class .bartext')).map((t) => {
  const b = t.getBoundingClientRect(); return {text: t.textContent, left: b.left, right: b.right}; });
return {x: labels('x'), y: labels('y'), numbers: numbers, bars: bars,
        frame: {left: frame.left, right: frame.right, top: frame.top, bottom: frame.bottom}};
"""


def test_long_class_names_in_the_confusion_matrix_are_whole_and_apart(live_app, browser, tmp_path):
    """Fashion-MNIST's names ("T-shirt/top", "Ankle boot") in lecture mode at 1280×720: every name
    written whole, inside the figure, and no two of an axis overlapping (they were clipped)."""
    real_data_dir("fashion-mnist")
    set_viewport(browser, 1280, 720)
    try:
        browser.get(live_app + "/?lecture=1")  # lecture mode is the tab's choice from here on
        open_images(browser, live_app)
        choose(browser, "images-dataset", "Fashion-MNIST")
        wait_for(browser, lambda: browser.find_element(By.ID, "images-preview").get_attribute("src"), timeout=60)
        type_into(browser, "images-train-samples", 1000)  # a small run: the names, not the accuracy, are tested
        type_into(browser, "images-epochs", 1)
        train(browser, timeout=120)
        tab(browser, "Mistakes")
        wait_for(browser, lambda: len(browser.execute_script(MATRIX_LABELS)["y"]) == 10, timeout=30)
        wait_until_settled(browser)
        drawn = browser.execute_script(MATRIX_LABELS)
        names = list(FASHION_MNIST_CLASSES)
        frame = drawn["frame"]
        for axis in ("x", "y"):
            assert sorted(label["text"] for label in drawn[axis]) == sorted(names), drawn[axis]
            for label in drawn[axis]:
                inside = (
                    label["left"] >= frame["left"] - 0.5
                    and label["right"] <= frame["right"] + 0.5
                    and label["top"] >= frame["top"] - 0.5
                    and label["bottom"] <= frame["bottom"] + 0.5
                )
                assert inside, (label, frame)
        rows = sorted(drawn["y"], key=lambda label: label["top"])
        assert all(a["bottom"] <= b["top"] + 1 for a, b in zip(rows, rows[1:])), rows
        # The counts in the cells: side by side in a row, each apart from the next (not "727203").
        assert len(drawn["numbers"]) == 100, len(drawn["numbers"])
        for top in {number["top"] for number in drawn["numbers"]}:
            row = sorted((n for n in drawn["numbers"] if n["top"] == top), key=lambda n: n["left"])
            assert all(a["right"] + 4 <= b["left"] for a, b in zip(row, row[1:])), row
        # And each class's accuracy over its bar, apart from its neighbours' ("89.7%84.8%" ran together).
        bars = sorted(drawn["bars"], key=lambda bar: bar["left"])
        assert len(bars) == 10 and all(a["right"] <= b["left"] for a, b in zip(bars, bars[1:])), bars
        browser.execute_script("document.getElementById('images-confusion').scrollIntoView({block: 'center'})")
        browser.save_screenshot(str(screenshot_path(tmp_path, "lecture-images-confusion-fashion-1280x720.png")))
    finally:
        reset_viewport(browser)
