"""TensorFlow Playground's own code under Node (bench/tf_playground/harness.js), checked small.

The harness runs its src/dataset.ts and src/nn.ts, transpiled and committed in
bench/tf_playground/vendor/ (nothing downloads at test time), for the side-by-side benchmark
of issue 25 (bench/tf_playground.py). Here: its data sets' sizes, split and label conventions
against the rules of its source written again in Python, the same data for the same seed, its
loss being ½(output − target)², and a tiny run of the benchmark itself on both engines.
Node is required as for the browser code's checks (tests/helpers/needs.py).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from helpers.needs import missing, node

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ROOT / "bench" / "tf_playground" / "harness.js"
VENDORED = ["dataset.js", "nn.js", "seedrandom.js", "d3_scale_linear.js", "LICENSE", "SOURCE"]


def run(**options) -> dict:
    """One run of the harness (its defaults: noise 0, 50 % training data, batch 10, rate 0.03)."""
    absent = [name for name in VENDORED if not (HARNESS.parent / "vendor" / name).is_file()]
    if absent:
        missing(f"bench/tf_playground/vendor/ lacks {', '.join(absent)}", "PLAYGROUND_REQUIRE_BROWSER")
    options = {"seed": "1", "epochs": 0, "features": ["x", "y"], "hidden": [], **options}
    done = subprocess.run(
        [node(), str(HARNESS), json.dumps(options)], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(done.stdout)


def arrays(result: dict) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(result["points"], dtype=np.float64), np.asarray(result["labels"], dtype=np.float64)


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def six_gaussians_label(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """regressGaussian's label: of the six signed bumps 1 − distance/2 (clamped to [0, 1]), the
    one largest in size."""
    label = np.zeros_like(x)
    for cx, cy, sign in [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]:
        bump = sign * np.clip(1 - np.hypot(x - cx, y - cy) / 2, 0, 1)
        label = np.where(np.abs(bump) > np.abs(label), bump, label)
    return label


@pytest.mark.parametrize(
    ("dataset", "n_points"),
    [("circle", 500), ("xor", 500), ("gauss", 500), ("spiral", 500), ("reg-plane", 1200), ("reg-gauss", 1200)],
)
def test_its_data_sets_have_its_sizes_split_and_labels(dataset, n_points):
    result = run(dataset=dataset)
    points, labels = arrays(result)
    assert points.shape == (n_points, 2) and labels.shape == (n_points,)
    assert result["n_train"] == n_points // 2  # its 50 % ratio of training data
    x, y = points.T
    if dataset.startswith("reg-"):
        assert result["problem"] == "regression" and "accuracy_test" not in result
        assert np.all(np.abs(labels) <= (1.2 if dataset == "reg-plane" else 1))  # (x1 + x2)/10 on [−6, 6]²
        expected = (x + y) / 10 if dataset == "reg-plane" else six_gaussians_label(x, y)
        np.testing.assert_allclose(labels, expected, atol=1e-12)  # noise 0: its rule exactly
        return
    assert result["problem"] == "classification"
    assert set(labels) == {-1.0, 1.0}
    if dataset == "circle":  # inside radius 2.5: +1; the outer ring 3.5…5: −1
        radius = np.hypot(x, y)
        assert np.array_equal(labels, np.where(radius < 2.5, 1.0, -1.0))
        assert np.all((radius <= 2.5) | ((radius >= 3.5) & (radius <= 5)))
    elif dataset == "xor":  # +1 where x·y ≥ 0; the padding keeps every point 0.3 off both axes
        assert np.array_equal(labels, np.where(x * y >= 0, 1.0, -1.0))
        assert np.all(np.abs(points) >= 0.3) and np.all(np.abs(points) <= 5.3)
    else:
        assert np.sum(labels == 1) == np.sum(labels == -1) == n_points // 2
    if dataset == "spiral":
        assert np.hypot(x, y).max() < 5


def test_the_same_seed_makes_the_same_data_and_network():
    first = run(dataset="spiral", seed="0.12345", epochs=2, hidden=[3])
    again = run(dataset="spiral", seed="0.12345", epochs=2, hidden=[3])
    other = run(dataset="spiral", seed="0.54321", epochs=2, hidden=[3])
    assert first["points"] == again["points"] and first["labels"] == again["labels"]
    assert first["loss_test"] == again["loss_test"]  # the weights come from the seeded stream too
    assert first["points"] != other["points"]


def test_its_loss_is_half_the_squared_error_and_training_lowers_it():
    before = run(dataset="xor", features=["xTimesY"], epochs=0, outputs=True)
    after = run(dataset="xor", features=["xTimesY"], epochs=20, outputs=True)
    _, labels = arrays(after)
    test_labels = labels[after["n_train"] :]
    for result in (before, after):
        outputs = np.asarray(result["outputs_test"])
        assert outputs.shape == test_labels.shape and np.all(np.abs(outputs) <= 1)  # its tanh output
        assert result["loss_test"] == pytest.approx(np.mean(0.5 * (outputs - test_labels) ** 2), rel=1e-12)
        assert result["accuracy_test"] == pytest.approx(np.mean(np.where(outputs >= 0, 1, -1) == test_labels))
    assert after["loss_test"] < before["loss_test"] / 2
    assert after["features"] == ["xTimesY"] and after["shape"] == [1, 1]


def test_the_benchmark_runs_both_engines_on_its_points():
    bench = bench_module("tf_playground")
    case = bench.Case("circle", "circle", ["x1^2", "x2^2"], [], 3)
    run(dataset="circle")  # skips (fails under PLAYGROUND_REQUIRE_BROWSER=1) without Node or vendor/
    result = bench.compare(case, [1])
    (row,) = result["rows"]
    assert 0 <= row["theirs"] <= 1 and 0 <= row["ours"] <= 1
    assert row["replay"] < 1e-12  # our engine from its start, in its order: its loss again
    assert "| circle | x1^2, x2^2 |" in bench.table([result])


# Our port of its data sets (playground.data.tensorflow_sets) against its own generator: its
# Math.random is NumPy's generator there, so the points differ, but not the rules, the sizes,
# the ranges or the label conventions (ours: class 1 where its label is +1, class 0 for −1).
PORTS = {
    "circle": "tf-circle",
    "xor": "tf-xor",
    "gauss": "tf-gauss",
    "spiral": "tf-spiral",
    "reg-plane": "plane",
    "reg-gauss": "gaussians",
}


@pytest.mark.parametrize("dataset", list(PORTS))
def test_our_port_of_its_data_sets_follows_its_generator(dataset):
    from playground.data.tensorflow_sets import TENSORFLOW_SETS, default_samples

    theirs = run(dataset=dataset)
    their_points, their_labels = arrays(theirs)
    generator, task = TENSORFLOW_SETS[PORTS[dataset]]
    points, labels = generator(default_samples(PORTS[dataset]), 0.0, 1)
    assert points.shape == their_points.shape and labels.shape == their_labels.shape
    assert task == theirs["problem"]
    x, y = points.astype(np.float64).T
    if task == "regression":
        expected = (x + y) / 10 if dataset == "reg-plane" else six_gaussians_label(x, y)
        np.testing.assert_allclose(labels, expected, atol=1e-6)  # the rule its points follow (above)
        assert np.abs(labels).max() <= np.abs(their_labels).max() + 0.05
        return
    assert labels.dtype == np.int64 and set(labels) == {0, 1}
    as_theirs = np.where(labels == 1, 1.0, -1.0)
    if dataset != "xor":  # half and half, as its loops make them (XOR's classes fall as the points do)
        assert np.sum(as_theirs == 1) == np.sum(their_labels == 1) == len(labels) // 2
    if dataset == "circle":
        assert np.array_equal(as_theirs, np.where(np.hypot(x, y) < 2.5, 1.0, -1.0))
    elif dataset == "xor":
        assert np.array_equal(as_theirs, np.where(x * y >= 0, 1.0, -1.0))
    elif dataset == "spiral":  # no randomness at noise 0: the same 500 points, in its order before its shuffle
        # sorted by place, then label (both arms start at the origin, one point of each class)
        order = np.lexsort([their_labels, *np.round(their_points, 4).T[::-1]])
        mine = np.lexsort([as_theirs, *np.round(points.astype(np.float64), 4).T[::-1]])
        np.testing.assert_allclose(points[mine], their_points[order], atol=1e-6)
        assert np.array_equal(as_theirs[mine], their_labels[order])
    else:  # two Gaussians: the +1 cloud around (2, 2), the −1 cloud around (−2, −2)
        for sign in (1.0, -1.0):
            assert np.allclose(points[as_theirs == sign].mean(axis=0), 2 * sign, atol=0.3)
            assert np.allclose(their_points[their_labels == sign].mean(axis=0), 2 * sign, atol=0.3)


@pytest.mark.parametrize(
    ("dataset", "features", "hidden"), [("xor", ["x1*x2"], []), ("reg-plane", ["x1", "x2"], [4, 2])]
)
def test_our_engine_replays_its_training_from_its_start(dataset, features, hidden):
    """From its initial weights, in its order, at half its learn rate on our cost without the ½:
    its test loss (×2) again, to rounding (the benchmark's 'replay' column)."""
    bench = bench_module("tf_playground")
    case = bench.Case(dataset, dataset, features, hidden, 4)
    theirs = bench.theirs(case, "1", every=4)
    assert bench.replay(case, theirs) < 1e-12
