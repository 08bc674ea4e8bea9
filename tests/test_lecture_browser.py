"""What a lecturer met on the playground (issue 13), each in a real headless Chromium with real input."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helpers.browser import biases, counter, engine_network, epoch_shown, layer_sizes, session, shown, wait_for, wait_until_run_handed_over, weight, weights
from helpers.browser import reset_viewport, screenshot_path, set_viewport
from helpers.browser import choose
from helpers.pages import open_page

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


def cost_curve(driver) -> dict:
    return driver.execute_script(
        "const g = document.querySelector('#playground-cost-graph .js-plotly-plot');"
        "return {x: Array.from(g._fullData[0].x || []), y: Array.from(g._fullData[0].y || []),"
        " type: g._fullLayout.yaxis.type, range: g._fullLayout.yaxis.range.slice(),"
        " notes: (g.layout.annotations || []).map(a => a.text)}")


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


def epoch_now(driver) -> float:
    return epoch_shown(driver)


def play_speed(driver) -> float:
    """The session's play speed: epochs a second (0: as fast as the server answers)."""
    return session(driver)["settings"]["play_speed"]


def test_play_speed_sets_the_epochs_a_second(live_app, browser):
    open_page(browser, live_app)
    slider = browser.find_element(By.ID, "playground-play-speed")
    marks = slider.find_elements(By.CSS_SELECTOR, ".dash-slider-mark")
    two = next(mark for mark in marks if mark.text.strip() == "2")
    ActionChains(browser).move_to_element(two).click().perform()  # 2 epochs a second: a click on its mark
    wait_for(browser, lambda: play_speed(browser) == 2)
    browser.find_element(By.ID, "playground-play").click()
    time.sleep(4.0)
    browser.find_element(By.ID, "playground-play").click()
    wait_until_run_handed_over(browser)
    slow = epoch_now(browser)
    assert 5 <= slow <= 11, slow  # about 2 a second for 4 s
    maximum = next(mark for mark in marks if mark.text.strip() == "max")
    ActionChains(browser).move_to_element(maximum).click().perform()
    wait_for(browser, lambda: play_speed(browser) == 0)  # 0: as fast as the server answers
    browser.find_element(By.ID, "playground-play").click()
    time.sleep(4.0)
    browser.find_element(By.ID, "playground-play").click()
    wait_until_run_handed_over(browser)
    assert epoch_now(browser) - slow > 3 * (slow + 1)  # far faster at full speed


def font_px(driver, selector: str) -> float:
    return driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize)", selector)


def lecture_on(driver) -> bool:
    return driver.execute_script("return document.body.classList.contains('lecture')")


def test_lecture_mode_by_link_by_key_and_by_button_on_every_page(live_app, browser, tmp_path):
    set_viewport(browser, 1280, 720)
    browser.get(live_app + "/?lecture=1")  # a prepared link opens in lecture mode
    open_page(browser, live_app + "/?lecture=1")
    wait_for(browser, lambda: lecture_on(browser))
    for selector in (".control > label", "table.readouts", ".slider-label", "#playground-play", ".nav-link"):
        assert font_px(browser, selector) >= 22, selector
    # The room sees the boundary, the play controls and the sliders together, unscrolled.
    wait_for(browser, lambda: not off_screen(browser, "play", "boundary", "sliders"), timeout=10)
    browser.save_screenshot(str(screenshot_path(tmp_path, "playground-lecture-1280x720.png")))
    # A figure's text is laid out by Plotly at lecture size: the legend's entries side by side, apart.
    browser.find_element(By.ID, "playground-step").click()  # a cost curve, and its legend
    wait_for(browser, lambda: legend(browser, "playground-cost-graph")["size"] == 18)
    (left, right) = legend(browser, "playground-cost-graph")["boxes"]
    assert left[1] <= right[0] and left[2] == right[2], (left, right)
    browser.find_element(By.ID, "nav-descent").click()  # it stays on from page to page
    wait_for(browser, lambda: browser.find_elements(By.ID, "descent-page"))
    assert lecture_on(browser) and font_px(browser, ".control > label") >= 22
    wait_for(browser, lambda: font_px(browser, "#descent-graph .xtick text") == 18)
    page = browser.find_element(By.ID, "descent-page")
    page.send_keys("l")  # the L key turns it off …
    wait_for(browser, lambda: not lecture_on(browser))
    assert font_px(browser, ".control > label") < 22
    wait_for(browser, lambda: font_px(browser, "#descent-graph .xtick text") < 18)  # the figure's own size back
    formula = browser.find_element(By.ID, "descent-formula")
    formula.send_keys("l")  # … but not while typing in a box
    assert not lecture_on(browser)
    browser.find_element(By.ID, "lecture-toggle").click()  # and the button turns it on again
    wait_for(browser, lambda: lecture_on(browser))
    assert browser.find_element(By.ID, "lecture-toggle").get_attribute("aria-pressed") == "true"
    for name in ("playground", "descent", "landscape", "images"):  # every page's text, big
        browser.find_element(By.ID, f"nav-{name}").click()
        wait_for(browser, lambda: browser.find_elements(By.ID, f"{name}-page"), timeout=60)
        wait_for(browser, lambda: small_text(browser)["total"] > 200)
        sizes = small_text(browser)
        assert sizes["small"] <= 0.05 * sizes["total"], sizes  # body text: at least 22 px
        browser.save_screenshot(str(screenshot_path(tmp_path, f"{name}-lecture-1280x720.png")))
    reset_viewport(browser)


LEGEND = """
const graph = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const boxes = Array.from(graph.querySelectorAll('.legend .traces')).map((t) => t.getBoundingClientRect())
  .map((b) => [b.left, b.right, Math.round(b.top)]);
const text = graph.querySelector('.legendtext');
return {size: text ? parseFloat(getComputedStyle(text).fontSize) : null, boxes: boxes};
"""


def legend(driver, graph_id: str) -> dict:
    """A figure's legend: its text size and each entry's box (left, right, top)."""
    return driver.execute_script(LEGEND, graph_id)


SMALL_TEXT = """
// The page's visible text (outside figures and tick marks), in characters: how much is under 22 px, and where.
const walker = document.createTreeWalker(document.querySelector('.page'), NodeFilter.SHOW_TEXT);
let total = 0, small = 0;
const where = {};
while (walker.nextNode()) {
  const text = walker.currentNode.textContent.trim(), element = walker.currentNode.parentElement;
  if (!text || element.closest('svg, .js-plotly-plot, .dash-slider-mark, script, style, option')) continue;
  const box = element.getBoundingClientRect(), style = getComputedStyle(element);
  if (!box.width || !box.height || style.visibility === 'hidden') continue;
  total += text.length;
  const size = parseFloat(style.fontSize);
  if (size < 22) {
    small += text.length;
    const name = element.tagName.toLowerCase() + '.' + String(element.className).split(' ')[0] + ' ' + size + 'px';
    where[name] = (where[name] || '') + ' ' + text.slice(0, 30);
  }
}
return {total: total, small: small, where: where};
"""


def small_text(driver) -> dict:
    """How many characters of the page's visible text (outside figures and tick marks) are under 22 px, and where."""
    return driver.execute_script(SMALL_TEXT)


OFF_SCREEN = """
const parts = {play: ['#playground-play'], boundary: ['#playground-boundary-graph .nsewdrag'],
               readouts: ['#playground-readouts table'], sliders: ['#playground-sliders .slider-row']};
const wanted = arguments[0];
const off = [];
for (const name of wanted) {
  const found = document.querySelectorAll(parts[name][0]);
  if (!found.length) off.push(name + ': missing');
  found.forEach((element, k) => {
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.left < 0 || box.bottom > innerHeight + 0.5 || box.right > innerWidth + 0.5 || !box.height)
      off.push(`${name} ${k}: ${Math.round(box.top)}..${Math.round(box.bottom)} of ${innerHeight}`);
  });
}
return off;
"""


def off_screen(driver, *parts: str) -> list[str]:
    """Which of the parts (each of its elements) are not wholly inside the window, unscrolled."""
    return driver.execute_script(OFF_SCREEN, list(parts))


@pytest.mark.parametrize("width, height, scale", [(1280, 720, 1), (1366, 768, 1), (1920, 1080, 1), (853, 480, 1.5)])
def test_a_projector_shows_the_boundary_the_sliders_the_readouts_and_play_together(live_app, browser, tmp_path,
                                                                                  width, height, scale):
    set_viewport(browser, width, height, scale)  # 853×480 at 1.5: a 1280×720 screen at 150 % zoom
    try:
        open_page(browser, live_app + "/?lecture=0")
        assert not lecture_on(browser)
        wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#playground-readouts table"))
        wait_for(browser, lambda: not off_screen(browser, "play", "boundary", "readouts", "sliders"), timeout=10)
        name = "playground-normal-1280x720.png" if width == 1280 else f"playground-{width}x{height}.png"
        browser.save_screenshot(str(screenshot_path(tmp_path, name)))
        # Scrolled down to the data and the architecture (a real wheel), play is still in reach.
        ActionChains(browser).scroll_by_amount(0, 2000).perform()
        wait_for(browser, lambda: browser.execute_script("return window.scrollY") > 100)
        assert not off_screen(browser, "play")
        browser.find_element(By.ID, "playground-play").click()
        wait_for(browser, lambda: browser.find_element(By.ID, "playground-play").text == "pause")
        browser.find_element(By.ID, "playground-play").click()
    finally:
        reset_viewport(browser)


def test_a_slider_dragged_while_playing_wins_over_play(live_app, browser):
    from helpers.browser import thumb

    open_page(browser, live_app)
    marks = browser.find_element(By.ID, "playground-play-speed").find_elements(By.CSS_SELECTOR, ".dash-slider-mark")
    ActionChains(browser).move_to_element(next(m for m in marks if m.text.strip() == "2")).click().perform()
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: epoch_now(browser) >= 2)
    before = weight(shown(browser)["net"], 1, 0, 0)
    ActionChains(browser).click_and_hold(thumb(browser, "W[1][0,0]")).move_by_offset(60, 0).perform()
    wait_for(browser, lambda: abs(weight(shown(browser)["net"], 1, 0, 0) - before) > 0.5)
    dragged = weight(shown(browser)["net"], 1, 0, 0)
    epoch = epoch_now(browser)
    time.sleep(1.5)  # held: play waits, nothing overwrites the dragged value
    assert weight(shown(browser)["net"], 1, 0, 0) == dragged and epoch_now(browser) <= epoch + 1
    ActionChains(browser).release().perform()
    wait_for(browser, lambda: epoch_now(browser) >= epoch + 3)  # play goes on …
    after = weight(shown(browser)["net"], 1, 0, 0)
    assert abs(after - dragged) < abs(after - before)  # … from the dragged value
    browser.find_element(By.ID, "playground-play").click()


def test_the_preset_names_its_source_and_leaves_other_problems_and_timings_name_their_method(live_app, browser):
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-preset-2-3-2").click()
    wait_for(browser, lambda: "Sebastian Lague" in hint(browser, "playground-preset-source"))
    browser.find_element(By.ID, "playground-step").click()
    wait_for(browser, lambda: hint(browser, "playground-timing").count("ms") == 2)
    lines = hint(browser, "playground-timing").splitlines()
    assert lines[0].startswith("backprop ") and lines[1].startswith("finite diff. ")
    choose(browser, "playground-dataset", "moons")
    wait_for(browser, lambda: hint(browser, "playground-preset-source") == "")


def diagram_has_green(driver) -> bool:
    """Whether some pixel of the network diagram leans green (class 2's colour, #2ca02c), which
    neither the blue/orange edges nor two-class heatmaps ever do."""
    return driver.execute_script(
        "const c = document.getElementById('playground-network-canvas'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data;"
        "for (let p = 0; p < d.length; p += 4) { if (d[p + 1] > d[p] + 25 && d[p + 1] > d[p + 2] + 25) return true; }"
        "return false;")


def test_with_three_classes_each_output_heatmap_has_its_class_colour(live_app, browser):
    open_page(browser, live_app)
    assert not diagram_has_green(browser)  # two classes: no green
    choose(browser, "playground-dataset", "blobs (3 classes)")
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"])[-1] == 3)
    wait_for(browser, lambda: diagram_has_green(browser))  # class 2's output node is drawn green


def dropdown_text(driver, dropdown_id: str) -> str:
    return driver.find_element(By.ID, dropdown_id).text.strip()


def test_a_shared_link_restores_the_data_controls_too(live_app, browser, second_browser):
    from helpers.pages import click_plane, empty_spot

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
    problem = dropdown_text(browser, "playground-dataset")  # the clicked-on moons: the sharer's own points

    open_page(second_browser, link)
    wait_for(second_browser, lambda: shown(second_browser)["data"]["train_inputs"] == original["train_inputs"])
    wait_for(second_browser, lambda: dropdown_text(second_browser, "playground-dataset") == problem)
    assert second_browser.find_element(By.ID, "playground-data-seed").get_attribute("value") == "7"


def test_points_of_your_own_replaced_by_a_slider_can_be_had_back(live_app, browser):
    from helpers.pages import click_plane, empty_spot

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



def test_learn_rate_lessons_bounce_and_diverge_visibly(live_app, browser, tmp_path):
    open_page(browser, live_app)
    choose(browser, "playground-lr-lesson", "a rate that diverges (0.8)")
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 2])
    wait_for(browser, lambda: "LeCun" in hint(browser, "playground-preset-source"))
    wait_for(browser, lambda: "learn rate 0.8" in hint(browser, "playground-learn-rate-label"))
    wait_for(browser, lambda: play_speed(browser) == 2)
    started = shown(browser)["net"]
    assert not browser.find_element(By.ID, "playground-undo-run").is_displayed()
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: "diverged" in hint(browser, "playground-train-message"), timeout=60)
    costs = cost_curve(browser)["y"]
    rising = sum(b > a for a, b in zip(costs, costs[1:]))
    assert len(costs) >= 10 and rising >= 8, costs  # frame after frame, higher: the bouncing out is visible
    message = hint(browser, "playground-train-message")
    counter = hint(browser, "playground-epoch-label").split()[1]
    assert f"diverged at epoch {counter}:" in message, (message, counter)  # the message and the counter agree
    wait_for(browser, lambda: "diverged" in cost_curve(browser)["notes"])  # an event on the chart …
    low, high = cost_curve(browser)["range"]
    assert low >= -0.5 and 1 < high < 10, (low, high)  # … whose axis keeps the run's own scale
    graph = browser.find_element(By.ID, "playground-cost-graph")
    ActionChains(browser).scroll_to_element(graph).scroll_by_amount(0, 300).perform()  # the wheel, down to the chart
    time.sleep(0.5)
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
    wait_for(browser, lambda: hint(browser, "playground-epoch-label") == "epoch 0")
    wait_for(browser, lambda: cost_curve(browser)["x"] == [] and "diverged" not in cost_curve(browser)["notes"])
    assert "Back to epoch 0" in hint(browser, "playground-train-message") and not undo.is_displayed()
    ranges = ("return Array.from(document.querySelectorAll('#playground-sliders [role=slider]'))"
              ".map((t) => [+t.getAttribute('aria-valuemin'), +t.getAttribute('aria-valuemax')])")
    wait_for(browser, lambda: all(r == [-5, 5] for r in browser.execute_script(ranges)))  # they grew with the runaway

    choose(browser, "playground-lr-lesson", "a rate that bounces (0.45, batches of 10)")
    wait_for(browser, lambda: "zig-zags" in hint(browser, "playground-preset-source"))
    wait_for(browser, lambda: cost_curve(browser)["x"] == [])  # a new run
    browser.find_element(By.ID, "playground-play").click()
    wait_for(browser, lambda: epoch_now(browser) >= 15, timeout=60)  # about 8 s at its 2 epochs a second
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
        picture, note = browser.execute_script(STEP_PICTURE), hint(browser, "playground-step-note")
        train, test = picture["bright"][:2], picture["bright"][2:]
        assert sum(train) == 10 and sum(test) == 0, picture  # batch size 10: its points bright, the rest faded
        if steps == 1:  # the boundary before the step, marked over the new class map
            assert picture["dark"] > 20 and "dark line is the boundary before" in note
        else:  # at learn rate 3 the first step pushes the whole plane to one class: said so
            assert (picture["dark"] > 20) == ("dark line" in note) and "mini-batch" in note
    assert "10 points" in hint(browser, "playground-step-note")
    browser.find_element(By.ID, "playground-play").click()  # anything else drawn: the plain picture again
    wait_for(browser, lambda: hint(browser, "playground-step-note") == "")
    browser.find_element(By.ID, "playground-play").click()
    picture = browser.execute_script(STEP_PICTURE)
    assert picture["dark"] == 0 and sum(picture["bright"]) == 200


TRACES = """
const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
return g && g._fullData ? g._fullData.map((t) => ({type: t.type, name: t.name, y: t.y ? Array.from(t.y) : null})) : [];
"""


def traces(driver, graph_id: str) -> list[dict]:
    return driver.execute_script(TRACES, graph_id)


def test_evolution_races_gradient_descent_from_the_same_weights(live_app, browser):
    open_page(browser, live_app)
    generations = browser.find_element(By.ID, "playground-race-generations")
    ActionChains(browser).scroll_to_element(generations).perform()
    generations.send_keys(Keys.CONTROL, "a")
    generations.send_keys("80")
    browser.find_element(By.ID, "playground-race").click()
    wait_for(browser, lambda: "generations" in hint(browser, "playground-race-message"), timeout=60)
    message = hint(browser, "playground-race-message")
    assert "evolution: 80 generations" in message and "2,600 evaluations" in message and "gradient descent" in message
    boundaries = traces(browser, "playground-race-boundaries")
    assert [trace["type"] for trace in boundaries].count("heatmap") == 2  # two boundaries side by side
    costs = traces(browser, "playground-race-costs")
    assert [trace["name"] for trace in costs] == ["evolution (its best member)", "gradient descent"]
    assert "both from training cost" in message  # the same starting weights
    assert all(len(trace["y"]) > 1 for trace in costs)
    # A bad setting is named, and the last race stays on the page.
    survivors = browser.find_element(By.ID, "playground-race-survivors")
    survivors.send_keys(Keys.CONTROL, "a")
    survivors.send_keys("40")
    browser.find_element(By.ID, "playground-race").click()
    wait_for(browser, lambda: "survivors" in hint(browser, "playground-race-message"))
    assert len(traces(browser, "playground-race-costs")) == 2


def test_a_saved_state_with_another_network_loads_whole(live_app, browser, tmp_path):
    """load JSON: the file's network (another architecture) is the one painted, drawn and slid."""
    from playground.app.session import model
    from playground.engine import Network
    from playground.engine.persistence import network_to_json

    state = model.initial_state()
    network = network_to_json(Network([2, 4, 4, 2], activation="tanh", output_activation="sigmoid",
                                      cost="quadratic", seed=5))
    path = tmp_path / "lesson.json"
    path.write_text(model.state_to_json({**state, "network": network,
                                         "settings": {**model.DEFAULT_SETTINGS, "learn_rate": 0.3}}))
    open_page(browser, live_app)
    browser.find_element(By.CSS_SELECTOR, "#playground-json-upload input[type=file]").send_keys(str(path))
    wait_for(browser, lambda: "loaded lesson.json" in hint(browser, "playground-share-message"))
    wait_for(browser, lambda: layer_sizes(shown(browser)["net"]) == [2, 4, 4, 2])
    time.sleep(1.0)  # every callback the new page body fires has landed
    painted = shown(browser)["net"]
    assert weights(painted) == weights(network) and biases(painted) == biases(network)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .slider-row")) == 8 + 4 + 16 + 4 + 8 + 2
    assert "learn rate 0.3" in hint(browser, "playground-learn-rate-label")
