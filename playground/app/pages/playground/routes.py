"""The playground's browser route: the play loop's training request (``assets/runner.js`` sends it)."""

from __future__ import annotations

from playground.app.session import training


def train(body: dict) -> dict:
    """One request of the play loop: train from the state the browser sent, answer with the new one."""
    return training.answer(body)
