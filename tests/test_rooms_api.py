"""The rooms' HTTP API (docs/rooms.md) through the real app's Flask server and its request guard,
on both stores: a SQLite file and a real redis-server. Scores are checked against a forward pass
written here in plain NumPy (the oracle), never against what a browser sends."""

from __future__ import annotations

import base64
import io
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.app.rooms import room as rooms
from playground.app.rooms.redis_rooms import RedisRooms
from playground.app.rooms.sqlite_rooms import SqliteRooms
from playground.app.session import model

from helpers.servers import RedisServer

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def app():
    from playground.app.main import create_app

    return create_app()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def client(request, app, monkeypatch, tmp_path):
    """A client of the app with its rooms in a fresh SQLite file, or in the test's redis-server."""
    monkeypatch.setenv("PLAYGROUND_ROOMS_FILE", str(tmp_path / "rooms.sqlite3"))
    if request.param == "redis":
        monkeypatch.setenv("PLAYGROUND_REDIS_URL", request.getfixturevalue("redis_url"))
    else:
        monkeypatch.delenv("PLAYGROUND_REDIS_URL", raising=False)
    monkeypatch.setenv("PLAYGROUND_LIMITS", "room_action_seconds=0.05")  # tests act faster than students
    return app.server.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def opened(client, **body) -> tuple[str, str]:
    answer = client.post("/api/rooms", json=body)
    assert answer.status_code == 201, answer.json
    return answer.json["code"], answer.json["teacher_token"]


def joined(client, code: str, nickname: str) -> str:
    answer = client.post(f"/api/rooms/{code}/students", json={"nickname": nickname})
    assert answer.status_code == 201, answer.json
    return answer.json["student_token"]


def paced(action):
    """The answer of ``action()``, asked again while the student's pace (a 429) holds it back."""
    while (answer := action()).status_code == 429:
        time.sleep(0.02)
    return answer


def submitted(client, code: str, token: str, network: dict):
    return paced(
        lambda: client.post(f"/api/rooms/{code}/submissions", json={"network": network}, headers=bearer(token))
    )


def jittered(network: dict, scale: float, seed: int) -> dict:
    """The network with every weight and bias moved a little (a student's slider work)."""
    rng = np.random.default_rng(seed)
    layers = []
    for layer in network["layers"]:
        weights = (np.array(layer["weights"]) + scale * rng.standard_normal(np.shape(layer["weights"]))).tolist()
        biases = (np.array(layer["biases"]) + scale * rng.standard_normal(len(layer["biases"]))).tolist()
        layers.append({**layer, "weights": weights, "biases": biases})
    return {**network, "layers": layers}


def oracle_accuracy(network: dict, inputs: np.ndarray, labels: np.ndarray) -> float:
    """The 2-D playground's sigmoid network by hand: a = σ(a_prev W + b), the class the largest output."""
    activations = inputs.astype(np.float64)
    for layer in network["layers"]:
        assert layer["activation"] == "sigmoid"
        z = activations @ np.array(layer["weights"]) + np.array(layer["biases"])
        activations = 1 / (1 + np.exp(-z))
    return float(np.mean(activations.argmax(axis=1) == labels))


# ------------------------------------------------------------------ opening and reading a room


def test_a_room_opens_on_the_fruit_and_never_shows_its_test_points(client):
    code, _ = opened(client)
    assert len(code) == 5 and set(code) <= set(rooms.ALPHABET)
    room = client.get(f"/api/rooms/{code}")
    assert room.status_code == 200
    start = model.initial_state()
    assert room.json["network"] == start["network"]
    assert room.json["data"]["train_inputs"] == start["data"]["train_inputs"]
    assert room.json["data"]["test_inputs"] == [] and room.json["data"]["test_labels"] == []
    assert room.json["round"] == {"kind": "hand-tune", "id": 1, "state": "open"}
    assert "teacher_hash" not in room.text and "token" not in room.text
    unchanged = client.get(f"/api/rooms/{code}", headers={"If-None-Match": room.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data


def test_the_join_link_and_its_qr_code(client):
    answer = client.post("/api/rooms", json={"round": "predict"})
    code = answer.json["code"]
    assert answer.json["join_url"].endswith(f"/join/{code}")
    assert client.get(f"/api/rooms/{code}").json["round"]["kind"] == "predict"
    qr = client.get(f"/api/rooms/{code}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert client.get("/api/rooms/AAAAA/qr.svg").status_code == 404


@pytest.mark.parametrize(
    "body, words",
    [
        ({"round": "quiz"}, "round"),
        ({"network": {"layers": []}}, "network"),
        ({"data": {"name": "x"}}, "data"),
        ({"settings": {"learn_rate": -1}}, "learn_rate"),
        ({"settings": {"held_layers": [7]}}, "weight-layer 7"),
        ({"score": 1.0}, "score"),
    ],
)
def test_a_room_that_cannot_be_is_refused_with_a_reason(client, body, words):
    answer = client.post("/api/rooms", json=body)
    assert answer.status_code == 400 and words in answer.json["error"]


def test_a_room_needs_test_points_and_a_network_that_fits_them(client):
    data = model.generate_points("moons", 0.1, 0.0, 1, 100)
    assert "test points" in client.post("/api/rooms", json={"data": data}).json["error"]
    three = model.generate_points("blobs", 0.1, 0.3, 1, 100)
    network = model.initial_state()["network"]  # two outputs for three classes
    assert client.post("/api/rooms", json={"data": three, "network": network}).status_code == 400


def test_bodies_are_bounded_and_json(client):
    huge = b'{"nickname": "' + b"x" * 2_100_000 + b'"}'
    assert client.post("/api/rooms", data=huge, content_type="application/json").status_code == 413
    assert client.post("/api/rooms", data=b"[1,", content_type="application/json").status_code == 400
    assert client.get("/api/rooms/NOPE!").status_code == 404


# ------------------------------------------------------------------ students


def test_nicknames_are_unique_short_and_plain(client):
    code, _ = opened(client)
    joined(client, code, "  ada   lovelace ")
    for nickname, status in [("ada lovelace", 409), ("", 400), ("x" * 25, 400), ("bell\x07", 400), ("x" * 24, 201)]:
        answer = client.post(f"/api/rooms/{code}/students", json={"nickname": nickname})
        assert answer.status_code == status, (nickname, answer.json)
    assert client.get(f"/api/rooms/{code}").json["joined"] == 2
    assert client.post("/api/rooms/AAAAA/students", json={"nickname": "x"}).status_code == 404


def test_a_full_room_says_so(client, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "room_students=2")
    code, _ = opened(client)
    joined(client, code, "a"), joined(client, code, "b")
    answer = client.post(f"/api/rooms/{code}/students", json={"nickname": "c"})
    assert answer.status_code == 409 and "full" in answer.json["error"]


def test_the_server_scores_each_submission_on_the_test_points(client):
    code, _ = opened(client)
    token = joined(client, code, "ada")
    network = jittered(model.initial_state()["network"], 1.5, seed=3)
    answer = submitted(client, code, token, network)
    assert answer.status_code == 200, answer.json
    data = model.initial_state()["data"]  # the room's points: the fruit
    expected = oracle_accuracy(network, np.array(data["test_inputs"]), np.array(data["test_labels"]))
    assert answer.json["test_accuracy"] == pytest.approx(expected)
    engine, dataset = model.session_problem(network, data)
    assert answer.json["test_cost"] == pytest.approx(engine.cost(dataset.test_inputs, dataset.test_labels), rel=1e-5)
    assert answer.json["rank"] == 1 and answer.json["best"]["submissions"] == 1
    # A score sent by the browser is not a submission's field: refused, never believed.
    cheat = client.post(
        f"/api/rooms/{code}/submissions", json={"network": network, "test_accuracy": 1.0}, headers=bearer(token)
    )
    assert cheat.status_code == 400


def test_the_board_ranks_each_students_best_and_a_worse_try_loses_nothing(client):
    code, _ = opened(client)
    start = model.initial_state()["network"]
    tries = [jittered(start, 2.0, seed) for seed in range(12)]
    scores = {}
    tokens = {name: joined(client, code, name) for name in ("ada", "bob", "cy")}
    for k, (name, token) in enumerate(tokens.items()):
        scores[name] = [submitted(client, code, token, tries[4 * k + j]).json for j in range(4)]
    board = client.get(f"/api/rooms/{code}/board").json
    assert board["joined"] == 3 and board["submitted"] == 3 and board["metric"] == "test_accuracy"
    best = {name: max(s, key=lambda a: (a["test_accuracy"], -a["test_cost"])) for name, s in scores.items()}
    order = sorted(best, key=lambda name: (-best[name]["test_accuracy"], best[name]["test_cost"]))
    assert [e["nickname"] for e in board["entries"]] == order
    assert [e["rank"] for e in board["entries"]] == [1, 2, 3]
    for entry in board["entries"]:
        assert entry["test_accuracy"] == best[entry["nickname"]]["test_accuracy"] and entry["submissions"] == 4
    me = client.get(f"/api/rooms/{code}/me", headers=bearer(tokens[order[0]])).json
    assert me["rank"] == 1 and me["network"] == tries[4 * list(tokens).index(order[0]) + 3]  # their latest


def test_a_hand_tuned_network_keeps_the_rooms_layers_and_its_locked_weights(client):
    start = model.initial_state()["network"]
    code, _ = opened(client, settings={"held_layers": [2], "held_weights": [["W", 1, 1, 1]]})
    token = joined(client, code, "ada")
    wider = model.dense_network_json([2, 4, 2], ["sigmoid"], "sigmoid", "quadratic", seed=1)
    assert "layers" in submitted(client, code, token, wider).json["error"]
    moved = jittered(start, 0.5, seed=1)
    assert "locked" in submitted(client, code, token, moved).json["error"]
    allowed = {**start, "layers": [dict(layer) for layer in start["layers"]]}
    weights = np.array(allowed["layers"][0]["weights"])
    weights[1, 2] += 3.0  # not the locked W[1][1][1] (rows and columns from 1)
    allowed["layers"][0]["weights"] = weights.tolist()
    assert submitted(client, code, token, allowed).status_code == 200


def test_a_student_acts_at_most_once_per_pause(client, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "room_action_seconds=30")
    code, _ = opened(client)
    token = joined(client, code, "ada")
    network = model.initial_state()["network"]
    first = client.post(f"/api/rooms/{code}/submissions", json={"network": network}, headers=bearer(token))
    again = client.post(f"/api/rooms/{code}/submissions", json={"network": network}, headers=bearer(token))
    assert first.status_code == 200 and again.status_code == 429 and again.headers["Retry-After"]


# ------------------------------------------------------------------ who may do what


def test_tokens_act_only_for_their_owner(client):
    code, teacher = opened(client)
    other_code, _ = opened(client)
    ada, bob = joined(client, code, "ada"), joined(client, code, "bob")
    network = model.initial_state()["network"]
    teacher_only = [
        ("post", f"/api/rooms/{code}/settings", {"learn_rate": 1.0}),
        ("post", f"/api/rooms/{code}/round", {"kind": "train"}),
        ("post", f"/api/rooms/{code}/close", {}),
        ("delete", f"/api/rooms/{code}/students/bob", None),
        ("get", f"/api/rooms/{code}/gallery", None),
    ]
    for method, path, body in teacher_only:
        assert getattr(client, method)(path, json=body).status_code == 401
        assert getattr(client, method)(path, json=body, headers=bearer(ada)).status_code == 403
    submission = f"/api/rooms/{code}/submissions"
    assert client.post(submission, json={"network": network}).status_code == 401
    assert client.post(submission, json={"network": network}, headers=bearer(teacher)).status_code == 403
    assert client.post(submission, json={"network": network}, headers=bearer("made-up")).status_code == 401
    other = joined(client, other_code, "ada")  # a seat in another room is no seat here
    assert client.post(submission, json={"network": network}, headers=bearer(other)).status_code == 401
    # Each token submits for its own student only: bob's submission is bob's.
    assert submitted(client, code, bob, network).status_code == 200
    board = client.get(f"/api/rooms/{code}/board").json
    assert [e["nickname"] for e in board["entries"]] == ["bob"]
    assert client.get(f"/api/rooms/{code}/me", headers=bearer(ada)).json["best"] is None


def test_the_teacher_pushes_settings_to_everyone(client):
    code, teacher = opened(client)
    token = joined(client, code, "ada")
    version = client.get(f"/api/rooms/{code}").json["version"]
    pushed = client.post(
        f"/api/rooms/{code}/settings", json={"learn_rate": 0.03, "locked": True}, headers=bearer(teacher)
    )
    assert pushed.status_code == 200 and pushed.json["settings"]["learn_rate"] == 0.03
    room = client.get(f"/api/rooms/{code}").json
    assert room["version"] > version and room["settings"]["locked"] is True
    locked = submitted(client, code, token, model.initial_state()["network"])
    assert locked.status_code == 409 and "locked" in locked.json["error"]
    client.post(f"/api/rooms/{code}/settings", json={"locked": False}, headers=bearer(teacher))
    assert submitted(client, code, token, model.initial_state()["network"]).status_code == 200
    # A new network for everyone: a new round of the same kind, a fresh board.
    wider = model.dense_network_json([2, 4, 2], ["tanh"], "sigmoid", "quadratic", seed=2)
    room = client.post(f"/api/rooms/{code}/settings", json={"network": wider}, headers=bearer(teacher)).json
    assert room["network"] == wider and room["round"]["id"] == 2
    assert client.get(f"/api/rooms/{code}/board").json["entries"] == []
    bad = client.post(f"/api/rooms/{code}/settings", json={"held_layers": [9]}, headers=bearer(teacher))
    assert bad.status_code == 400


def test_removing_a_student_takes_their_entry_and_frees_the_nickname(client):
    code, teacher = opened(client)
    token = joined(client, code, "rude")
    submitted(client, code, token, model.initial_state()["network"])
    assert client.delete(f"/api/rooms/{code}/students/rude", headers=bearer(teacher)).json == {"removed": "rude"}
    assert client.get(f"/api/rooms/{code}/board").json["entries"] == []
    assert client.get(f"/api/rooms/{code}/me", headers=bearer(token)).status_code == 401
    assert client.delete(f"/api/rooms/{code}/students/rude", headers=bearer(teacher)).status_code == 404
    joined(client, code, "rude")


def test_a_closed_room_can_be_read_not_joined(client):
    code, teacher = opened(client)
    token = joined(client, code, "ada")
    assert client.post(f"/api/rooms/{code}/close", json={}, headers=bearer(teacher)).json["closed"] is True
    assert client.post(f"/api/rooms/{code}/students", json={"nickname": "bob"}).status_code == 409
    assert submitted(client, code, token, model.initial_state()["network"]).status_code == 409
    assert client.get(f"/api/rooms/{code}/board").status_code == 200


# ------------------------------------------------------------------ rounds


def test_a_predict_round_votes_runs_and_votes_again(client):
    code, teacher = opened(client)
    tokens = [joined(client, code, f"s{k}") for k in range(3)]
    question = {
        "kind": "predict",
        "question": "learn rate 3?",
        "options": ["crawl", "converge", "diverge"],
        "learn_rate": 3.0,
        "epochs": 30,
    }
    room = client.post(f"/api/rooms/{code}/round", json=question, headers=bearer(teacher)).json
    assert room["round"]["phase"] == "before" and room["round"]["id"] == 2
    assert submitted(client, code, tokens[0], model.initial_state()["network"]).status_code == 409
    for token, choice in zip(tokens, [0, 2, 2]):
        assert (
            paced(
                lambda t=token, c=choice: client.post(f"/api/rooms/{code}/votes", json={"choice": c}, headers=bearer(t))
            ).status_code
            == 200
        )
    assert client.post(f"/api/rooms/{code}/votes", json={"choice": 3}, headers=bearer(tokens[0])).status_code == 400
    assert client.get(f"/api/rooms/{code}/board").json["votes"] == {
        "options": question["options"],
        "before": [1, 0, 2],
        "after": [0, 0, 0],
    }
    ran = client.post(f"/api/rooms/{code}/round", json={"action": "run"}, headers=bearer(teacher))
    assert ran.status_code == 200, ran.json
    run = ran.json["round"]["run"]
    assert ran.json["round"]["phase"] == "after" and 2 <= len(run["networks"]) <= 13
    assert (
        run["epochs"][0] == 0
        and run["epochs"] == sorted(run["epochs"])
        and len(run["train_cost"]) == len(run["networks"])
    )
    assert client.get(f"/api/rooms/{code}").json["round"]["run"] == run  # every page plays the same run
    assert client.post(f"/api/rooms/{code}/round", json={"action": "run"}, headers=bearer(teacher)).status_code == 409
    paced(lambda: client.post(f"/api/rooms/{code}/votes", json={"choice": 1}, headers=bearer(tokens[0])))
    votes = client.get(f"/api/rooms/{code}/board").json["votes"]
    assert votes["before"] == [1, 0, 2] and votes["after"] == [0, 1, 0]
    client.post(f"/api/rooms/{code}/round", json={"action": "end"}, headers=bearer(teacher))
    assert client.post(f"/api/rooms/{code}/votes", json={"choice": 1}, headers=bearer(tokens[1])).status_code == 409


def test_a_train_round_trains_within_its_limits_and_the_budget(client, monkeypatch):
    code, teacher = opened(
        client, round={"kind": "train", "max_hidden_layers": 1, "max_width": 4, "activations": ["tanh"], "epochs": 200}
    )
    token = joined(client, code, "ada")
    train = f"/api/rooms/{code}/train"
    for wrong in (
        {"hidden": [3, 3], "activation": "tanh", "learn_rate": 1.0},
        {"hidden": [5], "activation": "tanh", "learn_rate": 1.0},
        {"hidden": [3], "activation": "relu", "learn_rate": 1.0},
    ):
        assert paced(lambda w=wrong: client.post(train, json=w, headers=bearer(token))).status_code == 400
    answer = paced(
        lambda: client.post(train, json={"hidden": [4], "activation": "tanh", "learn_rate": 1.0}, headers=bearer(token))
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["test_accuracy"] > 0.8 and answer.json["rank"] == 1
    assert [layer["outputs"] for layer in answer.json["network"]["layers"]] == [4, 2]
    more = paced(
        lambda: client.post(
            train,
            json={"hidden": [4], "activation": "tanh", "learn_rate": 1.0, "continue": True},
            headers=bearer(token),
        )
    )
    assert more.json["best"]["submissions"] == 2
    # The CPU budget ends a press before its epochs do.
    monkeypatch.setenv("PLAYGROUND_LIMITS", "room_action_seconds=0.05,request_seconds=0.005")
    short = paced(
        lambda: client.post(train, json={"hidden": [4], "activation": "tanh", "learn_rate": 1.0}, headers=bearer(token))
    )
    assert short.status_code == 200 and short.json["epochs"] < 200
    assert submitted(client, code, token, answer.json["network"]).status_code == 409  # this round trains


def test_the_gallery_is_the_teachers_with_pictures_and_the_best_network(client):
    from PIL import Image

    code, teacher = opened(client)
    start = model.initial_state()["network"]
    for k in range(3):
        submitted(client, code, joined(client, code, f"s{k}"), jittered(start, 2.0, seed=k))
    gallery = client.get(f"/api/rooms/{code}/gallery", headers=bearer(teacher)).json
    board = client.get(f"/api/rooms/{code}/board").json
    assert [e["nickname"] for e in gallery["entries"]] == [e["nickname"] for e in board["entries"]]
    picture = gallery["entries"][0]["picture"]
    image = Image.open(io.BytesIO(base64.b64decode(picture.split(",", 1)[1])))
    assert image.size == (32, 32)
    assert gallery["best"]["nickname"] == board["entries"][0]["nickname"]
    assert gallery["best"]["network"] == jittered(start, 2.0, seed=int(board["entries"][0]["nickname"][1]))


def test_a_regression_room_ranks_by_cost(client):
    data = model.generate_points("plane", 0.0, 0.5, 1, 200)
    network = model.dense_network_json([2, 3, 1], ["tanh"], "linear", "quadratic", seed=1, task="regression")
    code, _ = opened(client, data=data, network=network)
    answer = submitted(client, code, joined(client, code, "ada"), network)
    assert answer.status_code == 200 and answer.json["test_accuracy"] is None
    assert client.get(f"/api/rooms/{code}/board").json["metric"] == "test_cost"


# ------------------------------------------------------------------ limits and expiry


def test_rooms_expire_after_their_last_activity(client, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_LIMITS", "room_hours=0.0003")  # about a second
    code, _ = opened(client)
    assert client.get(f"/api/rooms/{code}").status_code == 200
    deadline = time.monotonic() + 30
    while client.get(f"/api/rooms/{code}").status_code != 404:
        assert time.monotonic() < deadline, "the room never expired"
        time.sleep(0.1)


def test_a_server_opens_at_most_its_number_of_rooms(client, monkeypatch):
    opened(client)
    monkeypatch.setenv("PLAYGROUND_LIMITS", "rooms=1")
    answer = client.post("/api/rooms", json={})
    assert answer.status_code == 429 and "rooms open" in answer.json["error"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["", "/students", "/submissions", "/train", "/votes", "/settings", "/round", "/close"]),
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=12,
    ),
)
def test_no_body_is_a_server_error(client, path, body):
    code = getattr(test_no_body_is_a_server_error, "code", None)
    if code is None or client.get(f"/api/rooms/{code}").status_code != 200:
        code = test_no_body_is_a_server_error.code = opened(client)[0]  # type: ignore[attr-defined]
    url = "/api/rooms" + ("" if path == "" else f"/{code}{path}")
    answer = client.post(url, json=body, headers=bearer("x" * 46))
    assert answer.status_code < 500 and "error" in answer.json or answer.status_code in (200, 201)


# ------------------------------------------------------------------ the stores themselves


def stores(tmp_path, redis_url):
    return [SqliteRooms(tmp_path / "rooms.sqlite3"), RedisRooms(redis_url)]


def test_two_students_racing_for_one_nickname_get_one_seat(tmp_path, redis_url):
    for store in stores(tmp_path, redis_url):
        code = f"R{time.monotonic_ns() % 10**4:04d}"
        assert store.create(code, {"code": code, "version": 1}, {}, 60)
        outcomes: list[str] = []
        threads = [
            threading.Thread(
                target=lambda k=k: outcomes.append(store.add_student(code, "ada", f"h{k}", {"nickname": "ada"}, 100))
            )
            for k in range(8)
        ]
        [t.start() for t in threads], [t.join() for t in threads]
        assert sorted(outcomes) == ["ok"] + ["taken"] * 7 and store.count_students(code) == 1


def test_changes_to_a_room_are_never_lost_to_each_other(tmp_path, redis_url):
    for store in stores(tmp_path, redis_url):
        code = f"C{time.monotonic_ns() % 10**4:04d}"
        store.create(code, {"code": code, "version": 0}, {}, 60)

        def bump():
            for _ in range(10):
                store.update_meta(code, lambda meta: {**meta, "version": meta["version"] + 1})

        threads = [threading.Thread(target=bump) for _ in range(6)]
        [t.start() for t in threads], [t.join() for t in threads]
        assert store.meta(code)["version"] == 60


def test_every_redis_key_of_a_room_expires(client, redis_url, monkeypatch):
    import redis

    monkeypatch.setenv("PLAYGROUND_REDIS_URL", redis_url)
    code, _ = opened(client)
    submitted(client, code, joined(client, code, "ada"), model.initial_state()["network"])
    keys = list(redis.Redis.from_url(redis_url).scan_iter(match=f"playground:room:{code}:*"))
    assert len(keys) >= 6
    assert all(0 < redis.Redis.from_url(redis_url).pttl(key) <= 4 * 3600 * 1000 for key in keys)
