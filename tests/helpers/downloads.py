"""Files the browser downloads (figure exports), and what they hold."""

from __future__ import annotations

import struct
from pathlib import Path

from helpers.browser import wait_for

SVG = "{http://www.w3.org/2000/svg}"


def downloads_to(driver, folder: Path) -> Path:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


def downloaded(driver, folder: Path, name: str) -> Path:
    path = folder / name
    wait_for(
        driver, lambda: path.exists() and path.stat().st_size > 0 and not list(folder.glob("*.crdownload")), timeout=30
    )
    return path


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def box(driver, selector: str) -> dict:
    return driver.execute_script(
        "const b = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: b.left, top: b.top, right: b.right, bottom: b.bottom, width: b.width, height: b.height,"
        " window_width: document.documentElement.clientWidth, window_height: innerHeight};",
        selector,
    )
