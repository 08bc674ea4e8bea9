"""The engine in a notebook (SPEC F29): rich display, training with a progress bar, the playground
inline, and the example notebook docs/notebooks/first-lecture.ipynb executed on a real Jupyter
kernel (nbclient), rendered (nbconvert HTML) and looked at in a real headless Chromium.

The rendered notebook and its screenshots go to $PLAYGROUND_SHOTS (default /tmp/shots/notebook).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from selenium.webdriver.common.by import By

from playground import notebook
from playground.app.session import model
from playground.data.points import load_points
from playground.data.toy import make_dataset
from playground.engine import Network, network_to_json
from playground.plots.cost import cost_curve_figure

from helpers.browser import SESSION, wait_for
from helpers.needs import real_data_dir

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "first-lecture.ipynb"
SHOTS = Path(os.environ.get("PLAYGROUND_SHOTS", "/tmp/shots/notebook"))
RUN_LIMIT = 180  # seconds: the whole notebook on this machine (SPEC F29)


def fruit_network() -> Network:
    return Network([2, 3, 2], activation="sigmoid", output_activation="sigmoid", cost="quadratic", seed=0)


# ------------------------------------------------------------------ the module, without a kernel


@pytest.fixture
def shell():
    """An IPython shell in this process with the playground's formatters registered."""
    ip = InteractiveShell.instance()
    notebook.register(ip)
    yield ip
    InteractiveShell.clear_instance()


def test_a_network_shows_its_diagram_and_a_data_set_its_scatter(shell, capsys):
    network = fruit_network()
    shown, _ = shell.display_formatter.format(network)
    svg = shown["image/svg+xml"]
    assert svg.startswith("<svg") and svg.count("<circle") == 7 and svg.count("<line") == 2 * 3 + 3 * 2
    assert len(svg) < 5_000  # small and fast

    fruit = make_dataset("fruit")
    figure = notebook.data_figure(fruit)
    assert [trace.name for trace in figure.data] == [
        "safe (train)",
        "poisonous (train)",
        "safe (test)",
        "poisonous (test)",
    ]
    assert sum(len(trace.x) for trace in figure.data) == 200
    assert figure.layout.xaxis.title.text == "spot size"


def test_a_big_network_draws_ten_nodes_a_column_and_a_conv_network_none():
    from playground.plots.network_svg import network_svg

    svg = network_svg(Network([784, 32, 10]))
    assert svg.count("<circle") == 9 + 9 + 10 and "+775 more" in svg and "+23 more" in svg
    conv = Network.from_spec("conv4x3,pool2", (8, 8, 1), 10)
    assert network_svg(conv) is None


def test_train_returns_the_history_the_cost_curve_draws():
    network, fruit = fruit_network(), make_dataset("fruit-curved")
    history = notebook.train(network, fruit, epochs=20, progress=False, learn_rate=3, batch_size=10)
    assert history["epoch"] == list(range(21))
    assert history["train"][0] > history["train"][-1]
    assert len(history["test"]) == len(history["test_accuracy"]) == 21
    # the engine's own score of the trained network ends the history
    assert history["train"][-1] == pytest.approx(network.cost(fruit.train_inputs, fruit.train_labels), rel=1e-5)
    assert history["test_accuracy"][-1] == pytest.approx(network.accuracy(fruit.test_inputs, fruit.test_labels))
    figure = cost_curve_figure(history)
    assert list(figure.data[0].y) == history["train"] and list(figure.data[1].y) == history["test"]


def test_a_diverging_run_says_where(capsys):
    network = Network([2, 2], activation=[], output_activation="linear", cost="quadratic")
    history = notebook.train(network, make_dataset("fruit-curved"), epochs=50, progress=False, learn_rate=100)
    assert history["diverged_at"] < 50 and len(history["epoch"]) == history["diverged_at"] + 1
    assert capsys.readouterr().out.startswith("diverged")


def test_the_session_state_holds_the_network_the_points_and_the_history():
    network, fruit = fruit_network(), make_dataset("fruit-curved")
    history = notebook.train(network, fruit, epochs=3, progress=False, learn_rate=3)
    state = notebook.session_state(network, fruit, {"learn_rate": 0.5}, history)
    assert state["network"] == network_to_json(network)
    assert state["data"]["train_inputs"] == np.asarray(fruit.train_inputs, dtype=np.float32).tolist()
    assert state["settings"]["learn_rate"] == 0.5
    assert state["training"]["history"]["train"] == history["train"]
    # the link the inline page opens holds the same state
    assert model.decode_share(model.encode_share(state))["network"] == state["network"]
    regression = load_points("plane", samples=100)
    line = Network([2, 1], activation=[], output_activation="linear", cost="quadratic", task="regression")
    assert notebook.session_state(line, regression)["data"]["task"] == "regression"
    with pytest.raises(model.StateError):
        notebook.session_state(Network([784, 10]), fruit)  # the playground holds 2-D points


def test_show_outside_a_kernel_says_where_it_works():
    with pytest.raises(RuntimeError, match="in a notebook"):
        notebook.show(fruit_network(), make_dataset("fruit"))


# ------------------------------------------------------------------ the example notebook on a real kernel


def outputs(cell) -> list:
    return [output for output in cell.get("outputs", [])]


def figures(nb) -> list[dict]:
    """Every Plotly figure the notebook shows, as JSON, in order."""
    return [
        output["data"]["application/vnd.plotly.v1+json"]
        for cell in nb.cells
        for output in outputs(cell)
        if "application/vnd.plotly.v1+json" in output.get("data", {})
    ]


@pytest.fixture(scope="module")
def lecture():
    """The example notebook executed on a real kernel, which stays up (it serves the inline playground)."""
    from nbclient import NotebookClient

    real_data_dir("mnist")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=RUN_LIMIT, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    # The kernel runs this interpreter (a kernelspec's 'python' is whatever PATH finds first).
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    with client.setup_kernel(env={**os.environ, "PATH": path}):
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        print(f"the notebook ran in {seconds:.1f} s")
        yield nb, seconds


def test_the_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.mark.slow
@pytest.mark.data
@pytest.mark.timeout(RUN_LIMIT + 60)
def test_the_notebook_runs_on_a_kernel_and_shows_what_it_promises(lecture):
    nb, seconds = lecture
    assert seconds <= RUN_LIMIT
    every = [output for cell in nb.cells for output in outputs(cell)]
    assert not [output for output in every if output.output_type == "error"]
    # the diagrams: the network by hand (2 inputs, 2 outputs) and the digit reader (its columns cut short)
    diagrams = [output["data"]["image/svg+xml"] for output in every if "image/svg+xml" in output.get("data", {})]
    assert len(diagrams) == 2 and diagrams[0].count("<circle") == 4 and "+775 more" in diagrams[1]
    # two progress bars (tqdm's notebook bar: a widget), one a training run
    bars = [output for output in every if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
    assert len(bars) == 2
    shown = figures(nb)
    kinds = [[trace["type"] for trace in figure["data"]] for figure in shown]
    # the fruit's scatter, two boundaries (a heatmap under the points), the cost curve, the diagram,
    # the landscape's surface, contour and cost, the confusion matrix, the first layer's weights
    boundaries = [figure for figure, types in zip(shown, kinds) if types[0] == "heatmap" and "scatter" in types]
    assert len(boundaries) == 2
    assert any(types[0] == "surface" and types.count("scatter3d") == 3 for types in kinds)
    confusion = next(figure for figure, types in zip(shown, kinds) if types == ["heatmap", "heatmap"])
    assert np.asarray(confusion["data"][0]["text"]).shape == (10, 10)  # a number in every cell
    assert any(types == ["image"] for types in kinds)
    # the by-hand network separates the linear fruit: its printed test accuracy
    printed = "".join(output.get("text", "") for cell in nb.cells for output in outputs(cell))
    assert "accuracy on the test fruits: 100%" in printed
    # the inline playground: an iframe on this kernel's app, answering, its link holding the trained network
    frames = [
        output["data"]["text/html"] for output in every if "<iframe" in output.get("data", {}).get("text/html", "")
    ]
    assert len(frames) == 1
    url = frames[0].split('src="')[1].split('"')[0]
    with urllib.request.urlopen(url.split("#")[0], timeout=30) as answer:
        assert answer.status == 200
    state = model.decode_share(url.split("#")[1])
    assert model.architecture(state["network"])["layer_sizes"] == [2, 3, 2]
    assert state["training"]["history"]["epoch"][-1] == 300


@pytest.mark.slow
@pytest.mark.data
@pytest.mark.browser
@pytest.mark.timeout(RUN_LIMIT + 120)
def test_the_rendered_notebook_shows_the_diagram_the_boundary_and_the_live_playground(lecture, browser):
    from nbconvert import HTMLExporter

    nb, _ = lecture
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = SHOTS / "first-lecture.html"
    page.write_text(html)
    browser.set_window_size(1280, 1000)
    browser.get(page.as_uri())
    # every figure drawn by plotly.js written into the page (no network needed)
    wait_for(
        browser,
        lambda: (
            browser.execute_script("return document.querySelectorAll('.js-plotly-plot').length") == len(figures(nb))
        ),
        timeout=30,
    )
    assert browser.find_elements(By.CSS_SELECTOR, "svg circle")  # the diagram
    frame = browser.find_element(By.TAG_NAME, "iframe")
    browser.switch_to.frame(frame)
    try:  # the playground, served by the kernel, on the network the notebook trained
        wait_for(
            browser,
            lambda: (
                browser.execute_script("return document.querySelectorAll('.boundary-graph .scatterlayer').length") > 0
            ),
            timeout=60,
        )
        wait_for(browser, lambda: "300" in browser.find_element(By.ID, "playground-epoch-label").text, timeout=30)
        held = browser.execute_script(f"return {SESSION}")
    finally:
        browser.switch_to.default_content()
    trained = json.loads(json.dumps(model.decode_share(frame.get_attribute("src").split("#")[1])["network"]))
    assert held["network"]["layers"][0]["weights"] == trained["layers"][0]["weights"]
    for name in ("boundary", "diagram", "playground"):
        element = {
            "boundary": lambda: browser.find_elements(By.CSS_SELECTOR, ".js-plotly-plot")[2],
            "diagram": lambda: browser.find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG")[0],
            "playground": lambda: frame,
        }[name]()
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        time.sleep(0.5)
        element.screenshot(str(SHOTS / f"first-lecture-{name}.png"))
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(height + 200, 16000))
    browser.save_screenshot(str(SHOTS / "first-lecture.png"))
