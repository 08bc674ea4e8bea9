"""How fast the landscape page's 51×51 filter-normalised slice is, ours against a peer, in one run.

    python bench/slice.py                     # 2,000 MNIST test images (the page's default)
    python bench/slice.py --images 10000      # the most the page takes
    python bench/slice.py --peer-rows 3       # rows of the grid the peers compute (scaled up)
    python bench/slice.py --page              # also: the page's wait, in Chromium

Needs MNIST in $PLAYGROUND_DATA_DIR. A 784-100-10 ReLU network is trained for one epoch of Adam;
the slice is the page's (``slice_logic.compute_slice``: ``cost_slice``, seed 0, span 1).

- ours, one BLAS thread: what the page's job does now;
- ours, two BLAS threads: what the page's job did before (its own process, where OpenBLAS starts
  one thread per core); on a machine whose two cores other work shares, they wait for each other;
- the peer, Li et al.'s way (their ``loss-landscape`` code, on GPUs): the network moved to each
  grid point, one full forward pass over the images there. With PyTorch on the CPU, one thread,
  when it is installed (bench-only: ``pip install torch``); always in NumPy with the engine's own
  forward pass (``network.cost`` of a moved copy). Both on ``--peer-rows`` rows of the grid, scaled
  to its 51 rows (labelled so); the NumPy rows are checked against ours (the same numbers).

With ``--page``: the wait itself on ``playground serve`` in a headless Chromium: the network saved
and dropped on the Big networks tab, MNIST and ``--images`` chosen, the 51×51 grid, go pressed:
seconds from the click to the slice's result line.

Wall and CPU seconds (CPU counts every thread of the process: on a busy machine the wall time
grows, the CPU time much less) and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from playground.app.pages.landscape.slice_logic import compute_slice
from playground.data.images import load_mnist
from playground.engine import Network, Trainer, TrainingSettings, blas_threads, save_network
from playground.engine.landscape import cost_slice, random_directions

STEPS, SPAN = 51, 1.0


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, wall seconds, CPU seconds of the whole process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def numpy_rows(network: Network, inputs, labels, rows: list[int]) -> np.ndarray:
    """The cost at every point of the given rows (β index), one forward pass per point."""
    axis = np.linspace(-SPAN, SPAN, STEPS)
    d1, d2 = random_directions(network, seed=0)
    costs = np.empty((len(rows), STEPS))
    for k, row in enumerate(rows):
        for j, alpha in enumerate(axis):
            moved = network.copy()
            for parameter, a, b in zip(moved.parameters(), d1, d2):
                parameter += (alpha * a + axis[row] * b).astype(parameter.dtype)
            costs[k, j] = moved.cost(inputs, labels)
    return costs


def torch_rows(network: Network, inputs, labels, rows: list[int]) -> None:
    """The same rows in PyTorch on the CPU, one thread (ImportError without it)."""
    import torch

    torch.set_num_threads(1)
    axis = np.linspace(-SPAN, SPAN, STEPS)
    d1, d2 = random_directions(network, seed=0)
    W1, b1, W2, b2 = (torch.from_numpy(p.copy()) for p in network.parameters())
    D1, D2 = [torch.from_numpy(d.copy()) for d in d1], [torch.from_numpy(d.copy()) for d in d2]
    x, y = torch.from_numpy(inputs), torch.from_numpy(labels.astype(np.int64))
    loss = torch.nn.CrossEntropyLoss()
    with torch.no_grad():
        for row in rows:
            beta = float(axis[row])
            for alpha in map(float, axis):
                w1, w2 = W1 + alpha * D1[0] + beta * D2[0], W2 + alpha * D1[2] + beta * D2[2]
                loss(torch.relu(x @ w1 + b1) @ w2 + b2, y).item()


def page_wait(network: Network, images: int) -> tuple[float, str]:
    """Seconds from the go button's click to the slice's result on the page, and that result."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
    from selenium.webdriver.common.by import By

    from helpers.browser import choose, click_in_view, radio, start_browser, text, wait_for
    from helpers.pages import open_landscape, type_into
    from helpers.servers import ServerProcess

    with tempfile.TemporaryDirectory() as folder:
        model = save_network(network, os.path.join(folder, "mnist-784-100-10.npz"))
        server, driver = ServerProcess(env={"PLAYGROUND_JOBS_DIR": folder}), start_browser()
        try:
            open_landscape(driver, f"http://127.0.0.1:{server.port}")
            driver.find_element(By.XPATH, "//*[contains(@class, 'tab') and normalize-space()='Big networks']").click()
            wait_for(driver, lambda: driver.find_elements(By.ID, "landscape-slice-go"))
            driver.find_element(By.CSS_SELECTOR, "#landscape-slice-upload input[type=file]").send_keys(str(model))
            wait_for(driver, lambda: "loaded" in text(driver, "landscape-slice-upload"))
            radio(driver, "landscape-slice-source", "model")
            choose(driver, "landscape-slice-data", "mnist")
            type_into(driver, "landscape-slice-samples", images)
            radio(driver, "landscape-slice-steps", str(STEPS))
            started = time.perf_counter()
            click_in_view(driver, driver.find_element(By.ID, "landscape-slice-go"))
            wait_for(driver, lambda: "cost" in text(driver, "landscape-slice-result"), timeout=900)
            return time.perf_counter() - started, text(driver, "landscape-slice-result")
        finally:
            driver.quit()
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--peer-rows", type=int, default=3)
    parser.add_argument("--data-dir", default=os.environ.get("PLAYGROUND_DATA_DIR"))
    parser.add_argument("--page", action="store_true", help="also time the slice's wait on the page")
    args = parser.parse_args()

    mnist = load_mnist(args.data_dir)
    network = Network([784, 100, 10], activation="relu", output_activation="softmax", seed=0)
    with blas_threads(1):
        settings = TrainingSettings(learn_rate=0.001, batch_size=100, optimizer="adam")
        Trainer(network, mnist.train_inputs(), mnist.train_labels, settings).train(1)
    inputs, labels = mnist.test_inputs()[: args.images], mnist.test_labels[: args.images]
    rows = [int(r) for r in np.linspace(0, STEPS - 1, args.peer_rows)]
    scale = STEPS / len(rows)
    print(f"# {STEPS}×{STEPS} filter-normalised slice, 784-100-10 ReLU, {len(labels):,} MNIST test images\n")
    print("| what | wall | CPU |\n|---|---:|---:|")

    (_, _, costs), wall, cpu = timed(lambda: compute_slice(network, inputs, labels, STEPS, SPAN, "filter"))
    print(f"| ours, one BLAS thread (the page's job now) | {wall:.1f} s | {cpu:.1f} s |")
    with threadpool_limits(limits=2, user_api="blas"):
        # cost_slice itself: compute_slice would hold the job to one thread, as the page now does.
        _, wall, cpu = timed(lambda: cost_slice(network, inputs, labels, steps=STEPS, span=SPAN, seed=0))
    print(f"| ours, two BLAS threads (the page's job before) | {wall:.1f} s | {cpu:.1f} s |")

    with threadpool_limits(limits=1, user_api="blas"):
        found, wall, cpu = timed(lambda: numpy_rows(network, inputs, labels, rows))
    what = f"peer: one forward pass per grid point, NumPy (the engine), one BLAS thread, {len(rows)} rows × {scale:.0f}"
    print(f"| {what} | {scale * wall:.0f} s | {scale * cpu:.0f} s |")
    difference = float(np.max(np.abs(np.asarray(found) - costs[rows]) / np.asarray(found)))
    try:
        _, wall, cpu = timed(lambda: torch_rows(network, inputs, labels, rows))
        what = f"peer: one forward pass per grid point, PyTorch CPU, one thread, {len(rows)} rows × {scale:.0f}"
        print(f"| {what} | {scale * wall:.0f} s | {scale * cpu:.0f} s |")
    except ImportError:
        print("| peer: PyTorch | not installed here (bench-only: pip install torch) | – |")
    if args.page:
        seconds, result = page_wait(network, args.images)
        print(f"| the page: go clicked → the slice drawn ({result}) | {seconds:.1f} s | – |")
    print(
        f"\ncost at the network {costs[STEPS // 2, STEPS // 2]:.4f}, {costs.min():.3f} … {costs.max():.2f} "
        f"over the grid; the peer's rows against ours: largest relative difference {difference:.1e}"
    )
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


if __name__ == "__main__":
    main()
