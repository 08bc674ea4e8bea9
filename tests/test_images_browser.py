"""The image page in a real headless Chromium: real clicks, typing, mouse strokes and file choices.

The networks are trained in the tests on the bundled 8×8 digits (seconds); one test trains on
MNIST from the data directory and needs ≥ 95 % test accuracy.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from helpers.browser import choose, graph_data, screenshot_path, text, wait_for, wait_until_settled
from helpers.downloads import SVG, box, downloaded, downloads_to, png_size
from helpers.needs import real_data_dir
from helpers.pages import accuracy_of, job_message, no_errors, open_images, tab, train, type_into

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def requests_sent(driver) -> int:
    """How many requests the page has sent (busy.js counts them): polls, callbacks, routes."""
    return driver.execute_script("return window.neuralRequests.sent")


def messages_shown(driver) -> list[str]:
    """Every text the job's message line showed since the last call (the first starts recording)."""
    return driver.execute_script(
        """
        const line = document.getElementById('images-job-message');
        if (!window.shownMessages) {
          window.shownMessages = [];
          new MutationObserver(() => window.shownMessages.push(line.textContent))
            .observe(line, {childList: true, characterData: true, subtree: true});
        }
        return window.shownMessages.splice(0);
        """
    )


def epoch_shown(driver) -> int:
    found = re.search(r"epoch (\d+) of", text(driver, "images-progress-text"))
    return int(found.group(1)) if found else -1


def click_cell(driver, graph_id: str, row: int, column: int, size: int) -> None:
    """Click the middle of a heatmap cell with the mouse (rows from the top)."""
    area = driver.find_element(By.CSS_SELECTOR, f"#{graph_id} .nsewdrag")
    # Offsets count from the middle of the element's visible part: bring all of it into view.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", area)  # at once: no smooth scrolling
    box = area.rect
    x = (column + 0.5) / size * box["width"] - box["width"] / 2
    y = (row + 0.5) / size * box["height"] - box["height"] / 2
    ActionChains(driver).move_to_element_with_offset(area, int(x), int(y)).pause(0.4).click().perform()


def stroke(driver, points: list[tuple[int, int]]) -> None:
    """Draw on the canvas with the mouse through the points (offsets from its centre)."""
    canvas = driver.find_element(By.ID, "images-canvas")
    actions = ActionChains(driver).move_to_element_with_offset(canvas, *points[0]).click_and_hold()
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        actions.move_by_offset(x1 - x0, y1 - y0)
    actions.release().perform()


def ranking(driver, element_id: str = "images-ranking") -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
        f"#{element_id} .rank-name",
    )


def test_training_grows_the_curves_then_the_confusion_matrix_leads_to_the_mistakes(live_app, browser, tmp_path):
    browser.set_window_size(1280, 720)
    open_images(browser, live_app)
    type_into(browser, "images-epochs", 12)
    browser.find_element(By.ID, "images-start").click()
    wait_for(browser, lambda: (graph_data(browser, "images-curves", 3, "y") or []).__len__() >= 2, timeout=60)
    seen = len(graph_data(browser, "images-curves", 3, "y"))
    wait_for(browser, lambda: job_message(browser).startswith("done"), timeout=90)
    test_accuracy = graph_data(browser, "images-curves", 4, "y")
    assert len(test_accuracy) == 12 > seen - 1 and test_accuracy[-1] > 0.9
    assert accuracy_of(job_message(browser)) == pytest.approx(test_accuracy[-1], abs=5e-3)
    ticks = browser.execute_script(
        "return document.querySelector('#images-curves .js-plotly-plot')._fullLayout.yaxis2._vals.map(t => t.text)"
    )
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), ticks  # the accuracy axis never repeats a label
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-train.png")))

    tab(browser, "Mistakes")
    wait_for(browser, lambda: graph_data(browser, "images-confusion", 0, "customdata") is not None)
    counts = np.array(graph_data(browser, "images-confusion", 0, "customdata"))
    assert counts.shape == (10, 10) and counts.sum() == 360
    assert np.trace(counts) / 360 == pytest.approx(accuracy_of(job_message(browser)), abs=1e-3)
    assert len(graph_data(browser, "images-per-class", 0, "y")) == 10
    off = counts - np.diag(np.diag(counts))
    if off.max() > 0:
        row, column = np.unravel_index(off.argmax(), off.shape)
    else:
        row = column = 3
    click_cell(browser, "images-confusion", int(row), int(column), 10)
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#images-cell-images img"))
    assert f"of {row} seen as {column}" in text(browser, "images-cell-caption")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#images-cell-images img")) == min(counts[row, column], 40)

    browser.find_element(By.ID, "images-next-mistake").click()
    wait_for(browser, lambda: "the network is wrong" in text(browser, "images-browser-text"))
    first = text(browser, "images-browser-text")
    browser.find_element(By.ID, "images-next-mistake").click()
    wait_for(browser, lambda: text(browser, "images-browser-text") != first)
    assert "the network is wrong" in text(browser, "images-browser-text")
    assert len(ranking(browser, "images-browser-text")) == 3  # the top three answers
    browser.find_element(By.ID, "images-confident-mistakes").click()
    wait_for(browser, lambda: "mistakes the network was surest of" in text(browser, "images-cell-caption"))
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-mistakes.png")))
    no_errors(browser)


def export_and_show_a_picture(driver, folder, image_id: str, name: str) -> None:
    """A picture's buttons (real clicks): PNG and SVG 1920 px wide, and a full view Esc leaves."""
    folder.mkdir()
    downloads_to(driver, folder)
    image = driver.find_element(By.ID, image_id)
    figure = image.find_element(By.XPATH, "..")
    natural = driver.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
    figure.find_element(By.CSS_SELECTOR, "[data-picture=png]").click()
    width, height = png_size(downloaded(driver, folder, name + ".png"))
    assert width == 1920 and abs(height - 1920 * natural[1] / natural[0]) <= 1, (width, height, natural)
    figure.find_element(By.CSS_SELECTOR, "[data-picture=svg]").click()
    svg = ElementTree.parse(downloaded(driver, folder, name + ".svg")).getroot()
    assert svg.get("width") == "1920" and svg.get("viewBox") == f"0 0 {natural[0]} {natural[1]}"
    assert svg.find(SVG + "image").get("href") == image.get_attribute("src")  # the picture itself, as shown
    small = box(driver, "#" + image_id)
    figure.find_element(By.CSS_SELECTOR, "[data-picture=full]").click()
    wait_for(driver, lambda: box(driver, "#" + image_id)["height"] > 1.5 * small["height"])
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    wait_for(driver, lambda: abs(box(driver, "#" + image_id)["height"] - small["height"]) < 2)
    assert not driver.find_elements(By.ID, "figure-full-leave")


def test_a_vertical_stroke_is_read_as_a_one(live_app, browser, tmp_path):
    open_images(browser, live_app)
    train(browser)
    tab(browser, "Draw")
    stroke(browser, [(0, -100), (0, -50), (2, 0), (0, 50), (0, 100)])
    wait_for(browser, lambda: len(ranking(browser)) == 10)
    assert ranking(browser)[0] == "1"
    steps = browser.find_elements(By.CSS_SELECTOR, "#images-draw-steps figure canvas")
    assert len(steps) >= 2  # the drawing and what the network sees
    timings = browser.execute_script("return window.neuralModules.images.timings")
    assert timings and all(t > 0 for t in timings)
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-draw.png")))
    browser.find_element(By.ID, "images-clear").click()
    wait_for(browser, lambda: not ranking(browser))
    no_errors(browser)


def test_the_look_inside_and_look_deeper_views_draw(live_app, browser, tmp_path):
    open_images(browser, live_app)
    train(browser)
    tab(browser, "Inside")
    wait_for(browser, lambda: browser.find_element(By.ID, "images-first-layer").get_attribute("src"))
    picture = browser.find_element(By.ID, "images-first-layer")
    assert picture.get_attribute("src").startswith("data:image/png") and picture.size["width"] > 200
    wait_for(browser, lambda: "the network says" in text(browser, "images-noise-ranking"))
    before = browser.find_element(By.ID, "images-noise-answer").get_attribute("src")
    browser.find_element(By.ID, "images-noise-again").click()
    wait_for(browser, lambda: browser.find_element(By.ID, "images-noise-answer").get_attribute("src") != before)
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-inside.png")))
    export_and_show_a_picture(browser, tmp_path / "pictures", "images-first-layer", "first-layer-weights")

    tab(browser, "Deeper")
    browser.find_element(By.ID, "images-map-draw").click()
    wait_for(browser, lambda: graph_data(browser, "images-map-graph", 0, "x") is not None, timeout=60)
    mapped = sum(len(graph_data(browser, "images-map-graph", k, "x")) for k in range(10))
    assert mapped == 360
    wait_for(browser, lambda: graph_data(browser, "images-robustness", 0, "y") is not None)
    rotation = graph_data(browser, "images-robustness", 0, "y")
    assert rotation[0] > 0.9 and rotation[-1] < rotation[0]  # turning the digits hurts
    wait_for(browser, lambda: "answers" in text(browser, "images-threshold-text"))
    before = text(browser, "images-threshold-text")
    handle = browser.find_element(
        By.CSS_SELECTOR, "#images-threshold .dash-slider-thumb, #images-threshold [role=slider]"
    )
    ActionChains(browser).click_and_hold(handle).move_by_offset(-120, 0).release().perform()
    wait_for(browser, lambda: text(browser, "images-threshold-text") != before)
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-deeper.png")))
    no_errors(browser)


def test_a_reload_finds_the_running_job_a_second_start_is_refused_and_stop_keeps_the_network(
    live_app, browser, tmp_path
):
    open_images(browser, live_app)
    type_into(browser, "images-batch-size", 1)  # a slow job: a few seconds an epoch
    type_into(browser, "images-epochs", 100)
    browser.find_element(By.ID, "images-start").click()
    wait_for(browser, lambda: epoch_shown(browser) >= 1, timeout=60)
    browser.refresh()
    WebDriverWait(browser, 40).until(lambda d: d.find_elements(By.ID, "images-start"))
    wait_for(browser, lambda: epoch_shown(browser) >= 1 and "training" in job_message(browser), timeout=30)
    assert browser.find_element(By.ID, "images-stop").is_enabled()
    browser.find_element(By.ID, "images-start").click()
    wait_for(browser, lambda: "already training" in text(browser, "images-start-message"))
    browser.find_element(By.ID, "images-stop").click()
    wait_for(browser, lambda: job_message(browser).startswith("stopped at "), timeout=30)
    tab(browser, "Models")
    wait_for(browser, lambda: "64-64-10" in text(browser, "images-model-summary"))
    no_errors(browser)


def test_the_progress_line_counts_batches_within_an_epoch_and_stop_says_where_it_stopped(live_app, browser):
    """A long epoch (MNIST, one image a batch): the line under the progress bar counts the batches
    as they go, with images/s and the time left; stop confirms at once and names the batch."""
    real_data_dir("mnist")
    open_images(browser, live_app)
    choose(browser, "images-dataset", "MNIST digits")
    wait_for(browser, lambda: browser.find_element(By.ID, "images-preview").get_attribute("src"), timeout=60)
    type_into(browser, "images-batch-size", 1)
    type_into(browser, "images-epochs", 5)
    browser.find_element(By.ID, "images-start").click()
    counting = re.compile(r"epoch (\d+) of 5 · batch ([\d,]+) of 60,000 · [\d,]+ images/s · .*\d+ s left")
    seen: list[tuple[int, int]] = []

    def counted_up_three_times() -> bool:
        found = counting.fullmatch(text(browser, "images-progress-text"))
        reading = found and (int(found.group(1)), int(found.group(2).replace(",", "")))
        if reading and (not seen or seen[-1] != reading):
            seen.append(reading)
        if not seen:
            return False
        same_epoch = [batch for epoch, batch in seen if epoch == seen[0][0]]
        return len(same_epoch) >= 3

    wait_for(browser, counted_up_three_times, timeout=90)
    batches = [batch for epoch, batch in seen if epoch == seen[0][0]]
    assert batches == sorted(batches) and len(set(batches)) == len(batches), seen  # counting up, each poll new
    messages_shown(browser)
    browser.find_element(By.ID, "images-stop").click()
    wait_for(browser, lambda: job_message(browser).startswith("stopped at epoch"), timeout=60)
    stopped = re.match(r"stopped at epoch (\d+), batch ([\d,]+) of 60,000; test accuracy", job_message(browser))
    assert stopped and (int(stopped.group(1)), int(stopped.group(2).replace(",", ""))) >= seen[-1], job_message(browser)
    shown = messages_shown(browser)
    # The click's answer, then the job's ("stopping at …: scoring…" lasts a blink here: test_images_training).
    assert shown[0] == "stopping after this batch…" and shown[-1] == job_message(browser), shown
    no_errors(browser)


def test_pause_and_resume_continue_the_same_run(live_app, browser):
    open_images(browser, live_app)
    type_into(browser, "images-batch-size", 1)  # about 10 s in all
    type_into(browser, "images-epochs", 30)
    browser.find_element(By.ID, "images-start").click()
    wait_for(browser, lambda: epoch_shown(browser) >= 2, timeout=60)  # the line counts epochs from 1: one done
    browser.find_element(By.ID, "images-pause").click()
    wait_for(browser, lambda: job_message(browser).startswith("paused at"), timeout=30)
    paused = job_message(browser)
    epoch = int(re.search(r"epoch (\d+)", paused).group(1))
    points = len(graph_data(browser, "images-curves", 0, "y") or [])
    polls = requests_sent(browser)
    wait_for(browser, lambda: requests_sent(browser) >= polls + 3, timeout=30)  # three more polls of the paused job
    assert job_message(browser) == paused  # nothing moves while paused
    assert browser.find_element(By.ID, "images-pause").text == "resume"
    browser.find_element(By.ID, "images-pause").click()
    wait_for(browser, lambda: job_message(browser).startswith("done"), timeout=90)
    history = graph_data(browser, "images-curves", 4, "x")
    assert history == list(range(1, 31))  # one run: epochs 1…30, not a restart
    assert len(graph_data(browser, "images-curves", 0, "y")) > points >= epoch
    no_errors(browser)


def test_a_bad_model_file_is_refused_and_the_page_keeps_its_network(live_app, browser, tmp_path):
    open_images(browser, live_app)
    train(browser)
    tab(browser, "Models")
    wait_for(browser, lambda: "64-64-10" in text(browser, "images-model-summary"))
    summary = text(browser, "images-model-summary")
    bad = tmp_path / "holiday-photos.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a network" * 40)
    chooser = wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#images-upload input[type=file]"))[0]
    chooser.send_keys(str(bad))  # what choosing the file in the dialog does
    wait_for(browser, lambda: "The page keeps its network" in text(browser, "images-model-message"))
    assert "holiday-photos.npz" in text(browser, "images-model-message")
    wait_until_settled(browser)
    assert text(browser, "images-model-summary") == summary
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-models.png")))
    no_errors(browser, refused="/_playground/model")


def test_a_saved_network_loads_back_on_another_browser(live_app, browser, second_browser, tmp_path):
    """Download from one session (the route the page's button uses) and load it in another."""
    from playground.app.server.jobs import JobStore
    from playground.app.server.models import model_bytes

    open_images(browser, live_app)
    type_into(browser, "images-layers", "20")
    train(browser)
    key = browser.execute_script("return JSON.parse(sessionStorage.getItem('session-key'))")
    with JobStore() as store:
        saved = tmp_path / "mine.npz"
        saved.write_bytes(model_bytes(store, key))
    open_images(second_browser, live_app)
    tab(second_browser, "Models")
    chooser = wait_for(
        second_browser, lambda: second_browser.find_elements(By.CSS_SELECTOR, "#images-upload input[type=file]")
    )[0]
    chooser.send_keys(str(saved))
    wait_for(second_browser, lambda: text(second_browser, "images-model-message").startswith("loaded mine.npz"))
    wait_for(second_browser, lambda: "64-20-10" in text(second_browser, "images-model-summary"))
    tab(second_browser, "Mistakes")
    wait_for(second_browser, lambda: graph_data(second_browser, "images-confusion", 0, "customdata") is not None)
    no_errors(second_browser)


def test_two_browsers_train_different_networks_at_once(live_app, browser, second_browser):
    for driver, width in ((browser, 16), (second_browser, 40)):
        open_images(driver, live_app)
        type_into(driver, "images-layers", width)
        type_into(driver, "images-epochs", 15)
    for driver in (browser, second_browser):
        driver.find_element(By.ID, "images-start").click()
    for driver in (browser, second_browser):
        wait_for(driver, lambda: job_message(driver).startswith("done"), timeout=120)
        assert len(graph_data(driver, "images-curves", 4, "y")) == 15
    for driver, width in ((browser, 16), (second_browser, 40)):
        tab(driver, "Models")
        wait_for(driver, lambda: f"64-{width}-10" in text(driver, "images-model-summary"))
    keys = {d.execute_script("return sessionStorage.getItem('session-key')") for d in (browser, second_browser)}
    assert len(keys) == 2


def test_mnist_trained_in_the_app_reaches_95_percent(live_app, browser):
    real_data_dir("mnist")
    open_images(browser, live_app)
    choose(browser, "images-dataset", "MNIST digits")
    wait_for(browser, lambda: browser.find_element(By.ID, "images-preview").get_attribute("src"))
    choose(browser, "images-preset", "seed video: 784-300-10")
    wait_for(browser, lambda: "SebLague" in text(browser, "images-preset-source"))
    type_into(browser, "images-epochs", 1)
    message = train(browser, timeout=240)
    assert accuracy_of(message) >= 0.95, message


def test_conv_presets_fill_the_builder_and_the_first_one_trains_on_mnist(live_app, browser, tmp_path):
    """The conv presets fill the builder; the first trains (on 3,000 MNIST images here: the whole
    epoch, 97 %, is tests/test_conv.py's and bench/conv_page.py's) and the page shows its filters."""
    real_data_dir("mnist")
    open_images(browser, live_app)
    choose(browser, "images-dataset", "MNIST digits")
    choose(browser, "images-preset", "our conv network on MNIST (conv16x5,pool2,conv32x5,pool2,128)")
    wait_for(browser, lambda: "Accuracy of convolutional networks" in text(browser, "images-preset-source"))
    layers = browser.find_element(By.ID, "images-layers")
    assert layers.get_attribute("value") == "conv16x5,pool2,conv32x5,pool2,128"
    assert browser.find_element(By.ID, "images-batch-size").get_attribute("value") == "32"
    assert not text(browser, "images-config-message")
    choose(browser, "images-preset", "a first conv network: conv8x5,pool2,64 (1 epoch)")
    wait_for(browser, lambda: layers.get_attribute("value") == "conv8x5,pool2,64")
    type_into(browser, "images-train-samples", 3000)
    message = train(browser, timeout=120)
    assert accuracy_of(message) >= 0.85, message  # one epoch of 3,000 images (94 steps of 32)
    tab(browser, "Inside")
    wait_for(browser, lambda: "8 filters (5×5×1)" in text(browser, "images-first-layer-caption"))
    wait_for(browser, lambda: "feature maps of test image #0" in text(browser, "images-feature-caption"))
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-conv-mnist-inside.png")))
    browser.set_window_size(1280, 720)  # the projector size: filters and maps still on screen
    wait_until_settled(browser)
    assert browser.find_element(By.ID, "images-first-layer").is_displayed()
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-conv-mnist-inside-1280x720.png")))
    no_errors(browser)


def test_a_conv_network_trains_and_shows_its_filters_and_feature_maps(live_app, browser, tmp_path):
    open_images(browser, live_app)
    type_into(browser, "images-layers", "conv8x3,pool2,32")
    type_into(browser, "images-epochs", 8)
    assert not text(browser, "images-config-message")
    message = train(browser)
    assert accuracy_of(message) > 0.9
    tab(browser, "Inside")
    wait_for(browser, lambda: "feature maps of test image #0" in text(browser, "images-feature-caption"))
    maps = browser.find_element(By.ID, "images-feature-maps")
    assert maps.get_attribute("src").startswith("data:image/png") and maps.size["width"] > 100
    assert "8 filters (3×3×1)" in text(browser, "images-first-layer-caption")
    filters = browser.find_element(By.ID, "images-first-layer")
    assert filters.size["width"] > 400  # eight filters across the column, each a big square
    browser.save_screenshot(str(screenshot_path(tmp_path, "images-conv-inside.png")))
    tab(browser, "Mistakes")
    browser.find_element(By.ID, "images-next-mistake").click()
    wait_for(browser, lambda: "the network is wrong" in text(browser, "images-browser-text"))
    index = int(re.search(r"#(\d+)", text(browser, "images-browser-text")).group(1))
    tab(browser, "Inside")
    wait_for(browser, lambda: f"test image #{index}" in text(browser, "images-feature-caption"))
    tab(browser, "Models")
    wait_for(browser, lambda: "8×8×1-conv8x3-pool2-32-10 tanh" in text(browser, "images-model-summary"))
    no_errors(browser)
