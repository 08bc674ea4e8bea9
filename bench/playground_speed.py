"""The 2D playground's speed as a person sees it, in a real headless Chromium: drag latency and painted frames.

    python bench/playground_speed.py                        # both networks, 150 drag moves, 10 s of play each
    python bench/playground_speed.py --peer PATH/dist       # also TensorFlow Playground, in the same run
    python bench/playground_speed.py --json                 # one JSON line (for comparing two checkouts)

What is counted is what reaches the screen, measured from outside the page's own code (so
the same script measures any version of the page, and TensorFlow Playground): a script
added to every document before the page's own runs once per animation frame and records
whether the boundary canvas shows a new picture since the last frame.

- Latency (SPEC's method): real pointer drags, sent as DevTools input events (the browser's
  own mouse pipeline), one move every 16 ms back and forth over the first weight slider; for
  each pointermove, the time from the event's timestamp to the first animation frame whose
  boundary differs from the frame before. Every view that updates on a change stays live.
- Frames/s while playing: animation frames that showed a new boundary, per second; and how
  often the readouts, the network diagram, the sliders and the cost curve showed something new.
- The peer: TensorFlow Playground built from its public repository (``npm install`` and
  ``npm run build`` in tensorflow/playground give ``dist/``), served from ``--peer``: a typed
  weight edit (its way of editing one weight) → new heatmap, and frames/s while playing, at its
  default (4,2) network and at 6 layers × 8. Without ``--peer`` its figures are not printed
  as if measured: the table says where the cited ones come from.
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import logging
import statistics
import sys
import threading
import time
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from playground.app.main import create_app
from playground.app.session import model
from playground.data.toy import make_dataset
from playground.engine import Network

from helpers.browser import start_browser  # the same Chromium set-up as the tests

CITED_PEER = (
    "TensorFlow Playground, cited from SPEC.md (measured on a machine of this kind in headless "
    "Chromium, date not recorded; not re-run here): weight edit → new boundary 20 ms median "
    "(max 45) at its default network; 52 frames/s at its default (4,2) network, 17 at 6 layers × 8"
)

# Runs in every document before the page's own scripts: a per-frame watcher of what is on screen.
WATCHER = """
(() => {
  const bench = window.__bench = { events: [], frames: [], views: {}, watch: false, canvas: null, extra: [] };
  const remember = (e) => bench.events.push(e.timeStamp);
  document.addEventListener("pointermove", remember, { capture: true });
  // A typed digit is a weight edit (the peer's way); other keys (Ctrl, A) change nothing.
  document.addEventListener("keydown", (e) => { if (/^[0-9]$/.test(e.key)) remember(e); }, { capture: true });
  const last = {};
  function signature(canvas, stride) {
    if (!canvas || !canvas.width) return null;
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let h = canvas.width * 7919 + canvas.height;
    for (let i = 0; i < data.length; i += 4 * stride) h = (h * 31 + data[i] + 7 * data[i + 1] + 13 * data[i + 2]) | 0;
    return h;
  }
  function changed(name, value) {
    if (value === null || value === undefined || value === last[name]) return false;
    const first = !(name in last);
    last[name] = value;
    return !first;
  }
  function tick() {
    const now = performance.now();
    if (bench.canvas && changed("boundary", signature(document.querySelector(bench.canvas), 1))) bench.frames.push(now);
    if (bench.watch) {
      for (const [name, read] of bench.extra) {
        let value = null;
        try { value = read(); } catch (error) { value = null; }
        if (changed(name, value)) bench.views[name] = (bench.views[name] || 0) + 1;
      }
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
  bench.signature = signature;
})();
"""

# What "the other views" are on our page (ids with or without the playground- prefix of newer pages).
OUR_VIEWS = """
const p = document.getElementById("playground-page") ? "playground-" : "";
const q = (s) => document.querySelector(s.replace(/#/g, "#" + p));
window.__bench.canvas = "canvas.boundary-canvas";
window.__bench.extra = [
  ["readouts", () => q("#readouts").textContent],
  ["diagram", () => window.__bench.signature(q("#network-canvas"), 9)],
  ["sliders", () => q("#sliders [role=slider]").getAttribute("aria-valuenow")],
  ["cost curve", () => q("#cost-graph .js-plotly-plot .scatterlayer path.js-line").getAttribute("d")],
];
return p;
"""


# The page has drawn its network (the playground's module: window.neuralModules.playground on the
# current page, window.playground on versions before the app's core was restructured).
PAGE_SHOWN = (
    "((window.neuralModules && window.neuralModules.playground && window.neuralModules.playground.shown)"
    " || (window.playground && window.playground.shown))"
)


def serve_ours() -> tuple[str, object]:
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/", server


def serve_folder(folder: str) -> tuple[str, object]:
    handler = functools.partial(QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def link_for(layer_sizes: list[int]) -> str:
    """A share fragment opening the page on the curved fruit with this network (works on every version:
    it is written as the first links were, state version 1 with the network as layer sizes and weight
    lists, which later versions upgrade on opening, so two checkouts can be measured on the same state)."""
    dataset = make_dataset("fruit-curved")
    data = model.points_json(
        dataset, generator={"name": "fruit-curved", "noise": 0.0, "test_fraction": 0.2, "seed": 0, "n_samples": 200}
    )
    hidden = len(layer_sizes) - 2
    # Sigmoid as the seed's; six layers deep, tanh (through six sigmoids a weight of the first layer
    # barely moves the output: the picture would not change, and nothing would be measured).
    activation = "sigmoid" if hidden <= 2 else "tanh"
    made = Network(layer_sizes, activation=[activation] * hidden, output_activation="sigmoid", cost="quadratic", seed=0)
    network = {
        "layer_sizes": list(made.layer_sizes),
        "activations": list(made.activations),
        "output_activation": made.output_activation,
        "cost": made.cost_name,
        "seed": 0,
        "weights": [W.tolist() for W in made.weights],
        "biases": [b.tolist() for b in made.biases],
    }
    settings = {
        # The seed's 3 for its sigmoid networks; TensorFlow Playground's 0.03 for the deep tanh ones
        # (at 3 they saturate in a few steps to one class everywhere: a picture that no longer changes).
        "learn_rate": 3.0 if hidden <= 2 else 0.03,
        "batch_size": 10,
        "optimizer": "sgd",
        "momentum": 0.9,
        "l2": 0.0,
        "gradient": "backprop",
        "data_seed": 0,
        "weight_seed": 0,
    }
    state = {"version": 1, "data": data, "network": network, "settings": settings}
    packed = zlib.compress(json.dumps(state, separators=(",", ":")).encode(), level=9)
    return "#" + model.SHARE_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def open_document(driver, url: str, ready: str, settle: float = 1.5) -> None:
    driver.get("about:blank")  # a fresh document, not just a new #fragment
    driver.get(url)
    for _ in range(300):
        if driver.execute_script(ready):
            break
        time.sleep(0.1)
    time.sleep(settle)


def latencies(driver) -> list[float]:
    """For each recorded input event: ms to the first animation frame showing a new boundary."""
    events, frames = driver.execute_script("return [window.__bench.events, window.__bench.frames]")
    result = []
    for event in events:
        later = [frame for frame in frames if frame >= event]
        if later:
            result.append(later[0] - event)
    return result


def reset_counts(driver) -> None:
    driver.execute_script("const b = window.__bench; b.events.length = 0; b.frames.length = 0; b.views = {};")


def drag(driver, selector: str, moves: int) -> list[float]:
    """Drag the thumb under ``selector`` with DevTools mouse events; latency of each move in ms."""
    x, y = driver.execute_script(
        "const t = document.querySelector(arguments[0]); t.scrollIntoView({block: 'center'});"
        "const r = t.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];",
        selector,
    )

    def mouse(kind: str, px: float, buttons: int) -> None:
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent",
            {"type": kind, "x": px, "y": y, "button": "left", "buttons": buttons, "clickCount": 1},
        )

    mouse("mouseMoved", x, 0)
    mouse("mousePressed", x, 1)
    time.sleep(0.2)
    reset_counts(driver)
    for k in range(moves):
        mouse("mouseMoved", x + 60 * np.sin(2 * np.pi * (k + 1) / 50), 1)  # back and forth: the weight keeps changing
        time.sleep(0.016)
    time.sleep(0.5)
    measured = latencies(driver)
    mouse("mouseReleased", x, 0)
    return measured


def play(driver, button: str, seconds: float, watch_views: bool) -> dict:
    """Press play for ``seconds``: new boundaries (and other views) shown per second."""
    driver.execute_script(f"window.__bench.watch = {str(watch_views).lower()};")
    reset_counts(driver)
    driver.execute_script("document.querySelector(arguments[0]).click()", button)
    start = time.perf_counter()
    time.sleep(seconds)
    frames, views = driver.execute_script("return [window.__bench.frames.length, window.__bench.views]")
    elapsed = time.perf_counter() - start
    driver.execute_script("document.querySelector(arguments[0]).click()", button)
    time.sleep(0.5)
    return {"frames": frames / elapsed, **{name: count / elapsed for name, count in views.items()}}


# Ours: the default, a middle one, and six hidden layers: at the peer's 6 × 8 and at the page's largest, 6 × 32.
OUR_NETWORKS = {
    "2-3-2 (default)": [2, 3, 2],
    "2-8-8-2": [2, 8, 8, 2],
    "6x8 (6 hidden layers of 8)": [2, *[8] * 6, 2],
    "6x32 (6 hidden layers of 32)": [2, *[32] * 6, 2],
}


def measure_ours(driver, url: str, sizes: list[int], moves: int, seconds: float) -> dict:
    open_document(
        driver,
        url + link_for(sizes),
        f"return !!(document.querySelector('canvas.boundary-canvas')"
        f" && document.querySelector('.dash-slider-thumb') && {PAGE_SHOWN})",
    )
    prefix = driver.execute_script(OUR_VIEWS)
    time.sleep(0.3)
    sliders = len(driver.find_elements("css selector", f"#{prefix}sliders .dash-slider-thumb"))
    measured = drag(driver, f"#{prefix}sliders .dash-slider-thumb", moves)
    return {"sliders": sliders, "latency": measured, "play": play(driver, f"#{prefix}play", seconds, True)}


def measure_peer(driver, url: str, shape: str, edits: int, seconds: float) -> dict:
    """TensorFlow Playground: type weights into its weight editor; then play."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_document(driver, f"{url}#networkShape={shape}", "return !!document.querySelector('#heatmap canvas')")
    driver.execute_script("window.__bench.canvas = '#heatmap canvas';")
    link = driver.find_elements("css selector", "path.link")[0]
    ActionChains(driver).move_to_element(link).perform()
    time.sleep(0.3)
    driver.execute_script("document.querySelector('#svg').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    field = driver.find_element("css selector", "#hovercard input")
    time.sleep(0.3)
    reset_counts(driver)
    for k in range(edits):
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(str(1 + k % 9))  # a new weight each time: one input event, one redraw
        time.sleep(0.05)
    time.sleep(0.5)
    measured = latencies(driver)
    field.send_keys(Keys.ENTER)
    return {"latency": measured, "play": play(driver, "#play-pause-button", seconds, False)}


def summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p95": float(np.percentile(values, 95)),
        "max": max(values),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moves", type=int, default=150, help="drag moves per network")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of play per network")
    parser.add_argument("--url", default=None, help="measure a running server instead of this checkout's app")
    parser.add_argument("--peer", default=None, metavar="DIR", help="a built TensorFlow Playground (its dist/ folder)")
    parser.add_argument("--label", default="this checkout", help="what the rows are called")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--networks", default=None, help="only these of ours, e.g. 2-3-2,6x32 (default: all)")
    args = parser.parse_args()

    servers = []
    url = args.url
    if url is None:
        url, server = serve_ours()
        servers.append(server)
    driver = start_browser()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCHER})
    results = {"label": args.label, "ours": {}, "peer": {}}
    try:
        for name, sizes in OUR_NETWORKS.items():
            if args.networks and name.split(" ")[0] not in args.networks.split(","):
                continue
            ours = measure_ours(driver, url, sizes, args.moves, args.seconds)
            results["ours"][name] = {
                "sliders": ours["sliders"],
                "latency": summary(ours["latency"]),
                "play": ours["play"],
            }
        if args.peer:
            peer_url, server = serve_folder(args.peer)
            servers.append(server)
            for name, shape in (("(4,2) default", "4,2"), ("6 layers × 8", "8,8,8,8,8,8")):
                peer = measure_peer(driver, peer_url, shape, max(args.moves // 3, 30), args.seconds)
                results["peer"][name] = {"latency": summary(peer["latency"]), "play": peer["play"]}
    finally:
        driver.quit()
        for server in servers:
            server.shutdown()

    if args.json:
        print(json.dumps(results))
        return
    print(f"# 2D playground speed ({args.label}; headless Chromium, this machine, this run)\n")
    print(
        "| network | sliders on page | drag moves | latency median | p95 | max | boundary frames/s "
        "| readouts /s | diagram /s | sliders /s | cost curve /s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in results["ours"].items():
        lat, fps = row["latency"], row["play"]
        if not lat["n"]:
            lat = {**lat, "median": float("nan"), "p95": float("nan"), "max": float("nan")}
        print(
            f"| {name} | {row['sliders']} | {lat['n']} | {lat['median']:.1f} ms | {lat['p95']:.1f} ms | "
            f"{lat['max']:.1f} ms | {fps['frames']:.1f} | {fps.get('readouts', 0):.1f} | {fps.get('diagram', 0):.1f} | "
            f"{fps.get('sliders', 0):.1f} | {fps.get('cost curve', 0):.1f} |"
        )
    if results["peer"]:
        print("\nTensorFlow Playground, same browser, same run (a typed weight edit → new heatmap; play):\n")
        print("| network | edits | latency median | p95 | max | frames/s |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, row in results["peer"].items():
            lat = row["latency"]
            print(
                f"| {name} | {lat['n']} | {lat['median']:.1f} ms | {lat['p95']:.1f} ms | {lat['max']:.1f} ms | "
                f"{row['play']['frames']:.1f} |"
            )
    else:
        print(f"\nPeer: {CITED_PEER}.")
    print(
        "\nTargets: drag p95 ≤ 50 ms (2-3-2), ≤ 80 ms (2-8-8-2), ≤ 100 ms (6x32); play ≥ 15 boundary frames/s "
        "(≥ 10 at 6x32), other views ≥ 2/s; at 6 × 8 at least the peer's frames/s."
    )


if __name__ == "__main__":
    main()
