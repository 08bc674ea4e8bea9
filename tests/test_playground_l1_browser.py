"""L1 beside L2 on the playground (issue 25, F26), with real input: the box's rate reaches the
session, the readouts show the term the engine computes, a step trains with it and the landscape of
the playground's network carries it."""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from playground.app.session import model

from helpers.browser import epoch_shown, stored, type_into_box, wait_for, wait_until_settled
from helpers.browser import visible_text as text
from helpers.pages import no_errors, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

READOUTS = """
const rows = Array.from(document.querySelectorAll('#playground-readouts table tr'));
return rows.map((r) => Array.from(r.cells).map((c) => c.textContent));
"""


def test_l1_reaches_the_session_the_readouts_and_training(live_app, browser):
    open_page(browser, live_app)
    rows = browser.execute_script(READOUTS)
    assert rows[0][3] == "L2 term" and rows[1][3] == "–"  # no regularisation yet
    type_into_box(browser.find_element(By.ID, "playground-l1"), "0.01", Keys.TAB)
    wait_for(browser, lambda: stored(browser, "session-settings")["l1"] == 0.01)
    wait_for(browser, lambda: browser.execute_script(READOUTS)[0][3] == "L1 term")
    network = model.playground_network(stored(browser, "session-network"))
    shown = float(browser.execute_script(READOUTS)[1][3])
    assert shown == pytest.approx(network.l1_cost(0.01), abs=6e-5)  # four decimals, as the table writes it
    type_into_box(browser.find_element(By.ID, "playground-l2"), "0.001", Keys.TAB)  # both: their sum, both named
    wait_for(browser, lambda: browser.execute_script(READOUTS)[0][3] == "L1 + L2 term")
    assert float(browser.execute_script(READOUTS)[1][3]) == pytest.approx(
        network.l1_cost(0.01) + network.l2_cost(0.001), abs=6e-5
    )
    before = epoch_shown(browser)
    browser.find_element(By.ID, "playground-step").click()  # the server trains with L1 and L2
    wait_for(browser, lambda: epoch_shown(browser) > before)
    wait_until_settled(browser)
    no_errors(browser)
    # The landscape of the playground's network: the path's height is the same cost, L1 and L2 in it.
    network = model.playground_network(stored(browser, "session-network"))
    data = model.check_points(stored(browser, "session-data"))
    expected = network.cost(data.train_inputs, data.train_labels) + network.l1_cost(0.01) + network.l2_cost(0.001)
    browser.find_element(By.ID, "nav-landscape").click()
    wait_for(browser, lambda: "cost " in text(browser, "landscape-status"), timeout=60)
    shown = float(re.search(r"cost ([\d.]+)", text(browser, "landscape-status")).group(1))
    assert shown == pytest.approx(expected, rel=1e-4)
