"""The app in a real headless Chromium: it opens on the fruit, offline, with a painted boundary."""

import os
from pathlib import Path

import numpy as np
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


def screenshot_path(tmp_path: Path, name: str) -> Path:
    """Where to save a screenshot: $PLAYGROUND_SCREENSHOTS (e.g. docs/screenshots) or the test's tmp dir."""
    folder = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def set_viewport(driver, width: int, height: int, scale: float = 1.0) -> None:
    """Make the page's viewport exactly width × height CSS pixels (a window's size includes its
    frame, so ``set_window_size(1280, 720)`` shows less than a 1280×720 projector does)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})


def reset_viewport(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_page_opens_on_the_fruit_with_a_painted_boundary(live_app, browser, tmp_path):
    browser.get(live_app)
    # Dash may still replace the graph's elements while the first callbacks land: read them afresh.
    wait = WebDriverWait(browser, 30, ignored_exceptions=[StaleElementReferenceException])
    wait.until(lambda d: d.execute_script(
        "const p = window.neuralModules && window.neuralModules.playground; return !!(p && p.renderLog.length)"))
    assert browser.title == "Neural Playground"
    graph_text = wait.until(lambda d: d.find_element(By.ID, "playground-boundary-graph").text)
    assert "spot size" in graph_text and "spike length" in graph_text
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#playground-boundary-graph .scatterlayer .point")) == 200)
    # The class map canvas: 100×100 cells in both classes' colours (blue safe, orange poisonous).
    pixels = browser.execute_script(
        "const c = document.getElementById('playground-boundary-canvas');"
        "return [c.width, c.height, Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)];")
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
