"""The job store keeps every session's models within one total, and never evicts one session's
model for another's (issue 22: two uploads under made-up keys evicted a session's model).

On the disk store (the default) through the image page's upload route, and on a real
redis-server (class mode) through the store itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from playground.app.server import models
from playground.app.server.classmode import redis_memory_advice
from playground.app.server.jobs import JobStore, StoreFull
from playground.app.session.stores import new_session_key
from playground.engine import Network, network_bytes

from helpers.servers import RedisServer

pytestmark = pytest.mark.timeout(120)

MODEL_ROUTE = "/_playground/model"


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path / "jobs"))
    with JobStore() as opened:
        yield opened


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from playground.app.main import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLAYGROUND_JOBS_DIR", str(tmp_path_factory.mktemp("app-jobs")))
        return create_app().server


def digits_network(seed: int) -> Network:
    return Network([64, 32, 10], ["tanh"], output_activation="softmax", cost="cross_entropy", seed=seed)


def upload(client, network: Network, key: str):
    return client.post(
        MODEL_ROUTE,
        query_string={"key": key, "data": "digits"},
        data=network_bytes(network),
        content_type="application/octet-stream",
    )


def test_uploads_past_the_total_are_refused_and_no_sessions_model_is_evicted(server, store, monkeypatch):
    client, owner = server.test_client(), new_session_key()
    assert upload(client, digits_network(0), owner).status_code == 200
    kept = models.model_bytes(store, owner)
    monkeypatch.setenv("PLAYGROUND_LIMITS", f"stored_bytes={store.used_bytes() + 60_000}")
    answers = [upload(client, digits_network(seed), new_session_key()) for seed in range(1, 8)]
    refused = [answer for answer in answers if answer.status_code == 400]
    assert refused and all(answer.status_code in (200, 400) for answer in answers)  # one or two fit, then no more
    assert all("storage for trained models is full" in answer.get_json()["error"] for answer in refused)
    assert models.model_bytes(store, owner) == kept  # the first session's model is still there, unchanged
    monkeypatch.setenv("PLAYGROUND_LIMITS", f"stored_bytes={store.used_bytes() + 10_000_000}")
    assert upload(client, digits_network(9), new_session_key()).status_code == 200  # room again: kept


def test_a_full_store_refuses_before_it_writes_anything(store, monkeypatch):
    with pytest.raises(StoreFull, match="was not kept"):
        store.room_for(10**12, limit=store.used_bytes() + 1)
    session = new_session_key()
    monkeypatch.setenv("PLAYGROUND_LIMITS", "stored_bytes=1")
    with pytest.raises(StoreFull):
        models.save_model(store, session, digits_network(0), np.zeros((3, 10)), {"data": "digits"})
    assert models.model_bytes(store, session) is None and models.model_about(store, session) is None


def keep(store: JobStore, session: str, size: int, limit: int) -> None:
    """What ``save_model`` does, with a model of ``size`` bytes."""
    store.room_for(size, limit)
    store.put_bytes(models.key_of("model", session), b"m" * size)


def test_redis_holds_models_within_the_total_and_serve_says_how_to_start_it(tmp_path):
    bare = RedisServer(tmp_path / "bare")
    try:
        advice = redis_memory_advice(bare.url)
        assert "no maxmemory" in advice and "--appendonly yes" in advice
        with JobStore(bare.url) as store:
            owner = new_session_key()
            keep(store, owner, 100_000, limit=10**9)
            limit = store.used_bytes() + 250_000  # room for two more
            kept = 0
            with pytest.raises(StoreFull, match="storage for trained models is full"):
                for _ in range(10):
                    keep(store, new_session_key(), 100_000, limit)
                    kept += 1
            assert 1 <= kept <= 2
            assert store.get_bytes(models.key_of("model", owner)) == b"m" * 100_000  # never evicted
    finally:
        bare.stop()
    ready = RedisServer(
        tmp_path / "ready", "--maxmemory", "64mb", "--maxmemory-policy", "noeviction", "--appendonly", "yes"
    )
    try:
        assert redis_memory_advice(ready.url) is None
    finally:
        ready.stop()
