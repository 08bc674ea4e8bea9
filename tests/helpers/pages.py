"""How a person opens each page and drives its common controls (shared by the page tests,
class mode and the benchmarks)."""

from __future__ import annotations

import re

import numpy as np
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from playground.app.session import model

from helpers.browser import (
    PLAYGROUND,
    epoch_shown,
    graph_data,
    layer_sizes,
    shown,
    text,
    visible_text,
    wait_for,
    wait_until_run_handed_over,
    wait_until_settled,
)

# ------------------------------------------------------------------ the playground and the landscape


def open_page(driver, url):
    driver.get(url)
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(
            f"const p = {PLAYGROUND}; return !!(p && p.shown && p.renderLog.length"
            " && document.querySelector('#playground-boundary-graph .js-plotly-plot'))"
        )
    )
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-slider-thumb"))
    wait_until_settled(driver)  # the first callbacks have landed


def play_until_epoch(driver, epoch: float, timeout: float = 60) -> float:
    """Press play, let it run until the epoch label reaches ``epoch`` (a count, whatever the machine's
    speed), press pause and wait until the run handed its state to the session; returns the epoch shown."""
    driver.find_element(By.ID, "playground-play").click()
    wait_for(driver, lambda: visible_text(driver, "playground-play") == "pause")
    wait_for(driver, lambda: epoch_shown(driver) >= epoch, timeout=timeout)
    driver.find_element(By.ID, "playground-play").click()
    wait_until_run_handed_over(driver)
    return epoch_shown(driver)


def open_landscape(driver, url: str) -> None:
    driver.get(url + "/landscape")
    WebDriverWait(driver, 90).until(
        lambda d: (
            graph_data(d, "landscape-contour", 0, "z") is not None
            and graph_data(d, "landscape-path", 0, "x") is not None
        )
    )
    wait_until_settled(driver)


# ------------------------------------------------------------------ the 1-D descent page


def open_descent(driver, url: str) -> None:
    """Open the gradient-descent page and wait until its curve is drawn and its first callbacks landed."""
    driver.get(url + "/descent")
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script(
            "const g = document.querySelector('#descent-graph .js-plotly-plot'); return !!(g && g.data && g.data.length)"
        )
    )
    wait_until_settled(driver)


# ------------------------------------------------------------------ the image page


def open_images(driver, url: str) -> None:
    driver.get(url + "/images")
    WebDriverWait(driver, 90).until(
        lambda d: (
            d.find_elements(By.ID, "images-start")
            and d.execute_script("return !!(window.neuralModules && window.neuralModules.images)")
        )
    )
    wait_until_settled(driver)  # the first poll has landed


def type_into(driver, element_id: str, value) -> None:
    """Select what the box holds and type a new value, then leave the box (as a person would)."""
    box = driver.find_element(By.ID, element_id)
    for _ in range(2):  # headless Chromium on a loaded 2-core machine has dropped a key (1 run in 3)
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(str(value))
        if box.get_attribute("value") == str(value):
            break
    box.send_keys(Keys.TAB)
    wait_until_settled(driver)


def tab(driver, name: str) -> None:
    driver.find_element(By.XPATH, f"//div[contains(@class,'tab')][normalize-space()='{name}']").click()
    wait_until_settled(driver)


def job_message(driver) -> str:
    return text(driver, "images-job-message")


def train(driver, timeout: float = 90) -> str:
    """Click train and wait until the job is done; returns its closing message."""
    driver.find_element(By.ID, "images-start").click()
    wait_for(driver, lambda: job_message(driver).startswith("done"), timeout=timeout)
    return job_message(driver)


def accuracy_of(message: str) -> float:
    return float(re.search(r"test accuracy ([\d.]+)%", message).group(1)) / 100


def no_errors(driver, refused: str | None = None) -> None:
    """No script errors and no error line; ``refused``: a route the test expected to say 400."""
    assert not [
        e
        for e in driver.get_log("browser")
        if e["level"] == "SEVERE" and not (refused and refused in e["message"] and "400" in e["message"])
    ]
    assert not text(driver, "app-message")


# ------------------------------------------------------------------ the playground's input plane


def plot_area(driver):
    return driver.execute_script(
        "const l = document.querySelector('#playground-boundary-graph .js-plotly-plot')._fullLayout;"
        "return [l.xaxis._offset, l.yaxis._offset, l.xaxis._length, l.yaxis._length, l.xaxis.range, l.yaxis.range];"
    )


def click_plane(driver, x, y):
    """Click the point (x, y) of the input plane with the real mouse (scrolling up to it first,
    with the wheel, when the page was scrolled down to the data's controls)."""
    if driver.execute_script("return window.scrollY") > 0:
        ActionChains(driver).scroll_by_amount(0, -20000).perform()
        wait_for(driver, lambda: driver.execute_script("return window.scrollY") == 0)
    left, top, width, height, x_range, y_range = plot_area(driver)
    graph = driver.find_element(By.CSS_SELECTOR, "#playground-boundary-graph .js-plotly-plot")
    px = left + (x - x_range[0]) / (x_range[1] - x_range[0]) * width
    py = top + (y_range[1] - y) / (y_range[1] - y_range[0]) * height
    rect = graph.rect
    ActionChains(driver).move_to_element_with_offset(
        graph, px - rect["width"] / 2, py - rect["height"] / 2
    ).click().perform()


def empty_spot(data: dict) -> tuple[float, float]:
    points = np.array(data["train_inputs"] + data["test_inputs"])
    candidates = np.random.default_rng(0).random((400, 2))
    distances = np.min(np.linalg.norm(candidates[:, None] - points[None], axis=2), axis=1)
    return tuple(candidates[np.argmax(distances)])


def open_state(driver, url, data, network, **settings):
    """Open the page on a given state through a share link (as a shared lecture link would)."""
    fragment = model.encode_share(
        {**model.initial_state(), "data": data, "network": network, "settings": {**model.DEFAULT_SETTINGS, **settings}}
    )
    open_page(driver, f"{url}/#{fragment}")
    wait_for(driver, lambda: layer_sizes(shown(driver)["net"]) == layer_sizes(network))
