"""Shared fixtures: the app on a live local server, and a real headless Chromium.

Browser tests skip with a reason when Chromium is missing, unless
PLAYGROUND_REQUIRE_BROWSER=1 (as in CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PLAYGROUND_CHROMEDRIVER", "/usr/bin/chromedriver")


def _missing(reason: str, variable: str):
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason} ({variable}=1)")
    pytest.skip(reason)


def real_data_dir(subfolder: str) -> Path:
    """PLAYGROUND_DATA_DIR when it holds ``subfolder``; else skip (or fail under PLAYGROUND_REQUIRE_DATA=1)."""
    value = os.environ.get("PLAYGROUND_DATA_DIR")
    if not value:
        reason = "PLAYGROUND_DATA_DIR is not set"
    elif not (Path(value) / subfolder).is_dir():
        reason = f"PLAYGROUND_DATA_DIR={value} has no {subfolder}/ folder"
    else:
        return Path(value)
    if os.environ.get("PLAYGROUND_REQUIRE_DATA") == "1":
        pytest.fail(f"{reason}, and PLAYGROUND_REQUIRE_DATA=1 requires the real image data sets")
    pytest.skip(f"{reason}: these tests need the real image data sets (see ../shared/data/README.md)")


@pytest.fixture
def live_app():
    """The real app served on 127.0.0.1 on a free port; yields its URL."""
    from werkzeug.serving import make_server

    from playground.app.main import create_app

    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def start_browser():
    """A headless Chromium driven by Selenium, as a person's browser would be."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        _missing(f"no Chromium at {CHROMIUM} with a driver at {CHROMEDRIVER}", "PLAYGROUND_REQUIRE_BROWSER")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,1100"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell whether it failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def failed(request) -> bool:
    """Whether the test using this fixture failed (for teardown diagnostics)."""
    report = getattr(request.node, "report_call", None)
    return bool(report and report.failed)


def describe_browser(driver) -> None:
    """What a failed browser test left on the screen: the address, the console, the text."""
    try:
        print("browser at", driver.current_url)
        for entry in driver.get_log("browser"):
            print("console", entry.get("level"), entry.get("message", "")[:300])
        print("page text:", driver.find_element("tag name", "body").text[:1500])
    except Exception as error:  # the browser itself may be what failed
        print("the browser could not be described:", error)


@pytest.fixture
def browser(request):
    """A real headless Chromium (its own fresh profile)."""
    driver = start_browser()
    yield driver
    if failed(request):
        describe_browser(driver)
    driver.quit()


@pytest.fixture
def second_browser():
    """Another, separate Chromium: a second person on the same server."""
    driver = start_browser()
    yield driver
    driver.quit()
