"""The app in a real headless Chromium: it opens on the fruit, offline, with a painted boundary."""

import numpy as np
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from helpers.browser import screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def test_page_opens_on_the_fruit_with_a_painted_boundary(live_app, browser, tmp_path):
    browser.get(live_app)
    # Dash may still replace the graph's elements while the first callbacks land: read them afresh.
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    wait.until(
        lambda d: d.execute_script(
            "const p = window.neuralModules && window.neuralModules.playground; return !!(p && p.renderLog.length)"
        )
    )
    assert browser.title == "Neural Playground"
    graph_text = wait.until(lambda d: d.find_element(By.ID, "playground-boundary-graph").text)
    assert "spot size" in graph_text and "spike length" in graph_text
    wait.until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#playground-boundary-graph .scatterlayer .point")) == 200
    )
    # The class map canvas: 100×100 cells in both classes' colours (blue safe, orange poisonous).
    pixels = browser.execute_script(
        "const c = document.getElementById('playground-boundary-canvas');"
        "return [c.width, c.height, Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)];"
    )
    width, height, rgba = pixels
    assert (width, height) == (100, 100)
    rgb = np.array(rgba).reshape(-1, 4)[:, :3].astype(int)
    bluish = np.sum(rgb[:, 2] > rgb[:, 0] + 5)
    reddish = np.sum(rgb[:, 0] > rgb[:, 2] + 5)
    assert bluish > 100 and reddish > 100
    readouts = browser.find_element(By.ID, "playground-readouts").text
    assert "quadratic cost" in readouts and "accuracy" in readouts
    assert browser.save_screenshot(str(screenshot_path(tmp_path, "fruit.png")))
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_network_diagram_says_what_its_colours_mean(live_app, browser):
    """Below the diagram, a legend in the two colours the diagram is painted with."""
    from playground.app.ui.colours import NEGATIVE_COLOUR, POSITIVE_COLOUR

    from helpers.pages import open_page

    open_page(browser, live_app)
    legend = browser.find_element(By.ID, "playground-diagram-legend")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", legend)
    assert legend.is_displayed() and "positive" in legend.text and "negative" in legend.text
    swatches = [s.value_of_css_property("background-color") for s in legend.find_elements(By.CSS_SELECTOR, ".swatch")]

    def rgb(colour: str) -> str:
        return "rgba({}, {}, {}, 1)".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))

    assert swatches == [rgb(POSITIVE_COLOUR), rgb(NEGATIVE_COLOUR)]
