"""The room's pages' shared plane (assets/plane-canvas.js) under Node: the plane's range is the
playground's (plots/plane.py), and a run is played back frame by frame, each with its epoch,
stopping when the page says so or when it is played again (the projector and a phone alike)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from playground.plots.plane import plane_range

from helpers.needs import node

pytestmark = pytest.mark.timeout(60)

PLANE = Path(__file__).resolve().parent.parent / "assets" / "plane-canvas.js"
HARNESS = r"""
global.window = {};
require(process.argv[1]);
const planes = window.neuralModules.planeCanvas, points = JSON.parse(process.argv[2]);
const run = { epochs: [0, 10, 20, 30], networks: ["n0", "n1", "n2", "n3"] };
const shown = [], cut = [], again = [];
planes.playBack(run, 1, (k, epoch, last) => shown.push([k, epoch, last]), () => true);
planes.playBack(run, 1, (k) => cut.push(k), () => cut.length < 2);
const stop = planes.playBack(run, 1, (k) => again.push(k), () => true);
stop();
planes.playBack({ epochs: [], networks: [] }, 1, () => shown.push("none"), () => true);
setTimeout(() => console.log(JSON.stringify({ plane: planes.planeOf(points), empty: planes.planeOf([]), shown, cut, again })), 100);
"""


def run_harness(points: list) -> dict:
    done = subprocess.run(
        [node(), "-e", HARNESS, str(PLANE), json.dumps(points)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_plane_is_the_playgrounds_and_a_run_plays_back_frame_by_frame():
    points = [[-1.0, 2.0], [3.0, 2.0], [0.5, 2.0]]
    seen = run_harness(points)
    x_range, y_range = plane_range(np.array(points))
    assert seen["plane"]["x"] == pytest.approx(x_range) and seen["plane"]["y"] == pytest.approx(y_range)
    assert seen["empty"] == {"x": [0, 1], "y": [0, 1]}
    assert seen["shown"] == [[0, 0, False], [1, 10, False], [2, 20, False], [3, 30, True]]  # nothing for no frames
    assert seen["cut"] == [0, 1]  # the page left: no more frames
    assert seen["again"] == [0]  # stopped (a replay starts again)
