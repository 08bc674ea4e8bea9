"""The Python ↔ browser contract, checked from both sides with the browser's own code under Node.

- The browser code loads in any order: each file only defines itself when it loads (one
  namespace, ``window.neuralModules``), and every clientside function the app's callbacks name
  is there afterwards.
- Each route takes the body the page's own code builds (its builder run under Node on a real
  session): the body has the route's shape in Python, the route answers it, and the answer has
  its shape in the browser's checker.
- The two checkers agree: values the Python shapes refuse, the browser's refuses too.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path

import dash
import pytest

from playground.app.main import create_app
from playground.app.server.contract import all_shapes, browser_contract
from playground.app.session import keys, model, pages, shapes

from helpers.needs import node

HARNESS = Path(__file__).with_name("browser_code.js")
ASSETS = Path(__file__).resolve().parent.parent / "assets"


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def contract_file(app, tmp_path_factory):
    path = tmp_path_factory.mktemp("contract") / "contract.json"
    path.write_text(json.dumps(browser_contract()))
    return path


def run_node(contract_file: Path, order: str, command: str, given: dict | None = None, tmp_path: Path | None = None):
    arguments = [node(), str(HARNESS), str(contract_file), order, command]
    if given is not None:
        source = tmp_path / f"{command}.json"
        source.write_text(json.dumps(given))
        arguments.append(str(source))
    result = subprocess.run(arguments, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def clientside_functions(app) -> set[tuple[str, str]]:
    """Every (namespace, function) the app's clientside callbacks name."""
    named = set()
    for callback in app.callback_map.values():
        source = callback.get("clientside_function") or {}
        if source:
            named.add((source["namespace"], source["function_name"]))
    return named


@pytest.mark.timeout(120)
@pytest.mark.parametrize("order", ["sorted", "reversed", "7", "1234", "99991"])
def test_the_browser_code_loads_in_any_order(app, contract_file, order):
    loaded = run_node(contract_file, order, "modules")
    assert len(loaded["files"]) == len(list(ASSETS.glob("*.js")))
    assert set(loaded["modules"]) >= {
        "maths",
        "drawing",
        "contract",
        "session",
        "runner",
        "paint",
        "keys",
        "plotlyView",
        "lecture",
        "figureTools",
        "playground",
        "playgroundPlay",
        "playgroundSliders",
        "images",
        "landscape",
        "descent",
    }
    for namespace, function in clientside_functions(app):
        assert function in loaded["clientside"].get(namespace, []), (namespace, function)


def test_no_browser_file_reads_another_when_it_loads():
    # Only the shared namespace and the contract (an inline script before every file) are read at
    # load time; everything else is looked up when used. A module reference at the top level of a
    # file (outside any function) would make the load order matter again.
    for path in ASSETS.glob("*.js"):
        text = path.read_text()
        assert not re.search(r"^  const \w+ = (window\.)?neuralModules\.\w+", text, re.M), path.name
        assert not re.search(r"^  const \w+ = modules\.\w+;", text, re.M), path.name
        assert "window.playground =" not in text and "window.neuralMaths" not in text, path.name


@pytest.fixture(scope="module")
def session_sample():
    """A real session (as a new visitor gets it), the drawing of a blank canvas and a key."""
    state = model.initial_state()
    state["training"] = model.fresh_training()
    return {**state, "key": keys.issue(), "pixels": base64.b64encode(bytes(56 * 56)).decode()}


@pytest.mark.timeout(120)
def test_each_route_takes_the_body_the_page_code_builds(app, contract_file, session_sample, tmp_path):
    bodies = run_node(contract_file, "sorted", "bodies", session_sample, tmp_path)
    routes = {route.key: route for route in pages.routes()}
    client = app.server.test_client()
    answers = {}
    for name, body in bodies.items():
        route = routes[name.removesuffix("_step")]
        shapes.check_shape(route.request, body, name)  # the body has the route's shape in Python
        reply = client.post(route.path, data=json.dumps(body), content_type="application/json")
        if name == "draw":  # a new session has no image network yet: the route says so, in words
            assert reply.status_code == 400 and "no network yet" in reply.get_json()["error"]
            continue
        assert reply.status_code == 200, (name, reply.get_json())
        answers[name] = [f"{route.key}_answer", reply.get_json()]
    verdicts = run_node(contract_file, "sorted", "check", answers, tmp_path)
    assert verdicts == {name: None for name in answers}  # every answer has its shape in the browser
    assert set(answers) == {"train", "train_step", "walk", "descent"}


BAD = {
    "a learn rate that is a word": ("settings", {**model.DEFAULT_SETTINGS, "learn_rate": "fast"}),
    "a batch size that is true": ("settings", {**model.DEFAULT_SETTINGS, "batch_size": True}),
    "a setting too many": ("settings", {**model.DEFAULT_SETTINGS, "data_seed": 0}),
    "a setting missing": ("settings", {k: v for k, v in model.DEFAULT_SETTINGS.items() if k != "optimizer"}),
    "an unknown optimizer": ("settings", {**model.DEFAULT_SETTINGS, "optimizer": "magic"}),
    "a momentum of 1": ("settings", {**model.DEFAULT_SETTINGS, "momentum": 1.0}),
    "a point of three numbers": ("data", None),
    "a layer of an unknown type": ("network", None),
    "an epoch with a fraction": (
        "training",
        {"trainer": {"epoch": 1.5, "position": 0}, "history": {"epoch": [], "train": [], "test": []}},
    ),
}


@pytest.mark.timeout(120)
def test_python_and_the_browser_refuse_the_same_values(app, contract_file, session_sample, tmp_path):
    given = {}
    for name, (shape, value) in BAD.items():
        if shape == "data":
            value = {
                **session_sample["data"],
                "train_inputs": [[0.1, 0.2, 0.3]] + session_sample["data"]["train_inputs"][1:],
            }
        if shape == "network":
            value = {
                **session_sample["network"],
                "layers": [{**session_sample["network"]["layers"][0], "type": "magic"}],
            }
        with pytest.raises(ValueError):
            shapes.check_shape(all_shapes()[shape], value, name)
        given[name] = [shape, value]
    verdicts = run_node(contract_file, "sorted", "check", given, tmp_path)
    refused = {name: verdict for name, verdict in verdicts.items() if verdict}
    assert set(refused) == set(BAD), set(BAD) - set(refused)
    # and what they both take, they both take
    good = {part: [part, session_sample[part]] for part in ("data", "network", "settings", "training")}
    assert run_node(contract_file, "sorted", "check", good, tmp_path) == {part: None for part in good}


def test_every_store_change_and_route_is_described_once():
    described = all_shapes()
    assert {
        "data",
        "network",
        "settings",
        "training",
        "change",
        "revision",
        "view-descent",
        "view-landscape",
        "view-images",
        "train_request",
        "train_answer",
        "walk_request",
        "walk_answer",
        "descent_request",
        "descent_answer",
        "draw_request",
        "draw_answer",
    } <= set(described)
    contract = browser_contract()
    assert set(contract["shapes"]) == set(described)
    assert [part for part, _ in contract["session"]["parts"]] == [
        "data",
        "network",
        "settings",
        "training",
        *[f"view-{name}" for name in pages.views()],
    ]
    assert dash.page_registry  # (the pages registered themselves: the contract comes from them)
