"""What a lecturer met on the playground's data and controls (issue 13): new points, the optimizer's
and the data's messages, presets, three classes, shared links, undo and saved files, each in a real
headless Chromium with real input."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers.browser import biases, choose, layer_sizes, shown, visible_text, wait_for, wait_until_settled, weights
from helpers.pages import click_plane, empty_spot, open_page

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


def test_momentum_is_disabled_with_a_reason_where_it_does_nothing(live_app, browser):
    open_page(browser, live_app)
    choose(browser, "playground-optimizer", "adam")
    wait_for(browser, lambda: "not used by adam" in visible_text(browser, "playground-momentum-hint"))
    slider = browser.find_element(By.ID, "playground-momentum")
    assert slider_disabled(browser, "playground-momentum")
    choose(browser, "playground-optimizer", "momentum")
    wait_for(browser, lambda: visible_text(browser, "playground-momentum-hint") == "")
    assert not slider_disabled(browser, "playground-momentum") and slider.is_displayed()


def slider_disabled(driver, slider_id: str) -> bool:
    return driver.execute_script(
        "const s = document.getElementById(arguments[0]);"
        "return !!s.querySelector('[data-disabled], [aria-disabled=true], [disabled]')",
        slider_id,
    )


def test_a_negative_l2_gets_a_message(live_app, browser):
    open_page(browser, live_app)
    box = browser.find_element(By.ID, "playground-l2")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("-1", Keys.ENTER)
    wait_for(browser, lambda: "0 or more" in visible_text(browser, "playground-l2-hint"))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.01", Keys.ENTER)
    wait_for(browser, lambda: visible_text(browser, "playground-l2-hint") == "")


def test_a_csv_over_its_limit_says_so_and_keeps_the_data(live_app, browser, tmp_path):
    open_page(browser, live_app)
    before = shown(browser)["data"]
    big = tmp_path / "huge.csv"
    big.write_text("x1,x2,label\n" + "0.123456,0.654321,0\n" * 80_000)  # 1.6 MB
    browser.find_element(By.CSS_SELECTOR, "#playground-csv-upload input[type=file]").send_keys(str(big))
    wait_for(browser, lambda: "huge.csv is 1.6 MB: at most 1.0 MB" in visible_text(browser, "playground-data-message"))
    assert shown(browser)["data"] == before


def test_the_preset_names_its_source_and_leaves_other_problems_and_timings_name_their_method(live_app, browser):
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-preset-2-3-2").click()
    wait_for(browser, lambda: "Sebastian Lague" in visible_text(browser, "playground-preset-source"))
    browser.find_element(By.ID, "playground-step").click()
    wait_for(browser, lambda: visible_text(browser, "playground-timing").count("ms") == 2)
    lines = visible_text(browser, "playground-timing").splitlines()
    assert lines[0].startswith("backprop ") and lines[1].startswith("finite diff. ")
    choose(browser, "playground-dataset", "moons")
    wait_for(browser, lambda: visible_text(browser, "playground-preset-source") == "")


def diagram_has_wine(driver) -> bool:
    """Whether some opaque pixel of the network diagram leans wine (class 2's colour: more red than
    blue, more blue than green), which neither the blue/vermillion edges nor two-class heatmaps
    ever do (blue's tints have less red than blue, vermillion's less blue than green)."""
    return driver.execute_script(
        "const c = document.getElementById('playground-network-canvas'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data;"
        "for (let p = 0; p < d.length; p += 4) {"
        "  if (d[p + 3] > 128 && d[p] > d[p + 2] && d[p + 2] > d[p + 1] + 8) return true;"  # opaque: no edge's faint fringe
        "}"
        "return false;"
    )


def test_with_three_classes_each_output_heatmap_has_its_class_colour(live_app, browser):
    open_page(browser, live_app)
    assert not diagram_has_wine(browser)  # two classes: no wine
    choose(browser, "playground-dataset", "blobs (3 classes)")
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"])[-1] == 3)
    wait_for(browser, lambda: diagram_has_wine(browser))  # class 2's output node is drawn wine


def test_a_shared_link_restores_the_data_controls_too(live_app, browser, second_browser):
    open_page(browser, live_app)
    choose(browser, "playground-dataset", "moons")
    wait_for(browser, lambda: shown(browser)["data"]["name"] == "moons")
    seed_box = browser.find_element(By.ID, "playground-data-seed")
    seed_box.send_keys(Keys.CONTROL, "a")
    seed_box.send_keys("7", Keys.ENTER)
    wait_for(browser, lambda: (shown(browser)["data"].get("generator") or {}).get("seed") == 7)
    data = shown(browser)["data"]
    click_plane(browser, *empty_spot(data))
    wait_for(browser, lambda: len(shown(browser)["data"]["train_labels"]) == len(data["train_labels"]) + 1)
    browser.find_element(By.ID, "playground-share").click()
    link = wait_for(browser, lambda: browser.find_element(By.ID, "playground-share-link").get_attribute("value"))
    original = shown(browser)["data"]
    problem = visible_text(browser, "playground-dataset").strip()  # the clicked-on moons: the sharer's own points

    open_page(second_browser, link)
    wait_for(second_browser, lambda: shown(second_browser)["data"]["train_inputs"] == original["train_inputs"])
    wait_for(second_browser, lambda: visible_text(second_browser, "playground-dataset").strip() == problem)
    assert second_browser.find_element(By.ID, "playground-data-seed").get_attribute("value") == "7"


def test_points_of_your_own_replaced_by_a_slider_can_be_had_back(live_app, browser):
    open_page(browser, live_app)
    data = shown(browser)["data"]
    click_plane(browser, *empty_spot(data))
    wait_for(browser, lambda: len(shown(browser)["data"]["train_labels"]) == len(data["train_labels"]) + 1)
    edited = shown(browser)["data"]
    assert not browser.find_element(By.ID, "playground-undo-row").is_displayed()
    noise = browser.find_element(By.CSS_SELECTOR, "#playground-noise [role=slider]")
    noise.send_keys(Keys.ARROW_RIGHT)  # a slider touched by mistake: fresh points replace the clicked ones
    wait_for(browser, lambda: shown(browser)["data"]["train_inputs"] != edited["train_inputs"])
    wait_for(browser, lambda: browser.find_element(By.ID, "playground-undo-row").is_displayed())
    browser.find_element(By.ID, "playground-undo-data").click()
    wait_for(browser, lambda: shown(browser)["data"]["train_inputs"] == edited["train_inputs"])
    assert not browser.find_element(By.ID, "playground-undo-row").is_displayed()


def test_a_saved_state_with_another_network_loads_whole(live_app, browser, tmp_path):
    """load JSON: the file's network (another architecture) is the one painted, drawn and slid."""
    from playground.app.session import model
    from playground.engine import Network
    from playground.engine.persistence import network_to_json

    state = model.initial_state()
    network = network_to_json(
        Network([2, 4, 4, 2], activation="tanh", output_activation="sigmoid", cost="quadratic", seed=5)
    )
    path = tmp_path / "lesson.json"
    path.write_text(
        model.state_to_json({**state, "network": network, "settings": {**model.DEFAULT_SETTINGS, "learn_rate": 0.3}})
    )
    open_page(browser, live_app)
    browser.find_element(By.CSS_SELECTOR, "#playground-json-upload input[type=file]").send_keys(str(path))
    wait_for(browser, lambda: "loaded lesson.json" in visible_text(browser, "playground-share-message"))
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 4, 4, 2])
    wait_until_settled(browser)  # every callback the new page body fires has landed
    painted = shown(browser)["net"]
    assert weights(painted) == weights(network) and biases(painted) == biases(network)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .slider-row")) == 8 + 4 + 16 + 4 + 8 + 2
    assert "learn rate 0.3" in visible_text(browser, "playground-learn-rate-label")
