"""The command line as a user runs it: its commands in this process (tests/helpers/cli.py), and
Ctrl-C in a real subprocess (what it tests is the process itself)."""

import json
import subprocess
import sys

import pytest

from playground.engine import load_network

from helpers.cli import playground


def test_digits_with_64_hidden_nodes_reach_95_percent():
    run = playground("train", "--data", "digits", "--layers", "64", "--epochs", "30")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[-2].startswith("train accuracy: ") and lines[-1].startswith("test accuracy: ")
    assert float(lines[-1].split(": ")[1]) >= 0.95


@pytest.mark.parametrize("data", ["fruit", "fruit-curved", "moons", "circles", "xor", "spiral", "blobs"])
def test_defaults_train_every_toy_set_well(data):
    run = playground("train", "--data", data, "--json", "--quiet")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(report) == {
        "data",
        "task",
        "features",
        "train_samples",
        "test_samples",
        "l1",
        "l2",
        "layers",
        "train_accuracy",
        "test_accuracy",
        "train_cost",
        "test_cost",
        "epochs",
        "seconds",
        "diverged",
    }
    assert report["train_accuracy"] >= 0.95 and report["test_accuracy"] >= 0.85
    assert report["diverged"] is False and report["layers"][1:-1] == [8, 8]


def test_save_and_same_seed_same_model(tmp_path):
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    for path in (first, second):
        run = playground("train", "--data", "moons", "--epochs", "20", "--save", str(path), "--quiet")
        assert run.returncode == 0, run.stderr
    for a, b in zip(load_network(first).parameters(), load_network(second).parameters()):
        assert a.tobytes() == b.tobytes()


def test_bad_layer_spec_exits_2_naming_the_value():
    run = playground("train", "--layers", "8,x")
    assert run.returncode == 2
    assert "layer spec part 'x': expected convFxK (filters × kernel), poolS or a width" in run.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["--learn-rate", "-1"], "must be a finite number greater than 0"),
        (["--seed", "-1"], "must be a whole number from 0 to 4294967295"),
        (["--epochs", "1.5"], "is not a whole number"),
        (["--data", "nope"], "invalid choice"),
        (["--output", "linear", "--cost", "cross-entropy"], "cannot be used with a linear output"),
    ],
)
def test_other_bad_arguments_exit_2(args, message):
    run = playground("train", *args, "--epochs", "1")
    assert run.returncode == 2 and message in run.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (["--data", "digits", "--layers", "100000,100000"], "parameters on digits; at most 50,000,000"),
        (["--data", "digits", "--augment", "shift=100"], "moves a 8×8 image off its canvas"),
        (["--data", "quickdraw", "--categories", "cat"], "at least 2 categories"),
        (["--data", "quickdraw", "--per-category", "2"], "--per-category must be at least 10"),
    ],
)
def test_impossible_requests_exit_2_before_training(args, message):
    run = playground("train", *args, "--epochs", "1")
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_an_unusable_save_path_is_refused_before_training(tmp_path):
    for target, message in [
        (tmp_path, "there is a folder or special file there"),
        (tmp_path / "missing" / "m.npz", "does not exist"),
        ("/dev/null", "there is a folder or special file there"),
    ]:
        run = playground("train", "--data", "fruit", "--epochs", "100000", "--save", str(target), timeout=60)
        assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
        assert "train accuracy" not in run.stdout  # refused before a long run, not after it
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_stops_training_and_still_reports_and_saves(tmp_path):
    import os
    import signal
    import time

    model = tmp_path / "stopped.npz"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "playground.cli",
            "train",
            "--data",
            "fruit-curved",
            "--epochs",
            "1000000",
            "--save",
            str(model),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 60
    while b"epoch" not in seen and time.monotonic() < deadline:  # the progress bar: training has begun
        seen += os.read(process.stderr.fileno(), 4096)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    err = (seen + err).decode()
    assert process.returncode == 0, err
    assert "stopped by Ctrl-C" in err and "Traceback" not in err
    assert "train accuracy:" in out.decode() and "test accuracy:" in out.decode()
    assert load_network(model).layer_sizes == [2, 8, 8, 2]


def test_divergence_exits_3_and_still_prints_json():
    run = playground("train", "--data", "xor", "--activation", "sigmoid", "--learn-rate", "1e6", "--json", "--quiet")
    assert run.returncode == 3
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["diverged"] is True
    assert "diverged" in run.stderr


def test_help_documents_every_default():
    run = playground("train", "--help")
    assert run.returncode == 0
    for flag in [
        "--learn-rate",
        "--momentum",
        "--batch-size",
        "--epochs",
        "--l2",
        "--decay",
        "--input-noise",
        "--seed",
        "--save",
        "--json",
    ]:
        assert flag in run.stdout
    assert "default: 0.1" in run.stdout and "1000 for the 2-D toy sets" in run.stdout
