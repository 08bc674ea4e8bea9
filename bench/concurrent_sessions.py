"""Many sessions on one server at once: no error, no cross-talk.

    python bench/concurrent_sessions.py --sessions 50 --steps 20

Each simulated session loads the page (layout and Dash's own requests), then trains its own
network (its own seed, learn rate and data) through the same route the browser's play loop
uses, carrying its state from answer to answer. Afterwards every session's final weights
are compared with a replay of the same requests made alone, in one thread: equal bits mean
no session ever saw another's state. (Fifty real Chromium windows do not fit in two cores;
the server cannot tell these requests from a browser's.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from playground.app import playground_page as page
from playground.app.main import create_app


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def session_body(index: int) -> dict:
    data = page.generate_data(["fruit-curved", "moons", "xor", "spiral", "blobs"][index % 5], 0.1, 0.2, index, 200)
    n_classes = len(data["class_names"])
    network = page.build_network([2, 4 + index % 5, n_classes], ["tanh"], "softmax", "cross_entropy", seed=index)
    settings = {"learn_rate": 0.05 * (1 + index % 7), "batch_size": 10, "optimizer": "momentum", "momentum": 0.9,
                "seed": index, "gradient": "backprop"}
    return {"network": network, "data": data, "trainer": {}, "settings": settings, "batches": None, "time_both": False}


def run_session(base: str, index: int, steps: int) -> tuple[dict, list[float]]:
    with urllib.request.urlopen(base, timeout=60) as response:
        assert b"Neural Playground" in response.read()
    with urllib.request.urlopen(base + "_dash-layout", timeout=60) as response:
        json.loads(response.read())
    body, latencies = session_body(index), []
    for _ in range(steps):
        start = time.perf_counter()
        result = post(base + page.TRAIN_ROUTE.lstrip("/"), body)
        latencies.append(time.perf_counter() - start)
        body = {**body, "network": result["network"], "trainer": result["trainer"]}
    return body["network"], latencies


def replay(index: int, steps: int) -> dict:
    body = session_body(index)
    for _ in range(steps):
        result = page.train_request(body)
        body = {**body, "network": result["network"], "trainer": result["trainer"]}
    return body["network"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--steps", type=int, default=20, help="training requests (epochs) per session")
    args = parser.parse_args()

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app().server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    start = time.perf_counter()
    errors, finals, latencies = [], {}, []
    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        futures = {pool.submit(run_session, base, k, args.steps): k for k in range(args.sessions)}
        for future, index in futures.items():
            try:
                finals[index], times = future.result()
                latencies += times
            except Exception as error:  # noqa: BLE001 — every failure is counted and shown
                errors.append(f"session {index}: {error!r}")
    seconds = time.perf_counter() - start
    server.shutdown()
    crossed = [k for k, network in finals.items() if network != replay(k, args.steps)]
    print(f"{args.sessions} concurrent sessions × {args.steps} training requests in {seconds:.1f} s: "
          f"{len(errors)} errors, {len(crossed)} sessions whose weights differ from their solo replay")
    print(f"request latency: median {1000 * statistics.median(latencies):.1f} ms, "
          f"p95 {1000 * sorted(latencies)[int(0.95 * len(latencies))]:.1f} ms, "
          f"throughput {len(latencies) / seconds:.0f} requests/s")
    for line in errors[:5]:
        print(line)
    raise SystemExit(1 if errors or crossed else 0)


if __name__ == "__main__":
    main()
