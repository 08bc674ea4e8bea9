"""The image page's first conv preset on the whole of MNIST, against the command line, in one run.

    python bench/conv_page.py            # one epoch of conv8x5,pool2,64 (Adam 0.001, batch 32)

The browser test trains this preset on 3,000 images (tests/test_images_browser.py: the page
fills the builder, trains and shows the filters); the whole epoch and its accuracy are measured
here: a real headless Chromium picks MNIST and the preset and clicks train on ``playground
serve``; the peer is ``playground train`` with the preset's settings on the same machine, in the
same run. Needs MNIST in $PLAYGROUND_DATA_DIR.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from helpers.browser import choose, start_browser, text, wait_for  # noqa: E402
from helpers.pages import accuracy_of, open_images, train  # noqa: E402
from helpers.servers import ServerProcess  # noqa: E402

PRESET = "a first conv network: conv8x5,pool2,64 (1 epoch)"
CLI = [
    "--layers",
    "conv8x5,pool2,64",
    "--activation",
    "relu",
    "--optimizer",
    "adam",
    "--learn-rate",
    "0.001",
    "--batch-size",
    "32",
    "--epochs",
    "1",
]


def page_run() -> tuple[float, float]:
    """(test accuracy, seconds from the click to the end) of the page's train button."""
    server = ServerProcess(env={"PLAYGROUND_JOBS_DIR": tempfile.mkdtemp(prefix="bench-jobs-")})
    driver = start_browser()
    try:
        open_images(driver, f"http://127.0.0.1:{server.port}")
        choose(driver, "images-dataset", "MNIST digits")
        wait_for(driver, lambda: driver.find_element("id", "images-preview").get_attribute("src"), timeout=120)
        choose(driver, "images-preset", PRESET)
        wait_for(
            driver, lambda: driver.find_element("id", "images-layers").get_attribute("value") == "conv8x5,pool2,64"
        )
        start = time.monotonic()
        message = train(driver, timeout=1800)
        return accuracy_of(message), time.monotonic() - start
    except Exception:
        print("the page said:", text(driver, "images-job-message"), file=sys.stderr)
        raise
    finally:
        driver.quit()
        server.stop()


def cli_run() -> tuple[float, float]:
    """(test accuracy, seconds) of ``playground train`` with the preset's settings."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "playground.cli", "train", "--data", "mnist", *CLI, "--json", "--quiet"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return float(report["test_accuracy"]), time.monotonic() - start


def main() -> None:
    page_accuracy, page_seconds = page_run()
    cli_accuracy, cli_seconds = cli_run()
    print("# The first conv preset on all of MNIST, one epoch (this machine, this run)\n")
    print("| | test accuracy | seconds |")
    print("|---|---:|---:|")
    print(f"| the page's train button (ours) | {page_accuracy:.2%} | {page_seconds:.0f} |")
    print(f"| `playground train` (the peer: the CLI) | {cli_accuracy:.2%} | {cli_seconds:.0f} |")


if __name__ == "__main__":
    main()
