"""Regression on the playground (SPEC F24) with real input: TensorFlow Playground's plane and
multi-Gaussian chosen in the problem menu make a one-output linear network, the points and the
plane are coloured by value under a colour bar, the readouts score R², the advised learn rate
trains it (the readouts agree with the engine), a click on the plane adds a point of the value
chosen, and a trained regression in lecture mode fits a projector."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from playground.app.session import model

from helpers.browser import (
    choose,
    click_in_view,
    radio,
    reset_viewport,
    screenshot_path,
    set_viewport,
    stored,
    type_into_box,
    wait_for,
    wait_until_figures_fit,
    wait_until_settled,
)
from helpers.browser import visible_text as text
from helpers.pages import click_plane, empty_spot, no_errors, open_page, play_until_epoch

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

PLANE = "plane (regression, TensorFlow Playground)"
GAUSSIANS = "multi-Gaussian (regression, TensorFlow Playground)"
ADVISED = "0.03"  # TensorFlow Playground's learn rate: at the page's 3 a linear output diverges

READOUTS = """
const rows = Array.from(document.querySelectorAll('#playground-readouts table tr'));
return rows.map((r) => Array.from(r.cells).map((c) => c.textContent));
"""
# The colour bar of the boundary graph: its tick labels and its title, as Plotly drew them.
COLOUR_BAR = """
const bar = document.querySelector('#playground-boundary-graph .colorbar');
if (!bar) return null;
return {ticks: Array.from(bar.querySelectorAll('.cbaxis text')).map((t) => t.textContent),
        title: Array.from(bar.querySelectorAll('.cbtitle text')).map((t) => t.textContent).join(' ')};
"""


def readouts(driver) -> dict:
    """The readouts table by row name: {"header": [...], "train": [...], "test": [...]}."""
    rows = driver.execute_script(READOUTS)
    return {"header": rows[0], **{row[0]: row for row in rows[1:]}} if rows else {}


def shown_test_cost(driver) -> float:
    return float(readouts(driver)["test"][1])


def shown_test_score(driver) -> float:
    return float(readouts(driver)["test"][4])


def plotly_number(label: str) -> float:
    return float(label.replace("−", "-"))  # Plotly writes a minus sign, not a hyphen


def choose_regression(driver, name: str) -> None:
    """Pick a regression set in the problem menu and wait until the network is rebuilt for it."""
    choose(driver, "playground-dataset", name)
    wait_for(driver, lambda: stored(driver, "session-network").get("task") == "regression")
    wait_for(driver, lambda: stored(driver, "session-data").get("task") == "regression")
    wait_until_settled(driver)


def type_learn_rate(driver, value: str) -> None:
    """Type a learn rate in the box beside the learn-rate slider, as a person does."""
    type_into_box(driver.find_element(By.ID, "playground-learn-rate-value"), value, Keys.TAB)
    wait_for(driver, lambda: stored(driver, "session-settings")["learn_rate"] == float(value))
    wait_until_settled(driver)


def engine_test_cost(driver) -> float:
    """The test cost of the session's network as the engine computes it."""
    network = model.playground_network(stored(driver, "session-network"))
    data = model.for_network(model.check_points(stored(driver, "session-data")), network)
    return network.cost(data.test_inputs, data.test_labels)


def engine_test_r_squared(driver) -> float:
    network = model.playground_network(stored(driver, "session-network"))
    data = model.for_network(model.check_points(stored(driver, "session-data")), network)
    return network.cost_and_accuracy(data.test_inputs, data.test_labels)[1]


def train_plane(driver, url: str, epochs: float = 20) -> tuple[float, float]:
    """Open the page, choose the plane, type the advised learn rate and play ``epochs`` epochs;
    returns the test cost and R² the readouts showed before training."""
    open_page(driver, url)
    choose_regression(driver, PLANE)
    type_learn_rate(driver, ADVISED)
    before = shown_test_cost(driver), shown_test_score(driver)
    play_until_epoch(driver, epochs, timeout=120)
    return before


def test_the_plane_is_a_regression_that_trains_at_the_advised_learn_rate(live_app, browser):
    open_page(browser, live_app)
    choose_regression(browser, PLANE)
    shape = model.architecture(stored(browser, "session-network"))
    assert shape["task"] == "regression" and shape["layer_sizes"][-1] == 1, shape
    assert shape["output_activation"] == "linear" and shape["cost"] == "quadratic", shape
    # The points are coloured by value: a colour bar titled "value" running from negative to positive.
    bar = wait_for(browser, lambda: browser.execute_script(COLOUR_BAR))
    assert bar["title"] == "value", bar
    values = [plotly_number(label) for label in bar["ticks"]]
    assert min(values) < 0 < max(values), bar
    # The readouts score R², not accuracy; the page says which learn rate a linear output needs.
    wait_for(browser, lambda: readouts(browser)["header"][4] == "R²")
    assert "accuracy" not in browser.find_element(By.ID, "playground-readouts").text
    assert ADVISED in text(browser, "playground-data-message")

    type_learn_rate(browser, ADVISED)
    start_cost, start_score = shown_test_cost(browser), shown_test_score(browser)
    assert start_cost == pytest.approx(engine_test_cost(browser), abs=6e-5)  # four decimals, as the table writes
    play_until_epoch(browser, 20, timeout=120)
    wait_for(browser, lambda: shown_test_cost(browser) == pytest.approx(engine_test_cost(browser), abs=6e-5))
    assert shown_test_cost(browser) < start_cost
    assert shown_test_score(browser) > start_score
    assert shown_test_score(browser) == pytest.approx(engine_test_r_squared(browser), abs=6e-4)  # three decimals
    assert text(browser, "playground-train-message") == ""  # nothing diverged
    no_errors(browser)


def test_the_multi_gaussian_set_trains_at_the_advised_learn_rate(live_app, browser):
    open_page(browser, live_app)
    choose_regression(browser, GAUSSIANS)
    shape = model.architecture(stored(browser, "session-network"))
    assert shape["task"] == "regression" and shape["layer_sizes"][-1] == 1, shape
    wait_for(browser, lambda: readouts(browser)["header"][4] == "R²")
    assert ADVISED in text(browser, "playground-data-message")
    type_learn_rate(browser, ADVISED)
    start = shown_test_cost(browser)
    play_until_epoch(browser, 10, timeout=120)
    wait_for(browser, lambda: shown_test_cost(browser) == pytest.approx(engine_test_cost(browser), abs=6e-5))
    assert shown_test_cost(browser) < start
    assert text(browser, "playground-train-message") == ""
    no_errors(browser)


def test_discretize_output_on_a_regression_paints_the_sign(live_app, browser):
    open_page(browser, live_app)
    choose_regression(browser, PLANE)
    canvas = "return document.getElementById('playground-boundary-canvas').toDataURL()"
    before = browser.execute_script(canvas)
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-discretize input[type=checkbox]"))
    wait_for(browser, lambda: (stored(browser, "session-view-playground") or {}).get("discretize") is True)
    wait_for(browser, lambda: browser.execute_script(canvas) != before)  # painted anew, by sign
    wait_until_settled(browser)
    assert browser.execute_script(COLOUR_BAR)["title"] == "value"
    no_errors(browser)


def test_a_click_on_the_plane_adds_a_point_of_the_value_chosen(live_app, browser):
    open_page(browser, live_app)
    choose_regression(browser, PLANE)
    offered = [
        float(e.get_attribute("value"))
        for e in browser.find_elements(By.CSS_SELECTOR, "#playground-click-class input[type=radio]")
    ]
    assert min(offered) == -1 and max(offered) == 1 and 0 in offered, offered
    for value in ("0.5", "-1"):
        data = stored(browser, "session-data")
        count = len(data["train_labels"])
        radio(browser, "playground-click-class", value)
        wait_until_settled(browser)
        x, y = empty_spot(data)
        click_plane(browser, x, y)
        wait_for(browser, lambda: len(stored(browser, "session-data")["train_labels"]) == count + 1)
        added = stored(browser, "session-data")
        assert added["train_labels"][-1] == float(value)
        assert added["train_inputs"][-1] == [pytest.approx(x, abs=0.05), pytest.approx(y, abs=0.05)]
        assert added["task"] == "regression"
        wait_until_settled(browser)
    no_errors(browser)


def test_a_regression_network_changed_by_its_controls_keeps_a_linear_output_and_trains(live_app, browser):
    """The network controls show a regression's output (linear), so a change of its layers or inputs
    keeps it: the plane's targets run from −1 to 1, which a sigmoid output cannot give."""
    open_page(browser, live_app)
    choose_regression(browser, PLANE)
    assert model.architecture(stored(browser, "session-network"))["output_activation"] == "linear"
    assert text(browser, "playground-output-activation") == "linear"  # the control shows the network's output
    click_in_view(browser, browser.find_element(By.ID, "playground-add-layer"))
    wait_for(browser, lambda: len(model.architecture(stored(browser, "session-network"))["layer_sizes"]) == 4)
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-features input[value='sin(x1)']"))
    wait_for(browser, lambda: "sin(x1)" in model.architecture(stored(browser, "session-network"))["input_names"])
    wait_until_settled(browser)
    shape = model.architecture(stored(browser, "session-network"))
    assert shape["task"] == "regression" and shape["output_activation"] == "linear", shape
    type_learn_rate(browser, ADVISED)
    click_in_view(browser, browser.find_element(By.ID, "playground-step"))
    wait_for(
        browser,
        lambda: (
            len(stored(browser, "session-training")["history"]["epoch"]) == 2
            or text(browser, "playground-train-message")
        ),
    )
    wait_until_settled(browser)
    assert text(browser, "playground-train-message") == ""
    assert len(stored(browser, "session-training")["history"]["epoch"]) == 2  # the step trained
    no_errors(browser)


def test_a_click_after_leaving_a_regression_adds_a_point_of_a_class(live_app, browser):
    """A value chosen for the plane's clicks (0.5) is no class: back on a classification set, the
    radio offers the classes with one of them chosen, and a click on the plane adds a point of it."""
    open_page(browser, live_app)
    choose_regression(browser, PLANE)
    radio(browser, "playground-click-class", "0.5")
    wait_until_settled(browser)
    choose(browser, "playground-dataset", "circle (TensorFlow Playground)")
    wait_for(browser, lambda: stored(browser, "session-network").get("task") in (None, "classification"))
    wait_for(browser, lambda: stored(browser, "session-data").get("task") != "regression")
    wait_until_settled(browser)
    boxes = browser.find_elements(By.CSS_SELECTOR, "#playground-click-class input[type=radio]")
    assert [box.get_attribute("value") for box in boxes] == ["0", "1"]
    chosen = [box.get_attribute("value") for box in boxes if box.is_selected()]
    assert len(chosen) == 1, f"the click radio shows no class chosen: {chosen}"
    data = stored(browser, "session-data")
    count = len(data["train_labels"])
    x, y = empty_spot(data)
    click_plane(browser, x, y)
    wait_for(browser, lambda: len(stored(browser, "session-data")["train_labels"]) == count + 1)
    assert stored(browser, "session-data")["train_labels"][-1] == int(chosen[0])
    no_errors(browser)


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_a_trained_regression_in_lecture_mode(live_app, browser, tmp_path, width, height):
    train_plane(browser, live_app, 20)
    set_viewport(browser, width, height)
    try:
        browser.find_element(By.ID, "lecture-toggle").click()
        wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
        browser.execute_script("window.scrollTo(0, 0)")
        wait_until_figures_fit(browser)
        wait_for(browser, lambda: (browser.execute_script(COLOUR_BAR) or {}).get("title") == "value")
        # The colour bar lies within the window and beside the plot, not over it.
        box = browser.execute_script(
            "const bar = document.querySelector('#playground-boundary-graph .colorbar').getBoundingClientRect();"
            "const plot = document.querySelector('#playground-boundary-graph .nsewdrag').getBoundingClientRect();"
            "return {bar: [bar.left, bar.right, bar.top, bar.bottom], plot_right: plot.right, width: innerWidth}"
        )
        assert box["bar"][0] >= box["plot_right"] - 1 and box["bar"][1] <= box["width"], box
        # Its text reads from the back row: 3 % of the window's height, at least 22 px (lecture mode's rule).
        sizes = browser.execute_script(
            "return Array.from(document.querySelectorAll('#playground-boundary-graph .colorbar text'))"
            ".map((t) => [t.textContent, parseFloat(getComputedStyle(t).fontSize)])"
        )
        assert sizes and all(size >= max(22, 0.03 * height) - 0.5 for _, size in sizes), sizes
        browser.save_screenshot(str(screenshot_path(tmp_path, f"regression-lecture-{width}x{height}.png")))
        no_errors(browser)
    finally:
        reset_viewport(browser)
