"""A room's projector (page /room/<code>, issue 26, SPEC F28) and "open a room" on the playground, in a
real headless Chromium: the teacher uses only real input (clicks, typing); the students are scripts
on the rooms' HTTP API (docs/rooms.md), and what the page shows is checked against the server's own
answers (the board, the room's description).

Screenshots (1280×720 in lecture mode with 30 students, 1920×1080, a predict round) go to
$PLAYGROUND_SCREENSHOTS or /tmp/shots.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from test_lecture_sizes_browser import smallest_text, text_sizes

from playground.app.session import model

from helpers.browser import (
    SESSION,
    choose,
    click_in_view,
    fresh_tab,
    graph_data,
    reset_viewport,
    set_viewport,
    type_into_box,
    visible_text,
    wait_for,
)
from helpers.pages import open_page
from helpers.rooms import board, call, described, opened, students, submit_all

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", "/tmp/shots"))
# How long a test waits for the board to follow a submission. The 2 s is a speed, measured
# by bench/room_load.py under load; a test only waits for the board to get there (no speed limits in tests).
BOARD_DELAY = 15.0


# ------------------------------------------------------------------ the projector, as the page shows it


def open_projector(driver, base: str, code: str, token: str | None = None, lecture: str = "0") -> None:
    driver.get(f"{base}/room/{code}?lecture={lecture}" + (f"#teacher={token}" if token else ""))
    wait_for(driver, lambda: visible_text(driver, "room-counts").endswith("submitted"))


def board_shown(driver) -> list[str]:
    """The board's nicknames, top down (read in one go: the rows are rewritten every second)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#room-board .room-nickname')).map((e) => e.textContent)"
    )


def tiles_shown(driver) -> list[str]:
    """The gallery's nicknames, of the tiles whose picture has loaded."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#room-gallery .room-tile'))"
        ".filter((t) => t.querySelector('img').naturalWidth > 0).map((t) => t.querySelector('figcaption').textContent)"
    )


def painted(driver, canvas_id: str) -> bool:
    """Has the canvas a boundary drawn (pixels of more than one colour)?"""
    return driver.execute_script(
        "const c = document.getElementById(arguments[0]); if (!c || !c.width) return false;"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();"
        "for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);"
        "return seen.size > 2",
        canvas_id,
    )


def said(driver) -> str:
    return visible_text(driver, "room-message")


def click(driver, element_id: str) -> None:
    click_in_view(driver, driver.find_element(By.ID, element_id))


def start_round(driver, kind_label: str) -> None:
    """Open the new round's form (if shut) and pick its kind by its label."""
    form = driver.find_element(By.ID, "room-new-round")
    if not form.get_attribute("open"):
        click_in_view(driver, form.find_element(By.TAG_NAME, "summary"))
    label = driver.find_element(By.XPATH, f"//*[@id='room-kind']//label[normalize-space()='{kind_label}']")
    click_in_view(driver, label)


# ------------------------------------------------------------------ the tests


@pytest.mark.timeout(120)
def test_the_teacher_opens_a_room_from_the_playground(live_app, browser):
    open_page(browser, live_app)
    session = browser.execute_script(f"return {SESSION}")
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-exercise-panel > summary"))
    # The exercise's lock of weight-layer 1 holds those sliders still for the room's students too.
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-exercise-lock-layers input[value='1']"))
    playground_tab = browser.current_window_handle
    click(browser, "playground-room-open")
    wait_for(browser, lambda: len(browser.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != playground_tab))
    wait_for(browser, lambda: "/room/" in browser.current_url and len(visible_text(browser, "room-code")) == 5)
    code = visible_text(browser, "room-code")
    # The QR code loads, the teacher's token is off the address bar, the teacher's controls are there.
    wait_for(
        browser,
        lambda: browser.execute_script("const q = document.getElementById('room-qr'); return q.naturalWidth > 0"),
    )
    assert "teacher=" not in browser.current_url
    assert browser.find_element(By.ID, "room-close").is_displayed()
    assert visible_text(browser, "room-join-link").replace("\n", "") == f"{live_app.split('//')[1]}/join/{code}"
    # The room is the session's: its training points, its network, its learn rate, the held layer.
    room = described(live_app, code)
    assert room["data"]["train_inputs"] == session["data"]["train_inputs"]
    assert room["data"]["test_inputs"] == []  # the test points stay on the server
    assert room["network"]["layers"] == session["network"]["layers"]
    assert room["settings"]["learn_rate"] == session["settings"]["learn_rate"]
    assert room["settings"]["held_layers"] == [1]
    # The room's page opened again on this computer (another tab, a reload) keeps the teacher's controls.
    browser.switch_to.new_window("tab")
    open_projector(browser, live_app, code)
    wait_for(browser, lambda: browser.find_element(By.ID, "room-close").is_displayed())
    browser.switch_to.window(playground_tab)
    assert visible_text(browser, "playground-exercise-message").startswith(f"room {code} is open")
    # Other points, the lock let go, pushed to the room: every phone starts a new round on them.
    choose(browser, "playground-dataset", "moons")
    wait_for(browser, lambda: browser.execute_script(f"return {SESSION}")["data"] != session["data"])
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-exercise-lock-layers input[value='1']"))
    click(browser, "playground-room-push")
    wait_for(browser, lambda: visible_text(browser, "playground-exercise-message").startswith(f"pushed to room {code}"))
    pushed, now = described(live_app, code), browser.execute_script(f"return {SESSION}")
    assert pushed["data"]["train_inputs"] == now["data"]["train_inputs"] != session["data"]["train_inputs"]
    assert pushed["round"]["id"] == room["round"]["id"] + 1 and pushed["settings"]["held_layers"] == []


@pytest.mark.timeout(120)
def test_a_room_the_server_refuses_is_said_on_the_panel(live_app, browser, monkeypatch):
    opened(live_app)  # one room open, and the server's limit is one room
    monkeypatch.setenv("PLAYGROUND_LIMITS", "rooms=1")
    open_page(browser, live_app)
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-exercise-panel > summary"))
    click(browser, "playground-room-open")
    # (the server's 429 is asked again a few times, as every request the page makes, before it is said)
    wait_for(browser, lambda: "rooms open" in visible_text(browser, "playground-exercise-message"), timeout=30)
    assert visible_text(browser, "playground-exercise-message").startswith("No room: this server has 1 rooms open")
    assert browser.find_elements(By.CSS_SELECTOR, "#playground-exercise-message .said-error")
    assert len(browser.window_handles) == 1
    click(browser, "playground-room-push")  # no room opened on this computer: nothing to push to
    wait_for(browser, lambda: visible_text(browser, "playground-exercise-message").startswith("Open a room first"))


@pytest.mark.timeout(120)
def test_the_board_and_the_gallery_follow_the_students_and_the_teacher_removes_one(live_app, browser):
    code, token = opened(live_app)
    open_projector(browser, live_app, code, token)
    assert board_shown(browser) == []
    tokens = students(live_app, code, 12)
    wait_for(browser, lambda: visible_text(browser, "room-counts") == "12 joined · 0 submitted", timeout=BOARD_DELAY)
    submit_all(live_app, code, tokens)
    # Within 2 s: the top ten in the server's order, every boundary in the gallery, the best one drawn.
    expected = [entry["nickname"] for entry in board(live_app, code)["entries"]]
    wait_for(browser, lambda: board_shown(browser) == expected[:10], timeout=BOARD_DELAY)
    assert visible_text(browser, "room-counts") == "12 joined · 12 submitted"
    wait_for(browser, lambda: tiles_shown(browser) == expected)
    wait_for(browser, lambda: painted(browser, "room-best-canvas"))
    assert visible_text(browser, "room-best-caption") == f"best boundary: {expected[0]}"
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('#room-gallery img')).imageRendering"
    ) in ("pixelated", "crisp-edges")
    # A rude nickname: its row's ✕ takes it off the board, the gallery and the room.
    rude = expected[1]
    row = browser.find_element(By.XPATH, f"//ol[@id='room-board']/li[span[text()='{rude}']]")
    click_in_view(browser, row.find_element(By.CSS_SELECTOR, ".room-remove"))
    wait_for(browser, lambda: rude not in board_shown(browser) and rude not in tiles_shown(browser))
    assert rude not in [entry["nickname"] for entry in board(live_app, code)["entries"]]
    assert said(browser) == f"{rude} was removed from the room"
    wait_for(browser, lambda: board_shown(browser) == [n for n in expected if n != rude][:10])


@pytest.mark.timeout(120)
def test_the_teacher_pushes_a_learn_rate_and_locks_the_phones(live_app, browser):
    code, token = opened(live_app)
    tokens = students(live_app, code, 1)
    open_projector(browser, live_app, code, token)
    type_into_box(browser.find_element(By.ID, "room-learn-rate"), "0.03")
    click(browser, "room-push-learn-rate")
    wait_for(browser, lambda: described(live_app, code)["settings"]["learn_rate"] == 0.03)
    wait_for(browser, lambda: said(browser) == "learn rate 0.03 pushed to every phone")
    click(browser, "room-lock")
    wait_for(browser, lambda: described(live_app, code)["settings"]["locked"] is True)
    wait_for(browser, lambda: visible_text(browser, "room-lock") == "unlock the phones")
    assert "phones locked" in visible_text(browser, "room-round-line")
    network = described(live_app, code)["network"]
    status, _ = call(live_app, "POST", f"/{code}/submissions", {"network": network}, tokens["student-00"])
    assert status == 409  # a locked phone may look, not submit
    click(browser, "room-lock")
    wait_for(browser, lambda: described(live_app, code)["settings"]["locked"] is False)
    wait_for(browser, lambda: visible_text(browser, "room-lock") == "lock the phones")
    # Nonsense typed is said, and nothing is sent.
    type_into_box(browser.find_element(By.ID, "room-learn-rate"), "fast")
    click(browser, "room-push-learn-rate")
    wait_for(browser, lambda: said(browser) == "Type a learn rate above 0 first.")
    assert described(live_app, code)["settings"]["learn_rate"] == 0.03


@pytest.mark.timeout(180)
def test_a_predict_round_shows_the_votes_and_plays_the_run_back(live_app, browser):
    code, token = opened(live_app)
    tokens = list(students(live_app, code, 5).values())
    open_projector(browser, live_app, code, token, lecture="1")
    start_round(browser, "predict, then run")
    type_into_box(browser.find_element(By.ID, "room-question-input"), "Learn rate 3: what happens?")
    type_into_box(browser.find_element(By.ID, "room-option-4"), "<i>nothing</i>")  # shown as typed, never as markup
    type_into_box(browser.find_element(By.ID, "room-epochs"), "60")
    click(browser, "room-start-round")
    wait_for(browser, lambda: described(live_app, code)["round"]["kind"] == "predict")
    round_ = described(live_app, code)["round"]
    assert round_["question"] == "Learn rate 3: what happens?"
    assert round_["options"] == ["crawl", "converge", "bounce", "diverge", "<i>nothing</i>"]
    assert (round_["learn_rate"], round_["epochs"], round_["phase"]) == (3, 60, "before")
    wait_for(browser, lambda: visible_text(browser, "room-question") == "Learn rate 3: what happens?")
    assert not browser.find_element(By.ID, "room-best").is_displayed()  # a vote has no boundaries to rank
    # The votes arrive as bars, one an answer.
    for token, choice in zip(tokens, [3, 3, 1, 3, 0]):
        assert call(live_app, "POST", f"/{code}/votes", {"choice": choice}, token)[0] == 200
    wait_for(browser, lambda: graph_data(browser, "room-votes-before", 0, "x") == [1, 1, 0, 3, 0], timeout=BOARD_DELAY)
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('#room-votes-before .ytick text')).map((t) => t.textContent)"
    )
    assert [label.strip() for label in reversed(labels)] == round_["options"]  # (top down: drawn last first)
    assert visible_text(browser, "room-counts") == "5 joined · 5 voted"
    # Run: the room's network trains; the page plays the frames back, the boundary and the cost line.
    click(browser, "room-run-round")
    wait_for(browser, lambda: described(live_app, code)["round"].get("phase") == "after", timeout=60)
    run = described(live_app, code)["round"]["run"]
    last, captions = f"epoch {run['epochs'][-1]:g}", set()
    wait_for(
        browser,
        lambda: captions.add(visible_text(browser, "room-run-caption")) or any(last in c for c in captions),
        timeout=30,
    )
    assert len(captions) >= 3  # frame after frame, not the last alone
    assert painted(browser, "room-run-canvas")
    assert graph_data(browser, "room-run-cost", 0, "x") == run["epochs"]
    assert not browser.find_element(By.ID, "room-run-round").is_displayed()  # it has run
    # A second vote after the reveal has its own bars.
    for token, choice in zip(tokens, [1, 1, 1]):
        assert call(live_app, "POST", f"/{code}/votes", {"choice": choice}, token)[0] == 200
    wait_for(browser, lambda: graph_data(browser, "room-votes-after", 0, "x") == [0, 3, 0, 0, 0], timeout=BOARD_DELAY)
    assert graph_data(browser, "room-votes-before", 0, "x") == [1, 1, 0, 3, 0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    set_viewport(browser, 1280, 720)
    try:
        click(browser, "room-replay")
        wait_for(browser, lambda: last in visible_text(browser, "room-run-caption"), timeout=30)
        assert browser.execute_script("return document.documentElement.scrollWidth - innerWidth") <= 0
        browser.execute_script("window.scrollTo(0, 0)")  # the page as the room sees it, not where the click left it
        browser.save_screenshot(str(SHOTS / "room-predict-lecture-1280x720.png"))
    finally:
        reset_viewport(browser)


@pytest.mark.timeout(180)
def test_a_train_race_then_a_hand_tune_round_then_the_room_closes(live_app, browser):
    code, token = opened(live_app)
    tokens = students(live_app, code, 2)
    open_projector(browser, live_app, code, token)
    start_round(browser, "train race")
    type_into_box(browser.find_element(By.ID, "room-max-layers"), "3")
    type_into_box(browser.find_element(By.ID, "room-max-width"), "4")
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#room-activations input[value='sigmoid']"))
    click(browser, "room-start-round")
    wait_for(browser, lambda: described(live_app, code)["round"]["kind"] == "train")
    round_ = described(live_app, code)["round"]
    assert (round_["max_hidden_layers"], round_["max_width"]) == (3, 4)
    assert sorted(round_["activations"]) == ["relu", "tanh"]
    wait_for(browser, lambda: visible_text(browser, "room-round-line").startswith("train race · round 2 · open"))
    assert not browser.find_element(By.ID, "room-new-round").get_attribute("open")  # the form shuts once started
    # A student trains within the limits: the board and the gallery show it.
    choice = {"hidden": [4, 4], "activation": "tanh", "learn_rate": 0.3}
    status, trained = call(live_app, "POST", f"/{code}/train", choice, tokens["student-00"])
    assert status == 200, trained
    wait_for(browser, lambda: board_shown(browser) == ["student-00"], timeout=BOARD_DELAY)
    wait_for(browser, lambda: tiles_shown(browser) == ["student-00"] and painted(browser, "room-best-canvas"))
    # End the round: no more training.
    click(browser, "room-end-round")
    wait_for(browser, lambda: described(live_app, code)["round"]["state"] == "ended")
    assert call(live_app, "POST", f"/{code}/train", choice, tokens["student-01"])[0] == 409
    wait_for(browser, lambda: not browser.find_element(By.ID, "room-end-round").is_displayed())
    # A hand-tune round: a fresh board.
    start_round(browser, "hand-tune")
    click(browser, "room-start-round")
    wait_for(browser, lambda: described(live_app, code)["round"]["kind"] == "hand-tune")
    wait_for(browser, lambda: board_shown(browser) == [] and tiles_shown(browser) == [])
    assert visible_text(browser, "room-round-line").startswith("hand-tune · round 3 · open")
    submit_all(live_app, code, {"student-01": tokens["student-01"]})
    wait_for(browser, lambda: board_shown(browser) == ["student-01"], timeout=BOARD_DELAY)
    # Close: two clicks (no dialog on a projector); the controls go, the board stays.
    click(browser, "room-close")
    assert visible_text(browser, "room-close") == "really close? click again"
    assert described(live_app, code)["closed"] is False
    click(browser, "room-close")
    wait_for(browser, lambda: described(live_app, code)["closed"] is True)
    wait_for(browser, lambda: not browser.find_element(By.ID, "room-teacher").is_displayed())
    assert said(browser) in ("the room is closed", "This room is closed: the board stays as it ended.")
    assert board_shown(browser) == ["student-01"]


@pytest.mark.timeout(120)
def test_without_the_teachers_token_the_page_is_a_read_only_board(live_app, browser):
    code, _ = opened(live_app)
    submit_all(live_app, code, students(live_app, code, 3))
    open_projector(browser, live_app, code)
    expected = [entry["nickname"] for entry in board(live_app, code)["entries"]]
    wait_for(browser, lambda: board_shown(browser) == expected)
    for hidden in ("room-teacher", "room-gallery", "room-best"):
        assert not browser.find_element(By.ID, hidden).is_displayed(), hidden
    assert not any(button.is_displayed() for button in browser.find_elements(By.CSS_SELECTOR, ".room-remove"))
    assert visible_text(browser, "room-code") == code
    # A room that does not exist says so.
    browser.get(f"{live_app}/room/ZZZZZ")
    wait_for(browser, lambda: "no room" in said(browser).lower() or "there is no room" in said(browser))


@pytest.mark.timeout(120)
def test_a_regression_room_ranks_by_cost_and_draws_its_values(live_app, browser):
    data = model.generate_points("plane", 0.0, 0.5, 1, 200)
    network = model.dense_network_json([2, 3, 1], ["tanh"], "linear", "quadratic", seed=1, task="regression")
    status, room = call(live_app, "POST", "", {"data": data, "network": network})
    assert status == 201, room
    code, token = room["code"], room["teacher_token"]
    submit_all(live_app, code, students(live_app, code, 4))
    open_projector(browser, live_app, code, token)
    entries = board(live_app, code)["entries"]
    wait_for(browser, lambda: board_shown(browser) == [entry["nickname"] for entry in entries])
    scores = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#room-board .room-score")]
    assert scores == [f"cost {entry['test_cost']:.3g}" for entry in entries]
    wait_for(browser, lambda: painted(browser, "room-best-canvas"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "room-regression.png"))


PROJECTOR = """
// The code and the QR code on screen unscrolled, their sizes; how far the page scrolls sideways.
const box = (id) => document.getElementById(id).getBoundingClientRect();
const code = box('room-code'), qr = box('room-qr');
return {code: parseFloat(getComputedStyle(document.getElementById('room-code')).fontSize), qr: qr.height,
  unscrolled: code.bottom <= innerHeight && qr.bottom <= innerHeight && qr.top >= 0,
  sideways: document.documentElement.scrollWidth - innerWidth, height: innerHeight};
"""


@pytest.mark.timeout(240)
def test_the_projector_with_thirty_students_fits_1280x720_in_lecture_mode_and_1920x1080(live_app, browser):
    code, token = opened(live_app)
    submit_all(live_app, code, students(live_app, code, 30))
    expected = [entry["nickname"] for entry in board(live_app, code)["entries"]]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height, lecture in [(1280, 720, "1"), (1920, 1080, "0"), (1920, 1080, "1")]:
        set_viewport(browser, width, height)
        try:
            open_projector(browser, live_app, code, token, lecture=lecture)
            wait_for(browser, lambda: board_shown(browser) == expected[:10] and len(tiles_shown(browser)) == 30)
            wait_for(browser, lambda: painted(browser, "room-best-canvas"))
            measured = browser.execute_script(PROJECTOR)
            # Read from the back row: the code at a tenth of the screen's height, the QR code at a third.
            assert measured["code"] >= 0.1 * height and measured["qr"] >= 0.3 * height, measured
            assert measured["unscrolled"] and measured["sideways"] <= 0, measured
            if lecture == "1":
                found = text_sizes(browser, smallest_text(height))
                assert not found["small"] and found["sideways"] <= 0, found
            name = f"room-{'lecture-' if lecture == '1' else ''}{width}x{height}.png"
            browser.save_screenshot(str(SHOTS / name))
        finally:
            reset_viewport(browser)


@pytest.mark.timeout(300)
def test_the_whole_room_a_projector_a_phone_and_two_laptops(live_app, browser, browsers):
    """Issue 26's room from every end: the teacher opens it on the playground and runs it from the
    projector; three students join in browsers of their own (a phone at 360×640 tuning by touch, two
    laptops with a mouse), tune a slider each and submit; the board is in the server's order."""
    from test_join_browser import drag, leave_phone, open_phone, slider_input, stored_seat, tap

    open_page(browser, live_app)
    click_in_view(browser, browser.find_element(By.CSS_SELECTOR, "#playground-exercise-panel > summary"))
    playground_tab = browser.current_window_handle
    click(browser, "playground-room-open")
    wait_for(browser, lambda: len(browser.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != playground_tab))
    wait_for(browser, lambda: len(visible_text(browser, "room-code")) == 5)
    code = visible_text(browser, "room-code")
    phone = fresh_tab(browsers.get("second"))
    laptops = [fresh_tab(browsers.get(name)) for name in ("third", "fourth")]
    try:
        open_phone(phone, live_app, code, "ada")
        for laptop, nickname in zip(laptops, ["bob", "cy"]):
            take_a_seat(laptop, live_app, code, nickname)
        # The phone tunes a weight by touch, each laptop one with the mouse; each submits.
        weight = slider_input(phone, "W[1][0,0]")
        start = float(weight.get_attribute("value"))
        drag(phone, weight, 0, 60)
        wait_for(phone, lambda: float(weight.get_attribute("value")) != start)
        tap(phone, phone.find_element(By.ID, "join-submit"))
        wait_for(phone, lambda: "rank" in visible_text(phone, "join-score"))
        for laptop, pixels in zip(laptops, [-70, 90]):
            weight = slider_input(laptop, "W[1][1,0]")
            start = float(weight.get_attribute("value"))
            laptop.execute_script("arguments[0].scrollIntoView({block: 'center'})", weight)
            ActionChains(laptop).click_and_hold(weight).move_by_offset(pixels, 0).release().perform()
            wait_for(laptop, lambda lap=laptop, w=weight, s=start: float(w.get_attribute("value")) != s)
            submit = laptop.find_element(By.ID, "join-submit")
            laptop.execute_script("arguments[0].scrollIntoView({block: 'center'})", submit)
            submit.click()
            wait_for(laptop, lambda lap=laptop: "rank" in visible_text(lap, "join-score"))
        # The board: the server's scores, in its order, on the projector; each seat scored once.
        scored = board(live_app, code)["entries"]
        assert sorted(entry["nickname"] for entry in scored) == ["ada", "bob", "cy"]
        assert all(entry["submissions"] == 1 for entry in scored)
        keys = [(-entry["test_accuracy"], entry["test_cost"]) for entry in scored]
        assert keys == sorted(keys)
        wait_for(browser, lambda: board_shown(browser) == [entry["nickname"] for entry in scored], timeout=BOARD_DELAY)
        wait_for(browser, lambda: visible_text(browser, "room-counts") == "3 joined · 3 submitted")
        # The learn rate typed on the projector reaches every student.
        type_into_box(browser.find_element(By.ID, "room-learn-rate"), "0.1")
        click(browser, "room-push-learn-rate")
        for student in (phone, *laptops):
            wait_for(student, lambda st=student: visible_text(st, "join-learn-rate") == "learn rate 0.1")
        # A vote: asked on the projector, answered on the phone and a laptop, counted on its chart.
        start_round(browser, "predict, then run")
        click(browser, "room-start-round")
        options = ["crawl", "converge", "bounce", "diverge"]
        for student in (phone, laptops[0]):
            wait_for(
                student,
                lambda st=student: (
                    [b.text for b in st.find_elements(By.CSS_SELECTOR, "#join-options button")] == options
                ),
            )
        tap(phone, phone.find_elements(By.CSS_SELECTOR, "#join-options button")[3])
        laptops[0].find_elements(By.CSS_SELECTOR, "#join-options button")[1].click()
        wait_for(browser, lambda: graph_data(browser, "room-votes-before", 0, "x") == [0, 1, 0, 1])
        # A student's token is not the teacher's (403), and submits for its own seat only.
        seat = stored_seat(phone, code)
        assert call(live_app, "POST", f"/{code}/close", {}, seat["token"])[0] == 403
        assert call(live_app, "DELETE", f"/{code}/students/bob", None, seat["token"])[0] == 403
        network = described(live_app, code)["network"]
        call(live_app, "POST", f"/{code}/round", {"kind": "hand-tune"}, stored_teacher_token(browser, code))
        assert call(live_app, "POST", f"/{code}/submissions", {"network": network}, seat["token"])[0] == 200
        assert [entry["nickname"] for entry in board(live_app, code)["entries"]] == ["ada"]
    finally:
        leave_phone(phone)


def take_a_seat(driver, base: str, code: str, nickname: str) -> None:
    """A laptop opens the room's join link and takes a seat, typing and clicking."""
    driver.get(f"{base}/join/{code}")
    box = wait_for(driver, lambda: driver.find_element(By.ID, "join-nickname"))
    box.click()
    box.send_keys(nickname)
    driver.find_element(By.CSS_SELECTOR, "#join-seat button[type=submit]").click()
    wait_for(driver, lambda: nickname in visible_text(driver, "join-who"))


def stored_teacher_token(driver, code: str) -> str:
    """The teacher's token as the projector keeps it on this computer (read, not written)."""
    return driver.execute_script("return localStorage.getItem('room-teacher-' + arguments[0])", code)
