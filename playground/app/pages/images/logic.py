"""The image page's controls as a training recipe (pure: plain data in, checked recipe out).

A job's configuration is plain JSON (what the controls hold, what the job store keeps):

    {"data": "mnist", "layers": "300", "activation": "relu", "output": "softmax",
     "cost": "cross_entropy", "optimizer": "momentum", "learn_rate": 0.05, "decay": 0.04,
     "momentum": 0.9, "batch_size": 32, "epochs": 10, "l2": 0.0003, "input_noise": 0.0,
     "augment": {"rotate": 10, "scale": 0.1, "shift": 2, "noise": 0}, "flip": false,
     "standardize": null, "seed": 0, "train_samples": null, "shuffled_labels": false}

``check_config`` turns it into a ``playground.recipes.Recipe`` or raises ValueError naming
the first bad value, before any data is read.
"""

from __future__ import annotations

import math
from typing import Any

from playground.data.augment import AugmentSpec
from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS, Network
from playground.engine.costs import COSTS
from playground.engine.specs import (
    has_images_layers,
    layers_from_spec,
    parse_spec,
    spec_multiply_adds,
    spec_parameter_count,
    spec_text,
)
from playground.limits import current as current_limits
from playground.recipes import Recipe, network_input_shape

DATA_LABELS = {
    "digits": "8×8 digits (bundled)",
    "mnist": "MNIST digits",
    "fashion-mnist": "Fashion-MNIST",
    "quickdraw": "Quick, Draw! (10 doodles)",
    "cifar-10": "CIFAR-10",
}
INPUT_SIZES = {"digits": 64, "mnist": 784, "fashion-mnist": 784, "quickdraw": 784, "cifar-10": 3072}
IMAGE_SHAPES = {
    "digits": (8, 8),
    "mnist": (28, 28),
    "fashion-mnist": (28, 28),
    "quickdraw": (28, 28),
    "cifar-10": (32, 32, 3),
}
MAX_EPOCHS = 200
MAX_HIDDEN_LAYERS = 6
MAX_WIDTH = 4096
NUMBERS = {
    "learn_rate": (1e-6, 10.0),
    "decay": (0.0, 10.0),
    "momentum": (0.0, 0.999),
    "l2": (0.0, 1.0),
    "input_noise": (0.0, 1.0),
}

DEFAULT_CONFIG: dict[str, Any] = {
    "data": "digits",
    "layers": "64",
    "activation": "tanh",
    "output": "softmax",
    "cost": "cross_entropy",
    "optimizer": "momentum",
    "learn_rate": 0.1,
    "decay": 0.0,
    "momentum": 0.9,
    "batch_size": 32,
    "epochs": 30,
    "l2": 0.0,
    "input_noise": 0.0,
    "augment": {},
    "flip": False,
    "standardize": None,
    "seed": 0,
    "train_samples": None,
    "shuffled_labels": False,
}


def hidden_layers(spec: Any) -> list[int] | str:
    """The hidden layers of a layer spec: widths as a list ('300', '1024,512'; '' or 'none': no
    hidden layer), or the spec itself when it has convolution or pooling ('conv16x5,pool2,128')."""
    if not isinstance(spec, str):
        raise ValueError("hidden layers: a layer spec such as 300, 1024,512 or conv16x5,pool2,128")
    parts = parse_spec(spec)
    if len(parts) > MAX_HIDDEN_LAYERS or any(part[1] > MAX_WIDTH for part in parts):
        raise ValueError(f"hidden layers: at most {MAX_HIDDEN_LAYERS} layers of at most {MAX_WIDTH:,} nodes")
    return spec.strip().lower() if has_images_layers(spec) else [part[1] for part in parts]


def input_shape(data: str, layers: list[int] | str) -> tuple[int, ...]:
    """What the network of these hidden layers takes: rows of pixels, or (H, W, C) images."""
    return network_input_shape(IMAGE_SHAPES[data]) if isinstance(layers, str) else (INPUT_SIZES[data],)


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool, not text)."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def whole(value: Any, name: str, low: int, high: int) -> int:
    if not is_number(value) or value != int(value) or not low <= value <= high:
        raise ValueError(f"{name}: a whole number from {low:,} to {high:,}")
    return int(value)


def check_config(config: Any) -> Recipe:
    """The recipe of a job's configuration; ValueError names the first value out of bounds."""
    if not isinstance(config, dict):
        raise ValueError("the training settings must be a dictionary")
    config = {**DEFAULT_CONFIG, **config}
    data = config["data"]
    if data not in DATA_LABELS:
        raise ValueError(f"data set: one of {', '.join(DATA_LABELS)}")
    widths = hidden_layers(config["layers"])
    classes, spec, shape = 10, spec_text(widths), input_shape(data, widths)
    try:
        parameters = spec_parameter_count(spec, shape, classes)
        layers_work = spec_multiply_adds(spec, shape, classes)
        if isinstance(widths, str):
            layers_from_spec(spec, shape, classes)  # refuses a pool that does not fit before training
    except (ValueError, IndexError) as error:
        raise ValueError(f"hidden layers: {error}") from None
    limits = current_limits()
    if parameters > limits.image_parameters:
        raise ValueError(
            f"hidden layers {config['layers']} make {parameters:,} parameters; at most "
            f"{limits.image_parameters:,} are trained on this server"
        )
    if layers_work > limits.model_multiply_adds:
        raise ValueError(
            f"hidden layers {config['layers']} take {layers_work:,} multiply-adds per image; at most "
            f"{limits.model_multiply_adds:,} are trained on this server"
        )
    for name, choices in (
        ("activation", HIDDEN_ACTIVATIONS),
        ("output", OUTPUT_ACTIVATIONS),
        ("cost", list(COSTS)),
        ("optimizer", list(OPTIMIZERS)),
    ):
        if config[name] not in choices:
            raise ValueError(f"{name}: one of {', '.join(choices)}")
    Network([2, 2], output_activation=config["output"], cost=config["cost"])  # refuses a pair that cannot learn
    numbers: dict[str, Any] = {}  # learn_rate, momentum, l2, decay: Recipe's float fields
    for name, (low, high) in NUMBERS.items():
        value = config[name]
        if not is_number(value) or not low <= value <= high:
            raise ValueError(f"{name.replace('_', ' ')}: a number from {low:g} to {high:g}")
        numbers[name] = float(value)
    augment = config["augment"] if isinstance(config["augment"], dict) else None
    if augment is None or not set(augment) <= {"rotate", "scale", "shift", "noise"}:
        raise ValueError("augmentation: rotate, scale, shift and noise")
    augment_spec = AugmentSpec(**augment)
    if augment_spec.shift >= min(IMAGE_SHAPES[data][:2]) / 2:
        raise ValueError(f"augmentation shift: less than half the image ({IMAGE_SHAPES[data][0]} px)")
    samples = config["train_samples"]
    for name in ("flip", "shuffled_labels"):
        if not isinstance(config[name], bool):
            raise ValueError(f"{name}: true or false")
    if config["standardize"] not in (None, True, False):
        raise ValueError("standardize: true, false or null (the data set's default)")
    return Recipe(
        data=data,
        layers=widths,
        activation=config["activation"],
        output=config["output"],
        cost=config["cost"],
        optimizer=config["optimizer"],
        batch_size=whole(config["batch_size"], "batch size", 1, 1000),
        epochs=whole(config["epochs"], "epochs", 1, MAX_EPOCHS),
        seed=whole(config["seed"], "seed", 0, 2**32 - 1),
        train_samples=None if samples is None else whole(samples, "training images", 100, 1_000_000),
        augment=None if augment_spec.is_identity else augment_spec,
        flip=config["flip"],
        standardize=config["standardize"],
        **numbers,
    ).with_defaults()


def describe(recipe: Recipe) -> str:
    """One line naming the network and how it is trained."""
    assert recipe.layers is not None  # a recipe of check_config names its layers
    hidden = [recipe.layers] if isinstance(recipe.layers, str) else recipe.layers
    layers = "-".join(map(str, [INPUT_SIZES[recipe.data], *hidden, 10]))
    return (
        f"{layers} {recipe.activation}, {recipe.output} + {recipe.cost.replace('_', '-')}, {recipe.optimizer} "
        f"lr {recipe.learn_rate:g}{f' (decay {recipe.decay:g})' if recipe.decay else ''}, batch "
        f"{recipe.batch_size}, {recipe.epochs} epochs"
    )


def time_left(done_samples: int, total_samples: int, samples_per_second: float) -> str:
    """'1 min 20 s left' from the pace so far."""
    if samples_per_second <= 0 or not math.isfinite(samples_per_second):
        return ""
    seconds = max(total_samples - done_samples, 0) / samples_per_second
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes} min {seconds} s left" if minutes else f"{seconds} s left"
