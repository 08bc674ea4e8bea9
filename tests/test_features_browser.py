"""Feature inputs on the playground (SPEC F25) with real input: ticking TensorFlow Playground's
features of a point makes the network's input layer, the circle and XOR presets separate their
problems without a hidden layer, a choice of no input is refused, a link keeps the inputs, and
the diagram names each input node on a projector."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By

from playground.app.session import model

from helpers.browser import (
    choose,
    click_in_view,
    layer_sizes,
    reset_viewport,
    screenshot_path,
    set_viewport,
    stored,
    wait_for,
    wait_until_figures_fit,
    wait_until_scrolled,
    wait_until_settled,
    weights,
)
from helpers.browser import visible_text as text
from helpers.pages import no_errors, open_page, play_until_epoch

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

READOUTS = """
const rows = Array.from(document.querySelectorAll('#playground-readouts table tr'));
return rows.map((r) => Array.from(r.cells).map((c) => c.textContent));
"""


def readouts(driver) -> dict:
    """The readouts table by row name: {"header": [...], "train": [...], "test": [...]}."""
    rows = driver.execute_script(READOUTS)
    return {"header": rows[0], **{row[0]: row for row in rows[1:]}} if rows else {}


def shown_test_accuracy(driver) -> float:
    """The test accuracy the readouts show, as a fraction ("97.6 %" → 0.976)."""
    row = readouts(driver)["test"]
    assert row[-1].endswith(" %"), row
    return float(row[-1].removesuffix(" %")) / 100


def engine_test_accuracy(driver) -> float:
    network = model.playground_network(stored(driver, "session-network"))
    data = model.for_network(model.check_points(stored(driver, "session-data")), network)
    return network.accuracy(data.test_inputs, data.test_labels)


def network(driver) -> dict:
    return stored(driver, "session-network")


def inputs(driver) -> list[str]:
    return model.architecture(network(driver))["input_names"]


def ticked(driver) -> list[str]:
    """The features the checklist shows ticked, in its order."""
    return [
        box.get_attribute("value")
        for box in driver.find_elements(By.CSS_SELECTOR, "#playground-features input[type=checkbox]")
        if box.is_selected()
    ]


def toggle(driver, feature: str) -> None:
    """Tick or untick one feature of the checklist with the mouse."""
    click_in_view(driver, driver.find_element(By.CSS_SELECTOR, f"#playground-features input[value='{feature}']"))


def set_inputs(driver, feature: str, wanted: list[str]) -> None:
    """Toggle a feature and wait until the session's network takes ``wanted``."""
    toggle(driver, feature)
    wait_for(driver, lambda: inputs(driver) == wanted)
    wait_until_settled(driver)


def diagram_names(driver) -> list[str]:
    """The names the diagram writes left of its input nodes (the SVG export draws the same parts)."""
    svg = driver.execute_script(
        "const page = window.neuralModules.playground, canvas = document.getElementById('playground-network-canvas');"
        "const grid = window.neuralModules.maths.evaluateGrid(page.shown.net, page.shown.view.x_range,"
        " page.shown.view.y_range, 8);"
        "return window.neuralModules.drawing.diagramSVG(canvas, page.shown.net, grid);"
    )
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_the_circle_with_x1_squared_and_x2_squared_and_no_hidden_layer(live_app, browser):
    open_page(browser, live_app)
    choose(browser, "playground-dataset", "circle (TensorFlow Playground)")
    wait_for(browser, lambda: (stored(browser, "session-data").get("generator") or {}).get("name") == "tf-circle")
    wait_until_settled(browser)
    assert ticked(browser) == ["x1", "x2"] and inputs(browser) == ["x1", "x2"]
    set_inputs(browser, "x1^2", ["x1", "x2", "x1^2"])
    set_inputs(browser, "x2^2", ["x1", "x2", "x1^2", "x2^2"])
    set_inputs(browser, "x1", ["x2", "x1^2", "x2^2"])
    set_inputs(browser, "x2", ["x1^2", "x2^2"])
    assert ticked(browser) == ["x1^2", "x2^2"]
    for _ in range(len(layer_sizes(network(browser))) - 2):  # "− layer" until no hidden layer is left
        hidden = len(layer_sizes(network(browser))) - 2
        click_in_view(browser, browser.find_element(By.ID, "playground-remove-layer"))
        wait_for(browser, lambda: len(layer_sizes(network(browser))) - 2 == hidden - 1)
        wait_until_settled(browser)
    assert layer_sizes(network(browser)) == [2, 2]
    assert inputs(browser) == ["x1^2", "x2^2"] and network(browser)["input_names"] == ["x1^2", "x2^2"]
    assert ticked(browser) == ["x1^2", "x2^2"]  # removing a layer kept the inputs
    play_until_epoch(browser, 10, timeout=120)  # at the page's learn rate, 3
    wait_for(browser, lambda: shown_test_accuracy(browser) == pytest.approx(engine_test_accuracy(browser), abs=6e-4))
    assert shown_test_accuracy(browser) >= 0.95, readouts(browser)
    no_errors(browser)


def test_the_xor_preset_separates_xor_with_one_input(live_app, browser):
    open_page(browser, live_app)
    click_in_view(browser, browser.find_element(By.ID, "playground-preset-xor"))
    wait_for(browser, lambda: inputs(browser) == ["x1*x2"])
    wait_for(browser, lambda: text(browser, "playground-dataset") == "XOR (TensorFlow Playground)")
    wait_until_settled(browser)
    assert (stored(browser, "session-data").get("generator") or {}).get("name") == "tf-xor"
    assert layer_sizes(network(browser)) == [1, 2]  # one input, no hidden layer, a node per class
    assert ticked(browser) == ["x1*x2"]
    assert "x₁·x₂" in text(browser, "playground-preset-source")
    play_until_epoch(browser, 10, timeout=120)
    wait_for(browser, lambda: shown_test_accuracy(browser) == pytest.approx(engine_test_accuracy(browser), abs=6e-4))
    assert shown_test_accuracy(browser) >= 0.97, readouts(browser)
    no_errors(browser)


def test_unticking_every_input_is_refused_and_the_checklist_shows_the_network(live_app, browser):
    open_page(browser, live_app)
    set_inputs(browser, "x1", ["x2"])
    assert layer_sizes(network(browser))[0] == 1
    before = network(browser)
    toggle(browser, "x2")  # the last input
    wait_for(browser, lambda: "at least one input" in text(browser, "playground-network-message"))
    wait_for(browser, lambda: ticked(browser) == ["x2"])  # ticked again: the network's inputs
    wait_until_settled(browser)
    assert network(browser) == before
    assert ticked(browser) == ["x2"]
    no_errors(browser)


def test_a_share_link_keeps_the_feature_inputs(live_app, browser, second_browser):
    open_page(browser, live_app)
    set_inputs(browser, "x1*x2", ["x1", "x2", "x1*x2"])
    set_inputs(browser, "sin(x2)", ["x1", "x2", "x1*x2", "sin(x2)"])
    browser.find_element(By.ID, "playground-step").click()  # weights of its own, not a seed's
    wait_for(browser, lambda: len(stored(browser, "session-training")["history"]["epoch"]) == 2)
    wait_until_settled(browser)
    original = network(browser)
    click_in_view(browser, browser.find_element(By.ID, "playground-share"))
    link = wait_for(browser, lambda: browser.find_element(By.ID, "playground-share-link").get_attribute("value"))
    assert "#s=" in link

    open_page(second_browser, link)  # a separate browser (its own profile) opens it
    wait_for(second_browser, lambda: inputs(second_browser) == ["x1", "x2", "x1*x2", "sin(x2)"])
    wait_until_settled(second_browser)
    copy = network(second_browser)
    assert copy["input_names"] == original["input_names"]
    assert layer_sizes(copy) == layer_sizes(original) and layer_sizes(copy)[0] == 4
    assert weights(copy) == weights(original)
    assert ticked(second_browser) == ["x1", "x2", "x1*x2", "sin(x2)"]
    no_errors(second_browser)


def test_the_circle_preset_trained_in_lecture_mode(live_app, browser, tmp_path):
    open_page(browser, live_app)
    click_in_view(browser, browser.find_element(By.ID, "playground-preset-circle"))
    wait_for(browser, lambda: inputs(browser) == ["x1^2", "x2^2"])
    wait_for(browser, lambda: text(browser, "playground-dataset") == "circle (TensorFlow Playground)")
    wait_until_settled(browser)
    assert layer_sizes(network(browser)) == [2, 2] and ticked(browser) == ["x1^2", "x2^2"]
    play_until_epoch(browser, 10, timeout=120)
    wait_for(browser, lambda: shown_test_accuracy(browser) == pytest.approx(engine_test_accuracy(browser), abs=6e-4))
    assert shown_test_accuracy(browser) >= 0.95, readouts(browser)
    set_viewport(browser, 1280, 720)
    try:
        browser.find_element(By.ID, "lecture-toggle").click()
        wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
        wait_until_figures_fit(browser)
        assert diagram_names(browser) == ["x₁²", "x₂²"]  # each input node named
        canvas = browser.find_element(By.ID, "playground-network-canvas")
        browser.execute_script("arguments[0].scrollIntoView({block: 'end'})", canvas)  # the diagram, the plane above it
        wait_until_scrolled(browser)
        browser.save_screenshot(str(screenshot_path(tmp_path, "features-lecture-1280x720.png")))
        no_errors(browser)
    finally:
        reset_viewport(browser)
