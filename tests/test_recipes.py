"""Recipes: data set → defaults → preprocessing → trainer → evaluation, and ``playground evaluate``."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.data.images import IMAGE_DATASETS
from playground.data.tensorflow_sets import TENSORFLOW_SETS
from playground.data.toy import TOY_DATASETS
from playground.recipes import (
    DATA_SETS,
    Recipe,
    evaluate,
    fit_problem,
    load_data,
    prepare,
    validation_split,
)

from helpers.cli import playground
from helpers.hostile_models import padded_conv_file

ROOT = Path(__file__).resolve().parents[1]


def test_one_list_of_data_set_names():
    assert DATA_SETS == tuple(TOY_DATASETS) + tuple(TENSORFLOW_SETS) + IMAGE_DATASETS
    from playground.data.download import DOWNLOADABLE

    assert set(DOWNLOADABLE) == set(IMAGE_DATASETS) - {"digits"}


def test_defaults_fill_only_what_was_left_out():
    recipe = Recipe(data="mnist", epochs=2).with_defaults()
    assert recipe.epochs == 2 and recipe.layers == [256, 128] and recipe.optimizer == "adam"
    assert recipe.standardize is False
    assert Recipe(data="cifar-10").with_defaults().standardize is True
    toy = Recipe(data="moons", learn_rate=0.5).with_defaults()
    assert toy.layers == [8, 8] and toy.learn_rate == 0.5 and toy.epochs == 1000


def test_a_recipe_trains_and_evaluates_the_bundled_digits():
    recipe = Recipe(data="digits", epochs=10).with_defaults()
    data = load_data(recipe)
    run = prepare(recipe, data)
    result = run.trainer.train(recipe.epochs)
    run.finish()
    report = evaluate(run.network, data, recipe.l2)
    assert not result.diverged and report.test_accuracy > 0.9
    assert report.confusion.shape == (10, 10) and report.confusion.sum() == len(data.test_labels)
    # Rows are the true classes: their sums are the test images of each digit.
    np.testing.assert_array_equal(report.confusion.sum(axis=1), np.bincount(data.test_labels, minlength=10))
    assert report.test_accuracy == pytest.approx(np.trace(report.confusion) / report.confusion.sum())
    assert report.class_names == tuple(str(d) for d in range(10))
    per_class = report.per_class_accuracy()
    assert per_class.shape == (10,) and np.all((0 <= per_class) & (per_class <= 1))


def test_a_validation_split_holds_out_training_images_and_never_the_test_images():
    whole = load_data(Recipe(data="digits").with_defaults())
    recipe = Recipe(data="digits", validation=300).with_defaults()
    data = load_data(recipe)
    assert len(data.test_labels) == 300 and len(data.train_labels) == len(whole.train_labels) - 300
    # Every held-out image is a training image, and no image is on both sides.
    train_rows = {row.tobytes() for row in whole.train_inputs}
    assert all(row.tobytes() in train_rows for row in data.test_inputs)
    assert not {row.tobytes() for row in data.train_inputs} & {row.tobytes() for row in data.test_inputs}
    assert "validation run" in data.notes
    # The same images for every seed, so candidate settings are judged on one set.
    other_seed = load_data(Recipe(data="digits", validation=300, seed=5).with_defaults())
    labels = np.arange(50)
    assert np.array_equal(validation_split(labels, labels, 10)[2], validation_split(labels, labels, 10)[2])
    assert len(other_seed.test_labels) == 300
    with pytest.raises(ValueError, match="hold out between 1 and 49"):
        validation_split(labels, labels, 50)


def test_standardisation_folds_into_the_first_layer():
    recipe = Recipe(data="digits", epochs=1, standardize=True).with_defaults()
    data = load_data(recipe)
    run = prepare(recipe, data)
    run.trainer.train(1)
    standardised_outputs = run.network.forward(run.trainer.test_inputs)
    run.finish()
    np.testing.assert_allclose(run.network.forward(data.test_inputs), standardised_outputs, atol=1e-4)


def test_prepare_refuses_what_cannot_work():
    data = load_data(Recipe(data="digits").with_defaults())
    with pytest.raises(ValueError, match="parameters on digits; at most 50,000,000"):
        prepare(Recipe(data="digits", layers=[100_000, 100_000]).with_defaults(), data)
    from playground.data.augment import AugmentSpec

    with pytest.raises(ValueError, match="moves a 8×8 image off its canvas"):
        prepare(Recipe(data="digits", augment=AugmentSpec(shift=9)).with_defaults(), data)


def test_fit_problem_names_inputs_and_classes():
    from playground.engine import Network

    data = load_data(Recipe(data="digits").with_defaults())
    assert fit_problem(Network([64, 10]), data) is None
    assert "takes 784 inputs, but digits images have 64" in fit_problem(Network([784, 10]), data)
    assert "has 5 outputs, but digits has 10 classes" in fit_problem(Network([64, 5]), data)


def test_evaluate_prints_accuracy_and_a_confusion_matrix_with_class_names(tmp_path):
    model = tmp_path / "digits.npz"
    trained = playground("train", "--data", "digits", "--epochs", "5", "--save", str(model), "--json", "--quiet")
    assert trained.returncode == 0, trained.stderr
    train_report = json.loads(trained.stdout.strip().splitlines()[-1])
    run = playground("evaluate", "--model", str(model), "--data", "digits")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert f"test accuracy: {train_report['test_accuracy']:.4f}" in lines
    start = lines.index("confusion matrix (rows: true class, columns: predicted class):")
    rows = lines[start + 2 : start + 12]
    assert [row.split()[0] for row in rows] == [str(d) for d in range(10)]
    counts = np.array([[int(v) for v in row.split()[1:11]] for row in rows])
    assert counts.sum() == 360 and np.trace(counts) / 360 == pytest.approx(train_report["test_accuracy"])
    as_json = json.loads(playground("evaluate", "--model", str(model), "--data", "digits", "--json").stdout)
    assert np.array(as_json["confusion_matrix"]).tolist() == counts.tolist()
    assert as_json["class_names"] == [str(d) for d in range(10)]


def test_evaluate_refuses_a_model_that_does_not_fit(tmp_path):
    model = tmp_path / "xor.npz"
    assert playground("train", "--data", "xor", "--epochs", "2", "--save", str(model), "--quiet").returncode == 0
    run = playground("evaluate", "--model", str(model), "--data", "digits")
    assert run.returncode == 2 and "does not fit digits" in run.stderr and "takes 2 inputs" in run.stderr
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    run = playground("evaluate", "--model", str(bad), "--data", "digits")
    assert run.returncode == 2 and "not a model file" in run.stderr and "Traceback" not in run.stderr


def test_evaluate_refuses_a_model_too_costly_to_run_and_says_how_to_allow_it(tmp_path):
    model = tmp_path / "padded.npz"
    model.write_bytes(padded_conv_file())
    run = playground("evaluate", "--model", str(model), "--data", "mnist")
    assert run.returncode == 2 and "too costly to run here" in run.stderr and "Traceback" not in run.stderr
    assert "PLAYGROUND_LIMITS=model_multiply_adds=" in run.stderr


@pytest.mark.data
def test_evaluate_on_real_mnist(tmp_path):
    from helpers.needs import real_data_dir

    data_dir = real_data_dir("mnist")
    model = tmp_path / "mnist.npz"
    trained = playground(
        "train",
        "--data",
        "mnist",
        "--data-dir",
        str(data_dir),
        "--layers",
        "32",
        "--epochs",
        "1",
        "--train-samples",
        "10000",
        "--save",
        str(model),
        "--json",
        "--quiet",
        timeout=300,
    )
    assert trained.returncode == 0, trained.stderr
    expected = json.loads(trained.stdout.strip().splitlines()[-1])["test_accuracy"]
    run = playground("evaluate", "--model", str(model), "--data", "mnist", "--data-dir", str(data_dir), timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"test accuracy: {expected:.4f}" in run.stdout and "test images: 10,000 of mnist" in run.stdout
    run = playground("evaluate", "--model", str(model), "--data", "fashion-mnist", "--data-dir", str(data_dir))
    assert run.returncode == 0  # same shape of data: it fits (and scores badly)


def test_the_readme_python_example_runs_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## The Python API\s+```python\n(.*?)```", readme, re.S).group(1)
    run = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "fruit.npz").exists()


def test_evaluating_with_no_test_samples_says_so(tmp_path):
    """``--test-fraction 0`` leaves nothing to evaluate: a message and exit code 2, no traceback."""
    model = tmp_path / "xor.npz"
    assert playground("train", "--data", "xor", "--epochs", "2", "--save", str(model), "--quiet").returncode == 0
    run = playground("evaluate", "--model", str(model), "--data", "xor", "--test-fraction", "0")
    assert run.returncode == 2
    assert "no test samples" in run.stderr and "Traceback" not in run.stderr
