"""Sessions the server issues and signs (issue 22), and a lecture hall counted per session.

At f77ffa5 any 20–64-character string was a session, so one client with two made-up keys took
both of the server's image-job slots; and a class behind one address was throttled as one
client (50 sessions from one address: 31.6 % of their requests refused).
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from playground.app.main import create_app
from playground.app.server.jobs import check_session_key
from playground.app.session import keys, stores

from helpers.servers import ServerProcess, callback_body

pytestmark = pytest.mark.timeout(120)


def test_a_key_the_server_issued_is_accepted_and_a_made_up_or_changed_one_is_not(monkeypatch, tmp_path):
    key = keys.issue()
    assert keys.is_issued(key) and check_session_key(key) == key and len(key) == keys.KEY_CHARACTERS
    assert keys.issue() != key
    changed = key[:-1] + ("A" if key[-1] != "A" else "B")
    for made_up in (changed, "k" * 46, "k" * 24, key[: keys.TOKEN_CHARACTERS], None, 46, "é" * 46):
        assert not keys.is_issued(made_up)
    with pytest.raises(ValueError, match="not issued by this server"):
        check_session_key("k" * 46)
    # Another installation (another secret) does not take this one's keys.
    monkeypatch.setenv(keys.SECRET_VARIABLE, "another installation's secret, long enough")
    assert not keys.is_issued(key) and keys.is_issued(keys.issue())


def test_the_secret_is_made_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv(keys.SECRET_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    keys._secret.cache_clear()
    try:
        key = keys.issue()
        path = keys.secret_file()
        assert path.is_file() and path.stat().st_mode & 0o077 == 0 and str(tmp_path) in str(path)
        keys._secret.cache_clear()  # another process of the server: it reads the same secret
        assert keys.is_issued(key)
    finally:
        keys._secret.cache_clear()


def test_a_tab_holding_a_key_the_server_did_not_issue_gets_a_new_session():
    """A tab opened before an update (or a made-up key): the key store's callback replaces it."""
    app = create_app()
    client = app.server.test_client()
    client.get("/")
    key = next(k for k, spec in app.callback_map.items() if spec["inputs"] == [{"id": stores.KEY, "property": "data"}])
    for stale, renewed in (("k" * 24, True), (keys.issue(), False)):
        body = callback_body(app, key, {f"{stores.KEY}.data": stale})
        reply = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        if renewed:
            assert reply.status_code == 200, reply.get_data(as_text=True)
            new = reply.get_json()["response"][stores.KEY]["data"]
            assert keys.is_issued(new) and new != stale
        else:
            assert reply.status_code == 204  # already this server's: nothing changes


# ---------------------------------------------------------------------- counted per session


@pytest.fixture(scope="module")
def server():
    running = ServerProcess(
        "--workers",
        "1",
        "--threads",
        "4",
        "--limit",
        "client_requests=1",
        "--limit",
        "address_requests=2",
        "--limit",
        "body_seconds=30",
    )
    yield running
    running.stop()


def stalled(server, session: str | None) -> socket.socket:
    """A request whose body has not all arrived: it stays in work (as a slow upload does)."""
    connection = socket.create_connection(("127.0.0.1", server.port))
    header = f"X-Playground-Session: {session}\r\n" if session else ""
    connection.sendall(
        f"POST /_playground/train HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000\r\n{header}\r\n{{".encode()
    )
    return connection


def answer(server, session: str | None) -> tuple[int, str]:
    headers = {"X-Playground-Session": session} if session else {}
    reply = server.post("/_playground/train", {"network": None}, headers=headers)
    return reply.status, json.dumps(reply.body)


@pytest.mark.slow  # a real server process
def test_requests_in_work_are_counted_per_session_and_the_address_has_its_own_cap(server):
    first, second, third = keys.issue(), keys.issue(), keys.issue()
    held = [stalled(server, first)]
    try:
        deadline = time.monotonic() + 20
        while answer(server, first)[0] != 429:  # until the stalled one is in work
            assert time.monotonic() < deadline
            time.sleep(0.1)  # a polling interval
        status, text = answer(server, first)
        assert status == 429 and "this session has too many requests" in text
        assert answer(server, second)[0] == 400  # another session from the same address: served
        held.append(stalled(server, second))
        while answer(server, third)[0] != 429:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        status, text = answer(server, third)
        assert status == 429 and "this address has too many requests" in text
        # A made-up session key counts as its address (which is full now).
        assert "this address" in answer(server, "k" * 46)[1]
    finally:
        for connection in held:
            connection.close()
