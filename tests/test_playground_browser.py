"""The 2D playground in a real headless Chromium, driven by real mouse and keyboard input."""

from __future__ import annotations

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from playground.app.pages.playground.figures import class_map
from playground.app.session import model

from helpers.browser import (
    bias,
    biases,
    choose,
    counter,
    dataset,
    engine_network,
    epoch_shown,
    history_epochs,
    layer_sizes,
    playing,
    render_count,
    screenshot_path,
    shown,
    thumb,
    wait_for,
    wait_until_run_handed_over,
    wait_until_settled,
    weight,
    weights,
)
from helpers.pages import click_plane, empty_spot, open_page, open_state

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def boundary_pixels(driver) -> str:
    return driver.execute_script("return document.getElementById('playground-boundary-canvas').toDataURL()")


def full_cost(state: dict) -> float:
    network = engine_network(state["net"], dtype=np.float64)
    data = dataset(state["data"])
    return network.cost(data.inputs, data.labels)


def test_dragging_a_weight_moves_the_boundary_while_dragging(live_app, browser):
    open_page(browser, live_app)
    before = boundary_pixels(browser)
    weights_before = weight(shown(browser)["net"], 1, 0, 0)
    handle = thumb(browser, "W[1][0,0]")
    actions = ActionChains(browser).click_and_hold(handle)
    for _ in range(6):
        actions.move_by_offset(12, 0)
    actions.perform()
    wait_for(browser, lambda: boundary_pixels(browser) != before)  # repainted before the mouse is released
    ActionChains(browser).release().perform()
    wait_for(browser, lambda: weight(shown(browser)["net"], 1, 0, 0) != weights_before)
    assert weight(shown(browser)["net"], 1, 0, 0) > weights_before
    label = thumb(browser, "W[1][0,0]").get_attribute("aria-valuenow")
    assert float(label) == pytest.approx(weight(shown(browser)["net"], 1, 0, 0), abs=1e-3)


def test_ten_steps_lower_the_full_data_cost(live_app, browser):
    open_page(browser, live_app)
    start = full_cost(shown(browser))
    step = browser.find_element(By.ID, "playground-step")
    for k in range(10):
        step.click()
        # The step handed to the session (so the run is over): the cost curve starts at epoch 0,
        # the untrained cost, then one point per step.
        wait_for(browser, lambda: len(history_epochs(browser)) == k + 2)
    assert full_cost(shown(browser)) < start
    assert browser.find_element(By.ID, "playground-epoch-label").text.startswith("epoch 0.")  # 10 batches of 10 of 160


def test_play_then_pause_shows_several_frames_and_learns(live_app, browser):
    open_page(browser, live_app)
    frames = render_count(browser)
    browser.find_element(By.ID, "playground-page").send_keys(" ")  # the lecture shortcut for play
    wait_for(browser, lambda: epoch_shown(browser) >= 5 and render_count(browser) - frames >= 10, timeout=60)
    browser.find_element(By.ID, "playground-play").click()  # pause
    wait_until_run_handed_over(browser)
    assert render_count(browser) - frames >= 10
    assert browser.find_element(By.ID, "playground-play").text == "play"
    epoch = float(browser.find_element(By.ID, "playground-epoch-label").text.split()[1])
    assert epoch >= 5
    state = shown(browser)
    network, data = engine_network(state["net"]), dataset(state["data"])
    assert network.accuracy(data.train_inputs, data.train_labels) > 0.8
    assert "train" in browser.find_element(By.ID, "playground-readouts").text


def test_clicking_the_plane_adds_a_point_and_clicking_a_point_removes_it(live_app, browser):
    open_page(browser, live_app)
    data = shown(browser)["data"]
    count = len(data["train_labels"])
    x, y = empty_spot(data)
    click_plane(browser, x, y)
    wait_for(browser, lambda: len(shown(browser)["data"]["train_labels"]) == count + 1)
    added = shown(browser)["data"]["train_inputs"][-1]
    assert added[0] == pytest.approx(x, abs=0.02) and added[1] == pytest.approx(y, abs=0.02)
    drawn = count + len(data["test_labels"]) + 1  # the new point is on the plot before it is clicked
    wait_for(
        browser,
        lambda: len(browser.find_elements(By.CSS_SELECTOR, "#playground-boundary-graph .scatterlayer .point")) == drawn,
    )
    click_plane(browser, *added)
    wait_for(browser, lambda: len(shown(browser)["data"]["train_labels"]) == count)


def test_a_bad_csv_shows_its_error_and_keeps_the_data(live_app, browser, tmp_path):
    open_page(browser, live_app)
    before = shown(browser)["data"]
    bad = tmp_path / "broken.csv"
    bad.write_text("x1,x2,label\n0.1,0.2,0\n0.3,oops,1\n")
    browser.find_element(By.CSS_SELECTOR, "#playground-csv-upload input[type=file]").send_keys(str(bad))
    message = wait_for(browser, lambda: browser.find_element(By.ID, "playground-data-message").text)
    assert "broken.csv" in message and "line 3" in message and "not a number" in message
    assert shown(browser)["data"] == before

    good = tmp_path / "mine.csv"
    good.write_text(
        "x1,x2,label\n" + "\n".join(f"{i / 10},{(i * 7 % 10) / 10},{'cat' if i % 2 else 'dog'}" for i in range(20))
    )
    browser.find_element(By.CSS_SELECTOR, "#playground-csv-upload input[type=file]").send_keys(str(good))
    wait_for(browser, lambda: "loaded 20 points" in browser.find_element(By.ID, "playground-data-message").text)
    wait_for(browser, lambda: shown(browser)["data"]["class_names"] == ["dog", "cat"])
    assert "your own points from mine.csv" in browser.find_element(By.ID, "playground-noise-hint").text


def test_a_point_count_out_of_range_is_named_and_the_data_stays(live_app, browser):
    open_page(browser, live_app)
    before = shown(browser)["data"]
    field = browser.find_element(By.ID, "playground-samples")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("5000", Keys.ENTER)
    wait_for(browser, lambda: "from 10 to 2000" in browser.find_element(By.ID, "playground-data-message").text)
    wait_until_settled(browser)  # every callback the refused count set off has landed
    assert shown(browser)["data"] == before
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("300", Keys.ENTER)
    wait_for(
        browser, lambda: len(shown(browser)["data"]["train_labels"]) + len(shown(browser)["data"]["test_labels"]) == 300
    )
    assert browser.find_element(By.ID, "playground-data-message").text == ""


def test_a_shared_link_reproduces_edited_weights_and_clicked_points(live_app, browser, second_browser):
    open_page(browser, live_app)
    ActionChains(browser).click_and_hold(thumb(browser, "b[1][1]")).move_by_offset(40, 0).release().perform()
    wait_for(browser, lambda: bias(shown(browser)["net"], 1, 1) != 0)
    data = shown(browser)["data"]
    x, y = empty_spot(data)
    click_plane(browser, x, y)
    wait_for(browser, lambda: len(shown(browser)["data"]["train_labels"]) == len(data["train_labels"]) + 1)
    browser.find_element(By.ID, "playground-share").click()
    link = wait_for(browser, lambda: browser.find_element(By.ID, "playground-share-link").get_attribute("value"))
    assert "#s=" in link
    original = shown(browser)

    # A second, separate browser (its own profile) opens the link.
    open_page(second_browser, link)
    wait_for(second_browser, lambda: shown(second_browser)["data"]["train_inputs"] == original["data"]["train_inputs"])
    copy = shown(second_browser)
    assert weights(copy["net"]) == weights(original["net"])
    assert biases(copy["net"]) == biases(original["net"])
    assert copy["data"]["test_inputs"] == original["data"]["test_inputs"]


def test_two_sessions_training_different_networks_keep_their_own_weights(live_app, browser, second_browser):
    open_page(browser, live_app)
    open_page(second_browser, live_app)
    second_browser.find_element(By.ID, "playground-preset-2-2").click()
    wait_for(second_browser, lambda: layer_sizes(shown(second_browser)["net"]) == [2, 2])
    for driver in (browser, second_browser):
        driver.find_element(By.ID, "playground-play").click()
    for driver in (browser, second_browser):
        wait_for(driver, lambda: epoch_shown(driver) >= 1, timeout=60)  # both have trained a while
    for driver in (browser, second_browser):
        driver.find_element(By.ID, "playground-play").click()
    for driver in (browser, second_browser):
        wait_until_run_handed_over(driver)
    first, second = shown(browser)["net"], shown(second_browser)["net"]
    assert layer_sizes(first) == [2, 3, 2] and layer_sizes(second) == [2, 2]
    from playground.engine import Network

    # Each trained away from its own starting weights, and neither got the other's.
    start_first = Network([2, 3, 2], activation="sigmoid", output_activation="sigmoid", cost="quadratic", seed=0)
    start_second = Network([2, 2], activation=[], output_activation="sigmoid", cost="quadratic", seed=0)
    assert not np.allclose(engine_network(first).weights[0], start_first.weights[0])
    assert not np.allclose(engine_network(second).weights[0], start_second.weights[0])


def test_browser_maths_agree_with_the_engine(live_app, browser):
    open_page(browser, live_app)
    rng = np.random.default_rng(3)
    from playground.engine import Network
    from playground.engine.persistence import network_to_json

    for activation, output in [
        ("tanh", "softmax"),
        ("relu", "sigmoid"),
        ("elu", "tanh"),
        ("silu", "linear"),
        ("leaky_relu", "softmax"),
        ("sigmoid", "sigmoid"),
        ("linear", "softmax"),
    ]:
        network = Network(
            [2, 5, 4, 3],
            activation=activation,
            output_activation=output,
            cost="quadratic",
            seed=int(rng.integers(100)),
            dtype=np.float64,
        )
        for b in network.biases:
            b[:] = rng.normal(0, 1, b.shape)
        points = rng.normal(0, 2, (50, 2))
        net = network_to_json(network)
        outputs = np.array(
            browser.execute_script(
                "return window.neuralModules.maths.forward(arguments[0], arguments[1])", net, points.tolist()
            )
        )
        np.testing.assert_allclose(outputs, network.forward(points), atol=1e-6, rtol=1e-6)
        grid = browser.execute_script(
            "const g = window.neuralModules.maths.evaluateGrid(arguments[0], [-2, 3], [-1, 2], 40);"
            "return [Array.from(g.predicted), Array.from(g.confidence)];",
            net,
        )
        expected = class_map(network, (-2, 3), (-1, 2), 40)
        predicted, confidence = np.array(grid[0]).reshape(40, 40), np.array(grid[1]).reshape(40, 40)
        clear = expected.confidence > 1e-9  # exact ties may break either way
        np.testing.assert_array_equal(predicted[clear], expected.predicted[clear])
        np.testing.assert_allclose(confidence, expected.confidence, atol=1e-6)


def test_big_networks_show_one_layers_sliders(live_app, browser):
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-add-layer").click()
    wait_for(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, ".layer-row")) == 2)
    for index in range(2):
        field = browser.find_elements(By.CSS_SELECTOR, ".layer-row input[type=number]")[index]
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys("8", Keys.ENTER)
        wait_for(browser, lambda: layer_sizes(shown(browser)["net"])[index + 1] == 8)
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 8, 8, 2])
    wait_for(browser, lambda: "weight-layer 1 of 3" in browser.find_element(By.ID, "playground-slider-caption").text)
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".slider-label")]
    assert len(labels) == 2 * 8 + 8 and "W[1][1,7]" in labels and "b[1][7]" in labels


def test_divergence_stops_play_with_a_message(live_app, browser):
    data = model.initial_state()["data"]
    network = model.dense_network_json([2, 8, 2], ["relu"], "linear", "quadratic", seed=0)
    open_state(browser, live_app, data, network, learn_rate=10.0, optimizer="momentum")
    browser.find_element(By.ID, "playground-play").click()
    message = wait_for(browser, lambda: browser.find_element(By.ID, "playground-train-message").text)
    assert "diverged" in message and "Lower the learn rate" in message
    wait_for(browser, lambda: browser.find_element(By.ID, "playground-play").text == "play")
    kept = engine_network(shown(browser)["net"])
    assert all(np.all(np.isfinite(p)) and np.abs(p).max() <= 1e6 for p in kept.parameters())


def test_boundary_and_diagram_export_as_png(live_app, browser, tmp_path):
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-export-boundary").click()
    browser.find_element(By.ID, "playground-export-network").click()
    for name in ("decision-boundary.png", "network.png"):
        path = tmp_path / name
        wait_for(browser, lambda: path.exists() and path.stat().st_size > 1000)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_loading_a_link_keeps_its_points_and_noise(live_app, browser):
    network = model.dense_network_json([2, 4, 2], ["tanh"], "softmax", "cross_entropy", seed=0)
    generated = model.generate_points("moons", 0.25, 0.2, 3, 120)  # its controls are set from the link
    open_state(browser, live_app, generated, network)
    wait_until_settled(browser)  # every control callback has run
    assert shown(browser)["data"]["train_inputs"] == generated["train_inputs"]
    noise = browser.find_element(By.CSS_SELECTOR, "#playground-noise [role=slider]").get_attribute("aria-valuenow")
    assert float(noise) == 0.25

    # Opening the link drew the page anew, but nobody pressed play.
    assert browser.find_element(By.ID, "playground-play").text == "play"
    assert browser.find_element(By.ID, "playground-train-message").text == ""

    clicked = {
        **generated,
        "generator": None,
        "train_inputs": generated["train_inputs"] + [[0.0, 0.0]],
        "train_labels": generated["train_labels"] + [1],
    }  # a point the generator would not make
    open_state(browser, live_app, clicked, network)
    wait_until_settled(browser)
    assert shown(browser)["data"]["train_inputs"] == clicked["train_inputs"]


def test_a_layer_over_sixty_parameters_shows_one_nodes_sliders(live_app, browser):
    data = model.initial_state()["data"]
    network = model.dense_network_json([2, 8, 8, 2], ["tanh", "tanh"], "sigmoid", "quadratic", seed=0)
    open_state(browser, live_app, data, network)
    wait_for(browser, lambda: "weight-layer 1" in browser.find_element(By.ID, "playground-slider-layer").text)
    browser.find_element(By.ID, "playground-slider-layer").click()
    option = wait_for(
        browser,
        lambda: [
            e
            for e in browser.find_elements(By.XPATH, "//*[contains(text(), 'weight-layer 2 (72 parameters)')]")
            if e.is_displayed()
        ],
    )
    option[0].click()
    wait_for(
        browser, lambda: "node 0 of weight-layer 2" in browser.find_element(By.ID, "playground-slider-caption").text
    )
    labels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".slider-label")]
    assert labels == [f"W[2][{i},0]" for i in range(8)] + ["b[2][0]"]


def test_changes_made_while_playing_take_effect_and_play_goes_on(live_app, browser):
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: epoch_shown(browser) >= 3)

    choose(browser, "playground-dataset", "blobs (3 classes)")  # three classes: the output layer must grow
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 3, 3])
    frames = counter(browser, "trainingFrames")
    wait_for(browser, lambda: counter(browser, "trainingFrames") >= frames + 5)
    assert layer_sizes(shown(browser)["net"]) == [2, 3, 3]  # no answer for the old network came back

    browser.find_element(By.ID, "playground-add-layer").click()
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 3, 3, 3])
    frames = counter(browser, "trainingFrames")
    wait_for(browser, lambda: counter(browser, "trainingFrames") >= frames + 5)
    assert playing(browser)
    assert browser.find_element(By.ID, "playground-train-message").text == ""
    # Both gradient methods' time per step are shown side by side while playing.
    assert browser.find_element(By.ID, "playground-timing").text.count("ms") == 2

    browser.find_element(By.ID, "playground-play").click()  # pause
    wait_until_run_handed_over(browser)
    history = history_epochs(browser)
    frames = counter(browser, "trainingFrames")
    assert 0 < len(history) < frames  # the cost history started again with the new network
    # The page's stores and sliders describe the network on screen: 2-3-3-3 has 33 parameters.
    wait_for(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .slider-row")) == 33)
    network, data = engine_network(shown(browser)["net"]), dataset(shown(browser)["data"])
    assert network.accuracy(data.train_inputs, data.train_labels) > 0.5  # it learned the blobs, not the fruit
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_sharing_a_link_leaves_the_session_as_it_is(live_app, browser):
    open_page(browser, live_app)
    for k in range(3):
        browser.find_element(By.ID, "playground-step").click()
        wait_for(browser, lambda: len(history_epochs(browser)) == k + 2)  # each step handed to the session
    wait_for(browser, lambda: len(history_epochs(browser)) == 4)
    painted = weights(shown(browser)["net"])  # three steps, and the curve's first point at epoch 0
    browser.find_element(By.ID, "playground-share").click()
    wait_for(browser, lambda: browser.find_element(By.ID, "playground-share-message").text.startswith("link ready"))
    wait_until_settled(browser)  # the page now holds the link: it must not be loaded back into this page
    assert browser.find_element(By.ID, "playground-share-message").text.startswith("link ready")
    assert len(history_epochs(browser)) == 4
    assert weights(shown(browser)["net"]) == painted
    assert "#s=" in browser.find_element(By.ID, "playground-share-link").get_attribute("value")


def test_the_learn_rate_label_warns_when_it_is_large_for_adam(live_app, browser):
    open_page(browser, live_app)
    label = browser.find_element(By.ID, "playground-learn-rate-label")
    assert label.text == "learn rate 3"
    choose(browser, "playground-optimizer", "adam")
    wait_for(browser, lambda: "large for Adam: try 0.1" in label.text)
    choose(browser, "playground-optimizer", "momentum")
    wait_for(browser, lambda: label.text == "learn rate 3")


def test_shared_names_show_as_text_not_markup(live_app, browser, tmp_path):
    state = model.initial_state()
    data, network = state["data"], state["network"]
    data["class_names"] = ['<a href="https://evil.example">log in</a>', "100% safe"]
    data["feature_names"] = ["<b>spot</b>", "%{customdata}"]
    open_state(browser, live_app, data, network)
    wait_for(
        browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#playground-boundary-graph .legendtext")) == 4
    )
    legend = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#playground-boundary-graph .legendtext")]
    assert legend[0] == '<a href="https://evil.example">log in</a> (train)' and legend[1] == "100% safe (train)"
    assert not browser.find_elements(By.CSS_SELECTOR, "#playground-boundary-graph svg a")  # no link in the plot
    titles = [
        e.text
        for e in browser.find_elements(
            By.CSS_SELECTOR, "#playground-boundary-graph .xtitle, #playground-boundary-graph .ytitle"
        )
    ]
    assert titles == ["<b>spot</b>", "%{customdata}"]
    browser.save_screenshot(str(screenshot_path(tmp_path, "shared-names-as-text.png")))
