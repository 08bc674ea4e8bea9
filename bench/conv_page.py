"""The image page's first conv preset on the whole of MNIST, against the command line, in one run.

    python bench/conv_page.py              # one epoch of conv8x5,pool2,64 (Adam 0.001, batch 32)
    python bench/conv_page.py --rounds 3   # page, CLI, page, CLI, … (a loaded machine: compare pairs)

The browser test trains this preset on 3,000 images (tests/test_images_browser.py: the page
fills the builder, trains and shows the filters); the whole epoch and its accuracy are measured
here: a real headless Chromium picks MNIST and the preset and clicks train on ``playground
serve``; the peer is ``playground train`` with the preset's settings on the same machine, in the
same run, right after, and again at the priority the page's job takes (nice 10: on a busy
machine that, not the code, sets the job's pace). While the page trains its progress line is
read every 0.2 s: the table gives the longest it stood still (the page promises a change at
least every 2 s) and a line from the middle of the epoch. Needs MNIST in $PLAYGROUND_DATA_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import psutil  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from helpers.browser import choose, start_browser, text, wait_for  # noqa: E402
from helpers.pages import accuracy_of, job_message, open_images  # noqa: E402
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
READ_SECONDS = 0.2  # how often the progress line is read


class ProgressWatch:
    """The page's progress line as it changes (the longest it stood still, the lines seen), and the
    CPU time of the job's process (the server's processes started after the click)."""

    def __init__(self, server: psutil.Process) -> None:
        self.lines: list[str] = []
        self.changed = time.monotonic()
        self.longest = 0.0
        self.server = server
        self.before = {process.pid for process in server.children(recursive=True)}
        self.cpu: dict[int, float] = {}

    def see_job(self) -> None:
        for process in self.server.children(recursive=True):
            if process.pid not in self.before:
                try:
                    times = process.cpu_times()
                    self.cpu[process.pid] = times.user + times.system
                except psutil.Error:
                    pass  # it has just ended: its last reading stays

    def see(self, line: str) -> None:
        now = time.monotonic()
        if not self.lines or line != self.lines[-1]:
            self.lines.append(line)
            self.changed = now
        self.longest = max(self.longest, now - self.changed)

    def pace(self) -> int:
        """The last images/s the line gave (the epoch's pace so far, near its end)."""
        paces = [re.search(r"([\d,]+) images/s", line) for line in self.lines]
        return next((int(found.group(1).replace(",", "")) for found in reversed(paces) if found), 0)

    def middle(self) -> str:
        """A line from within the epoch (batches counting), else the last one seen."""
        counting = [line for line in self.lines if " · batch " in line and "images/s" in line]
        return counting[len(counting) // 2] if counting else (self.lines[-1] if self.lines else "")


def page_run(timeout: float = 1800) -> tuple[float, float, ProgressWatch]:
    """(test accuracy, seconds from the click to the end, the progress line) of the page's train button."""
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
        watch = ProgressWatch(psutil.Process(server.process.pid))
        start = time.monotonic()
        driver.find_element("id", "images-start").click()

        def finished() -> bool:
            watch.see(text(driver, "images-progress-text"))
            watch.see_job()
            return job_message(driver).startswith("done")

        WebDriverWait(driver, timeout, poll_frequency=READ_SECONDS).until(lambda _: finished())
        return accuracy_of(job_message(driver)), time.monotonic() - start, watch
    except Exception:
        print("the page said:", text(driver, "images-job-message"), file=sys.stderr)
        raise
    finally:
        driver.quit()
        server.stop()


def cli_run(nice: int = 0) -> tuple[float, float, int, float]:
    """(test accuracy, seconds, the epoch's images/s, CPU seconds) of ``playground train`` with the
    preset's settings; ``nice``: at the priority the page's job takes (10), as on a busy machine."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "playground.cli", "train", "--data", "mnist", *CLI, "--json", "--quiet"],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=lambda: os.nice(nice),
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    epoch_pace = round(report["train_samples"] / report["history"][0]["seconds"])  # the batches alone
    seconds, after = time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return float(report["test_accuracy"]), seconds, epoch_pace, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="page then CLI, this many times")
    rounds = parser.parse_args().rounds
    print("# The first conv preset on all of MNIST, one epoch (this machine, this run)\n")
    columns = [
        "round",
        "load (1 min)",
        "test accuracy: page, CLI",
        "click to end: page",
        "command: CLI",
        "page / CLI",
        "CLI at nice 10",
        "epoch images/s: page, CLI, CLI at nice 10",
        "CPU s: page's job, CLI",
        "line still at most",
        "a line mid-epoch",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for round_ in range(1, rounds + 1):
        load = os.getloadavg()[0]
        page_accuracy, page_seconds, watch = page_run()
        cli_accuracy, cli_seconds, cli_pace, cli_cpu = cli_run()
        _, nice_seconds, nice_pace, _ = cli_run(nice=10)
        cells = [
            f"{round_}",
            f"{load:.1f}",
            f"{page_accuracy:.2%}, {cli_accuracy:.2%}",
            f"{page_seconds:.1f} s",
            f"{cli_seconds:.1f} s",
            f"{page_seconds / cli_seconds:.2f}",
            f"{nice_seconds:.1f} s",
            f"{watch.pace():,}, {cli_pace:,}, {nice_pace:,}",
            f"{sum(watch.cpu.values()):.1f}, {cli_cpu:.1f}",
            f"{watch.longest:.1f} s",
            watch.middle(),
        ]
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
