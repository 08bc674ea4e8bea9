"""The keyboard (issue 24): "?" lists the page's shortcuts on every page, Esc closes the list and
the shortcuts work at once after; Tab reaches every main control with the focus visible. Real
keys in a headless Chromium."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers.browser import epoch_shown, press, wait_for, wait_until_settled
from helpers.pages import open_descent, open_images, open_landscape, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def shortcut_list(driver) -> list[list[str]]:
    """The list's rows as shown ([key, what it does]); [] while it is hidden."""
    return driver.execute_script(
        "const box = document.getElementById('shortcuts');"
        "if (!box || box.hidden) return [];"
        "return Array.from(box.querySelectorAll('tr')).map((r) => Array.from(r.cells).map((c) => c.textContent));"
    )


@pytest.mark.parametrize("page", ["playground", "descent", "landscape", "images"])
def test_question_mark_lists_the_shortcuts_and_esc_closes_it(live_app, browser, page):
    {"playground": open_page, "descent": open_descent, "landscape": open_landscape, "images": open_images}[page](
        browser, live_app + ("/" if page == "playground" else "")
    )
    browser.find_element(By.CSS_SELECTOR, ".page").click()
    press(browser, "?")
    wait_for(browser, lambda: shortcut_list(browser))
    rows = dict(shortcut_list(browser))
    assert rows["L"] == "lecture mode on or off" and "?" in rows and "Esc" in rows
    if page != "images":  # the pages that play: space and s, in their buttons' words
        assert rows["space"] and rows["s"] and "key:" not in rows["space"], rows
    press(browser, Keys.ESCAPE)
    wait_for(browser, lambda: not shortcut_list(browser))
    press(browser, "?")  # and again, then "?" closes it too
    wait_for(browser, lambda: shortcut_list(browser))
    press(browser, "?")
    wait_for(browser, lambda: not shortcut_list(browser))


def test_after_the_list_the_shortcuts_act_at_once(live_app, browser):
    open_page(browser, live_app)
    browser.find_element(By.CSS_SELECTOR, ".page").click()
    press(browser, "?")
    wait_for(browser, lambda: shortcut_list(browser))
    press(browser, Keys.ESCAPE)
    wait_for(browser, lambda: not shortcut_list(browser))
    before = epoch_shown(browser)
    press(browser, "s")  # one step, without a click first
    wait_for(browser, lambda: epoch_shown(browser) > before)


FOCUSED = """
const e = document.activeElement, style = getComputedStyle(e);
const thumb = e.classList.contains('dash-slider-thumb') ? e.closest('.dash-slider-container') : null;
const owner = e.closest('[id]');  // a dropdown's focus is in an element of its own, inside the dropdown's id
return {id: e.id || (thumb && thumb.id) || '', owner: owner ? owner.id : '', tag: e.tagName,
        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
"""


def test_tab_reaches_the_main_controls_with_the_focus_visible(live_app, browser):
    open_page(browser, live_app)
    wait_until_settled(browser)
    browser.find_element(By.CSS_SELECTOR, ".page").click()
    reached, unseen = set(), []
    for _ in range(60):
        press(browser, Keys.TAB)
        focused = browser.execute_script(FOCUSED)
        reached.add(focused["id"])
        if focused["tag"] != "BODY" and (focused["outline"] == "none" or focused["width"] < 2):
            unseen.append(focused)
    wanted = {
        "playground-reset",
        "playground-step",
        "playground-play",
        "playground-play-speed",
        "playground-learn-rate-value",
        "playground-learn-rate",
    }
    assert wanted <= reached, wanted - reached
    assert not unseen, unseen  # every control the keyboard reaches shows where the focus is


def open_backprop(driver, url: str) -> None:
    driver.get(url + "/backprop")
    wait_for(
        driver,
        lambda: driver.execute_script(
            "const p = document.getElementById('backprop-page'); return !!(p && p.dataset.ready === 'true')"
        ),
        timeout=60,
    )


OTHER_PAGES = {
    "descent": (
        open_descent,
        {"descent-reset", "descent-learn", "descent-run", "descent-learn-rate-value", "descent-learn-rate"},
    ),
    "landscape": (
        open_landscape,
        {
            "landscape-reset",
            "landscape-step",
            "landscape-play",
            "landscape-optimizer",
            "landscape-learn-rate-value",
            "landscape-learn-rate",
        },
    ),
    "images": (open_images, {"images-start", "images-dataset", "images-preset"}),
    "backprop": (
        open_backprop,
        {"backprop-stage-1", "backprop-stage-4", "backprop-forward", "backprop-next-batch", "backprop-apply-step"},
    ),
}


@pytest.mark.parametrize("page", list(OTHER_PAGES))
def test_tab_reaches_each_pages_main_controls_in_order_with_the_focus_visible(live_app, browser, page):
    """On the other pages too, Tab from the page's top reaches its main controls, and every control
    it reaches on the way shows where the focus is."""
    opener, wanted = OTHER_PAGES[page]
    opener(browser, live_app)
    wait_until_settled(browser)
    browser.find_element(By.CSS_SELECTOR, ".page").click()
    order, unseen = [], []
    for _ in range(80):
        press(browser, Keys.TAB)
        focused = browser.execute_script(FOCUSED)
        order.append(focused["id"] or focused["owner"])
        if focused["tag"] != "BODY" and (focused["outline"] == "none" or focused["width"] < 2):
            unseen.append(focused)
        if wanted <= set(order):
            break
    assert wanted <= set(order), (wanted - set(order), order)
    assert not unseen, unseen
