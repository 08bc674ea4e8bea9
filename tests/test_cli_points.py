"""``playground train`` and ``evaluate`` on 2-D points (issue 25): TensorFlow Playground's sets by
name, a user's CSV file, regression, feature inputs and L1, in this process (tests/helpers/cli.py)."""

import numpy as np
import pytest

from playground.data.points import load_points
from playground.data.tensorflow_sets import regress_plane
from playground.engine import load_network

from helpers.cli import last_json, playground


def write_csv(path, points, labels, header=True):
    rows = ["x1,x2,label"] if header else []
    rows += [f"{x:.6g},{y:.6g},{label}" for (x, y), label in zip(points, labels)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_plane_regression_trains_saves_and_evaluates(tmp_path):
    model = tmp_path / "plane.npz"
    run = playground("train", "--data", "plane", "--epochs", "40", "--json", "--quiet", "--save", model)
    assert run.returncode == 0, run.stderr
    report = last_json(run)
    assert report["task"] == "regression" and "test_accuracy" not in report
    assert report["layers"] == [2, 4, 2, 1]  # TensorFlow Playground's 4-2 network, one real output
    assert report["train_samples"] == report["test_samples"] == 600  # its 1,200 points, 50 % test
    assert report["test_cost"] < 0.01 and report["test_r2"] > 0.97
    network = load_network(model)
    assert network.task == "regression" and network.output_activation == "linear"

    scored = playground("evaluate", "--model", model, "--data", "plane", "--json")
    assert scored.returncode == 0, scored.stderr
    again = last_json(scored)
    assert again["test_samples"] == 600 and again["test_cost"] == pytest.approx(report["test_cost"], rel=1e-6)
    assert again["test_r2"] == pytest.approx(report["test_r2"], rel=1e-6)
    text = playground("evaluate", "--model", model, "--data", "plane")
    assert "test R²: " in text.stdout and "confusion" not in text.stdout


def test_a_csv_of_real_labels_is_a_regression_and_a_test_file_is_scored(tmp_path):
    points, targets = regress_plane(300, 0.0, 1)
    train = write_csv(tmp_path / "train.csv", points[:200], targets[:200])
    test = write_csv(tmp_path / "test.csv", points[200:], targets[200:], header=False)
    model = tmp_path / "r.npz"
    run = playground(
        "train", "--data", train, "--test-data", test, "--epochs", "30", "--json", "--quiet", "--save", model
    )
    assert run.returncode == 0, run.stderr
    report = last_json(run)
    assert report["task"] == "regression" and (report["train_samples"], report["test_samples"]) == (200, 100)
    assert report["test_cost"] < 0.05
    text = playground("train", "--data", train, "--epochs", "2", "--quiet")
    assert "test cost: " in text.stdout and "test R²: " in text.stdout  # 20 % of the file held out
    scored = last_json(playground("evaluate", "--model", model, "--data", test, "--json"))
    assert scored["test_samples"] == 100  # every row of the file
    assert scored["test_cost"] == pytest.approx(report["test_cost"], rel=1e-5)


def test_whole_number_labels_classify_unless_regression_is_chosen(tmp_path):
    points, _ = regress_plane(200, 0.0, 2)
    labels = (points[:, 0] > 0).astype(int)
    data = write_csv(tmp_path / "halves.csv", points, labels)
    report = last_json(playground("train", "--data", data, "--epochs", "30", "--json", "--quiet"))
    assert report["task"] == "classification" and report["test_accuracy"] >= 0.9 and report["layers"][-1] == 2
    chosen = last_json(
        playground("train", "--data", data, "--task", "regression", "--epochs", "5", "--json", "--quiet")
    )
    assert chosen["task"] == "regression" and chosen["layers"][-1] == 1 and "test_r2" in chosen


@pytest.mark.parametrize(
    "data, features, hidden",
    [
        ("tf-circle", "x1^2,x2^2", "none"),
        ("tf-xor", "x1*x2", "none"),
        ("tf-spiral", "x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)", "8,8"),
    ],
)
def test_feature_inputs_separate_tensorflow_playgrounds_classics(data, features, hidden):
    """The circle with x1², x2² and XOR with x1·x2 need no hidden layer (issue 25's presets)."""
    run = playground(
        "train", "--data", data, "--features", features, "--layers", hidden, "--epochs", "100", "--json", "--quiet"
    )
    assert run.returncode == 0, run.stderr
    report = last_json(run)
    assert report["features"] == features.split(",") and report["layers"][0] == len(report["features"])
    assert report["test_accuracy"] >= (0.8 if data == "tf-spiral" else 0.97)


def test_l1_adds_its_term_to_the_reported_cost(tmp_path):
    model = tmp_path / "l1.npz"
    run = playground("train", "--data", "plane", "--l1", "0.01", "--epochs", "10", "--json", "--quiet", "--save", model)
    report = last_json(run)
    assert report["l1"] == 0.01
    network = load_network(model)
    points = load_points("plane")
    plain = network.cost(points.train_inputs, points.train_labels)
    assert report["train_cost"] == pytest.approx(plain + network.l1_cost(0.01), rel=1e-6)
    assert network.l1_cost(0.01) > 0.001


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--data", "plane", "--features", "x1,x3"], "unknown feature 'x3'"),
        (["--data", "mnist", "--features", "x1"], "--features applies to 2-D points only"),
        (["--data", "xor", "--test-data", "t.csv"], "--test-data goes with --data FILE.csv"),
        (["--data", "plane", "--task", "classification"], "plane is a regression set"),
        (["--data", "missing.csv"], "missing.csv: cannot read it"),
        (["--data", "plane", "--output", "softmax"], "cannot be softmax"),
        (["--data", "plane", "--method", "evolution"], "train a regression by gradient descent"),
    ],
)
def test_bad_choices_are_refused_with_a_message(arguments, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = playground("train", *arguments, "--epochs", "1", "--quiet")
    assert run.returncode == 2 and message in run.stderr, run.stderr


def test_a_bad_csv_says_where(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("x1,x2,label\n1,2,0.5\n3,oops,1\n")
    run = playground("train", "--data", data, "--quiet")
    assert run.returncode == 2 and "line 3" in run.stderr and "bad.csv" in run.stderr
    real = write_csv(tmp_path / "real.csv", np.zeros((3, 2)), [0.5, 1.5, 2.5])
    # chosen as classification, other numbers are class names, as on the page
    named = last_json(playground("train", "--data", real, "--task", "classification", "--epochs", "1", "--json"))
    assert named["task"] == "classification" and named["layers"][-1] == 3


def test_a_regression_network_does_not_fit_a_classification_set(tmp_path):
    model = tmp_path / "plane.npz"
    assert playground("train", "--data", "plane", "--epochs", "1", "--quiet", "--save", model).returncode == 0
    run = playground("evaluate", "--model", model, "--data", "tf-circle")
    assert run.returncode == 2 and "tf-circle is a classification set" in run.stderr
    wrong = playground("evaluate", "--model", model, "--data", "plane", "--features", "x1,x2,x1*x2")
    assert wrong.returncode == 2 and "trained on the inputs x1,x2, not --features x1,x2,x1*x2" in wrong.stderr


def test_a_saved_network_keeps_its_feature_inputs(tmp_path):
    """evaluate reads the features from the file: x1², x2² and x1, x2 both make two inputs, and
    only the right pair scores the circle."""
    model = tmp_path / "circle.npz"
    run = playground(
        "train", "--data", "tf-circle", "--features", "x1^2,x2^2", "--layers", "none", "--epochs", "50",
        "--json", "--quiet", "--save", model,
    )  # fmt: skip
    assert load_network(model).input_names == ("x1^2", "x2^2")
    scored = last_json(playground("evaluate", "--model", model, "--data", "tf-circle", "--json"))
    assert scored["test_accuracy"] == last_json(run)["test_accuracy"] >= 0.97


def test_help_names_the_new_flags():
    text = playground("train", "--help").stdout
    for flag in ("--test-data", "--task", "--features", "--l1", "tf-spiral", "gaussians"):
        assert flag in text
