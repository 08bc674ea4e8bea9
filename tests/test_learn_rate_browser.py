"""The learn-rate control (issue 24): on every page with a learn-rate slider a person can type the
learn rate exactly, and a drag that ends near a mark lands on it (dragging to "1" gave 0.851);
real clicks, drags and keys in a headless Chromium."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers.browser import drag_near_mark, stored, type_into_box, visible_text, wait_for, wait_until_settled
from helpers.pages import open_descent, open_landscape, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def box_value(driver, box_id: str) -> str:
    return driver.find_element(By.ID, box_id).get_attribute("value")


def test_the_playground_takes_a_typed_learn_rate_and_its_marks_snap(live_app, browser):
    open_page(browser, live_app)
    box = browser.find_element(By.ID, "playground-learn-rate-value")
    type_into_box(box, "0.25", Keys.ENTER)
    wait_for(browser, lambda: stored(browser, "session-settings")["learn_rate"] == 0.25)
    assert visible_text(browser, "playground-learn-rate-label") == "learn rate 0.25"
    type_into_box(box, "a lot", Keys.ENTER)  # not a number: the box shows the learn rate in use again
    wait_for(browser, lambda: box_value(browser, "playground-learn-rate-value") == "0.25")
    assert stored(browser, "session-settings")["learn_rate"] == 0.25
    type_into_box(box, "50", Keys.ENTER)  # beyond the slider's end: the end, and the box says so
    wait_for(browser, lambda: box_value(browser, "playground-learn-rate-value") == "10")
    wait_for(browser, lambda: stored(browser, "session-settings")["learn_rate"] == 10)
    for mark, miss, wanted in (("1", 3, 1.0), ("1e-1", -3, 0.1), ("1e-2", 2, 0.01)):
        drag_near_mark(browser, "playground-learn-rate", mark, miss)
        wait_for(browser, lambda: stored(browser, "session-settings")["learn_rate"] == wanted)
        wait_for(browser, lambda: box_value(browser, "playground-learn-rate-value") == f"{wanted:g}")
    drag_near_mark(browser, "playground-learn-rate", "1e-2", 40)  # far from any mark: where it was let go
    wait_for(browser, lambda: stored(browser, "session-settings")["learn_rate"] not in (0.01, 0.1))
    rate = stored(browser, "session-settings")["learn_rate"]
    assert 0.01 < rate < 0.1 and box_value(browser, "playground-learn-rate-value") == f"{rate:g}"


def test_the_landscape_takes_a_typed_learn_rate_and_its_marks_snap(live_app, browser):
    open_landscape(browser, live_app)
    type_into_box(browser.find_element(By.ID, "landscape-learn-rate-value"), "0.05", Keys.ENTER)
    wait_for(browser, lambda: visible_text(browser, "landscape-learn-rate-label") == "learn rate 0.05")
    wait_until_settled(browser)
    assert stored(browser, "session-view-landscape")["learn_rate"] == 0.05
    drag_near_mark(browser, "landscape-learn-rate", "1e-3", 3)
    wait_for(browser, lambda: visible_text(browser, "landscape-learn-rate-label") == "learn rate 0.001")
    assert box_value(browser, "landscape-learn-rate-value") == "0.001"
    wait_until_settled(browser)
    assert stored(browser, "session-view-landscape")["learn_rate"] == 0.001


def test_the_descent_pages_marks_snap(live_app, browser):
    open_descent(browser, live_app)
    drag_near_mark(browser, "descent-learn-rate", "0.1", -3)
    wait_for(browser, lambda: box_value(browser, "descent-learn-rate-value") == "0.1")
    drag_near_mark(browser, "descent-learn-rate", "1", 3)
    wait_for(browser, lambda: box_value(browser, "descent-learn-rate-value") == "1")
