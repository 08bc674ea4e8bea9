"""Optimizers: how a gradient becomes a change of the parameters.

Each optimizer is a small class with one ``update`` step that changes the
parameter arrays in place. Anything it remembers between steps (velocities,
averages of squared gradients) lives in the optimizer, not in the network, so
a fresh optimizer forgets it (as the app's shared state does on purpose).
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]


class SGD:
    """Plain gradient descent: w ← w − learn_rate · g."""

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        for parameter, gradient in zip(parameters, gradients):
            parameter -= learn_rate * gradient


class Momentum:
    """A ball rolling downhill: v ← μ·v − learn_rate·g,  w ← w + v.

    With ``nesterov=True`` it looks ahead: the step uses the gradient where the velocity is
    taking us, written in the usual rearranged form (Sutskever et al. 2013) so the gradient
    is still taken at the current parameters:  v ← μ·v − lr·g,  w ← w + μ·v − lr·g.
    """

    def __init__(self, momentum: float = 0.9, nesterov: bool = False) -> None:
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocities: list[Array] | None = None

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in parameters]
        for parameter, gradient, velocity in zip(parameters, gradients, self.velocities):
            velocity *= self.momentum
            velocity -= learn_rate * gradient
            if self.nesterov:
                parameter += self.momentum * velocity - learn_rate * gradient
            else:
                parameter += velocity


class RMSProp:
    """Divide each step by a running average of the gradient's size: s ← ρ·s + (1−ρ)·g²."""

    def __init__(self, decay_rate: float = 0.9, epsilon: float = 1e-8) -> None:
        self.decay_rate = decay_rate
        self.epsilon = epsilon
        self.squares: list[Array] | None = None

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        if self.squares is None:
            self.squares = [np.zeros_like(p) for p in parameters]
        for parameter, gradient, square in zip(parameters, gradients, self.squares):
            square *= self.decay_rate
            square += (1 - self.decay_rate) * gradient * gradient
            parameter -= learn_rate * gradient / (np.sqrt(square) + self.epsilon)


class Adam:
    """Momentum and RMSProp together, with both averages corrected for starting at zero."""

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.means: list[Array] | None = None
        self.squares: list[Array] | None = None
        self.steps = 0

    def update(self, parameters: list[Array], gradients: list[Array], learn_rate: float) -> None:
        if self.means is None:
            self.means = [np.zeros_like(p) for p in parameters]
            self.squares = [np.zeros_like(p) for p in parameters]
        self.steps += 1
        # Fold both bias corrections into the step size (Kingma & Ba, section 2).
        step_size = learn_rate * (1 - self.beta2**self.steps) ** 0.5 / (1 - self.beta1**self.steps)
        for parameter, gradient, mean, square in zip(parameters, gradients, self.means, self.squares):
            mean *= self.beta1
            mean += (1 - self.beta1) * gradient
            square *= self.beta2
            square += (1 - self.beta2) * gradient * gradient
            parameter -= step_size * mean / (np.sqrt(square) + self.epsilon)


def make_optimizer(name: str, momentum: float = 0.9) -> SGD | Momentum | RMSProp | Adam:
    """An optimizer by name; ``momentum`` is μ for momentum and Nesterov."""
    key = str(name).strip().lower()
    if key == "sgd":
        return SGD()
    if key == "momentum":
        return Momentum(momentum)
    if key == "nesterov":
        return Momentum(momentum, nesterov=True)
    if key == "rmsprop":
        return RMSProp()
    if key == "adam":
        return Adam()
    raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")
