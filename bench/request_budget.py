"""CPU seconds of the heaviest views the pages offer, at the largest state the server takes.

    python bench/request_budget.py            # every view, 10,000 points
    python bench/request_budget.py 2000 race  # one view, fewer points

The state: 6 hidden layers of 32 (tanh), 10 classes, 10,000 points. The views: a new landscape
at the 20×20 and 60×60 grids (all data, and both side by side), the optimizer race on the
network (20 learn rates × 300 steps), the evolution race (population 1,000, 2,000 generations),
and a walk of 1,000 steps with batches of 10,000 and the mini-batch's landscape. Each is timed
in this process on one BLAS thread, as a web worker runs it (thread CPU seconds and wall time).
The SPEC's budget is 2 s of CPU per request; issue 22 measured 6 s to 10 minutes before it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playground.app.pages.landscape import logic, race_logic
from playground.app.pages.landscape import routes as landscape_routes
from playground.app.pages.landscape.layout import drawn_walk
from playground.app.pages.playground import evolution
from playground.engine import TrainingSettings, use_blas_threads

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers.servers import largest_state  # the tests' largest playground


def views(network: dict, data: dict, settings: dict) -> dict:
    walk = logic.new_view()

    def landscape(resolution: int, view: str = "full"):
        started = logic.started({**walk, "resolution": resolution, "view": view}, network, data, settings)
        return lambda: drawn_walk(started, network, data, settings)

    def race():
        started = logic.started({**walk, "resolution": 20}, network, data, settings)
        rates = ", ".join(f"{0.01 * (k + 1):g}" for k in range(20))
        return race_logic.run_race("network", "rates", rates, "sgd", 300, "", started, network, data, settings)

    def evolve():
        chosen, generations = evolution.race_settings(
            {**evolution.DEFAULT_RACE, "population": 1000, "generations": 2000}
        )
        return evolution.evolution_race(network, data, TrainingSettings(), chosen, generations)

    def walk_with_batch_view():
        started = logic.started({**walk, "resolution": 20, "view": "both"}, network, data, settings)
        return landscape_routes.walk(
            {
                "walk": started,
                "network": network,
                "data": data,
                "settings": {**settings, "batch_size": 10_000},
                "steps": 1000,
            }
        )

    return {
        "landscape20": landscape(20),
        "landscape60": landscape(60),
        "landscape60-both": landscape(60, "both"),
        "race": race,
        "evolution": evolve,
        "walk": walk_with_batch_view,
    }


def main() -> None:
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    use_blas_threads(1)
    state = largest_state(points)
    table = views(state["network"], state["data"], state["settings"])
    chosen = sys.argv[2:] or list(table)
    print(f"{'view':20s} {'CPU s':>8s} {'wall s':>8s}   ({points:,} points, 6×32 network, 10 classes)")
    for name in chosen:
        cpu, wall = time.thread_time(), time.perf_counter()
        table[name]()
        print(f"{name:20s} {time.thread_time() - cpu:8.2f} {time.perf_counter() - wall:8.2f}", flush=True)


if __name__ == "__main__":
    main()
