"""Training recipes: data set → defaults → preprocessing → network and trainer → evaluation.

One place that knows how each data set is trained, shared by ``playground train`` and
``playground evaluate`` on the command line and by the app's image page:

    recipe = Recipe(data="mnist", epochs=3).with_defaults()
    data = load_data(recipe)
    run = prepare(recipe, data)          # network, trainer, standardisation
    run.trainer.train(recipe.epochs)
    run.finish()                         # the network takes raw [0, 1] pixels again
    report = evaluate(run.network, data, recipe.l2)

The 2-D data can also be a user's CSV file or one of TensorFlow Playground's sets
(``playground.data.points``), for classification or regression, with feature inputs
(``playground.data.features``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import cast

import numpy as np

from playground.data.augment import AugmentSpec
from playground.data.features import DEFAULT_FEATURES, feature_matrix
from playground.data.image_prep import Standardization, validation_split, with_flip
from playground.data.images import IMAGE_DATASETS, load_image_dataset
from playground.data.points import Points, load_points
from playground.data.tensorflow_sets import TENSORFLOW_SETS
from playground.data.toy import TOY_DATASETS, make_dataset
from playground.engine import Network, Trainer, TrainingSettings
from playground.engine.costs import COSTS
from playground.engine.persistence import MAX_PARAMETERS
from playground.engine.specs import has_images_layers, spec_parameter_count, spec_text
from playground.engine.training import score

Array = np.ndarray

TOY_SETS = tuple(TOY_DATASETS)
IMAGE_SETS = IMAGE_DATASETS
TF_SETS = tuple(TENSORFLOW_SETS)
DATA_SETS = TOY_SETS + TF_SETS + IMAGE_SETS  # and any CSV file of points
TOY_TEST_FRACTION = 0.2
COST_CHOICES = tuple(name.replace("_", "-") for name in COSTS)  # as people type them

# Defaults of the training knobs that depend on the data set. The 2-D toy sets keep the
# small tanh network of the playground page; the image sets get a ReLU network trained
# with Adam in mini-batches of 100, sized to finish in about a minute on two cores.
# bench/accuracy.py (docs/benchmarks.md) lists the longer settings that reach the
# accuracy targets.
TOY_DEFAULTS = {
    "layers": [8, 8],
    "activation": "tanh",
    "optimizer": "momentum",
    "learn_rate": 0.1,
    "batch_size": 32,
    "epochs": 1000,
}
# TensorFlow Playground's own settings for its sets: its default 4-2 tanh network, plain SGD at
# learn rate 0.03 in batches of 10 (its src/state.ts); it has no epoch count, so 200.
TF_DEFAULTS = {
    "layers": [4, 2],
    "activation": "tanh",
    "optimizer": "sgd",
    "learn_rate": 0.03,
    "batch_size": 10,
    "epochs": 200,
}
# The output and cost of each task when none is chosen.
TASK_DEFAULTS = {"classification": ("softmax", "cross_entropy"), "regression": ("linear", "quadratic")}
DATA_DEFAULTS: dict[str, dict] = {
    "digits": {
        "layers": [64],
        "activation": "tanh",
        "optimizer": "momentum",
        "learn_rate": 0.1,
        "batch_size": 32,
        "epochs": 30,
    },
    "mnist": {
        "layers": [256, 128],
        "activation": "relu",
        "optimizer": "adam",
        "learn_rate": 0.001,
        "batch_size": 100,
        "epochs": 10,
    },
    "fashion-mnist": {
        "layers": [256, 128],
        "activation": "relu",
        "optimizer": "adam",
        "learn_rate": 0.001,
        "batch_size": 100,
        "epochs": 15,
    },
    "quickdraw": {
        "layers": [256, 128],
        "activation": "relu",
        "optimizer": "adam",
        "learn_rate": 0.001,
        "batch_size": 100,
        "epochs": 20,
    },
    "cifar-10": {
        "layers": [512, 256],
        "activation": "relu",
        "optimizer": "adam",
        "learn_rate": 0.0005,
        "batch_size": 100,
        "epochs": 10,
    },
}
# A conv network takes more, smaller steps: one epoch of conv8x5,pool2,64 on MNIST reaches
# 97.4 % test at batch 32 and 96.9 % at the dense networks' 100.
CONV_DEFAULTS = {"batch_size": 32}
# Per-channel standardisation (mean 0, std 1 over the training pixels) is on by default
# for the colour images of CIFAR-10, whose channels are far from [0, 1]-centred; the
# grey sets train as well on plain [0, 1] pixels.
STANDARDIZE_BY_DEFAULT = {"cifar-10"}
MONITOR_SAMPLES = 5_000  # training images scored after each epoch while training


@dataclass
class Recipe:
    """Everything that decides a training run. ``None`` means "the data set's default"."""

    data: str = "fruit-curved"
    # the data
    data_dir: str | None = None
    categories: tuple[str, ...] | None = None  # quickdraw
    per_category: int = 10_000  # quickdraw rows per category, before the test split
    train_samples: int | None = None  # a random subset of the training images
    validation: int = 0  # training images held out and scored in place of the test images
    samples: int | None = None  # toy sets (200), TensorFlow Playground's (500, or 1,200 to regress)
    noise: float | None = None  # toy sets
    test_fraction: float | None = None  # toy sets, digits, quickdraw (0.2), TensorFlow Playground's (0.5)
    test_data: str | None = None  # a CSV file of test points beside a CSV file in ``data``
    task: str | None = None  # 2-D points: "classification" or "regression" (None: from the data)
    features: tuple[str, ...] | None = None  # 2-D points: the inputs made of (x1, x2) (None: x1, x2)
    augment: AugmentSpec | None = None
    flip: bool = False
    standardize: bool | None = None
    # the network
    layers: list[int] | str | None = None  # hidden layer widths, or a layer spec ('conv16x5,pool2,128')
    activation: str | None = None
    output: str = "softmax"
    cost: str = "cross_entropy"
    dtype: str = "float32"
    # the training
    optimizer: str | None = None
    learn_rate: float | None = None
    momentum: float = 0.9
    batch_size: int | None = None
    epochs: int | None = None
    l2: float = 0.0
    l1: float = 0.0
    decay: float = 0.0
    input_noise: float = 0.0
    seed: int = 0
    threads: int = 1

    @classmethod
    def from_options(cls, options) -> Recipe:
        """A recipe from any object with these names as attributes (e.g. parsed arguments)."""
        return cls(**{f.name: getattr(options, f.name) for f in fields(cls) if hasattr(options, f.name)})

    @property
    def is_image(self) -> bool:
        return self.data in IMAGE_SETS

    def with_defaults(self) -> Recipe:
        """A copy with the data set's defaults in every field left as None."""
        conv = has_images_layers(spec_text(self.layers)) if self.layers is not None else False
        own = TF_DEFAULTS if self.data in TF_SETS else TOY_DEFAULTS
        defaults = {**DATA_DEFAULTS.get(self.data, own), **(CONV_DEFAULTS if conv else {})}
        filled = {key: value for key, value in defaults.items() if getattr(self, key) is None}
        if self.standardize is None:
            # Standardisation is folded into a dense first layer; conv networks take [0, 1] pixels.
            filled["standardize"] = self.data in STANDARDIZE_BY_DEFAULT and not conv
        return replace(self, **filled)

    def settings(self) -> TrainingSettings:
        """The gradient-descent settings of this recipe (raises ValueError for bad values)."""
        # Filled by with_defaults (None here fails in TrainingSettings' checks, as ever).
        return TrainingSettings(
            learn_rate=cast(float, self.learn_rate),
            batch_size=cast(int, self.batch_size),
            optimizer=cast(str, self.optimizer),
            momentum=self.momentum,
            l2=self.l2,
            l1=self.l1,
            decay=self.decay,
            input_noise=self.input_noise,
            seed=self.seed,
        )


@dataclass
class TrainingData:
    """What a recipe learns from: training rows, held-out test rows, and a description."""

    name: str
    train_inputs: Array
    train_labels: Array
    test_inputs: Array
    test_labels: Array
    n_classes: int
    image_shape: tuple[int, ...] | None = None  # None for the 2-D toy sets
    summary: str = ""
    notes: str = ""
    class_names: tuple[str, ...] = ()
    task: str = "classification"  # regression: the labels are real targets and n_classes is 1 output
    input_names: tuple[str, ...] = ()  # 2-D points: the feature inputs (the network keeps them)


def load_data(recipe: Recipe) -> TrainingData:
    """The recipe's data set; raises DataNotFoundError, DataFileError or ValueError (PointsCSVError
    for a points file)."""
    if recipe.is_image:
        if recipe.features is not None or recipe.task not in (None, "classification"):
            raise ValueError(f"feature inputs and regression are for 2-D points; {recipe.data} is images")
        return load_image_data(recipe)
    if recipe.data not in TOY_SETS:  # TensorFlow Playground's sets and CSV files
        points = load_points(
            recipe.data, recipe.task, recipe.samples, recipe.noise, recipe.test_fraction, recipe.seed, recipe.test_data
        )
    else:
        if recipe.task == "regression" or recipe.test_data is not None:
            raise ValueError(f"{recipe.data} is a classification set of its own: regression and test files take a CSV")
        toy = make_dataset(
            recipe.data,
            n_samples=200 if recipe.samples is None else recipe.samples,
            noise=recipe.noise,
            test_fraction=TOY_TEST_FRACTION if recipe.test_fraction is None else recipe.test_fraction,
            seed=recipe.seed,
        )
        points = Points(
            recipe.data,
            "classification",
            toy.train_inputs,
            toy.train_labels,
            toy.test_inputs,
            toy.test_labels,
            list(toy.class_names),
        )
    features = DEFAULT_FEATURES if recipe.features is None else recipe.features
    notes = "" if recipe.features is None else f"inputs {', '.join(features)}"
    return TrainingData(
        points.name,
        feature_matrix(points.train_inputs, features),
        points.train_labels,
        feature_matrix(points.test_inputs, features),
        points.test_labels,
        points.n_outputs,
        summary=points.summary,
        notes=notes,
        class_names=tuple(points.class_names),
        task=points.task,
        input_names=tuple(features),
    )


def load_image_data(recipe: Recipe) -> TrainingData:
    """An image set of the recipe (and digits), with its held-out test images."""
    test_fraction = TOY_TEST_FRACTION if recipe.test_fraction is None else recipe.test_fraction
    options: dict = {}
    if recipe.data == "quickdraw":
        options = {
            "categories": recipe.categories,
            "per_category": recipe.per_category,
            "test_fraction": test_fraction,
        }
    elif recipe.data == "digits":
        options = {"test_fraction": test_fraction, "seed": recipe.seed}
    dataset = load_image_dataset(recipe.data, recipe.data_dir, **options)
    train_inputs, train_labels = dataset.train_inputs(), dataset.train_labels
    test_inputs, test_labels = dataset.test_inputs(), dataset.test_labels
    notes = dataset.notes
    if recipe.validation:
        train_inputs, train_labels, test_inputs, test_labels = validation_split(
            train_inputs, train_labels, recipe.validation
        )
        notes = "; ".join(
            filter(
                None,
                [
                    notes,
                    f"validation run: {recipe.validation:,} training images held "
                    f"out and scored in place of the test images",
                ],
            )
        )
    if recipe.train_samples is not None and recipe.train_samples < len(train_labels):
        # A seeded random subset (quickdraw's training rows are grouped by category).
        keep = np.sort(
            np.random.default_rng([recipe.seed, 3]).choice(len(train_labels), recipe.train_samples, replace=False)
        )
        train_inputs, train_labels = train_inputs[keep], train_labels[keep]
        notes = "; ".join(
            filter(
                None,
                [
                    notes,
                    f"trained on a random {recipe.train_samples:,} of {len(dataset.train_labels):,} training images",
                ],
            )
        )
    return TrainingData(
        dataset.name,
        train_inputs,
        train_labels,
        test_inputs,
        test_labels,
        dataset.n_classes,
        dataset.image_shape,
        dataset.summary(),
        notes,
        dataset.class_names,
    )


@dataclass
class Run:
    """A prepared training run: the network, its trainer, and how its inputs were standardised."""

    network: Network
    trainer: Trainer
    standardization: Standardization | None = None
    finished: bool = field(default=False, repr=False)

    def finish(self) -> None:
        """Fold the standardisation into the first layer: from now on the network takes [0, 1] pixels."""
        if self.standardization is not None and not self.finished:
            self.standardization.fold_into(self.network)
        self.finished = True


def network_input_shape(image_shape: tuple[int, ...]) -> tuple[int, ...]:
    """(H, W, C) for a conv network: grey images get one channel."""
    return tuple(image_shape) if len(image_shape) == 3 else (*image_shape, 1)


def prepare(recipe: Recipe, data: TrainingData) -> Run:
    """Build the network and trainer of ``recipe`` (with defaults filled) for ``data``.

    Raises ValueError with a message for a network too large, an augmentation that does not
    fit the images, or bad settings.
    """
    standardization = None
    train_inputs, test_inputs = data.train_inputs, data.test_inputs
    # Read for image data only (conv layers, standardisation, augmentation: the options of image sets).
    image_shape = cast(tuple[int, ...], data.image_shape)
    if recipe.standardize:
        channels = image_shape[-1] if len(image_shape) == 3 else 1
        standardization = Standardization.fit(train_inputs, channels)  # training pixels only
        train_inputs = standardization.apply(train_inputs)
        test_inputs = standardization.apply(test_inputs)
    spec = spec_text(recipe.layers)
    images = has_images_layers(spec)
    if images and data.image_shape is None:
        raise ValueError(f"layers {spec}: convolution and pooling need image data, and {recipe.data} is points")
    if images and standardization is not None:
        raise ValueError(
            "standardisation is folded into a dense first layer: train a conv network with "
            "--no-standardize (it takes [0, 1] pixels)"
        )
    input_shape = network_input_shape(image_shape) if images else (train_inputs.shape[1],)
    parameters = spec_parameter_count(spec, input_shape, data.n_classes)
    if parameters > MAX_PARAMETERS:
        raise ValueError(
            f"hidden layers {spec} make {parameters:,} parameters on "
            f"{recipe.data}; at most {MAX_PARAMETERS:,} fit in memory here"
        )
    if recipe.augment is not None and recipe.augment.shift >= min(image_shape[:2]):
        raise ValueError(
            f"augmentation shift={recipe.augment.shift:g} moves a {image_shape[0]}×"
            f"{image_shape[1]} image off its canvas; use a shift smaller than the image"
        )
    augment = recipe.augment.batch_function(image_shape) if recipe.augment is not None else None
    if recipe.flip:
        augment = with_flip(augment, image_shape)
    network = Network.from_spec(
        spec,
        input_shape,
        data.n_classes,
        activation=cast(str, recipe.activation),  # filled, as the recipe's other defaults
        output_activation=recipe.output,
        cost=recipe.cost,
        seed=recipe.seed,
        dtype=np.dtype(recipe.dtype),
        task=data.task,
    )
    network.input_names = data.input_names or None
    trainer = Trainer(
        network, train_inputs, data.train_labels, recipe.settings(), test_inputs, data.test_labels, augment=augment
    )
    return Run(network, trainer, standardization)


class Monitor:
    """Cost and accuracy after an epoch, on a fixed sample of at most 5,000 training images
    (without input noise or augmentation) and on all held-out test images: watching them is
    not training on them."""

    def __init__(self, trainer: Trainer, seed: int = 0) -> None:
        self.trainer = trainer
        chosen = np.random.default_rng([seed, 4]).permutation(len(trainer.inputs))[:MONITOR_SAMPLES]
        self.inputs, self.labels = trainer.inputs[chosen], trainer.labels[chosen]

    def measure(self) -> dict[str, float]:
        network, trainer = self.trainer.network, self.trainer
        train_cost, train_accuracy = network.cost_and_accuracy(self.inputs, self.labels)
        assert trainer.test_inputs is not None and trainer.test_labels is not None  # prepare gives them
        test_cost, test_accuracy = network.cost_and_accuracy(trainer.test_inputs, trainer.test_labels)
        return {
            "train_cost": train_cost,
            "train_accuracy": train_accuracy,
            "test_cost": test_cost,
            "test_accuracy": test_accuracy,
        }


@dataclass
class Evaluation:
    """Cost (with the L2 term) and accuracy on training and test data, and the test confusion matrix."""

    train_cost: float | None  # None: evaluated on the test data only
    train_accuracy: float | None
    test_cost: float | None
    test_accuracy: float | None
    confusion: Array | None  # rows: true class, columns: predicted class (test data)
    class_names: tuple[str, ...] = ()

    def accuracies(self) -> dict[str, float | None]:
        return {
            "train_cost": self.train_cost,
            "train_accuracy": self.train_accuracy,
            "test_cost": self.test_cost,
            "test_accuracy": self.test_accuracy,
        }

    def per_class_accuracy(self) -> Array | None:
        """The fraction of each class's test images recognised (NaN for a class with none)."""
        if self.confusion is None:
            return None
        totals = self.confusion.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.diag(self.confusion) / totals


def evaluate(network: Network, data: TrainingData, l2: float = 0.0, train: bool = True, l1: float = 0.0) -> Evaluation:
    """The one evaluation of a trained network on its data (``train=False``: test data only); for
    regression the "accuracies" are R² and there is no confusion matrix."""
    from sklearn.metrics import confusion_matrix

    train_cost = train_accuracy = test_cost = test_accuracy = confusion = None
    if train:
        train_cost, train_accuracy = score(network, data.train_inputs, data.train_labels, l2, l1)
    if len(data.test_labels):
        test_cost, test_accuracy = score(network, data.test_inputs, data.test_labels, l2, l1)
        if network.task == "classification":
            predictions = network.predict(data.test_inputs)
            confusion = confusion_matrix(data.test_labels, predictions, labels=np.arange(data.n_classes))
    return Evaluation(train_cost, train_accuracy, test_cost, test_accuracy, confusion, data.class_names)


def fit_problem(network: Network, data: TrainingData) -> str | None:
    """Why ``network`` cannot be evaluated on ``data`` (inputs, classes or task differ), or None."""
    n_inputs = data.test_inputs.shape[1] if data.test_inputs.ndim == 2 else int(np.prod(data.test_inputs.shape[1:]))
    if network.task != data.task:
        return f"the network is for {network.task}, and {data.name} is read for {data.task}"
    if network.input_size != n_inputs and data.image_shape is None:
        return (
            f"the network takes {network.input_size:,} inputs, but the chosen features make {n_inputs:,}: "
            "give --features as when it was trained"
        )
    if network.input_size != n_inputs:
        return (
            f"the network takes {network.input_size:,} inputs, but {data.name} images have {n_inputs:,} "
            "(pixels × channels)"
        )
    if network.layer_sizes[-1] != data.n_classes and data.task == "regression":
        return f"the network has {network.layer_sizes[-1]} outputs, but {data.name} has one target"
    if network.layer_sizes[-1] != data.n_classes:
        return f"the network has {network.layer_sizes[-1]} outputs, but {data.name} has {data.n_classes} classes"
    return None


def with_task(recipe: Recipe, task: str, output: str | None = None, cost: str | None = None) -> Recipe:
    """The recipe for ``task``, with the output and cost chosen, else the task's own
    (classification: softmax and cross-entropy; regression: linear and quadratic)."""
    default_output, default_cost = TASK_DEFAULTS[task]
    return replace(recipe, task=task, output=output or default_output, cost=cost or default_cost)
