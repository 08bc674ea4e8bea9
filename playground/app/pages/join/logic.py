"""What the student's page works out on the server: only the room's code from the link (the rest of
the page talks to the rooms' HTTP API from the browser, docs/rooms.md)."""

from __future__ import annotations

import re

CODE_CHARACTERS = 5  # a room's code: 5 letters and digits (the server's alphabet has no look-alikes)


def room_code(text: str | None) -> str:
    """A code as typed or linked (``k7h qm``) as the API names rooms (``K7HQM``): letters and digits
    only, upper case; "" when there is none. Whether the room exists is the server's to say."""
    return re.sub(r"[^0-9A-Z]", "", (text or "").upper())[:12]  # bounded: what is shown and sent stays short
