"""Pages on one session, and the 1-D gradient-descent page, in a real headless Chromium with real input."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers.browser import (
    counter,
    layer_sizes,
    playing,
    screenshot_path,
    shown,
    text,
    thumb,
    type_into_box,
    wait_for,
    wait_until_edit_landed,
    wait_until_settled,
    weight,
    weights,
)
from helpers.pages import open_descent, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def readout(driver, name: str) -> str:
    """The value beside a row heading of the descent page's readout table."""
    rows = driver.execute_script(  # read at once: the table is redrawn after every step
        "return Array.from(document.querySelectorAll('#descent-readouts tr'))"
        ".map((row) => [row.cells[0].textContent, row.cells[1].textContent])"
    )
    values = dict(rows)
    if name not in values:
        raise AssertionError(f"no readout {name!r} in {values}")
    return values[name]


def curve(driver) -> list:
    return driver.execute_script(
        "return Array.from(document.querySelector('#descent-graph .js-plotly-plot')._fullData[0].y)"
    )


def path_xs(driver) -> list:
    return driver.execute_script(
        "return Array.from(document.querySelector('#descent-graph .js-plotly-plot')._fullData[1].x)"
    )


def enter(driver, element_id: str, value: str) -> None:
    """Type a value into a box of the descent page and press Enter (which draws)."""
    type_into_box(driver.find_element(By.ID, element_id), value, Keys.ENTER)


def test_a_weight_set_on_the_playground_is_still_there_after_visiting_descent(live_app, browser, tmp_path):
    open_page(browser, live_app)
    ActionChains(browser).click_and_hold(thumb(browser, "W[1][0,1]")).move_by_offset(35, 0).release().perform()
    wait_for(browser, lambda: weight(shown(browser)["net"], 1, 0, 1) != 0)
    wait_until_edit_landed(browser)  # the value let go is the session's
    dragged = weight(shown(browser)["net"], 1, 0, 1)
    label = thumb(browser, "W[1][0,1]").get_attribute("aria-valuenow")

    browser.find_element(By.ID, "nav-descent").click()  # the navigation bar: no reload
    wait_for(browser, lambda: browser.find_elements(By.ID, "descent-graph"))
    assert browser.current_url.endswith("/descent")
    assert not browser.find_elements(By.ID, "playground-sliders")
    browser.find_element(By.ID, "nav-playground").click()
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .dash-slider-thumb"))
    wait_for(browser, lambda: shown(browser) and weight(shown(browser)["net"], 1, 0, 1) == dragged)
    assert thumb(browser, "W[1][0,1]").get_attribute("aria-valuenow") == label
    assert browser.execute_script("return performance.getEntriesByType('navigation').length") == 1  # one page load
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_point_nine_bounces_in_and_converges_and_one_point_one_diverges(live_app, browser, tmp_path):
    open_descent(browser, live_app)
    assert readout(browser, "x") == "-1.5" and "f(x)" in browser.find_element(By.ID, "descent-readouts").text
    enter(browser, "descent-learn-rate-value", "0.9")
    wait_for(browser, lambda: "bounces in" in browser.find_element(By.ID, "descent-regime").text)
    browser.find_element(By.ID, "descent-run").click()
    wait_for(browser, lambda: text(browser, "descent-message").startswith("converged"), timeout=60)
    assert float(readout(browser, "x")) == pytest.approx(1.5, abs=1e-6)
    xs = path_xs(browser)
    sides = [x > 1.5 for x in xs[:8]]
    assert sides == [False, True, False, True, False, True, False, True]  # it bounced in
    assert browser.find_element(By.ID, "descent-run").text == "run"
    browser.save_screenshot(str(screenshot_path(tmp_path, "descent-bounce.png")))

    browser.find_element(By.ID, "descent-reset").click()
    wait_for(browser, lambda: readout(browser, "step") == "0")
    enter(browser, "descent-learn-rate-value", "1.1")
    wait_for(browser, lambda: "diverges" in browser.find_element(By.ID, "descent-regime").text)
    browser.find_element(By.ID, "descent-run").click()
    wait_for(browser, lambda: "diverged" in text(browser, "descent-message"), timeout=90)
    assert "Lower the learn rate" in text(browser, "descent-message")
    assert browser.find_element(By.ID, "descent-run").text == "run"
    assert abs(float(readout(browser, "x"))) <= 1e6
    away = browser.execute_script(  # the ball left the frame: its edge says where it went
        "const t = document.querySelector('#descent-graph .js-plotly-plot')._fullData[4];"
        "return [Array.from(t.x), Array.from(t.text || [])]"
    )
    assert len(away[0]) == 1 and away[1][0].startswith("ball at x = "), away
    # The page still works: reset and one step.
    browser.find_element(By.ID, "descent-reset").click()
    wait_for(browser, lambda: readout(browser, "step") == "0")
    browser.find_element(By.ID, "descent-learn").click()
    wait_for(browser, lambda: readout(browser, "step") == "1")


def test_typing_a_formula_redraws_and_unsafe_text_gets_a_message(live_app, browser, tmp_path):
    open_descent(browser, live_app)
    before = curve(browser)
    enter(browser, "descent-formula", "x^4 - 4*x^2 + x")
    wait_for(browser, lambda: curve(browser) != before)
    drawn = curve(browser)
    assert browser.find_element(By.ID, "descent-preset").text.startswith("your own formula")
    for hostile in ("__import__('os')", "x.__class__"):
        enter(browser, "descent-formula", hostile)
        wait_for(browser, lambda: "is not allowed" in browser.find_element(By.ID, "descent-formula-message").text)
        assert "back to the curve shown" in browser.find_element(By.ID, "descent-formula-message").text
        assert curve(browser) == drawn
    enter(browser, "descent-formula", "sin(3*x) + x**2/4")  # and the page keeps working
    wait_for(browser, lambda: curve(browser) != drawn)
    assert browser.find_element(By.ID, "descent-formula-message").text == ""
    browser.find_element(By.ID, "descent-learn").click()
    wait_for(browser, lambda: readout(browser, "step") == "1")
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_a_click_on_the_curve_moves_the_start(live_app, browser):
    open_descent(browser, live_app)
    graph = browser.find_element(By.CSS_SELECTOR, "#descent-graph .js-plotly-plot")
    left, top, width = browser.execute_script(
        "const l = arguments[0]._fullLayout; return [l.xaxis._offset, l.yaxis._offset, l.xaxis._length];", graph
    )
    x_range = browser.execute_script("return arguments[0]._fullLayout.xaxis.range", graph)
    target = 3.5
    px = left + (target - x_range[0]) / (x_range[1] - x_range[0]) * width
    py = browser.execute_script(
        "const l = arguments[0]._fullLayout; return l.yaxis.l2p(arguments[1]) + l.yaxis._offset;",
        graph,
        target**2 - 3 * target + 4,
    )
    rect = graph.rect
    ActionChains(browser).move_to_element_with_offset(
        graph, px - rect["width"] / 2, py - rect["height"] / 2
    ).click().perform()
    wait_for(browser, lambda: abs(float(readout(browser, "x")) - target) < 0.1)
    assert readout(browser, "step") == "0"


def test_playground_shortcuts_do_nothing_on_descent(live_app, browser, tmp_path):
    open_page(browser, live_app)
    painted = weights(shown(browser)["net"])
    frames = counter(browser, "trainingFrames")
    browser.find_element(By.ID, "nav-descent").click()
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#descent-graph .js-plotly-plot"))
    wait_until_settled(browser)
    page = browser.find_element(By.ID, "descent-page")
    page.send_keys("s")  # the descent page's own shortcut: one step of the ball
    wait_for(browser, lambda: readout(browser, "step") == "1")
    page.send_keys(" ")  # run …
    wait_for(browser, lambda: int(readout(browser, "step")) >= 3)
    page.send_keys(" ")  # … and pause
    wait_for(browser, lambda: browser.find_element(By.ID, "descent-run").text == "run")
    wait_until_settled(browser)  # the last answer of the run is in: nothing else is on its way
    assert counter(browser, "trainingFrames") == frames
    assert not playing(browser)
    assert weights(shown(browser)["net"]) == painted
    browser.set_window_size(1280, 720)
    browser.save_screenshot(str(screenshot_path(tmp_path, "descent-1280x720.png")))
    browser.find_element(By.ID, "nav-playground").click()
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .dash-slider-thumb"))
    wait_until_settled(browser)  # the page drawn again from the session, every callback landed
    assert weights(shown(browser)["net"]) == painted
    browser.save_screenshot(str(screenshot_path(tmp_path, "playground-1280x720.png")))


def test_a_link_made_before_the_pages_opens_the_same_state(live_app, browser):
    import json
    from pathlib import Path

    data_folder = Path(__file__).parent / "data"
    fragment = (data_folder / "share-link-v1.txt").read_text().strip()  # made by the one-page app
    expected = json.loads((data_folder / "share-link-v1.json").read_text())
    open_page(browser, f"{live_app}/#{fragment}")
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 5, 2])
    state = shown(browser)
    assert weights(state["net"]) == expected["network"]["weights"] and weight(state["net"], 1, 1, 2) == -2.345
    assert state["data"]["train_inputs"] == expected["data"]["train_inputs"]
    assert state["data"]["train_labels"][-1] == 1  # the clicked point
    wait_for(browser, lambda: browser.find_element(By.ID, "playground-learn-rate-label").text == "learn rate 0.3")
    assert browser.find_element(By.ID, "playground-optimizer").text.startswith("adam")
    assert "loaded the shared state" in browser.find_element(By.ID, "playground-share-message").text
