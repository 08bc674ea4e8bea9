"""What a lecturer met on the playground (issue 13), each in a real headless Chromium with real input."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from test_playground_browser import open_page, shown, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def test_new_points_draws_new_points(live_app, browser):
    open_page(browser, live_app)
    before = shown(browser)["data"]["train_inputs"]
    seed = int(browser.find_element(By.ID, "playground-data-seed").get_attribute("value"))
    browser.find_element(By.ID, "playground-regenerate").click()
    wait_for(browser, lambda: shown(browser)["data"]["train_inputs"] != before)
    assert int(browser.find_element(By.ID, "playground-data-seed").get_attribute("value")) == seed + 1
    again = shown(browser)["data"]["train_inputs"]
    browser.find_element(By.ID, "playground-regenerate").click()
    wait_for(browser, lambda: shown(browser)["data"]["train_inputs"] not in (before, again))
    assert shown(browser)["data"]["name"] == "fruit-curved" or "fruit" in shown(browser)["data"]["name"]
