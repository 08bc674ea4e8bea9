"""The rooms' HTTP API (docs/rooms.md) as the room tests' students and scripts call it: plain urllib,
a student's pace (a 429) asked again."""

from __future__ import annotations

import copy
import json
import time
import urllib.error
import urllib.request

import numpy as np


def call(base: str, method: str, path: str, body=None, token: str | None = None) -> tuple[int, dict]:
    """One request to the rooms' API: (status, JSON answer); a 429 (a student's pace) is asked again."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    while True:
        request = urllib.request.Request(f"{base}/api/rooms{path}", data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code != 429:
                return error.code, json.loads(error.read() or b"null")
        time.sleep(0.1)  # (the pace is half a second a student)


def opened(base: str) -> tuple[str, str]:
    status, room = call(base, "POST", "", {})
    assert status == 201, room
    return room["code"], room["teacher_token"]


def described(base: str, code: str) -> dict:
    return call(base, "GET", f"/{code}")[1]


def board(base: str, code: str) -> dict:
    return call(base, "GET", f"/{code}/board")[1]


def students(base: str, code: str, count: int, prefix: str = "student") -> dict[str, str]:
    """``count`` students join: nickname → token."""
    tokens = {}
    for k in range(count):
        status, answer = call(base, "POST", f"/{code}/students", {"nickname": f"{prefix}-{k:02d}"})
        assert status == 201, answer
        tokens[answer["nickname"]] = answer["student_token"]
    return tokens


def tuned(network: dict, seed: int) -> dict:
    """The room's network with its weights moved, as a student's hand would (each seed its own)."""
    rng, changed = np.random.default_rng(seed), copy.deepcopy(network)
    for layer in changed["layers"]:
        layer["weights"] = (np.array(layer["weights"]) + rng.normal(0, 2, np.shape(layer["weights"]))).tolist()
    return changed


def submit_all(base: str, code: str, tokens: dict[str, str]) -> None:
    network = described(base, code)["network"]
    for seed, token in enumerate(tokens.values()):
        status, answer = call(base, "POST", f"/{code}/submissions", {"network": tuned(network, seed)}, token)
        assert status == 200, answer
