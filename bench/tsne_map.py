"""How fast the image page's t-SNE layer map is, ours against scikit-learn's t-SNE, in one run.

    python bench/tsne_map.py                      # 2,500 test images (the page's count), 1 and 2 threads
    python bench/tsne_map.py --points 3000 --threads 1
    python bench/tsne_map.py --page               # also: the map's wait on the page, in Chromium

Needs MNIST in $PLAYGROUND_DATA_DIR. A 784-100-10 ReLU network is trained for one epoch of
Adam; the map is drawn from its hidden layer (100 values per image) for the first test images.

- ours: what the page does (``inside.layer_map(…, "tsne")``): PCA to 50 dimensions, then
  openTSNE's Barnes-Hut t-SNE, one thread, 100 + 200 iterations, θ 0.8, exact neighbours;
- the peers, on the same PCA-50 points: scikit-learn's ``TSNE`` with its defaults (Barnes-Hut,
  250 + 750 iterations, OpenMP on every thread allowed), and what the page did before: the same
  on the first 500 images only.

And the page's job as a whole, in a fresh process as the page's job is (spawned): its imports,
the MNIST test set read, ``layer_map_figure`` (forward pass, PCA, t-SNE, the figure), one BLAS
thread; timed from the process's start to the figure.

With ``--page``: the wait itself, on ``playground serve`` in a headless Chromium: a 784-100-10
network trained on the page (one epoch on 10,000 MNIST images), then t-SNE chosen on the Deeper
tab and draw pressed, ``--repeats`` times: seconds from the click to the map shown.

Each runs with BLAS and OpenMP limited to ``--threads`` (threadpoolctl). The table gives wall
and CPU seconds (CPU counts every thread of the process: on a busy machine the wall time grows,
the CPU time much less) and two measures of the map: the share of each image's 10 nearest
neighbours on the map that are of its class, and trustworthiness (scikit-learn: how well the
map's neighbourhoods are neighbourhoods of the layer's values; 1 is perfect). The first two
PCA axes give the baseline for both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE, trustworthiness
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from playground.app.pages.images import inside
from playground.data.images import load_mnist
from playground.engine import Network, Trainer, TrainingSettings, save_network

# The page's job, in a process of its own: the model file and the data folder as arguments.
PAGE_JOB = """
import sys, time
started, cpu = time.perf_counter(), time.process_time()
import numpy as np
from playground.app.pages.images import evaluation
from playground.app.pages.images.view_callbacks import Model, layer_map_figure
from playground.engine import blas_threads, load_network
network = load_network(sys.argv[1])
test = evaluation.test_set({"data": "mnist"})
with blas_threads(1):
    figure = layer_map_figure(Model(network, np.zeros(0), {}, test), 1, "tsne")
print(time.perf_counter() - started, time.process_time() - cpu, sum(len(trace.x) for trace in figure.data))
"""


def page_job_seconds(network: Network, data_dir: str | None) -> tuple[float, float, float, int]:
    """(wall seconds from the process's start to the figure, its CPU seconds, the wall time from
    this side (the interpreter's start too), points drawn)."""
    with tempfile.TemporaryDirectory() as folder:
        model = save_network(network, os.path.join(folder, "mnist.npz"))
        environment = {**os.environ, **({"PLAYGROUND_DATA_DIR": data_dir} if data_dir else {})}
        started = time.perf_counter()
        answer = subprocess.run(
            [sys.executable, "-c", PAGE_JOB, str(model)], capture_output=True, text=True, env=environment, check=True
        )
        outside = time.perf_counter() - started
    wall, cpu, points = answer.stdout.split()[-3:]
    return float(wall), float(cpu), outside, int(points)


def neighbour_agreement(points: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """The share of each point's k nearest neighbours (itself left out) that have its label."""
    _, nearest = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
    return float(np.mean(labels[nearest[:, 1:]] == labels[:, None]))


def timed(work: Callable[[], np.ndarray]) -> tuple[np.ndarray, float, float]:
    """(result, wall seconds, CPU seconds of the whole process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def row(what: str, points: np.ndarray, wall: float, cpu: float, layer: np.ndarray, labels: np.ndarray) -> str:
    agreement = neighbour_agreement(points, labels)
    trust = trustworthiness(layer, points, n_neighbors=10)
    return f"| {what} | {wall:.2f} s | {cpu:.2f} s | {agreement:.3f} | {trust:.3f} |"


def sklearn_default(points: np.ndarray) -> np.ndarray:
    """The page's t-SNE before: scikit-learn's TSNE, its defaults (as the page called it)."""
    return TSNE(2, init="pca", random_state=0, perplexity=30).fit_transform(points)


def page_waits(repeats: int) -> tuple[list[float], str]:
    """Seconds from the draw button's click to the t-SNE map on the page, ``repeats`` times, and
    the map's title."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tests"))
    from selenium.webdriver.common.by import By

    from helpers.browser import choose, click_in_view, radio, start_browser, text
    from helpers.pages import open_images, tab, type_into
    from helpers.servers import ServerProcess

    title = "return JSON.stringify(document.querySelector('#images-map-graph .js-plotly-plot').layout.title || '')"
    with tempfile.TemporaryDirectory() as jobs:
        server, driver = ServerProcess(env={"PLAYGROUND_JOBS_DIR": jobs}), start_browser()
        try:
            open_images(driver, f"http://127.0.0.1:{server.port}")
            choose(driver, "images-dataset", "MNIST digits")
            for box, value in (("images-layers", "100"), ("images-epochs", 1), ("images-train-samples", 10000)):
                type_into(driver, box, value)
            driver.find_element(By.ID, "images-start").click()
            wait(lambda: text(driver, "images-job-message").startswith("done"), 600)
            tab(driver, "Deeper")
            wait(lambda: driver.find_element(By.ID, "images-map-layer").text.strip(), 60)
            radio(driver, "images-map-method", "tsne")
            seconds = []
            for _ in range(repeats):
                driver.execute_script(  # a new title each time: the wait ends when this draw arrives
                    "const g = document.querySelector('#images-map-graph .js-plotly-plot');"
                    "if (g.layout) g.layout.title = {text: ''}"
                )
                started = time.perf_counter()
                click_in_view(driver, driver.find_element(By.ID, "images-map-draw"))
                wait(lambda: "t-SNE" in driver.execute_script(title), 120)
                seconds.append(time.perf_counter() - started)
                wait(lambda: driver.find_element(By.ID, "images-map-draw").is_enabled(), 60)
            shown = driver.execute_script(title)
        finally:
            driver.quit()
            server.stop()
    return seconds, shown


def wait(condition: Callable[[], object], seconds: float) -> None:
    """Poll ``condition`` every 20 ms until it holds (TimeoutError after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not get there in time")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=inside.TSNE_SAMPLES)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--data-dir", default=os.environ.get("PLAYGROUND_DATA_DIR"))
    parser.add_argument("--page", action="store_true", help="also time the map's wait on the page")
    parser.add_argument("--repeats", type=int, default=3, help="draws timed on the page")
    args = parser.parse_args()

    mnist = load_mnist(args.data_dir)
    network = Network([784, 100, 10], activation="relu", output_activation="softmax", seed=0)
    with threadpool_limits(limits=1):
        settings = TrainingSettings(learn_rate=0.001, batch_size=100, optimizer="adam")
        Trainer(network, mnist.train_inputs(), mnist.train_labels, settings).train(1)
    inputs, labels = mnist.test_inputs()[: args.points], mnist.test_labels[: args.points]
    print(f"# t-SNE layer map: 784-100-10 hidden layer, {len(labels):,} MNIST test images\n")
    print("| what | wall | CPU | 10 nearest on the map: same class | trustworthiness (10) |\n|---|---:|---:|---:|---:|")
    for threads in args.threads:
        with threadpool_limits(limits=threads):
            layer = inside.layer_activations(network, inputs, 1)
            start = PCA(50, random_state=0).fit_transform(layer)
            runs = [
                ("ours (PCA 50 → openTSNE, 1 thread)", partial(inside.layer_map, layer, "tsne"), len(labels)),
                ("scikit-learn TSNE, defaults", partial(sklearn_default, start), len(labels)),
                ("before (scikit-learn defaults, 500 images)", partial(sklearn_default, start[:500]), 500),
            ]
            for what, work, count in runs:
                points, wall, cpu = timed(work)
                print(row(f"{threads} thread(s): {what}", points, wall, cpu, layer[:count], labels[:count]))
    job, cpu, process, drawn = page_job_seconds(network, args.data_dir)
    print(
        f"| the page's job in a fresh process: imports, test set, layer_map_figure ({drawn:,} images) | "
        f"{job:.2f} s ({process:.2f} s with the interpreter's start) | {cpu:.2f} s | – | – |"
    )
    flat = inside.layer_map(layer, "pca")
    print(row("baseline: PCA, 2 axes", flat, 0.0, 0.0, layer, labels))
    if args.page:
        waits, shown = page_waits(args.repeats)
        what = f"the page: draw clicked → t-SNE map shown, {len(waits)} draws (its title: {shown})"
        print(f"| {what} | {', '.join(f'{w:.1f}' for w in waits)} s | – | – | – |")
    print(f"\nload average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


if __name__ == "__main__":
    main()
