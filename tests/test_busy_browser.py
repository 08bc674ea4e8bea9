"""A busy server is asked again (issue 22): a lecture hall behind one address meets the server's
per-address cap first, and Dash's callbacks do not retry a 429 on their own. Here the cap is one
request with a body in work at once, so a page load's callbacks are refused again and again; the
pages still draw everything, in a real headless Chromium (without assets/busy.js, Dash's
renderer logs the refused callback and its outputs stay undrawn)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from selenium.webdriver.common.by import By

from helpers.browser import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


class Statuses:
    """WSGI middleware counting the answers' statuses (around the request guard)."""

    def __init__(self, app) -> None:
        self.app, self.seen, self.lock = app, Counter(), threading.Lock()

    def __call__(self, environ, start_response):
        def counted(status, headers, exc_info=None):
            with self.lock:
                self.seen[int(status.split()[0])] += 1
            return start_response(status, headers, exc_info)

        return self.app(environ, counted)


class Slowed:
    """WSGI middleware under the request guard: each callback takes at least a tenth of a second
    in work, as on a loaded server, so a page load's callbacks overlap on any machine (on a fast
    one they could all finish before the next arrived, and the cap was never met)."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST":
            threading.Event().wait(0.1)  # the work's time, not a wait for a condition
        return self.app(environ, start_response)


@pytest.fixture
def crowded_app(monkeypatch):
    """The app with room for one request with a body in work per address, its answers counted."""
    from werkzeug.serving import make_server

    from playground.app.main import create_app

    monkeypatch.setenv("PLAYGROUND_LIMITS", "client_requests=1")
    server = create_app().server
    guard = server.wsgi_app
    guard.app = Slowed(guard.app)  # beneath the guard: the request counts as in work meanwhile
    statuses = Statuses(guard)
    server.wsgi_app = statuses
    http = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", statuses
    http.shutdown()
    thread.join(timeout=5)


def test_callbacks_refused_as_busy_are_sent_again_and_the_pages_draw(crowded_app, browser):
    url, statuses = crowded_app

    def shows(element_id: str, attribute: str = "textContent") -> bool:
        found = browser.find_elements(By.ID, element_id)
        return bool(found and (found[0].get_attribute(attribute) or "").strip())

    for page, ready, attribute in [
        ("/", "playground-epoch-label", "textContent"),
        ("/landscape", "landscape-status", "textContent"),
        ("/images", "images-epochs", "value"),
        ("/", "playground-epoch-label", "textContent"),
    ]:
        browser.get(url + page)
        wait_for(browser, lambda: shows(ready, attribute), timeout=90)
    assert statuses.seen[429] > 0, statuses.seen  # the cap was met …
    wait_for(browser, lambda: "epoch" in browser.find_element(By.ID, "playground-epoch-label").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#playground-sliders .dash-slider-thumb")  # … and all was drawn
    message = browser.find_element(By.ID, "app-message").text
    assert "went wrong" not in message and "could not" not in message, message
    errors = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "429" not in entry["message"]
    ]  # the refusals themselves are logged by Chromium
    assert not errors, errors
