"""Rooms (SPEC F28): a lecture hall plays along on its phones. The rules (``room``, ``play``,
``teaching``), where rooms are kept (``store``), what the server computes for them (``scoring``)
and the HTTP API the pages use (``api``; docs/rooms.md)."""
