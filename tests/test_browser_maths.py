"""The browser's maths (assets/maths.js) against the engine, under Node: the very file the page loads.

Every hidden activation × output activation × cost the engine allows, on random and on extreme
weighted inputs (|z| up to 1,000): outputs and costs agree to 1e-6 relative.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from playground.app.server.contract import browser_contract
from playground.engine import COSTS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Network
from playground.engine.persistence import network_to_json
from playground.resources import project_folder

from helpers.needs import node

MATHS = project_folder("assets") / "maths.js"

RUNNER = """
const fs = require("fs");
const maths = require(process.argv[1]);
const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
maths.configure(job.contract);
const answers = job.cases.map((c) => {
  const last = c.net.layers[c.net.layers.length - 1];  // the engine's network JSON, read as it is
  const width = last.outputs;
  const n = c.labels.length;
  const flat = Float64Array.from(c.inputs.flat());
  const pass = maths.forwardPass(c.net, flat, n);
  const z = pass.weightedInputs[pass.weightedInputs.length - 1], a = pass.activations[pass.activations.length - 1];
  return {
    outputs: maths.forward(c.net, c.inputs),
    last_z: Array.from(z),
    cost: maths.outputCost(c.net.cost, last.activation, z, a, c.labels, width),
    readouts: maths.evaluateCosts(c.net, c.inputs, c.labels, c.l2, c.l1),
  };
});
const direct = job.direct.map((d) => maths.outputCost(d.cost, d.output, Float64Array.from(d.z.flat()),
  maths.softmaxRows && d.output === "softmax"
    ? maths.softmaxRows(Float64Array.from(d.z.flat()), d.labels.length, d.z[0].length, new Float64Array(d.z.flat().length))
    : Float64Array.from(d.z.flat().map((v) => maths.activation(d.output, v))),
  d.labels, d.z[0].length));
process.stdout.write(JSON.stringify({answers: answers, direct: direct}));
"""


def run_node(job: dict, tmp_path) -> dict:
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job))
    run = subprocess.run([node(), "-e", RUNNER, str(MATHS), str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def pairs():
    for hidden in HIDDEN_ACTIVATIONS:
        for output in OUTPUT_ACTIVATIONS:
            for cost, cost_object in COSTS.items():
                if output in cost_object.output_activations:
                    yield hidden, output, cost


def cases():
    """(network, inputs, labels, l2) per pair: random inputs, and inputs scaled to reach |z| ≈ 1,000."""
    rng = np.random.default_rng(7)
    made = []
    for k, (hidden, output, cost) in enumerate(pairs()):
        network = Network([2, 4, 3], activation=hidden, output_activation=output, cost=cost, seed=k, dtype=np.float64)
        for b in network.biases:
            b[:] = rng.normal(0, 1, b.shape)
        inputs = rng.normal(0, 1.5, (12, 2))
        labels = rng.integers(0, 3, 12)
        made.append((network, inputs, labels, 0.01 * (k % 3)))
        # Extreme: weights scaled so the weighted inputs of every layer reach about ±1,000.
        extreme = network.copy()
        for W in extreme.weights:
            W *= 30
        extreme_inputs = inputs * 30
        made.append((extreme, extreme_inputs, labels, 0.0))
    return made


def penalties_l1(count: int) -> list[float]:
    """The L1 rate of each case: 0, 0.005 and 0.02 in turn."""
    return [(0.0, 0.005, 0.02)[k % 3] for k in range(count)]


def test_every_activation_output_and_cost_agrees_with_the_engine(tmp_path):
    made = cases()
    job = {
        "contract": browser_contract(),
        "cases": [
            # L1 beside L2: each case its own mix (some none, some one, some both).
            {"net": network_to_json(network), "inputs": inputs.tolist(), "labels": labels.tolist(), "l2": l2, "l1": l1}
            for (network, inputs, labels, l2), l1 in zip(made, penalties_l1(len(made)))
        ],
        "direct": [],
    }
    answers = run_node(job, tmp_path)["answers"]
    largest = 0.0
    for (network, inputs, labels, l2), l1, answer in zip(made, penalties_l1(len(made)), answers):
        what = f"{network.activations[0]} → {network.output_activation}, {network.cost_name}"
        z = network.forward_pass(inputs)[0][-1]
        largest = max(
            largest, float(np.abs(np.concatenate([zz.ravel() for zz in network.forward_pass(inputs)[0]])).max())
        )
        np.testing.assert_allclose(answer["last_z"], z.ravel(), rtol=1e-6, atol=1e-9, err_msg=what)
        np.testing.assert_allclose(answer["outputs"], network.forward(inputs), rtol=1e-6, atol=1e-12, err_msg=what)
        np.testing.assert_allclose(answer["cost"], network.cost(inputs, labels), rtol=1e-6, atol=1e-12, err_msg=what)
        # The readout table: both costs where they apply, the L2 term and the accuracy.
        readouts = answer["readouts"]
        for cost, cost_object in COSTS.items():
            if network.output_activation in cost_object.output_activations:
                twin = Network.from_layers(network.copy().layers, cost=cost)
                np.testing.assert_allclose(
                    readouts[cost], twin.cost(inputs, labels), rtol=1e-6, atol=1e-12, err_msg=f"{what}: readout {cost}"
                )
            else:
                assert readouts[cost] is None
        assert readouts["l2"] == pytest.approx(network.l2_cost(l2), rel=1e-9, abs=1e-15)
        assert readouts["l1"] == pytest.approx(network.l1_cost(l1), rel=1e-9, abs=1e-15)
        assert readouts["accuracy"] == pytest.approx(network.accuracy(inputs, labels))
    assert largest > 900  # the extreme cases really reach |z| of about a thousand


def test_a_confident_wrong_softmax_answer_costs_what_the_engine_says(tmp_path):
    # Weighted inputs (40, 0) on a point of class 1: −log softmax = log(e^40 + 1) − 0 ≈ 40.0
    # (the page's old clipped log said 27.63); and the binary form for sigmoid outputs.
    direct = [
        {"cost": "cross_entropy", "output": "softmax", "z": [[40.0, 0.0]], "labels": [1]},
        {"cost": "cross_entropy", "output": "sigmoid", "z": [[40.0, -1000.0]], "labels": [1]},
        {"cost": "cross_entropy", "output": "softmax", "z": [[1000.0, -1000.0, 3.0]], "labels": [2]},
        {"cost": "quadratic", "output": "tanh", "z": [[0.5, -2.0]], "labels": [0]},
    ]
    answers = run_node({"contract": browser_contract(), "cases": [], "direct": direct}, tmp_path)["direct"]
    from playground.engine.activations import ACTIVATIONS

    for case, answer in zip(direct, answers):
        z = np.array(case["z"])
        targets = np.eye(z.shape[1])[case["labels"]]
        outputs = ACTIVATIONS[case["output"]].function(z)
        expected = COSTS[case["cost"]].value(z, outputs, targets, case["output"])
        assert answer == pytest.approx(expected, rel=1e-6)
    assert answers[0] == pytest.approx(40.0, rel=1e-9)


def test_the_contract_names_only_what_the_maths_file_computes(tmp_path):
    contract = browser_contract() | {"hidden_activations": [*HIDDEN_ACTIVATIONS, "wiggle"]}
    path = tmp_path / "job.json"
    path.write_text(json.dumps(contract))
    run = subprocess.run(
        [
            node(),
            "-e",
            "const m = require(process.argv[1]);"
            "m.configure(JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')))",
            str(MATHS),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0 and "cannot compute wiggle" in run.stderr


EDIT_RUNNER = """
const fs = require("fs");
const maths = require(process.argv[1]);
const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
maths.configure(job.contract);
const worst = job.cases.map((c) => {
  const before = maths.evaluateGrid(c.net, [-1, 2], [-1.5, 1.5], 20);
  const full = maths.evaluateGrid(c.edited, [-1, 2], [-1.5, 1.5], 20);
  const quick = maths.evaluateGridEdited(before, c.edited, c.layer, c.node);
  let difference = 0;
  full.layers.forEach((a, l) => a.forEach((v, k) => { difference = Math.max(difference, Math.abs(v - quick.layers[l][k])); }));
  const same = full.predicted.every((p, k) => p === quick.predicted[k] && full.confidence[k] === quick.confidence[k]);
  return {difference: difference, same: same, changed: full.layers.some((a, l) => a.some((v, k) => v !== before.layers[l][k]))};
});
process.stdout.write(JSON.stringify(worst));
"""


def hidden_activations(net: dict) -> list[str]:
    """The hidden layers' activations of a network as the engine's JSON describes it."""
    return [layer["activation"] for layer in net["layers"][:-1]]


def test_a_drag_recomputes_only_what_one_parameter_changes_and_gets_the_full_answer(tmp_path):
    """evaluateGridEdited (a slider drag's fast path) against evaluateGrid of the edited network,
    for a weight and a bias into every node of every layer, every hidden and output activation."""
    rng = np.random.default_rng(3)
    edits = []
    for k, (hidden, output, cost) in enumerate(pairs()):
        network = Network(
            [2, 4, 3, 3], activation=hidden, output_activation=output, cost=cost, seed=k, dtype=np.float64
        )
        net = network_to_json(network)
        for layer in range(1, 4):
            for unit in range(network.layer_sizes[layer]):
                edited = json.loads(json.dumps(net))
                if (layer + unit) % 2:
                    row = int(rng.integers(network.layer_sizes[layer - 1]))
                    edited["layers"][layer - 1]["weights"][row][unit] += float(rng.normal(0, 2))
                else:
                    edited["layers"][layer - 1]["biases"][unit] += float(rng.normal(0, 2))
                edits.append({"net": net, "edited": edited, "layer": layer, "node": unit})
    path = tmp_path / "edits.json"
    path.write_text(json.dumps({"contract": browser_contract(), "cases": edits}))
    run = subprocess.run(
        [node(), "-e", EDIT_RUNNER, str(MATHS), str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) == len(edits) > 100
    assert all(r["difference"] == 0 and r["same"] for r in results)  # the same numbers, bit for bit
    # … and every edit did change the grid (a step's flat output may hide one: not counted)
    unchanged = [
        (hidden_activations(e["net"]), e["layer"], e["node"])
        for e, r in zip(edits, results)
        if not r["changed"] and "step" not in hidden_activations(e["net"])
    ]
    assert not unchanged, unchanged


FEATURE_RUNNER = """
const fs = require("fs");
const maths = require(process.argv[1]);
const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
maths.configure(job.contract);
const answers = job.cases.map((c) => {
  const grid = maths.evaluateGrid(c.net, [-2, 3], [-1.5, 2.5], 7);
  return {
    outputs: maths.forward(c.net, c.points),
    readouts: maths.evaluateCosts(c.net, c.points, c.labels, 0, 0),
    grid_inputs: Array.from(grid.layers[0]),
    grid_values: grid.values ? Array.from(grid.values) : null,
  };
});
process.stdout.write(JSON.stringify(answers));
"""


def grid_points(x_range, y_range, resolution):
    """Cell centres as evaluateGrid makes them: rows along x2, columns along x1."""
    dx, dy = (x_range[1] - x_range[0]) / resolution, (y_range[1] - y_range[0]) / resolution
    return np.array(
        [
            [x_range[0] + dx * (c + 0.5), y_range[0] + dy * (r + 0.5)]
            for r in range(resolution)
            for c in range(resolution)
        ]
    )


def test_feature_inputs_and_regression_agree_with_the_engine(tmp_path):
    """Points (x1, x2) through the network's feature inputs (every one of the seven) and a
    regression's real output, cost and R²: the browser's maths against the engine's."""
    from playground.data.features import FEATURES, feature_matrix
    from playground.engine.tasks import r_squared

    rng = np.random.default_rng(11)
    points = rng.normal(0, 1.5, (15, 2))
    made = []
    for k, names in enumerate([list(FEATURES), ["x1^2", "x2^2"], ["x1*x2"], ["sin(x1)", "x2"]]):
        for task in ("classification", "regression"):
            output = "linear" if task == "regression" else "sigmoid"
            network = Network(
                [len(names), 4, 1 if task == "regression" else 2],
                activation="tanh",
                output_activation=output,
                cost="quadratic",
                seed=k,
                dtype=np.float64,
                task=task,
            )
            network.input_names = tuple(names)
            labels = rng.normal(0, 1, 15) if task == "regression" else rng.integers(0, 2, 15)
            made.append((network, labels))
    job = {
        "contract": browser_contract(),
        "cases": [
            {"net": network_to_json(net), "points": points.tolist(), "labels": labels.tolist()} for net, labels in made
        ],
    }
    path = tmp_path / "features.json"
    path.write_text(json.dumps(job))
    run = subprocess.run(
        [node(), "-e", FEATURE_RUNNER, str(MATHS), str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    grid = grid_points([-2, 3], [-1.5, 2.5], 7)
    for (network, labels), answer in zip(made, json.loads(run.stdout)):
        what = f"{network.input_names} {network.task}"
        inputs = feature_matrix(points, network.input_names).astype(np.float64)
        np.testing.assert_allclose(answer["outputs"], network.forward(inputs), rtol=1e-6, atol=1e-9, err_msg=what)
        # The input nodes' heatmaps: each feature over the plane.
        np.testing.assert_allclose(
            answer["grid_inputs"], feature_matrix(grid, network.input_names).ravel(), rtol=1e-6, atol=1e-6, err_msg=what
        )
        readouts = answer["readouts"]
        assert readouts["quadratic"] == pytest.approx(network.cost(inputs, labels), rel=1e-6), what
        if network.task == "regression":
            assert readouts["accuracy"] is None and readouts["cross_entropy"] is None
            assert readouts["r_squared"] == pytest.approx(r_squared(network.forward(inputs), labels[:, None]), rel=1e-6)
            values = network.forward(feature_matrix(grid, network.input_names).astype(np.float64)).ravel()
            np.testing.assert_allclose(answer["grid_values"], values, rtol=1e-6, atol=1e-9, err_msg=what)
        else:
            assert readouts["accuracy"] == pytest.approx(network.accuracy(inputs, labels))
            assert answer["grid_values"] is None
