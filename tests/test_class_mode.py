"""Class mode on real parts: a redis-server, Celery workers (``playground worker``) and
``playground serve --redis-url --workers 2``, all started here on 127.0.0.1, driven through a
real headless Chromium.

Required, not skipped, when PLAYGROUND_REQUIRE_REDIS=1 (as in CI). Each fault of SPEC's
reliability rules has its test: a worker killed mid-job, a Redis outage, a restart of the web
process, a browser that went away, and the job cap shared by every web process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from helpers.browser import choose, text, wait_for
from helpers.needs import real_data_dir
from helpers.pages import open_images, tab, train, type_into
from helpers.reports import failed
from helpers.servers import ROOT, RedisServer, ServerProcess

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
HEARTBEAT = 6  # seconds a job waits for its page here (the default is 45)
LIMITS = ("--limit", f"job_heartbeat_seconds={HEARTBEAT}")


class Worker:
    """``playground worker`` in its own process group (so a kill takes its pool too)."""

    def __init__(self, redis_url: str, env: dict) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "playground.cli", "worker", "--redis-url", redis_url, "--concurrency", "1", *LIMITS],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.redis_url = redis_url
        self.wait_until_it_answers()

    def answers(self) -> bool:
        """Whether the worker answers a ping through the broker (within half a second)."""
        from playground.app.server.classmode import celery_app

        app = celery_app(self.redis_url)
        try:
            replies = app.control.ping(timeout=0.5)
        except Exception:
            return False
        return any(f"-{self.process.pid}@" in name for reply in replies for name in reply)

    def wait_until_it_answers(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the worker stopped")
            if self.answers():
                return
        raise RuntimeError(f"the worker did not answer within {seconds:g} s")

    def pids(self) -> set[int]:
        main = psutil.Process(self.process.pid)
        return {main.pid, *(child.pid for child in main.children(recursive=True))}

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


class Workers:
    """The module's Celery worker: started once, started again after a test killed it."""

    def __init__(self, redis_url: str, env: dict) -> None:
        self.redis_url, self.env, self.current = redis_url, env, None

    def running(self) -> Worker:
        if self.current is None or self.current.process.poll() is not None:
            self.current = Worker(self.redis_url, self.env)
        return self.current

    def stop(self) -> None:
        if self.current is not None:
            self.current.kill()


# Redis, the worker and the web server start once for the module (seconds each); a test that
# stops one (a Redis outage, a killed worker) leaves it to these fixtures to bring it back.
@pytest.fixture(scope="module")
def redis_running(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_server(redis_running):
    """Redis, up, with no job marked running by a test before (each test's jobs are its own)."""
    import redis

    if redis_running.process.poll() is not None:
        redis_running.start()
    client = redis.Redis(port=redis_running.port)
    for key in client.scan_iter(match="jobs:running:*"):
        client.delete(key)
    return redis_running


@pytest.fixture(scope="module")
def class_env(tmp_path_factory):
    return {"PLAYGROUND_JOBS_DIR": str(tmp_path_factory.mktemp("jobs"))}


@pytest.fixture(scope="module")
def workers(redis_running, class_env):
    started = Workers(redis_running.url, class_env)
    yield started
    started.stop()


@pytest.fixture
def worker(redis_server, workers):
    return workers.running()


@pytest.fixture(scope="module")
def class_server_running(redis_running, class_env):
    server = ServerProcess("--redis-url", redis_running.url, "--workers", "2", *LIMITS, env=class_env)
    yield server
    server.stop()


@pytest.fixture
def class_server(request, redis_server, worker, class_server_running):
    yield class_server_running
    if failed(request):
        print("the server's output (end):", class_server_running.output()[-4000:])


def url_of(server: ServerProcess) -> str:
    return f"http://127.0.0.1:{server.port}"


def session_key(driver) -> str:
    return json.loads(driver.execute_script("return sessionStorage.getItem('session-key')"))


def job_state(redis_url: str, key: str) -> dict:
    from playground.app.server.jobs import JobStore
    from playground.app.server.models import key_of

    with JobStore(redis_url) as store:
        return store.get(key_of("status", key)) or {}


def start_long_job(driver) -> None:
    """Start a job that would train for many minutes (200 epochs of MNIST)."""
    real_data_dir("mnist")
    try:
        choose(driver, "images-dataset", "MNIST digits")
    except StaleElementReferenceException:  # the menu re-rendered under the mouse: choose again
        choose(driver, "images-dataset", "MNIST digits")
    wait_for(driver, lambda: driver.find_element(By.ID, "images-preview").get_attribute("src"))
    type_into(driver, "images-epochs", 200)
    driver.find_element(By.ID, "images-start").click()
    wait_for(driver, lambda: "epoch" in text(driver, "images-progress-text"), timeout=60)


def test_a_job_trains_on_a_celery_worker_not_in_the_web_server(class_server, worker, redis_server, browser):
    open_images(browser, url_of(class_server))
    type_into(browser, "images-epochs", 5)
    message = train(browser, timeout=120)
    assert "test accuracy" in message
    status = job_state(redis_server.url, session_key(browser))
    pid = int(status["process"].split(":")[1])
    assert pid in worker.pids()  # trained by the worker's pool …
    server_pids = {class_server.process.pid, *(p.pid for p in psutil.Process(class_server.process.pid).children(True))}
    assert pid not in server_pids  # … not by a web process
    tab(browser, "Models")
    wait_for(browser, lambda: "64-64-10 tanh" in text(browser, "images-model-summary"))


def test_killing_the_worker_mid_job_fails_the_job_and_a_new_one_can_start(
    class_server, worker, redis_server, class_env, browser
):
    open_images(browser, url_of(class_server))
    start_long_job(browser)
    worker.kill()
    wait_for(browser, lambda: "the process training it ended" in text(browser, "images-job-message"), timeout=60)
    assert job_state(redis_server.url, session_key(browser))["state"] == "failed"
    replacement = Worker(redis_server.url, class_env)
    try:
        type_into(browser, "images-epochs", 3)
        assert "test accuracy" in train(browser, timeout=120)
    finally:
        replacement.kill()


def test_a_redis_outage_gets_a_clear_message_and_the_page_recovers(class_server, redis_server, worker, browser):
    open_images(browser, url_of(class_server))
    type_into(browser, "images-epochs", 3)
    redis_server.stop()
    browser.find_element(By.ID, "images-start").click()
    wait_for(browser, lambda: "is not answering" in text(browser, "app-message"), timeout=30)
    assert "Redis" in text(browser, "app-message")
    assert browser.find_element(By.ID, "images-epochs").get_attribute("value") == "3"  # nothing lost
    redis_server.start()
    worker.wait_until_it_answers()  # the worker reconnects to the broker
    assert "test accuracy" in train(browser, timeout=120)


@pytest.mark.parametrize("mode", ["default", "class"])
def test_a_restart_of_the_web_process_loses_no_saved_model(mode, redis_server, worker, class_env, browser):
    arguments = ("--redis-url", redis_server.url) if mode == "class" else ()
    server = ServerProcess(*arguments, *LIMITS, env=class_env)
    port = server.port
    try:
        open_images(browser, url_of(server))
        type_into(browser, "images-epochs", 3)
        train(browser, timeout=120)
        server.stop()
        server = ServerProcess(*arguments, *LIMITS, env=class_env, port=port)
        browser.refresh()  # the same tab: the same session key
        open_images(browser, url_of(server))
        tab(browser, "Models")
        wait_for(browser, lambda: "64-64-10 tanh" in text(browser, "images-model-summary"), timeout=30)
    except BaseException:
        print("the server's output (end):", server.output()[-4000:])  # for the failure's report
        raise
    finally:
        server.stop()


def test_a_job_whose_browser_went_away_is_stopped(class_server, redis_server, browser):
    open_images(browser, url_of(class_server))
    start_long_job(browser)
    key = session_key(browser)
    browser.get("about:blank")  # the page is gone: no more polls, so no heartbeat
    wait_for(browser, lambda: job_state(redis_server.url, key).get("state") == "abandoned", timeout=HEARTBEAT + 30)
    assert "the page went away" in job_state(redis_server.url, key)["message"]


def test_the_job_cap_holds_across_web_processes_and_busy_is_a_message(
    redis_server, worker, class_env, browser, second_browser
):
    server = ServerProcess(
        "--redis-url", redis_server.url, "--workers", "2", "--limit", "jobs=1", *LIMITS, env=class_env
    )
    try:
        open_images(browser, url_of(server))
        start_long_job(browser)
        open_images(second_browser, url_of(server))
        second_browser.find_element(By.ID, "images-start").click()
        wait_for(
            second_browser,
            lambda: "busy: this server runs at most 1 long jobs" in text(second_browser, "images-start-message"),
            timeout=30,
        )
        assert not text(second_browser, "app-message")  # a message, not an error
        browser.find_element(By.ID, "images-stop").click()
        wait_for(browser, lambda: text(browser, "images-job-message").startswith("stopped"), timeout=60)
    finally:
        server.stop()


def test_a_landscape_slice_is_a_celery_job_too(class_server, browser):
    from helpers.browser import graph_data
    from helpers.pages import open_landscape

    open_landscape(browser, url_of(class_server))
    browser.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Big networks']").click()
    wait_for(browser, lambda: browser.find_elements(By.ID, "landscape-slice-go"))
    browser.find_element(By.ID, "landscape-slice-go").click()
    wait_for(browser, lambda: "cost" in text(browser, "landscape-slice-result"), timeout=120)
    z = graph_data(browser, "landscape-slice-contour", 0, "z")
    assert len(z) == 31 and len(z[0]) == 31
