"""A student's phone in a room (page /join, issue 26, SPEC F28), in a real headless Chromium at
360×640 with touch events: real input only (a finger's drag, taps, typing), never a value set by
script. The room is opened and driven by the teacher through the HTTP API (docs/rooms.md), as a
script would; the page's answers are checked against the server's own (the board, /me).

Screenshots (360×640, and one at 1280×720) go to $PLAYGROUND_SCREENSHOTS or /tmp/shots.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from playground.app.session import model

from helpers.browser import reset_viewport, serving_the_app, visible_text, wait_for

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", "/tmp/shots"))
PHONE = (360, 640)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app, on a rooms file of this module's own."""
    saved = os.environ.get("PLAYGROUND_ROOMS_FILE")
    os.environ["PLAYGROUND_ROOMS_FILE"] = str(tmp_path_factory.mktemp("rooms") / "rooms.sqlite3")
    try:
        with serving_the_app() as url:
            yield url
    finally:
        if saved is None:
            os.environ.pop("PLAYGROUND_ROOMS_FILE", None)
        else:
            os.environ["PLAYGROUND_ROOMS_FILE"] = saved


# ---------------------------------------------------------------------------- the API, as a script calls it


def api(url: str, method: str, path: str, body=None, token: str | None = None):
    """(status, JSON answer) of one request to the rooms' API."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + "/api/rooms" + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Room:
    """A room the test opened: its code and the teacher's hand."""

    def __init__(self, url: str, round_=None, **body) -> None:
        self.url = url
        status, answer = api(url, "POST", "", {**body, **({"round": round_} if round_ else {})})
        assert status == 201, answer
        self.code, self.token = answer["code"], answer["teacher_token"]

    def teacher(self, method: str, path: str, body=None):
        status, answer = api(self.url, method, f"/{self.code}{path}", body, self.token)
        assert status == 200, answer
        return answer

    def board(self) -> dict:
        return api(self.url, "GET", f"/{self.code}/board")[1]

    def describe(self) -> dict:
        return api(self.url, "GET", f"/{self.code}")[1]


# ---------------------------------------------------------------------------- a phone


def as_phone(driver) -> None:
    """A 360×640 touch screen (two device pixels a CSS pixel, as most phones)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True},
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})


def leave_phone(driver) -> None:
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
    reset_viewport(driver)


def finger(driver) -> ActionBuilder:
    return ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))


def into_view(driver, element) -> None:
    """Scroll the element to the screen's foot, as a thumb would (the plane stays in sight at its top)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", element)


def tap(driver, element) -> None:
    """A finger's tap on the element's middle."""
    into_view(driver, element)
    actions = finger(driver)
    actions.pointer_action.move_to(element).pointer_down().pause(0.05).pointer_up()
    actions.perform()


def drag(driver, element, from_x: float, to_x: float, steps: int = 8) -> None:
    """A finger pressed at ``from_x`` px from the element's middle, moved to ``to_x`` in steps, lifted."""
    into_view(driver, element)
    actions = finger(driver)
    pointer = actions.pointer_action.move_to(element, int(from_x), 0).pointer_down().pause(0.05)
    for k in range(1, steps + 1):
        pointer.move_to(element, int(from_x + (to_x - from_x) * k / steps), 0).pause(0.02)
    pointer.pointer_up()
    actions.perform()


def swipe_up(driver, element, pixels: int, steps: int = 8) -> None:
    """A thumb laid on the element and pushed up the screen (the page scrolls down), lifted."""
    actions = finger(driver)
    pointer = actions.pointer_action.move_to(element, 40, 0).pointer_down().pause(0.05)
    for _ in range(steps):
        pointer.move_by(1, -pixels // steps).pause(0.02)
    pointer.pointer_up()
    actions.perform()


def slider_values(driver) -> list[str]:
    return driver.execute_script("return Array.from(document.querySelectorAll('.join-slider input'), (e) => e.value)")


def type_text(driver, element, text: str) -> None:
    """Tap a box and type into it, in place of what it held (selected by the keyboard first)."""
    tap(driver, element)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)


def shoot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / name))


def no_sideways_scroll(driver) -> bool:
    return driver.execute_script("return document.scrollingElement.scrollWidth <= window.innerWidth")


SMALL_TEXT = """
// Every element showing text of its own, and its font size: those under 16 px.
const small = [];
for (const e of document.querySelectorAll('body *')) {
  if (!e.offsetParent && getComputedStyle(e).position !== 'fixed') continue;
  const own = Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
  if (own && parseFloat(getComputedStyle(e).fontSize) < 16) small.push(e.tagName + ' ' + e.className + ': ' + e.textContent.slice(0, 30));
}
return small;
"""


def shown_element(driver, element_id: str):
    """The element with this id once it is shown (waited for)."""
    return wait_for(
        driver, lambda: next((e for e in driver.find_elements(By.ID, element_id) if e.is_displayed()), None)
    )


def open_phone(driver, url: str, code: str, nickname: str) -> None:
    """The phone opens the room's join link and takes a seat under ``nickname``."""
    as_phone(driver)
    driver.get(f"{url}/join/{code}")
    box = shown_element(driver, "join-nickname")
    type_text(driver, box, nickname)
    tap(driver, driver.find_element(By.CSS_SELECTOR, "#join-seat button[type=submit]"))
    wait_for(driver, lambda: driver.find_element(By.ID, "join-room").is_displayed())
    wait_for(driver, lambda: nickname in visible_text(driver, "join-who"))


def slider_input(driver, label: str):
    return driver.find_element(
        By.XPATH, f"//div[contains(@class,'join-slider')][span[starts-with(text(),'{label}')]]//input"
    )


def stored_seat(driver, code: str) -> dict:
    """What the phone keeps of its seat (read, never written, by the test)."""
    return (
        driver.execute_script("return JSON.parse(localStorage.getItem('playground-room-' + arguments[0]))", code) or {}
    )


def percent(value: float) -> str:
    return f"{100 * value:.1f} %"  # as Selenium reads the page's "40.0\u00a0%"


# ---------------------------------------------------------------------------- the tests


@pytest.mark.timeout(180)
def test_a_phone_joins_tunes_by_touch_submits_and_keeps_its_seat(browser, app_url):
    room = Room(app_url)
    try:
        open_phone(browser, app_url, room.code, "ada")
        assert no_sideways_scroll(browser)
        assert browser.execute_script(SMALL_TEXT) == []
        shoot(browser, "join-phone-hand-tune.png")
        # Drag W[1][0,0] by a finger: the slider's value and the network the page keeps follow.
        before = stored_seat(browser, room.code).get("network")
        weight = slider_input(browser, "W[1][0,0]")
        start = float(weight.get_attribute("value"))
        drag(browser, weight, 0, 60)
        wait_for(browser, lambda: float(weight.get_attribute("value")) != start)
        wait_for(browser, lambda: stored_seat(browser, room.code).get("network") not in (None, before))
        moved = float(weight.get_attribute("value"))
        assert moved > start
        kept = stored_seat(browser, room.code)["network"]["layers"][0]["weights"][0][0]
        assert kept == pytest.approx(moved)
        # A thumb scrolling the list over the sliders scrolls the page and moves none of them.
        values, scrolled = slider_values(browser), browser.execute_script("return window.scrollY")
        swipe_up(browser, slider_input(browser, "W[1][1,0]"), 160)
        wait_for(browser, lambda: browser.execute_script("return window.scrollY") > scrolled + 40)
        assert slider_values(browser) == values
        # Submit: the score shown is the server's, as its board has it.
        tap(browser, browser.find_element(By.ID, "join-submit"))
        wait_for(browser, lambda: "rank" in visible_text(browser, "join-score"))
        entry = room.board()["entries"][0]
        shown = visible_text(browser, "join-score")
        assert entry["nickname"] == "ada"
        assert f"test accuracy {percent(entry['test_accuracy'])}" in shown
        assert f"test cost {entry['test_cost']:.4f}" in shown
        assert "rank 1" in shown
        shoot(browser, "join-phone-submitted.png")
        # A reload keeps the seat and the network.
        browser.refresh()
        wait_for(browser, lambda: browser.find_element(By.ID, "join-room").is_displayed())
        wait_for(browser, lambda: "ada" in visible_text(browser, "join-who"))
        weight = slider_input(browser, "W[1][0,0]")
        wait_for(browser, lambda: float(weight.get_attribute("value")) == pytest.approx(moved))
        wait_for(browser, lambda: "rank 1" in visible_text(browser, "join-score"))
        assert not browser.find_element(By.ID, "join-seat").is_displayed()
    finally:
        leave_phone(browser)


SLIDER = """
const row = Array.from(document.querySelectorAll('.join-slider'))
  .find((r) => r.querySelector('.join-slider-name').firstChild.textContent === arguments[0]);
return row ? {value: Number(row.querySelector('input').value), enabled: !row.querySelector('input').disabled} : null;
"""


def slider_state(driver, label: str) -> dict | None:
    """A slider's value and whether it takes a finger, read in one go (the page may be drawing the sliders anew)."""
    return driver.execute_script(SLIDER, label)


def slider_enabled(driver, label: str) -> bool:
    return slider_state(driver, label)["enabled"]


@pytest.mark.timeout(180)
def test_what_the_teacher_pushes_reaches_the_phone(browser, app_url):
    room = Room(app_url)
    try:
        open_phone(browser, app_url, room.code, "grace")
        room.teacher("POST", "/settings", {"learn_rate": 0.1})
        wait_for(browser, lambda: visible_text(browser, "join-learn-rate") == "learn rate 0.1")
        # Locked: the page says so, and nothing can be moved or submitted.
        room.teacher("POST", "/settings", {"locked": True})
        wait_for(browser, lambda: "locked" in visible_text(browser, "join-notice"))
        assert not browser.find_element(By.ID, "join-submit").is_enabled()
        assert not slider_enabled(browser, "W[1][0,0]") and not slider_enabled(browser, "b[2][1]")
        shoot(browser, "join-phone-locked.png")
        # Unlocked, with the first weight-layer and one weight of the second held still.
        room.teacher("POST", "/settings", {"locked": False, "held_layers": [1], "held_weights": [["W", 2, 0, 0]]})
        wait_for(browser, lambda: visible_text(browser, "join-notice") == "")
        wait_for(browser, lambda: slider_enabled(browser, "W[2][0,1]"))
        assert not slider_enabled(browser, "W[1][0,0]") and not slider_enabled(browser, "b[1][2]")
        assert not slider_enabled(browser, "W[2][0,0]")
        assert no_sideways_scroll(browser) and browser.execute_script(SMALL_TEXT) == []
        into_view(browser, slider_input(browser, "W[2][0,1]"))
        shoot(browser, "join-phone-held.png")
        assert browser.find_element(By.ID, "join-submit").is_enabled()
        # A free weight moved by touch is submitted and taken (the held ones kept the room's values).
        weight = slider_input(browser, "b[2][0]")
        start = float(weight.get_attribute("value"))
        drag(browser, weight, 0, -50)
        wait_for(browser, lambda: float(weight.get_attribute("value")) < start)
        tap(browser, browser.find_element(By.ID, "join-submit"))
        wait_for(browser, lambda: "rank 1" in visible_text(browser, "join-score"))
        # A new network for everyone: the phone starts again from it (its score of the old round gone).
        network = room.describe()["network"]
        network["layers"][1]["biases"] = [1.5, -1.5]
        room.teacher("POST", "/settings", {"network": network})
        wait_for(browser, lambda: slider_state(browser, "b[2][0]")["value"] == 1.5)
        wait_for(browser, lambda: visible_text(browser, "join-score") == "")
        assert slider_enabled(browser, "W[1][0,0]")  # a new network's locks start afresh
        # Removed by the teacher: the phone is told, and may join again.
        room.teacher("DELETE", "/students/grace")
        wait_for(browser, lambda: "no longer in this room" in visible_text(browser, "join-message"))
        box = browser.find_element(By.ID, "join-nickname")
        assert box.is_displayed()
        type_text(browser, box, "grace again")
        tap(browser, browser.find_element(By.CSS_SELECTOR, "#join-seat button[type=submit]"))
        wait_for(browser, lambda: "grace again" in visible_text(browser, "join-who"))
        # Closed: said, and nothing more to do.
        room.teacher("POST", "/close", {})
        wait_for(browser, lambda: "closed" in visible_text(browser, "join-notice"))
        assert not browser.find_element(By.ID, "join-submit").is_enabled()
    finally:
        leave_phone(browser)


@pytest.mark.timeout(120)
def test_the_code_and_the_nickname_get_the_servers_answers(browser, app_url):
    room = Room(app_url)
    status, _ = api(app_url, "POST", f"/{room.code}/students", {"nickname": "alan"})
    assert status == 201
    try:
        as_phone(browser)
        browser.get(f"{app_url}/join")
        box = shown_element(browser, "join-code-box")
        go = browser.find_element(By.CSS_SELECTOR, "#join-enter button[type=submit]")
        wrong = "QQQQQ" if room.code != "QQQQQ" else "WWWWW"
        type_text(browser, box, wrong.lower())
        tap(browser, go)
        wait_for(browser, lambda: "there is no room" in visible_text(browser, "join-message"))
        assert no_sideways_scroll(browser) and browser.execute_script(SMALL_TEXT) == []
        shoot(browser, "join-phone-no-room.png")
        type_text(browser, box, room.code.lower())
        tap(browser, go)
        wait_for(browser, lambda: browser.current_url.endswith(f"/join/{room.code}"))
        nickname = shown_element(browser, "join-nickname")
        type_text(browser, nickname, "alan")
        tap(browser, browser.find_element(By.CSS_SELECTOR, "#join-seat button[type=submit]"))
        wait_for(browser, lambda: "'alan' already" in visible_text(browser, "join-message"))
        assert not browser.find_element(By.ID, "join-room").is_displayed()
        shoot(browser, "join-phone-nickname-taken.png")
        # A closed room has no seat to take: said before another nickname is typed.
        room.teacher("POST", "/close", {})
        wait_for(browser, lambda: "room is closed" in visible_text(browser, "join-message"))
        assert not browser.find_element(By.ID, "join-seat").is_displayed()
    finally:
        leave_phone(browser)


def board_votes(room: Room, phase: str) -> list[int]:
    return room.board()["votes"][phase]


@pytest.mark.timeout(180)
def test_a_vote_before_and_after_the_run(browser, app_url):
    question = "Learn rate 3 on this network: what will it do?"
    options = ["crawl", "converge", "bounce", "diverge"]
    room = Room(app_url, {"kind": "predict", "question": question, "options": options, "epochs": 30, "learn_rate": 0.5})
    try:
        open_phone(browser, app_url, room.code, "kathy")
        wait_for(browser, lambda: visible_text(browser, "join-question") == question)
        assert visible_text(browser, "join-learn-rate") == "learn rate 0.5"  # the run's own
        buttons = browser.find_elements(By.CSS_SELECTOR, "#join-options button")
        assert [b.text for b in buttons] == options
        assert all(b.size["height"] >= 48 for b in buttons)
        tap(browser, buttons[3])
        wait_for(browser, lambda: board_votes(room, "before") == [0, 0, 0, 1])
        wait_for(browser, lambda: "Your vote: diverge" in visible_text(browser, "join-voted"))
        assert no_sideways_scroll(browser)
        shoot(browser, "join-phone-predict.png")
        # The teacher's run: played back on the phone to its last frame, then the second vote.
        room.teacher("POST", "/round", {"action": "run"})
        run = room.describe()["round"]["run"]
        last = f"epoch {run['epochs'][-1]:g} of {run['epochs'][-1]:g}"
        wait_for(browser, lambda: last in visible_text(browser, "join-frame"), timeout=30)
        wait_for(browser, lambda: "vote again" in visible_text(browser, "join-voted"))
        into_view(browser, browser.find_element(By.ID, "join-replay"))
        assert no_sideways_scroll(browser) and browser.execute_script(SMALL_TEXT) == []
        shoot(browser, "join-phone-after-run.png")
        tap(browser, browser.find_elements(By.CSS_SELECTOR, "#join-options button")[1])
        wait_for(browser, lambda: board_votes(room, "after") == [0, 1, 0, 0])
        assert board_votes(room, "before") == [0, 0, 0, 1]
    finally:
        leave_phone(browser)


@pytest.mark.timeout(240)
def test_a_train_race_within_the_rounds_limits(browser, app_url):
    limits = {"kind": "train", "max_hidden_layers": 2, "max_width": 4, "activations": ["tanh", "relu"], "epochs": 20}
    room = Room(app_url, limits)
    try:
        open_phone(browser, app_url, room.code, "barbara")
        wait_for(browser, lambda: "At most 2 hidden layers of at most 4 nodes" in visible_text(browser, "join-limits"))
        rate = browser.find_element(By.ID, "join-train-learn-rate")
        assert float(rate.get_attribute("value")) == room.describe()["settings"]["learn_rate"]  # the room's, pre-filled
        # One more hidden layer, its width up by one, ReLU, a learn rate of 0.5: train.
        tap(browser, browser.find_element(By.CSS_SELECTOR, "[data-join=layers][data-change='1']"))
        wait_for(
            browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "[data-join=width][data-change='1']")) == 2
        )
        tap(browser, browser.find_elements(By.CSS_SELECTOR, "[data-join=width][data-change='1']")[1])
        tap(browser, browser.find_element(By.CSS_SELECTOR, "[data-join=activation][data-value=relu]"))
        type_text(browser, rate, "0.5")
        assert no_sideways_scroll(browser) and browser.execute_script(SMALL_TEXT) == []
        shoot(browser, "join-phone-train.png")
        tap(browser, browser.find_element(By.ID, "join-train-go"))
        wait_for(browser, lambda: "trained" in visible_text(browser, "join-score"), timeout=60)
        entry = room.board()["entries"][0]
        assert entry["nickname"] == "barbara" and entry["submissions"] == 1
        shown = visible_text(browser, "join-score")
        assert f"test accuracy {percent(entry['test_accuracy'])}" in shown and "rank 1" in shown
        layers = stored_seat(browser, room.code)["network"]["layers"]
        assert [layer["outputs"] for layer in layers] == [3, 4, 2]
        assert [layer["activation"] for layer in layers[:2]] == ["relu", "relu"]
        # Train more: the same network, further.
        more = browser.find_element(By.ID, "join-train-more")
        wait_for(browser, more.is_enabled)
        tap(browser, more)
        wait_for(browser, lambda: room.board()["entries"][0]["submissions"] == 2, timeout=60)
        shoot(browser, "join-phone-trained.png")
    finally:
        leave_phone(browser)


@pytest.mark.timeout(120)
def test_lecture_mode_and_a_wide_screen(browser, app_url):
    room = Room(app_url)
    try:
        open_phone(browser, app_url, room.code, "edsger")
        tap(browser, browser.find_element(By.ID, "lecture-toggle"))
        wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
        assert no_sideways_scroll(browser)
        shoot(browser, "join-phone-lecture.png")
        tap(browser, browser.find_element(By.ID, "lecture-toggle"))
        leave_phone(browser)
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False},
        )
        browser.refresh()
        wait_for(browser, lambda: "edsger" in visible_text(browser, "join-who"))
        assert no_sideways_scroll(browser)
        shoot(browser, "join-1280x720.png")
        browser.find_element(By.ID, "lecture-toggle").click()
        wait_for(browser, lambda: browser.execute_script("return document.body.classList.contains('lecture')"))
        assert no_sideways_scroll(browser)
        shoot(browser, "join-lecture-1280x720.png")
        browser.find_element(By.ID, "lecture-toggle").click()
    finally:
        leave_phone(browser)


@pytest.mark.timeout(120)
def test_a_regression_room_scores_by_cost(browser, app_url):
    data = model.generate_points("plane", 0.0, 0.5, 1, 200)
    network = model.dense_network_json([2, 3, 1], ["tanh"], "linear", "quadratic", seed=1, task="regression")
    room = Room(app_url, data=data, network=network)
    try:
        open_phone(browser, app_url, room.code, "ada")
        wait_for(browser, lambda: "the lowest test cost wins" in visible_text(browser, "join-task"))
        assert "right" not in visible_text(browser, "join-readout")  # no accuracy for a regression
        weight = slider_input(browser, "W[2][0,0]")
        start = float(weight.get_attribute("value"))
        drag(browser, weight, 0, 40)
        wait_for(browser, lambda: float(weight.get_attribute("value")) != start)
        tap(browser, browser.find_element(By.ID, "join-submit"))
        wait_for(browser, lambda: "rank 1" in visible_text(browser, "join-score"))
        entry = room.board()["entries"][0]
        shown = visible_text(browser, "join-score")
        assert f"test cost {entry['test_cost']:.4f}" in shown and "accuracy" not in shown
        browser.execute_script("window.scrollTo(0, 0)")
        shoot(browser, "join-phone-regression.png")
    finally:
        leave_phone(browser)


@pytest.mark.timeout(120)
def test_a_lost_connection_keeps_the_network(browser, app_url):
    room = Room(app_url)
    try:
        open_phone(browser, app_url, room.code, "radia")
        weight = slider_input(browser, "b[1][1]")
        drag(browser, weight, 0, -70)
        wait_for(browser, lambda: float(weight.get_attribute("value")) < 0)
        moved = weight.get_attribute("value")
        browser.execute_cdp_cmd("Network.enable", {})
        offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
        wait_for(browser, lambda: "connection is lost" in visible_text(browser, "join-notice"))
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {**offline, "offline": False})
        wait_for(browser, lambda: visible_text(browser, "join-notice") == "")
        assert slider_input(browser, "b[1][1]").get_attribute("value") == moved
        tap(browser, browser.find_element(By.ID, "join-submit"))
        wait_for(browser, lambda: "rank 1" in visible_text(browser, "join-score"))
        assert room.board()["entries"][0]["nickname"] == "radia"
    finally:
        online = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", online)
        browser.execute_cdp_cmd("Network.disable", {})
        leave_phone(browser)
