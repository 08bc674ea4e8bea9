"""JSON a client sent, read within bounds: its depth is measured on the raw text before any parser recurses."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

# The WSGI environ's mark that the request guard measured a JSON body's depth (a route need not again).
DEPTH_CHECKED = "playground.json_depth_checked"


def json_depth(raw: bytes | str) -> int:
    """How deeply a JSON text nests ([[1]] is 2), from its brackets outside strings.

    No parser, no recursion, no per-character Python: a quote counts unless an odd run of
    backslashes comes before it, and a bracket counts when an even number of quotes comes
    before it. Only the quotes and brackets are looked at one by one (in NumPy).
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    codes = np.frombuffer(raw, dtype=np.uint8)
    quotes = np.flatnonzero(codes == ord('"'))
    backslashes = np.flatnonzero(codes == ord("\\"))
    # Each backslash's run: where the run of consecutive backslashes it belongs to starts.
    run_start = backslashes[
        np.maximum.accumulate(np.where(np.diff(backslashes, prepend=-2) != 1, np.arange(len(backslashes)), 0))
    ]
    before = np.searchsorted(backslashes, quotes - 1)  # the backslash right before a quote, if any
    escaped = np.zeros(len(quotes), dtype=bool)
    found = before < len(backslashes)
    found[found] = backslashes[before[found]] == quotes[found] - 1
    escaped[found] = (quotes[found] - run_start[before[found]]) % 2 == 1
    real_quotes = quotes[~escaped]
    opening = np.flatnonzero((codes == ord("[")) | (codes == ord("{")))
    closing = np.flatnonzero((codes == ord("]")) | (codes == ord("}")))
    brackets = np.concatenate([opening, closing])
    steps = np.concatenate([np.ones(len(opening), np.int64), -np.ones(len(closing), np.int64)])
    outside = np.searchsorted(real_quotes, brackets) % 2 == 0
    order = np.argsort(brackets[outside], kind="stable")
    return int(np.cumsum(steps[outside][order]).max(initial=0))


def load_json(text: str | bytes, what: str, depth_limit: int | None) -> Any:
    """Parse JSON a client sent; ValueError (naming ``what``) when it nests deeper than
    ``depth_limit`` (None: measured already) or is not JSON. NaN and Infinity, which JSON does
    not have, are refused."""
    if depth_limit is not None and json_depth(text) > depth_limit:
        raise ValueError(f"{what} nests more than {depth_limit} levels deep")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{what} is not JSON: {error}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
