"""The playground's evolution race (SPEC F20): its logic and its figures, on their data, and the
race in a real browser, both budget kinds chosen with real clicks (issue 24: equal budgets)."""

from __future__ import annotations

import dataclasses
import re
import time

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from playground import limits
from playground.app.pages.playground.evolution import (
    DEFAULT_RACE,
    Budget,
    budget_line,
    evolution_race,
    race_settings,
    result_line,
    start_line,
    used_line,
    winner,
)
from playground.app.pages.playground.figures import race_boundaries_figure, race_costs_figure
from playground.app.session import model
from playground.app.session.training import engine_settings
from playground.engine.evolution import GRADIENT_SAMPLE_PASSES

from helpers.browser import radio, screenshot_path, set_viewport, type_into_box, visible_text, wait_for
from helpers.pages import no_errors, open_page

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run

TRAINING = {**model.DEFAULT_SETTINGS, "learn_rate": 3.0, "batch_size": 10}
BATCH = GRADIENT_SAMPLE_PASSES * 10  # one gradient step's samples, forward and back
GENERATION = (DEFAULT_RACE["population"] - DEFAULT_RACE["survivors"]) * 160  # one generation's children, 160 points


def training_settings(settings: dict):
    return engine_settings(model.check_settings(settings))


def initial_state() -> tuple[dict, dict]:
    state = model.initial_state()
    return state["data"], state["network"]


def race_on(budget: str, amount: float, data: dict | None = None, **changes) -> dict:
    state_data, network = initial_state()
    evolution, chosen = race_settings({**DEFAULT_RACE, "budget": budget, budget: amount, **changes})
    return evolution_race(network, data or state_data, training_settings(TRAINING), evolution, chosen)


@pytest.fixture(scope="module")
def race():
    return initial_state()[0], race_on("samples", 50_000)


def test_the_same_samples_budget_gives_both_as_many_samples_within_one_generation_or_batch(race):
    data, result = race
    evolved, descended = result["evolution"]["used"], result["gradient"]["used"]
    assert len(data["train_labels"]) == 160 and result["budget"] == {
        "kind": "samples",
        "asked": 50_000,
        "limit": 50_000,
        "cut": None,
    }
    # Each stops at the first generation or batch that reaches the budget (a forward pass counting 1,
    # forward and back 3), so each passes it by less than one of its own steps.
    assert 50_000 <= evolved["samples"] < 50_000 + GENERATION
    assert 50_000 <= descended["samples"] < 50_000 + BATCH
    assert result["evolution"]["evaluations"] * 160 == evolved["samples"]
    assert result["gradient"]["epochs"] == pytest.approx(descended["samples"] / GRADIENT_SAMPLE_PASSES / 160)
    # Both start from the same weights, at 0 samples and 0 seconds.
    assert result["evolution"]["cost"][0] == pytest.approx(result["gradient"]["cost"][0], rel=1e-5)
    for part in ("evolution", "gradient"):
        assert result[part]["samples"][0] == result[part]["seconds"][0] == 0
        assert (
            np.all(np.diff(result[part]["samples"]) > 0)
            and result[part]["samples"][-1] == result[part]["used"]["samples"]
        )


def test_the_same_seconds_budget_is_kept_by_both():
    result = race_on("seconds", 0.1)
    evolved, descended = result["evolution"]["used"], result["gradient"]["used"]
    assert result["budget"]["kind"] == "seconds" and result["budget"]["cut"] is None
    # Each trains until its own CPU time reaches 0.1 s, and passes it by one step at most (a
    # generation or a few gradient steps here take well under 10 ms).
    for used in (evolved, descended):
        assert 0.1 <= used["seconds"] < 0.11
    assert abs(evolved["seconds"] - descended["seconds"]) < 0.01
    # In the same seconds evolution's batched products push far more samples: the page says both.
    assert evolved["samples"] > descended["samples"] > 0


def test_the_seconds_budget_may_be_at_most_half_the_request_budget(monkeypatch):
    monkeypatch.setattr(
        "playground.app.pages.playground.evolution.current_limits", lambda: limits.Limits(request_seconds=0.2)
    )
    with pytest.raises(ValueError, match=r"seconds: from 0.01 to 0.1 each"):
        race_settings({**DEFAULT_RACE, "budget": "seconds", "seconds": 0.15})
    started = time.thread_time()
    result = race_on("seconds", 0.1)
    assert max(result["evolution"]["used"]["seconds"], result["gradient"]["used"]["seconds"]) < 0.11
    assert time.thread_time() - started < 0.5  # both, the measuring on the way and the test costs


def test_a_samples_budget_past_the_cpu_budget_stops_both_at_what_the_slower_reached(monkeypatch):
    monkeypatch.setattr(
        "playground.app.pages.playground.evolution.current_limits", lambda: limits.Limits(request_seconds=0.1)
    )
    result = race_on("samples", 100_000_000)
    evolved, descended = result["evolution"]["used"], result["gradient"]["used"]
    budget = result["budget"]
    assert budget["limit"] < 100_000_000 and "stopped gradient descent" in budget["cut"]
    assert descended["samples"] == budget["limit"] and 0.05 <= descended["seconds"] < 0.06
    assert budget["limit"] <= evolved["samples"] < budget["limit"] + GENERATION  # then evolution stopped there too
    assert "the budget is that, for both" in budget_line(result)


def test_evolution_never_loses_its_best_and_both_learn(race):
    _, result = race
    best = np.array(result["evolution"]["cost"])
    assert np.all(np.diff(best[1:]) <= 1e-12)  # elitism: the best member's cost never rises
    assert best[-1] < best[0] and result["gradient"]["cost"][-1] < result["gradient"]["cost"][0]
    for part in ("evolution", "gradient"):
        network = model.playground_network(result[part]["network"])
        assert network.layer_sizes == [2, 3, 2] and 0.5 < result[part]["accuracy"] <= 1
        assert result[part]["test_cost"] > 0


def test_the_page_says_the_budget_what_each_used_and_who_ended_lower(race):
    _, result = race
    evolved, descended = result["evolution"], result["gradient"]
    assert budget_line(result) == (
        "budget: the same samples pushed through the network, 50,000 samples each (forward 1, forward and back 3)"
    )
    assert used_line(result, "evolution").startswith(
        f"evolution used {evolved['used']['samples']:,} samples pushed, {evolved['used']['seconds']:.3f} s CPU"
    )
    assert f"{evolved['generations']:,} generations" in used_line(result, "evolution")
    assert used_line(result, "gradient").startswith(
        f"gradient descent used {descended['used']['samples']:,} samples pushed, "
        f"{descended['used']['seconds']:.3f} s CPU"
    )
    assert f"test cost {descended['test_cost']:.4g}" in used_line(result, "gradient")
    lower = "evolution" if evolved["test_cost"] < descended["test_cost"] else "gradient descent"
    assert result["winner"] in (lower, "tie")
    if result["winner"] != "tie":
        assert result_line(result).startswith(f"on the same 50,000 samples each: {lower} ended lower on test cost")
    assert start_line(result).startswith("both from the same weights (training cost")


def test_the_winner_is_the_lower_test_cost_ties_are_close_and_a_diverged_run_never_wins():
    assert winner(0.7, 0.2, 0.3, gradient_diverged=False) == "evolution"
    assert winner(0.7, 0.3, 0.2, gradient_diverged=False) == "gradient descent"
    assert winner(0.7, 0.300, 0.303, gradient_diverged=False) == "tie"  # within 1 % of 0.7 − 0.3
    assert winner(0.7, 0.300, 0.310, gradient_diverged=False) == "evolution"
    assert winner(0.7, 0.5, 0.1, gradient_diverged=True) == "evolution"


def test_gradient_descent_that_diverges_stops_there_and_never_wins():
    state_data, network = initial_state()
    evolution, budget = race_settings({**DEFAULT_RACE, "budget": "samples", "samples": 20_000})
    wild = dataclasses.replace(training_settings(TRAINING), learn_rate=1e12)
    result = evolution_race(network, state_data, wild, evolution, budget)
    assert "diverged" in result["gradient"]["diverged"] and result["winner"] == "evolution"
    assert result["gradient"]["used"]["samples"] == BATCH  # the step that diverged, then no more
    assert 20_000 <= result["evolution"]["used"]["samples"] < 20_000 + GENERATION  # evolution runs on to the budget
    assert "gradient descent diverged, so evolution wins" in result_line(result)
    assert "(it diverged: " in used_line(result, "gradient")


def test_with_no_test_points_both_are_judged_on_the_training_points():
    data, _ = initial_state()
    everything = {**data, "test_inputs": [], "test_labels": []}
    result = race_on("samples", 5_000, data=everything)
    assert result["judged_on"] == "training" and "training cost" in used_line(result, "evolution")
    assert "the data has no test points" in start_line(result)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"budget": None}, "budget"),
        ({"budget": "generations"}, "budget"),
        ({"samples": 0}, "samples"),
        ({"samples": 2.5}, "samples"),
        ({"samples": None}, "samples"),
        ({"budget": "seconds", "seconds": 0}, "seconds"),
        ({"budget": "seconds", "seconds": 5}, "seconds"),
        ({"population": "x"}, "population"),
        ({"survivors": 40}, "survivors"),
        ({"mutation_rate": 0}, "mutation rate"),
        ({"mutation_size": -1}, "mutation size"),
        ({"population": True}, "population"),
    ],
)
def test_bad_settings_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        race_settings({**DEFAULT_RACE, **change})


def test_a_budget_says_its_amount_in_its_own_unit():
    assert Budget("samples", 50_000).shown() == "50,000 samples" and Budget("seconds", 0.2).shown() == "0.2 s"


def test_evolution_refuses_data_it_cannot_train_on():
    data, _ = initial_state()
    empty = {**data, "train_inputs": [], "train_labels": []}
    with pytest.raises(ValueError, match="needs training points"):
        race_on("samples", 5_000, data=empty)
    regression = model.generate_points("plane", 0.0, 0.5, 0, 100)
    with pytest.raises(ValueError, match="scores classes"):
        race_on("samples", 5_000, data=regression)


def test_the_figures_show_both_boundaries_and_both_curves_against_the_budget(race):
    data, result = race
    dataset = model.check_points(data)
    networks = [
        (name, model.playground_network(result[part]["network"]))
        for name, part in (("evolution", "evolution"), ("gradient descent", "gradient"))
    ]
    figure = race_boundaries_figure(dataset.train_inputs, dataset.train_labels, dataset.class_names, networks)
    maps = [trace for trace in figure.data if trace.type == "heatmap"]
    assert len(maps) == 2 and [a.text for a in figure.layout.annotations] == ["evolution", "gradient descent"]
    expected = networks[0][1].predict(np.column_stack([np.full(1, maps[0].x[5]), np.full(1, maps[0].y[7])]))
    assert np.asarray(maps[0].z)[7, 5] == expected[0]  # each cell: the network's own prediction there
    points = [trace for trace in figure.data if trace.type == "scatter"]
    assert sum(len(trace.x) for trace in points) == 2 * len(dataset.train_labels)
    costs = race_costs_figure(result)
    assert [trace.name for trace in costs.data] == ["evolution (its best member)", "gradient descent"]
    assert (
        list(costs.data[0].y) == result["evolution"]["cost"] and list(costs.data[1].x) == result["gradient"]["samples"]
    )
    assert costs.layout.xaxis.type != "log" and "forward 1, forward and back 3" in costs.layout.xaxis.title.text
    assert [shape.x0 for shape in costs.layout.shapes] == [50_000]  # the budget, a dotted line
    seconds = race_costs_figure(race_on("seconds", 0.02))
    assert "CPU seconds" in seconds.layout.xaxis.title.text and seconds.layout.shapes[0].x0 == 0.02
    empty = race_costs_figure(None)
    assert not empty.data and "press race" in empty.layout.annotations[0].text


# ---------------------------------------------------------------------- in a real browser

USED = re.compile(r"used ([\d,]+) samples pushed, ([\d.]+) s CPU")


def used(driver, element_id: str) -> tuple[int, float]:
    found = USED.search(visible_text(driver, element_id))
    assert found, visible_text(driver, element_id)
    return int(found.group(1).replace(",", "")), float(found.group(2))


def traces(driver, graph_id: str) -> list[dict]:
    return driver.execute_script(
        "const g = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
        "return g && g._fullData ? g._fullData.map((t) => ({type: t.type, name: t.name,"
        " x: t.x ? Array.from(t.x) : null})) : [];",
        graph_id,
    )


def run_race(driver, kind: str, amount, crossover: bool | None = None) -> dict[str, str]:
    """Choose the budget kind with a click, type its amount, press race; the page's race texts."""
    radio(driver, "playground-race-budget-kind", kind)
    box = wait_for(driver, lambda: next(iter(driver.find_elements(By.ID, f"playground-race-{kind}")), None))
    wait_for(driver, box.is_displayed)
    other = "seconds" if kind == "samples" else "samples"
    assert not driver.find_element(By.ID, f"playground-race-{other}").is_displayed()  # one box: the chosen kind's
    type_into_box(box, amount)
    if crossover is not None:
        checkbox = driver.find_element(By.CSS_SELECTOR, "#playground-race-crossover input")
        if checkbox.is_selected() != crossover:
            checkbox.click()
    before = visible_text(driver, "playground-race-result")
    driver.find_element(By.ID, "playground-race").click()
    wait_for(driver, lambda: visible_text(driver, "playground-race-result") not in ("", before), timeout=60)
    wait_for(driver, lambda: "CPU" in visible_text(driver, "playground-race-gradient-used"))
    no_errors(driver)
    return {
        part: visible_text(driver, f"playground-race-{part}")
        for part in ("budget", "budget-rule", "evolution-used", "gradient-used", "result", "message")
    }


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_a_teacher_races_on_each_budget_kind_and_reads_what_each_used(live_app, browser, tmp_path):
    set_viewport(browser, 1280, 720)
    open_page(browser, live_app)
    ActionChains(browser).scroll_to_element(browser.find_element(By.ID, "playground-race")).perform()

    # The same samples: both pass 20,000 by less than one step of their own.
    texts = run_race(browser, "samples", 20_000)
    assert texts["budget"].startswith("budget: the same samples pushed through the network, 20,000 samples each")
    assert "counts 1, forward and back (a gradient step) counts 3" in texts["budget-rule"]
    evolution, gradient = (
        used(browser, "playground-race-evolution-used"),
        used(browser, "playground-race-gradient-used"),
    )
    assert 20_000 <= evolution[0] < 20_000 + GENERATION and 20_000 <= gradient[0] < 20_000 + BATCH
    assert texts["result"].startswith("on the same 20,000 samples each: ")
    assert re.search(r"(evolution|gradient descent) ended lower on test cost|a tie on test cost", texts["result"])
    assert "both from the same weights" in texts["message"]
    boundaries, costs = traces(browser, "playground-race-boundaries"), traces(browser, "playground-race-costs")
    assert [trace["type"] for trace in boundaries].count("heatmap") == 2  # two boundaries side by side
    assert [trace["name"] for trace in costs] == ["evolution (its best member)", "gradient descent"]
    assert all(len(trace["x"]) > 1 and trace["x"][0] == 0 for trace in costs)  # both from the shared start

    # Lecture mode on, the same seconds, crossover off: both train 0.1 s of CPU each.
    browser.find_element(By.ID, "lecture-toggle").click()
    wait_for(browser, lambda: "lecture" in browser.find_element(By.TAG_NAME, "body").get_attribute("class"))
    texts = run_race(browser, "seconds", 0.1, crossover=False)
    assert texts["budget"].startswith("budget: the same seconds of CPU, 0.1 s each")
    assert "each contestant's own CPU time" in texts["budget-rule"]
    evolution, gradient = (
        used(browser, "playground-race-evolution-used"),
        used(browser, "playground-race-gradient-used"),
    )
    assert 0.1 <= evolution[1] < 0.12 and 0.1 <= gradient[1] < 0.12
    assert texts["result"].startswith("on the same 0.1 s each: ")
    # What the room sees: the section's top just below the sticky play line.
    browser.execute_script(
        "const top = document.querySelector('.evolution-section').getBoundingClientRect().top;"
        "window.scrollBy(0, top - document.querySelector('.topbar').getBoundingClientRect().height);"
    )
    browser.get_screenshot_as_file(str(screenshot_path(tmp_path, "evolution-race-lecture-1280x720.png")))

    # More samples than half the request's CPU lets gradient descent push: both stop where it stopped.
    texts = run_race(browser, "samples", 100_000_000, crossover=True)
    evolution, gradient = (
        used(browser, "playground-race-evolution-used"),
        used(browser, "playground-race-gradient-used"),
    )
    assert "stopped gradient descent at" in texts["budget"] and "the budget is that, for both" in texts["budget"]
    assert gradient[0] <= evolution[0] < gradient[0] + GENERATION

    # A budget past what the server gives is named, and the last race stays on the page.
    radio(browser, "playground-race-budget-kind", "seconds")
    type_into_box(browser.find_element(By.ID, "playground-race-seconds"), 3)
    browser.find_element(By.ID, "playground-race").click()
    wait_for(browser, lambda: visible_text(browser, "playground-race-message").startswith("seconds: from 0.01 to 0.25"))
    assert "the budget is that, for both" in visible_text(browser, "playground-race-budget")
    no_errors(browser)


def test_a_network_of_feature_inputs_races_and_its_boundary_is_drawn_from_the_points():
    from playground.app.pages.playground.tasks import feature_preset_state

    state = feature_preset_state("xor", model.initial_state())  # the one input x1·x2, no hidden layer
    evolution, chosen = race_settings({**DEFAULT_RACE, "budget": "samples", "samples": 5_000})
    result = evolution_race(state["network"], state["data"], training_settings(TRAINING), evolution, chosen)
    dataset = model.check_points(state["data"])
    networks = [("gradient descent", model.playground_network(result["gradient"]["network"]))]
    figure = race_boundaries_figure(dataset.train_inputs, dataset.train_labels, dataset.class_names, networks)
    classes = next(trace for trace in figure.data if trace.type == "heatmap").z
    # x1·x2's sign is the class: the four quadrants alternate (read at the grid's corners).
    corners = {classes[0][0], classes[-1][-1]}, {classes[0][-1], classes[-1][0]}
    assert all(len(pair) == 1 for pair in corners) and corners[0] != corners[1]
