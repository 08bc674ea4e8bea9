"""What a lecturer met training on the playground (issue 13): the cost chart, the play speed, a
slider held while playing, the learn-rate lessons and a single step's picture, each in a real
headless Chromium with real input (the evolution race: test_evolution_page.py)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from helpers.browser import (
    biases,
    choose,
    counter,
    engine_network,
    epoch_shown,
    layer_sizes,
    page_clock,
    record_requests,
    route_timings,
    screenshot_path,
    session,
    shown,
    thumb,
    visible_text,
    wait_for,
    wait_until_run_handed_over,
    wait_until_scrolled,
    weight,
    weights,
)
from helpers.pages import open_page, play_until_epoch

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def cost_curve(driver) -> dict:
    return driver.execute_script(
        "const g = document.querySelector('#playground-cost-graph .js-plotly-plot');"
        "return {x: Array.from(g._fullData[0].x || []), y: Array.from(g._fullData[0].y || []),"
        " type: g._fullLayout.yaxis.type, range: g._fullLayout.yaxis.range.slice(),"
        " notes: (g.layout.annotations || []).map(a => a.text)}"
    )


def test_the_cost_chart_starts_at_the_untrained_cost_with_plain_axes_and_a_log_scale(live_app, browser):
    open_page(browser, live_app)
    empty = cost_curve(browser)
    assert empty["x"] == [] and empty["range"] == [0, 1] and "appears here" in empty["notes"][0]
    browser.find_element(By.ID, "playground-step").click()
    wait_for(browser, lambda: len(cost_curve(browser)["x"]) == 2)
    curve = cost_curve(browser)
    assert curve["x"][0] == 0 and curve["x"][1] > 0 and not curve["notes"]
    from playground.app.session import model
    from playground.engine import score

    state = model.initial_state()  # what the page opened on
    dataset = model.check_points(state["data"])
    untrained = score(engine_network(state["network"]), dataset.train_inputs, dataset.train_labels)[0]
    assert curve["y"][0] == pytest.approx(untrained, rel=1e-5)  # the engine's cost before any step
    browser.find_element(By.CSS_SELECTOR, "#playground-cost-log input").click()
    wait_for(browser, lambda: cost_curve(browser)["type"] == "log")
    assert len(cost_curve(browser)["x"]) == 2


TRAIN = "/_playground/train"  # the route each frame of play posts to


def play_speed(driver) -> float:
    """The session's play speed: epochs a second (0: as fast as the server answers)."""
    return session(driver)["settings"]["play_speed"]


def speed_mark(driver, label: str):
    """A mark of the play-speed slider ("2", "max", …)."""
    marks = driver.find_element(By.ID, "playground-play-speed").find_elements(By.CSS_SELECTOR, ".dash-slider-mark")
    return next(mark for mark in marks if mark.text.strip() == label)


def play_epochs_at(driver, label: str, speed: float, epochs: int) -> tuple[float, list]:
    """Click a speed's mark, play ``epochs`` epochs and pause: the epochs played (counted on the
    label) and the run's requests ([sent, answered] in ms of the page's own clock)."""
    ActionChains(driver).move_to_element(speed_mark(driver, label)).click().perform()
    wait_for(driver, lambda: play_speed(driver) == speed)
    record_requests(driver)
    first = epoch_shown(driver)
    last = play_until_epoch(driver, first + epochs)
    return last - first, route_timings(driver, TRAIN)


def test_play_speed_sets_the_epochs_a_second(live_app, browser):
    """Measured in the run's own clock (when the page sent each request), so the same at any
    machine speed: at 2 epochs a second no frame comes sooner than half a second after the one
    before, nor later than the speed or its answer asks; at max, far faster."""
    open_page(browser, live_app)
    played, slow = play_epochs_at(browser, "2", 2, 6)  # 2 epochs a second: a click on its mark
    assert played == len(slow) >= 6  # a frame of play is an epoch: epochs a second are frames a second
    # The run's first two requests go out as the answers come; from the second on, the speed paces them.
    gaps = [b[0] - a[0] for a, b in zip(slow[1:], slow[2:])]
    per_second = 1000 * len(gaps) / sum(gaps)
    assert per_second <= 2 * 1.01, (per_second, gaps)  # never faster than 2 a second …
    allowed = [max(500, answered - sent) for sent, answered in slow[1:-1]]  # the speed, or a slower answer
    assert sum(gaps) <= 1.5 * sum(allowed), (gaps, allowed)  # … nor much slower than the speed lets it go

    played, fast = play_epochs_at(browser, "max", 0, 6)  # 0: as fast as the server answers
    assert played == len(fast) >= 6
    fast_gaps = [b[0] - a[0] for a, b in zip(fast, fast[1:])]
    fast_per_second = 1000 * len(fast_gaps) / sum(fast_gaps)
    assert fast_per_second > 3 * per_second, (fast_per_second, per_second)  # far faster at full speed


def test_a_slider_dragged_while_playing_wins_over_play(live_app, browser):
    open_page(browser, live_app)
    record_requests(browser)
    ActionChains(browser).move_to_element(speed_mark(browser, "2")).click().perform()
    wait_for(browser, lambda: play_speed(browser) == 2)
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: epoch_shown(browser) >= 2)
    before = weight(shown(browser)["net"], 1, 0, 0)
    ActionChains(browser).click_and_hold(thumb(browser, "W[1][0,0]")).move_by_offset(60, 0).perform()
    wait_for(browser, lambda: abs(weight(shown(browser)["net"], 1, 0, 0) - before) > 0.5)
    dragged = weight(shown(browser)["net"], 1, 0, 0)
    epoch = epoch_shown(browser)
    # Held: play waits. Two frames it would have sent at 2 a second are overdue by the run's own
    # clock (none went out), and nothing overwrote the dragged value.
    wait_for(browser, lambda: page_clock(browser) > route_timings(browser, TRAIN)[-1][0] + 3 * 500)
    assert weight(shown(browser)["net"], 1, 0, 0) == dragged and epoch_shown(browser) <= epoch + 1
    ActionChains(browser).release().perform()
    wait_for(browser, lambda: epoch_shown(browser) >= epoch + 3)  # play goes on …
    after = weight(shown(browser)["net"], 1, 0, 0)
    assert abs(after - dragged) < abs(after - before)  # … from the dragged value
    browser.find_element(By.ID, "playground-play").click()


def test_learn_rate_lessons_bounce_and_diverge_visibly(live_app, browser, tmp_path):
    open_page(browser, live_app)
    choose(browser, "playground-lr-lesson", "a rate that diverges (0.8)")
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 2])
    wait_for(browser, lambda: "LeCun" in visible_text(browser, "playground-lr-lesson-note"))
    wait_for(browser, lambda: "learn rate 0.8" in visible_text(browser, "playground-learn-rate-label"))
    wait_for(browser, lambda: play_speed(browser) == 2)
    started = shown(browser)["net"]
    assert not browser.find_element(By.ID, "playground-undo-run").is_displayed()
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: "diverged" in visible_text(browser, "playground-train-message"), timeout=60)
    costs = cost_curve(browser)["y"]
    rising = sum(b > a for a, b in zip(costs, costs[1:]))
    assert len(costs) >= 10 and rising >= 8, costs  # frame after frame, higher: the bouncing out is visible
    message = visible_text(browser, "playground-train-message")
    counter = visible_text(browser, "playground-epoch-label").split()[1]
    assert f"diverged at epoch {counter}:" in message, (message, counter)  # the message and the counter agree
    wait_for(browser, lambda: "diverged" in cost_curve(browser)["notes"])  # an event on the chart …
    low, high = cost_curve(browser)["range"]
    assert low >= -0.5 and 1 < high < 10, (low, high)  # … whose axis keeps the run's own scale
    graph = browser.find_element(By.ID, "playground-cost-graph")
    ActionChains(browser).scroll_to_element(graph).scroll_by_amount(0, 300).perform()  # the wheel, down to the chart
    wait_until_scrolled(browser)  # the wheel's scroll has come to rest: the screenshot shows the chart
    browser.save_screenshot(str(screenshot_path(tmp_path, "playground-cost-diverged.png")))
    ActionChains(browser).scroll_by_amount(0, -20000).perform()  # and back up to the knobs
    wait_for(browser, lambda: browser.execute_script("return window.scrollY") == 0)
    # The weights a diverged run leaves are huge; one click brings back those it started from.
    largest = lambda: max(abs(w) for W in weights(shown(browser)["net"]) for row in W for w in row)  # noqa: E731
    assert largest() > 1000
    undo = browser.find_element(By.ID, "playground-undo-run")
    assert undo.is_displayed() and undo.text == "back to epoch 0, before this run"
    undo.click()
    wait_for(browser, lambda: weights(shown(browser)["net"]) == weights(started))
    assert biases(shown(browser)["net"]) == biases(started)
    wait_for(browser, lambda: visible_text(browser, "playground-epoch-label") == "epoch 0")
    wait_for(browser, lambda: cost_curve(browser)["x"] == [] and "diverged" not in cost_curve(browser)["notes"])
    assert "Back to epoch 0" in visible_text(browser, "playground-train-message") and not undo.is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#playground-train-message > .said-info")  # not the error's red
    ranges = (
        "return Array.from(document.querySelectorAll('#playground-sliders [role=slider]'))"
        ".map((t) => [+t.getAttribute('aria-valuemin'), +t.getAttribute('aria-valuemax')])"
    )
    wait_for(browser, lambda: all(r == [-5, 5] for r in browser.execute_script(ranges)))  # they grew with the runaway

    choose(browser, "playground-lr-lesson", "a rate that bounces (0.45, batches of 10)")
    wait_for(browser, lambda: "zig-zags" in visible_text(browser, "playground-lr-lesson-note"))
    wait_for(browser, lambda: cost_curve(browser)["x"] == [])  # a new run
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: epoch_shown(browser) >= 15, timeout=60)  # about 8 s at its 2 epochs a second
    browser.find_element(By.ID, "playground-play").click()
    wait_until_run_handed_over(browser)
    costs = cost_curve(browser)["y"]
    assert sum(b > a for a, b in zip(costs, costs[1:])) >= 3, costs  # the curve goes up again and again


STEP_PICTURE = """
const points = Array.from(document.querySelectorAll('#playground-boundary-graph .scatterlayer .trace'))
  .map((trace) => Array.from(trace.querySelectorAll('path.point')).filter((p) => +(p.style.opacity || 1) > 0.99).length);
const canvas = document.getElementById('playground-boundary-canvas');
const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
let dark = 0;
for (let i = 0; i < data.length; i += 4) if (data[i] === 35 && data[i + 1] === 35 && data[i + 2] === 35) dark++;
return {bright: points, dark: dark};
"""


def test_a_step_shows_its_mini_batch_and_the_boundary_before_it(live_app, browser):
    open_page(browser, live_app)
    for steps in (1, 2):  # each step its own batch
        browser.find_element(By.ID, "playground-step").click()
        wait_for(browser, lambda: counter(browser, "trainingFrames") == steps)
        wait_for(browser, lambda: sum(browser.execute_script(STEP_PICTURE)["bright"]) == 10)
        picture, note = browser.execute_script(STEP_PICTURE), visible_text(browser, "playground-step-note")
        train, test = picture["bright"][:2], picture["bright"][2:]
        assert sum(train) == 10 and sum(test) == 0, picture  # batch size 10: its points bright, the rest faded
        if steps == 1:  # the boundary before the step, marked over the new class map
            assert picture["dark"] > 20 and "dark line is the boundary before" in note
        else:  # at learn rate 3 the first step pushes the whole plane to one class: said so
            assert (picture["dark"] > 20) == ("dark line" in note) and "mini-batch" in note
    assert "10 points" in visible_text(browser, "playground-step-note")
    browser.find_element(By.ID, "playground-play").click()  # anything else drawn: the plain picture again
    wait_for(browser, lambda: visible_text(browser, "playground-step-note") == "")
    browser.find_element(By.ID, "playground-play").click()
    picture = browser.execute_script(STEP_PICTURE)
    assert picture["dark"] == 0 and sum(picture["bright"]) == 200
