"""What the browser tests read of the app's browser modules and of the session.

The page's browser code lives under one namespace, ``window.neuralModules`` (the playground
page's module is ``neuralModules.playground``, its run loop ``neuralModules.playgroundPlay``,
the maths ``neuralModules.maths``, the image page's ``neuralModules.images``). The session's
network is the engine's own JSON (``{input_shape, cost, layers: [{type, inputs, outputs,
activation, weights, biases}]}``); these helpers read it the way the sliders name things
(``W[l][i,j]``: weight-layer l from 1, row i, column j).
"""

from __future__ import annotations

import numpy as np
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from playground.app.session import model, stores

# The playground page's module, or null before it loaded.
PLAYGROUND = "(window.neuralModules && window.neuralModules.playground)"
# The session's stores as the tab keeps them (sessionStorage: each store's JSON under its id, written
# only by the session's reducer): {network, data, settings, training}.
SESSION = "({%s})" % ", ".join(f"{part}: JSON.parse(sessionStorage.getItem('{store}'))"
                                for part, store in stores.CORE.items())


def wait_for(driver, condition, timeout=20):
    return WebDriverWait(driver, timeout).until(lambda d: condition())


# ------------------------------------------------------------------ the network as the engine writes it


def layer_sizes(net: dict) -> list[int]:
    return model.architecture(net)["layer_sizes"]


def weights(net: dict) -> list:
    """Every weight-layer's weights, [l][i][j] (l from 0)."""
    return [layer["weights"] for layer in net["layers"]]


def biases(net: dict) -> list:
    return [layer["biases"] for layer in net["layers"]]


def weight(net: dict, layer: int, row: int, column: int) -> float:
    """The weight a slider labels ``W[layer][row,column]`` (layer from 1)."""
    return net["layers"][layer - 1]["weights"][row][column]


def bias(net: dict, layer: int, node: int) -> float:
    """The bias a slider labels ``b[layer][node]`` (layer from 1)."""
    return net["layers"][layer - 1]["biases"][node]


def engine_network(net: dict, dtype=np.float32):
    """The engine's network from the session's JSON (checked as the server checks it)."""
    return model.playground_network(net, dtype=dtype)


def dataset(data: dict):
    return model.check_points(data)


# ------------------------------------------------------------------ the playground page


def shown(driver) -> dict | None:
    """What the playground shows: {net, data, view, l2} (the network painted, the points drawn)."""
    return driver.execute_script(f"const p = {PLAYGROUND}; return p && p.shown ? p.shown : null")


def session(driver) -> dict:
    """The session's stores: {network, data, settings, training}."""
    return driver.execute_script(f"return {SESSION}")


def counter(driver, name: str) -> int:
    """How often a view of the playground refreshed (trainingFrames, renders, paintedFrames, …)."""
    return driver.execute_script(f"return {PLAYGROUND}.counters[arguments[0]]", name)


def render_count(driver) -> int:
    return driver.execute_script(f"return {PLAYGROUND}.renderLog.length")


def playing(driver) -> bool:
    return bool(driver.execute_script("return !!window.neuralModules.playgroundPlay.playing"))


def epoch_shown(driver) -> float:
    """The epoch the page's label shows ("epoch 2.5")."""
    return float(driver.find_element(By.ID, "playground-epoch-label").text.split()[1])


def history_epochs(driver) -> list[float]:
    """The session's cost history: the epoch of each point."""
    return session(driver)["training"]["history"]["epoch"]


RUN_HANDED_OVER = f"""
const page = {PLAYGROUND}, play = window.neuralModules.playgroundPlay;
if (!page || !page.shown || play.playing) return false;
const session = {SESSION}, epochs = session.training.history.epoch;
const last = epochs.length ? epochs[epochs.length - 1] : 0;
const label = document.getElementById('playground-epoch-label').textContent;
return label === 'epoch ' + +last.toFixed(2) && JSON.stringify(session.network) === JSON.stringify(page.shown.net);
"""


def wait_until_run_handed_over(driver, timeout: float = 30) -> None:
    """After a pause or a step: the run has stopped and handed its state to the session (the
    session's stores hold the network painted, and a history that ends at the epoch the label shows)."""
    wait_for(driver, lambda: driver.execute_script(RUN_HANDED_OVER), timeout=timeout)

