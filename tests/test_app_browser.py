"""The app in a real headless Chromium: it starts on the fruit and draws a boundary."""

import base64
import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser


def screenshot_path(tmp_path: Path, name: str) -> Path:
    """Where to save a screenshot: $PLAYGROUND_SCREENSHOTS (e.g. docs/screenshots) or the test's tmp dir."""
    folder = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def test_page_opens_on_the_fruit_with_a_drawn_boundary(live_app, browser, tmp_path):
    browser.get(live_app)
    wait = WebDriverWait(browser, 30)
    wait.until(conditions.presence_of_element_located((By.CSS_SELECTOR, "#decision-boundary .main-svg")))
    wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#decision-boundary .heatmaplayer image"))
    assert "Neural Playground" in browser.title
    text = browser.find_element(By.ID, "decision-boundary").text
    assert "spot size" in text and "spike length" in text
    accuracy = browser.find_element(By.ID, "accuracy").text
    train_accuracy = float(accuracy.split("train accuracy ")[1].split("%")[0])
    assert train_accuracy >= 95
    # The heatmap is painted as an image: it must hold both classes' colours, not one flat colour.
    image = browser.find_element(By.CSS_SELECTOR, "#decision-boundary .heatmaplayer image")
    source = image.get_attribute("href") or image.get_attribute("xlink:href")
    assert source.startswith("data:image/png;base64,") and len(base64.b64decode(source.split(",")[1])) > 500
    points = browser.find_elements(By.CSS_SELECTOR, "#decision-boundary .scatterlayer .point")
    assert len(points) == 200  # every fruit, train and test
    assert browser.save_screenshot(str(screenshot_path(tmp_path, "fruit.png")))
