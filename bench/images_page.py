"""The image page's speed, against the command line and beside the playground, in one run.

    python bench/images_page.py                 # MNIST, the seed video's 784-300-10, 2 epochs
    python bench/images_page.py --epochs 1 --repeats 1 --strokes 10
    python bench/images_page.py --json

Needs MNIST in $PLAYGROUND_DATA_DIR. The app runs as ``playground serve`` (gunicorn, as a class
would use it) with its own jobs folder; a real headless Chromium clicks and draws.

1. Training: the same network, settings and data trained by ``playground train --json`` and by
   the page's train button (a background job), in turn, ``--repeats`` times; images/s of each
   (both count the whole run including the per-epoch test measurement; the page's figure is
   the job's own, shown on the page).
2. The playground while a job trains: the 2-3-2 drag latency (bench/playground_speed.py's
   method: DevTools mouse moves, time to the first frame with a new boundary) with no job, and
   in another browser while an MNIST job trains on the same server.
3. Drawing: strokes drawn with the mouse on the page's canvas (network trained in step 1);
   the page's own timing from the end of a stroke to the ranking shown (its request included).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from helpers.browser import choose, start_browser, text  # noqa: E402
from helpers.pages import type_into  # noqa: E402
from helpers.servers import ServerProcess  # noqa: E402
from playground_speed import WATCHER, measure_ours, summary  # noqa: E402

SETTINGS = {
    "layers": "300",
    "activation": "relu",
    "optimizer": "momentum",
    "learn-rate": "0.05",
    "momentum": "0.9",
    "decay": "0.04",
    "batch-size": "32",
    "l2": "0.0003125",
}


def cli_run(epochs: int) -> float:
    """images/s of ``playground train`` with the seed video's MNIST settings."""
    options = [item for name, value in SETTINGS.items() for item in (f"--{name}", value)]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "playground.cli",
            "train",
            "--data",
            "mnist",
            *options,
            "--output",
            "softmax",
            "--cost",
            "cross-entropy",
            "--epochs",
            str(epochs),
            "--threads",
            "1",
            "--json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["samples_per_second"])


def wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"gave up waiting for {what}")


def page_texts(driver) -> str:
    return " | ".join(
        text(driver, f"images-{name}")
        for name in ("job-message", "start-message", "progress-text", "config-message", "data-status")
    )


def set_up_page(driver, url: str, epochs: int) -> None:
    driver.get(url + "/images")
    wait(lambda: driver.find_elements(By.ID, "images-start"), 40, "the image page")
    time.sleep(1)
    choose(driver, "images-dataset", "MNIST digits")
    choose(driver, "images-preset", "seed video: 784-300-10")
    type_into(driver, "images-epochs", epochs)


def page_run(driver, timeout: float = 900) -> float:
    """Click train, wait for the job to end; its images/s as the page shows it."""
    driver.find_element(By.ID, "images-start").click()
    wait(lambda: text(driver, "images-job-message").startswith("training"), 120, "the job to start")
    wait(
        lambda: text(driver, "images-job-message").startswith(("done", "training failed")),
        timeout,
        "the page's training",
    )
    if not text(driver, "images-job-message").startswith("done"):
        raise RuntimeError(text(driver, "images-job-message"))
    return float(re.search(r"([\d,]+) images/s", text(driver, "images-progress-text")).group(1).replace(",", ""))


def drag_p95(driver, url: str, moves: int) -> dict:
    """The playground's 2-3-2 drag latency; a page load the browser gave up on is tried once more
    (and counted: it happened once in five runs here, while a job was starting)."""
    from selenium.common.exceptions import TimeoutException

    for attempt in range(2):
        try:
            measured = measure_ours(driver, url + "/", [2, 3, 2], moves, 2.0)["latency"]
            return {**summary(measured), "load_retries": attempt}
        except TimeoutException:
            if attempt:
                raise
    raise AssertionError("unreachable")


def draw_latencies(driver, strokes: int) -> list[float]:
    """Draw ``strokes`` strokes (a '7', a '1', …) with the mouse; the page's timing of each answer."""
    driver.find_element(By.XPATH, "//div[contains(@class,'tab')][normalize-space()='Draw']").click()
    time.sleep(1)
    canvas = driver.find_element(By.ID, "images-canvas")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    shapes = [
        [(-60, -80), (60, -80), (0, 90)],
        [(0, -100), (0, 100)],
        [(-60, -60), (0, -90), (60, -60), (-60, 90), (60, 90)],
    ]
    for k in range(strokes):
        if k % 3 == 0:
            driver.find_element(By.ID, "images-clear").click()
        points = shapes[k % len(shapes)]
        actions = ActionChains(driver).move_to_element_with_offset(canvas, *points[0]).click_and_hold()
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            actions.move_by_offset(x1 - x0, y1 - y0)
        actions.release().perform()
        time.sleep(0.4)
    return [
        float(t)
        for t in driver.execute_script(
            "return (window.neuralModules && window.neuralModules.images || window.imagesPage).timings"
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--moves", type=int, default=150)
    parser.add_argument("--strokes", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    jobs = tempfile.mkdtemp(prefix="bench-jobs-")
    server = ServerProcess(env={"PLAYGROUND_JOBS_DIR": jobs})
    url = f"http://127.0.0.1:{server.port}"
    page, other = start_browser(), start_browser()
    other.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCHER})
    results: dict = {"cli": [], "page": [], "epochs": args.epochs}
    try:
        set_up_page(page, url, args.epochs)
        for _ in range(args.repeats):
            results["cli"].append(cli_run(args.epochs))
            results["page"].append(page_run(page))
        results["drawing"] = summary(draw_latencies(page, args.strokes))
        results["drag_idle"] = drag_p95(other, url, args.moves)
        page.find_element(By.XPATH, "//div[contains(@class,'tab')][normalize-space()='Train']").click()
        time.sleep(1)
        type_into(page, "images-epochs", 20)
        page.find_element(By.ID, "images-start").click()
        wait(lambda: "training" in text(page, "images-job-message"), 120, "the job to run")
        time.sleep(3)
        results["drag_while_training"] = drag_p95(other, url, args.moves)
        page.find_element(By.ID, "images-stop").click()
    except Exception:
        print("the page said:", page_texts(page), file=sys.stderr)
        page.save_screenshot("/tmp/bench-images-failure.png")
        raise
    finally:
        page.quit()
        other.quit()
        server.stop()

    if args.json:
        print(json.dumps(results))
        return
    cli, ours = statistics.median(results["cli"]), statistics.median(results["page"])
    print(
        f"# The image page's speed (MNIST, 784-300-10 ReLU, momentum, batch 32, {args.epochs} epochs; this machine, "
        "this run)\n"
    )
    print("| | images/s (each run) | median |")
    print("|---|---|---:|")
    print(f"| `playground train` (the peer: the CLI) | {', '.join(f'{v:,.0f}' for v in results['cli'])} | {cli:,.0f} |")
    print(f"| the page's train button | {', '.join(f'{v:,.0f}' for v in results['page'])} | {ours:,.0f} |")
    print(f"\npage / CLI: {ours / cli:.3f} (target ≥ 0.90)\n")
    print("| playground 2-3-2 drag | moves | median | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    for name, key in (("no job on the server", "drag_idle"), ("while an MNIST job trains", "drag_while_training")):
        row = results[key]
        print(f"| {name} | {row['n']} | {row['median']:.1f} ms | {row['p95']:.1f} ms | {row['max']:.1f} ms |")
    row = results["drawing"]
    print(
        f"\nDrawing → ranking shown (the page's timing, {row['n']} answers): median {row['median']:.1f} ms, "
        f"p95 {row['p95']:.1f} ms, max {row['max']:.1f} ms (target ≤ 50 ms)"
    )


if __name__ == "__main__":
    main()
