"""How fast the cost landscapes are: a 60×60 surface over two sliders, a 51×51 slice of an MNIST network.

    python bench/landscape_speed.py                       # both (needs PLAYGROUND_DATA_DIR with mnist/)
    python bench/landscape_speed.py --skip-slice          # only the 60×60 surface (no data needed)
    python bench/landscape_speed.py --page                # also: the /landscape page playing, in Chromium

1. ``cost_surface`` of a 2-8-8-2 tanh network on 200 points of the curved fruit over
   (W[2][3,5], b[1][4]), 60 × 60 values: warm runs, against 3,600 separate ``network.cost``
   calls with the two parameters set by hand (the obvious way), in the same run.
2. ``cost_slice``: a 51 × 51 filter-normalised slice (Li et al. 2018) of a 784-100-10 ReLU
   network trained for two epochs on MNIST, on 2,000 test images, one BLAS thread. The peer
   is Li et al.'s method (one full pass over the images per grid point, as their
   ``loss-landscape`` code does on GPUs), run here with PyTorch on the CPU, one thread, on
   one row of the grid and scaled to the whole grid (labelled so).

3. With ``--page``: the /landscape page in headless Chromium, *play* pressed for 10 s on the
   default network: how often the point on the contour moved (counted per animation frame, from
   outside the page's code) and how large the answers were (the surface is not sent again for a
   point: only the path moves).

Everything on one BLAS thread (threadpoolctl; ``torch.set_num_threads(1)``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from playground.data.toy import make_dataset
from playground.engine import Network, Trainer, TrainingSettings
from playground.engine.landscape import cost_slice, cost_surface, random_directions


def surface_benchmark(repeats: int) -> dict:
    data = make_dataset("fruit-curved", n_samples=250)
    inputs, labels = data.inputs[:200], data.labels[:200]
    network = Network([2, 8, 8, 2], activation="tanh", output_activation="softmax", seed=0)
    values = np.linspace(-3, 3, 60)
    first, second = ("W", 2, 3, 5), ("b", 1, 4)
    cost_surface(network, inputs, labels, first, second, values, values)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        surface = cost_surface(network, inputs, labels, first, second, values, values)
        times.append(time.perf_counter() - start)
    twin = network.copy()
    start = time.perf_counter()
    naive = np.empty((60, 60))
    for k, b in enumerate(values):
        for j, w in enumerate(values):
            twin.weights[1][3, 5], twin.biases[0][4] = w, b
            naive[k, j] = twin.cost(inputs, labels)
    one_by_one = time.perf_counter() - start
    assert np.allclose(surface, naive, rtol=1e-4), "the surface must equal the one-by-one costs"
    return {"times": times, "one_by_one": one_by_one}


def trained_mnist_network(data_dir: str | None):
    from playground.data.images import load_mnist

    mnist = load_mnist(data_dir)
    network = Network([784, 100, 10], activation="relu", output_activation="softmax", seed=0)
    Trainer(
        network,
        mnist.train_inputs(),
        mnist.train_labels,
        TrainingSettings(learn_rate=0.001, batch_size=100, optimizer="adam"),
    ).train(2)
    return network, mnist.test_inputs()[:2000], mnist.test_labels[:2000]


def torch_row_seconds(network: Network, inputs, labels, d1, d2, steps: int, span: float) -> float:
    """Seconds for one row of the grid done Li et al.'s way: set the weights, one pass over the images."""
    import torch

    torch.set_num_threads(1)
    W1, b1, W2, b2 = (torch.from_numpy(p.copy()) for p in network.parameters())
    D = [torch.from_numpy(d.copy()) for d in d1], [torch.from_numpy(d.copy()) for d in d2]
    x, y = torch.from_numpy(inputs), torch.from_numpy(labels.astype(np.int64))
    loss = torch.nn.CrossEntropyLoss()
    beta = 0.0
    start = time.perf_counter()
    with torch.no_grad():
        for alpha in np.linspace(-span, span, steps):
            w1 = W1 + alpha * D[0][0] + beta * D[1][0]
            w2 = W2 + alpha * D[0][2] + beta * D[1][2]
            loss(torch.relu(x @ w1 + b1) @ w2 + b2, y).item()
    return time.perf_counter() - start


def page_benchmark(seconds: float) -> dict:
    """Point moves per second on /landscape while playing, and the size of the answers."""
    import logging
    import sys
    import threading
    from pathlib import Path

    from werkzeug.serving import make_server

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from playground.app.main import create_app

    from helpers.browser import start_browser

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = start_browser()
    try:
        driver.get(f"http://127.0.0.1:{server.server_port}/landscape")
        for _ in range(300):
            if driver.execute_script(
                "const g = document.querySelector('#landscape-path .js-plotly-plot');"
                "return !!(g && g._fullData && g._fullData.length)"
            ):
                break
            time.sleep(0.1)
        time.sleep(2)
        surface_bytes = len(
            driver.execute_script(
                "return JSON.stringify(document.querySelector('#landscape-surface .js-plotly-plot').data[0])"
            )
        )
        driver.execute_script("""
            window.__moves = []; const g = document.querySelector('#landscape-path .js-plotly-plot'); let last = null;
            (function tick() { const x = g._fullData[1].x[0];
              if (x !== last) { window.__moves.push(performance.now()); last = x; } requestAnimationFrame(tick); })();
            performance.clearResourceTimings();""")
        driver.find_element("id", "landscape-play").click()
        start = time.perf_counter()
        time.sleep(seconds)
        moves = driver.execute_script("return window.__moves.length") - 1
        elapsed = time.perf_counter() - start
        driver.find_element("id", "landscape-play").click()
        # The answers while playing: the page's walk route (the app's run loop posts each step there);
        # on versions before it, the Dash callback that stepped the walk.
        sizes = driver.execute_script(
            "const walk = ((window.playgroundContract || {}).routes || {}).walk;"
            "return performance.getEntriesByType('resource')"
            ".filter(r => r.name.includes(walk || '_dash-update-component')).map(r => r.transferSize)"
        )
    finally:
        driver.quit()
        server.shutdown()
    return {
        "moves": moves / elapsed,
        "largest": max(sizes),
        "median": statistics.median(sizes),
        "surface": surface_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--skip-slice", action="store_true")
    parser.add_argument("--data-dir", default=os.environ.get("PLAYGROUND_DATA_DIR"))
    parser.add_argument("--page", action="store_true", help="also measure the /landscape page playing")
    args = parser.parse_args()
    with threadpool_limits(limits=1, user_api="blas"):
        surface = surface_benchmark(args.repeats)
        times = surface["times"]
        print("# Cost landscape speed (one BLAS thread, this machine, this run)\n")
        print("| what | ours | the obvious way, same run | ratio |")
        print("|---|---:|---:|---:|")
        print(
            f"| 60×60 cost_surface, 2-8-8-2, 200 points (min / median / max of {len(times)} warm runs) | "
            f"{1000 * min(times):.0f} / {1000 * statistics.median(times):.0f} / {1000 * max(times):.0f} ms | "
            f"3,600 network.cost calls: {1000 * surface['one_by_one']:.0f} ms | "
            f"{surface['one_by_one'] / statistics.median(times):.1f}× |"
        )
        if not args.skip_slice:
            network, inputs, labels = trained_mnist_network(args.data_dir)
            start = time.perf_counter()
            alphas, _, costs = cost_slice(network, inputs, labels, steps=51, span=1.0, seed=0)
            ours = time.perf_counter() - start
            d1, d2 = random_directions(network, seed=0)
            try:
                row = torch_row_seconds(network, inputs, labels, d1, d2, 51, 1.0)
                peer = f"PyTorch, a full pass per grid point: {row:.2f} s a row of 51 → {51 * row:.0f} s (scaled)"
                ratio = f"{51 * row / ours:.1f}×"
            except ImportError:
                peer, ratio = "PyTorch not installed (pip install torch==2.13.0)", "–"
            print(
                f"| 51×51 filter-normalised slice, 784-100-10 relu (MNIST, 2 epochs), 2,000 test images | "
                f"{ours:.1f} s (cost at the centre {costs[25, 25]:.4f}, range {costs.min():.3f}–{costs.max():.2f}) | "
                f"{peer} | {ratio} |"
            )
    if args.page:
        page = page_benchmark(10.0)
        print(
            f"| /landscape playing, 2-3-2 fruit network, headless Chromium | the point moved {page['moves']:.1f} "
            f"times a second; answers {page['median'] / 1000:.1f} kB median, {page['largest'] / 1000:.1f} kB largest "
            f"| the surface trace itself: {page['surface'] / 1000:.0f} kB (never sent while playing) | – |"
        )
    print(
        "\nTargets: the surface ≤ 100 ms (goal: ≥ 10× the one-by-one way); the slice ≤ 60 s with one BLAS thread; "
        "the point on /landscape ≥ 10 moves a second."
    )


if __name__ == "__main__":
    main()
