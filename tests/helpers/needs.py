"""What a test needs from the machine: the real data sets and Node.

A missing part skips the test with a reason, unless the matching PLAYGROUND_REQUIRE_* variable
is 1 (as in CI), where it fails the test: nothing required vanishes from a run silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def missing(reason: str, variable: str):
    """Fail under ``variable``=1, else skip, saying what is missing."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason} ({variable}=1)")
    pytest.skip(reason)


def real_data_dir(subfolder: str) -> Path:
    """PLAYGROUND_DATA_DIR when it holds ``subfolder``; else skip (or fail under PLAYGROUND_REQUIRE_DATA=1)."""
    value = os.environ.get("PLAYGROUND_DATA_DIR")
    if not value:
        reason = "PLAYGROUND_DATA_DIR is not set"
    elif not (Path(value) / subfolder).is_dir():
        reason = f"PLAYGROUND_DATA_DIR={value} has no {subfolder}/ folder"
    else:
        return Path(value)
    if os.environ.get("PLAYGROUND_REQUIRE_DATA") == "1":
        pytest.fail(f"{reason}, and PLAYGROUND_REQUIRE_DATA=1 requires the real image data sets")
    pytest.skip(f"{reason}: these tests need the real image data sets (see ../shared/data/README.md)")


def node() -> str:
    """The path of Node (the browser's maths and busy.js run under it)."""
    found = shutil.which("node")
    if found is None:
        missing("node is missing: the browser code's checks need it", "PLAYGROUND_REQUIRE_BROWSER")
    return found
