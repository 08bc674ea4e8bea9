"""The image page's settings → recipe (pages/images/logic.py) and its presets (presets.py): the
defaults, the settings refused with a message naming them, the description of a network, the
presets (every one passes on its data sets; the benchmark presets are bench/accuracy.py's rows;
the seed presets have the video's values).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.app.pages.images.logic import DEFAULT_CONFIG, check_config, describe, hidden_layers, time_left
from playground.app.pages.images.presets import PRESETS, seed_l2

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


# ------------------------------------------------------------------ logic


def test_default_config_is_a_digits_recipe():
    recipe = check_config(DEFAULT_CONFIG)
    assert (recipe.data, recipe.layers, recipe.activation, recipe.optimizer) == ("digits", [64], "tanh", "momentum")
    assert (recipe.learn_rate, recipe.batch_size, recipe.epochs, recipe.augment) == (0.1, 32, 30, None)
    assert recipe.standardize is False


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"layers": "abc"}, "layer"),
        ({"layers": "0"}, "layer"),
        ({"layers": "8,8,8,8,8,8,8"}, "hidden layers"),
        ({"layers": "5000"}, "hidden layers"),
        ({"learn_rate": -1}, "learn rate"),
        ({"learn_rate": float("nan")}, "learn rate"),
        ({"learn_rate": "0.1"}, "learn rate"),
        ({"epochs": 0}, "epochs"),
        ({"epochs": 1000}, "epochs"),
        ({"data": "imagenet"}, "data set"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"batch_size": 0}, "batch size"),
    ],
)
def test_bad_settings_are_named(changes, words):
    with pytest.raises(ValueError, match=words):
        check_config({**DEFAULT_CONFIG, **changes})


def test_hidden_layer_specs():
    assert hidden_layers("") == [] and hidden_layers("none") == []
    assert hidden_layers("1024,512") == [1024, 512]
    with pytest.raises(ValueError, match="hidden layers"):
        hidden_layers(300)


def test_time_left():
    assert time_left(0, 1000, 10) == "1 min 40 s left"
    assert time_left(500, 1000, 100) == "5 s left"
    assert time_left(2000, 1000, 100) == "0 s left"
    assert time_left(0, 1000, 0) == "" and time_left(0, 1000, float("inf")) == ""


def test_describe_names_network_and_training():
    assert describe(check_config(DEFAULT_CONFIG)) == (
        "64-64-10 tanh, softmax + cross-entropy, momentum lr 0.1, batch 32, 30 epochs"
    )
    seed = check_config({**DEFAULT_CONFIG, **PRESETS["seed-mnist"].settings, "data": "mnist"})
    assert describe(seed) == (
        "784-300-10 relu, softmax + cross-entropy, momentum lr 0.05 (decay 0.04), batch 32, 10 epochs"
    )


# ------------------------------------------------------------------ presets


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_passes_on_its_data_sets(name):
    preset = PRESETS[name]
    for data in preset.data:
        recipe = check_config({**DEFAULT_CONFIG, **preset.settings, "data": data})
        assert recipe.data == data and recipe.layers == hidden_layers(preset.settings["layers"])
        assert recipe.learn_rate == preset.settings["learn_rate"]


def benchmark_rows() -> dict:
    """bench/accuracy.py's rows by (set, data set)."""
    import importlib.util
    import sys

    bench = Path(__file__).resolve().parents[1] / "bench"
    sys.path.insert(0, str(bench))
    spec = importlib.util.spec_from_file_location("accuracy", bench / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return {
        (prefix, run.data): run
        for prefix, runs in (("best", module.RUNS), ("conv", module.CONV_RUNS))
        for run in runs
        if run.target is not None
    }


@pytest.mark.parametrize(
    "name", [name for name in PRESETS if name.startswith(("best-", "conv-")) and name != "conv-quick"]
)
def test_benchmark_presets_are_the_benchmark_rows(name):
    from playground.cli.parser import build_parser
    from playground.recipes import Recipe

    preset = PRESETS[name]
    (data,) = preset.data
    run = benchmark_rows()[(name.split("-")[0], data)]
    bench = Recipe.from_options(build_parser().parse_args(["train", *run.args])).with_defaults()
    page = check_config({**DEFAULT_CONFIG, **preset.settings, "data": data})
    for field in ("layers", "activation", "optimizer", "learn_rate", "decay", "batch_size", "epochs", "l2", "flip"):
        assert getattr(page, field) == getattr(bench, field), field
    assert str(page.augment) == str(bench.augment)


def test_seed_l2_is_the_videos_decay_under_momentum():
    assert seed_l2(32) == pytest.approx(0.1 * (1 - 0.9) / 32)
    assert seed_l2(64) == pytest.approx(0.00015625)


@pytest.mark.parametrize(
    "name, data, layers, inputs, lr, k, batch",
    [
        ("seed-mnist", "mnist", "300", 784, 0.05, 0.04, 32),
        ("seed-doodles", "quickdraw", "300", 784, 0.05, 0.01, 32),
        ("seed-fashion", "fashion-mnist", "128", 784, 0.05, 0.04, 64),
        ("seed-cifar", "cifar-10", "256", 3072, 0.01, 0.04, 64),
    ],
)
def test_seed_presets_have_the_seblague_values(name, data, layers, inputs, lr, k, batch):
    preset = PRESETS[name]
    s = preset.settings
    assert preset.data == (data,) and f"{inputs}-{layers}-10" in preset.label
    assert (s["layers"], s["learn_rate"], s["decay"], s["batch_size"], s["momentum"]) == (layers, lr, k, batch, 0.9)
    assert (s["activation"], s["output"], s["cost"], s["optimizer"]) == ("relu", "softmax", "cross_entropy", "momentum")
    assert s["l2"] == seed_l2(batch)


# ---------------------------------------------------------------------- conv networks on the page


def test_a_conv_spec_is_a_recipe_and_too_much_work_or_a_pool_too_big_is_refused():
    recipe = check_config({**DEFAULT_CONFIG, "layers": "conv8x3,pool2,32"})
    assert recipe.layers == "conv8x3,pool2,32" and recipe.standardize is False
    with pytest.raises(ValueError, match="multiply-adds"):
        check_config({**DEFAULT_CONFIG, "data": "cifar-10", "layers": "conv64x9,conv64x9"})
    with pytest.raises(ValueError, match="'pool9'"):
        check_config({**DEFAULT_CONFIG, "layers": "pool9"})
