"""Text from a user or a link, made safe for Plotly.

Plotly reads a subset of HTML in names, titles and hover labels (``<a href>``, ``<b>``,
``<br>``), so a shared class name could put a link into a legend. Escaping the markup
characters shows the text exactly as typed, markup included, and nothing more.
"""

from __future__ import annotations

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"}  # % would start a hover template field


def plotly_text(text: object) -> str:
    """``text`` as Plotly shows plain text (never as markup or a template field)."""
    return "".join(_ESCAPES.get(character, character) for character in str(text))
