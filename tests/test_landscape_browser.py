"""The landscape page in a real headless Chromium, driven by real clicks, drags and keys."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from playground.app.pages.landscape.routes import walk as walk_route

from helpers.browser import (
    choose,
    drag_near_mark,
    graph_data,
    radio,
    reset_viewport,
    screenshot_path,
    session,
    set_viewport,
    shown,
    stored,
    text,
    thumb,
    type_into_box,
    wait_for,
    wait_until_edit_landed,
    wait_until_figures_fit,
    weight,
)
from helpers.pages import open_landscape, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def projector_screenshot(driver, tmp_path, name: str) -> None:
    """The same view at 1280×720, the projector size, and back."""
    set_viewport(driver, 1280, 720)
    wait_until_figures_fit(driver)  # Plotly lays each figure out again at its box's new width
    driver.save_screenshot(str(screenshot_path(tmp_path, name)))
    reset_viewport(driver)


def test_two_chosen_parameters_draw_their_surface_and_play_grows_the_path(live_app, browser, tmp_path):
    open_landscape(browser, live_app)
    choose(browser, "landscape-first", "W[2][1,0]")
    wait_for(browser, lambda: "W[2][1,0]" in text(browser, "landscape-status"))
    choose(browser, "landscape-second", "b[2][1]")
    wait_for(browser, lambda: "b[2][1]" in text(browser, "landscape-status"))
    titles = browser.execute_script(
        "const g = document.querySelector('#landscape-surface .js-plotly-plot')._fullLayout.scene;"
        "return [g.xaxis.title.text, g.yaxis.title.text]"
    )
    assert titles == ["W[2][1,0]", "b[2][1]"]
    z = graph_data(browser, "landscape-surface", 0, "z")
    assert len(z) == 40 and len(z[0]) == 40
    assert "curvatures here" in text(browser, "landscape-curvature")
    before = len(graph_data(browser, "landscape-path", 0, "x"))
    browser.find_element(By.ID, "landscape-play").click()
    wait_for(browser, lambda: len(graph_data(browser, "landscape-path", 0, "x")) >= before + 10, timeout=30)
    browser.find_element(By.ID, "landscape-play").click()
    wait_for(browser, lambda: browser.find_element(By.ID, "landscape-play").text == "play")

    def steps() -> int:
        return int(text(browser, "landscape-status").split()[1])

    # After a pause (its last step's answer in, the walk handed to the session) the 3-D path has caught up.
    wait_for(browser, lambda: len(graph_data(browser, "landscape-surface", 1, "x") or []) == steps() + 1)
    assert steps() >= 10
    browser.save_screenshot(str(screenshot_path(tmp_path, "landscape-two-parameters.png")))
    projector_screenshot(browser, tmp_path, "landscape-two-parameters-1280x720.png")
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_the_path_drawn_while_playing_and_after_is_the_routes_walk_from_the_same_start(live_app, browser):
    """Each step's answer brings only its new point, which the page appends to its path: the path
    drawn while playing (the contour's overlay; the 3-D path's data, drawn every few steps) and
    after the pause equals the walk the route takes in one request of as many steps from the same start."""
    open_landscape(browser, live_app)
    start, state = stored(browser, "session-view-landscape"), session(browser)

    def engine_path(steps: int) -> list[list[float]]:
        body = {"walk": start, "network": state["network"], "data": state["data"], "settings": state["settings"]}
        answer = walk_route({**body, "steps": steps})
        kept = answer["kept"]["path"]
        return [point[:2] for point in start["path"][len(start["path"]) - kept :] + answer["walk"]["path"]]

    def drawn() -> list[list[list[float]]]:  # the overlay's path and the surface's, as [x, y] points
        return browser.execute_script(
            "const trace = (id, k) => document.querySelector('#' + id + ' .js-plotly-plot').data[k];"
            "return [trace(arguments[0], 0), trace(arguments[1], 1)]"
            "  .map(t => Array.from(t.x).map((x, i) => [x, t.y[i]]))",
            "landscape-path",
            "landscape-surface",
        )

    play = browser.find_element(By.ID, "landscape-play")
    play.click()
    wait_for(browser, lambda: len(drawn()[0]) >= 30, timeout=60)
    overlay, surface = drawn()  # mid-play: both in the same instant
    play.click()
    wait_for(browser, lambda: play.text == "play")
    wait_for(browser, lambda: stored(browser, "session-view-landscape")["steps"] + 1 == len(drawn()[1]), timeout=30)
    steps = stored(browser, "session-view-landscape")["steps"]
    engine = engine_path(steps)
    assert len(engine) == steps + 1 and steps >= 29
    same = functools.partial(np.testing.assert_allclose, rtol=1e-6)  # float32 parameters
    same(overlay, engine[: len(overlay)])
    same(surface, engine[: len(surface)])
    wait_for(browser, lambda: len(drawn()[0]) == steps + 1)
    for path in drawn():
        same(path, engine)
    same([point[:2] for point in stored(browser, "session-view-landscape")["path"]], engine)


def test_a_weight_changed_on_the_playground_centres_the_landscape(live_app, browser):
    open_page(browser, live_app)
    ActionChains(browser).click_and_hold(thumb(browser, "W[1][0,0]")).move_by_offset(50, 0).release().perform()
    wait_for(browser, lambda: abs(weight(shown(browser)["net"], 1, 0, 0)) > 0.5)
    wait_until_edit_landed(browser)  # the value let go is the session's
    dragged = weight(shown(browser)["net"], 1, 0, 0)
    browser.find_element(By.ID, "nav-landscape").click()
    wait_for(browser, lambda: graph_data(browser, "landscape-contour", 0, "x") is not None, timeout=40)
    xs = graph_data(browser, "landscape-contour", 0, "x")
    assert (xs[0] + xs[-1]) / 2 == pytest.approx(dragged, abs=1e-3)  # centred on the new value, ± the range
    assert f"W[1][0,0] = {dragged:.4g}" in text(browser, "landscape-status")


def test_a_lesson_shows_sgd_zig_zagging_across_the_ravine(live_app, browser, tmp_path):
    open_landscape(browser, live_app)
    choose(browser, "landscape-preset", "ravine: SGD zig-zags")
    wait_for(browser, lambda: "badly conditioned" in text(browser, "landscape-preset-note"))
    wait_for(browser, lambda: graph_data(browser, "landscape-path", 0, "x") == [-9.0])
    page = browser.find_element(By.ID, "landscape-page")
    for k in range(6):
        page.send_keys("s")  # the page's own shortcut: one step
        wait_for(browser, lambda: len(graph_data(browser, "landscape-path", 0, "y")) == k + 2)
    ys = graph_data(browser, "landscape-path", 0, "y")
    assert all((a > 0) != (b > 0) for a, b in zip(ys, ys[1:]))  # from one wall to the other
    assert "2/λmax = 0.2" in text(browser, "landscape-curvature")
    browser.save_screenshot(str(screenshot_path(tmp_path, "landscape-ravine.png")))


def test_the_bowl_lessons_curvature_sentence_follows_a_slider_drag(live_app, browser):
    """The bowl lesson opens at 0.7, above 2/λmax = 2/3; a drag of the learn-rate slider to the
    1e-1 mark tells the class at once that 0.1 is below it, before any step is taken."""
    open_landscape(browser, live_app)
    choose(browser, "landscape-preset", "bowl: a learn rate above 2/λmax bounces out")
    wait_for(browser, lambda: "the learn rate 0.7 is above it" in text(browser, "landscape-curvature"))
    assert "2/λmax = 0.667" in text(browser, "landscape-curvature")
    drag_near_mark(browser, "landscape-learn-rate", "1e-1", 2)
    wait_for(browser, lambda: "the learn rate 0.1 is below it" in text(browser, "landscape-curvature"))
    assert text(browser, "landscape-status").startswith("step 0 ")  # no step: the drag alone said it
    assert len(graph_data(browser, "landscape-path", 0, "x")) == 1  # the path is its starting point alone


def test_the_race_draws_five_paths(live_app, browser, tmp_path):
    open_landscape(browser, live_app)
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Optimizer race']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-race-go"))
    browser.find_element(By.ID, "landscape-race-go").click()
    wait_for(browser, lambda: "Winner: " in text(browser, "landscape-race-result"), timeout=60)
    names = browser.execute_script(
        "return document.querySelector('#landscape-race-contour .js-plotly-plot')._fullData.slice(1).map(t => t.name)"
    )
    assert [name.split()[0] for name in names] == ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
    assert len(graph_data(browser, "landscape-race-costs", 4, "y")) > 10
    browser.save_screenshot(str(screenshot_path(tmp_path, "landscape-race.png")))
    projector_screenshot(browser, tmp_path, "landscape-race-1280x720.png")


def test_the_fruit_networks_learn_rate_limit_is_marked_past_the_slider(live_app, browser):
    """The fruit network's 2/λmax lies past the slider's 10: the slider's end says where it is."""
    open_landscape(browser, live_app)
    curvature = text(browser, "landscape-curvature")
    limit = float(re.search(r"2/λmax = ([\d.e+]+)", curvature).group(1))
    assert limit > 10, curvature
    wait_for(browser, lambda: "2/λmax = " in text(browser, "landscape-learn-rate"))
    mark = re.search(r"2/λmax = ([\d.e+]+) →", text(browser, "landscape-learn-rate"))
    assert mark and float(mark.group(1)) == pytest.approx(limit, rel=0.05)


def race_costs(driver) -> dict[str, list[float]]:
    """Each runner's costs through the race, as the page's cost chart draws them (by runner)."""
    names = driver.execute_script(
        "return document.querySelector('#landscape-race-costs .js-plotly-plot')._fullData.map(t => t.name)"
    )
    return {name.split(" (")[0]: graph_data(driver, "landscape-race-costs", k, "y") for k, name in enumerate(names)}


@pytest.mark.parametrize(
    "source", ["the two parameters chosen on the first tab (all training data)", "a saddle x² − y²"]
)
def test_the_race_winner_ends_lowest_and_never_diverged(live_app, browser, source):
    """The named winner is the runner whose cost the chart ends lowest (ties within 1 % of the
    race's range), never one that diverged, on the network's two parameters and on the saddle."""
    open_landscape(browser, live_app)
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Optimizer race']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-race-go"))
    choose(browser, "landscape-race-source", source)
    browser.find_element(By.ID, "landscape-race-go").click()
    wait_for(browser, lambda: "Winner: " in text(browser, "landscape-race-result"), timeout=60)
    summary = text(browser, "landscape-race-result")
    assert "The rule: the lowest cost at the end wins" in summary
    label = re.search(r"Winner: (.+?), ", summary).group(1)
    ends = summary.split("Cost after the race: ")[1].split(". The rule")[0].split("; ")
    diverged = {end.rsplit(": ", 1)[0] for end in ends if "(diverged at step" in end}
    assert label not in diverged
    costs = {name: [c for c in ys if c is not None] for name, ys in race_costs(browser).items() if name not in diverged}
    seen = [c for ys in costs.values() for c in ys]
    lowest_end = min(ys[-1] for ys in costs.values())
    assert costs[label][-1] <= lowest_end + 0.01 * (max(seen) - min(seen)) + 1e-12


def test_a_slice_of_the_session_network_runs_as_a_background_job(live_app, browser, tmp_path):
    open_landscape(browser, live_app)
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Big networks']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-slice-go"))
    browser.find_element(By.ID, "landscape-slice-go").click()
    wait_for(browser, lambda: "cost" in text(browser, "landscape-slice-result"), timeout=120)
    assert "31×31 slice of the playground's" in text(browser, "landscape-slice-result")
    z = graph_data(browser, "landscape-slice-contour", 0, "z")
    assert len(z) == 31 and len(z[0]) == 31
    assert browser.find_element(By.ID, "landscape-slice-go").is_enabled()
    browser.save_screenshot(str(screenshot_path(tmp_path, "landscape-slice.png")))
    projector_screenshot(browser, tmp_path, "landscape-slice-1280x720.png")


def test_a_loaded_model_is_named_and_an_old_error_goes_while_the_next_slice_runs(live_app, browser, tmp_path):
    """Big networks: the drop zone names the file it took; a file that is no model gets a message,
    which is hidden as soon as the next slice starts, and that slice ends without it."""
    open_landscape(browser, live_app)
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Big networks']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-slice-go"))
    bad = tmp_path / "holiday.npz"
    bad.write_bytes(b"PK\x03\x04 not a network" * 10)
    browser.find_element(By.CSS_SELECTOR, "#landscape-slice-upload input[type=file]").send_keys(str(bad))
    wait_for(browser, lambda: "holiday.npz loaded" in text(browser, "landscape-slice-upload"))
    radio(browser, "landscape-slice-source", "model")
    browser.find_element(By.ID, "landscape-slice-go").click()
    wait_for(browser, lambda: "holiday.npz" in text(browser, "landscape-slice-message"), timeout=60)
    message = browser.find_element(By.ID, "landscape-slice-message")
    radio(browser, "landscape-slice-source", "session")
    browser.find_element(By.ID, "landscape-slice-go").click()
    wait_for(browser, lambda: message.value_of_css_property("visibility") == "hidden", timeout=30)
    wait_for(browser, lambda: "cost" in text(browser, "landscape-slice-result"), timeout=120)
    assert text(browser, "landscape-slice-message") == "" and message.value_of_css_property("visibility") == "visible"


def test_cancel_stops_a_slice_and_says_so_and_the_next_start_clears_it(live_app, browser, tmp_path):
    from playground.engine import Network
    from playground.engine.persistence import save_network

    # A slice long enough that the cancel always comes first, on any machine: a 784-256-256-10
    # network on 2,000 MNIST images, 51×51 grid points (minutes; the fruit network's takes a second).
    model = save_network(Network([784, 256, 256, 10], seed=3), tmp_path / "wide.npz")
    open_landscape(browser, live_app)
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Big networks']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-slice-go"))
    browser.find_element(By.CSS_SELECTOR, "#landscape-slice-upload input[type=file]").send_keys(str(model))
    wait_for(browser, lambda: "wide.npz loaded" in text(browser, "landscape-slice-upload"))
    radio(browser, "landscape-slice-source", "model")
    choose(browser, "landscape-slice-data", "mnist")
    type_into_box(browser.find_element(By.ID, "landscape-slice-samples"), "2000")
    radio(browser, "landscape-slice-steps", "51")
    browser.find_element(By.ID, "landscape-slice-go").click()
    cancel = browser.find_element(By.ID, "landscape-slice-cancel")
    wait_for(browser, lambda: cancel.is_enabled(), timeout=30)
    cancel.click()
    wait_for(browser, lambda: browser.find_element(By.ID, "landscape-slice-go").is_enabled(), timeout=30)
    said = text(browser, "landscape-slice-message")
    assert re.fullmatch(
        r"cancelled: the slice stopped after [\d,]+ of 2,601 grid points \(the last one drawn stays\)", said
    )
    assert text(browser, "landscape-slice-result") == ""  # nothing drawn by the cancelled job
    radio(browser, "landscape-slice-source", "session")
    radio(browser, "landscape-slice-steps", "21")
    browser.find_element(By.ID, "landscape-slice-go").click()  # its slot is free at once
    message = browser.find_element(By.ID, "landscape-slice-message")
    wait_for(browser, lambda: message.value_of_css_property("visibility") == "hidden", timeout=30)
    wait_for(browser, lambda: "21×21 slice" in text(browser, "landscape-slice-result"), timeout=120)
    assert text(browser, "landscape-slice-message") == ""


def test_a_model_over_the_slice_upload_limit_says_so(live_app, browser, tmp_path):
    from playground.app.pages.landscape.slice_logic import slice_upload_bytes

    open_landscape(browser, live_app)
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Big networks']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-slice-go"))
    big = tmp_path / "huge.npz"
    big.write_bytes(b"\0" * (slice_upload_bytes() + 1_000_000))
    browser.find_element(By.CSS_SELECTOR, "#landscape-slice-upload input[type=file]").send_keys(str(big))
    limit = f"{slice_upload_bytes() / 1e6:.1f} MB"
    wait_for(
        browser,
        lambda: (
            f"huge.npz is {(slice_upload_bytes() + 1_000_000) / 1e6:.1f} MB: at most {limit}"
            in text(browser, "landscape-slice-message")
        ),
    )
    assert f"up to {limit}" in text(browser, "landscape-slice-upload")
