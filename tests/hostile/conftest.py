"""What the hostile requests share: the real server they are sent to and the app whose callback
map writes them."""

from __future__ import annotations

import pytest

from playground.app.main import create_app

from helpers.servers import ServerProcess


@pytest.fixture(scope="session")
def server():
    """``playground serve`` in its own process (one worker, 4 threads, 2 s to send a body): one
    process for every hostile request of this folder."""
    running = ServerProcess("--workers", "1", "--threads", "4", "--limit", "body_seconds=2")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def app():
    """The same app in this process: its callback map writes the requests."""
    return create_app()
