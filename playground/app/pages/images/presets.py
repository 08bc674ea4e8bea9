"""Ready-made set-ups for the image page (SPEC F22), each naming where it comes from.

The seed video's values were read from its own code, SebLague/Neural-Network-Experiments
(commit c35b066, the scenes ``Assets/Scenes/<set>/Train <set>.unity`` and
``Assets/Scripts/Neural Network/*.cs``): ReLU hidden layers, softmax output, cross-entropy,
momentum 0.9, learn rate lr₀ / (1 + k·epoch) after each epoch, and ``regularization: 0.1``.

That regularization is a decoupled weight decay: each step multiplies the weights by
(1 − 0.1·lr/B) (B: the batch size) outside the momentum velocity. Our L2 adds l2·w to the
batch-mean gradient, which momentum then carries (about 1/(1 − μ) = 10 times further), so the
same long-run shrinkage is l2 = 0.1·(1 − μ)/B: 0.0003125 at batch 32, 0.00015625 at batch 64.
(l2 = 0.1/B would give the same first step but ten times the decay.)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    """Settings of the image page's controls, and where they come from."""

    label: str
    source: str
    data: tuple[str, ...]  # the data sets it is meant for
    settings: dict = field(default_factory=dict)


def seed_l2(batch_size: int, momentum: float = 0.9, regularization: float = 0.1) -> float:
    """The video code's weight decay as our L2 (see the module docstring)."""
    return regularization * (1 - momentum) / batch_size


SEED_SOURCE = (
    "The seed video's own set-up, from its code (SebLague/Neural-Network-Experiments, scene "
    "'Train {scene}'): {layers}, ReLU, softmax + cross-entropy, momentum 0.9, learn rate {lr:g} "
    "with decay lr₀/(1 + {k:g}·epoch), batch {batch}, weight decay 0.1 (here L2 {l2:g}: the same "
    "long-run shrinkage under momentum)."
)


def seed_preset(data: str, scene: str, hidden: str, inputs: int, lr: float, k: float, batch: int) -> Preset:
    l2 = seed_l2(batch)
    layers = f"{inputs}-{hidden}-10"
    return Preset(
        f"seed video: {layers}",
        SEED_SOURCE.format(scene=scene, layers=layers, lr=lr, k=k, batch=batch, l2=l2),
        (data,),
        {
            "layers": hidden,
            "activation": "relu",
            "output": "softmax",
            "cost": "cross_entropy",
            "optimizer": "momentum",
            "momentum": 0.9,
            "learn_rate": lr,
            "decay": k,
            "batch_size": batch,
            "l2": l2,
            "epochs": 10,
            "augment": {},
            "flip": False,
            "standardize": False,
        },
    )


def adam_preset(
    label: str,
    data_name: str,
    data: tuple[str, ...],
    layers: str,
    learn_rate: float,
    decay: float,
    batch: int,
    epochs: int,
    augment: dict,
    flip: bool = False,
    l2: float = 0.0,
    standardize: bool | None = None,
    section: str = "Accuracy on image data sets",
) -> Preset:
    """One of our benchmark rows (ReLU, softmax + cross-entropy, Adam), its source written from its values."""
    changes = [f"rotate {augment['rotate']}°"] if "rotate" in augment else []
    changes += [f"{key} {augment[key]}" for key in ("scale", "shift") if key in augment]
    changes += ["mirrored"] if flip else []
    changes += ["standardised channels"] if standardize else []
    source = (
        f'docs/benchmarks.md, "{section}": the bench/accuracy.py row for {data_name} (settings chosen on '
        f"a validation split): {layers} ReLU, Adam {learn_rate:g}, decay {decay:g}"
        + (f", L2 {l2:g}" if l2 else "")
        + f", batch {batch}, {epochs} epochs"
        + "".join(f", {change}" for change in changes)
        + "."
    )
    settings = {
        "layers": layers,
        "activation": "relu",
        "output": "softmax",
        "cost": "cross_entropy",
        "optimizer": "adam",
        "learn_rate": learn_rate,
        "decay": decay,
        "batch_size": batch,
        "l2": l2,
        "epochs": epochs,
        "augment": augment,
        "flip": flip,
    }
    if standardize is not None:
        settings["standardize"] = standardize
    return Preset(label, source, data, settings)


PRESETS: dict[str, Preset] = {
    "3b1b": Preset(
        "3Blue1Brown: 784-16-16-10 sigmoid",
        "3Blue1Brown's network from 'But what is a neural network?' (Deep learning, chapter 1, 2017): two "
        "hidden layers of 16 sigmoid nodes. Trained as in Michael Nielsen's book, which the series follows: "
        "quadratic cost, plain SGD, learn rate 3, batch 10.",
        ("mnist", "fashion-mnist", "quickdraw", "digits"),
        {
            "layers": "16,16",
            "activation": "sigmoid",
            "output": "sigmoid",
            "cost": "quadratic",
            "optimizer": "sgd",
            "learn_rate": 3.0,
            "decay": 0.0,
            "batch_size": 10,
            "l2": 0.0,
            "epochs": 10,
            "augment": {},
            "flip": False,
        },
    ),
    "seed-mnist": seed_preset("mnist", "Mnist", "300", 784, 0.05, 0.04, 32),
    "seed-doodles": seed_preset("quickdraw", "Doodles", "300", 784, 0.05, 0.01, 32),
    "seed-fashion": seed_preset("fashion-mnist", "Fashion", "128", 784, 0.05, 0.04, 64),
    "seed-cifar": seed_preset("cifar-10", "Cifar", "256", 3072, 0.01, 0.04, 64),
    # docs/benchmarks.md, "Accuracy on image data sets" (bench/accuracy.py): our best MLP settings.
    "best-mnist": adam_preset(
        "our best MLP on MNIST (1024,512)",
        "MNIST",
        ("mnist",),
        "1024,512",
        0.001,
        0.15,
        100,
        40,
        {"rotate": 10, "scale": 0.1, "shift": 2},
    ),
    "best-fashion": adam_preset(
        "our best MLP on Fashion-MNIST (1024,512)",
        "Fashion-MNIST",
        ("fashion-mnist",),
        "1024,512",
        0.001,
        0.2,
        100,
        40,
        {"shift": 1},
        flip=True,
    ),
    "best-quickdraw": adam_preset(
        "our best MLP on Quick, Draw! (1024,512)",
        "Quick, Draw!",
        ("quickdraw",),
        "1024,512",
        0.001,
        0.1,
        100,
        60,
        {"rotate": 15, "scale": 0.15, "shift": 3},
        flip=True,
        l2=0.0001,
    ),
    "best-cifar": adam_preset(
        "our best MLP on CIFAR-10 (1024,512)",
        "CIFAR-10",
        ("cifar-10",),
        "1024,512",
        0.0005,
        0.1,
        100,
        30,
        {"shift": 2},
        flip=True,
        standardize=True,
    ),
    # docs/benchmarks.md, "Accuracy of convolutional networks" (bench/accuracy.py --set conv).
    "conv-mnist": adam_preset(
        "our conv network on MNIST (conv16x5,pool2,conv32x5,pool2,128)",
        "MNIST",
        ("mnist",),
        "conv16x5,pool2,conv32x5,pool2,128",
        0.001,
        0.2,
        32,
        12,
        {"rotate": 10, "scale": 0.1, "shift": 2},
        section="Accuracy of convolutional networks",
    ),
    "conv-fashion": adam_preset(
        "our conv network on Fashion-MNIST (conv32x3,pool2,conv64x3,pool2,256)",
        "Fashion-MNIST",
        ("fashion-mnist",),
        "conv32x3,pool2,conv64x3,pool2,256",
        0.001,
        0.2,
        32,
        12,
        {"shift": 1},
        flip=True,
        section="Accuracy of convolutional networks",
    ),
    "conv-cifar": adam_preset(
        "our conv network on CIFAR-10 (conv32x5,pool2,conv64x5,pool2,256)",
        "CIFAR-10",
        ("cifar-10",),
        "conv32x5,pool2,conv64x5,pool2,256",
        0.0005,
        0.1,
        32,
        30,
        {"shift": 2},
        flip=True,
        section="Accuracy of convolutional networks",
    ),
    "conv-quick": Preset(
        "a first conv network: conv8x5,pool2,64 (1 epoch)",
        "A small convolutional network to watch filters "
        "form: eight 5×5 filters, 2×2 max-pooling, 64 ReLU nodes; Adam 0.001, batch 32, one epoch (12 to 20 s "
        "on MNIST on two cores, up to a minute when the server is busy; 97 % test; tests/test_conv.py checks it).",
        ("mnist", "fashion-mnist", "quickdraw"),
        {
            "layers": "conv8x5,pool2,64",
            "activation": "relu",
            "output": "softmax",
            "cost": "cross_entropy",
            "optimizer": "adam",
            "learn_rate": 0.001,
            "decay": 0.0,
            "batch_size": 32,
            "l2": 0.0,
            "epochs": 1,
            "augment": {},
            "flip": False,
        },
    ),
    "digits-quick": Preset(
        "bundled digits: 64 tanh (seconds)",
        "playground.recipes' default for the bundled 8×8 digits: one "
        "hidden layer of 64 tanh nodes, momentum 0.9, learn rate 0.1, batch 32.",
        ("digits",),
        {
            "layers": "64",
            "activation": "tanh",
            "output": "softmax",
            "cost": "cross_entropy",
            "optimizer": "momentum",
            "momentum": 0.9,
            "learn_rate": 0.1,
            "decay": 0.0,
            "batch_size": 32,
            "l2": 0.0,
            "epochs": 30,
            "augment": {},
            "flip": False,
        },
    ),
}
