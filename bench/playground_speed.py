"""The 2D playground's speed in a real headless Chromium: slider drag latency and play frame rate.

    python bench/playground_speed.py              # both networks, 150 drag moves each, 10 s of play each

Latency (SPEC's method): real pointer drags, sent as DevTools input events (the browser's
own mouse pipeline, as a person's mouse), one move every 16 ms; the clock runs from each
pointermove event's timestamp to the first animation frame after the boundary was
repainted for it. Every view that updates on a change (class map, network diagram with
node heatmaps, cost and accuracy readouts) is redrawn on each move, so all stay live.

Frame rate: *play* for a while; boundary frames are training results painted per second;
the other views' refresh rates are counted too.

Prints a Markdown table; the peer figures are TensorFlow Playground's, measured on this
machine in headless Chromium as SPEC.md records (its source cannot be fetched here).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import start_browser  # noqa: E402  (the same Chromium set-up as the tests)

from playground.app import playground_page as page  # noqa: E402
from playground.app import state as states  # noqa: E402
from playground.app.main import create_app  # noqa: E402

PEER = {
    "latency": "TensorFlow Playground: weight edit → new boundary 20 ms median (max 45) at its default network",
    "frames": "TensorFlow Playground: 52 frames/s at its default (4,2) network, 17 at 6 layers × 8",
}


def serve() -> tuple[str, object]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/", server


def link_for(layer_sizes: list[int]) -> str:
    """A share fragment opening the page on the curved fruit with this network."""
    data, _ = page.initial_state()
    hidden = len(layer_sizes) - 2
    network = page.build_network(layer_sizes, ["sigmoid"] * hidden, "sigmoid", "quadratic", seed=0)
    return "#" + states.encode_share({"data": data, "network": network, "settings": page.DEFAULT_SETTINGS})


def open_page(driver, url: str) -> None:
    driver.get("about:blank")  # a fresh document, not just a new #fragment
    driver.get(url)
    for _ in range(300):
        ready = driver.execute_script(
            "return !!(window.playground && window.playground.shown && document.querySelector('.dash-slider-thumb')"
            " && document.querySelector('#playground-boundary-graph .js-plotly-plot'))")
        if ready:
            break
        time.sleep(0.1)
    time.sleep(1.5)


def measure_drag(driver, moves: int) -> tuple[list[float], int]:
    """Drag the first weight slider with DevTools mouse events; latency of each move in ms."""
    box = driver.execute_script(
        "const t = document.querySelector('#playground-sliders .dash-slider-thumb'); t.scrollIntoView({block: 'center'});"
        "const r = t.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];")
    sliders = len(driver.find_elements("css selector", "#playground-sliders .dash-slider-thumb"))
    driver.execute_script(
        "window.moveTimes = []; document.addEventListener('pointermove', (e) => window.moveTimes.push(e.timeStamp),"
        " {capture: true}); window.playground.renderLog.length = 0;")
    x, y = box

    def mouse(kind: str, px: float, buttons: int) -> None:
        driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": px, "y": y, "button": "left",
                                                            "buttons": buttons, "clickCount": 1})

    mouse("mouseMoved", x, 0)
    mouse("mousePressed", x, 1)
    for k in range(moves):
        # Back and forth across the track, so the weight keeps changing.
        offset = 60 * np.sin(2 * np.pi * k / 50)
        mouse("mouseMoved", x + offset, 1)
        time.sleep(0.016)
    time.sleep(0.5)
    mouse("mouseReleased", x, 0)
    times = driver.execute_script("return [window.moveTimes, window.playground.renderLog]")
    move_times, renders = times
    latencies = []
    for event_time in move_times:
        painted = [r["painted"] for r in renders if r["drawn"] >= event_time]
        if painted:
            latencies.append(min(painted) - event_time)
    return latencies, sliders


def measure_play(driver, seconds: float) -> dict:
    """Press play for ``seconds``; count what refreshed."""
    driver.execute_script("Object.keys(window.playground.counters).forEach(k => window.playground.counters[k] = 0)")
    driver.find_element("id", "playground-play").click()
    time.sleep(seconds)
    counts = driver.execute_script("return Object.assign({}, window.playground.counters)")
    driver.find_element("id", "playground-play").click()
    time.sleep(0.5)
    epoch = driver.find_element("id", "playground-epoch-label").text
    return {key: value / seconds for key, value in counts.items()} | {"epoch": epoch}


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moves", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    url, server = serve()
    driver = start_browser()
    rows = []
    try:
        for name, sizes in (("2-3-2 (default)", [2, 3, 2]), ("2-8-8-2", [2, 8, 8, 2])):
            open_page(driver, url + link_for(sizes))
            latencies, sliders = measure_drag(driver, args.moves)
            play = measure_play(driver, args.seconds)
            rows.append((name, sliders, latencies, play))
    finally:
        driver.quit()
        server.shutdown()

    print("# 2D playground speed (headless Chromium, this machine)\n")
    print(f"Peer: {PEER['latency']}; {PEER['frames']}.\n")
    print("| network | sliders on page | drag moves | latency median | p95 | max | boundary frames/s "
          "| readouts, diagram, node heatmaps /s | sliders /s | cost curve /s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, sliders, latencies, play in rows:
        print(f"| {name} | {sliders} | {len(latencies)} | {statistics.median(latencies):.1f} ms | "
              f"{percentile(latencies, 95):.1f} ms | {max(latencies):.1f} ms | {play['trainingFrames']:.1f} | "
              f"{play['renders']:.1f} | {play['sliders']:.1f} | {play['costCurve']:.1f} |")
    print("\nTargets: drag p95 ≤ 50 ms (2-3-2), ≤ 80 ms (2-8-8-2); play ≥ 15 boundary frames/s, other views ≥ 2/s.")


if __name__ == "__main__":
    main()
