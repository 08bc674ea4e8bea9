"""TensorFlow Playground's view controls and data sets on the 2-D playground (issue 25, F26), in a
real headless Chromium with real mouse and keyboard input: discretize output, show test data,
its classification sets by name with its noise scale and its ratio of training data."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers.browser import (
    PLAYGROUND,
    choose,
    click_in_view,
    reset_viewport,
    screenshot_path,
    set_viewport,
    shown,
    stored,
    visible_text,
    wait_for,
    wait_until_settled,
)
from helpers.pages import no_errors, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

VIEW_STORE = "session-view-playground"

# The class map as painted: each cell's colour, the class the network predicts there, and the colour
# the drawing module gives that class at full confidence (the canvas's rows run top-down).
CLASS_MAP = f"""
const p = {PLAYGROUND}, drawing = window.neuralModules.drawing;
const canvas = document.getElementById('playground-boundary-canvas');
const n = canvas.width, pixels = canvas.getContext('2d').getImageData(0, 0, n, n).data;
const grid = p.gridFor(p.shown.net, p.shown.view);
const colours = new Set(), mismatched = [];
for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {{
  const at = 4 * ((n - 1 - r) * n + c), colour = [pixels[at], pixels[at + 1], pixels[at + 2]];
  colours.add(colour.join(','));
  const full = drawing.classColour(grid.predicted[r * n + c], 1);
  if (full.join(',') !== colour.join(',')) mismatched.push([r, c]);
}}
return {{colours: Array.from(colours), mismatched: mismatched.length, classes: new Set(grid.predicted).size}};
"""


def class_map(driver) -> dict:
    return driver.execute_script(CLASS_MAP)


def tick(driver, checkbox_id: str) -> None:
    """Click a checkbox with the mouse, as a person does."""
    click_in_view(driver, driver.find_element(By.CSS_SELECTOR, f"#{checkbox_id} input"))


def ticked(driver, checkbox_id: str) -> bool:
    return driver.find_element(By.CSS_SELECTOR, f"#{checkbox_id} input").is_selected()


def trace_visibility(driver) -> list:
    """Each trace of the boundary figure: its name and whether it is drawn (True, or "legendonly")."""
    return driver.execute_script(
        "const g = document.querySelector('#playground-boundary-graph .js-plotly-plot');"
        "return g._fullData.map((t) => [t.name, t.visible]);"
    )


def test_discretize_output_paints_hard_classes_and_unticks_back_to_shading(live_app, browser, second_browser):
    open_page(browser, live_app)
    assert not ticked(browser, "playground-discretize") and stored(browser, VIEW_STORE)["discretize"] is False
    shaded = class_map(browser)
    assert len(shaded["colours"]) > 2 and shaded["mismatched"] > 0  # shaded by confidence: many tints
    tick(browser, "playground-discretize")
    wait_for(browser, lambda: stored(browser, VIEW_STORE)["discretize"] is True)
    wait_for(browser, lambda: class_map(browser)["mismatched"] == 0)
    hard = class_map(browser)
    # Every pixel is its predicted class's one colour: as many colours as classes predicted, no tint between.
    assert len(hard["colours"]) == hard["classes"]
    assert shown(browser)["look"] == {"discretize": True, "show_test": True}
    # A view setting: it travels in a share link and opens so in another browser.
    click_in_view(browser, browser.find_element(By.ID, "playground-share"))
    wait_for(browser, lambda: browser.find_element(By.ID, "playground-share-link").get_attribute("value"))
    link = browser.find_element(By.ID, "playground-share-link").get_attribute("value")
    open_page(second_browser, link)
    wait_for(second_browser, lambda: ticked(second_browser, "playground-discretize"))
    wait_for(second_browser, lambda: class_map(second_browser)["mismatched"] == 0)
    # Unticked: shaded by confidence again.
    tick(browser, "playground-discretize")
    wait_for(browser, lambda: stored(browser, VIEW_STORE)["discretize"] is False)
    wait_for(browser, lambda: class_map(browser)["mismatched"] > 0)
    assert len(class_map(browser)["colours"]) > 2
    no_errors(browser)


def test_show_test_data_hides_and_shows_the_hollow_test_points(live_app, browser):
    open_page(browser, live_app)
    assert ticked(browser, "playground-show-test")  # on by default
    traces = trace_visibility(browser)
    assert [visible for name, visible in traces] == [True] * len(traces)
    tick(browser, "playground-show-test")
    wait_for(browser, lambda: stored(browser, VIEW_STORE)["show_test"] is False)
    wait_for(browser, lambda: any(visible != True for _, visible in trace_visibility(browser)))  # noqa: E712
    for name, visible in trace_visibility(browser):
        assert visible == (True if name.endswith("(train)") else "legendonly"), (name, visible)
    assert not ticked(browser, "playground-show-test")
    tick(browser, "playground-show-test")
    wait_for(browser, lambda: all(visible is True for _, visible in trace_visibility(browser)))
    assert stored(browser, VIEW_STORE)["show_test"] is True
    no_errors(browser)


def test_tensorflow_playgrounds_circle_with_its_noise_and_ratio_of_training_data(live_app, browser, tmp_path):
    open_page(browser, live_app)
    choose(browser, "playground-dataset", "circle (TensorFlow Playground)")
    wait_for(browser, lambda: (shown(browser)["data"].get("generator") or {}).get("name") == "tf-circle")
    data = shown(browser)["data"]
    # Its page's set-up: 500 points, half of them held out (its 'ratio of training data' 50 %), no noise.
    assert data["generator"] == {"name": "tf-circle", "noise": 0.0, "test_fraction": 0.5, "seed": 0, "n_samples": 500}
    assert len(data["train_labels"]) == len(data["test_labels"]) == 250
    assert browser.find_element(By.ID, "playground-samples").get_attribute("value") == "500"
    hint = visible_text(browser, "playground-noise-hint")
    assert "TensorFlow Playground's noise ÷ 100" in hint and "0–50 is 0–0.5" in hint
    assert "ratio of training data" in browser.find_element(By.CLASS_NAME, "data-column").text
    # In its own units (radius 5): its circle of class 1 inside 2.5, the ring 3.5…5 of class 0.
    assert max(max(abs(x), abs(y)) for x, y in data["train_inputs"]) <= 5
    # Its noise, by the keyboard on the noise slider: 0.01 a press, its noise 1 of 50.
    noise = browser.find_element(By.CSS_SELECTOR, "#playground-noise [role=slider]")
    noise.send_keys(Keys.ARROW_RIGHT)
    wait_for(browser, lambda: shown(browser)["data"]["generator"]["noise"] == 0.01)
    # The share held out, as its 'ratio of training data' slider: 45 % test is 55 % training.
    share = browser.find_element(By.CSS_SELECTOR, "#playground-test-fraction [role=slider]")
    share.send_keys(Keys.ARROW_LEFT)
    wait_for(browser, lambda: shown(browser)["data"]["generator"]["test_fraction"] == 0.45)
    data = shown(browser)["data"]
    assert (len(data["train_labels"]), len(data["test_labels"])) == (275, 225)
    # Every one of its four classification sets is in the menu by its name, and makes its points.
    for label, name in (
        ("XOR (TensorFlow Playground)", "tf-xor"),
        ("two Gaussians (TensorFlow Playground)", "tf-gauss"),
        ("spiral (TensorFlow Playground)", "tf-spiral"),
    ):
        choose(browser, "playground-dataset", label)
        wait_for(browser, lambda: shown(browser)["data"]["generator"]["name"] == name)
        assert shown(browser)["data"]["generator"]["test_fraction"] == 0.45  # the share stays within its sets
    # Back to the page's own set: its own count and share.
    choose(browser, "playground-dataset", "blobs (3 classes)")  # (in reach below the list's search box)
    wait_for(browser, lambda: shown(browser)["data"]["generator"]["name"] == "blobs")
    assert shown(browser)["data"]["generator"]["n_samples"] == 200
    no_errors(browser)


@pytest.mark.parametrize("lecture", ["0", "1"])
def test_screenshot_of_the_discretized_circle(live_app, browser, tmp_path, lecture):
    set_viewport(browser, 1280, 720)
    try:
        open_page(browser, live_app + "/?lecture=0")
        if lecture == "1":  # the lecture mode button, as a teacher presses it
            browser.find_element(By.ID, "lecture-toggle").click()
            wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
        choose(browser, "playground-dataset", "circle (TensorFlow Playground)")
        wait_for(browser, lambda: (shown(browser)["data"].get("generator") or {}).get("name") == "tf-circle")
        tick(browser, "playground-discretize")
        wait_for(browser, lambda: class_map(browser)["mismatched"] == 0)
        browser.execute_script("window.scrollTo(0, 0)")
        wait_until_settled(browser)
        name = "discretized-circle-" + ("lecture" if lecture == "1" else "normal") + "-1280x720.png"
        browser.save_screenshot(str(screenshot_path(tmp_path, name)))
    finally:
        reset_viewport(browser)
