"""The page's requests under Node (assets/busy.js, issue 22): every POST names the tab's session,
a busy callback is asked again after the server's Retry-After, and when it stays busy the app's
message line says so."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from helpers.needs import node

pytestmark = pytest.mark.timeout(60)

BUSY = Path(__file__).resolve().parent.parent / "assets" / "busy.js"
HARNESS = r"""
const calls = [], said = [];
const status = Number(process.argv[2]);
global.window = {
  fetch: async (input, init) => {
    calls.push({ url: input, session: init && init.headers ? new Headers(init.headers).get("X-Playground-Session") : null });
    return { status, headers: new Headers({ "Retry-After": "0.001" }) };
  },
  sessionStorage: { getItem: (name) => (name === "session-key" ? JSON.stringify("the-tabs-key") : null) },
  location: { origin: "http://127.0.0.1:8050" },
  dash_clientside: { set_props: (id, props) => said.push([id, props.children]) },
};
require(process.argv[1]);
(async () => {
  const callback = await window.fetch("/_dash-update-component", { method: "POST", body: "{}" });
  const route = await window.fetch("/_playground/train", { method: "POST", body: "{}" });
  await window.fetch("/_dash-layout");
  await window.fetch("https://elsewhere.example/x", { method: "POST", body: "{}" });
  console.log(JSON.stringify({ calls, said, statuses: [callback.status, route.status] }));
})();
"""


def run(status: int) -> dict:
    done = subprocess.run([node(), "-e", HARNESS, str(BUSY), str(status)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_post_of_the_page_names_its_session_and_nothing_else_does():
    seen = run(200)
    sessions = {call["url"]: call["session"] for call in seen["calls"]}
    assert sessions == {
        "/_dash-update-component": "the-tabs-key",
        "/_playground/train": "the-tabs-key",
        "/_dash-layout": None,
        "https://elsewhere.example/x": None,
    }
    assert seen["said"] == []


def test_a_callback_that_stays_busy_is_asked_again_then_the_page_says_so():
    seen = run(429)
    callbacks = [call for call in seen["calls"] if call["url"] == "/_dash-update-component"]
    assert len(callbacks) == 1 + 8  # the first try and RETRIES more
    assert [call["url"] for call in seen["calls"]].count("/_playground/train") == 1  # routes retry in runner.js
    assert seen["statuses"] == [429, 429]
    assert len(seen["said"]) == 1 and seen["said"][0][0] == "app-message" and "very busy" in seen["said"][0][1]
