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


SEED_SOURCE = ("The seed video's own set-up, from its code (SebLague/Neural-Network-Experiments, scene "
               "'Train {scene}'): {layers}, ReLU, softmax + cross-entropy, momentum 0.9, learn rate {lr:g} "
               "with decay lr₀/(1 + {k:g}·epoch), batch {batch}, weight decay 0.1 (here L2 {l2:g}: the same "
               "long-run shrinkage under momentum).")


def seed_preset(data: str, scene: str, hidden: str, inputs: int, lr: float, k: float, batch: int) -> Preset:
    l2 = seed_l2(batch)
    layers = f"{inputs}-{hidden}-10"
    return Preset(f"seed video: {layers}", SEED_SOURCE.format(scene=scene, layers=layers, lr=lr, k=k, batch=batch,
                                                              l2=l2), (data,),
                  {"layers": hidden, "activation": "relu", "output": "softmax", "cost": "cross_entropy",
                   "optimizer": "momentum", "momentum": 0.9, "learn_rate": lr, "decay": k, "batch_size": batch,
                   "l2": l2, "epochs": 10, "augment": {}, "flip": False, "standardize": False})


PRESETS: dict[str, Preset] = {
    "3b1b": Preset(
        "3Blue1Brown: 784-16-16-10 sigmoid",
        "3Blue1Brown's network from 'But what is a neural network?' (Deep learning, chapter 1, 2017): two "
        "hidden layers of 16 sigmoid nodes. Trained as in Michael Nielsen's book, which the series follows: "
        "quadratic cost, plain SGD, learn rate 3, batch 10.",
        ("mnist", "fashion-mnist", "quickdraw", "digits"),
        {"layers": "16,16", "activation": "sigmoid", "output": "sigmoid", "cost": "quadratic", "optimizer": "sgd",
         "learn_rate": 3.0, "decay": 0.0, "batch_size": 10, "l2": 0.0, "epochs": 10, "augment": {}, "flip": False}),
    "seed-mnist": seed_preset("mnist", "Mnist", "300", 784, 0.05, 0.04, 32),
    "seed-doodles": seed_preset("quickdraw", "Doodles", "300", 784, 0.05, 0.01, 32),
    "seed-fashion": seed_preset("fashion-mnist", "Fashion", "128", 784, 0.05, 0.04, 64),
    "seed-cifar": seed_preset("cifar-10", "Cifar", "256", 3072, 0.01, 0.04, 64),
    # docs/benchmarks.md, "Accuracy on image data sets" (bench/accuracy.py): our best MLP settings.
    "best-mnist": Preset(
        "our best MLP on MNIST (1024,512)", "docs/benchmarks.md: the bench/accuracy.py row for MNIST "
        "(chosen on a validation split): 1024,512 ReLU, Adam 0.001, decay 0.15, batch 100, 40 epochs, "
        "rotate 10°, scale 0.1, shift 2.", ("mnist",),
        {"layers": "1024,512", "activation": "relu", "output": "softmax", "cost": "cross_entropy",
         "optimizer": "adam", "learn_rate": 0.001, "decay": 0.15, "batch_size": 100, "l2": 0.0, "epochs": 40,
         "augment": {"rotate": 10, "scale": 0.1, "shift": 2}, "flip": False}),
    "best-fashion": Preset(
        "our best MLP on Fashion-MNIST (1024,512)", "docs/benchmarks.md: the bench/accuracy.py row for "
        "Fashion-MNIST: 1024,512 ReLU, Adam 0.001, decay 0.2, batch 100, 40 epochs, shift 1, mirrored.",
        ("fashion-mnist",),
        {"layers": "1024,512", "activation": "relu", "output": "softmax", "cost": "cross_entropy",
         "optimizer": "adam", "learn_rate": 0.001, "decay": 0.2, "batch_size": 100, "l2": 0.0, "epochs": 40,
         "augment": {"shift": 1}, "flip": True}),
    "best-quickdraw": Preset(
        "our best MLP on Quick, Draw! (1024,512)", "docs/benchmarks.md: the bench/accuracy.py row for Quick, "
        "Draw!: 1024,512 ReLU, Adam 0.001, decay 0.1, L2 0.0001, batch 100, 60 epochs, rotate 15°, scale 0.15, "
        "shift 3, mirrored.", ("quickdraw",),
        {"layers": "1024,512", "activation": "relu", "output": "softmax", "cost": "cross_entropy",
         "optimizer": "adam", "learn_rate": 0.001, "decay": 0.1, "batch_size": 100, "l2": 0.0001, "epochs": 60,
         "augment": {"rotate": 15, "scale": 0.15, "shift": 3}, "flip": True}),
    "best-cifar": Preset(
        "our best MLP on CIFAR-10 (1024,512)", "docs/benchmarks.md: the bench/accuracy.py row for CIFAR-10: "
        "1024,512 ReLU, Adam 0.0005, decay 0.1, batch 100, 30 epochs, standardised channels, shift 2, mirrored.",
        ("cifar-10",),
        {"layers": "1024,512", "activation": "relu", "output": "softmax", "cost": "cross_entropy",
         "optimizer": "adam", "learn_rate": 0.0005, "decay": 0.1, "batch_size": 100, "l2": 0.0, "epochs": 30,
         "augment": {"shift": 2}, "flip": True, "standardize": True}),
    "digits-quick": Preset(
        "bundled digits: 64 tanh (seconds)", "playground.recipes' default for the bundled 8×8 digits: one "
        "hidden layer of 64 tanh nodes, momentum 0.9, learn rate 0.1, batch 32.", ("digits",),
        {"layers": "64", "activation": "tanh", "output": "softmax", "cost": "cross_entropy", "optimizer": "momentum",
         "momentum": 0.9, "learn_rate": 0.1, "decay": 0.0, "batch_size": 32, "l2": 0.0, "epochs": 30,
         "augment": {}, "flip": False}),
}
