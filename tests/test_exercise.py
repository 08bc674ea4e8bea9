"""Exercise links (SPEC F26): the exercise's shape and bounds, what the teacher's panel makes of its
values, the condition, and the exercise in links and files (round trip; a link without one opens as
before; a broken one is left out with a message while the rest loads)."""

from __future__ import annotations

import base64
import json
import subprocess
import zlib
from pathlib import Path

import pytest

from playground.app.main import create_app
from playground.app.pages.playground import exercise as ex
from playground.app.pages.playground.shapes import PlaygroundView, view_settings
from playground.app.server.contract import browser_contract
from playground.app.session import model
from playground.app.session.shapes import check_shape

from helpers.needs import node
from helpers.playground_state import example_state

pytestmark = pytest.mark.timeout(60)

GOOD = {
    "task": "bring the test cost under 0.05 by hand, no training",
    "hidden": ["l1", "data"],  # in the page's order, as the panel gives them
    "locked": ["step", "play"],
    "hidden_layers": [2],
    "locked_layers": [],
    "hidden_weights": [["b", 1, 2]],
    "locked_weights": [["W", 1, 0, 1]],
    "condition": {"measure": "test_cost", "comparison": "<", "threshold": 0.05},
}


@pytest.fixture(scope="module", autouse=True)
def app():
    """The app, so every page has registered its view of the session (links and files hold them)."""
    return create_app()


def with_exercise(exercise) -> dict:
    state = example_state()
    state["views"]["playground"] = {**state["views"]["playground"], "exercise": exercise}
    return state


def raw_link(state: dict) -> str:
    """A link holding ``state`` as it is, unchecked (as a hand-made or damaged link could)."""
    packed = zlib.compress(json.dumps(state).encode(), 9)
    return "#s=" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


# ---------------------------------------------------------------------- the shape and its bounds


def test_a_good_exercise_keeps_its_shape_and_is_part_of_the_playground_view():
    assert ex.check_exercise(GOOD) is GOOD
    check_shape(PlaygroundView, {"discretize": False, "show_test": True, "exercise": GOOD}, "view")
    assert view_settings(None) == {"discretize": False, "show_test": True}  # a new session has none


@pytest.mark.parametrize(
    "change,message",
    [
        ({"task": "x" * 201}, "task: string should have at most 200 characters"),
        ({"hidden": ["the moon"]}, "hidden.0: input should be 'reset'"),
        ({"locked": list(ex.CONTROL_NAMES) * 2}, "locked: list should have at most 19 items"),
        ({"hidden_layers": [0]}, "hidden_layers.0: input should be greater than or equal to 1"),
        ({"locked_layers": [True]}, "locked_layers.0: input should be a valid integer"),
        ({"locked_weights": [["W", 1, 0]]}, "locked_weights.0.W.3: field required"),
        ({"locked_weights": [["X", 1, 0, 0]]}, 'locked_weights.0: ["W", l, i, j] or ["b", l, j]'),
        ({"hidden_weights": [["b", 1, "2"]]}, "hidden_weights.0.b.2: input should be a valid integer"),
        ({"hidden_weights": [["b", 1, 4096]]}, "hidden_weights.0.b.2: input should be less than 4096"),
        ({"hidden_weights": [["b", 1, 0]] * 501}, "hidden_weights: list should have at most 500 items"),
        ({"condition": {"measure": "joy", "comparison": "<", "threshold": 1}}, "condition.measure"),
        ({"condition": {"measure": "test_cost", "comparison": "!=", "threshold": 1}}, "condition.comparison"),
        ({"condition": {"measure": "test_cost", "comparison": "<", "threshold": -1}}, "greater than or equal to 0"),
        ({"condition": {"measure": "test_accuracy", "comparison": ">=", "threshold": 150}}, "a percentage, 0 … 100"),
        ({"eval": "__import__('os')"}, "eval: extra inputs are not permitted"),
    ],
)
def test_a_broken_exercise_is_named_where_it_breaks(change, message):
    with pytest.raises(ValueError, match="^exercise ") as error:
        ex.check_exercise({**GOOD, **change})
    assert message in str(error.value)


def test_the_browser_checks_the_same_shape():
    contract = browser_contract()
    definitions = contract["shape_definitions"]
    exercise = definitions["Exercise"]["properties"]
    assert exercise["task"]["maxLength"] == 200
    assert exercise["locked_weights"]["maxItems"] == ex.MAX_ADDRESSES
    # assets/contract.js checks anyOf (not oneOf): an address is one of the two slider shapes.
    shapes = exercise["locked_weights"]["items"]["anyOf"]
    assert [shape["prefixItems"][0]["const"] for shape in shapes] == ["W", "b"]
    assert "Exercise" in json.dumps(definitions["PlaygroundView"])


# ---------------------------------------------------------------------- the teacher's panel


def test_the_panel_makes_an_exercise_hidden_winning_over_locked():
    made = ex.exercise_from_panel(
        "  bring the test cost under 0.05  ",
        ["l1", "data"],
        ["data", "play"],
        [2],
        [2, 1],
        {"hidden": [["b", 1, 2]], "locked": [["W", 1, 0, 1]]},
        "test_cost",
        "<",
        0.05,
    )
    assert made["task"] == "bring the test cost under 0.05"
    assert made["hidden"] == ["l1", "data"] and made["locked"] == ["play"]  # in the page's order
    assert made["hidden_layers"] == [2] and made["locked_layers"] == [1]
    assert made["condition"] == {"measure": "test_cost", "comparison": "<", "threshold": 0.05}
    ex.check_exercise(made)


def test_the_panel_says_what_is_missing():
    with pytest.raises(ValueError, match="give the threshold for the test accuracy"):
        ex.exercise_from_panel("t", [], [], [], [], None, "test_accuracy", ">=", None)
    with pytest.raises(ValueError, match="write a task, choose a condition, or hide or lock something"):
        ex.exercise_from_panel("  ", [], [], [], [], {"hidden": [], "locked": []}, None, None, None)
    with pytest.raises(ValueError, match="at most 200"):
        ex.exercise_from_panel("y" * 201, [], [], [], [], None, None, None, None)


# ---------------------------------------------------------------------- the condition


@pytest.mark.parametrize(
    "condition,train,test,met",
    [
        ({"measure": "test_cost", "comparison": "<", "threshold": 0.05}, None, {"quadratic": 0.049}, True),
        ({"measure": "test_cost", "comparison": "<", "threshold": 0.05}, None, {"quadratic": 0.05}, False),
        ({"measure": "test_cost", "comparison": "<=", "threshold": 0.05}, None, {"quadratic": 0.05}, True),
        ({"measure": "train_cost", "comparison": "<", "threshold": 0.5}, {"quadratic": 0.4}, {"quadratic": 9}, True),
        ({"measure": "test_accuracy", "comparison": ">=", "threshold": 95}, None, {"accuracy": 0.95}, True),
        ({"measure": "train_accuracy", "comparison": ">", "threshold": 95}, {"accuracy": 0.95}, None, False),
        ({"measure": "test_cost", "comparison": "<", "threshold": 1}, {"quadratic": 0.1}, None, False),  # no test data
    ],
)
def test_the_condition_is_read_from_the_readouts_numbers(condition, train, test, met):
    assert ex.condition_met(condition, ex.measured(condition, train, test, "quadratic")) is met


def test_the_condition_reads_the_networks_own_cost():
    condition = {"measure": "test_cost", "comparison": "<", "threshold": 0.3}
    test = {"quadratic": 0.5, "cross_entropy": 0.2, "l2": 5.0}
    assert ex.measured(condition, None, test, "cross_entropy") == 0.2
    assert ex.condition_text(condition) == "test cost < 0.3"
    assert ex.condition_text({"measure": "train_accuracy", "comparison": ">=", "threshold": 95}) == (
        "train accuracy ≥ 95 %"
    )


# ---------------------------------------------------------------------- links and files


def test_an_exercise_travels_in_a_link_and_a_file_exactly():
    state = with_exercise(GOOD)
    for loaded, warning in (
        ex.link_state("#" + model.encode_share(state)),
        ex.file_state(model.state_to_json(state)),
    ):
        assert warning is None
        assert loaded["views"]["playground"]["exercise"] == GOOD
        assert loaded["network"] == state["network"] and loaded["data"] == state["data"]


def test_a_link_without_an_exercise_opens_as_before():
    state = example_state()
    old = json.loads(model.state_to_json(state))
    old["views"]["playground"].pop("exercise", None)  # as links before exercises held the view
    loaded, warning = ex.link_state(raw_link(old))
    assert warning is None and "exercise" not in loaded["views"]["playground"]
    assert view_settings(loaded["views"]["playground"]).get("exercise") is None  # how the page reads it
    assert loaded["network"] == state["network"] and loaded["settings"] == state["settings"]
    plain = model.decode_share(model.encode_share(state))
    assert plain["views"]["playground"] == {"discretize": False, "show_test": True}  # a new session's: none


def test_a_broken_exercise_is_left_out_with_a_message_and_the_rest_of_the_link_loads():
    state = with_exercise({**GOOD, "locked_weights": [["W", 1, 0]], "task": "x" * 5})
    state["views"]["playground"]["discretize"] = True
    with pytest.raises(ValueError, match="playground view exercise"):  # the session's own check refuses it
        model.decode_share(raw_link(state))
    loaded, warning = ex.link_state(raw_link(state))
    assert warning == (
        "the link's exercise could not be used (exercise locked_weights.0.W.3: field required); "
        "the rest of the link loaded"
    )
    assert loaded["views"]["playground"] == {"discretize": True, "show_test": True}
    assert loaded["network"] == state["network"] and loaded["data"] == state["data"]
    loaded, warning = ex.file_state(json.dumps(state))
    assert warning.startswith("the file's exercise could not be used (exercise locked_weights.0.W.3")
    assert loaded["settings"] == state["settings"]


def test_a_link_broken_elsewhere_is_refused_as_before_even_with_a_broken_exercise():
    state = with_exercise({"task": 5})
    state["data"]["train_labels"][0] = 7
    with pytest.raises(model.StateError, match="labels must be whole numbers"):
        ex.link_state(raw_link(state))
    with pytest.raises(model.StateError, match="damaged or cut short"):
        ex.link_state("#s=AAAA")
    with pytest.raises(model.StateError, match="not a playground file"):
        ex.file_state("{not json")


def test_a_link_s_exercise_is_bounded_before_it_is_read():
    """A link is bounded as every link is (its length, what it inflates to, its depth), exercise or not."""
    deep = with_exercise({**GOOD, "task": "t"})
    nested: list = []
    for _ in range(200):
        nested = [nested]
    deep["views"]["playground"]["exercise"]["hidden_weights"] = nested
    with pytest.raises(model.StateError, match="nests more than 64 levels deep"):
        ex.link_state(raw_link(deep))


def test_python_and_the_browser_take_and_refuse_the_same_exercises(tmp_path):
    """The view store with an exercise, checked by assets/contract.js under Node against the contract's
    schema, as Python checks it (the accuracy's 0 … 100 is Python's alone: a rule across two fields)."""
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps(browser_contract()))
    view = {"discretize": False, "show_test": True}
    good = [GOOD, {}, {"hidden_weights": [["W", 3, 7, 0], ["b", 2, 0]], "condition": None}]
    bad = [
        {"task": "x" * 201},
        {"hidden": ["the moon"]},
        {"locked_weights": [["W", 1, 0]]},
        {"locked_weights": [["X", 1, 0, 0]]},
        {"hidden_weights": [["b", 1, 0.5]]},
        {"hidden_weights": [["b", 1, 0]] * 501},
        {"hidden_layers": [0]},
        {"condition": {"measure": "test_cost", "comparison": "!=", "threshold": 1}},
        {"eval": "__import__('os')"},
    ]
    given = {f"good {k}": ["view-playground", {**view, "exercise": e}] for k, e in enumerate(good)}
    given.update({f"bad {k}": ["view-playground", {**view, "exercise": {**GOOD, **e}}] for k, e in enumerate(bad)})
    for name, (_, value) in given.items():
        if name.startswith("good"):
            check_shape(PlaygroundView, value, name)
        else:
            with pytest.raises(ValueError):
                check_shape(PlaygroundView, value, name)
    source = tmp_path / "given.json"
    source.write_text(json.dumps(given))
    harness = Path(__file__).with_name("browser_code.js")
    result = subprocess.run(
        [node(), str(harness), str(contract), "sorted", "check", str(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)
    assert {name for name, verdict in verdicts.items() if verdict} == {name for name in given if name.startswith("bad")}


def components(tree) -> dict:
    """Every component of a layout with an id, by its id."""
    found, stack = {}, [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        if getattr(item, "id", None) is not None and isinstance(item.id, str):
            found[item.id] = item
        stack.extend([getattr(item, "children", None)] if getattr(item, "children", None) is not None else [])
    return found


def test_the_panel_starts_from_the_views_exercise_and_gives_it_back():
    from playground.app.pages.playground import ids
    from playground.app.pages.playground.exercise_callbacks import panel_exercise
    from playground.app.pages.playground.exercise_layout import panel

    network = model.initial_state()["network"]
    shown = components(panel(network, {"discretize": False, "show_test": True, "exercise": GOOD}))
    values = [
        shown[ids.EXERCISE_TASK_INPUT].value,
        shown[ids.EXERCISE_HIDE].value,
        shown[ids.EXERCISE_LOCK].value,
        shown[ids.EXERCISE_HIDE_LAYERS].value,
        shown[ids.EXERCISE_LOCK_LAYERS].value,
        shown[ids.EXERCISE_WEIGHTS].data,
        shown[ids.EXERCISE_MEASURE].value,
        shown[ids.EXERCISE_COMPARISON].value,
        shown[ids.EXERCISE_THRESHOLD].value,
    ]
    assert panel_exercise(*values) == GOOD
    empty = components(panel(network, None))
    assert empty[ids.EXERCISE_HIDE].value == [] and empty[ids.EXERCISE_TASK_INPUT].value == ""
    assert empty[ids.EXERCISE_MEASURE].value == "test_cost" and empty[ids.EXERCISE_THRESHOLD].value == 0.1
