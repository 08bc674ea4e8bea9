"""Shared fixtures: the app on a live local server, one real headless Chromium for the run, and
the local file server of the download tests.

Starting a browser or an app costs little; what costs is a cold page (Plotly's bundle fetched
and compiled again). So the run keeps one Chromium (and a second for the tests with two people)
and each module one app: the HTTP cache stays warm, and every test still gets a clean tab with
no storage or cookies left by the test before (``fresh_tab``). A test that changes the app's
environment before it starts takes ``fresh_app``.

Browser tests skip with a reason when Chromium is missing, unless PLAYGROUND_REQUIRE_BROWSER=1
(as in CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os

import pytest

from helpers.browser import describe_browser, fresh_tab, serving_the_app, start_browser
from helpers.download_server import file_server_running
from helpers.reports import failed


@pytest.fixture(scope="module")
def live_app():
    """The app of this module's tests (each test has its own session: a clean tab)."""
    with serving_the_app() as url:
        yield url


@pytest.fixture
def fresh_app():
    """An app of the test's own, made after the test changed its environment."""
    with serving_the_app() as url:
        yield url


REQUIRED = [
    name
    for name in ("PLAYGROUND_REQUIRE_DATA", "PLAYGROUND_REQUIRE_BROWSER", "PLAYGROUND_REQUIRE_REDIS")
    if os.environ.get(name) == "1"
]


def pytest_collection_modifyitems(items):
    """A test that drives a browser is a browser test, whatever its file (``-m "not browser"``)."""
    for item in items:
        if {"browser", "second_browser"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether it failed; and under any
    PLAYGROUND_REQUIRE_* variable (as in CI) a skipped test is a failed one: nothing vanishes."""
    outcome = yield
    report = outcome.get_result()
    if REQUIRED and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under {', '.join(REQUIRED)}=1, which makes every skip a failure: {reason}"
    setattr(item, f"report_{report.when}", report)


def pytest_terminal_summary(terminalreporter):
    """The count of skipped tests, always (CI requires 0)."""
    skipped = len(terminalreporter.stats.get("skipped", []))
    terminalreporter.write_line(f"skipped tests: {skipped}")


class Browsers:
    """The run's Chromiums by name, each started when first needed (again if one died)."""

    def __init__(self) -> None:
        self.drivers: dict = {}

    def get(self, name: str):
        driver = self.drivers.get(name)
        if driver is not None:
            try:
                _ = driver.window_handles  # still answering?
                return driver
            except Exception:  # a browser a test crashed: start another
                self.drivers.pop(name)
        driver = self.drivers[name] = start_browser()
        return driver

    def quit(self) -> None:
        for driver in self.drivers.values():
            driver.quit()


@pytest.fixture(scope="session")
def browsers():
    running = Browsers()
    yield running
    running.quit()


@pytest.fixture
def browser(request, browsers):
    """A real headless Chromium, in a clean tab of its own."""
    driver = fresh_tab(browsers.get("first"))
    yield driver
    if failed(request):
        describe_browser(driver)


@pytest.fixture
def second_browser(browsers):
    """Another, separate Chromium: a second person on the same server."""
    return fresh_tab(browsers.get("second"))


@pytest.fixture
def file_server():
    """A local HTTP server of data-set files (tests/helpers/download_server.py)."""
    with file_server_running() as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def rooms_of_the_run(tmp_path_factory):
    """The run's rooms in a SQLite file of its own (never the user's cache folder); server
    processes the tests start inherit it."""
    if "PLAYGROUND_ROOMS_FILE" not in os.environ:
        os.environ["PLAYGROUND_ROOMS_FILE"] = str(tmp_path_factory.mktemp("rooms") / "rooms.sqlite3")
    yield
