"""What the browser tests read of the app's browser modules and of the session.

The page's browser code lives under one namespace, ``window.neuralModules`` (the playground
page's module is ``neuralModules.playground``, its run loop ``neuralModules.playgroundPlay``,
the maths ``neuralModules.maths``, the image page's ``neuralModules.images``). The session's
network is the engine's own JSON (``{input_shape, cost, layers: [{type, inputs, outputs,
activation, weights, biases}]}``); these helpers read it the way the sliders name things
(``W[l][i,j]``: weight-layer l from 1, row i, column j).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from playground.app.session import model, stores

from helpers.needs import missing

CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PLAYGROUND_CHROMEDRIVER", "/usr/bin/chromedriver")
WINDOW = (1400, 1100)  # the window every test starts with

# The playground page's module, or null before it loaded.
PLAYGROUND = "(window.neuralModules && window.neuralModules.playground)"
# The session's stores as the tab keeps them (sessionStorage: each store's JSON under its id, written
# only by the session's reducer): {network, data, settings, training}.
SESSION = (
    "({"
    + ", ".join(f"{part}: JSON.parse(sessionStorage.getItem('{store}'))" for part, store in stores.CORE.items())
    + "})"
)


def wait_for(driver, condition, timeout=20):
    return WebDriverWait(driver, timeout).until(lambda d: condition())


# ------------------------------------------------------------------ the network as the engine writes it


def layer_sizes(net: dict) -> list[int]:
    return model.architecture(net)["layer_sizes"]


def weights(net: dict) -> list:
    """Every weight-layer's weights, [l][i][j] (l from 0)."""
    return [layer["weights"] for layer in net["layers"]]


def biases(net: dict) -> list:
    return [layer["biases"] for layer in net["layers"]]


def weight(net: dict, layer: int, row: int, column: int) -> float:
    """The weight a slider labels ``W[layer][row,column]`` (layer from 1)."""
    return net["layers"][layer - 1]["weights"][row][column]


def bias(net: dict, layer: int, node: int) -> float:
    """The bias a slider labels ``b[layer][node]`` (layer from 1)."""
    return net["layers"][layer - 1]["biases"][node]


def engine_network(net: dict, dtype=np.float32):
    """The engine's network from the session's JSON (checked as the server checks it)."""
    return model.playground_network(net, dtype=dtype)


def dataset(data: dict):
    return model.check_points(data)


# ------------------------------------------------------------------ the playground page


def shown(driver) -> dict | None:
    """What the playground shows: {net, data, view, l2} (the network painted, the points drawn)."""
    return driver.execute_script(f"const p = {PLAYGROUND}; return p && p.shown ? p.shown : null")


def session(driver) -> dict:
    """The session's stores: {network, data, settings, training}."""
    return driver.execute_script(f"return {SESSION}")


def stored(driver, store: str):
    """One session store as the tab keeps it, by its id (``session-settings``, ``session-view-images``, …):
    what a reload finds."""
    return driver.execute_script("return JSON.parse(sessionStorage.getItem(arguments[0]))", store)


def counter(driver, name: str) -> int:
    """How often a view of the playground refreshed (trainingFrames, renders, paintedFrames, …)."""
    return driver.execute_script(f"return {PLAYGROUND}.counters[arguments[0]]", name)


def render_count(driver) -> int:
    return driver.execute_script(f"return {PLAYGROUND}.renderLog.length")


def playing(driver) -> bool:
    return bool(driver.execute_script("return !!window.neuralModules.playgroundPlay.playing"))


def epoch_shown(driver) -> float:
    """The epoch the page's label shows ("epoch 2.5")."""
    return float(visible_text(driver, "playground-epoch-label").split()[1])


def history_epochs(driver) -> list[float]:
    """The session's cost history: the epoch of each point."""
    return session(driver)["training"]["history"]["epoch"]


RUN_HANDED_OVER = f"""
const page = {PLAYGROUND}, play = window.neuralModules.playgroundPlay;
if (!page || !page.shown || play.playing) return false;
const session = {SESSION}, epochs = session.training.history.epoch;
const last = epochs.length ? epochs[epochs.length - 1] : 0;
const label = document.getElementById('playground-epoch-label').textContent;
return label === 'epoch ' + +last.toFixed(2) && JSON.stringify(session.network) === JSON.stringify(page.shown.net);
"""


EDIT_LANDED = f"""
const page = {PLAYGROUND};
return !!(page && page.shown) && JSON.stringify({SESSION}.network) === JSON.stringify(page.shown.net);
"""


def wait_until_edit_landed(driver, timeout: float = 20) -> None:
    """After a slider let go (or another edit of the network on the playground): the session's
    stores hold the network the page shows, and every callback that set off has landed."""
    wait_for(driver, lambda: driver.execute_script(EDIT_LANDED), timeout=timeout)
    wait_until_settled(driver)


def wait_until_run_handed_over(driver, timeout: float = 30) -> None:
    """After a pause or a step: the run has stopped and handed its state to the session (the
    session's stores hold the network painted, and a history that ends at the epoch the label shows)."""
    wait_for(driver, lambda: driver.execute_script(RUN_HANDED_OVER), timeout=timeout)


# ------------------------------------------------------------------ the browser itself


def start_browser():
    """A headless Chromium driven by Selenium, as a person's browser would be."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        missing(f"no Chromium at {CHROMIUM} with a driver at {CHROMEDRIVER}", "PLAYGROUND_REQUIRE_BROWSER")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
    ]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def describe_browser(driver) -> None:
    """What a failed browser test left on the screen: the address, the console, the text."""
    try:
        print("browser at", driver.current_url)
        for entry in driver.get_log("browser"):
            print("console", entry.get("level"), entry.get("message", "")[:300])
        print("page text:", driver.find_element("tag name", "body").text[:1500])
    except Exception as error:  # the browser itself may be what failed
        print("the browser could not be described:", error)


# Every app a test served (its origin): a fresh tab clears what the test before left there.
SERVED: set[str] = set()


def fresh_tab(driver):
    """The browser as a new visitor's: one new tab (so no sessionStorage), no cookies, no local
    storage of any app the tests served, the usual window size, downloads off, the console read."""
    old = driver.window_handles
    driver.switch_to.new_window("tab")
    new = driver.current_window_handle
    for handle in old:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(new)
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    for origin in SERVED:
        driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "default"})
    driver.set_window_size(*WINDOW)
    driver.get_log("browser")  # what the test before left in the console
    return driver


def wait_until_settled(driver, quiet: float = 0.3, timeout: float = 30) -> None:
    """Wait until the page has had no request of its own in flight for ``quiet`` seconds (busy.js
    counts them): every callback a click or a page load set off has landed."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        busy = driver.execute_script("const r = window.neuralRequests; return r ? r.inFlight : 1")
        now = time.monotonic()
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = now
        elif now - calm_since >= quiet:
            return
        time.sleep(0.05)
    raise AssertionError(f"the page still had requests in flight after {timeout:g} s")


# ------------------------------------------------------------------ reading and driving a page


def screenshot_path(tmp_path: Path, name: str) -> Path:
    """Where to save a screenshot: $PLAYGROUND_SCREENSHOTS (e.g. docs/screenshots) or the test's tmp dir."""
    folder = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def set_viewport(driver, width: int, height: int, scale: float = 1.0) -> None:
    """Make the page's viewport exactly width × height CSS pixels (a window's size includes its
    frame, so ``set_window_size(1280, 720)`` shows less than a 1280×720 projector does)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
    )


def reset_viewport(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def graph_data(driver, graph_id: str, trace: int, axis: str) -> list:
    return driver.execute_script(
        "const g = document.querySelector(arguments[0] + ' .js-plotly-plot');"
        "const t = g && g._fullData && g._fullData[arguments[1]];"
        "return t && t[arguments[2]] ? Array.from(t[arguments[2]]) : null;",
        f"#{graph_id}",
        trace,
        axis,
    )


def text(driver, element_id: str) -> str:
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : ''", element_id
    )


def choose(driver, dropdown_id: str, text: str) -> None:
    """Pick an option of a Dash dropdown as a person does: open it, type the option's name in its
    search box where it has one (a long list scrolls the chosen option under the box), click it."""
    click_in_view(driver, driver.find_element(By.ID, dropdown_id))
    search = [e for e in driver.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search") if e.is_displayed()]
    if search:
        search[0].send_keys(text)

    def clicked() -> bool:
        try:  # the list is drawn anew as the search narrows it: an option found meanwhile has gone
            options = driver.find_elements(By.CSS_SELECTOR, "[role=option]")
            option = next((o for o in options if o.text.strip() == text), None)
            if option is None:
                return False
            option.click()
            return True
        except StaleElementReferenceException:
            return False

    wait_for(driver, clicked)


def thumb(driver, label: str):
    row = driver.find_element(By.XPATH, f"//div[@class='slider-row'][span[text()='{label}']]")
    return row.find_element(By.CSS_SELECTOR, ".dash-slider-thumb")


def drag_near_mark(driver, slider_id: str, mark: str, miss: int = 0) -> None:
    """Drag the slider's thumb to ``miss`` pixels beside the mark labelled ``mark``, and let go
    (a real drag, in two moves as a hand makes it)."""
    slider = driver.find_element(By.ID, slider_id)
    knob = slider.find_element(By.CSS_SELECTOR, ".dash-slider-thumb")
    label = next(m for m in slider.find_elements(By.CSS_SELECTOR, ".dash-slider-mark") if m.text == mark)
    target_x = label.rect["x"] + label.rect["width"] / 2 + miss
    start = knob.rect["x"] + knob.rect["width"] / 2
    (
        ActionChains(driver)
        .click_and_hold(knob)
        .move_by_offset((target_x - start) / 2, 0)
        .move_by_offset((target_x - start) / 2, 0)
        .release()
        .perform()
    )


def visible_text(driver, element_id: str) -> str:
    """An element's text as the page shows it (Selenium's: hidden parts left out, whitespace as laid
    out), "" when there is no such element; read afresh when Dash replaced the element meanwhile."""
    while True:  # each try reads the page anew: a stale element is one Dash has just redrawn
        found = driver.find_elements(By.ID, element_id)
        try:
            return found[0].text if found else ""
        except StaleElementReferenceException:
            continue


def press(driver, key: str) -> None:
    """Press a key, as a person does, wherever the focus is."""
    ActionChains(driver).send_keys(key).perform()


def click_in_view(driver, element) -> None:
    """Scroll the element to the middle of the window (a page's sticky play line stays on top of
    what it covers), then click it."""
    ActionChains(driver).scroll_to_element(element).perform()
    driver.execute_script(
        "window.scrollBy(0, arguments[0].getBoundingClientRect().top - window.innerHeight / 2)", element
    )
    element.click()


def radio(driver, group_id: str, value: str) -> None:
    """Click the radio button of a group that has this value."""
    click_in_view(driver, driver.find_element(By.CSS_SELECTOR, f"#{group_id} input[value='{value}']"))


def type_into_box(box, value, end: str = Keys.TAB) -> None:
    """Click a box (an element), select what it holds, type the new value and press ``end`` (Tab:
    leave the box; Enter: submit it and keep the focus), as a person does. For a box by its id on
    the image page, which also waits until the page settled, see ``helpers.pages.type_into``."""
    for _ in range(2):  # headless Chromium on a loaded 2-core machine has dropped a key (1 run in 3)
        box.click()
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(str(value))
        if box.get_attribute("value") == str(value):
            break
    box.send_keys(end)


def wait_until_scrolled(driver, timeout: float = 10) -> None:
    """After a scroll by the wheel (which Chromium may animate): wait until the page stopped moving."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        now = driver.execute_script("return [window.scrollX, window.scrollY]")
        if now == last:
            return
        last = now
        time.sleep(0.1)
    raise AssertionError(f"the page was still scrolling after {timeout:g} s")


FIGURES_FIT = """
// Every figure shown that takes its container's size (no fixed layout width): Plotly has laid it out
// at the width its box has now (after a resize it lays the figure out again, a moment later).
return Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter((g) => g.offsetParent && g._fullLayout && !(g.layout && g.layout.width))
  .every((g) => Math.abs(g._fullLayout.width - g.getBoundingClientRect().width) < 1);
"""


def wait_until_figures_fit(driver, timeout: float = 20) -> None:
    """After a resize of the window: wait until every figure shown is drawn at its box's new width
    and the page has settled."""
    wait_for(driver, lambda: driver.execute_script(FIGURES_FIT), timeout=timeout)
    wait_until_settled(driver)


def record_requests(driver) -> None:
    """From now on, keep the timing of every request the page makes (the browser's own record,
    room for 5000), forgetting those before: read them with ``route_timings``."""
    driver.execute_script("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(5000)")


def route_timings(driver, route: str) -> list[list[float]]:
    """The page's requests to a route (e.g. "/_playground/train") since ``record_requests``, in the
    order sent: [sent, answered] of each, in ms of the page's own clock (``page_clock``)."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => e.name.includes(arguments[0]))"
        ".map((e) => [e.startTime, e.responseEnd])",
        route,
    )


def page_clock(driver) -> float:
    """The page's own clock, in ms (the clock of ``route_timings``)."""
    return driver.execute_script("return performance.now()")


@contextmanager
def serving_the_app():
    """The real app served on 127.0.0.1 on a free port; yields its URL."""
    from werkzeug.serving import make_server

    from playground.app.main import create_app

    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    SERVED.add(url)
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=5)
