"""Backprop in slow motion (/backprop) in a real headless Chromium: the four stages walked with the
real keys and the buttons, the numbers read off the page, the step applied and seen on the playground."""

from __future__ import annotations

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from playground.app.pages.backprop.figures import VALUE_SCALE, boundary_values
from playground.app.pages.backprop.stages import number
from playground.app.pages.playground.tasks import feature_preset_state, fitted_network
from playground.app.session import model

from helpers.browser import (
    reset_viewport,
    screenshot_path,
    session,
    set_viewport,
    shown,
    visible_text,
    wait_for,
    wait_until_figures_fit,
    wait_until_settled,
    weights,
)
from helpers.pages import open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

STAGES = {1: "forward", 2: "cost", 3: "backward", 4: "update"}


def open_backprop(driver, url: str, lecture: bool = False) -> None:
    """Open the page and wait until its first step is drawn (frame 1: forward, layer 1)."""
    driver.get(url + "/backprop" + ("?lecture=1" if lecture else ""))
    WebDriverWait(driver, 60).until(lambda d: ready(d) and frame(d) == 0)
    wait_until_settled(driver)


def ready(driver) -> bool:
    return bool(
        driver.execute_script(
            "const p = document.getElementById('backprop-page');"
            "return !!(p && p.dataset.ready === 'true' && window.neuralModules.backprop.answer)"
        )
    )


def frame(driver) -> int:
    value = driver.execute_script("const p = document.getElementById('backprop-page'); return p && p.dataset.frame")
    return -1 if value is None else int(value)


def stage_shown(driver) -> int:
    """The stage the indicator marks (1–4), read off the page."""
    active = driver.find_elements(By.CSS_SELECTOR, "#backprop-stages .stage-button.active")
    return int(active[0].text.split()[0]) if len(active) == 1 else 0


def numbers(driver) -> list[list[str]]:
    """The numbers' table as the page shows it: rows of cells."""
    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "#backprop-numbers tbody tr")
    ]


def value(text: str) -> float:
    return float(text.replace("−", "-"))


def diagram_texts(driver) -> list[str]:
    return driver.execute_script(
        "const g = document.querySelector('#backprop-diagram .js-plotly-plot');"
        "return g && g.layout ? (g.layout.annotations || []).map((a) => a.text) : []"
    )


def glide_done(driver) -> bool:
    """Stage 4's glide has ended (backprop.js sets the page's data-glide when the last frame is drawn)."""
    return driver.execute_script("return document.getElementById('backprop-page').dataset.glide") == "done"


def boundary_shown(driver) -> dict:
    """What the boundary graph shows: its heatmap's z, its traces' types, and its size on screen."""
    return driver.execute_script(
        "const g = document.querySelector('#backprop-boundary .js-plotly-plot');"
        "if (!g || !g.data) return null;"
        "const box = g.getBoundingClientRect();"
        "return {z: g.data[0].z, types: g.data.map((t) => t.type), width: box.width, height: box.height}"
    )


def sliders(driver) -> list[dict]:
    """Stage 4's sliders: each thumb's value and where it sits on its track (0…1)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#backprop-numbers .glide-thumb')).map((t) => {"
        "  const track = t.parentElement.getBoundingClientRect(), box = t.getBoundingClientRect();"
        "  return {value: t.dataset.value === undefined ? null : Number(t.dataset.value),"
        "          at: (box.left + box.width / 2 - track.left) / track.width}; })"
    )


def check_the_glide(driver, answer) -> None:
    """Stage 4 shown: the boundary moves from the network before the step to the one after, and
    every slider ends at the table's "after" value."""
    wait_for(driver, lambda: glide_done(driver), timeout=20)
    timing = driver.execute_script(
        "const d = document.getElementById('backprop-page').dataset; return [d.glideFrames, d.glideMs]"
    )
    assert int(timing[0]) >= 3 and int(timing[1]) >= 1000  # frames between before and after, over a second
    expected = answer["boundary"]["glide"]
    assert expected[-1] == answer["boundary"]["figure"]["data"][0]["z"] and expected[0] != expected[-1]
    shown_now = wait_for(
        driver, lambda: (boundary_shown(driver) or {}).get("z") == expected[-1] and boundary_shown(driver)
    )
    assert shown_now["types"][0] == "heatmap" and shown_now["width"] > 150 and shown_now["height"] > 150
    # What it shows is the builder's output for the network after the step (the one *apply* hands on).
    heat = answer["boundary"]["figure"]["data"][0]
    after = model.playground_network(answer["network"])
    assert shown_now["z"] == boundary_values(after, np.array(heat["x"]), np.array(heat["y"])).tolist()
    rows = numbers(driver)
    moved = sliders(driver)
    assert len(moved) == len(rows)
    afters = [
        value
        for layer in answer["layers"]
        for value in [w for row in layer["weights_after"] for w in row] + layer["biases_after"]
    ]
    assert [number(slider["value"]) for slider in moved] == [row[3] for row in rows]  # the table's "after"
    assert [slider["value"] for slider in moved] == afters
    befores = [
        value
        for layer in answer["layers"]
        for value in [w for row in layer["weights_before"] for w in row] + layer["biases_before"]
    ]
    # Each thumb sits where its value is on its layer's scale (±1.1 × the layer's largest |w|).
    start = 0
    for layer in answer["layers"]:
        size = len(layer["weights_after"]) * len(layer["weights_after"][0]) + len(layer["biases_after"])
        largest = 1.1 * max(abs(v) for v in befores[start : start + size] + afters[start : start + size])
        for slider, after in zip(moved[start : start + size], afters[start : start + size]):
            assert slider["at"] == pytest.approx(0.5 + 0.5 * after / largest, abs=0.02)
        start += size


def press_key(driver, key) -> None:
    ActionChains(driver).send_keys(key).perform()


def step_to(driver, key, expected_frame: int) -> None:
    press_key(driver, key)
    wait_for(driver, lambda: frame(driver) == expected_frame)


def test_walk_the_four_stages_with_keys_and_buttons_then_apply_on_the_playground(live_app, browser):
    open_page(browser, live_app)  # the playground first: the session's network as it paints it
    before = session(browser)
    browser.find_element(By.ID, "nav-backprop").click()
    WebDriverWait(browser, 60).until(lambda d: ready(d) and frame(d) == 0)
    wait_until_settled(browser)
    answer = browser.execute_script("return window.neuralModules.backprop.answer")
    frames = answer["frames"]
    n_layers = len(before["network"]["layers"])
    assert [f["stage"] for f in frames] == [1] * n_layers + [2] + [3] * n_layers + [4]

    # Forward, layer by layer, with the real → key: z and a of the chosen point (the batch's first).
    seen = []
    for k, expected in enumerate(frames):
        if k:
            step_to(browser, Keys.ARROW_RIGHT, k)
        stage = stage_shown(browser)
        seen.append(stage)
        assert stage == expected["stage"]
        title = visible_text(browser, "backprop-title")
        assert title.startswith(f"{stage} · ") and expected["name"] == STAGES[stage]
        caption = visible_text(browser, "backprop-caption")
        words = {1: "weighted input", 2: "cost", 3: "chain rule", 4: "learn rate"}[stage]
        assert words in caption, caption
        rows = numbers(browser)
        if stage == 1:
            layer = answer["layers"][int(expected["where"].split()[1]) - 1]
            assert "node value" not in caption and "activation" in caption
            assert [row[1] for row in rows] == [number(z) for z in layer["weighted_inputs"]]
            assert [row[2] for row in rows] == [number(a) for a in layer["activations"]]
        elif stage == 2:
            assert rows[-1][0] == "batch mean"
            assert rows[-1][-1] == number(answer["batch_cost"])
        elif stage == 3:
            index = int(expected["where"].split()[1]) - 1
            assert [row[-2] for row in rows] == [number(d) for d in answer["layers"][index]["node_values"]]
            assert any(text.startswith("δ ") for text in diagram_texts(browser))
        else:
            assert len(rows) == sum(len(W) * len(W[0]) + len(W[0]) for W in weights(before["network"]))
            first = answer["layers"][0]
            assert rows[0][0] == "W[1][0,0]"
            assert rows[0][1] == number(first["weights_before"][0][0])
            assert rows[0][3] == number(first["weights_after"][0][0])
            assert value(rows[0][3]) != value(rows[0][1])
            check_the_glide(browser, answer)
    assert sorted(set(seen)) == [1, 2, 3, 4]
    assert browser.find_element(By.ID, "backprop-forward").get_attribute("disabled")  # the last frame

    # Back to the start with ← and the ‹ button, then forward again with the › button.
    for k in range(len(frames) - 2, 1, -1):
        step_to(browser, Keys.ARROW_LEFT, k)
    for k in (1, 0):  # the ‹ button
        browser.find_element(By.ID, "backprop-back").click()
        wait_for(browser, lambda: frame(browser) == k)
    assert stage_shown(browser) == 1
    browser.find_element(By.ID, "backprop-stage-3").click()  # the indicator jumps to a stage
    wait_for(browser, lambda: stage_shown(browser) == 3)
    browser.find_element(By.ID, "backprop-back").click()
    wait_for(browser, lambda: stage_shown(browser) == 2)
    browser.find_element(By.ID, "backprop-forward").click()
    wait_for(browser, lambda: stage_shown(browser) == 3)
    check = visible_text(browser, "backprop-check")
    assert "largest difference is" in check
    largest = float(check.split("largest difference is ")[1].split(",")[0])
    assert largest == pytest.approx(answer["check"]["largest_absolute"], rel=0.06) and largest < 1e-4

    # Apply: the session holds the step's weights and the trainer after it …
    browser.find_element(By.ID, "backprop-apply-step").click()
    wait_for(browser, lambda: session(browser)["network"] == answer["network"])
    after = session(browser)
    assert after["training"]["trainer"]["position"] == answer["trainer"]["position"]
    assert after["training"]["history"]["epoch"][-1] == answer["after"]["epoch"]
    assert "Applied" in visible_text(browser, "backprop-message")
    assert browser.find_element(By.ID, "backprop-apply-step").get_attribute("disabled")

    # … and the playground shows them: every weight moved as stage 4 said.
    browser.find_element(By.ID, "nav-playground").click()
    wait_for(browser, lambda: (shown(browser) or {}).get("net") == answer["network"])
    for layer, numbers_of in zip(shown(browser)["net"]["layers"], answer["layers"]):
        assert np.array_equal(np.array(layer["weights"]), np.array(numbers_of["weights_after"]))
        assert not np.array_equal(np.array(numbers_of["weights_before"]), np.array(numbers_of["weights_after"]))


def test_next_batch_and_another_point_and_a_network_too_big(live_app, browser):
    open_backprop(browser, live_app)
    first = browser.execute_script("return window.neuralModules.backprop.answer")
    step_to(browser, Keys.ARROW_RIGHT, 1)
    browser.find_element(By.ID, "backprop-next-batch").click()  # not applied: the same weights, the next batch
    wait_for(browser, lambda: ready(browser) and browser.execute_script(
        "return window.neuralModules.backprop.answer.batch[0]") != first["batch"][0])  # fmt: skip
    second = browser.execute_script("return window.neuralModules.backprop.answer")
    assert frame(browser) == 0 and stage_shown(browser) == 1
    assert "batch 2 of" in visible_text(browser, "backprop-batch")
    assert [layer["weights_before"] for layer in second["layers"]] == [
        layer["weights_before"] for layer in first["layers"]
    ]
    # "?" lists the page's shortcuts: → and ← walk the stages.
    press_key(browser, "?")
    listed = wait_for(browser, lambda: visible_text(browser, "shortcuts"))
    assert "ArrowRight the next step" in listed and "ArrowLeft the step before" in listed
    press_key(browser, Keys.ESCAPE)
    wait_for(browser, lambda: not visible_text(browser, "shortcuts"))
    # Another point of the batch: its own numbers, the same batch.
    menu = browser.find_element(By.ID, "backprop-point")
    menu.click()
    options = WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=option]"))
    options[2].click()
    wait_for(browser, lambda: browser.execute_script("return window.neuralModules.backprop.answer.point") == 2)
    third = browser.execute_script("return window.neuralModules.backprop.answer")
    assert third["batch"] == second["batch"]
    assert third["layers"][0]["weighted_inputs"] != second["layers"][0]["weighted_inputs"]

    # A network past the slow step's size: a clear message, nothing to apply.
    state = model.initial_state()
    state["network"] = model.dense_network_json([2, 8, 8, 2], ["relu", "relu"], "softmax", "cross_entropy", seed=0)
    browser.get(live_app + "/#" + model.encode_share(state))
    wait_for(browser, lambda: session(browser)["network"]["layers"][0]["outputs"] == 8, timeout=30)
    browser.find_element(By.ID, "nav-backprop").click()
    wait_for(browser, lambda: "more than" in visible_text(browser, "backprop-message"), timeout=30)
    assert "weight-layer 2 has 72 weights and biases" in visible_text(browser, "backprop-message")
    assert browser.find_element(By.ID, "backprop-apply-step").get_attribute("disabled")


def test_a_regression_of_feature_inputs_glides_to_the_network_after_the_step(live_app, browser, tmp_path):
    state = feature_preset_state("circle", model.initial_state())  # inputs x1², x2², …
    state["data"] = model.generate_points(name="plane", noise=0.0, test_fraction=0.5, seed=2, n_samples=300)
    state["network"] = fitted_network(state["network"], state["data"], 0)
    state["settings"] = {**state["settings"], "learn_rate": 0.01}
    browser.get(live_app + "/#" + model.encode_share(state))
    wait_for(browser, lambda: ((session(browser) or {}).get("data") or {}).get("name") == "plane", timeout=30)
    browser.find_element(By.ID, "nav-backprop").click()
    WebDriverWait(browser, 60).until(lambda d: ready(d) and frame(d) == 0)
    answer = browser.execute_script("return window.neuralModules.backprop.answer")
    assert answer["network"]["task"] == "regression" and answer["network"]["input_names"][0] == "x1^2"
    browser.find_element(By.ID, "backprop-stage-4").click()
    wait_for(browser, lambda: stage_shown(browser) == 4)
    check_the_glide(browser, answer)
    heat = browser.execute_script(
        "const g = document.querySelector('#backprop-boundary .js-plotly-plot'); return g.data[0].colorscale"
    )
    assert heat == VALUE_SCALE  # orange below zero, white at zero, blue above
    browser.save_screenshot(str(screenshot_path(tmp_path, "backprop-stage-4-regression.png")))


def test_each_stage_in_lecture_mode_at_1280x720(live_app, browser, tmp_path):
    """Screenshots of the four stages for a projector; every text at least 3 % of the height."""
    open_backprop(browser, live_app, lecture=True)
    wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
    frames = browser.execute_script("return window.neuralModules.backprop.answer.frames")
    first_of = {}
    for k, f in enumerate(frames):
        first_of.setdefault(f["stage"], k)
    last_of_stage = {stage: max(k for k, f in enumerate(frames) if f["stage"] == stage) for stage in STAGES}
    for stage in STAGES:
        target = last_of_stage[stage] if stage == 1 else first_of[stage]
        browser.find_element(By.ID, f"backprop-stage-{stage}").click()
        wait_for(browser, lambda: stage_shown(browser) == stage)
        while frame(browser) != target:
            step_to(browser, Keys.ARROW_RIGHT, frame(browser) + 1)
        set_viewport(browser, 1280, 720)
        if stage == 4:  # the sliders have glided and the boundary followed
            wait_for(browser, lambda: glide_done(browser), timeout=20)
        wait_until_figures_fit(browser)
        sizes = browser.execute_script(
            "return Array.from(document.querySelectorAll('#backprop-page *'))"
            ".filter((e) => e.childElementCount === 0 && e.textContent.trim() && e.getClientRects().length"
            " && !e.closest('svg'))"
            ".map((e) => parseFloat(getComputedStyle(e).fontSize))"
        )
        assert sizes and min(sizes) >= 0.03 * 720 - 0.5, min(sizes)
        annotation_sizes = browser.execute_script(
            "const g = document.querySelector('#backprop-diagram .js-plotly-plot');"
            "return (g._fullLayout.annotations || []).map((a) => a.font.size)"
        )
        assert annotation_sizes and min(annotation_sizes) >= 0.03 * 720 - 0.5
        # Nothing runs off the window sideways, and the diagram and its numbers are on screen.
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        bottom = browser.execute_script(
            "return document.querySelector('#backprop-diagram').getBoundingClientRect().bottom"
        )
        assert bottom <= 720
        if stage == 4:
            box = browser.execute_script("return document.querySelector('#backprop-boundary').getBoundingClientRect()")
            assert box["width"] > 200 and box["bottom"] <= 720 and box["right"] <= 1280
        browser.save_screenshot(str(screenshot_path(tmp_path, f"backprop-stage-{stage}-1280x720.png")))
        reset_viewport(browser)


# Every label of the diagram (Plotly's annotation text) and every node (the marker trace's points),
# as boxes on the screen; and the pairs of them that overlap by more than a pixel.
DIAGRAM_OVERLAPS = """
const g = document.querySelector('#backprop-diagram .js-plotly-plot');
const box = (e) => e.getBoundingClientRect();
const labels = Array.from(g.querySelectorAll('.annotation text')).filter((t) => t.textContent.trim())
  .map((t) => ({ name: 'label ' + t.textContent, box: box(t) }));
const nodes = Array.from(g.querySelectorAll('.scatterlayer path.point')).map((p, k) => ({ name: 'node ' + k, box: box(p) }));
const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
const found = [];
labels.forEach((label, k) => {
  for (const other of labels.slice(k + 1).concat(nodes)) if (meet(label.box, other.box)) found.push([label.name, other.name]);
});
return { labels: labels.length, nodes: nodes.length, overlaps: found };
"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_no_label_of_the_diagram_overlaps_a_node_or_another_label_in_lecture_mode(
    live_app, browser, tmp_path, width, height
):
    """Two hidden layers of four nodes, every frame of the four stages: the boxes Plotly draws for
    the labels (z and a above each hidden node, the edges' numbers, the columns' names) and for
    the nodes do not meet."""
    state = model.initial_state()
    state["network"] = model.dense_network_json([2, 4, 4, 2], ["tanh", "tanh"], "softmax", "cross_entropy", seed=0)
    set_viewport(browser, width, height)
    browser.get(live_app + "/?lecture=1#" + model.encode_share(state))
    wait_for(
        browser, lambda: ((session(browser) or {}).get("network") or {}).get("layers", [{}])[0].get("outputs") == 4
    )
    browser.find_element(By.ID, "nav-backprop").click()
    WebDriverWait(browser, 60).until(lambda d: ready(d) and frame(d) == 0)
    wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
    frames = len(browser.execute_script("return window.neuralModules.backprop.answer.frames"))
    for k in range(frames):
        if k:
            step_to(browser, Keys.ARROW_RIGHT, k)
        wait_until_figures_fit(browser)
        measured = browser.execute_script(DIAGRAM_OVERLAPS)
        assert measured["nodes"] == 12 and measured["labels"] >= 4
        assert not measured["overlaps"], (k, measured["overlaps"])
        if k == 0:
            browser.save_screenshot(str(screenshot_path(tmp_path, f"lecture-backprop-2-4-4-2-{width}x{height}.png")))
    reset_viewport(browser)
