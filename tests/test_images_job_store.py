"""The job store the image page keeps its jobs in (server/jobs.py): values, their expiry, and the
session keys it takes (only those the server issued). Every test has its own store
(``PLAYGROUND_JOBS_DIR`` in a temporary folder).
"""

from __future__ import annotations

import pytest

from playground.app.server.jobs import check_session_key
from playground.app.session.stores import new_session_key

from helpers.images_page import own_store, wait_until

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


@pytest.fixture
def store(monkeypatch, tmp_path):
    """A job store of this test's own."""
    yield from own_store(monkeypatch, tmp_path)


# ------------------------------------------------------------------ the job store


def test_job_store_values(store):
    store.put("a:1", {"x": [1, 2]})
    assert store.get("a:1") == {"x": [1, 2]} and store.get("missing", 7) == 7
    store.put_bytes("a:2", b"\x00\xff")
    assert store.get_bytes("a:2") == b"\x00\xff" and store.get_bytes("missing") is None
    assert store.add("b:1", 1, seconds=60) and not store.add("b:1", 2, seconds=60)
    assert store.get("b:1") == 1
    assert store.count("a:") == 2 and store.count("b:") == 1
    store.delete("a:1")
    assert store.get("a:1") is None and store.count("a:") == 1


def test_job_store_values_expire(store):
    store.put("short", 1, seconds=0.2)
    store.put("long", 1)
    assert store.get("short") == 1
    wait_until(lambda: store.get("short") is None)
    assert store.get("short") is None and store.count("short") == 0 and store.get("long") == 1
    assert store.add("short", 2, seconds=60)  # an expired key can be claimed again


@pytest.mark.parametrize("key", [None, "", "../x", "a" * 500, "a" * 19, "a" * 65, "abc/def-0123456789abcd", 12345])
def test_bad_session_keys_are_refused(key):
    with pytest.raises(ValueError, match="session key"):
        check_session_key(key)


def test_only_keys_the_server_issued_pass():
    fresh = new_session_key()
    assert check_session_key(fresh) == fresh
    with pytest.raises(ValueError, match="not issued by this server"):
        check_session_key("a" * 64)
