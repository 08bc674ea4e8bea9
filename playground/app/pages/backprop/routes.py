"""The backprop page's browser route: the session's next step, slowly (``assets/backprop.js`` sends it)."""

from __future__ import annotations

from playground.app.pages.backprop import logic


def slow_step(body: dict) -> dict:
    """Every frame of the next step from the state the browser sent, and the state after it."""
    return logic.answer(body)
