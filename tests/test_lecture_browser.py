"""What a lecturer met on the playground (issue 13), each in a real headless Chromium with real input."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_playground_browser import choose, open_page, shown, wait_for

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


def hint(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def test_momentum_is_disabled_with_a_reason_where_it_does_nothing(live_app, browser):
    open_page(browser, live_app)
    choose(browser, "playground-optimizer", "adam")
    wait_for(browser, lambda: "not used by adam" in hint(browser, "playground-momentum-hint"))
    slider = browser.find_element(By.ID, "playground-momentum")
    assert slider_disabled(browser, "playground-momentum")
    choose(browser, "playground-optimizer", "momentum")
    wait_for(browser, lambda: hint(browser, "playground-momentum-hint") == "")
    assert not slider_disabled(browser, "playground-momentum") and slider.is_displayed()


def slider_disabled(driver, slider_id: str) -> bool:
    return driver.execute_script(
        "const s = document.getElementById(arguments[0]);"
        "return !!s.querySelector('[data-disabled], [aria-disabled=true], [disabled]')", slider_id)


def test_a_negative_l2_gets_a_message(live_app, browser):
    open_page(browser, live_app)
    box = browser.find_element(By.ID, "playground-l2")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("-1", Keys.ENTER)
    wait_for(browser, lambda: "0 or more" in hint(browser, "playground-l2-hint"))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.01", Keys.ENTER)
    wait_for(browser, lambda: hint(browser, "playground-l2-hint") == "")


def test_a_csv_over_its_limit_says_so_and_keeps_the_data(live_app, browser, tmp_path):
    open_page(browser, live_app)
    before = shown(browser)["data"]
    big = tmp_path / "huge.csv"
    big.write_text("x1,x2,label\n" + "0.123456,0.654321,0\n" * 80_000)  # 1.6 MB
    browser.find_element(By.CSS_SELECTOR, "#playground-csv-upload input[type=file]").send_keys(str(big))
    wait_for(browser, lambda: "huge.csv is 1.6 MB: at most 1.0 MB" in hint(browser, "playground-data-message"))
    assert shown(browser)["data"] == before
